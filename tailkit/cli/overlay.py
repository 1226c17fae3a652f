"""``tailkit calibrate``, ``evaluate``, ``evaluate-market`` and ``optimize-exits``."""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tailkit.cli._options import LazyParser, add_dataclass_options, params_from_args

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter


def _notes(notes: Sequence[str]) -> None:
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


def _fmt(value: Any, spec: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    return format(value, spec)


def _table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, str | Callable[[Any], str]]]) -> str:
    """Render ``frame`` with (column, header, format spec or function) triples, right-aligned."""
    header = [h for _, h, _ in columns]
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col, _, spec in columns:
            value = row[col]
            cells.append(spec(value) if callable(spec) else _fmt(value, spec))
        rows.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- calibrate


def _calibrate(args: argparse.Namespace) -> int:
    from tailkit.studies.overlay_commands import CalibrateParams, run_calibrate

    run = run_calibrate(params_from_args(CalibrateParams, args))
    cal = run.calibration
    _notes([n for n in run.notes if "R^2" not in n and "half-life" not in n and "random walk" not in n])
    s = cal.sample
    excl = f", excluding {s['covid_window'][0]} .. {s['covid_window'][1]}" if s.get("covid_window") else ""
    print(
        f"Overlay calibration: {s['start']} .. {s['end']}{excl}; {s['n_obs']} days, {s['n_pairs']} daily transitions"
    )
    print()
    frame = cal.to_frame()
    print(_table(frame, [("group", "group", "s"), ("parameter", "parameter", "s"), ("estimate", "estimate", ".6g"),
                         ("std_error", "std error", ".3g")]))  # fmt: skip
    reg, vol, cur = cal.regression, cal.volatility, cal.current
    ybar = 0.5 * (cur.yield_20y + cur.yield_30y)
    print()
    print(
        f"TLT regression: R^2 = {reg.r_squared:.4f}, residual vol {reg.residual_vol:.4f} (log points), "
        f"duration at today's yield {reg.duration(ybar):.1f} years"
    )
    print(
        f"Vol model ({vol.source}): base IV {vol.base_iv:.2%}, IV change per unit log move of TLT "
        f"{vol.price_sensitivity:+.4f}, skew slope {vol.skew_slope:+.4f}"
    )
    print(f"Current: {cur.date}  20y {cur.yield_20y:.4%}  30y {cur.yield_30y:.4%}  TLT {cur.tlt_price:.2f}")
    if cal.mean_reversion:
        print(
            f"Mean reversion (kappa per year; AR(1) per trading day; {cal.mean_reversion[0].n_pairs} transitions; "
            f"the model uses {cal.mean_reversion[0].estimator}):"
        )
        for f in cal.mean_reversion:
            used = "random walk, kappa = 0" if f.random_walk else f"kappa = {f.kappa:.4g}"
            print(
                f"  {f.tenor}: MLE b = {f.ar1_mle:.5f} (kappa {f.kappa_mle:.4g}), Kendall bias-corrected "
                f"b = {f.ar1_kendall:.5f} (kappa {f.kappa_kendall:.4g}) -> {used}"
            )
    for note in cal.warnings:
        print(f"warning: {note}")
    print(f"wrote {args.output_file}")
    return 0


# --------------------------------------------------------------------------- evaluate


def _kelly_cell(value: float) -> str:
    from tailkit.overlay.sizing import format_kelly

    return format_kelly(value)


def _screen_table(frame: pd.DataFrame, top: int, sized: bool) -> str:
    cols: list[tuple[str, str, Any]] = [
        ("rank", "rank", lambda v: str(v) if v else "-"),
        ("type", "type", "s"),
        ("short_strike", "short", "g"),
        ("long_strike", "long", "g"),
        ("expiration_days", "tdays", "d"),
        ("short_delta", "delta", ".2f"),
        ("credit", "credit", ".3f"),
        ("pop", "POP", ".3f"),
        ("se_pop", "±", ".3f"),
        ("expected_pnl", "E[R]", "+.4f"),
        ("se_expected_pnl", "±", ".4f"),
        ("cvar_95", "CVaR95", "+.3f"),
        ("risk_adjusted_return", "RAR", "+.3f"),
        ("kelly", "Kelly%", _kelly_cell),
        ("avg_days_held", "days held", ".1f"),
        ("assignment_risk", "assign%", lambda v: f"{100 * v:.1f}"),
    ]
    if sized:
        cols += [
            (c, c.replace("contracts_", "n@$"), "d") for c in frame.columns if c.startswith("contracts_")
        ]
    return _table(frame.head(top), cols)


def _print_screen(res: Any, params: Any, label: str, sized: bool) -> None:
    frame = res.to_frame()
    r = res.rules
    print(
        f"{label}: {len(frame)} spreads, {len(res.passing)} with POP >= {res.min_pop:.2f}; exits: "
        f"{r.profit_target_pct:.0%} of max profit, {r.loss_multiple:g}x credit, {params.dte_close} calendar days "
        f"({r.dte_threshold} trading days) to expiry; {res.settings.n_paths} paths (same shocks for every spread), P&L in $/share "
        "(x100 per contract); tdays = trading days simulated"
    )
    if frame.empty:
        print("no spread could be evaluated")
    else:
        print(_screen_table(frame, params.top, sized))
    if res.skipped:
        print(f"({len(res.skipped)} candidate(s) skipped, e.g. {res.skipped[0]})")


