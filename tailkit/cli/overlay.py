"""``tailkit calibrate``, ``evaluate``, ``evaluate-market`` and ``optimize-exits``."""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter


def _float_list(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one number")
    return values


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of integers") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one integer")
    return values


def _notes(caught: Sequence[warnings.WarningMessage]) -> None:
    for w in caught:
        print(f"note: {w.message}", file=sys.stderr)


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


def _settings(args: argparse.Namespace) -> Any:
    from tailkit.overlay import SimulationSettings

    return SimulationSettings(
        n_paths=args.n_paths,
        seed=args.seed,
        risk_free_rate=args.risk_free_rate,
        dividend_yield=args.dividend_yield,
        residual_noise=args.residual_noise,
    )


def _fills(args: argparse.Namespace) -> Any:
    from tailkit.overlay import FillModel

    return FillModel(half_spread=args.half_spread, commission=args.commission)


def _rules(args: argparse.Namespace) -> Any:
    from tailkit.overlay import ExitRules

    return ExitRules(
        profit_target_pct=args.profit_target, loss_multiple=args.loss_multiple, dte_threshold=args.dte_close
    )


def _kinds(args: argparse.Namespace) -> tuple[str, ...]:
    if args.put_only:
        return ("put",)
    if args.call_only:
        return ("call",)
    return ("put", "call")


# --------------------------------------------------------------------------- calibrate


def _calibrate(args: argparse.Namespace) -> int:
    from tailkit.data import read_history, read_option_chain
    from tailkit.overlay import calibrate_overlay, write_calibration

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = read_history(
            args.data,
            date_col=args.date_col,
            yield_20y_col=args.yield_20y_col,
            yield_30y_col=args.yield_30y_col,
            tlt_col=args.tlt_col,
        )
        chain = read_option_chain(args.options).chain if args.options else None
        cal = calibrate_overlay(
            history,
            start=args.start_date,
            end=args.end_date,
            exclude_covid=not args.no_covid_exclusion,
            chain=chain,
        )
    _notes([w for w in caught if "R^2" not in str(w.message) and "half-life" not in str(w.message)])
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
    for note in cal.warnings:
        print(f"warning: {note}")
    write_calibration(cal, args.output)
    print(f"wrote {args.output}")
    return 0


# --------------------------------------------------------------------------- evaluate


def _screen_table(frame: pd.DataFrame, top: int, sized: bool) -> str:
    cols: list[tuple[str, str, Any]] = [
        ("rank", "rank", lambda v: str(v) if v else "-"),
        ("type", "type", "s"),
        ("short_strike", "short", "g"),
        ("long_strike", "long", "g"),
        ("expiration_days", "days", "d"),
        ("short_delta", "delta", ".2f"),
        ("credit", "credit", ".3f"),
        ("pop", "POP", ".3f"),
        ("se_pop", "±", ".3f"),
        ("expected_pnl", "E[R]", "+.4f"),
        ("se_expected_pnl", "±", ".4f"),
        ("cvar_95", "CVaR95", "+.3f"),
        ("risk_adjusted_return", "RAR", "+.3f"),
        ("kelly", "Kelly%", lambda v: _fmt(100 * v, "+.1f") if math.isfinite(v) else _fmt(v, "")),
        ("avg_days_held", "days held", ".1f"),
        ("assignment_risk", "assign%", lambda v: f"{100 * v:.1f}"),
    ]
    if sized:
        cols += [
            (c, c.replace("contracts_", "n@$"), "d") for c in frame.columns if c.startswith("contracts_")
        ]
    return _table(frame.head(top), cols)


def _print_screen(res: Any, top: int, label: str, sized: bool) -> None:
    frame = res.to_frame()
    r = res.rules
    print(
        f"{label}: {len(frame)} spreads, {len(res.passing)} with POP >= {res.min_pop:.2f}; exits: "
        f"{r.profit_target_pct:.0%} of max profit, {r.loss_multiple:g}x credit, {r.dte_threshold} DTE; "
        f"{res.settings.n_paths} paths (same shocks for every spread), P&L in $/share (x100 per contract)"
    )
    if frame.empty:
        print("no spread could be evaluated")
    else:
        print(_screen_table(frame, top, sized))
    if res.skipped:
        print(f"({len(res.skipped)} candidate(s) skipped, e.g. {res.skipped[0]})")


