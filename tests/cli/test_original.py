"""Issue 10, "The original command lines": the original tool's README invocations run as written.

The command lines below are copied from the original tool's README (``run_calibration.py``,
``run_strategy_evaluation.py``, ``run_market_evaluation.py``, ``run_parameter_optimization.py``;
the reference copy is ``../shared/reference/002_74c3d89aa44482a8.txt``). Each script name is
replaced by its tailkit command and its input files by the bundled SYNTHETIC files
(:func:`tailkit.data.synthetic.synthetic_paths`). The bundled files are being regenerated, so
these tests assert structure and arithmetic on the numbers each run reports, never the numbers
of the bundled files themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shlex
from pathlib import Path

import pytest

from tailkit.cli import main
from tailkit.data.synthetic import synthetic_paths

#: the original scripts and the tailkit commands that replace them
SCRIPTS = {
    "run_calibration.py": "calibrate",
    "run_strategy_evaluation.py": "evaluate",
    "run_market_evaluation.py": "evaluate-market",
    "run_parameter_optimization.py": "optimize-exits",
}

#: every command line of the original README that runs one of those scripts, as printed
#: (line continuations joined); ``portfolio_manager.py`` (the interactive menu) is tested elsewhere
README_LINES = [
    "python run_calibration.py --data historical_data.csv --output calibration_results.json",
    "python run_strategy_evaluation.py --calibration calibration_results.json",
    "python run_market_evaluation.py --calibration calibration_results.json --options tlt_options.csv",
    "python run_parameter_optimization.py --calibration calibration_results.json "
    "--delta 0.20 --width 3 --spread-type put --expiration 45",
    "python run_calibration.py --data historical_data.csv --output calibration_results.json "
    "--start-date 2019-01-01 --end-date 2024-12-31 --no-covid-exclusion",
    "python run_strategy_evaluation.py --calibration calibration_results.json --n-paths 10000 --expiration 45 "
    "--min-pop 0.70 --profit-target 0.50 --loss-multiple 2.0 --dte-close 7 --top 10",
    "python run_market_evaluation.py --calibration calibration_results.json --options tlt_options.csv "
    "--n-paths 10000 --min-dte 30 --max-dte 90 --min-pop 0.70",
    "python run_parameter_optimization.py --calibration calibration_results.json --delta 0.20 --width 3 "
    "--spread-type put --expiration 45 --profit-targets 0.30,0.40,0.50,0.60,0.70 --loss-multiples 1.5,2.0,2.5,3.0 "
    "--dte-thresholds 3,5,7,10,14 --min-pop 0.70 --risk-budget 0.02375 --output optimal_params.json",
    "python run_calibration.py --data historical_data.csv",
    "python run_market_evaluation.py --calibration calibration_results.json --options tlt_options_2025_01_09.csv "
    "--min-pop 0.70 --top 5",
    "python run_parameter_optimization.py --calibration calibration_results.json --delta 0.20 --width 3 "
    "--spread-type put --min-pop 0.70 --risk-budget 0.02375 --output optimal_exit_params.json",
    "python run_parameter_optimization.py -c calibration.json --delta 0.15 --width 3 --spread-type put "
    "--min-pop 0.80 --risk-budget 0.01500",
    "python run_parameter_optimization.py -c calibration.json --delta 0.20 --width 3 --spread-type put "
    "--min-pop 0.70 --risk-budget 0.02375",
    "python run_parameter_optimization.py -c calibration.json --delta 0.25 --width 5 --spread-type put "
    "--min-pop 0.60 --risk-budget 0.03000",
    "python run_parameter_optimization.py -c calibration.json --delta 0.20 --width 3 --spread-type put "
    "--profit-targets 0.45,0.50,0.55,0.60,0.65 --loss-multiples 1.8,2.0,2.2,2.4,2.6 "
    "--dte-thresholds 5,6,7,8,9,10 --min-pop 0.70",
]

#: few paths keep the replay fast (the README lets every evaluation and optimization set --n-paths;
#: appended, so it overrides a value the line gives)
FAST = ["--n-paths", "300"]


def _inputs() -> dict[str, str]:
    paths = synthetic_paths()
    return {
        "historical_data.csv": str(paths.history),
        "tlt_options.csv": str(paths.chain),
        "tlt_options_2025_01_09.csv": str(paths.chain),
    }


def translate(line: str) -> list[str]:
    """The tailkit argv of a README line: script -> command, input files -> bundled files."""
    words = shlex.split(line)
    assert words[0] == "python" and words[1] in SCRIPTS, line
    inputs = _inputs()
    argv = [SCRIPTS[words[1]], *(inputs.get(w, w) for w in words[2:])]
    return argv if argv[0] == "calibrate" else [*argv, *FAST]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding calibration_results.json and calibration.json fitted on the SYNTHETIC history."""
    path = tmp_path_factory.mktemp("original")
    cwd = os.getcwd()
    os.chdir(path)
    try:
        assert main(["calibrate", "--data", str(synthetic_paths().history)]) == 0
    finally:
        os.chdir(cwd)
    (path / "calibration.json").write_text((path / "calibration_results.json").read_text())
    return path


