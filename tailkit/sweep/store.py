"""The results store of a sweep folder: content-addressed runs, one record each, a Parquet table.

Layout of a sweep folder ``DIR``::

    DIR/sweep.json                 the latest sweep: notebook, grid, swept fields, run ids in order
    DIR/runs/<run_id>/record.json  one run's record (written last, atomically: the commit marker)
    DIR/runs/<run_id>/<stem>.ipynb the executed notebook;  <stem>.html its standalone HTML
    DIR/runs/<run_id>/attempt-*/   scratch folders of executions in progress (removed on commit)
    DIR/results.parquet            every record of the sweep as one table (rebuilt from the records)
    DIR/.lock                      held (flock) by the driver while a sweep runs

A run id is the SHA-256 (first 16 hex digits) of the notebook's bytes, the full parameter set
(canonical JSON) and the tailkit version, so the same notebook with the same parameters under
the same tailkit is the same run wherever and whenever it executes. Records are files named by
that id, so a run re-executed after a lost worker or a killed driver replaces its own record:
the table never holds a run twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import atomic_write_text

__all__ = [
    "RunRecord",
    "SweepManifest",
    "run_id",
    "read_record",
    "write_record",
    "read_manifest",
    "write_manifest",
    "records_frame",
    "sweep_lock",
    "STATUSES",
]

#: the statuses a record can carry
STATUSES = ("ok", "failed")


def _canonical(values: Mapping[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)


def run_id(notebook_bytes: bytes, values: Mapping[str, Any], version: str) -> str:
    """Return the content address of a run: 16 hex digits of SHA-256.

    Parameters
    ----------
    notebook_bytes : bytes
        The notebook file's bytes (a changed notebook is a new run).
    values : Mapping
        The full, validated parameter set.
    version : str
        The tailkit version (a new release is a new run).
    """
    h = hashlib.sha256()
    h.update(hashlib.sha256(notebook_bytes).digest())
    h.update(_canonical(values).encode())
    h.update(version.encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What the store knows about one finished run (ok or failed).

    Attributes
    ----------
    run_id : str
        Content address (:func:`run_id`).
    index : int
        Position of the set in its grid.
    notebook : str
        Source notebook path.
    swept : dict
        The values the grid's axes set.
    parameters : dict
        The full parameter set injected into the notebook.
    status : str
        ``"ok"`` or ``"failed"``.
    seconds : float
        Wall-clock duration of the execution, seconds.
    started, finished : str
        ISO timestamps (UTC).
    error : str or None
        One-line error of a failed run.
    traceback : str or None
        The traceback (or the executor's stderr tail) of a failed run.
    summary : dict
        The notebook's ``summary`` record (empty when it failed).
    output, html : str or None
        Executed notebook and HTML paths (relative to the sweep folder).
    host : str
        Host name and process id that executed it.
    tailkit_version : str
        tailkit version the run id includes.
    """

    run_id: str
    index: int
    notebook: str
    swept: dict[str, Any]
    parameters: dict[str, Any]
    status: str
    seconds: float
    started: str
    finished: str
    error: str | None = None
    traceback: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    output: str | None = None
    html: str | None = None
    host: str = ""
    tailkit_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict of every field."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SweepManifest:
    """The sweep a folder holds: notebook, grid source, swept fields and run ids in grid order."""

    notebook: str
    grid: str
    swept_fields: tuple[str, ...]
    run_ids: tuple[str, ...]
    tailkit_version: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        d = asdict(self)
        d["swept_fields"] = list(self.swept_fields)
        d["run_ids"] = list(self.run_ids)
        return d


def run_folder(out: str | os.PathLike[str], rid: str) -> Path:
    """Return ``out/runs/<rid>``."""
    return Path(out) / "runs" / rid


def write_record(out: str | os.PathLike[str], record: RunRecord) -> Path:
    """Write ``record`` to ``out/runs/<run_id>/record.json`` atomically; return the path."""
    path = run_folder(out, record.run_id) / "record.json"
    atomic_write_text(path, json.dumps(record.to_dict(), indent=1, default=str) + "\n")
    return path


def read_record(out: str | os.PathLike[str], rid: str) -> RunRecord | None:
    """Return the record of run ``rid`` in ``out``, or None when it has not finished."""
    path = run_folder(out, rid) / "record.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: unreadable run record ({exc})") from None
    return RunRecord(**data)


def write_manifest(out: str | os.PathLike[str], manifest: SweepManifest) -> None:
    """Write ``out/sweep.json`` atomically."""
    atomic_write_text(Path(out) / "sweep.json", json.dumps(manifest.to_dict(), indent=1) + "\n")


def read_manifest(out: str | os.PathLike[str]) -> SweepManifest:
    """Read ``out/sweep.json``.

    Raises
    ------
    ParameterError
        When ``out`` is not a sweep folder.
    """
    path = Path(out) / "sweep.json"
    if not path.is_file():
        raise ParameterError(describe_bad_value("folder", str(out), "a sweep folder (holding sweep.json)"))
    data = json.loads(path.read_text(encoding="utf-8"))
    return SweepManifest(
        notebook=data["notebook"],
        grid=data["grid"],
        swept_fields=tuple(data["swept_fields"]),
        run_ids=tuple(data["run_ids"]),
        tailkit_version=data["tailkit_version"],
    )


def _cell(value: Any) -> Any:
    """A Parquet-friendly cell: scalars as they are, lists and mappings as JSON text."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str)
    return value


def records_frame(out: str | os.PathLike[str], run_ids: Sequence[str]) -> pd.DataFrame:
    """One row per run id: status, timings, error, parameters and summary (missing runs: pending).

    Columns: ``run_id, index, status, seconds, started, finished, error, traceback, output,
    html, host, parameters`` (JSON text), ``summary`` (JSON text).
    """
    rows = []
    for i, rid in enumerate(run_ids):
        rec = read_record(out, rid)
        if rec is None:
            rows.append({"run_id": rid, "index": i, "status": "pending"})
            continue
        row = rec.to_dict()
        row["index"] = i
        row["parameters"] = json.dumps(rec.parameters, sort_keys=True, default=str)
        row["swept"] = json.dumps(rec.swept, sort_keys=True, default=str)
        row["summary"] = json.dumps(rec.summary, sort_keys=True, default=str)
        rows.append({k: _cell(v) for k, v in row.items()})
    columns = [
        "run_id", "index", "status", "seconds", "started", "finished", "error", "traceback",
        "output", "html", "host", "notebook", "tailkit_version", "swept", "parameters", "summary",
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    for c in columns:
        if c not in frame:
            frame[c] = None
    return frame[columns]


def write_table(out: str | os.PathLike[str], frame: pd.DataFrame, name: str = "results.parquet") -> Path:
    """Write ``frame`` to ``out/name`` as Parquet atomically (temp file + rename)."""
    path = Path(out) / name
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return path


@contextlib.contextmanager
def sweep_lock(out: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock on ``out/.lock`` (released by the OS if the driver dies).

    Raises
    ------
    ParameterError
        When another driver holds the folder.
    """
    import fcntl

    path = Path(out) / ".lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ParameterError(
                describe_bad_value("out", str(out), "a sweep folder no other running sweep is writing to")
            ) from None
        yield
    finally:
        os.close(fd)
