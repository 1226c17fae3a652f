"""``tailkit hedge evaluate``: notebook 04's hedging study, headless.

``tailkit hedge evaluate --program FILE.yaml [--prices FILE --vix FILE] --output results.json``
loads a :class:`~tailkit.studies.hedging_strategies.HedgingStudyParams` file (keys = field
names), applies any ``--<field>`` option (one per field, generated from the dataclass with its
documented range), runs :func:`~tailkit.studies.hedging_strategies.run_hedging_study` with a
progress bar, writes every table as JSON (atomically) and prints the headline numbers.
"""

from __future__ import annotations

import argparse
from typing import Any

from tailkit.params import json_safe, write_json

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter
#: fields with their own, shorter option names
_RENAMED = {"prices_file": "prices", "vix_file": "vix", "program": "program-type"}


def _records(frame: Any) -> list[dict[str, Any]]:
    return json_safe(frame.reset_index().to_dict(orient="records"))


def _evaluate(args: argparse.Namespace) -> int:
    from tailkit.cli._options import params_from_file_and_args
    from tailkit.cli._progress import progress_bar
    from tailkit.params import parameters_to_dict
    from tailkit.studies.hedging_strategies import HedgingStudyParams, run_hedging_study

    params = params_from_file_and_args(HedgingStudyParams, args, args.program_file)
    bar = progress_bar(3 + int(params.history), args.quiet)

    def step(name: str) -> None:
        bar.set_description(name)
        bar.update(1)

    try:
        study = run_hedging_study(params, progress=step)
    finally:
        bar.close()
    out: dict[str, Any] = {
        "parameters": json_safe(parameters_to_dict(params)),
        "summary": json_safe(study.to_dict()),
        "simulated": {
            "source": study.simulated.source,
            "n_paths": study.simulated.n_paths,
            "programs": _records(study.to_frame()),
        },
        "framing": _records(study.framing.to_frame()),
    }
    if study.history is not None:
        h = study.history
        out["history"] = {
            "source": h.source,
            "proxy_share": h.proxy_share,
            "programs": _records(h.to_frame()),
            "crises": _records(h.crisis_frame()),
            "attribution": _records(h.attribution_frame()),
        }
    if study.history_framing is not None:
        out["history_framing"] = _records(study.history_framing.to_frame())
    write_json(args.output, out)
    for key, value in study.to_dict().items():
        print(f"{key:<32} {value}")
    print(f"results written to {args.output}")
    return 0


def _evaluate_options(p: argparse.ArgumentParser) -> None:
    from tailkit.cli._options import OPTION_NAMES, add_dataclass_options
    from tailkit.studies.hedging_strategies import HedgingStudyParams

    p.add_argument(
        "--program",
        dest="program_file",
        default=None,
        help="study parameter YAML (keys: the fields of HedgingStudyParams); options left at their "
        "default take the file's value",
    )
    p.add_argument("--output", default="hedge_results.json", help="JSON file written")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    shown = add_dataclass_options(p, HedgingStudyParams, rename=_RENAMED)
    p.set_defaults(**{OPTION_NAMES: shown})


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``hedge evaluate`` to the ``tailkit`` command line (options built on first use)."""
    from tailkit.cli._options import LazyParser

    hedge = sub.add_parser(
        "hedge", help="tail-hedge programs: cost, protection, effectiveness", formatter_class=_FMT
    )
    hsub = hedge.add_subparsers(dest="hedge_command", metavar="COMMAND", parser_class=LazyParser)
    hsub.required = True
    p = hsub.add_parser(
        "evaluate", help="evaluate a hedge program on simulated paths and on history", formatter_class=_FMT
    )
    if isinstance(p, LazyParser):
        p.populate = _evaluate_options
    else:
        _evaluate_options(p)
    p.set_defaults(func=_evaluate)
