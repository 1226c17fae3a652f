"""Backtest engine: tailkit's numba loop against vectorbt and backtrader, in the same run.

Problem: 20 assets x 7,560 daily bars (synthetic GBM, fixed seed), inverse-volatility weights
over the last 60 daily log returns (ddof=1), rebalanced every 21 bars from bar 60 to 99.5%
invested, commission 0.1% of traded notional, sells before buys (the static convention of
``tailkit.backtest.engine``).

* tailkit: :func:`tailkit.backtest.run_static` (weights and simulation, numba kernels);
* vectorbt (benchmark-only dependency): pandas rolling-std weights +
  ``Portfolio.from_orders(size_type="targetpercent", cash_sharing=True, call_seq="auto")``;
* backtrader (GPL-3, benchmark-only): ``order_target_percent`` with cheat-on-close, one run
  with whole shares (its sizing) at a 98% gross target (backtrader checks each order's cash
  at the *next* bar's close and rejects a buy that does not fit there, so it needs a cash
  buffer to place the same orders); the sweep time is extrapolated (x100).

Sweep: 100 parameter sets (lookback 20..120, period 5..63 bars, gross target 0.9..1.0):
tailkit's ``simulate_inverse_vol_sweep`` kernel against a loop of vectorbt runs. The equity
of every tool is compared with tailkit's (max relative difference). Also timed: the full
regime strategy (every protection and the SQLite event log) on the SYNTHETIC 20-asset,
20-year universe, and the hedge overlay on its NAV. Times are the best of a few repeats.
"""

from __future__ import annotations

import os
import time
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from benchmarks._timing import best_time
from tailkit.backtest import (
    EngineParams,
    EventLog,
    HedgeOverlayParams,
    StaticParams,
    apply_hedge_overlay,
    run_regime_strategy,
    run_static,
)
from tailkit.backtest import _kernels as K
from tailkit.backtest.config import preset

N_ASSETS, N_BARS, LOOKBACK, EVERY, GROSS, COMM, CASH = 20, 7560, 60, 21, 0.995, 0.001, 100_000.0


def _prices() -> pd.DataFrame:
    rng = np.random.default_rng(2024)
    vol = rng.uniform(0.08, 0.45, N_ASSETS) / np.sqrt(252)
    r = rng.normal(0.0003, vol, (N_BARS, N_ASSETS))
    return pd.DataFrame(
        100 * np.exp(np.cumsum(r, axis=0)),
        index=pd.bdate_range("1995-01-02", periods=N_BARS),
        columns=[f"A{j:02d}" for j in range(N_ASSETS)],
    )


def _vbt_run(vbt: Any, px: pd.DataFrame, lookback: int, every: int, gross: float) -> np.ndarray:
    sd = np.log(px).diff().rolling(lookback).std()
    w = (1 / sd).div((1 / sd).sum(axis=1), axis=0)
    size = pd.DataFrame(np.nan, index=px.index, columns=px.columns)
    rows = np.arange(lookback, len(px), every)
    size.iloc[rows] = w.iloc[rows].to_numpy() * gross
    pf = vbt.Portfolio.from_orders(
        px, size, size_type="targetpercent", fees=COMM, init_cash=CASH,
        cash_sharing=True, group_by=True, call_seq="auto", freq="1D",
    )  # fmt: skip
    return pf.value().to_numpy()


def _backtrader_run(px: pd.DataFrame, gross: float) -> np.ndarray:
    import backtrader as bt

    w = (1 / np.log(px).diff().rolling(LOOKBACK).std()).pipe(lambda x: x.div(x.sum(axis=1), axis=0))

    class Rebalance(bt.Strategy):
        def __init__(self) -> None:
            self.bar = -1

        def next(self) -> None:
            self.bar += 1
            t = self.bar
            if t >= LOOKBACK and (t - LOOKBACK) % EVERY == 0:
                value = self.broker.getvalue()
                tgt = {d: w.iloc[t][d._name] * gross for d in self.datas}
                held = {d: self.getposition(d).size * d.close[0] for d in self.datas}
                for d in sorted(self.datas, key=lambda d: 0 if tgt[d] * value < held[d] else 1):
                    self.order_target_percent(d, target=tgt[d])

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.broker.setcash(CASH)
    cerebro.broker.setcommission(commission=COMM)
    cerebro.broker.set_coc(True)
    for c in px.columns:
        frame = pd.DataFrame({k: px[c] for k in ("open", "high", "low", "close")}).assign(volume=1e9)
        cerebro.adddata(bt.feeds.PandasData(dataname=frame), name=c)
    cerebro.addstrategy(Rebalance)
    cerebro.run()
    return np.array([cerebro.broker.getvalue()])


