"""Notebook 06 (strategy backtest and regime sensitivity) and the ``backtest_review`` app.

:func:`run_regime_backtest_study` runs, on one universe, the regime-aware rebalancer
(:func:`tailkit.backtest.run_regime_strategy`) with and without its hedge overlay
(``hedge_program``), the static inverse-volatility allocation and an equal-weight buy-and-hold
benchmark, and measures them: performance, performance by
regime, rolling metrics, stability, protection analytics against counterfactual runs, the
presets side by side, and (on the SYNTHETIC universe) how often the detected regime matches
the simulated one. :func:`load_review` reads a ``tailkit backtest regime --output`` results
file and its event log for the app (with its hedge overlay, :class:`HedgeReview`, when the run
had one).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from datetime import date as calendar_date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tailkit.backtest import (
    EngineParams,
    EventLog,
    RegimeBacktestResult,
    RegimeStrategyParams,
    StaticParams,
    preset,
    run_backtest,
    run_regime_strategy,
    run_static,
)
from tailkit.backtest.analytics import (
    performance_by_regime,
    performance_summary,
    rolling_metrics,
    stability_analysis,
    trade_statistics,
)
from tailkit.backtest.hedge_overlay import HedgeOverlayParams
from tailkit.backtest.protection_analytics import ProtectionAnalytics, protection_analytics
from tailkit.errors import DataError, ParameterError
from tailkit.params import param, param_like, parameters_from_dict, validate

__all__ = [
    "BacktestReviewParams",
    "RegimeBacktestStudyParams",
    "RegimeBacktestStudy",
    "run_regime_backtest_study",
    "study_universe",
    "study_index",
    "ReviewData",
    "HedgeReview",
    "load_review",
    "decision_chain",
    "demo_results",
]

#: name of the regime strategy's hedged curve (with ``hedge_program`` set)
HEDGED = "regime + hedge overlay"
_PRESETS = ("none", "conservative", "aggressive", "adaptive", "institutional")
_RULES = ("core_asset_immunity", "regime_override", "grace_period", "holding_period", "whipsaw")


@dataclass(frozen=True, slots=True, kw_only=True)
class RegimeBacktestStudyParams:
    """Inputs of ``notebooks/06_regime_backtest.ipynb``.

    Parameters
    ----------
    data : {"synthetic", "stocks"}
        The SYNTHETIC 20-asset, 5-bucket universe, or the bundled stocks (one bucket).
    n_days : int
        Days of data used from the start (0 = all).
    preset : str
        Preset of the regime strategy ("none" = the defaults).
    rebalance_freq : str
        Schedule of the regime strategy and of the static allocation.
    max_assets : int
        Maximum positions of the regime strategy.
    min_score : float
        Score threshold of the regime strategy.
    train_bars : int
        Warm-up of the regime detector (bars).
    static_lookback : int
        Lookback of the static inverse-volatility weights (bars).
    commission : float
        Commission, fraction of traded notional (every strategy).
    rolling_window : int
        Window of the rolling metrics (bars).
    compare_presets : tuple of str
        Presets run side by side.
    protection_rules : tuple of str
        Protections switched off one at a time for the counterfactuals (empty: skip).
    hedge_program : {"none", "put", "put_spread", "collar"}
        Hedge overlay on the regime strategy's NAV (:mod:`tailkit.backtest.hedge_overlay`),
        shown as a fourth curve "regime + hedge overlay" ("none": no overlay).
    """

    data: str = param(
        "synthetic", choices=("synthetic", "stocks"), doc="universe (synthetic or bundled stocks)"
    )
    n_days: int = param(0, ge=0, le=100_000, doc="days used from the start (0: all)")
    preset: str = param("none", choices=_PRESETS, doc="preset of the regime strategy")
    rebalance_freq: str = param("weekly", choices=("daily", "weekly", "monthly"), doc="rebalance schedule")
    max_assets: int = param(8, ge=1, le=100, doc="maximum positions")
    min_score: float = param(0.6, ge=0.0, le=1.0, doc="score threshold")
    train_bars: int = param(756, ge=126, le=20_000, doc="regime detector warm-up, bars")
    static_lookback: int = param(60, ge=2, le=2520, doc="static inverse-vol lookback, bars")
    commission: float = param(0.001, ge=0.0, le=0.1, doc="commission, fraction of traded notional")
    rolling_window: int = param(252, ge=21, le=2520, doc="rolling metrics window, bars")
    compare_presets: tuple[str, ...] = param(
        ("conservative", "aggressive", "adaptive", "institutional"),
        choices=_PRESETS[1:],
        doc="presets compared",
    )
    protection_rules: tuple[str, ...] = param(
        _RULES, choices=_RULES, doc="protections in the counterfactuals"
    )
    hedge_program: str = param_like(
        HedgeOverlayParams,
        "program",
        "put",
        doc="hedge overlay on the regime strategy's NAV (none: no overlay)",
    )

    def __post_init__(self) -> None:
        validate(self)
        if self.n_days and self.n_days <= self.train_bars + 21:
            raise ParameterError(
                f"n_days={self.n_days} is not allowed: expected 0 or more than train_bars + 21 = {self.train_bars + 21}"
            )

    def strategy_params(self, name: str | None = None) -> RegimeStrategyParams:
        """The regime strategy's parameters: preset ``name`` (default: this study's) with the study's fields."""
        chosen = self.preset if name is None else name
        over: dict[str, Any] = {"commission": self.commission, "train_bars": self.train_bars}
        if name is None:
            over.update(
                rebalance_freq=self.rebalance_freq,
                max_assets=self.max_assets,
                min_score=self.min_score,
                hedge_program=self.hedge_program,
            )
        if self.train_bars < 21 * 32:
            over["horizons"] = ("daily", "weekly")
        if self.data == "stocks":
            over["fundamental_weight"] = 0.0
        if chosen == "none":
            return parameters_from_dict(RegimeStrategyParams, over, source="study")
        return preset(chosen, **over)