@pytest.fixture
def run(workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(workdir)

    def go(argv: list[str]) -> str:
        code = main(argv)
        out = capsys.readouterr()
        assert code == 0, (argv, out.err)
        return out.out

    return go


@pytest.mark.parametrize("line", README_LINES, ids=range(len(README_LINES)))
def test_every_original_readme_command_line_runs(line, run, workdir):
    argv = translate(line)
    out = run(argv)
    command = argv[0]
    if command == "calibrate":
        assert "wrote calibration_results.json" in out
        assert set(json.loads((workdir / "calibration_results.json").read_text())) >= {
            "vasicek_params",
            "regression_params",
            "volatility_params",
            "current_values",
        }
    elif command in ("evaluate", "evaluate-market"):
        assert "Top Strategy Details:" in out and "Exit Reason Distribution:" in out
    else:
        assert out.startswith("Spread: bull_put ")
        budget = argv[argv.index("--risk-budget") + 1] if "--risk-budget" in argv else None
        if budget is None:
            assert "Risk: no CVaR constraint" in out
        else:
            assert f"per-spread CVaR95 loss limit = {float(budget):g} / 0.05 x " in out
        if "--output" in argv:
            doc = json.loads((workdir / argv[argv.index("--output") + 1]).read_text())
            assert doc["spread"]["type"] == "bull_put" and doc["n_evaluated"] == 100


def test_optimize_defaults_print_only_and_no_cvar_constraint(run, workdir):
    """--output defaults to none and --risk-budget to no CVaR constraint, as in the original."""
    before = set(os.listdir(workdir))
    out = run(["optimize-exits", "-c", "calibration.json", *FAST])
    assert set(os.listdir(workdir)) == before  # nothing written
    assert "Risk: no CVaR constraint" in out and "wrote" not in out


def test_risk_budget_arithmetic_is_printed_and_applied(run, workdir):
    """cvar_limit = risk_budget / allocation x max_loss, max_loss = width - (credit - entry commissions)."""
    out = run(["optimize-exits", "-c", "calibration.json", "--risk-budget", "0.02", "--allocation", "0.04",
               "--width", "2", "--commission", "1.0", "--output", "budget.json", *FAST])  # fmt: skip
    doc = json.loads((workdir / "budget.json").read_text())
    credit = doc["initial_credit"]
    max_loss = 2.0 - (credit - 2 * 1.0 / 100)  # two legs at $1 per contract = 0.02 per share
    assert doc["risk"]["max_loss"] == pytest.approx(max_loss, rel=1e-12)
    assert doc["risk"]["cvar_limit"] == pytest.approx(0.02 / 0.04 * max_loss, rel=1e-12)
    assert f"= 0.02 / 0.04 x {max_loss:.4f} = {0.5 * max_loss:.4f}/share" in out


@pytest.mark.parametrize(
    ("given", "kind"), [("put", "bull_put"), ("call", "bear_call"), ("bear_call", "bear_call")]
)
def test_spread_type_in_the_json_uses_the_original_names(run, workdir, given, kind):
    run(
        [
            "optimize-exits",
            "-c",
            "calibration.json",
            "--spread-type",
            given,
            "--output",
            f"{given}.json",
            *FAST,
        ]
    )
    doc = json.loads((workdir / f"{given}.json").read_text())
    assert doc["spread"]["type"] == kind
    assert doc["spread"]["expiration_days"] == 45 and doc["spread"]["trading_days"] == 31


def _block(out: str) -> dict[str, str]:
    text = out[out.index("Top Strategy Details:") :]
    return {
        m.group(1).strip(): m.group(2).strip()
        for m in re.finditer(r"^[ \t]+([^:\n]+):[ \t]+(.+)$", text, re.M)
    }


@pytest.mark.parametrize("market", [False, True])
def test_top_strategy_details_block(run, workdir, market):
    """The original's block: credit, max profit/loss, days held, Kelly, contracts at $1M/$10M, exit reasons."""
    chain = str(synthetic_paths().chain)
    argv = ["evaluate-market", "--options", chain] if market else ["evaluate"]
    out = run([*argv, "-c", "calibration.json", "--top", "3", "--output", "screen.json", *FAST])
    doc = json.loads((workdir / "screen.json").read_text())["top_strategy"]
    assert "7 calendar days (5 trading days) to expiry" in out  # --dte-close 7, round(7 x 252/365) = 5
    block = _block(out)
    assert block["Initial Credit"] == f"${doc['credit']:.2f}"
    assert block["Max Loss"] == f"${doc['max_loss']:.2f}"
    assert block["Avg Days Held"].startswith(f"{doc['avg_days_held']:.1f}")
    navs = {size["nav"]: size for size in doc["sizes"]}
    assert set(navs) == {1_000_000.0, 10_000_000.0}
    for nav, label in ((1_000_000.0, "For $1M NAV"), (10_000_000.0, "For $10M NAV")):
        size = navs[nav]
        # floor(fraction x NAV / (max loss x 100)), the documented sizing rule
        assert size["contracts"] == math.floor(size["fraction"] * nav / (doc["max_loss"] * 100) + 1e-9)
        assert block[label].startswith(f"{size['contracts']} contracts")
    if doc["kelly_note"]:
        assert block["Kelly Fraction"].startswith("no edge")
    else:
        assert block["Kelly Fraction"] == f"{100 * doc['kelly']:.1f}%"
    found = re.findall(r"^ +(profit_target|loss_limit|dte_threshold|expiration) +([\d.]+)%$", out, re.M)
    assert [r for r, _ in found] == ["profit_target", "loss_limit", "dte_threshold", "expiration"]
    shares = [float(v) for _, v in found]
    for (reason, share), printed in zip(doc["exit_reasons"].items(), shares, strict=True):
        assert printed == pytest.approx(100 * share, abs=0.051), reason
    assert sum(shares) == pytest.approx(100.0, abs=0.25)


def test_kelly_of_a_spread_without_edge_is_reported_as_no_edge(run, workdir):
    """A 1-wide spread whose credit after commissions is <= 0 has Kelly -inf: reported as "no edge"."""
    out = run(["evaluate", "-c", "calibration.json", "--deltas", "0.3", "--widths", "1", "--commission", "20",
               "--put-only", "--output", "noedge.json", *FAST])  # fmt: skip
    doc = json.loads((workdir / "noedge.json").read_text())
    top = doc["top_strategy"]
    # $20 per contract per leg = 0.40 per share at entry, more than the credit
    assert top["max_profit"] == pytest.approx(top["credit"] - 0.40, abs=1e-12) and top["max_profit"] < 0
    assert top["kelly"] is None and top["kelly_note"].startswith(
        "no edge: no simulated path ends with a profit"
    )
    assert f"credit after costs {top['max_profit']:.4f}/share <= 0" in top["kelly_note"]
    assert "-inf%" not in out and "no edge" in _block(out)["Kelly Fraction"]
    assert all(size["contracts"] == 0 for size in top["sizes"])


def test_kelly_words_on_hand_made_values():
    from tailkit.overlay.sizing import format_kelly, kelly_note

    assert format_kelly(0.158) == "15.8%"
    assert format_kelly(-math.inf) == format_kelly(-0.2) == format_kelly(math.nan) == "no edge"
    assert kelly_note(0.158, 0.8) == ""
    assert kelly_note(-0.2, 0.5) == "no edge: Kelly -20.0% <= 0 (POP 0.500 too low for the win/loss ratio)"
    assert "credit after costs -0.0100/share <= 0" in kelly_note(-math.inf, 0.0, credit=-0.01)


@pytest.mark.parametrize("days", [10, 45, 60])
def test_evaluated_spread_and_book_agree_on_the_expiry(workdir, tmp_path, days):
    """One day count: --expiration N (calendar days) and the book's DTE of the same spread are both N."""
    from tailkit.book import Book
    from tailkit.book.marks import mark_book
    from tailkit.book.positions import add_spread, spread_order
    from tailkit.overlay import read_calibration
    from tailkit.overlay.evaluate import trading_days
    from tailkit.studies.overlay_commands import EvaluateParams, run_evaluate

    cal_file = str(workdir / "calibration.json")
    start = read_calibration(cal_file).current.date[:10]
    run = run_evaluate(
        EvaluateParams(
            calibration_file=cal_file,
            expiration_days=days,
            dte_close=3,
            n_paths=200,
            put_only=True,
            deltas=(0.2,),
            widths=(2.0,),
        )
    )
    expiry = (dt.date.fromisoformat(start) + dt.timedelta(days=days)).isoformat()
    assert run.expiry == expiry == run.document["expiry"]
    # the simulation runs round(days x 252/365) trading days
    assert run.result.candidates[0].spread.expiration_days == trading_days(days) == round(days * 252 / 365)
    cand = run.result.candidates[0].spread
    with Book(tmp_path / "b.sqlite", actor="tester") as book:
        order = spread_order(strategy="bull_put", short_strike=cand.short_strike, long_strike=cand.long_strike,
                             expiry=run.expiry, contracts=1, credit="0.30", trade_date=start)  # fmt: skip
        add_spread(book, order)
        marks = mark_book(book, as_of=start)
    assert marks.positions["expiry"].tolist() == [expiry]
    assert marks.positions["dte"].tolist() == [days]


def test_trading_days_by_hand():
    from tailkit.overlay.evaluate import trading_days

    # 45 x 252 / 365 = 31.07; 7 x 252 / 365 = 4.83; 14 x 252 / 365 = 9.67
    assert [trading_days(d) for d in (0, 7, 14, 45, 365)] == [0, 5, 10, 31, 252]
