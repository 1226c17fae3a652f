"""Fixtures for browser tests of the Voila apps: a real voila server and headless Chromium.

Reuse them from any test in ``tests/apps``::

    pytestmark = [pytest.mark.browser, pytest.mark.slow]

    def test_my_app(open_app, blocked_requests):
        page = open_app("my_app", ready=".tailkit-metrics")
        ...
        blocked_requests.assert_none()

* ``voila_server`` (module): ``voila notebooks/apps`` with the repository's serving configuration
  (``serving/voila.py``, as ``make app``) on a free port of 127.0.0.1, started with a clean
  environment in its own process group, killed at teardown; one server per test module. It is
  yielded once every preheated app's pool kernel has executed its notebook, so a test's first
  page view measures what a person gets from a running server. ``voila_server.url(name)`` is
  ``/voila/render/<name>.ipynb``; ``voila_server.kernel_pids()`` lists the live kernels.
* ``chromium_context`` (module): ``/usr/bin/chromium`` (never ``playwright install``) driven by
  playwright's sync API in a fresh temporary user-data-dir.
* ``app_page`` (function): a new page whose every request to a host other than 127.0.0.1 is
  aborted and recorded in ``blocked_requests``; console errors land in ``console_errors``.
* ``open_app`` (function): ``open_app(name, ready=css_selector)`` loads an app, waits until
  Voila has finished executing it and ``ready`` is visible, and returns the page.

A missing voila, Chromium or playwright skips the browser tests on a workstation and fails
them when the ``CI`` environment variable is set, so a CI run never passes without them.

Every test item marked ``browser`` in this folder is put in the xdist group ``"voila"`` so that
``pytest -n 2 --dist loadgroup`` can run them on one worker. With the pinned pytest 9 +
pytest-xdist 3.8 the grouping has no effect (xdist tags ``item._nodeid``, which pytest 9 no
longer reads). Either way each test module starts its own server (module-scoped fixtures), so
one module's closed tabs and kernel counts never disturb another's.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
APPS_DIR = REPO / "notebooks" / "apps"
#: voila of the repository's .venv, else of the interpreter running the tests (a shared venv)
VOILA = next(
    (p for p in (REPO / ".venv" / "bin" / "voila", Path(sys.executable).parent / "voila") if p.exists()),
    REPO / ".venv" / "bin" / "voila",
)
#: the serving configuration ``make app`` uses (preheated pools, culling, _xsrf cookie, template)
SERVING_CONFIG_DIR = REPO / "serving"
#: apps whose kernel pool Voila fills at start-up: all of them (serving/voila.py); book_review's
#: pool kernel waits for the page request before it reads the book
PREHEATED_APPS = tuple(sorted(p.stem for p in APPS_DIR.glob("*.ipynb")))


def module_apps(module: object) -> tuple[str, ...]:
    """The apps a test module opens: its ``APPS``, else its ``APP``, else every app.

    Its server preheats those only (the others are on Voila's ``preheat_denylist``, and would
    start a kernel when opened): filling every app's pool took 30-100 s per module on two busy
    cores. A module that checks the serving configuration's pools as a whole leaves both unset.
    """
    apps = getattr(module, "APPS", None) or ((module.APP,) if hasattr(module, "APP") else PREHEATED_APPS)
    unknown = sorted(set(apps) - set(PREHEATED_APPS))
    if unknown:
        raise ValueError(f"{module}: no app named {unknown} in {APPS_DIR} (apps: {PREHEATED_APPS})")
    return tuple(sorted(apps))


CHROMIUM = Path("/usr/bin/chromium")
SERVER_START_TIMEOUT_S = 90.0
#: first render of an app: kernel start + every cell executed + numba compilation on 2 busy cores
APP_LOAD_TIMEOUT_MS = 240_000
#: hosts a page may talk to; everything else is aborted and recorded
LOCAL_HOSTS = frozenset({"127.0.0.1"})
#: aborted requests known not to matter: none (serving/'s "tailkit" template drops the Font
#: Awesome links of Voila's lab template)
HARMLESS_EXTERNAL: tuple[str, ...] = ()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group this folder's browser tests on one xdist worker (one voila server)."""
    here = Path(__file__).parent
    for item in items:
        if item.get_closest_marker("browser") is None or item.get_closest_marker("xdist_group"):
            continue
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.xdist_group("voila"))


