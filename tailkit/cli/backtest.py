"""``tailkit backtest regime | static | compare | config``.

Options of ``regime`` are generated from the fields of
:class:`tailkit.backtest.RegimeStrategyParams` (``--max-assets`` for ``max_assets``, help and
allowed range from the field's declaration); ``static`` adds those of
:class:`~tailkit.backtest.EngineParams` and, as ``--hedge-*``, those of
:class:`~tailkit.backtest.HedgeOverlayParams` (the hedge overlay; the regime command has them
as ``hedge_*`` fields of its configuration). Values are layered: defaults, then ``--preset``, then
``--config FILE``, then the options given on the command line. Without ``--prices`` the
commands run on the SYNTHETIC demo universe (``--prices stocks``: the bundled stocks).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from tailkit.params import write_json

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter


def _allowed(spec: dict[str, Any]) -> str:
    parts = []
    if spec.get("choices") is not None:
        parts.append("|".join(map(str, spec["choices"])))
    for key, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if spec.get(key) is not None:
            parts.append(f"{sym} {spec[key]:g}" if isinstance(spec[key], float) else f"{sym} {spec[key]}")
    return ", ".join(parts)


def _hedge_name(name: str) -> str:
    """Option name of a :class:`HedgeOverlayParams` field: ``hedge_<field>`` (as in the regime config)."""
    return name if name.startswith("hedge_") else f"hedge_{name}"


def _add_field_options(
    p: argparse.ArgumentParser, cls: type, skip: tuple[str, ...] = (), rename: Any = None
) -> None:
    """One option per dataclass field (default None = not given), help from the declaration.

    ``rename`` (a function of the field name) gives the option's ``dest`` and name.
    """
    from tailkit.params import field_spec

    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        spec = field_spec(cls, f.name)
        hint = hints[f.name]
        default = f.default if f.default is not dataclasses.MISSING else None
        allowed = _allowed(spec)
        text = f"{spec.get('doc', '')} (default {default!r}{'; ' + allowed if allowed else ''})"
        dest = rename(f.name) if rename else f.name
        opt = "--" + dest.replace("_", "-")
        if hint is bool:
            p.add_argument(opt, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=text)
        elif get_origin(hint) is tuple:
            inner = get_args(hint)[0]
            p.add_argument(opt, dest=dest, default=None, metavar="A,B,...", type=_list_of(inner), help=text)
        else:
            p.add_argument(opt, dest=dest, default=None, type=hint, metavar=dest.upper(), help=text)


def _list_of(kind: type) -> Any:
    def parse(text: str) -> tuple[Any, ...]:
        try:
            return tuple(kind(v.strip()) for v in text.split(",") if v.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a comma-separated list of {kind.__name__}"
            ) from None

    return parse


def _given(args: argparse.Namespace, cls: type, rename: Any = None) -> dict[str, Any]:
    dest = rename or (lambda name: name)
    return {
        f.name: getattr(args, dest(f.name))
        for f in dataclasses.fields(cls)
        if getattr(args, dest(f.name), None) is not None
    }


class _Progress:
    """``progress(done, total)`` of the regime run drawn with ``tailkit hedge``'s progress bar.

    The same bar as ``tailkit hedge evaluate`` (tqdm on stderr, off with ``--quiet``), created
    on the first call, when the number of decision bars is known; :meth:`close` ends it.
    """

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.quiet = quiet
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from tailkit.cli._progress import progress_bar

            self.bar = progress_bar(total, self.quiet, unit="rebalance")
            self.bar.set_description(self.label)
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        """End the bar (if one was started)."""
        if self.bar is not None:
            self.bar.close()


def _prices(arg: str | None) -> tuple[Any, dict[str, tuple[str, ...]] | None, str, Any]:
    """(prices, buckets or None, label, market index or None)."""
    if arg is None:
        from tailkit.synthetic.universe import synthetic_universe

        u = synthetic_universe()
        label = "SYNTHETIC demo universe (20 assets, 5 buckets; tailkit.synthetic.universe)"
        return u.prices, u.buckets, label, None
    if arg == "stocks":
        from tailkit.data import load_sp500, load_stocks

        stocks = load_stocks()
        index = load_sp500()["adj_close"].reindex(stocks.index).ffill().bfill().rename("S&P 500")
        return stocks, None, "bundled stocks (AAPL, GOOG, IBM, MSFT; regimes of the bundled S&P 500)", index
    from tailkit.backtest.prices import read_price_input

    return read_price_input(arg), None, str(arg), None


def _write_json(path: str, data: dict[str, Any]) -> None:
    write_json(path, data, indent=1)
    print(f"wrote {path}")


def _slice(prices: Any, start: str | None, end: str | None) -> Any:
    import pandas as pd

    from tailkit.errors import DataError

    out = prices.loc[pd.Timestamp(start) if start else None : pd.Timestamp(end) if end else None]
    if len(out) < 3:
        raise DataError(f"--start-date/--end-date leave {len(out)} price rows (need at least 3)")
    return out


def _print_summary(label: str, summary: dict[str, Any]) -> None:
    keys = [
        ("final_equity", ",.2f"), ("total_return", ".2%"), ("cagr", ".2%"), ("volatility", ".2%"),
        ("sharpe", ".2f"), ("sharpe_se", ".2f"), ("sortino", ".2f"), ("calmar", ".2f"), ("max_drawdown", ".2%"),
        ("rebalances", "d"), ("turnover", ".1f"), ("total_fees", ",.2f"),
    ]  # fmt: skip
    print(label)
    for k, spec in keys:
        v = summary.get(k)
        print(f"  {k:<14} {'n/a' if v is None else format(v, spec)}")


# --------------------------------------------------------------------------- regime


def _regime(args: argparse.Namespace) -> int:
    from tailkit.backtest import (
        EventLog,
        RegimeStrategyParams,
        load_buckets,
        load_config,
        preset,
        run_regime_strategy,
    )
    from tailkit.backtest.analytics import performance_by_regime, performance_summary, trade_statistics
    from tailkit.errors import DataError, ParameterError
    from tailkit.params import parameters_from_dict, parameters_to_dict

    base = preset(args.preset) if args.preset else RegimeStrategyParams()
    if args.config:
        base = load_config(args.config, base)
    given = _given(args, RegimeStrategyParams)
    try:
        params = parameters_from_dict(
            RegimeStrategyParams, {**parameters_to_dict(base), **given}, source="command line"
        )
    except ParameterError as exc:
        raise ParameterError(str(exc)) from None
    prices, buckets, label, index = _prices(args.prices)
    if args.buckets_file:
        buckets = load_buckets(args.buckets_file)
    elif buckets is None:
        buckets = {"All Assets": tuple(str(c) for c in prices.columns)}
        print("note: no --buckets-file: every ticker in one bucket 'All Assets'", file=sys.stderr)
    if params.start_date and not (prices.index >= params.start_date).any():
        raise DataError(
            f"--start-date {params.start_date} is after the last price date {prices.index[-1].date()}"
        )
    events_path = args.events or (
        str(Path(args.output).with_suffix(".events.db")) if args.output else ":memory:"
    )
    if events_path != ":memory:" and Path(events_path).exists():
        Path(events_path).unlink()
    bar = _Progress("regime backtest", args.quiet)
    try:
        with EventLog(events_path, session_id=Path(args.output).stem if args.output else "cli") as log:
            res = run_regime_strategy(prices, buckets, params, index=index, log=log, progress=bar)
    finally:
        bar.close()
    eq = res.equity
    first = res.targets.dropna(how="all").index
    eq = eq.loc[first[0] :] if len(first) else eq
    perf = performance_summary(eq).to_dict()
    summary = {**res.to_dict(), **perf}
    _print_summary(f"Regime backtest on {label}: {eq.index[0].date()} .. {eq.index[-1].date()}", summary)
    by = performance_by_regime(eq, res.timeline)
    print("  by regime: " + "; ".join(f"{r.regime} {r.days}d Sharpe {r.sharpe:.2f}" for r in by.itertuples()))
    if res.overlay is not None:
        h = res.overlay.to_dict()
        print(f"  hedge overlay: {h['hedge_program']}: premium {h['hedge_premium_paid']:,.2f}, proceeds "
              f"{h['hedge_proceeds']:,.2f}, P&L {h['hedge_pnl']:,.2f} over {h['hedge_rolls']} rolls "
              f"(unhedged final equity {summary['unhedged_final_equity']:,.2f})")  # fmt: skip
    print(f"  events: {len(res.events)} ({events_path})")
    if args.output:
        tl = res.timeline.frame.loc[eq.index]
        tg = res.targets.loc[first]
        _write_json(args.output, {
            "kind": "regime", "data": label, "synthetic": label.startswith("SYNTHETIC"),
            "params": parameters_to_dict(params), "summary": summary,
            "trades": trade_statistics(res.backtest), "by_regime": by.to_dict(orient="records"),
            "events_db": events_path,
            "series": {"date": [str(d.date()) for d in eq.index], "equity": eq.round(6).tolist(),
                       "regime": [r if isinstance(r, str) else None for r in tl["regime"]],
                       "confidence": tl["confidence"].round(6).tolist(),
                       **({} if res.overlay is None else {
                           "unhedged_equity": res.backtest.equity.loc[eq.index].round(6).tolist(),
                           "hedge_value": (res.overlay.option_value + res.overlay.overlay_cash)
                           .loc[eq.index].round(6).tolist()})},
            "holdings": {"date": [str(d.date()) for d in tg.index],
                         "weights": {str(c): tg[c].round(6).tolist() for c in tg.columns}},
        })  # fmt: skip
    return 0


# --------------------------------------------------------------------------- static


def _static(args: argparse.Namespace) -> int:
    from tailkit.backtest import (
        EngineParams,
        HedgeOverlayParams,
        StaticParams,
        apply_hedge_overlay,
        run_static,
    )
    from tailkit.backtest.analytics import performance_summary, trade_statistics
    from tailkit.errors import DataError
    from tailkit.params import parameters_from_dict, parameters_to_dict

    prices, _, label, _ = _prices(args.prices)
    tickers = [t.strip() for t in args.tickers.split(",") if t.strip()]
    missing = [t for t in tickers if t not in prices.columns]
    if missing:
        raise DataError(
            f"--tickers: {missing[0]!r} is not in the prices ({label}); available: {', '.join(map(str, prices.columns))}"
        )
    prices = _slice(prices[tickers].dropna(), args.start_date, args.end_date)
    static = StaticParams(
        weighting="fixed" if args.weights else args.weighting,
        lookback=args.lookback,
        weights=args.weights or (),
    )
    engine = parameters_from_dict(EngineParams, _given(args, EngineParams), source="command line")
    hedge = parameters_from_dict(
        HedgeOverlayParams, _given(args, HedgeOverlayParams, _hedge_name), source="command line"
    )
    res = run_static(prices, static, engine)
    equity = res.equity
    summary = res.to_dict()
    overlay = None
    if hedge.program != "none":  # from the first rebalance on (the lookback is the warm-up)
        overlay = apply_hedge_overlay(res.equity, hedge, start=min(static.lookback, len(equity) - 2))
        equity = overlay.equity.rename("equity")
        summary.update(overlay.to_dict(), final_equity=float(equity.iloc[-1]),
                       unhedged_final_equity=float(res.equity.iloc[-1]))  # fmt: skip
    summary.update(performance_summary(equity.iloc[static.lookback :]).to_dict())
    _print_summary(f"Static {static.weighting} backtest of {','.join(tickers)} on {label}", summary)
    if overlay is not None:
        print(f"  hedge overlay: {summary['hedge_program']}: P&L {summary['hedge_pnl']:,.2f}")
    if args.output:
        hedge_keys = {_hedge_name(k): v for k, v in parameters_to_dict(hedge).items()}
        _write_json(args.output, {
            "kind": "static", "data": label, "synthetic": label.startswith("SYNTHETIC"), "tickers": tickers,
            "params": {**parameters_to_dict(static), **parameters_to_dict(engine), **hedge_keys},
            "summary": summary, "trades": trade_statistics(res),
            "series": {"date": [str(d.date()) for d in equity.index], "equity": equity.round(6).tolist()},
        })  # fmt: skip
    return 0


# --------------------------------------------------------------------------- compare

_ROWS = (
    ("kind", "s"), ("data", "s"), ("final_equity", ",.2f"), ("total_return", ".2%"), ("cagr", ".2%"),
    ("volatility", ".2%"), ("sharpe", ".2f"), ("sortino", ".2f"), ("calmar", ".2f"), ("max_drawdown", ".2%"),
    ("rebalances", "d"), ("turnover", ".1f"), ("total_fees", ",.2f"), ("events", "d"),
)  # fmt: skip


def _compare(args: argparse.Namespace) -> int:
    from tailkit.errors import DataError

    files = [f.strip() for f in args.files.split(",") if f.strip()]
    if len(files) < 2:
        raise DataError(f"--files: expected at least two result files, got {args.files!r}")
    cols = []
    for f in files:
        try:
            data = json.loads(Path(f).read_text(encoding="utf-8"))
        except OSError as exc:
            raise DataError(f"{f}: cannot read ({exc.strerror})") from None
        except json.JSONDecodeError as exc:
            raise DataError(f"{f}: not a JSON results file ({exc})") from None
        if not isinstance(data, dict) or "summary" not in data:
            raise DataError(f"{f}: not a tailkit backtest results file (no 'summary')")
        cols.append(
            {**data["summary"], "kind": data.get("kind", "?"), "data": str(data.get("data", "?"))[:24]}
        )
    names = [Path(f).stem[:24] for f in files]
    cells = []
    for key, spec in _ROWS:
        row = []
        for c in cols:
            v = c.get(key)
            row.append("n/a" if v is None else format(v, spec))
        cells.append((key, row))
    widths = [max(len(n), *(len(r[i]) for _, r in cells)) for i, n in enumerate(names)]
    print("  ".join(["metric".ljust(14), *(n.rjust(w) for n, w in zip(names, widths))]))
    print("  ".join(["-" * 14, *("-" * w for w in widths)]))
    for key, row in cells:
        print("  ".join([key.ljust(14), *(v.rjust(w) for v, w in zip(row, widths))]))
    return 0


# --------------------------------------------------------------------------- config


def _config(args: argparse.Namespace) -> int:
    from tailkit.backtest import RegimeStrategyParams, load_config, preset, save_config, tier_fields
    from tailkit.params import field_spec, parameters_to_dict

    params = preset(args.preset) if args.preset else RegimeStrategyParams()
    if args.import_config:
        params = load_config(args.import_config, params)
        if args.validate:
            print(f"{args.import_config}: valid ({len(dataclasses.fields(params))} fields)")
    values = parameters_to_dict(params)
    names = tier_fields(args.tier)
    if args.export_config:
        save_config(params, args.export_config, tier=args.tier)
        print(f"wrote {args.export_config} ({args.tier} tier)")
    print(f"{args.tier} tier: {len(names)} parameters" + (f" (preset {args.preset})" if args.preset else ""))
    for n in names:
        spec = field_spec(RegimeStrategyParams, n)
        print(f"  {n:<32} {values[n]!s:<22} {_allowed(spec):<24} {spec.get('doc', '')}")
    return 0


def _regime_options(p: argparse.ArgumentParser) -> None:
    from tailkit.backtest import PRESETS, RegimeStrategyParams

    p.add_argument("--preset", choices=tuple(PRESETS), help="start from a preset")
    p.add_argument("--config", help="YAML/JSON configuration (applied after --preset)")
    p.add_argument("--prices", help="price panel file, or a folder of per-ticker OHLCV CSVs; 'stocks' = bundled "
                   "stocks; default: the SYNTHETIC demo universe")  # fmt: skip
    p.add_argument("--buckets-file", help="YAML 'bucket: [tickers]' (default: the demo universe's buckets)")
    p.add_argument("--output", help="results JSON (written atomically); the event log goes next to it")
    p.add_argument("--events", help="SQLite event log path (default: <output>.events.db, or in memory)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_field_options(p, RegimeStrategyParams)


def _static_options(p: argparse.ArgumentParser) -> None:
    from tailkit.backtest import EngineParams, HedgeOverlayParams

    p.add_argument("--tickers", required=True, help="comma-separated tickers")
    p.add_argument("--weights", type=_list_of(float), help="fixed weights, one per ticker (implies fixed)")
    p.add_argument("--weighting", default="inverse_vol", choices=("inverse_vol", "equal", "fixed"))
    p.add_argument("--lookback", type=int, default=60, help="vol lookback and warm-up, bars")
    p.add_argument(
        "--prices", help="price panel file or folder; 'stocks' = bundled stocks; default SYNTHETIC"
    )
    p.add_argument("--start-date", help="first date (ISO)")
    p.add_argument("--end-date", help="last date (ISO)")
    p.add_argument("--output", help="results JSON (written atomically)")
    _add_field_options(p, EngineParams)
    _add_field_options(p, HedgeOverlayParams, rename=_hedge_name)


def _compare_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--files", required=True, help="comma-separated results JSON files")


def _config_options(p: argparse.ArgumentParser) -> None:
    from tailkit.backtest import PRESETS, TIER_NAMES

    p.add_argument("--tier", default="basic", choices=TIER_NAMES, help="parameters shown and exported")
    p.add_argument("--preset", choices=tuple(PRESETS), help="start from a preset")
    p.add_argument("--export-config", help="write the tier's parameters to this .yaml/.json file")
    p.add_argument("--import", dest="import_config", help="read a .yaml/.json configuration")
    p.add_argument("--validate", action="store_true", help="report whether --import is valid")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``backtest`` (``regime``, ``static``, ``compare``, ``config``) to the command line.

    Each sub-command's options are added on first use (``tailkit --help`` imports no numerics).
    """
    from tailkit.cli._options import LazyParser

    top = sub.add_parser("backtest", help="regime-aware and static backtests", formatter_class=_FMT)
    bsub = top.add_subparsers(
        dest="backtest_command", metavar="{regime,static,compare,config}", parser_class=LazyParser
    )
    bsub.required = True
    for name, help_text, fill, func in (
        ("regime", "run the regime-aware rebalancer", _regime_options, _regime),
        ("static", "static (fixed, equal, inverse-vol) allocation", _static_options, _static),
        ("compare", "compare results files side by side", _compare_options, _compare),
        ("config", "show, export, import and validate configurations", _config_options, _config),
    ):
        p = bsub.add_parser(name, help=help_text, formatter_class=_FMT)
        if isinstance(p, LazyParser):
            p.populate = fill
        else:
            fill(p)
        p.set_defaults(func=func)
