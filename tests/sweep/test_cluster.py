"""Notebook sweeps with real processes: LocalCluster, a hand-started scheduler and workers, a
worker killed mid-sweep, the driver killed with SIGKILL and restarted, two sweeps at once.

Each test runs the light notebook of ``_light.py`` (no tailkit numerics), so the time goes into
process start-up. Every process a test starts is ended by its id (process group) at the end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tailkit.sweep.store import read_manifest, read_record

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from _light import LightParams, write_light_notebook  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

DRIVER = """
import sys
sys.path.insert(0, {here!r})
from _light import LightParams
from tailkit.sweep import run_sweep

if __name__ == "__main__":  # the local cluster's worker processes re-import this script (spawn)
    kw = dict(params_class=LightParams, out={out!r}, html=False, progress=False, retry_failed={retry!r})
    if {scheduler!r}:
        kw["scheduler"] = {scheduler!r}
    else:
        kw["workers"] = {workers!r}
    report = run_sweep({notebook!r}, {grid!r}, **kw)
    print("REPORT", report.total, report.skipped, report.ok, report.failed, flush=True)
"""


def _env() -> dict[str, str]:
    path = os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")])
    return dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=path)


def _start(args: list[str], log: Path) -> subprocess.Popen:
    handle = open(log, "w")
    return subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, env=_env(), start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    """End a process this test started and everything in its session (by its id)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(20)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # children left behind by a killed leader
        except ProcessLookupError:
            pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _grid(path: Path, xs: list[float], sleep: float, fails: tuple[float, ...] = ()) -> Path:
    sets = [{"x": x, "sleep": sleep, "fail": x in fails} for x in xs]
    path.write_text(json.dumps({"axes": [{"list": sets}]}))  # JSON is YAML
    return path


def _driver(tmp_path: Path, name: str, grid: Path, out: Path, *, workers=1, scheduler=None, retry=False):
    script = tmp_path / f"{name}.py"
    nb = tmp_path / "light.ipynb"
    if not nb.exists():
        write_light_notebook(nb)
    script.write_text(
        DRIVER.format(
            here=str(HERE),
            out=str(out),
            retry=retry,
            scheduler=scheduler,
            workers=workers,
            notebook=str(nb),
            grid=str(grid),
        )
    )
    return _start([sys.executable, str(script)], tmp_path / f"{name}.log")


def _wait(proc: subprocess.Popen, log: Path, timeout: float = 600) -> str:
    proc.wait(timeout)
    text = log.read_text()
    assert proc.returncode == 0, text[-4000:]
    return text


def _report(text: str) -> tuple[int, ...]:
    line = [ln for ln in text.splitlines() if ln.startswith("REPORT")][-1]
    return tuple(int(v) for v in line.split()[1:])


def _check_store(out: Path, n: int, failed_x: tuple[float, ...] = ()) -> pd.DataFrame:
    manifest = read_manifest(out)
    assert len(manifest.run_ids) == n == len(set(manifest.run_ids))
    table = pd.read_parquet(out / "results.parquet")
    assert len(table) == n and table["run_id"].is_unique  # each run once
    assert set(table["run_id"]) == set(manifest.run_ids)
    for rid in manifest.run_ids:
        rec = read_record(out, rid)
        assert rec is not None
        x = rec.parameters["x"]
        if x in failed_x:
            assert rec.status == "failed" and f"asked to fail at x={x}" in (rec.traceback or "")
        else:
            assert rec.status == "ok", rec.error
            assert rec.summary == {"x_squared": x * x, "label": "a"}
            assert (out / rec.output).is_file()
    return table


def _records(out: Path) -> int:
    return len(list((out / "runs").glob("*/record.json")))


def test_local_cluster_sweep_records_failures_resumes_and_retries(tmp_path):
    from tailkit.sweep import collect_sweep, run_sweep

    nb = write_light_notebook(tmp_path / "light.ipynb")
    grid = _grid(tmp_path / "grid.yaml", [1.0, 2.0, 3.0], 0.0, fails=(2.0,))
    out = tmp_path / "out"
    lines: list[str] = []
    report = run_sweep(
        nb, grid, params_class=LightParams, out=out, workers=2, progress=False, echo=lines.append
    )
    assert (report.total, report.skipped, report.ok, report.failed) == (3, 0, 2, 1)
    assert any(line.startswith("dask dashboard:") for line in lines)
    # bokeh is in the dist extra, so the local scheduler serves its dashboard on this machine
    assert report.dashboard is not None and report.dashboard.startswith("http://127.0.0.1:"), report.dashboard
    _check_store(out, 3, failed_x=(2.0,))
    rec = read_record(out, read_manifest(out).run_ids[0])
    assert (out / rec.html).is_file() and "<html" in (out / rec.html).read_text()[:2000].lower()
    again = run_sweep(
        nb, grid, params_class=LightParams, out=out, workers=2, progress=False, echo=lines.append
    )
    assert (again.skipped, again.ok, again.failed) == (3, 0, 0)  # done and failed runs are skipped
    retried = run_sweep(
        nb,
        grid,
        params_class=LightParams,
        out=out,
        workers=1,
        progress=False,
        retry_failed=True,
        echo=lines.append,
    )
    assert (retried.skipped, retried.ok, retried.failed) == (2, 0, 1)  # only the failure re-ran
    table = collect_sweep(out)
    assert sorted(table["x"]) == [1.0, 2.0, 3.0]
    assert table.set_index("x").loc[3.0, "x_squared"] == 9.0
    assert pd.isna(table.set_index("x").loc[2.0, "x_squared"])