@dataclass(frozen=True, slots=True)
class RegimeBacktestStudy:
    """Everything notebook 06 shows.

    Parameters
    ----------
    regime : RegimeBacktestResult
        The regime strategy.
    static_equity, benchmark_equity : Series
        The static inverse-volatility allocation and the equal-weight buy-and-hold benchmark.
    performance : DataFrame
        One row per strategy (from the regime strategy's first decision on).
    by_regime : DataFrame
        Performance of each strategy in each detected regime.
    rolling : DataFrame
        Rolling Sharpe of each strategy.
    stability : dict
        Sub-period Sharpe dispersion and the Sharpe's standard error of the regime strategy.
    trades : dict
        Trade statistics of the regime strategy.
    protections : ProtectionAnalytics or None
        Counterfactuals (None when no rule is listed).
    presets : DataFrame
        The presets side by side.
    regime_accuracy : DataFrame or None
        Detected vs simulated regimes (SYNTHETIC data only).
    synthetic : bool
        True when the data are the SYNTHETIC universe.
    params : RegimeBacktestStudyParams
        The inputs.
    """

    regime: RegimeBacktestResult
    static_equity: pd.Series
    benchmark_equity: pd.Series
    performance: pd.DataFrame
    by_regime: pd.DataFrame
    rolling: pd.DataFrame
    stability: dict[str, Any]
    trades: dict[str, Any]
    protections: ProtectionAnalytics | None
    presets: pd.DataFrame
    regime_accuracy: pd.DataFrame | None
    synthetic: bool
    params: RegimeBacktestStudyParams

    def equity(self) -> pd.DataFrame:
        """Equity of the strategies rebased to 1 at the first decision (the hedged one with an overlay)."""
        start = self.regime.targets.dropna(how="all").index[0]
        curves = {"regime strategy": self.regime.backtest.equity}
        if self.regime.overlay is not None:
            curves[HEDGED] = self.regime.overlay.equity
        curves.update(
            {"static inverse-vol": self.static_equity, "equal-weight buy & hold": self.benchmark_equity}
        )
        frame = pd.DataFrame(curves).loc[start:]
        return frame / frame.iloc[0]

    def summary(self) -> dict[str, Any]:
        """Headline numbers (one JSON line in the notebook's summary cell)."""
        perf = self.performance.set_index("strategy")

        def num(v: Any) -> Any:
            return None if isinstance(v, float) and not math.isfinite(v) else round(float(v), 4)

        out = {
            "synthetic": self.synthetic,
            "regime_sharpe": num(perf.loc["regime strategy", "sharpe"]),
            "static_sharpe": num(perf.loc["static inverse-vol", "sharpe"]),
            "benchmark_sharpe": num(perf.loc["equal-weight buy & hold", "sharpe"]),
            "regime_max_drawdown": num(perf.loc["regime strategy", "max_drawdown"]),
            "events": len(self.regime.events),
            "transitions": len(self.regime.timeline.transitions),
        }
        if self.regime.overlay is not None:
            out["hedged_sharpe"] = num(perf.loc[HEDGED, "sharpe"])
            out["hedged_max_drawdown"] = num(perf.loc[HEDGED, "max_drawdown"])
            out["hedge_premium_paid"] = num(self.regime.overlay.to_dict()["hedge_premium_paid"])
        if self.regime_accuracy is not None:
            out["crisis_precision"] = num(self.regime_accuracy.attrs["crisis_precision"])
        return out