# run before xdist's own hook, which turns the group into a nodeid suffix
pytest_collection_modifyitems = pytest.hookimpl(tryfirst=True)(pytest_collection_modifyitems)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class VoilaServer:
    """A running voila server: its base URL, process and log file."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    #: the apps whose kernel pool this server filled at start-up
    preheated: tuple[str, ...] = PREHEATED_APPS

    def url(self, name: str) -> str:
        """Return the URL rendering ``notebooks/apps/<name>.ipynb``."""
        stem = name.removesuffix(".ipynb")
        return f"{self.base_url}/voila/render/{stem}.ipynb"

    def kernel_pids(self) -> list[int]:
        """Process ids of the kernels this server runs (its ``ipykernel`` child processes).

        Voila serves no kernel listing (``/api/kernels`` is 404 in the standalone app), and
        jupyter_client starts each kernel in its own session, so the kernels are found as the
        server's child processes.
        """
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat[1]) == self.process.pid and b"ipykernel" in cmdline:
                pids.append(int(entry.name))
        return sorted(pids)

    def wait_for_log(self, text: str, count: int, timeout_s: float) -> None:
        """Wait until ``text`` appears at least ``count`` times in the server's log."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            log = self.log_path.read_text(encoding="utf-8", errors="replace")
            if log.count(text) >= count:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"{text!r} not seen {count} times in {timeout_s:.0f} s; log:\n{self.log_tail()}")

    def _log_count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.log_path.read_text(encoding="utf-8", errors="replace")))

    def pool_uses(self, name: str) -> int:
        """How many page views of app ``name`` were served by a preheated kernel so far (the log says)."""
        stem = re.escape(name.removesuffix(".ipynb"))
        return self._log_count(rf"Using pre-heated kernel: \S+ for (?:\S*/)?{stem}\.ipynb\b")

    def wait_for_pool(self, name: str, timeout_s: float) -> None:
        """Wait until app ``name``'s pool holds a kernel that has run its notebook as far as it can.

        Voila refills a pool after each page view it serves; the refill is done when the log says
        the pool is filled once more than it was used, and every kernel is idle with the chart
        library (vl-convert, loaded when a panel builds its chart views) in its memory map: the
        new kernel has built its panel and stopped, at the end or at a wait for the request.
        """
        stem = re.escape(name.removesuffix(".ipynb"))
        filled = rf"Kernel pool of (?:\S*/)?{stem}\.ipynb is filled with"
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._log_count(filled) > self.pool_uses(name):
                pids = self.kernel_pids()
                if pids and all(_maps(pid, "vl_convert") and _cpu_idle(pid) for pid in pids):
                    return
            if self.process.poll() is not None:
                break
            time.sleep(1.0)
        raise RuntimeError(f"the pool of {name} did not settle in {timeout_s:.0f} s; log:\n{self.log_tail()}")

    def log_tail(self, n_chars: int = 4000) -> str:
        """Return the end of the server's combined stdout/stderr (for failure messages)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n_chars:]
        except OSError:
            return ""


def _clean_env(home: Path) -> dict[str, str]:
    """Return a minimal environment for voila and its kernels (nothing leaks in from the shell)."""
    venv_bin = str(REPO / ".venv" / "bin")
    env = {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "VIRTUAL_ENV": str(REPO / ".venv"),
        # the kernels import tailkit and widgets from this checkout (a worktree too), not from
        # wherever the shared venv's editable install points
        "PYTHONPATH": str(REPO),
    }
    return env


def _wait_until_answering(server: VoilaServer, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"voila exited with code {server.process.returncode} before answering; "
                f"log:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.base_url + "/", timeout=5) as resp:
                if resp.status == 200:
                    return
                last_error = f"HTTP {resp.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.5)
    raise RuntimeError(
        f"voila did not answer within {timeout_s:.0f} s ({last_error}); log:\n{server.log_tail()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server's process group (voila and its kernels), then kill what is left."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _missing_tool(reason: str) -> NoReturn:
    """Skip a browser test whose tool is missing, or fail it when ``CI`` is set (CI must run them)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the browser tests must run", pytrace=False)
    pytest.skip(reason)


def _wait_for_pools(server: VoilaServer) -> None:
    """Wait until every preheated app's pool kernel has executed its notebook.

    Voila logs "Kernel pool ... is filled" when a pool kernel has started, before it has run
    the notebook; each app's notebook ends with ``display(panel.widget)`` (book_review's stops
    before that, waiting for the page request), so the pool is ready once every preheated app's
    kernel has run as far as it can (the kernels go idle).
    """
    server.wait_for_log("is filled with", len(server.preheated), SERVER_START_TIMEOUT_S)
    deadline = time.monotonic() + APP_LOAD_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        pids = server.kernel_pids()
        if len(pids) >= len(server.preheated) and all(_cpu_idle(pid) for pid in pids):
            # one pool kernel per preheated app, none for the apps on the denylist
            assert len(pids) == len(server.preheated), (pids, server.preheated, server.log_tail())
            return
        time.sleep(1.0)
    raise RuntimeError(f"the preheated kernels did not settle; log:\n{server.log_tail()}")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _maps(pid: int, library: str) -> bool:
    """True when process ``pid`` has a shared object whose path contains ``library`` mapped."""
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def _cpu_idle(pid: int, window_s: float = 1.0) -> bool:
    """True when process ``pid`` used (almost) no CPU during ``window_s`` seconds."""
    try:
        before = _cpu_seconds(pid)
        time.sleep(window_s)
        return _cpu_seconds(pid) - before < 0.05 * window_s
    except (OSError, IndexError):
        return False