def _nav_text(nav: float) -> str:
    return f"${nav / 1e6:g}M" if nav >= 1e6 else f"${nav:,.0f}"


def _money(value: float) -> str:
    return f"-${-value:.2f}" if value < 0 else f"${value:.2f}"


def _print_details(doc: dict[str, Any] | None, expiry: str = "") -> None:
    """The original tool's "Top Strategy Details" block under the ranked table."""
    if doc is None:
        return
    print()
    when = expiry or f"({doc['trading_days']} trading days)"
    print(f"Top Strategy Details: {doc['label']} {when}")
    print(f"  Initial Credit:     {_money(doc['credit'])}")
    print(f"  Max Profit:         {_money(doc['max_profit'])}")
    print(f"  Max Loss:           {_money(doc['max_loss'])}")
    print(f"  Avg Days Held:      {doc['avg_days_held']:.1f} (trading days)")
    print()
    print("  Position Sizing (Kelly):")
    kelly = doc["kelly"]
    if doc["kelly_note"]:
        print(f"    Kelly Fraction:   {doc['kelly_note']}")
    else:
        print(f"    Kelly Fraction:   {100 * kelly:.1f}%")
    for size in doc["sizes"]:
        print(
            f"    For {_nav_text(size['nav']) + ' NAV:':<14}{size['contracts']} contracts "
            f"({size['fraction']:.2%} of NAV at maximum loss{', capped' if size['capped'] else ''})"
        )
    print()
    print("  Exit Reason Distribution:")
    for reason, share in doc["exit_reasons"].items():
        print(f"    {reason:<20} {100 * share:5.1f}%")


def _evaluate(args: argparse.Namespace) -> int:
    from tailkit.studies.overlay_commands import EvaluateParams, run_evaluate

    params = params_from_args(EvaluateParams, args)
    t0 = time.perf_counter()
    run = run_evaluate(params, progress=True)
    print(
        f"Spreads opened on the calibration's last day, {params.expiration_days} calendar days to expiry "
        f"({run.expiry}; simulated as {run.document['trading_days']} trading days)"
    )
    _print_screen(
        run.result, params, f"Model-IV screening (half-spread {params.half_spread:g}/leg assumed)", False
    )
    _print_details(run.document["top_strategy"], run.expiry)
    print(
        "  (sizes: quarter Kelly capped at 2% of NAV at maximum loss; contracts = floor(fraction x NAV / "
        "(max loss x 100)))"
    )
    print(f"({time.perf_counter() - t0:.2f} s)")
    if params.output_file:
        print(f"wrote {params.output_file}")
    return 0


def _evaluate_market(args: argparse.Namespace) -> int:
    from tailkit.studies.overlay_commands import EvaluateMarketParams, run_evaluate_market

    params = params_from_args(EvaluateMarketParams, args)
    t0 = time.perf_counter()
    run = run_evaluate_market(params, progress=True)
    _notes(run.notes)
    print(run.chain.summary())
    for row in run.chain.rejected.head(5).itertuples(index=False):
        print(f"  line {row.line}: {row.column}={row.value!r}: {row.reason}")
    sizing = params.sizing()
    _print_screen(run.result, params, "Market screening (entry at bid/ask)", True)
    _print_details(run.document["top_strategy"])
    print(
        f"Kelly sizing: {sizing.kelly_multiplier:g} x Kelly, capped at {sizing.max_nav_at_risk:.1%} of NAV at maximum "
        f"loss per trade; contracts = floor(fraction x NAV / (max loss x 100))"
    )
    print(f"({time.perf_counter() - t0:.2f} s)")
    if params.output_file:
        print(f"wrote {params.output_file}")
    return 0


# --------------------------------------------------------------------------- optimize-exits