def study_universe(
    params: RegimeBacktestStudyParams,
) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]], pd.Series | None]:
    """(prices, buckets, true regimes or None) of the study's data."""
    if params.data == "synthetic":
        from tailkit.synthetic.universe import synthetic_universe

        u = synthetic_universe()
        prices, buckets, truth = u.prices, u.buckets, u.regimes
    else:
        from tailkit.data import load_stocks

        prices = load_stocks()
        buckets = {"Risk Assets": tuple(str(c) for c in prices.columns)}
        truth = None
    if params.n_days:
        prices = prices.iloc[: params.n_days]
        truth = truth.iloc[: params.n_days] if truth is not None else None
    if len(prices) <= params.train_bars + 21:
        raise DataError(f"{params.data}: {len(prices)} days of data, need more than train_bars + 21")
    return prices, buckets, truth


def study_index(params: RegimeBacktestStudyParams, prices: pd.DataFrame) -> pd.Series | None:
    """The market index of the regime detector: the bundled S&P 500 for the stocks, else None.

    ``None`` makes :func:`tailkit.backtest.run_regime_strategy` use the equal-weighted index of
    the universe (the SYNTHETIC universe has no separate index).
    """
    if params.data != "stocks":
        return None
    from tailkit.data import load_sp500

    return load_sp500()["adj_close"].reindex(prices.index).ffill().bfill().rename("S&P 500")


def _perf_row(name: str, equity: pd.Series) -> dict[str, Any]:
    s = performance_summary(equity)
    return {"strategy": name, **s.to_dict()}


def run_regime_backtest_study(params: RegimeBacktestStudyParams | None = None) -> RegimeBacktestStudy:
    """Run notebook 06's study (see the module docstring).

    Examples
    --------
    >>> study = run_regime_backtest_study(RegimeBacktestStudyParams(n_days=1200, compare_presets=()))  # doctest: +SKIP
    """
    params = RegimeBacktestStudyParams() if params is None else params
    prices, buckets, truth = study_universe(params)
    index = study_index(params, prices)
    sp = params.strategy_params()
    with EventLog() as log:
        regime = run_regime_strategy(prices, buckets, sp, index=index, log=log)
    start = regime.targets.dropna(how="all").index[0]
    eng = EngineParams(schedule=params.rebalance_freq, commission=params.commission, cash=sp.cash)
    static = run_static(prices.dropna(), StaticParams(lookback=params.static_lookback), eng)
    hold = pd.DataFrame(1.0 / prices.shape[1], index=prices.index, columns=prices.columns)
    decide = np.zeros(len(prices), dtype=bool)
    decide[prices.index.get_loc(start)] = True
    bench = run_backtest(
        prices, hold, EngineParams(commission=params.commission, cash=sp.cash), decide=decide
    )
    curves = {"regime strategy": regime.backtest.equity.loc[start:]}
    if regime.overlay is not None:
        curves[HEDGED] = regime.overlay.equity.loc[start:]
    curves.update(
        {"static inverse-vol": static.equity.loc[start:], "equal-weight buy & hold": bench.equity.loc[start:]}
    )
    performance = pd.DataFrame([_perf_row(k, v) for k, v in curves.items()])
    by = [performance_by_regime(v, regime.timeline).assign(strategy=k) for k, v in curves.items()]
    by_regime = pd.concat(by, ignore_index=True)
    rolling = pd.DataFrame(
        {k: rolling_metrics(v, params.rolling_window)["sharpe"] for k, v in curves.items()}
    )
    prot = None
    if params.protection_rules:  # the counterfactuals compare unhedged runs: no overlay to compute
        unhedged = dataclasses.replace(sp, hedge_program="none")
        prot = protection_analytics(
            prices, buckets, unhedged, base=regime, rules=params.protection_rules, index=index
        )
    rows = []
    for name in params.compare_presets:
        res = run_regime_strategy(prices, buckets, params.strategy_params(name), index=index)
        eq = res.backtest.equity.loc[res.targets.dropna(how="all").index[0] :]
        rows.append({"preset": name, **performance_summary(eq).to_dict(), "fees": float(res.backtest.fees.sum()),
                     "events": len(res.events)})  # fmt: skip
    presets = pd.DataFrame(rows, columns=["preset", "total_return", "cagr", "volatility", "sharpe", "sharpe_se",
                                          "sortino", "calmar", "max_drawdown", "max_drawdown_days", "recovery_days",
                                          "days", "fees", "events"])  # fmt: skip
    accuracy = None
    if truth is not None:
        det = regime.timeline.frame["regime"].loc[start:]
        accuracy = pd.crosstab(det.rename("detected"), truth.loc[start:].rename("simulated"))
        said = det == "crisis"
        accuracy.attrs["crisis_precision"] = (
            float((truth.loc[start:][said] == "crisis").mean()) if said.any() else math.nan
        )
    return RegimeBacktestStudy(
        regime=regime,
        static_equity=static.equity,
        benchmark_equity=bench.equity,
        performance=performance,
        by_regime=by_regime,
        rolling=rolling,
        stability=stability_analysis(curves["regime strategy"]),
        trades=trade_statistics(regime.backtest),
        protections=prot,
        presets=presets,
        regime_accuracy=accuracy,
        synthetic=params.data == "synthetic",
        params=params,
    )