def _cluster(tmp_path: Path, n_workers: int) -> tuple[str, subprocess.Popen, list[subprocess.Popen]]:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    scheduler = _start(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        tmp_path / "scheduler.log",
    )
    workers = [
        _start(
            [
                dask,
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            tmp_path / f"worker{i}.log",
        )
        for i in range(n_workers)
    ]
    return address, scheduler, workers


def test_a_hand_started_cluster_loses_a_worker_mid_sweep_and_loses_no_run(tmp_path):
    address, scheduler, workers = _cluster(tmp_path, 2)
    out = tmp_path / "out"
    xs = [float(x) for x in range(1, 7)]
    grid = _grid(tmp_path / "grid.yaml", xs, 3.0)
    driver = None
    try:
        driver = _driver(tmp_path, "driver", grid, out, scheduler=address)
        deadline = time.monotonic() + 300
        # kill worker 0 while it is executing a run (a run process is its child)
        while time.monotonic() < deadline:
            busy = subprocess.run(["pgrep", "-P", str(workers[0].pid)], capture_output=True, text=True).stdout
            if busy.strip():
                break
            time.sleep(0.2)
        else:
            pytest.fail("worker 0 never started a run:\n" + (tmp_path / "driver.log").read_text()[-3000:])
        in_flight = [p for p in (out / "runs").glob("*/attempt-*")]
        assert in_flight
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(20)
        text = _wait(driver, tmp_path / "driver.log")
        assert _report(text) == (6, 0, 6, 0)
        _check_store(out, 6)
        # the runs were all finished by the surviving worker after the kill, or before it
        hosts = {read_record(out, rid).host.split(":")[1] for rid in read_manifest(out).run_ids}
        assert str(workers[1].pid) in hosts
    finally:
        for proc in [driver, *workers, scheduler]:
            if proc is not None:
                _stop(proc)


def test_the_driver_killed_with_sigkill_resumes_and_records_each_run_once(tmp_path):
    out = tmp_path / "out"
    xs = [float(x) for x in range(1, 7)]
    grid = _grid(tmp_path / "grid.yaml", xs, 1.0)
    first = second = None
    try:
        first = _driver(tmp_path, "first", grid, out, workers=2)
        deadline = time.monotonic() + 300
        while _records(out) < 2 if out.exists() else True:
            assert time.monotonic() < deadline, (tmp_path / "first.log").read_text()[-3000:]
            assert first.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
            time.sleep(0.2)
        os.kill(first.pid, signal.SIGKILL)  # the driver only: its cluster is orphaned
        first.wait(20)
        before = _records(out)
        assert before < 6
        second = _driver(tmp_path, "second", grid, out, workers=2)
        total, skipped, ok, failed = _report(_wait(second, tmp_path / "second.log"))
        assert (total, failed) == (6, 0) and skipped >= before and skipped + ok == 6
        _check_store(out, 6)
    finally:
        for proc in (first, second):
            if proc is not None:
                _stop(proc)


def test_two_sweeps_into_different_folders_at_once(tmp_path):
    grid_a = _grid(tmp_path / "a.yaml", [1.0, 2.0], 0.5)
    grid_b = _grid(tmp_path / "b.yaml", [3.0, 4.0, 5.0], 0.5, fails=(4.0,))
    a = b = None
    try:
        a = _driver(tmp_path, "a", grid_a, tmp_path / "out_a", workers=1)
        b = _driver(tmp_path, "b", grid_b, tmp_path / "out_b", workers=1)
        assert _report(_wait(a, tmp_path / "a.log")) == (2, 0, 2, 0)
        assert _report(_wait(b, tmp_path / "b.log")) == (3, 0, 2, 1)
        _check_store(tmp_path / "out_a", 2)
        _check_store(tmp_path / "out_b", 3, failed_x=(4.0,))
    finally:
        for proc in (a, b):
            if proc is not None:
                _stop(proc)
