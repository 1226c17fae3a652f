"""Programs on one historical path: whole-period metrics, crisis windows, payoff attribution.

Every row says whether it rests on the implied-vol **proxy** (GARCH x VRP) rather than the
observed VIX. Returns over a window are NAV ratios ``NAV_end / NAV_start - 1`` (NaN from a ruined NAV). Both
portfolios hold the same shares, so the change of their NAV difference over a window is the
hedge's P&L (``hedge_pnl``, fraction of starting NAV); hedge effectiveness in a window is that
P&L over the unhedged NAV's loss, ``hedge_pnl / -(base_end - base_start)`` (NaN when the
unhedged portfolio did not lose). CVaR95 uses overlapping 1-year (252-day) returns.

Attribution: each option position's daily mid P&L over a window is split to first order,
``delta dS + 1/2 gamma dS^2 + vega d(sigma) + theta dt`` plus the residual, with the Greeks
of the day before (:func:`tailkit.pricing.bs_greeks` on the surface vol for equity options,
:func:`tailkit.pricing.black76_greeks` on the VIX future for VIX options). "Price move" is
delta + gamma, "vol move" is vega. Fills and rolls' spreads are not in the decomposition.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.hedging import _kernels as K
from tailkit.hedging.history import CRISIS_WINDOWS, CrisisWindow
from tailkit.hedging.marking import HedgeMarket, MarkedPrograms, mark_programs
from tailkit.hedging.measures import cvar
from tailkit.hedging.programs import HedgeProgram
from tailkit.hedging.surface import FillCosts
from tailkit.pricing import black76_greeks, bs_greeks

__all__ = [
    "HistoryMetrics",
    "CrisisResult",
    "LegAttribution",
    "HistoryEvaluation",
    "evaluate_history",
    "attribute_window",
]

YEAR = 252


@dataclass(frozen=True, slots=True)
class HistoryMetrics:
    """Whole-period cost and protection of one program on history (fractions of NAV).

    ``ruin_date`` is the first date the program's NAV reached 0 (insolvent: see
    :mod:`tailkit.hedging.marking`), empty when it never did.
    """

    program: str
    equity_weight: float
    premium_per_year: float
    net_cost_per_year: float
    annual_return: float
    base_annual_return: float
    max_drawdown: float
    base_max_drawdown: float
    cvar95_1y: float
    base_cvar95_1y: float
    time_under_water: float
    base_time_under_water: float
    worst_month: float
    base_worst_month: float
    ruin_date: str = ""


@dataclass(frozen=True, slots=True)
class CrisisResult:
    """One program in one crisis window."""

    program: str
    window: str
    start: str
    end: str
    unhedged_return: float
    hedged_return: float
    hedge_pnl: float
    effectiveness: float
    proxy: bool


@dataclass(frozen=True, slots=True)
class LegAttribution:
    """First-order Greeks decomposition of one leg's mid P&L over a window (fractions of NAV)."""

    program: str
    window: str
    leg: str
    pnl: float
    delta: float
    gamma: float
    vega: float
    theta: float
    residual: float
    proxy: bool


@dataclass(frozen=True, slots=True)
class HistoryEvaluation:
    """Programs on one historical path.

    Parameters
    ----------
    metrics : tuple of HistoryMetrics
    crises : tuple of CrisisResult
    attribution : tuple of LegAttribution
    nav : DataFrame
        Daily NAV, one column per program plus ``"unhedged"`` (equity weight of the first program).
    source : str
    proxy_share : float
        Share of dates whose implied vol is the proxy.
    """

    metrics: tuple[HistoryMetrics, ...]
    crises: tuple[CrisisResult, ...]
    attribution: tuple[LegAttribution, ...]
    nav: pd.DataFrame
    source: str
    proxy_share: float

    def to_frame(self) -> pd.DataFrame:
        """Whole-period metrics, one row per program."""
        return pd.DataFrame([dataclasses.asdict(m) for m in self.metrics]).set_index("program")

    def crisis_frame(self) -> pd.DataFrame:
        """One row per program and window."""
        return pd.DataFrame([dataclasses.asdict(c) for c in self.crises])

    def attribution_frame(self) -> pd.DataFrame:
        """One row per program, window and leg."""
        return pd.DataFrame([dataclasses.asdict(a) for a in self.attribution])