# --------------------------------------------------------------------------- review app


@dataclass(frozen=True, slots=True, kw_only=True)
class BacktestReviewParams:
    """Inputs of the ``backtest_review`` Voila app.

    Parameters
    ----------
    results_file : str
        A ``tailkit backtest regime --output`` JSON file (its event log next to it); empty:
        a demo run on the SYNTHETIC universe, written to ``demo_folder``.
    demo_folder : str
        Where the demo results are written (reused when present); empty: a folder in the
        system's temporary directory.
    asset : str
        Asset whose decisions are traced (empty: the first).
    date : str
        Trace the decisions up to this ISO date (empty: the last date).
    """

    results_file: str = param("", doc="results JSON of tailkit backtest regime (empty: SYNTHETIC demo)")
    demo_folder: str = param("", doc="folder of the demo results (empty: the system's temp folder)")
    asset: str = param("", doc="asset to trace (empty: the first)")
    date: str = param("", doc="trace decisions up to this ISO date (empty: the last)")

    def __post_init__(self) -> None:
        validate(self)
        if self.date:
            try:
                calendar_date.fromisoformat(self.date)
            except ValueError:
                raise ParameterError(
                    f"date={self.date!r} is not allowed: expected an ISO date such as '2015-06-30'"
                ) from None


#: the demo run of the app: this preset, with this hedge overlay on its NAV
DEMO_PRESET = "institutional"
DEMO_HEDGE = "put"


