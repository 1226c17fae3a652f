"""Voila configuration for serving tailkit's apps: ``make app``, the browser tests, a team server.

Load it with ``voila notebooks/apps --Voila.config_file_paths='["serving"]'`` from the repository
root (``make app`` does). Every setting below can be overridden on the command line.

* Preheated kernels: every app keeps ``default_pool_size`` kernels that have already executed
  the notebook, so opening an app shows its first chart without waiting for a kernel start, the
  imports and numba's compilation. ``book_review`` shows a shared, mutable book, so its notebook
  builds its controls and chart views, then waits for the page request
  (:func:`widgets.page.wait_for_page_request`, Voila's ``wait_for_request``) and only then opens
  and reads the book: the page shows the book as it is when opened, and no book file is created
  before anybody asks. The waiting kernel learns of the request over the server's websocket at
  ``127.0.0.1:<port>`` (``$VOILA_APP_IP`` when set), which a server bound to ``127.0.0.1`` or
  ``0.0.0.0`` answers; a server bound to another address needs ``VOILA_APP_IP=<that address>``
  in its environment, else ``book_review`` refuses to show a book it read too early.
* Culling: a kernel idle (no execution) for ``cull_idle_timeout`` seconds is shut down, even
  with a tab still connected (``cull_connected``): an app left open and unused for an hour must
  be reloaded. The check runs every ``cull_interval`` seconds. Pooled (not yet used) kernels are
  never culled, so the pool keeps its size.
* Tab close: Voila's page sends ``POST /voila/api/shutdown/<kernel>`` with the ``_xsrf`` cookie
  value as form field on ``beforeunload``, but Voila never sets that cookie on its app pages,
  so the server refuses the shutdown ("'_xsrf' argument missing from POST", voila issue #1458,
  open) and the kernel lives on. :class:`XsrfCookieIdentityProvider` sets the cookie on every
  app page, as Jupyter Server does on its own pages; the XSRF check itself stays on.
* Template ``tailkit`` (``serving/share/jupyter/voila/templates/tailkit``): Voila's ``lab``
  template without its Font Awesome links to cdn.jsdelivr.net.
"""

# ruff: noqa: F821  (``get_config`` is provided by traitlets when it executes this file)

from __future__ import annotations

import inspect
import os
from pathlib import Path

from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from voila.handler import VoilaHandler

SERVING = Path(__file__).resolve().parent
#: seconds without execution after which a kernel is shut down
CULL_IDLE_TIMEOUT_S = 3600
#: seconds between two culling checks
CULL_INTERVAL_S = 60


class XsrfCookieIdentityProvider(PasswordIdentityProvider):
    """Password/token identity provider that also sets the ``_xsrf`` cookie on Voila's app pages.

    Voila's page reads that cookie to authenticate the shutdown request it sends when the tab
    closes; reading ``handler.xsrf_token`` is what makes tornado set it.
    """

    async def get_user(self, handler):  # type: ignore[no-untyped-def]
        """Return the user as Jupyter Server does; on a Voila app page, also set ``_xsrf``."""
        user = super().get_user(handler)
        if inspect.isawaitable(user):
            user = await user
        if user is not None and handler.request.method == "GET" and isinstance(handler, VoilaHandler):
            # tornado reads current_user while making the token; Jupyter Server's prepare() sets
            # it to this same user right after get_user returns
            handler.current_user = user
            _ = handler.xsrf_token  # sets the _xsrf cookie on this response
        return user


class PoolKeepingKernelManager(AsyncMappingKernelManager):
    """Mapping kernel manager whose culler skips the kernels waiting in Voila's preheat pool."""

    def _pooled_kernel_ids(self) -> set[str]:
        ids: set[str] = set()
        for pool in getattr(self, "_pools", {}).values():  # set by Voila's preheating subclass
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    ids.add(task.result().get("kernel_id"))
        return ids

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Cull ``kernel_id`` as Jupyter Server does, unless it waits in a preheat pool."""
        if kernel_id in self._pooled_kernel_ids():
            return
        await super().cull_kernel_if_idle(kernel_id)


# the "tailkit" template lives in this repository, under serving/share/jupyter
_share = str(SERVING / "share" / "jupyter")
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    [_share, *[p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != _share]]
)

c = get_config()
c.VoilaConfiguration.template = "tailkit"
c.VoilaConfiguration.preheat_kernel = True
c.VoilaConfiguration.default_pool_size = 1
c.VoilaConfiguration.multi_kernel_manager_class = PoolKeepingKernelManager
c.Voila.identity_provider_class = XsrfCookieIdentityProvider
c.MappingKernelManager.cull_idle_timeout = CULL_IDLE_TIMEOUT_S
c.MappingKernelManager.cull_interval = CULL_INTERVAL_S
c.MappingKernelManager.cull_connected = True
c.MappingKernelManager.cull_busy = False
