"""The page request of a Voila app, for apps that must read shared state only once a person opens them.

Voila's preheated kernels (``serving/voila.py``) execute an app's notebook before anybody asks
for it. An app that shows shared, mutable state (the position book) does its heavy, state-free
work first (imports, controls, chart views), then calls :func:`wait_for_page_request`, and only
then reads the state, so the page shows it as it is when the page is opened.
"""

from __future__ import annotations

import os

__all__ = ["wait_for_page_request"]


def wait_for_page_request() -> None:
    """In a preheated Voila kernel, block until a page requests this kernel; elsewhere return at once.

    Outside a preheated kernel (JupyterLab, papermill, a kernel Voila started for a request)
    there is nothing to wait for. In a preheated kernel this calls
    :func:`voila.utils.wait_for_request`, which receives the request's details (Voila sets
    ``SERVER_SOFTWARE`` to ``voila/<version>`` among them) over the server's websocket.

    Raises
    ------
    RuntimeError
        A preheated kernel did not receive the request (the server's ``/voila/query``
        websocket could not be reached): reading the state now would show it as it was when
        the kernel was started, so the app stops instead.
    """
    if os.environ.get("VOILA_PREHEAT") != "True":
        return
    from voila.utils import wait_for_request

    wait_for_request()
    if not os.environ.get("SERVER_SOFTWARE", "").startswith("voila/"):
        raise RuntimeError(
            "this preheated Voila kernel received no page request (the server's /voila/query websocket "
            f"at {os.environ.get('VOILA_APP_IP', '127.0.0.1')}:{os.environ.get('VOILA_APP_PORT', '?')} "
            "was not reachable); reload the page"
        )