def demo_results(folder: str | Path, *, n_days: int = 0) -> Path:
    """Run the regime strategy (institutional preset, put overlay) on the SYNTHETIC universe into ``folder``.

    Writes ``results.json`` and ``results.events.db`` (the same files as ``tailkit backtest
    regime --preset institutional --hedge-program put --output results.json``) unless they
    exist for the same run (the file's ``params`` and ``n_days``; files of another run, e.g. an
    older demo without the overlay, are replaced); returns the JSON path.
    """
    import tempfile

    from tailkit.params import atomic_write_text, parameters_to_dict
    from tailkit.synthetic.universe import synthetic_universe

    root = Path(folder) if str(folder) else Path(tempfile.gettempdir()) / "tailkit-backtest-review-demo"
    out = root / "results.json"
    db = root / "results.events.db"
    p = preset(DEMO_PRESET, hedge_program=DEMO_HEDGE)
    stamp = {"params": parameters_to_dict(p), "n_days": int(n_days)}
    if out.exists() and db.exists():
        try:
            old = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            old = None
        if isinstance(old, dict) and {k: old.get(k) for k in stamp} == json.loads(json.dumps(stamp)):
            return out
    root.mkdir(parents=True, exist_ok=True)
    u = synthetic_universe()
    prices = u.prices.iloc[:n_days] if n_days else u.prices
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if stale.exists():
            stale.unlink()
    with EventLog(db, session_id="demo") as log:
        res = run_regime_strategy(prices, u.buckets, p, log=log)
    first = res.targets.dropna(how="all").index
    eq = res.equity.loc[first[0] :]  # hedged when there is an overlay (as the CLI writes it)
    tl = res.timeline.frame.loc[eq.index]
    tg = res.targets.loc[first]

    def clean(v: float) -> float | None:
        return None if not math.isfinite(v) else round(float(v), 6)

    series: dict[str, Any] = {
        "date": [str(d.date()) for d in eq.index], "equity": [clean(v) for v in eq],
        "regime": [r if isinstance(r, str) else None for r in tl["regime"]],
        "confidence": [clean(v) for v in tl["confidence"]],
    }  # fmt: skip
    if res.overlay is not None:
        ov = res.overlay
        series["unhedged_equity"] = [clean(v) for v in res.backtest.equity.loc[eq.index]]
        series["hedge_value"] = [clean(v) for v in (ov.option_value + ov.overlay_cash).loc[eq.index]]
    data = {
        "kind": "regime", "data": "SYNTHETIC demo universe (20 assets, 5 buckets; tailkit.synthetic.universe)",
        "synthetic": True, **stamp, "summary": {**res.to_dict(), **performance_summary(eq).to_dict()},
        "events_db": db.name, "series": series,
        "holdings": {"date": [str(d.date()) for d in tg.index],
                     "weights": {str(c): [clean(v) for v in tg[c]] for c in tg.columns}},
    }  # fmt: skip
    atomic_write_text(out, json.dumps(data, allow_nan=False) + "\n")
    return out


@dataclass(frozen=True, slots=True)
class HedgeReview:
    """The hedge overlay of a results file (amounts in the run's currency units).

    Parameters
    ----------
    series : DataFrame
        By date: ``hedged_equity`` (NAV + overlay cash + option marks), ``unhedged_equity``
        (the strategy's NAV) and ``hedge_value`` (overlay cash + option marks, their difference).
    program : str
        The hedging package's label of the program (e.g. ``put 90% 3m x1``).
    premium_paid : float
        Premiums paid for the options opened (> 0: paid).
    proceeds : float
        Received from options sold at rolls and settled at expiry.
    pnl : float
        Hedged minus unhedged final equity.
    rolls : int
        Bars on which options were bought.
    hedged_final_equity, unhedged_final_equity : float
        Final equity with and without the overlay.
    """

    series: pd.DataFrame
    program: str
    premium_paid: float
    proceeds: float
    pnl: float
    rolls: int
    hedged_final_equity: float
    unhedged_final_equity: float

    @property
    def net_cash_flow(self) -> float:
        """Proceeds minus premiums paid (< 0: the options cost more than they returned in cash)."""
        return self.proceeds - self.premium_paid

    def equity(self) -> pd.DataFrame:
        """Hedged and unhedged equity rebased to 1 at the first date (columns ``hedged``, ``unhedged``)."""
        s = self.series
        frame = pd.DataFrame({"hedged": s["hedged_equity"], "unhedged": s["unhedged_equity"]})
        return frame / frame.iloc[0]


@dataclass(frozen=True, slots=True)
class ReviewData:
    """A results file and its event log, as the ``backtest_review`` app shows them.

    Parameters
    ----------
    series : DataFrame
        ``equity``, ``drawdown``, ``regime``, ``confidence`` by date.
    holdings : DataFrame
        Target weights on decision dates (dates x assets).
    summary : dict
        The file's headline numbers.
    events_db : str
        Path of the event log.
    label : str
        What the data were (SYNTHETIC is said so).
    hedge : HedgeReview or None
        The hedge overlay (None when the run had none).
    """

    series: pd.DataFrame
    holdings: pd.DataFrame
    summary: dict[str, Any]
    events_db: str
    label: str
    hedge: HedgeReview | None = None

    @property
    def assets(self) -> list[str]:
        """Assets of the run."""
        return list(self.holdings.columns)


