"""``tailkit system run``: notebook 05's whole asymmetric system, headless.

``tailkit system run [--config FILE.yaml] [--<field> VALUE ...] --output system.json`` builds an
:class:`~tailkit.studies.asymmetric_system.AsymmetricSystemParams` (one option per field,
generated from the dataclass with its documented range; a ``--config`` file of
``parameters/05_asymmetric_system/`` is the base and options left at their default take the
file's value), runs :func:`~tailkit.studies.asymmetric_system.asymmetric_system_study`, writes
the headline numbers, the premia asymmetry table, the premia portfolios, the archetype table,
the attribution layers and the regression as JSON (atomically) and prints the headline numbers.
"""

from __future__ import annotations

import argparse
from typing import Any

from tailkit.params import json_safe, write_json

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter


def _table(frame: Any) -> dict[str, Any]:
    return json_safe({str(k): v for k, v in frame.to_dict(orient="index").items()})


def _run(args: argparse.Namespace) -> int:
    from tailkit.cli._options import params_from_file_and_args
    from tailkit.params import parameters_to_dict
    from tailkit.studies.asymmetric_system import AsymmetricSystemParams, asymmetric_system_study

    params = params_from_file_and_args(AsymmetricSystemParams, args, args.config)
    study = asymmetric_system_study(params)
    summary = study.summary()
    out = {
        "parameters": json_safe(parameters_to_dict(params)),
        "summary": json_safe(summary),
        "asymmetry": _table(study.asymmetry.table),
        "portfolios": _table(study.portfolio_table()),
        "archetypes": _table(study.archetype_table()),
        "layers": json_safe({str(k): float(v) for k, v in study.layers.summary().items()}),
        "regression": _table(study.regression.to_frame()),
    }
    write_json(args.output, out)
    for key, value in summary.items():
        print(f"{key:<28} {value:.6g}" if isinstance(value, float) else f"{key:<28} {value}")
    print(f"results written to {args.output}")
    return 0


def _run_options(p: argparse.ArgumentParser) -> None:
    from tailkit.cli._options import OPTION_NAMES, add_dataclass_options
    from tailkit.studies.asymmetric_system import AsymmetricSystemParams

    p.add_argument(
        "--config",
        default=None,
        help="parameter YAML (keys: the fields of AsymmetricSystemParams, e.g. a file of "
        "parameters/05_asymmetric_system/); options left at their default take the file's value",
    )
    p.add_argument("--output", default="system_results.json", help="JSON file written")
    shown = add_dataclass_options(p, AsymmetricSystemParams)
    p.set_defaults(**{OPTION_NAMES: shown})


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``system run`` to the ``tailkit`` command line (options built on first use)."""
    from tailkit.cli._options import LazyParser

    system = sub.add_parser(
        "system",
        help="the asymmetric system: premia, investor archetypes, hedge and attribution",
        formatter_class=_FMT,
    )
    ssub = system.add_subparsers(dest="system_command", metavar="COMMAND", parser_class=LazyParser)
    ssub.required = True
    p = ssub.add_parser(
        "run",
        help="run notebook 05's chain for one investor profile and market scenario",
        formatter_class=_FMT,
    )
    if isinstance(p, LazyParser):
        p.populate = _run_options
    else:
        _run_options(p)
    p.set_defaults(func=_run)