def _evaluate(args: argparse.Namespace) -> int:
    from tailkit.overlay import evaluate, read_calibration
    from tailkit.overlay.model import write_json

    cal = read_calibration(args.calibration)
    t0 = time.perf_counter()
    res = evaluate(
        cal,
        kinds=_kinds(args),
        deltas=args.deltas,
        widths=args.widths,
        expiration_days=args.expiration,
        rules=_rules(args),
        min_pop=args.min_pop,
        rank_by=args.rank_by,
        settings=_settings(args),
        fills=_fills(args),
        progress=True,
    )
    _print_screen(res, args.top, f"Model-IV screening (half-spread {args.half_spread:g}/leg assumed)", False)
    print(f"({time.perf_counter() - t0:.2f} s)")
    if args.output:
        write_json(args.output, res.to_dict())
        print(f"wrote {args.output}")
    return 0


def _evaluate_market(args: argparse.Namespace) -> int:
    from tailkit.data import read_option_chain
    from tailkit.overlay import SizingRules, evaluate_market, read_calibration
    from tailkit.overlay.model import write_json

    cal = read_calibration(args.calibration)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read = read_option_chain(args.options)
    _notes([w for w in caught if "rejected" not in str(w.message).lower()])
    print(read.summary())
    for row in read.rejected.head(5).itertuples(index=False):
        print(f"  line {row.line}: {row.column}={row.value!r}: {row.reason}")
    sizing = SizingRules(
        kelly_multiplier=args.kelly_fraction, max_nav_at_risk=args.max_risk_pct, navs=tuple(args.nav)
    )
    t0 = time.perf_counter()
    res = evaluate_market(
        cal,
        read,
        kinds=_kinds(args),
        min_dte=args.min_dte,
        max_dte=args.max_dte,
        min_delta=args.min_delta,
        max_delta=args.max_delta,
        widths=args.widths,
        rules=_rules(args),
        min_pop=args.min_pop,
        rank_by=args.rank_by,
        settings=_settings(args),
        fills=_fills(args),
        sizing=sizing,
        progress=True,
    )
    _print_screen(res, args.top, "Market screening (entry at bid/ask)", True)
    print(
        f"Kelly sizing: {sizing.kelly_multiplier:g} x Kelly, capped at {sizing.max_nav_at_risk:.1%} of NAV at maximum "
        f"loss per trade; contracts = floor(fraction x NAV / (max loss x 100))"
    )
    print(f"({time.perf_counter() - t0:.2f} s)")
    if args.output:
        write_json(args.output, res.to_dict())
        print(f"wrote {args.output}")
    return 0


# --------------------------------------------------------------------------- optimize-exits