def _optimize(args: argparse.Namespace) -> int:
    from tailkit.studies.exit_optimization import ExitOptimizationParams, exit_optimization_study

    params = params_from_args(ExitOptimizationParams, args)
    t0 = time.perf_counter()
    study = exit_optimization_study(params)
    elapsed = time.perf_counter() - t0
    opt, spread, doc = study.optimization, study.spread, study.document
    terms = opt.grid.marked.terms
    print(
        f"Spread: {doc['spread']['type']} {spread.short_strike:g}/{spread.long_strike:g}, "
        f"{params.expiration_days} calendar days to expiry ({study.expiry}; simulated as {spread.expiration_days} "
        f"trading days), short delta {params.delta:g} at IV {terms.short_iv:.2%}; credit {terms.credit:.4f}/share "
        f"(model mid {terms.model_mid:.4f} less half-spreads)"
    )
    print("Risk: " + opt.budget.describe())
    grid = opt.grid.rules
    n_pt = len(params.profit_targets)
    print(
        f"Grid: {n_pt} profit targets x {len(params.loss_multiples)} loss multiples x "
        f"{len(params.dte_thresholds)} DTE thresholds = {len(grid)} sets on {params.n_paths} paths "
        f"(common random numbers) in {elapsed:.3f} s; {opt.n_passing} pass POP >= {params.min_pop:g}"
        + (" and the CVaR limit" if params.risk_budget else "")
    )
    print()
    print(
        _table(
            study.grid.head(params.top),
            [
                ("rank", "rank", lambda v: str(v) if v else "-"),
                ("profit_target_pct", "target", ".0%"),
                ("loss_multiple", "stop", "g"),
                ("dte_threshold", "DTE", "d"),
                ("expected_pnl", "E[R]", "+.4f"),
                ("se_expected_pnl", "±", ".4f"),
                ("pop", "POP", ".3f"),
                ("cvar_95", "CVaR95", "+.4f"),
                ("risk_adjusted_return", "RAR", "+.3f"),
                ("kelly", "Kelly", _kelly_cell),
                ("avg_days_held", "days", ".1f"),
                ("exit_profit_target", "%PT", lambda v: f"{100 * v:.0f}"),
                ("exit_loss_limit", "%SL", lambda v: f"{100 * v:.0f}"),
                ("exit_dte_threshold", "%DTE", lambda v: f"{100 * v:.0f}"),
                ("exit_expiration", "%exp", lambda v: f"{100 * v:.0f}"),
                ("indistinguishable_from_best", "~best", lambda v: "yes" if v else ""),
            ],
        )
    )
    print("(DTE: calendar days to expiry; days held: trading days)")
    print()
    if opt.best is None:
        print(f"No exit rule set passes the constraints: {opt.binding}")
    else:
        b, r = doc["best_params"], doc["best_result"]
        print(
            f"Best ({params.ranking_metric}): profit target {b['profit_target_pct']:.0%}, loss {b['loss_multiple']:g}x "
            f"credit, close at {b['dte_threshold']} days to expiry -> E[R] {r['expected_return']:+.4f} ± "
            f"{r['se_expected_return']:.4f}, POP {r['pop']:.3f}, CVaR95 {r['cvar_95']:+.4f}; "
            f"{doc['n_indistinguishable_from_best']} passing set(s) statistically indistinguishable from it "
            "(paired difference within 1.96 SE)"
        )
    if params.output_file:
        print(f"wrote {params.output_file}")
    return 0


# --------------------------------------------------------------------------- parser


def _calibrate_options(p: argparse.ArgumentParser) -> None:
    from tailkit.studies.overlay_commands import CalibrateParams

    add_dataclass_options(
        p,
        CalibrateParams,
        rename={"history_file": "data", "output_file": "output", "chain_file": "options"},
        negate={"exclude_covid": "no-covid-exclusion"},
    )


_SCREEN_RENAME = {"calibration_file": "calibration", "output_file": "output", "expiration_days": "expiration"}
_SCREEN_ALIASES = {"calibration_file": ["-c"]}


def _evaluate_options(p: argparse.ArgumentParser) -> None:
    from tailkit.studies.overlay_commands import EvaluateParams

    add_dataclass_options(p, EvaluateParams, rename=_SCREEN_RENAME, aliases=_SCREEN_ALIASES)


def _evaluate_market_options(p: argparse.ArgumentParser) -> None:
    from tailkit.studies.overlay_commands import EvaluateMarketParams

    add_dataclass_options(
        p,
        EvaluateMarketParams,
        rename={**_SCREEN_RENAME, "chain_file": "options", "navs": "nav"},
        aliases=_SCREEN_ALIASES,
        spaced=("navs",),
    )


#: ExitOptimizationParams fields that are not command-line options (the panel's heatmap)
_OPTIMIZE_SKIPPED = ("heatmap_metric",)


def _optimize_options(p: argparse.ArgumentParser) -> None:
    import dataclasses

    from tailkit.studies.exit_optimization import ExitOptimizationParams

    fields = [f.name for f in dataclasses.fields(ExitOptimizationParams) if f.name not in _OPTIMIZE_SKIPPED]
    add_dataclass_options(
        p,
        ExitOptimizationParams,
        fields,
        rename=_SCREEN_RENAME,
        aliases=_SCREEN_ALIASES,
        required=("calibration_file",),
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the overlay's sub-commands to the ``tailkit`` command line (options built on first use)."""
    for name, func, fill, help_text in (
        ("calibrate", _calibrate, _calibrate_options, "fit the TLT overlay model to a history file"),
        ("evaluate", _evaluate, _evaluate_options, "screen credit spreads at model IV"),
        (
            "evaluate-market",
            _evaluate_market,
            _evaluate_market_options,
            "screen a real option chain at bid/ask + Kelly",
        ),
        ("optimize-exits", _optimize, _optimize_options, "grid-search exit rules under POP and CVaR limits"),
    ):
        p = sub.add_parser(name, help=help_text, description=help_text, formatter_class=_FMT)
        if isinstance(p, LazyParser):
            p.populate = fill
        else:
            fill(p)
        p.set_defaults(func=func)
