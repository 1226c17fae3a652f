"""Notebook sweeps: a grid of parameter sets executed with papermill on Dask distributed.

:func:`run_sweep` validates every set of the grid against the notebook's parameter dataclass
(before anything runs), gives each run its content address, skips what the results store
already holds, and submits the rest, one Dask task per run, to a ``LocalCluster`` of worker
processes (one thread each) or to an existing scheduler (``tcp://HOST:8786``). Each run
executes in its own process (:mod:`tailkit.sweep.execution`). A failed run is recorded with its
traceback and the sweep goes on; re-running skips done and failed runs (``retry_failed``
re-runs failures). :func:`sweep_status` and :func:`collect_sweep` read a sweep folder.

Starting a cluster by hand (other machines reach it over TCP)::

    dask scheduler --host 0.0.0.0 --port 8786
    dask worker tcp://SCHEDULER:8786 --nworkers 4 --nthreads 1     # on each machine
    tailkit sweep notebooks/09_exit_optimization.ipynb --grid GRID.yaml --scheduler tcp://SCHEDULER:8786

Workers must see the notebook, the sweep folder (a shared file system) and tailkit. On HPC
batch systems ``dask-jobqueue`` (SLURMCluster, PBSCluster, ...) and on Kubernetes
``dask-kubernetes`` start the same scheduler and workers; pass the scheduler's address.

Dask is imported inside these functions only: ``import tailkit`` never loads it.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import atomic_write_text
from tailkit.sweep.execution import RunTask, execute_run
from tailkit.sweep.grid import Grid, ParameterSet, load_grid, validate_sets
from tailkit.sweep.store import (
    RunRecord,
    SweepManifest,
    read_manifest,
    read_record,
    records_frame,
    run_id,
    sweep_lock,
    write_manifest,
    write_record,
    write_table,
)

__all__ = ["SweepReport", "SweepStatus", "plan_sweep", "run_sweep", "sweep_status", "collect_sweep"]


@dataclass(frozen=True, slots=True)
class SweepReport:
    """Outcome of one :func:`run_sweep` call.

    Attributes
    ----------
    out : str
        Sweep folder.
    total : int
        Runs in the grid.
    skipped : int
        Runs already in the store (done, or failed without ``retry_failed``).
    ok, failed : int
        Runs executed by this call that succeeded / failed.
    dashboard : str or None
        Dask dashboard address (None when the cluster serves none).
    seconds : float
        Wall-clock time of the call, seconds.
    """

    out: str
    total: int
    skipped: int
    ok: int
    failed: int
    dashboard: str | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(frozen=True, slots=True)
class SweepStatus:
    """Counts of a sweep folder's runs and the failures' errors.

    Attributes
    ----------
    out : str
        Sweep folder.
    notebook : str
        The sweep's notebook.
    total, ok, failed, pending : int
        Runs in the grid, and how many are done, failed, not yet recorded.
    errors : dict
        ``run_id -> one-line error`` of the failed runs.
    """

    out: str
    notebook: str
    total: int
    ok: int
    failed: int
    pending: int
    errors: dict[str, str]

    def summary_text(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"{self.out}: {Path(self.notebook).name}, {self.total} runs: "
            f"{self.ok} ok, {self.failed} failed, {self.pending} pending"
        ]
        lines += [f"  failed {rid}: {err}" for rid, err in self.errors.items()]
        return "\n".join(lines)


def plan_sweep(
    notebook: str | os.PathLike[str], grid: Grid, params_class: type
) -> tuple[list[ParameterSet], list[str]]:
    """Validate the grid's sets and return them with their run ids (nothing runs).

    Raises
    ------
    ParameterError
        A missing notebook, or a set the dataclass rejects (names set, field, value, range).
    """
    from tailkit import __version__

    nb = Path(notebook)
    if not nb.is_file() or nb.suffix != ".ipynb":
        raise ParameterError(describe_bad_value("notebook", str(notebook), "an existing .ipynb file"))
    sets = validate_sets(grid, params_class)
    data = nb.read_bytes()
    return sets, [run_id(data, s.values, __version__) for s in sets]


def _start_client(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    """Return ``(client, cluster)``; ``cluster`` is None when joining an existing scheduler."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler, timeout="30s"), None
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise ParameterError(describe_bad_value("workers", n, "an integer >= 1"))
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )
    return Client(cluster), cluster


