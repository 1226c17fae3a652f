"""One parameter source: every command-line option is generated from a parameter dataclass."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from tailkit.cli import build_parser
from tailkit.cli._options import (
    OPTION_NAMES,
    SOURCES,
    add_dataclass_options,
    option_message,
    params_from_args,
    walk,
)
from tailkit.errors import ParameterError
from tailkit.params import param, validate

ROOT = Path(__file__).resolve().parents[2]

#: commands whose options come from parameter dataclasses (issue 9: calibrate, evaluate,
#: evaluate-market, optimize-exits and book)
GENERATED = ("calibrate", "evaluate", "evaluate-market", "optimize-exits", "book")


def _leaves() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    out = []
    for path, parser in walk(build_parser()):
        if path and path[0] in GENERATED:
            if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
                out.append((path, parser))
    return out


LEAVES = _leaves()


def test_walk_finds_every_overlay_and_book_command():
    names = {" ".join(p) for p, _ in LEAVES}
    assert {"calibrate", "evaluate", "evaluate-market", "optimize-exits"} <= names
    assert {"book add", "book close", "book size", "book rules set", "book nav set", "book mark"} <= names


@pytest.mark.parametrize(("path", "parser"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_option_is_generated_and_its_default_is_the_dataclass_default(path, parser):
    sources = getattr(parser, SOURCES, {})
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.dest in sources, (
            f"{' '.join(path)}: {action.option_strings or action.dest} is hand-written"
        )
        cls = sources[action.dest]
        field = {f.name: f for f in dataclasses.fields(cls)}[action.dest]
        if action.required or not action.option_strings:
            continue  # required options and positionals have no command-line default
        assert field.default is not dataclasses.MISSING, action.dest
        if isinstance(action, argparse._StoreFalseAction):
            # a flag that turns a default-on field off: absent from the namespace unless given
            assert action.default is argparse.SUPPRESS and field.default is True, action.dest
            continue
        assert action.default == field.default, (path, action.dest, action.default, field.default)


def test_required_options_are_fields_without_default_or_named_required():
    parser = dict(LEAVES)[("optimize-exits",)]
    cal = next(a for a in parser._actions if a.dest == "calibration_file")
    assert cal.required and cal.option_strings == ["-c", "--calibration"]
    data = next(a for a in dict(LEAVES)[("calibrate",)]._actions if a.dest == "history_file")
    assert data.required and data.option_strings == ["--data"]


def test_option_names_are_kept():
    """The names users already type (issue 9: every option keeps its name)."""
    expected = {
        ("calibrate",): {"--data", "--output", "--start-date", "--end-date", "--no-covid-exclusion", "--date-col",
                         "--yield-20y-col", "--yield-30y-col", "--tlt-col", "--options"},
        ("evaluate",): {"--calibration", "--n-paths", "--expiration", "--min-pop", "--profit-target",
                        "--loss-multiple", "--dte-close", "--put-only", "--call-only", "--seed", "--top",
                        "--widths", "--deltas", "--rank-by", "--output", "--half-spread", "--commission",
                        "--risk-free-rate", "--dividend-yield", "--residual-noise"},
        ("evaluate-market",): {"--calibration", "--options", "--n-paths", "--min-dte", "--max-dte", "--min-pop",
                               "--profit-target", "--loss-multiple", "--dte-close", "--min-delta", "--max-delta",
                               "--nav", "--kelly-fraction", "--max-risk-pct", "--top"},
        ("optimize-exits",): {"--calibration", "-c", "--delta", "--width", "--spread-type", "--expiration",
                              "--profit-targets", "--loss-multiples", "--dte-thresholds", "--min-pop",
                              "--risk-budget", "--n-paths", "--seed", "--risk-free-rate", "--output", "--top",
                              "--ranking-metric", "--allocation"},
        ("book", "add"): {"--strategy", "--short", "--long", "--expiry", "--contracts", "--credit", "--db",
                          "--actor", "--reason", "--entry-iv", "--commission", "--tag"},
        ("book", "rules", "set"): {"--profit-target", "--loss-multiple", "--dte-close"},
        ("book", "size"): {"--credit", "--width", "--pop", "--win-loss", "--nav", "--kelly-fraction",
                           "--max-risk-pct"},
    }  # fmt: skip
    leaves = dict(LEAVES)
    for path, names in expected.items():
        have = {s for a in leaves[path]._actions for s in a.option_strings}
        assert names <= have, (path, names - have)


# ------------------------------------------------------------------ the generator itself


@dataclass(frozen=True, slots=True, kw_only=True)
class Toy:
    source: str = param(doc="input file")
    vol: float = param(0.2, gt=0.0, le=5.0, doc="volatility, decimal; 5% = 0.05")
    steps: int = param(10, ge=1, le=100, doc="steps")
    kind: str = param("put", choices=("put", "call"), doc="kind")
    strikes: tuple[float, ...] = param((90.0, 100.0), gt=0.0, doc="strikes")
    budget: float | None = param(None, gt=0.0, doc="optional budget")
    hedge: bool = param(False, doc="hedge on")
    covid: bool = param(True, doc="leave out COVID (100% of 2020-03 to 2021-12)")

    def __post_init__(self) -> None:
        validate(self)
        if self.steps > 50 and self.vol > 1:
            raise ParameterError(f"steps={self.steps} is not allowed: expected <= 50 when vol={self.vol} > 1")


def _toy_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add_dataclass_options(
        p,
        Toy,
        rename={"source": "input", "steps": "n"},
        aliases={"source": ["-i"]},
        negate={"covid": "no-covid"},
    )
    return p


def test_generated_parser_types_defaults_and_help():
    p = _toy_parser()
    args = p.parse_args(["-i", "x.csv", "--strikes", "95,105", "--budget", "0.5", "--hedge", "--no-covid"])
    toy = params_from_args(Toy, args)
    assert toy == Toy(source="x.csv", strikes=(95.0, 105.0), budget=0.5, hedge=True, covid=False)
    assert params_from_args(Toy, p.parse_args(["--input", "y"])) == Toy(source="y")
    text = p.format_help()  # the "%" of a doc is escaped for argparse
    assert "5% = 0.05" in text and "(comma list)" in text
    # the negating flag says what it does, not the field's "(default: True)" as if it were on
    no_covid = " ".join(text.split("\n  --no-covid", 1)[1].split("\n  -", 1)[0].split())
    assert no_covid.startswith("turn off what is on by default:") and "default: True" not in no_covid
    assert "(100% of 2020-03 to 2021-12)" in no_covid  # its doc's "%" escaped too
    with pytest.raises(SystemExit):
        p.parse_args(["-i", "x", "--kind", "straddle"])  # choices from the field
    with pytest.raises(SystemExit):
        p.parse_args(["-i", "x", "--n", "2.5"])  # argparse type from the field type


def test_range_errors_name_the_option_typed_and_plain_numbers():
    p = _toy_parser()
    with pytest.raises(ParameterError) as info:
        params_from_args(Toy, p.parse_args(["-i", "x", "--vol", "-1"]))
    assert str(info.value).startswith("--vol=-1.0 is not allowed: expected a number > 0.0 and <= 5.0")
    with pytest.raises(ParameterError) as info:
        params_from_args(Toy, p.parse_args(["-i", "x", "--n", "60", "--vol", "2"]))
    assert str(info.value) == "--n=60 is not allowed: expected <= 50 when --vol=2.0 > 1"


def test_option_message_rewrites_numpy_reprs_and_whole_names_only():
    names = {"expiration_days": "--expiration", "dte_threshold": "--dte-close", "days": "--days"}
    msg = "dte_threshold=np.int64(7) is not allowed: expected an int < expiration_days=np.float64(-5.0)"
    assert option_message(msg, names) == "--dte-close=7 is not allowed: expected an int < --expiration=-5.0"
    assert option_message("max_days=3", names) == "max_days=3"


def test_namespace_carries_option_names_for_the_error_path():
    args = _toy_parser().parse_args(["-i", "x"])
    assert getattr(args, OPTION_NAMES)["steps"] == "--n"


def test_yaml_files_name_only_fields():
    """Issue 9: every YAML key under parameters/ is a field (tests/test_params.py loads each file).

    A sweep grid file (``base``/``fixed``/``axes``) is checked through its expanded sets: every
    set it makes is validated against the notebook's dataclass, as ``tailkit sweep`` does.
    """
    import yaml

    from tailkit.studies import parameter_class_for
    from tailkit.sweep.grid import is_grid_file, load_grid, validate_sets

    for path in sorted((ROOT / "parameters").glob("*/*.yaml")):
        cls = parameter_class_for(path.parent.name)
        if is_grid_file(path):
            assert validate_sets(load_grid(path), cls), path
            continue
        keys = set(yaml.safe_load(path.read_text()) or {})
        fields = {f.name for f in dataclasses.fields(cls)}
        assert keys <= fields, (path, keys - fields)


def test_shared_fields_have_one_range():
    """n_paths (and every other shared field) has the same range in every overlay class."""
    from tailkit.overlay import SimulationSettings
    from tailkit.params import field_spec
    from tailkit.studies.exit_optimization import ExitOptimizationParams
    from tailkit.studies.overlay_commands import EvaluateMarketParams, EvaluateParams
    from tailkit.studies.spread_screening import SpreadScreeningParams

    classes = (ExitOptimizationParams, EvaluateParams, EvaluateMarketParams, SpreadScreeningParams)
    for name in ("n_paths", "seed", "risk_free_rate", "half_spread", "commission", "min_pop", "top"):
        specs = [
            {k: v for k, v in field_spec(c, name).items() if k != "doc"} for c in classes if hasattr(c, name)
        ]
        assert all(s == specs[0] for s in specs), name
    assert field_spec(EvaluateParams, "n_paths")["le"] == field_spec(SimulationSettings, "n_paths")["le"]