def main() -> None:
    px = _prices()
    eng = EngineParams(schedule="every_n", every_n=EVERY, gross_target=GROSS, commission=COMM, cash=CASH)
    st = StaticParams(lookback=LOOKBACK)
    run_static(px, st, eng)  # compile / load the cached kernels
    t_tk, res = best_time(lambda: run_static(px, st, eng), 5)
    eq = res.equity.to_numpy()
    rows = [("single run", "tailkit (numba)", t_tk, 0.0)]
    try:
        import vectorbt as vbt

        _vbt_run(vbt, px, LOOKBACK, EVERY, GROSS)
        t_v, v = best_time(lambda: _vbt_run(vbt, px, LOOKBACK, EVERY, GROSS), 3)
        rows.append(("single run", "vectorbt 1.2.0", t_v, float(np.max(np.abs(v / eq - 1)))))
    except ImportError:
        vbt = None
        rows.append(("single run", "vectorbt (not installed)", float("nan"), float("nan")))
    try:
        # backtrader checks an order's cash at the next bar's close (even under cheat-on-close)
        # and rejects buys that would not fit there; a 2% cash buffer keeps every order
        eng_w = EngineParams(schedule="every_n", every_n=EVERY, gross_target=0.98, commission=COMM, cash=CASH,
                             whole_shares=True)  # fmt: skip
        ref = run_static(px, st, eng_w).equity.iloc[-1]
        t_b, b = best_time(lambda: _backtrader_run(px, 0.98), 1)
        rows.append(
            ("single run", "backtrader 1.9.78 (whole shares, gross 0.98)", t_b, float(abs(b[0] / ref - 1)))
        )
    except ImportError:
        t_b = float("nan")
        rows.append(("single run", "backtrader (not installed)", t_b, float("nan")))

    rng = np.random.default_rng(7)
    m = 100
    lbs = rng.integers(20, 121, m).astype(np.int64)
    every = rng.integers(5, 64, m).astype(np.int64)
    gross = np.round(rng.uniform(0.9, 1.0, m), 4)
    close = np.ascontiguousarray(px.to_numpy())
    K.simulate_inverse_vol_sweep(close, lbs[:2], every[:2], gross[:2], CASH, COMM)
    t_sw, finals = best_time(lambda: K.simulate_inverse_vol_sweep(close, lbs, every, gross, CASH, COMM), 3)
    rows.append(("100-set sweep", "tailkit (numba)", t_sw, 0.0))
    if vbt is not None:
        t0 = time.perf_counter()
        v_fin = np.array(
            [_vbt_run(vbt, px, int(a), int(b), float(g))[-1] for a, b, g in zip(lbs, every, gross)]
        )
        rows.append(("100-set sweep", "vectorbt 1.2.0 (loop)", time.perf_counter() - t0,
                     float(np.max(np.abs(v_fin / finals - 1)))))  # fmt: skip
    rows.append(("100-set sweep", "backtrader (single run x 100, extrapolated)", 100 * t_b, float("nan")))

    from tailkit.synthetic.universe import synthetic_universe

    u = synthetic_universe()
    p = preset("institutional")
    run_regime_strategy(u.prices, u.buckets, p)

    def regime() -> Any:
        with EventLog() as log:
            return run_regime_strategy(u.prices, u.buckets, p, log=log)

    t_r, rr = best_time(regime, 2)
    rows.append(
        ("regime strategy", f"tailkit, 20 x {len(u.prices)} days, {len(rr.events)} events", t_r, float("nan"))
    )
    t_nolog, _ = best_time(lambda: run_regime_strategy(u.prices, u.buckets, p), 2)
    rows.append(("regime strategy", "  the same without the event log", t_nolog, float("nan")))
    per_event_ms = max(t_r - t_nolog, 0.0) / max(len(rr.events), 1) * 1e3
    # the hedge overlay (a 90% 3-month put rolled monthly, marked by tailkit.hedging) on its NAV
    hp = HedgeOverlayParams(program="put")
    start = int(np.flatnonzero(rr.targets.notna().any(axis=1).to_numpy())[0])
    apply_hedge_overlay(rr.backtest.equity, hp, start=start)
    t_h, ov = best_time(lambda: apply_hedge_overlay(rr.backtest.equity, hp, start=start), 3)
    rows.append(
        ("regime strategy", f"  hedge overlay alone ({ov.to_dict()['hedge_rolls']} rolls)", t_h, float("nan"))
    )

    print(
        f"{N_ASSETS} assets x {N_BARS} bars, inverse-vol every {EVERY} bars from bar {LOOKBACK}, gross {GROSS}"
    )
    print(f"{'case':<16} {'engine':<46} {'seconds':>10} {'x tailkit':>10} {'max rel diff':>13}")
    base = {"single run": t_tk, "100-set sweep": t_sw, "regime strategy": t_r}
    for case, name, t, diff in rows:
        ratio = t / base[case] if np.isfinite(t) else float("nan")
        d = "" if not np.isfinite(diff) else f"{diff:.1e}"
        print(f"{case:<16} {name:<46} {t:>10.4f} {ratio:>10.1f} {d:>13}")
    print(f"event log: {per_event_ms:.3f} ms per event (SQLite, one transaction per rebalance)")
