"""Kernels are freed: ten page views of an app, each tab closed, leave a bounded number of kernels.

Against the repository's serving configuration (``serving/voila.py``, as ``make app``): when a
tab closes, Voila's page posts ``/voila/api/shutdown/<kernel>`` with the ``_xsrf`` cookie; the
server must accept it (no "'_xsrf' argument missing from POST") and stop that kernel, while the
preheat pool starts one replacement. The live kernels are the voila server's ``ipykernel``
child processes. Each page view's time to the first chart is printed (not asserted).
"""

from __future__ import annotations

import time

import pytest

from .conftest import PREHEATED_APPS, _is_local

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = "spread_explorer"
#: this module checks the serving configuration's pools as a whole: its server preheats every app
APPS = PREHEATED_APPS
CHART_DRAWN = ".tailkit-chart svg.marks, .tailkit-chart canvas.marks"
VIEWS = 10
#: seconds for a closed tab's kernel to be shut down
SHUTDOWN_WAIT_S = 30.0


def _wait_kernels_at_most(voila_server, n: int, timeout_s: float) -> list[int]:
    deadline = time.monotonic() + timeout_s
    pids = voila_server.kernel_pids()
    while len(pids) > n and time.monotonic() < deadline:
        time.sleep(0.5)
        pids = voila_server.kernel_pids()
    return pids


def _local_only(route, blocked_requests) -> None:
    if _is_local(route.request.url):
        route.continue_()
    else:
        blocked_requests.urls.append(route.request.url)
        route.abort()


def test_closing_a_tab_frees_its_kernel(voila_server, chromium_context, app_page, blocked_requests):
    baseline = voila_server.kernel_pids()
    assert len(baseline) == len(PREHEATED_APPS), (baseline, voila_server.log_tail())
    app_page.close()  # the fixture's page is not used: each view gets its own tab
    seen_max = len(baseline)
    for view in range(VIEWS):
        page = chromium_context.new_page()
        page.route("**/*", lambda route: _local_only(route, blocked_requests))
        t0 = time.perf_counter()
        page.goto(voila_server.url(APP), wait_until="commit")
        page.wait_for_selector(CHART_DRAWN, state="attached", timeout=120_000)
        print(f"\nview {view + 1}: first chart {time.perf_counter() - t0:.1f} s")
        # one kernel serves this tab and the pool refills: one more than the baseline at most
        # (while the previous tab's kernel has not finished shutting down, two more)
        seen_max = max(seen_max, len(voila_server.kernel_pids()))
        page.close(run_before_unload=True)
        pids = _wait_kernels_at_most(voila_server, len(baseline), SHUTDOWN_WAIT_S)
        assert len(pids) <= len(baseline), (
            f"after closing view {view + 1}: {len(pids)} kernels live, {len(baseline)} expected; "
            f"log:\n{voila_server.log_tail()}"
        )
    assert seen_max <= len(baseline) + 2, seen_max
    log = voila_server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "argument missing from POST" not in log
    assert log.count("Kernel shutdown:") >= VIEWS
    blocked_requests.assert_none()
