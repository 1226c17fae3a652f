"""``tailkit hedge evaluate``: notebook 04's hedging study, headless.

``tailkit hedge evaluate --program FILE.yaml [--prices FILE --vix FILE] --output results.json``
loads a :class:`~tailkit.studies.hedging_strategies.HedgingStudyParams` file (keys = field
names), applies any ``--<field>`` option (one per field, generated from the dataclass with its
documented range), runs :func:`~tailkit.studies.hedging_strategies.run_hedging_study` with a
progress bar, writes every table as JSON (atomically) and prints the headline numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import typing
from typing import Any

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter
#: fields with their own, shorter option names
_RENAMED = {"prices_file": "--prices", "vix_file": "--vix", "program": "--program-type"}


def _list_of(kind: type) -> Any:
    def parse(text: str) -> tuple[Any, ...]:
        items = [v.strip() for v in text.split(",") if v.strip()]
        try:
            values = tuple(kind(v) for v in items)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a comma-separated list of {kind.__name__}"
            ) from None
        if not values:
            raise argparse.ArgumentTypeError("expected at least one value")
        return values

    return parse


def _add_field_options(parser: argparse.ArgumentParser, cls: type) -> None:
    """One ``--field-name`` option per dataclass field (default: the file's or the class's value)."""
    from tailkit.params import field_doc, field_spec

    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        spec = field_spec(cls, f.name)
        flag = _RENAMED.get(f.name, "--" + f.name.replace("_", "-"))
        help_text = field_doc(cls, f.name) or f.name
        bounds = [f"{k} {spec[k]}" for k in ("ge", "gt", "le", "lt") if spec.get(k) is not None]
        if bounds:
            help_text += " (" + ", ".join(bounds) + ")"
        help_text += f"; default {f.default!r}"
        kwargs: dict[str, Any] = {"dest": f.name, "default": None, "help": help_text}
        origin = typing.get_origin(hint)
        if hint is bool:
            kwargs["action"] = argparse.BooleanOptionalAction
        elif origin is tuple:
            inner = typing.get_args(hint)[0]
            kwargs["type"] = _list_of(inner)
            kwargs["metavar"] = "A,B,..."
        elif origin is typing.Literal:
            kwargs["choices"] = typing.get_args(hint)
        else:
            kwargs["type"] = hint
        parser.add_argument(flag, **kwargs)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        return _clean(value.item())
    return value


def _records(frame: Any) -> list[dict[str, Any]]:
    return _clean(frame.reset_index().to_dict(orient="records"))


def _evaluate(args: argparse.Namespace) -> int:
    from tailkit.params import atomic_write_text, load_parameters, parameters_from_dict, parameters_to_dict
    from tailkit.studies.hedging_strategies import HedgingStudyParams, run_hedging_study

    base = (
        load_parameters(args.program_file, HedgingStudyParams) if args.program_file else HedgingStudyParams()
    )
    values = parameters_to_dict(base)
    for f in dataclasses.fields(HedgingStudyParams):
        given = getattr(args, f.name)
        if given is not None:
            values[f.name] = given
    params = parameters_from_dict(HedgingStudyParams, values, source="command line")
    stages = 3 + int(params.history)
    bar = _progress(stages, args.quiet)

    def step(name: str) -> None:
        bar.set_description(name)
        bar.update(1)

    try:
        study = run_hedging_study(params, progress=step)
    finally:
        bar.close()
    out: dict[str, Any] = {
        "parameters": _clean(parameters_to_dict(params)),
        "summary": _clean(study.to_dict()),
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
    atomic_write_text(args.output, json.dumps(out, indent=2, allow_nan=False))
    for key, value in study.to_dict().items():
        print(f"{key:<32} {value}")
    print(f"results written to {args.output}")
    return 0


def _progress(total: int, quiet: bool) -> Any:
    class _Null:
        def set_description(self, text: str) -> None:
            pass

        def update(self, n: int = 1) -> None:
            pass

        def close(self) -> None:
            pass

    if quiet:
        return _Null()
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with the notebooks extra
        return _Null()
    return tqdm(total=total, file=sys.stderr, leave=False, unit="stage")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``hedge evaluate`` to the ``tailkit`` command line."""
    from tailkit.studies.hedging_strategies import HedgingStudyParams

    hedge = sub.add_parser(
        "hedge", help="tail-hedge programs: cost, protection, effectiveness", formatter_class=_FMT
    )
    hsub = hedge.add_subparsers(dest="hedge_command", metavar="COMMAND")
    hsub.required = True
    p = hsub.add_parser(
        "evaluate", help="evaluate a hedge program on simulated paths and on history", formatter_class=_FMT
    )
    p.add_argument(
        "--program", dest="program_file", help="study parameter YAML (keys: the fields of HedgingStudyParams)"
    )
    p.add_argument("--output", default="hedge_results.json", help="JSON file written")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_field_options(p, HedgingStudyParams)
    p.set_defaults(func=_evaluate)