def _optimize(args: argparse.Namespace) -> int:
    from tailkit.overlay import ExitGrid, optimize_exits, read_calibration, spread_from_delta
    from tailkit.overlay.model import write_json

    cal = read_calibration(args.calibration)
    settings = _settings(args)
    grid = ExitGrid(
        profit_targets=args.profit_targets,
        loss_multiples=args.loss_multiples,
        dte_thresholds=args.dte_thresholds,
    )
    spread = spread_from_delta(
        cal,
        args.spread_type,
        args.delta,
        args.width,
        args.expiration,
        risk_free_rate=settings.risk_free_rate,
        dividend_yield=settings.dividend_yield,
    )
    t0 = time.perf_counter()
    opt = optimize_exits(
        cal,
        spread,
        grid=grid,
        min_pop=args.min_pop,
        risk_budget=args.risk_budget,
        allocation=args.allocation,
        ranking_metric=args.ranking_metric,
        settings=settings,
        fills=_fills(args),
    )
    elapsed = time.perf_counter() - t0
    terms = opt.grid.marked.terms
    print(
        f"Spread: {spread.kind} {spread.short_strike:g}/{spread.long_strike:g}, {spread.expiration_days} trading days, "
        f"short delta {args.delta:g} at IV {terms.short_iv:.2%}; credit {terms.credit:.4f}/share "
        f"(model mid {terms.model_mid:.4f} less half-spreads)"
    )
    print("Risk: " + opt.budget.describe())
    print(
        f"Grid: {len(grid.profit_targets)} profit targets x {len(grid.loss_multiples)} loss multiples x "
        f"{len(grid.dte_thresholds)} DTE thresholds = {opt.n_evaluated} sets on {settings.n_paths} paths "
        f"(common random numbers) in {elapsed:.3f} s; {opt.n_passing} pass POP >= {args.min_pop:g} and the CVaR limit"
    )
    frame = opt.to_frame()
    print()
    print(
        _table(
            frame.head(args.top),
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
                ("kelly", "Kelly", "+.3f"),
                ("avg_days_held", "days", ".1f"),
                ("exit_profit_target", "%PT", lambda v: f"{100 * v:.0f}"),
                ("exit_loss_limit", "%SL", lambda v: f"{100 * v:.0f}"),
                ("exit_dte_threshold", "%DTE", lambda v: f"{100 * v:.0f}"),
                ("exit_expiration", "%exp", lambda v: f"{100 * v:.0f}"),
                ("indistinguishable_from_best", "~best", lambda v: "yes" if v else ""),
            ],
        )
    )
    doc = opt.to_dict()
    print()
    if opt.best is None:
        print(f"No exit rule set passes the constraints: {opt.binding}")
    else:
        b, r = doc["best_params"], doc["best_result"]
        print(
            f"Best ({args.ranking_metric}): profit target {b['profit_target_pct']:.0%}, loss {b['loss_multiple']:g}x "
            f"credit, close at {b['dte_threshold']} DTE -> E[R] {r['expected_return']:+.4f} ± "
            f"{r['se_expected_return']:.4f}, POP {r['pop']:.3f}, CVaR95 {r['cvar_95']:+.4f}; "
            f"{doc['n_indistinguishable_from_best']} passing set(s) statistically indistinguishable from it "
            "(paired difference within 1.96 SE)"
        )
    write_json(args.output, doc)
    print(f"wrote {args.output}")
    return 0


# --------------------------------------------------------------------------- parser


def _common_sim(p: argparse.ArgumentParser, *, expiration: bool = True) -> None:
    p.add_argument("--n-paths", type=int, default=10000, help="simulated paths")
    p.add_argument("--seed", type=int, default=42, help="seed of the shocks (same paths for every strategy)")
    p.add_argument("--risk-free-rate", type=float, default=0.05, help="continuously compounded rate, decimal")
    p.add_argument("--dividend-yield", type=float, default=0.0, help="TLT continuous dividend yield, decimal")
    p.add_argument("--residual-noise", action="store_true", help="add the TLT regression's residual noise")
    p.add_argument(
        "--half-spread", type=float, default=0.02, help="half bid-ask per leg for model fills/exits, $"
    )
    p.add_argument("--commission", type=float, default=0.65, help="commission per contract per leg, $")
    if expiration:
        p.add_argument("--expiration", type=int, default=45, help="trading days to expiry")