def load_review(path: str | Path) -> ReviewData:
    """Read a ``tailkit backtest regime --output`` results file (and locate its event log)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"{p}: cannot read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{p}: not a JSON results file ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") != "regime" or "series" not in data:
        raise DataError(f"{p}: not a regime backtest results file (expected kind 'regime' with a series)")
    s = data["series"]
    eq = pd.Series(s["equity"], index=pd.to_datetime(s["date"]), dtype=float)
    series = pd.DataFrame({"equity": eq, "drawdown": eq / eq.cummax() - 1.0, "regime": s["regime"],
                           "confidence": s["confidence"]}, index=eq.index)  # fmt: skip
    h = data["holdings"]
    holdings = pd.DataFrame(h["weights"], index=pd.to_datetime(h["date"]), dtype=float)
    db = Path(data["events_db"])
    if not db.is_absolute() and (p.parent / db).exists():
        db = p.parent / db  # written relative to the results file
    label = str(data.get("data", ""))
    return ReviewData(series, holdings, data["summary"], str(db), label, _hedge_review(p, data, eq))


def _hedge_review(path: Path, data: dict[str, Any], equity: pd.Series) -> HedgeReview | None:
    """The overlay of a results file (the CLI writes its series and headline numbers), or None."""
    s, summary = data["series"], data.get("summary", {})
    if "unhedged_equity" not in s and "hedge_program" not in summary:
        return None
    need = [k for k in ("unhedged_equity", "hedge_value") if k not in s]
    need += [k for k in ("hedge_program", "hedge_premium_paid", "hedge_proceeds", "hedge_pnl", "hedge_rolls",
                         "hedged_final_equity", "unhedged_final_equity") if k not in summary]  # fmt: skip
    if need:
        raise DataError(
            f"{path}: a hedge overlay without {', '.join(need)} (expected the CLI's results layout)"
        )
    frame = pd.DataFrame(
        {"hedged_equity": equity, "unhedged_equity": pd.Series(s["unhedged_equity"], index=equity.index, dtype=float),
         "hedge_value": pd.Series(s["hedge_value"], index=equity.index, dtype=float)}
    )  # fmt: skip
    return HedgeReview(
        series=frame,
        program=str(summary["hedge_program"]),
        premium_paid=float(summary["hedge_premium_paid"]),
        proceeds=float(summary["hedge_proceeds"]),
        pnl=float(summary["hedge_pnl"]),
        rolls=int(summary["hedge_rolls"]),
        hedged_final_equity=float(summary["hedged_final_equity"]),
        unhedged_final_equity=float(summary["unhedged_final_equity"]),
    )


def decision_chain(review: ReviewData, asset: str, date: str) -> pd.DataFrame:
    """The decisions on ``asset`` and the hedge overlay's trades up to ``date`` (oldest first).

    The overlay's ``hedge_open`` / ``hedge_close`` events are portfolio-wide (asset ``""``):
    they ride on the whole NAV, so they belong to every asset's chain. Columns: ``timestamp``,
    ``event_type``, ``asset``, ``action``, ``system``, ``reason``, ``score_after``,
    ``size_before``, ``size_after`` (target weights; NaN for hedge trades) and ``cash_flow``
    (the hedge trade's option cash flow in currency units, + received, - paid; NaN otherwise).

    Raises
    ------
    DataError
        When the event log is missing or the asset is unknown.
    """
    if asset not in review.assets:
        raise DataError(f"asset {asset!r} is not in the results (assets: {', '.join(review.assets)})")
    if not Path(review.events_db).exists():
        raise DataError(f"{review.events_db}: the event log of these results is missing")
    until = str(pd.Timestamp(date).date())
    with EventLog(review.events_db) as log:
        frame = log.query(
            "SELECT timestamp, event_type, asset, action, system, reason, score_after, size_before, "
            "size_after, event_category, json_extract(metadata, '$.cash_flow') AS cash_flow "
            "FROM portfolio_events WHERE (asset = ? OR event_category = 'hedge') AND timestamp <= ? "
            "ORDER BY bar, id",
            (asset, until),
        )
    hedge = frame["event_category"] == "hedge"
    frame["cash_flow"] = pd.to_numeric(frame["cash_flow"], errors="coerce").where(hedge)
    for col in ("score_after", "size_before", "size_after"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").where(~hedge)
    cols = [
        "timestamp",
        "event_type",
        "asset",
        "action",
        "system",
        "reason",
        "score_after",
        "size_before",
        "size_after",
        "cash_flow",
    ]
    return frame[cols].reset_index(drop=True)