def _window_rows(market: HedgeMarket, window: CrisisWindow) -> tuple[int, int] | None:
    dates = market.dates
    assert dates is not None
    lo = int(np.searchsorted(dates, pd.Timestamp(window.start)))
    hi = int(np.searchsorted(dates, pd.Timestamp(window.end), side="right")) - 1
    if lo >= len(dates) or hi <= lo or dates[0] > pd.Timestamp(window.start):
        return None
    return lo, hi


def _window_returns(nav: np.ndarray, n: int) -> np.ndarray:
    """``nav[t + n] / nav[t] - 1`` for every start with a NAV above 0 (none from a ruined portfolio)."""
    start, end = nav[:-n], nav[n:]
    ok = start > 0.0
    return end[ok] / start[ok] - 1.0


def _path_stats(nav: np.ndarray) -> tuple[float, float, float, float]:
    peak = np.maximum.accumulate(nav)
    dd = float(np.max(1.0 - nav / peak))
    under = float(np.mean(nav[1:] < peak[1:]))
    m = min(21, nav.size - 1)
    worst = float(np.min(_window_returns(nav, m)))
    yearly = _window_returns(nav, YEAR) if nav.size > YEAR + 2 else np.empty(0)
    c = cvar(yearly, 0.95).value if yearly.size > 2 else float("nan")
    return dd, under, worst, c


def attribute_window(
    market: HedgeMarket, marked: MarkedPrograms, program: int, window: CrisisWindow, lo: int, hi: int
) -> list[LegAttribution]:
    """Greeks decomposition of each leg of ``program`` over steps ``lo..hi`` (path 0).

    ``marked`` must come from :func:`mark_programs` with ``record_legs=True``.
    """
    table = marked.table
    if marked.leg_qty.shape[0] != table.underlying.shape[0]:
        raise ParameterError("attribute_window needs a marking run with record_legs=True")
    r, q, dt = market.rate, market.dividend_yield, market.dt
    surf, vix = market.surface.vector(), market.vix_model.vector()
    S = market.spot[0]
    li = np.log(market.index[0])
    tg = market.target[0]
    proxy = bool(market.proxy is not None and market.proxy[lo : hi + 1].any())
    out = []
    for j in np.flatnonzero(table.leg_program == program):
        u = int(table.underlying[j])
        sign = float(table.sign[j])
        kind = "call" if sign > 0 else "put"
        parts = np.zeros(5)  # pnl delta gamma vega theta
        for t in range(lo + 1, hi + 1):
            qty = marked.leg_qty[j, t - 1]
            if qty == 0.0:
                continue
            k = marked.leg_strike[j, t - 1]
            e = marked.leg_expiry[j, t - 1]
            tau0, tau1 = (e - (t - 1)) * dt, max((e - t) * dt, 0.0)
            if tau0 <= 0:
                continue
            v0 = K.leg_value(u, sign, k, tau0, S[t - 1], li[t - 1], tg[t - 1], r, q, surf, vix)
            v1 = K.leg_value(u, sign, k, tau1, S[t], li[t], tg[t], r, q, surf, vix)
            if u == 0:
                x0 = np.log(S[t - 1] / k) + (r - q) * tau0
                s0 = K.surface_vol(surf, np.exp(li[t - 1]), -x0, tau0)
                s1 = K.surface_vol(
                    surf, np.exp(li[t]), -(np.log(S[t] / k) + (r - q) * max(tau1, 1e-6)), max(tau1, 1e-6)
                )
                g = bs_greeks(kind, S[t - 1], k, tau0, r, s0, q)
                ds = S[t] - S[t - 1]
            else:
                f0 = K.vix_future(vix, li[t - 1], tg[t - 1], tau0)
                f1 = K.vix_future(vix, li[t], tg[t], tau1)
                s0 = K.vix_total_vol(vix, tau0) / np.sqrt(tau0)
                s1 = K.vix_total_vol(vix, max(tau1, 1e-6)) / np.sqrt(max(tau1, 1e-6))
                g = black76_greeks(kind, f0, k, tau0, r, s0)
                ds = f1 - f0
            parts += qty * np.array(
                [v1 - v0, g.delta * ds, 0.5 * g.gamma * ds * ds, g.vega * (s1 - s0), g.theta * (tau0 - tau1)]
            )
        out.append(
            LegAttribution(
                program=table.labels[program],
                window=window.name,
                leg=table.leg_names[j],
                pnl=float(parts[0]),
                delta=float(parts[1]),
                gamma=float(parts[2]),
                vega=float(parts[3]),
                theta=float(parts[4]),
                residual=float(parts[0] - parts[1:].sum()),
                proxy=proxy,
            )
        )
    return out


