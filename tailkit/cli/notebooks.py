"""``tailkit demo``, ``tailkit run`` and ``tailkit params`` sub-commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from tailkit.params import parameters_to_dict

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter


def _demo(args: argparse.Namespace) -> int:
    from tailkit.sweep.runner import run_demo

    report = run_demo(args.out, notebooks_dir=args.notebooks, only=args.only or None, html=not args.no_html)
    print(report.summary_text())
    return 0 if report.ok else 1


def _run(args: argparse.Namespace) -> int:
    from tailkit.sweep.runner import execute_notebook

    nb = Path(args.notebook)
    tag = Path(args.parameters).stem if args.parameters else "defaults"
    out = Path(args.output) if args.output else Path(args.out) / f"{nb.stem}-{tag}.ipynb"
    from tailkit.studies import parameter_class_for

    params_class = parameter_class_for(nb.stem) if args.parameters else None
    run = execute_notebook(
        nb, out, parameters_file=args.parameters, params_class=params_class, html=not args.no_html
    )
    print(f"{nb.name}: {'ok' if run.ok else 'FAILED'} in {run.seconds:.1f} s -> {run.output}")
    if run.error:
        print(f"  error: {run.error}")
    for key, value in run.summary.items():
        print(f"  {key:<42} {value}")
    return 0 if run.ok else 1


def _params(args: argparse.Namespace) -> int:
    from tailkit.studies import load_notebook_parameters

    for path in args.files:
        obj = load_notebook_parameters(path)
        print(f"{path}: ok ({type(obj).__name__}, {len(parameters_to_dict(obj))} fields)")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo``, ``run`` and ``params`` to the ``tailkit`` command line."""
    p = sub.add_parser("demo", help="run every objective notebook headless", formatter_class=_FMT)
    p.add_argument("--out", default="runs", help="parent folder of runs/demo-<timestamp>/")
    p.add_argument("--notebooks", default="notebooks", help="folder holding NN_topic.ipynb notebooks")
    p.add_argument("--only", nargs="*", help="notebook stems or prefixes (e.g. 01 02)")
    p.add_argument("--no-html", action="store_true", help="skip the standalone HTML exports")
    p.set_defaults(func=_demo)

    p = sub.add_parser("run", help="run one notebook with a parameter file", formatter_class=_FMT)
    p.add_argument("notebook", help="path to the .ipynb")
    p.add_argument("-f", "--parameters", help="YAML parameter file (validated first)")
    p.add_argument("-o", "--output", help="executed notebook path")
    p.add_argument("--out", default="runs", help="folder for the output when -o is not given")
    p.add_argument("--no-html", action="store_true", help="skip the standalone HTML export")
    p.set_defaults(func=_run)

    p = sub.add_parser("params", help="validate parameter YAML files", formatter_class=_FMT)
    p.add_argument("files", nargs="+", help="parameters/<notebook-stem>/<name>.yaml files")
    p.set_defaults(func=_params)
