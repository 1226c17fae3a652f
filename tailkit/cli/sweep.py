"""``tailkit sweep``: run a notebook over a grid on Dask, and read a sweep folder.

Three forms share one sub-command (the first word tells them apart: a notebook is a path
ending in ``.ipynb``, never the words ``status`` or ``collect``)::

    tailkit sweep NOTEBOOK --grid GRID.yaml [--workers N | --scheduler ADDRESS] [--out DIR]
    tailkit sweep status DIR
    tailkit sweep collect DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["register"]

_ACTIONS = ("status", "collect")

_USAGE = """tailkit sweep NOTEBOOK --grid GRID.yaml [--workers N | --scheduler ADDRESS] [--out DIR]
                     [--retry-failed] [--no-html] [--timeout SECONDS] [--no-progress]
       tailkit sweep status DIR
       tailkit sweep collect DIR"""

_EPILOG = """The grid file names a base parameter file and axes (cartesian, zip, list blocks); see
tailkit.sweep.grid. Every set is validated against the notebook's parameter dataclass before
anything runs. Runs are content-addressed (notebook bytes + parameters + tailkit version): a
second call skips what DIR already holds; --retry-failed re-runs failures.
Default cluster: a LocalCluster of worker processes, one thread each. An existing cluster:
  dask scheduler --port 8786 ; dask worker tcp://HOST:8786 --nthreads 1   (then --scheduler tcp://HOST:8786)
dask-jobqueue (HPC) and dask-kubernetes start the same kind of cluster."""


def _sweep(args: argparse.Namespace) -> int:
    if args.target in _ACTIONS:
        if args.folder is None:
            raise ParameterError(
                describe_bad_value("DIR", None, f"a sweep folder after 'sweep {args.target}'")
            )
        return _status(args.folder) if args.target == "status" else _collect(args.folder)
    if args.folder is not None:
        raise ParameterError(
            describe_bad_value(
                "arguments", [args.target, args.folder], "NOTEBOOK --grid GRID.yaml, or status/collect DIR"
            )
        )
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from tailkit.studies import parameter_class_for
    from tailkit.sweep.notebook_sweep import run_sweep

    nb = Path(args.target)
    if nb.suffix != ".ipynb":
        raise ParameterError(
            describe_bad_value("NOTEBOOK", args.target, "a .ipynb file, or status/collect DIR")
        )
    if args.grid is None:
        raise ParameterError(describe_bad_value("--grid", None, "a grid YAML file (base + axes)"))
    if args.workers is not None and args.scheduler is not None:
        raise ParameterError(
            describe_bad_value("--workers", args.workers, "not given together with --scheduler")
        )
    out = Path(args.out) if args.out else Path("runs") / f"sweep-{nb.stem}-{Path(args.grid).stem}"
    report = run_sweep(
        nb,
        args.grid,
        params_class=parameter_class_for(nb.stem),
        out=out,
        workers=args.workers,
        scheduler=args.scheduler,
        retry_failed=args.retry_failed,
        html=not args.no_html,
        timeout=args.timeout,
        progress=not args.no_progress,
        echo=lambda line: print(line, flush=True),
    )
    print(
        f"{nb.name}: {report.total} runs, {report.skipped} skipped, {report.ok} ok, {report.failed} failed "
        f"in {report.seconds:.1f} s -> {report.out}"
    )
    return 0 if report.failed == 0 else 1


def _status(folder: str) -> int:
    from tailkit.sweep.notebook_sweep import sweep_status

    status = sweep_status(folder)
    print(status.summary_text())
    return 0 if status.failed == 0 else 1


def _collect(folder: str) -> int:
    import pandas as pd

    from tailkit.sweep.notebook_sweep import collect_sweep

    table = collect_sweep(folder)
    with pd.option_context("display.max_columns", None, "display.width", 200):
        print(table.drop(columns=["error"]).to_string(index=False))
    print(f"-> {Path(folder) / 'collected.parquet'} and {Path(folder) / 'collected.csv'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``sweep`` to the ``tailkit`` command line."""
    p = sub.add_parser(
        "sweep",
        help="run a notebook over a parameter grid on Dask; status/collect a sweep folder",
        usage=_USAGE,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("target", metavar="NOTEBOOK|status|collect", help="the .ipynb to sweep, or status/collect")
    p.add_argument("folder", nargs="?", metavar="DIR", help="sweep folder (with status/collect)")
    p.add_argument("--grid", help="grid YAML file: base parameter file + axes")
    p.add_argument("--workers", type=int, help="local worker processes (default: CPU count)")
    p.add_argument("--scheduler", help="address of a running scheduler, e.g. tcp://HOST:8786")
    p.add_argument("--out", help="sweep folder (default runs/sweep-<notebook>-<grid>)")
    p.add_argument("--retry-failed", action="store_true", help="re-run the runs recorded as failed")
    p.add_argument("--no-html", action="store_true", help="skip the standalone HTML exports")
    p.add_argument("--timeout", type=float, default=900.0, help="per-cell timeout, seconds")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_sweep)