def evaluate_history(
    market: HedgeMarket,
    programs: list[HedgeProgram] | tuple[HedgeProgram, ...],
    *,
    weights: object = 1.0,
    costs: FillCosts | None = None,
    windows: tuple[CrisisWindow, ...] = CRISIS_WINDOWS,
    attribute: bool = True,
) -> HistoryEvaluation:
    """Mark programs on a one-path historical market; measure the period and each crisis.

    Parameters
    ----------
    market : HedgeMarket
        From :func:`tailkit.hedging.history.history_market` (one path with dates).
    programs : sequence of HedgeProgram
    weights : float or array_like, default=1.0
        Equity weight of each program's portfolio.
    costs : FillCosts, optional
    windows : tuple of CrisisWindow
        Windows to report (those outside the data are skipped).
    attribute : bool, default=True
        Compute the per-leg Greeks attribution in each window.

    Returns
    -------
    HistoryEvaluation
    """
    if market.n_paths != 1 or market.dates is None:
        raise ParameterError(
            describe_bad_value("market", f"{market.n_paths} paths", "a one-path history with dates")
        )
    marked = mark_programs(
        market, programs, weights=weights, costs=costs, record_paths=1, record_legs=attribute
    )
    years = marked.horizon_years
    S = market.spot[0]
    t_years = np.arange(market.n_t) * market.dt
    metrics, crises, attribution = [], [], []
    navs = {}
    for g, label in enumerate(marked.table.labels):
        w = float(marked.table.weight[g])
        nav = marked.nav[g, 0]
        base = w * S / S[0] + (1.0 - w) * np.exp(market.rate * t_years)
        navs[label] = nav
        if g == 0:
            navs["unhedged"] = base
        dd, under, worst, c95 = _path_stats(nav)
        bdd, bunder, bworst, bc95 = _path_stats(base)
        ann = (nav[-1] / nav[0]) ** (1 / years) - 1 if nav[-1] > 0 else -1.0
        bann = (base[-1] / base[0]) ** (1 / years) - 1
        metrics.append(
            HistoryMetrics(
                program=label,
                equity_weight=w,
                premium_per_year=float(marked.stat("premium")[g, 0] / years),
                net_cost_per_year=float(bann - ann),
                annual_return=float(ann),
                base_annual_return=float(bann),
                max_drawdown=dd,
                base_max_drawdown=bdd,
                cvar95_1y=c95,
                base_cvar95_1y=bc95,
                time_under_water=under,
                base_time_under_water=bunder,
                worst_month=worst,
                base_worst_month=bworst,
                ruin_date=str(market.dates[int(np.argmax(nav <= 0.0))].date()) if np.any(nav <= 0.0) else "",
            )
        )
        for win in windows:
            rows = _window_rows(market, win)
            if rows is None:
                continue
            lo, hi = rows
            # a program ruined before the window has no return in it
            hr = nav[hi] / nav[lo] - 1.0 if nav[lo] > 0.0 else float("nan")
            ur = base[hi] / base[lo] - 1.0
            proxy = bool(market.proxy is not None and market.proxy[lo : hi + 1].any())
            # both portfolios hold the same shares: the NAV difference is the hedge's P&L
            loss_change = base[hi] - base[lo]
            gain = (nav[hi] - nav[lo]) - loss_change
            crises.append(
                CrisisResult(
                    program=label,
                    window=win.name,
                    start=str(market.dates[lo].date()),
                    end=str(market.dates[hi].date()),
                    unhedged_return=float(ur),
                    hedged_return=float(hr),
                    hedge_pnl=float(gain),
                    effectiveness=float(gain / -loss_change) if loss_change < 0 else float("nan"),
                    proxy=proxy,
                )
            )
            if attribute:
                attribution.extend(attribute_window(market, marked, g, win, lo, hi))
    nav_frame = pd.DataFrame(navs, index=market.dates)
    proxy_share = float(market.proxy.mean()) if market.proxy is not None else 0.0
    return HistoryEvaluation(
        metrics=tuple(metrics),
        crises=tuple(crises),
        attribution=tuple(attribution),
        nav=nav_frame,
        source=market.source,
        proxy_share=proxy_share,
    )
