"""One sweep run as a Dask task: execute the notebook in its own process, then commit the record.

:func:`execute_run` is what a Dask worker runs for one parameter set. It starts a fresh Python
process (``python -m tailkit.sweep.execution SPEC``) that executes the notebook with papermill
(papermill changes the working directory of the whole process, so no two runs ever share one),
into a scratch folder ``runs/<run_id>/attempt-<token>/``. When that process ends, the task moves
the executed notebook and its HTML into ``runs/<run_id>/`` and writes ``record.json`` last and
atomically: a run is in the store exactly when its record is. A worker lost half-way leaves
only a scratch folder; Dask reschedules the task and the next attempt commits the same run id.
On Linux the run's process is killed with its worker (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tailkit.sweep.store import RunRecord, read_record, run_folder, write_record

__all__ = ["RunTask", "execute_run"]

_TAIL = 4000  # characters of the run process's stderr kept in a failed record


@dataclass(frozen=True, slots=True)
class RunTask:
    """Everything a worker needs to execute and record one run (picklable, paths absolute).

    Attributes
    ----------
    out : str
        Sweep folder.
    run_id : str
        Content address of the run.
    index : int
        Position of the set in its grid.
    notebook : str
        Source notebook.
    swept : dict
        The values the grid's axes set.
    parameters : dict
        Full parameter set injected into the notebook's ``parameters`` cell.
    html : bool
        Export standalone HTML too.
    timeout : float
        Per-cell timeout, seconds.
    tailkit_version : str
        Version the run id includes.
    pythonpath : str
        Folder holding the ``tailkit`` package (put first on the run process's path).
    """

    out: str
    run_id: str
    index: int
    notebook: str
    swept: dict[str, Any]
    parameters: dict[str, Any]
    html: bool
    timeout: float
    tailkit_version: str
    pythonpath: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Ask Linux to SIGKILL this process when the thread that started it dies."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def execute_run(task: RunTask) -> dict[str, Any]:
    """Execute one run in a fresh process and commit its record; return the record as a dict.

    A run whose ``ok`` record is already in the store (committed by an earlier attempt) is not
    executed again. A failing notebook is recorded with its traceback, not raised.
    """
    done = read_record(task.out, task.run_id)
    if done is not None and done.status == "ok":
        return done.to_dict()
    folder = run_folder(task.out, task.run_id)
    attempt = folder / f"attempt-{uuid.uuid4().hex[:12]}"
    attempt.mkdir(parents=True)
    stem = Path(task.notebook).stem
    spec = attempt / "spec.json"
    spec.write_text(json.dumps(asdict(task), default=str), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (task.pythonpath, env.get("PYTHONPATH", "")) if p)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    started = _now()
    proc = subprocess.run(
        [sys.executable, "-m", "tailkit.sweep.execution", str(spec)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(attempt),
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        check=False,
    )
    result_path = attempt / "result.json"
    if result_path.is_file():
        result = json.loads(result_path.read_text(encoding="utf-8"))
    else:
        result = {
            "seconds": 0.0,
            "summary": {},
            "error": f"run process exited with code {proc.returncode} before recording a result",
            "traceback": proc.stderr[-_TAIL:],
        }
    output = html = None
    for name, suffix in ((stem + ".ipynb", "ipynb"), (stem + ".html", "html")):
        src = attempt / name
        if src.is_file():
            os.replace(src, folder / name)
            if suffix == "ipynb":
                output = str(Path("runs") / task.run_id / name)
            else:
                html = str(Path("runs") / task.run_id / name)
    record = RunRecord(
        run_id=task.run_id,
        index=task.index,
        notebook=task.notebook,
        swept=task.swept,
        parameters=task.parameters,
        status="ok" if result["error"] is None else "failed",
        seconds=float(result["seconds"]),
        started=started,
        finished=_now(),
        error=result["error"],
        traceback=result["traceback"],
        summary=result["summary"],
        output=output,
        html=html,
        host=f"{socket.gethostname()}:{os.getpid()}",
        tailkit_version=task.tailkit_version,
    )
    write_record(task.out, record)
    shutil.rmtree(attempt, ignore_errors=True)
    return record.to_dict()


def _child(spec_path: str) -> int:
    """Body of the run process: execute the notebook, write ``result.json`` next to the spec."""
    from tailkit.params import atomic_write_text
    from tailkit.sweep.runner import execute_notebook

    spec = Path(spec_path)
    task = json.loads(spec.read_text(encoding="utf-8"))
    stem = Path(task["notebook"]).stem
    run = execute_notebook(
        task["notebook"],
        spec.parent / f"{stem}.ipynb",
        parameters=task["parameters"],
        html=task["html"],
        timeout=task["timeout"],
    )
    result = {"seconds": run.seconds, "summary": run.summary, "error": run.error, "traceback": run.traceback}
    atomic_write_text(spec.parent / "result.json", json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