@pytest.fixture(scope="module")
def voila_server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[VoilaServer]:
    """Start ``voila notebooks/apps`` on a free 127.0.0.1 port; stop its process group at teardown.

    The server preheats the apps the test module opens (:func:`module_apps`).
    """
    preheated = module_apps(request.module)
    denied = [f"{app}.ipynb" for app in PREHEATED_APPS if app not in preheated]
    if not VOILA.exists():
        _missing_tool(f"voila is not installed at {VOILA}")
    root = tmp_path_factory.mktemp("voila")
    home = root / "home"
    home.mkdir()
    log_path = root / "voila.log"
    port = _free_port()
    cmd = [
        str(VOILA),
        str(APPS_DIR),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--Voila.config_file_paths={SERVING_CONFIG_DIR}",
        "--VoilaConfiguration.show_tracebacks=True",
    ]
    if denied:
        cmd.append(f"--VoilaKernelManager.preheat_denylist={json.dumps(denied)}")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            cmd,
            cwd=str(REPO),
            env=_clean_env(home),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = VoilaServer(
        base_url=f"http://127.0.0.1:{port}", process=process, log_path=log_path, preheated=preheated
    )
    try:
        _wait_until_answering(server, SERVER_START_TIMEOUT_S)
        _wait_for_pools(server)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def chromium_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A headless Chromium (the system ``/usr/bin/chromium``) in a fresh user-data-dir."""
    if not CHROMIUM.exists():
        _missing_tool(f"Chromium is not installed at {CHROMIUM} (make test installs it)")
    try:
        from playwright import sync_api
    except ImportError as exc:
        _missing_tool(f"playwright is not importable ({exc}); it is in the test extra")
    user_data_dir = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


@dataclass
class BlockedRequests:
    """Requests to hosts other than 127.0.0.1 that a page tried to make (all aborted)."""

    urls: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.urls)

    def assert_none(self, allowed_prefixes: tuple[str, ...] = HARMLESS_EXTERNAL) -> None:
        """Fail if the page tried to reach any host but 127.0.0.1 (beyond ``allowed_prefixes``).

        By default nothing is tolerated (:data:`HARMLESS_EXTERNAL` is empty).
        """
        offending = [u for u in self.urls if not u.startswith(allowed_prefixes)]
        assert not offending, f"requests left 127.0.0.1 (aborted): {offending}"


@pytest.fixture
def blocked_requests() -> BlockedRequests:
    """The external requests ``app_page`` aborted during the test."""
    return BlockedRequests()


@pytest.fixture
def console_errors() -> list[str]:
    """Console error messages and uncaught page errors seen by ``app_page``."""
    return []


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


@pytest.fixture
def app_page(
    chromium_context: object, blocked_requests: BlockedRequests, console_errors: list[str]
) -> Iterator[object]:
    """A new page that aborts (and records) every request not addressed to 127.0.0.1."""
    page = chromium_context.new_page()  # type: ignore[attr-defined]

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if _is_local(url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            blocked_requests.urls.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(f"page error: {exc}"))
    try:
        yield page
    finally:
        page.close()


@pytest.fixture
def open_app(voila_server: VoilaServer, app_page: object) -> Callable[..., object]:
    """Return ``open_app(name, ready=None)`` loading ``notebooks/apps/<name>.ipynb`` in ``app_page``.

    Waits until Voila has executed every cell (its spinner is gone and the cells are shown),
    then, if given, until the CSS selector ``ready`` is visible. Returns the page.
    """

    def _open(name: str, ready: str | None = None, timeout_ms: float = APP_LOAD_TIMEOUT_MS) -> object:
        page = app_page
        try:
            page.goto(voila_server.url(name), wait_until="load", timeout=timeout_ms)  # type: ignore[attr-defined]
            page.wait_for_selector("#rendered_cells", state="visible", timeout=timeout_ms)  # type: ignore[attr-defined]
            if ready is not None:
                page.wait_for_selector(ready, state="visible", timeout=timeout_ms)  # type: ignore[attr-defined]
        except Exception as exc:
            print(f"voila log tail:\n{voila_server.log_tail()}", file=sys.stderr)
            raise AssertionError(f"app {name!r} did not load: {exc}") from exc
        return page

    return _open
