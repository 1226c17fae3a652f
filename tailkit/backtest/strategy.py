"""The regime-aware rebalancer: regimes, universe, scores, protections, sizing, event log.

On each decision bar ``t`` (the schedule of ``rebalance_freq`` from the detector's warm-up or
``start_date`` on), using data up to ``t`` only:

1. **Regime**: the daily regime, confidence and stability (:func:`detect_regimes`); the
   transitions since the last decision are logged, and a critical one grants override
   authority for ``override_days`` bars.
2. **Universe**: the held assets plus the assets whose trend confidence is at least
   ``trend_threshold``.
3. **Scores**: technical scores (:mod:`~tailkit.backtest.scoring`) combined with the
   fundamental ones where given; missing fundamentals degrade to technical only (logged).
4. **Core assets** (``enable_core_assets``): a held asset scoring at least
   ``core_override_threshold`` becomes core (at most ``max_core_assets``); core status expires
   after ``core_expiry_days`` bars and is revoked when the asset trails its bucket's mean
   return since the grant by more than ``core_revoke_underperformance``.
5. **Selection**: universe assets scoring at least ``min_score``, best first, up to
   ``max_assets`` and ``max_per_bucket`` per bucket; core assets ignore the bucket count and
   up to ``smart_diversification_overrides`` assets scoring at least ``override_min_score`` may
   exceed it (:func:`select_assets`). Assets a protection keeps (grace, holding, core
   immunity) are held in addition.
6. **Protections**: every open, close and adjust goes through the orchestrator
   (:mod:`~tailkit.backtest.protections`). A held asset whose score fell below ``min_score``
   is decayed by ``grace_decay`` per bar for ``grace_days`` bars (ended early if the score
   recovers), then closed; a refused close keeps the asset at its weight; a refused open
   is not opened.
7. **Sizing**: two-stage weights (:func:`two_stage_weights`) of the assets to hold, to
   ``target_invested`` times the regime's exposure multiplier, less the weight held by
   decaying or blocked assets.

The decisions are target weights that the engine (:func:`run_backtest`) trades; every
decision is an :class:`Event`, written to the :class:`EventLog` one transaction per rebalance.

8. **Hedge overlay** (``hedge_program`` not ``"none"``): after the run, a hedge program of
   :mod:`tailkit.hedging` rides on the NAV from the first execution on
   (:func:`~tailkit.backtest.hedge_overlay.apply_hedge_overlay`); every option bought, sold or
   settled is a ``hedge_open`` / ``hedge_close`` event (system ``hedge_overlay``, one
   transaction per roll bar), and :attr:`RegimeBacktestResult.equity` is the hedged equity.
   The trades are those of the run without the overlay. On the data's last bar the overlay
   settles or sells what is due but buys nothing (the horizon), so a run on data truncated at
   a roll date differs there from the full run by that purchase.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tailkit.backtest.buckets import check_buckets, select_buckets
from tailkit.backtest.config import RegimeStrategyParams
from tailkit.backtest.detection import RegimeTimeline, detect_regimes
from tailkit.backtest.engine import BacktestResult, as_price_panel, run_backtest
from tailkit.backtest.events import Event, EventLog
from tailkit.backtest.hedge_overlay import HedgeOverlayResult, apply_hedge_overlay
from tailkit.backtest.protections import ActionRequest, AssetState, Orchestrator, default_orchestrator
from tailkit.backtest.schedule import decision_bars
from tailkit.backtest.scoring import combine_scores, technical_scores
from tailkit.backtest.sizing import two_stage_weights
from tailkit.errors import DataError, describe_bad_value

__all__ = ["RegimeBacktestResult", "run_regime_strategy", "market_index", "select_assets"]


@dataclass
class _Book:
    weight: float = 0.0
    held: bool = False
    opened_bar: int = -1
    is_core: bool = False
    core_since: int = -1
    grace_started: int = -1
    cycle_ends: list[int] = field(default_factory=list)
    last_score: float = float("nan")


@dataclass(frozen=True, slots=True)
class RegimeBacktestResult:
    """A regime backtest.

    Parameters
    ----------
    backtest : BacktestResult
        The engine's equity, positions, trades and fees.
    timeline : RegimeTimeline
        Regime states of every bar.
    targets : DataFrame of shape (n_bars, n_assets)
        Target weights on decision bars (NaN elsewhere).
    scores : DataFrame of shape (n_bars, n_assets)
        Combined scores on decision bars (NaN elsewhere).
    events : tuple of Event
        Every decision, in order.
    buckets : dict of str to tuple of str
        The buckets traded.
    params : RegimeStrategyParams
        The configuration.
    overlay : HedgeOverlayResult or None
        The hedge overlay on the backtest's NAV (None when ``hedge_program`` is ``"none"``).
    """

    backtest: BacktestResult
    timeline: RegimeTimeline
    targets: pd.DataFrame
    scores: pd.DataFrame
    events: tuple[Event, ...]
    buckets: dict[str, tuple[str, ...]]
    params: RegimeStrategyParams
    overlay: HedgeOverlayResult | None = None

    @property
    def equity(self) -> pd.Series:
        """The strategy's equity: hedged when there is an overlay, else the engine's."""
        return self.backtest.equity if self.overlay is None else self.overlay.equity.rename("equity")

    def events_frame(self) -> pd.DataFrame:
        """The events as a table (the log's columns, without ids)."""
        rows = [
            {
                "timestamp": e.timestamp, "bar": e.bar, "event_type": e.event_type, "event_category": e.category,
                "asset": e.asset, "action": e.action, "reason": e.reason, "system": e.system, "regime": e.regime,
                "score_before": e.score_before, "score_after": e.score_after, "size_before": e.size_before,
                "size_after": e.size_after,
            }
            for e in self.events
        ]  # fmt: skip
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers (JSON-friendly)."""
        eq = self.equity
        counts = pd.Series([e.event_type for e in self.events]).value_counts()
        out = {
            **self.backtest.to_dict(),
            "start": str(eq.index[0].date()),
            "end": str(eq.index[-1].date()),
            "total_return": float(eq.iloc[-1] / eq.iloc[0] - 1.0),
            "events": len(self.events),
            "event_counts": {str(k): int(v) for k, v in counts.items()},
            "transitions": len(self.timeline.transitions),
        }
        if self.overlay is not None:
            out.update(self.overlay.to_dict())
            out["final_equity"] = float(eq.iloc[-1])
            out["unhedged_final_equity"] = float(self.backtest.equity.iloc[-1])
        return out


def market_index(prices: pd.DataFrame) -> pd.Series:
    """Equal-weighted index of a panel: ``100 * exp(cumsum(mean daily log return))`` (causal)."""
    r = np.log(prices).diff().mean(axis=1).fillna(0.0)
    return (100.0 * np.exp(r.cumsum())).rename("index")


def select_assets(
    score: np.ndarray,
    trend: np.ndarray,
    held: np.ndarray,
    core: np.ndarray,
    bucket_of: np.ndarray,
    params: RegimeStrategyParams,
) -> tuple[list[int], set[int]]:
    """The assets the strategy wants to hold on a decision bar (step 5 of the module docstring).

    Parameters
    ----------
    score, trend : ndarray of shape (n,)
        Combined scores and trend confidences (NaN = unknown).
    held, core : ndarray of bool, shape (n,)
        Held and core assets.
    bucket_of : ndarray of int, shape (n,)
        Bucket of each asset.
    params : RegimeStrategyParams
        ``trend_threshold``, ``min_score``, ``max_assets``, ``max_per_bucket``,
        ``smart_diversification_overrides``, ``override_min_score``.

    Returns
    -------
    desired : list of int
        Column indices, best score first (ties: column order).
    exempt : set of int
        Those allowed past the bucket limits (core assets and diversification overrides).
    """
    universe = [j for j in range(score.size) if held[j] or trend[j] >= params.trend_threshold]
    ranked = sorted((j for j in universe if score[j] >= params.min_score), key=lambda j: (-score[j], j))
    per_bucket: dict[int, int] = {}
    desired: list[int] = []
    exempt: set[int] = set()
    overrides = 0
    for j in ranked:
        if len(desired) >= params.max_assets:
            break
        k = int(bucket_of[j])
        if core[j]:
            exempt.add(j)
        elif per_bucket.get(k, 0) >= params.max_per_bucket:
            if overrides < params.smart_diversification_overrides and score[j] >= params.override_min_score:
                overrides += 1
                exempt.add(j)
            else:
                continue
        else:
            per_bucket[k] = per_bucket.get(k, 0) + 1
        desired.append(j)
    return desired, exempt


def _state(b: _Book, override: bool) -> AssetState:
    return AssetState(b.held, b.opened_bar, b.is_core, b.grace_started, tuple(b.cycle_ends), override)


def run_regime_strategy(
    prices: pd.DataFrame,
    buckets: Mapping[str, Any],
    params: RegimeStrategyParams | None = None,
    *,
    index: pd.Series | None = None,
    fundamentals: pd.DataFrame | None = None,
    orchestrator: Orchestrator | None = None,
    log: EventLog | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RegimeBacktestResult:
    """Backtest the regime-aware rebalancer.

    Parameters
    ----------
    prices : DataFrame of shape (n_bars, n_tickers)
        Closes; must hold every ticker of the selected buckets.
    buckets : mapping of str to list of str
        ``bucket: [tickers]`` (see :func:`load_buckets`).
    params : RegimeStrategyParams, optional
        Configuration (defaults when omitted).
    index : Series of shape (n_bars,), optional
        Market index for regime detection and relative strength; default
        :func:`market_index` of the traded assets.
    fundamentals : DataFrame of shape (n_bars, n_tickers), optional
        Fundamental scores in [0, 1] (NaN = missing); default none (technical only).
    orchestrator : Orchestrator, optional
        Protection rules (default: the five built-ins with the params' settings).
    log : EventLog, optional
        Where the events are written (one transaction per rebalance).
    progress : callable, optional
        Called as ``progress(done, total)`` after each decision bar.

    Returns
    -------
    RegimeBacktestResult
    """
    params = RegimeStrategyParams() if params is None else params
    chosen = select_buckets(check_buckets(buckets), params.buckets)
    prices = as_price_panel(prices)
    assets = [t for ts in chosen.values() for t in ts]
    missing = [t for t in assets if t not in prices.columns]
    if missing:
        raise DataError(describe_bad_value("ticker", missing[0], "a column of the price panel"))
    if params.end_date:
        prices = prices.loc[: pd.Timestamp(params.end_date)]
    prices = prices[assets]
    n_bars, n = prices.shape
    bucket_of = np.array([i for i, ts in enumerate(chosen.values()) for _ in ts])
    if index is None:
        index = market_index(prices)
    elif params.end_date:
        index = index.loc[: pd.Timestamp(params.end_date)]
    timeline = detect_regimes(index, params.detection())
    tech = technical_scores(prices, index)
    tech_score = tech.score.to_numpy()
    trend = tech.trend.to_numpy()
    fund = None
    if fundamentals is not None:
        fund = fundamentals.reindex(index=prices.index, columns=assets).to_numpy(dtype=float)
    first = timeline.start
    if params.start_date:
        first = max(first, int(prices.index.searchsorted(pd.Timestamp(params.start_date))))
    if first >= n_bars:
        raise DataError(
            describe_bad_value(
                "start_date", params.start_date or str(first), "a date inside the data after the warm-up"
            )
        )
    mask = decision_bars(prices.index, params.rebalance_freq, start=first, every=params.every_n)
    orch = orchestrator or default_orchestrator(params.protections())
    books = [_Book() for _ in range(n)]
    regimes = timeline.frame["regime"].to_numpy()
    targets = np.full((n_bars, n), np.nan)
    score_out = np.full((n_bars, n), np.nan)
    close = prices.to_numpy()
    events: list[Event] = []
    override_until = -1
    last_decision = first - 1
    trans = list(timeline.transitions)
    trans_bar = prices.index.get_indexer([tr.date for tr in trans])  # bar of each transition
    ti = 0
    degraded_last: list[str] = []
    position = {a: j for j, a in enumerate(assets)}
    dates = [str(d.date()) for d in prices.index]
    bars = np.flatnonzero(mask)
    for done, t in enumerate(bars):
        batch: list[Event] = []
        day = dates[t]
        regime = str(regimes[t])

        def ev(kind: str, asset: str, action: str, reason: str, system: str, **kw: Any) -> None:
            if asset and "score_before" not in kw:
                kw["score_before"] = books[position[asset]].last_score
            batch.append(Event(day, int(t), kind, asset, action, reason, system, regime, **kw))  # noqa: B023

        while ti < len(trans) and trans_bar[ti] <= t:
            tr = trans[ti]
            tb = int(trans_bar[ti])
            ti += 1
            if tb <= last_decision:
                continue
            meta = {**tr.to_dict(), "override_authorizations": 1 if tr.override else 0}
            ev("regime_transition", "", "transition", f"{tr.source} -> {tr.target} ({tr.severity})",
               "regime_detector", metadata=meta)  # fmt: skip
            if tr.override and params.override_days > 0:
                override_until = tb + params.override_days
                ev("regime_override", "", "override", f"critical transition into {tr.target}: protections "
                   f"overridden until bar {override_until}", "regime_detector", metadata=meta)  # fmt: skip
        override = bool(t < override_until)
        score, degraded = combine_scores(
            tech_score[t],
            None if fund is None else fund[t],
            params.technical_weight,
            params.fundamental_weight,
        )
        score_out[t] = score
        if params.fundamental_weight > 0:
            names = [assets[j] for j in np.flatnonzero(degraded & ~np.isnan(score))]
            if names != degraded_last:  # logged when the set of degraded assets changes
                ev("score_degraded", "", "score", f"no fundamental data for {len(names)} asset(s): technical only",
                   "scoring", metadata={"assets": names})  # fmt: skip
                degraded_last = names
        exposure = params.exposure(regime)
        # core lifecycle
        if params.enable_core_assets:
            for j, b in enumerate(books):
                if not b.is_core:
                    continue
                why = ""
                if t - b.core_since >= params.core_expiry_days:
                    why = f"core status expired after {t - b.core_since} bars"
                else:
                    peers = [k for k in range(n) if bucket_of[k] == bucket_of[j]]
                    r_own = close[t, j] / close[b.core_since, j] - 1.0
                    with np.errstate(invalid="ignore"):
                        r_peer = np.nanmean(close[t, peers] / close[b.core_since, peers] - 1.0)
                    if r_own < r_peer - params.core_revoke_underperformance:
                        why = f"trails its bucket by {r_peer - r_own:.1%} since the grant"
                if why or not b.held:
                    b.is_core = False
                    ev("core_revoke", assets[j], "revoke", why or "position closed", "core_asset_management",
                       score_after=score[j])  # fmt: skip
            n_core = sum(b.is_core for b in books)
            for j in np.argsort(-np.where(np.isnan(score), -1.0, score), kind="stable"):
                b = books[j]
                if n_core >= params.max_core_assets or not score[j] >= params.core_override_threshold:
                    break
                if b.held and not b.is_core:
                    b.is_core, b.core_since = True, int(t)
                    n_core += 1
                    ev("core_grant", assets[j], "grant", f"score {score[j]:.3f} >= {params.core_override_threshold}",
                       "core_asset_management", score_after=score[j])  # fmt: skip
        # selection
        held = np.array([b.held for b in books])
        core = np.array([b.is_core for b in books])
        desired, exempt = select_assets(score, trend[t], held, core, bucket_of, params)
        want = set(desired)
        fixed: dict[int, float] = {}
        active: list[int] = []
        for j, b in enumerate(books):
            if b.held and b.grace_started >= 0 and score[j] >= params.min_score:
                ev("grace_end", assets[j], "recover", f"score recovered to {score[j]:.3f}", "grace_period",
                   score_after=score[j], size_before=b.weight)  # fmt: skip
                b.grace_started = -1
            if b.held and j not in want:
                t0 = time.perf_counter()
                dec = orch.decide(
                    ActionRequest(assets[j], "close", int(t), float(score[j])), _state(b, override)
                )
                ms = (time.perf_counter() - t0) * 1e3
                if dec.approved:
                    ev("position_close", assets[j], "close", dec.reason, dec.system, score_after=score[j],
                       size_before=b.weight, size_after=0.0, execution_time_ms=ms)  # fmt: skip
                    if b.grace_started >= 0:
                        ev("grace_end", assets[j], "expire", dec.reason, dec.system, size_before=b.weight)
                    b.held, b.weight, b.grace_started, b.is_core = False, 0.0, -1, False
                    b.cycle_ends.append(int(t))
                elif dec.system == "grace_period":
                    before = b.weight
                    if b.grace_started < 0:
                        b.grace_started = int(t)
                        b.weight *= params.grace_decay
                        ev("grace_start", assets[j], "decay", f"score {score[j]:.3f} < {params.min_score}",
                           dec.system, score_after=score[j], size_before=before, size_after=b.weight,
                           execution_time_ms=ms)  # fmt: skip
                    else:
                        b.weight *= params.grace_decay ** (t - last_decision)
                        ev("grace_decay", assets[j], "decay", dec.reason, dec.system, score_after=score[j],
                           size_before=before, size_after=b.weight, execution_time_ms=ms)  # fmt: skip
                    fixed[j] = b.weight
                else:
                    ev("action_blocked", assets[j], "close", dec.reason, dec.system, score_after=score[j],
                       size_before=b.weight, size_after=b.weight, execution_time_ms=ms)  # fmt: skip
                    fixed[j] = b.weight
            elif j in want:
                action = "adjust" if b.held else "open"
                t0 = time.perf_counter()
                dec = orch.decide(
                    ActionRequest(assets[j], action, int(t), float(score[j])), _state(b, override)
                )
                ms = (time.perf_counter() - t0) * 1e3
                if dec.approved:
                    active.append(j)
                elif b.held:
                    ev("action_blocked", assets[j], action, dec.reason, dec.system, score_after=score[j],
                       size_before=b.weight, size_after=b.weight, execution_time_ms=ms)  # fmt: skip
                    fixed[j] = b.weight
                else:
                    ev("action_blocked", assets[j], action, dec.reason, dec.system, score_after=score[j],
                       size_before=0.0, size_after=0.0, execution_time_ms=ms)  # fmt: skip
        budget = max(params.target_invested * exposure - sum(fixed.values()), 0.0)
        act = np.array(active, dtype=int)
        w = two_stage_weights(
            score[act], bucket_of[act], budget, params.max_position, params.max_bucket_allocation,
            np.array([j in exempt for j in act], dtype=bool), residual=not params.residual_to_cash,
        )  # fmt: skip
        row = np.zeros(n)
        for j, wj in fixed.items():
            row[j] = wj
        for j, wj in zip(act, w):
            b = books[j]
            kind = "position_adjust" if b.held else "position_open"
            reason = (f"score {score[j]:.3f} >= {params.min_score}; {regime} exposure {exposure:g}"
                      if not b.held else f"resized in {regime}")  # fmt: skip
            if not b.held or abs(wj - b.weight) > 1e-12:
                ev(kind, assets[j], "open" if not b.held else "adjust", reason, "strategy",
                   score_after=score[j], size_before=b.weight, size_after=float(wj),
                   metadata={"bucket": list(chosen)[int(bucket_of[j])], "trend_confidence": float(trend[t, j])})  # fmt: skip
            if not b.held:
                b.held, b.opened_bar = True, int(t)
            b.weight = float(wj)
            row[j] = wj
        targets[t] = row
        for j, b in enumerate(books):
            b.last_score = float(score[j])
        events.extend(batch)
        if log is not None:
            log.write_batch(batch, int(t))
        last_decision = int(t)
        if progress is not None:
            progress(done + 1, len(bars))
    tframe = pd.DataFrame(targets, index=prices.index, columns=assets)
    engine = params.engine()
    decide = None if params.rebalance_freq == "threshold" else mask
    bt = run_backtest(prices, tframe, engine, decide=decide, start=first)
    overlay = None
    if params.hedge_program != "none" and len(bars) and bars[0] + params.execution_delay <= n_bars - 2:
        overlay = apply_hedge_overlay(
            bt.equity, params.hedge_overlay(), start=int(bars[0] + params.execution_delay)
        )
        hedge_events = _hedge_events(overlay, dates, regimes)
        for bar, batch in hedge_events.items():
            if log is not None:
                log.write_batch(batch, bar)
        merged = [*events, *(e for batch in hedge_events.values() for e in batch)]
        events = sorted(merged, key=lambda e: e.bar)  # stable: a bar's rebalance first, then its hedge
    return RegimeBacktestResult(
        backtest=bt,
        timeline=timeline,
        targets=tframe,
        scores=pd.DataFrame(score_out, index=prices.index, columns=assets),
        events=tuple(events),
        buckets=chosen,
        params=params,
        overlay=overlay,
    )


def _hedge_events(
    overlay: HedgeOverlayResult, dates: list[str], regimes: np.ndarray
) -> dict[int, list[Event]]:
    """The overlay's trades as events (``hedge_open`` / ``hedge_close``), grouped by bar."""
    out: dict[int, list[Event]] = {}
    label = overlay.label
    for r in overlay.rolls.itertuples(index=False):
        bar = int(r.bar)
        kind = "hedge_open" if r.action == "open" else "hedge_close"
        held = float(r.quantity)
        if r.action == "open":
            reason = f"{label}: buy {r.leg} struck {r.strike:,.2f}, expiry bar {r.expiry_bar}"
            before, after = 0.0, held
        elif r.action == "settle":
            reason = f"{label}: {r.leg} expired, settled at {r.mid:,.2f} per option"
            before, after = held, 0.0
        else:
            reason = f"{label}: {r.leg} sold with {r.expiry_bar - bar} bars left (roll)"
            before, after = held, 0.0
        meta = {
            "leg": r.leg, "strike": float(r.strike), "quantity": held, "expiry_bar": int(r.expiry_bar),
            "implied_vol": None if np.isnan(r.vol) else float(r.vol), "mid": float(r.mid),
            "cash_flow": float(r.cash_flow), "vol_index": float(overlay.vol.iloc[bar]),
        }  # fmt: skip
        ev = Event(dates[bar], bar, kind, "", str(r.action), reason, "hedge_overlay", str(regimes[bar]),
                   size_before=before, size_after=after, metadata=meta)  # fmt: skip
        out.setdefault(bar, []).append(ev)
    return out