def _dashboard(client: Any) -> str | None:
    """The dashboard address when the scheduler serves it (bokeh installed there), else None."""
    import urllib.error
    import urllib.request

    info = client.scheduler_info()
    if "dashboard" not in info.get("services", {}):
        return None
    link = str(client.dashboard_link)
    try:  # the scheduler answers on its HTTP port without bokeh too, but has no /status page
        with urllib.request.urlopen(link, timeout=3) as page:
            return link if page.status == 200 else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


def run_sweep(
    notebook: str | os.PathLike[str],
    grid: Grid | str | os.PathLike[str],
    *,
    params_class: type,
    out: str | os.PathLike[str],
    workers: int | None = None,
    scheduler: str | None = None,
    retry_failed: bool = False,
    html: bool = True,
    timeout: float = 900.0,
    progress: bool = True,
    echo: Callable[[str], None] = print,
) -> SweepReport:
    """Run every set of ``grid`` through ``notebook`` on Dask; resume from the store in ``out``.

    Parameters
    ----------
    notebook : path-like
        The ``.ipynb`` to execute.
    grid : Grid or path-like
        A grid (see :mod:`tailkit.sweep.grid`) or its YAML file.
    params_class : type
        The notebook's parameter dataclass (the CLI resolves it from the notebook stem with
        ``tailkit.studies.parameter_class_for``); every set is validated before anything runs.
    out : path-like
        Sweep folder (created; see :mod:`tailkit.sweep.store` for its layout).
    workers : int, optional
        Worker processes of the local cluster (one thread each); default the CPU count.
    scheduler : str, optional
        Address of an existing scheduler (``tcp://HOST:8786``) instead of a local cluster.
    retry_failed : bool, default=False
        Re-run the runs recorded as failed (done runs are always skipped).
    html : bool, default=True
        Export standalone HTML of each executed notebook.
    timeout : float, default=900.0
        Per-cell timeout, seconds.
    progress : bool, default=True
        Show a tqdm progress bar (runs done, failed, ETA) on stderr.
    echo : callable, default=print
        Where the dashboard address and other notes go.

    Returns
    -------
    SweepReport
    """
    if workers is not None and scheduler is not None:
        raise ParameterError(describe_bad_value("workers", workers, "None when a scheduler address is given"))
    grid_obj = grid if isinstance(grid, Grid) else load_grid(grid)
    sets, ids = plan_sweep(notebook, grid_obj, params_class)
    from tailkit import __version__

    t0 = time.perf_counter()
    out_path = Path(out).resolve()
    nb = str(Path(notebook).resolve())
    with sweep_lock(out_path):
        write_manifest(
            out_path,
            SweepManifest(
                notebook=nb,
                grid=grid_obj.source,
                swept_fields=grid_obj.swept_fields,
                run_ids=tuple(ids),
                tailkit_version=__version__,
            ),
        )
        todo: list[RunTask] = []
        for s, rid in zip(sets, ids):
            rec = read_record(out_path, rid)
            if rec is not None and (rec.status == "ok" or not retry_failed):
                continue
            todo.append(
                RunTask(
                    out=str(out_path),
                    run_id=rid,
                    index=s.index,
                    notebook=nb,
                    swept=s.swept,
                    parameters=s.values,
                    html=html,
                    timeout=timeout,
                    tailkit_version=__version__,
                    pythonpath=str(Path(__file__).resolve().parents[2]),
                )
            )
        skipped = len(ids) - len(todo)
        if skipped:
            echo(f"{skipped} of {len(ids)} runs already in {out_path}: skipped")
        ok = failed = 0
        dashboard = None
        if todo:
            ok, failed, dashboard = _execute(todo, workers, scheduler, progress, echo)
        write_table(out_path, records_frame(out_path, ids))
    return SweepReport(
        out=str(out_path),
        total=len(ids),
        skipped=skipped,
        ok=ok,
        failed=failed,
        dashboard=dashboard,
        seconds=time.perf_counter() - t0,
    )