def _common_screen(p: argparse.ArgumentParser) -> None:
    p.add_argument("--calibration", required=True, help="calibration JSON from `tailkit calibrate`")
    p.add_argument("--min-pop", type=float, default=0.70, help="minimum probability of profit")
    p.add_argument("--profit-target", type=float, default=0.50, help="close at this fraction of max profit")
    p.add_argument(
        "--loss-multiple", type=float, default=2.0, help="close when the mark reaches this x credit"
    )
    p.add_argument(
        "--dte-close", type=int, default=7, help="close at this many trading days to expiry (0 = off)"
    )
    p.add_argument(
        "--widths", type=_float_list, default=(1.0, 2.0, 3.0, 5.0), help="strike widths, $ (comma list)"
    )
    p.add_argument("--top", type=int, default=10, help="rows shown")
    p.add_argument("--rank-by", choices=("expected_pnl", "risk_adjusted_return"), default="expected_pnl")
    p.add_argument("--output", help="also write the full table as JSON")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--put-only", action="store_true", help="bull put spreads only")
    g.add_argument("--call-only", action="store_true", help="bear call spreads only")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the overlay's sub-commands to the ``tailkit`` command line."""
    p = sub.add_parser("calibrate", help="fit the TLT overlay model to a history file", formatter_class=_FMT)
    p.add_argument("--data", required=True, help="CSV/Parquet with date, yield_20y, yield_30y, tlt_close")
    p.add_argument("--output", default="calibration_results.json", help="calibration JSON written")
    p.add_argument("--start-date", default="2019-01-01", help="first day of the sample")
    p.add_argument("--end-date", default="2024-12-31", help="last day of the sample")
    p.add_argument(
        "--no-covid-exclusion", action="store_true", help="keep 2020-03-01 .. 2021-12-31 in the sample"
    )
    p.add_argument("--date-col", default="date", help="date column")
    p.add_argument("--yield-20y-col", default="yield_20y", help="20-year yield column (decimal or percent)")
    p.add_argument("--yield-30y-col", default="yield_30y", help="30-year yield column (decimal or percent)")
    p.add_argument("--tlt-col", default="tlt_close", help="TLT close column")
    p.add_argument("--options", help="option-chain CSV: fit the vol model on it instead of realized vol")
    p.set_defaults(func=_calibrate)

    p = sub.add_parser("evaluate", help="screen credit spreads at model IV", formatter_class=_FMT)
    _common_screen(p)
    _common_sim(p)
    p.add_argument(
        "--deltas", type=_float_list, default=(0.10, 0.15, 0.20, 0.25, 0.30), help="short-leg deltas"
    )
    p.set_defaults(func=_evaluate)

    p = sub.add_parser(
        "evaluate-market", help="screen a real option chain at bid/ask + Kelly", formatter_class=_FMT
    )
    _common_screen(p)
    _common_sim(p, expiration=False)
    p.add_argument("--options", required=True, help="option-chain CSV (Bloomberg-style export)")
    p.add_argument("--min-dte", type=int, default=30, help="fewest calendar days to expiry")
    p.add_argument("--max-dte", type=int, default=90, help="most calendar days to expiry")
    p.add_argument("--min-delta", type=float, default=0.05, help="smallest |delta| of the short leg")
    p.add_argument("--max-delta", type=float, default=0.40, help="largest |delta| of the short leg")
    p.add_argument(
        "--nav", type=float, nargs="+", default=[1_000_000.0, 10_000_000.0], help="NAVs to size for, $"
    )
    p.add_argument("--kelly-fraction", type=float, default=0.25, help="fraction of full Kelly")
    p.add_argument(
        "--max-risk-pct", type=float, default=0.02, help="cap on NAV fraction at max loss per trade"
    )
    p.set_defaults(func=_evaluate_market)

    p = sub.add_parser(
        "optimize-exits", help="grid-search exit rules under POP and CVaR limits", formatter_class=_FMT
    )
    p.add_argument("--calibration", required=True, help="calibration JSON from `tailkit calibrate`")
    p.add_argument("--delta", type=float, default=0.20, help="absolute delta of the short leg")
    p.add_argument("--width", type=float, default=3.0, help="strike width, $")
    p.add_argument(
        "--spread-type", choices=("put", "call"), default="put", help="bull put or bear call spread"
    )
    _common_sim(p)
    p.add_argument(
        "--profit-targets", type=_float_list, default=(0.30, 0.40, 0.50, 0.60, 0.70), help="comma list"
    )
    p.add_argument("--loss-multiples", type=_float_list, default=(1.5, 2.0, 2.5, 3.0), help="comma list")
    p.add_argument(
        "--dte-thresholds", type=_int_list, default=(3, 5, 7, 10, 14), help="comma list, trading days"
    )
    p.add_argument("--min-pop", type=float, default=0.70, help="minimum probability of profit")
    p.add_argument(
        "--risk-budget", type=float, default=0.02375, help="largest CVaR95 loss per $ of NAV per trade"
    )
    p.add_argument(
        "--allocation", type=float, default=0.05, help="fraction of NAV at maximum loss (position size)"
    )
    p.add_argument(
        "--ranking-metric", choices=("expected_return", "risk_adjusted_return"), default="expected_return"
    )
    p.add_argument("--output", default="optimal_params.json", help="JSON written")
    p.add_argument("--top", type=int, default=10, help="rows shown")
    p.set_defaults(func=_optimize)