def _execute(
    todo: list[RunTask],
    workers: int | None,
    scheduler: str | None,
    progress: bool,
    echo: Callable[[str], None],
) -> tuple[int, int, str | None]:
    from distributed import as_completed
    from tqdm.auto import tqdm

    client, cluster = _start_client(workers, scheduler)
    try:
        dashboard = _dashboard(client)
        echo(
            f"dask dashboard: {dashboard}"
            if dashboard
            else "dask dashboard: not served (bokeh not installed)"
        )
        token = uuid.uuid4().hex[:8]
        by_key = {}
        futures = []
        for task in todo:
            fut = client.submit(execute_run, task, key=f"tailkit-run-{task.run_id}-{token}", pure=False)
            by_key[fut.key] = task
            futures.append(fut)
        ok = failed = 0
        bar = tqdm(total=len(futures), unit="run", disable=not progress, file=sys.stderr, dynamic_ncols=True)
        for fut in as_completed(futures):
            task = by_key[fut.key]
            try:
                record = fut.result()
                status = record["status"]
            except Exception as exc:  # the task itself died (e.g. it killed its workers): record it
                status = "failed"
                _record_task_failure(task, exc)
            ok += status == "ok"
            failed += status != "ok"
            bar.update(1)
            bar.set_postfix(ok=ok, failed=failed)
            fut.release()
        bar.close()
        return ok, failed, dashboard
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _record_task_failure(task: RunTask, exc: BaseException) -> None:
    import traceback as tb

    from tailkit.sweep.execution import _now

    write_record(
        task.out,
        RunRecord(
            run_id=task.run_id,
            index=task.index,
            notebook=task.notebook,
            swept=task.swept,
            parameters=task.parameters,
            status="failed",
            seconds=0.0,
            started=_now(),
            finished=_now(),
            error=f"{type(exc).__name__}: {exc}",
            traceback="".join(tb.format_exception(exc)),
            tailkit_version=task.tailkit_version,
        ),
    )


def sweep_status(out: str | os.PathLike[str]) -> SweepStatus:
    """Count the done, failed and pending runs of the sweep in ``out``."""
    manifest = read_manifest(out)
    ok = failed = 0
    errors: dict[str, str] = {}
    for rid in manifest.run_ids:
        rec = read_record(out, rid)
        if rec is None:
            continue
        if rec.status == "ok":
            ok += 1
        else:
            failed += 1
            errors[rid] = rec.error or ""
    total = len(manifest.run_ids)
    return SweepStatus(
        out=str(out), notebook=manifest.notebook, total=total, ok=ok, failed=failed,
        pending=total - ok - failed, errors=errors,
    )  # fmt: skip


def collect_sweep(out: str | os.PathLike[str], *, write: bool = True) -> pd.DataFrame:
    """One tidy table of the sweep in ``out``: a row per run, parameters x summary values.

    Columns: ``run_id, status, seconds``, then every parameter the runs differ in (the swept
    fields first), then every key of the notebooks' ``summary`` records (a key that is also a
    parameter name gets the prefix ``summary.``), then ``error``. Pending runs are left out.
    With ``write`` the table is also saved as ``out/collected.parquet`` and ``out/collected.csv``.
    """
    manifest = read_manifest(out)
    records: list[RunRecord] = [r for rid in manifest.run_ids if (r := read_record(out, rid)) is not None]
    names: list[str] = list(manifest.swept_fields)
    if records:
        for k in records[0].parameters:
            values = {json.dumps(r.parameters.get(k), sort_keys=True, default=str) for r in records}
            if len(values) > 1 and k not in names:
                names.append(k)
    summary_keys: list[str] = []
    for r in records:
        summary_keys += [k for k in r.summary if k not in summary_keys]
    rows = []
    for r in records:
        row: dict[str, Any] = {"run_id": r.run_id, "status": r.status, "seconds": round(r.seconds, 3)}
        for k in names:
            v = r.parameters.get(k)
            row[k] = json.dumps(v) if isinstance(v, list | dict) else v
        for k in summary_keys:
            v = r.summary.get(k)
            row[f"summary.{k}" if k in names or k in ("run_id", "status", "seconds", "error") else k] = (
                json.dumps(v) if isinstance(v, list | dict) else v
            )
        row["error"] = r.error
        rows.append(row)
    table = pd.DataFrame(rows)
    if write:
        write_table(out, table, "collected.parquet")
        atomic_write_text(Path(out) / "collected.csv", table.to_csv(index=False))
    return table
