"""The framing comparison: the same hedge judged against four portfolios, on the same paths.

(a) ``all_equity``: 100% equity, no hedge;
(b) ``risk_matched``: equity reduced (the rest in cash) until its CVaR95 of 1-year returns
    equals that of (c) — the de-risking alternative to buying protection;
(c) ``hedged``: 100% equity plus the put program, premiums paid from cash (borrowed);
(d) ``levered_tail``: a levered core (``leverage`` x equity) plus a small tail budget.

Published verdicts flip with the framing (99% SPY + 1% puts vs 100% SPY + 1% puts on top); the
table states which framing each row is. (b)'s weight is solved on the unhedged 1-year returns,
which are linear in the weight: ``R(w) = w (S_1 / S_0 - e^r) + e^r - 1``.

The same four framings run on simulated paths (:func:`compare_framings`, metrics with standard
errors) and on one historical path (:func:`compare_framings_history`, the metrics of
:class:`~tailkit.hedging.history_eval.HistoryMetrics`: whole-period return, cost, max drawdown,
CVaR95 of overlapping 1-year returns, time under water, worst month). On history (b)'s weight
matches the CVaR95 of the overlapping 1-year returns of the unhedged NAV path
``w S_t / S_0 + (1 - w) e^{r t}`` to that of (c), by bisection.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.hedging.history_eval import HistoryMetrics, evaluate_history
from tailkit.hedging.marking import HedgeMarket, mark_programs
from tailkit.hedging.measures import ProgramMetrics, cvar, evaluate_marked
from tailkit.hedging.programs import HedgeProgram, NoHedge
from tailkit.hedging.surface import FillCosts

__all__ = [
    "FramingRow",
    "FramingComparison",
    "compare_framings",
    "risk_matched_weight",
    "HistoryFramingRow",
    "HistoryFramingComparison",
    "compare_framings_history",
    "risk_matched_weight_history",
]

FRAMINGS = (
    ("a", "all_equity", "100% equity, no hedge"),
    ("b", "risk_matched", "equity cut to the hedged portfolio's CVaR95, rest in cash"),
    ("c", "hedged", "100% equity + the program paid from cash"),
    ("d", "levered_tail", "levered equity core + the tail program on top"),
)


@dataclass(frozen=True, slots=True)
class FramingRow:
    """One framing: its label, description and the program metrics on the shared paths."""

    framing: str
    name: str
    description: str
    metrics: ProgramMetrics


@dataclass(frozen=True, slots=True)
class FramingComparison:
    """The four framings on the same paths."""

    rows: tuple[FramingRow, ...]
    n_paths: int

    def to_frame(self) -> pd.DataFrame:
        """One row per framing: equity weight, return, cost, drawdown, CVaR and their SEs."""
        recs = []
        for r in self.rows:
            m = dataclasses.asdict(r.metrics)
            recs.append({"framing": f"({r.framing}) {r.name}", "description": r.description, **m})
        return pd.DataFrame(recs).set_index("framing")


def _weight_at_risk(risk: Callable[[float], float], target: float) -> float:
    """Equity weight in (0, 1] at which ``risk`` (increasing in the weight) equals ``target``.

    1 when even full equity is at or below the target; otherwise bisection on [1e-4, 1] to
    2**-60 of the interval.
    """
    if risk(1.0) <= target:
        return 1.0
    lo, hi = 1e-4, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if risk(mid) > target:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def risk_matched_weight(market: HedgeMarket, target_cvar95: float) -> float:
    """Equity weight in (0, 1] whose unhedged 1-year CVaR95 equals ``target_cvar95`` (bisection)."""
    n = min(252, market.n_t - 1)
    growth = float(np.exp(market.rate * n * market.dt))
    rel = market.spot[:, n] / market.spot[:, 0]

    def risk(w: float) -> float:
        return cvar(w * (rel - growth) + growth - 1.0, 0.95).value

    return _weight_at_risk(risk, target_cvar95)


def compare_framings(
    market: HedgeMarket,
    program: HedgeProgram,
    *,
    tail_program: HedgeProgram | None = None,
    leverage: float = 1.2,
    costs: FillCosts | None = None,
) -> FramingComparison:
    """Mark the four framings (module docstring) on the same simulated paths.

    Parameters
    ----------
    market : HedgeMarket
        Simulated paths (at least 20).
    program : HedgeProgram
        The program of framing (c).
    tail_program : HedgeProgram, optional
        The tail budget of framing (d); default ``program``.
    leverage : float, default=1.2
        Equity weight of (d)'s core, in [1, 3].
    costs : FillCosts, optional

    Returns
    -------
    FramingComparison
    """
    if not 1.0 <= leverage <= 3.0:
        raise ParameterError(describe_bad_value("leverage", leverage, "an equity weight in [1, 3]"))
    if market.n_paths < 20:
        raise ParameterError(
            describe_bad_value("market", f"{market.n_paths} paths", "at least 20 simulated paths")
        )
    tail = program if tail_program is None else tail_program
    first = mark_programs(market, [program], weights=1.0, costs=costs)
    target = cvar(first.stat("return_1y")[0], 0.95).value
    wb = risk_matched_weight(market, target)
    marked = mark_programs(
        market,
        [NoHedge(), NoHedge(), program, NoHedge(), tail],
        weights=[1.0, wb, 1.0, leverage, leverage],
        costs=costs,
    )
    ev = evaluate_marked(marked, source=market.source)
    picks = (0, 1, 2, 4)
    rows = tuple(
        FramingRow(framing=f, name=n, description=d, metrics=ev.metrics[i])
        for (f, n, d), i in zip(FRAMINGS, picks)
    )
    return FramingComparison(rows=rows, n_paths=market.n_paths)


@dataclass(frozen=True, slots=True)
class HistoryFramingRow:
    """One framing on history: its label, description and the whole-period metrics."""

    framing: str
    name: str
    description: str
    metrics: HistoryMetrics


@dataclass(frozen=True, slots=True)
class HistoryFramingComparison:
    """The four framings on one historical path.

    Parameters
    ----------
    rows : tuple of HistoryFramingRow
    source : str
        What the path is (the market's source).
    proxy_share : float
        Share of dates whose implied vol is the GARCH x VRP proxy, not the observed VIX.
    """

    rows: tuple[HistoryFramingRow, ...]
    source: str
    proxy_share: float

    def to_frame(self) -> pd.DataFrame:
        """One row per framing: equity weight, return, cost, drawdown, CVaR, time under water, worst month."""
        recs = []
        for r in self.rows:
            m = dataclasses.asdict(r.metrics)
            m.pop("program")
            recs.append(
                {
                    "framing": f"({r.framing}) {r.name}",
                    "description": r.description,
                    "program": r.metrics.program,
                    **m,
                }
            )
        frame = pd.DataFrame(recs).set_index("framing")
        frame["implied_vol"] = (
            f"proxy on {self.proxy_share:.0%} of dates" if self.proxy_share > 0 else "observed"
        )
        return frame


def _history_cvar95(nav: np.ndarray) -> float:
    n = 252
    return cvar(nav[n:] / nav[:-n] - 1.0, 0.95).value


def risk_matched_weight_history(market: HedgeMarket, target_cvar95: float) -> float:
    """Equity weight in (0, 1] whose unhedged NAV path has CVaR95 of 1-year returns ``target_cvar95``.

    The unhedged path is ``w S_t / S_0 + (1 - w) e^{r t}``; 1-year returns overlap (every
    252-day window); the weight is found by bisection (1 when even full equity is below the target).
    """
    if market.n_t <= 252 + 2:
        raise ParameterError(
            describe_bad_value("market", f"{market.n_t} dates", "a history longer than one year")
        )
    rel = market.spot[0] / market.spot[0, 0]
    cash = np.exp(market.rate * market.dt * np.arange(market.n_t))

    def risk(w: float) -> float:
        return _history_cvar95(w * rel + (1.0 - w) * cash)

    return _weight_at_risk(risk, target_cvar95)


def compare_framings_history(
    market: HedgeMarket,
    program: HedgeProgram,
    *,
    tail_program: HedgeProgram | None = None,
    leverage: float = 1.2,
    costs: FillCosts | None = None,
) -> HistoryFramingComparison:
    """The four framings (module docstring) on one historical path, with the history metrics.

    Parameters
    ----------
    market : HedgeMarket
        One-path history with dates (:func:`tailkit.hedging.history.history_market`), longer than a year.
    program : HedgeProgram
        The program of framing (c).
    tail_program : HedgeProgram, optional
        The tail budget of framing (d); default ``program``.
    leverage : float, default=1.2
        Equity weight of (d)'s core, in [1, 3].
    costs : FillCosts, optional

    Returns
    -------
    HistoryFramingComparison
    """
    if not 1.0 <= leverage <= 3.0:
        raise ParameterError(describe_bad_value("leverage", leverage, "an equity weight in [1, 3]"))
    tail = program if tail_program is None else tail_program
    first = evaluate_history(market, [program], weights=1.0, costs=costs, windows=(), attribute=False)
    wb = risk_matched_weight_history(market, first.metrics[0].cvar95_1y)
    ev = evaluate_history(
        market,
        [NoHedge(), NoHedge(), program, tail],
        weights=[1.0, wb, 1.0, leverage],
        costs=costs,
        windows=(),
        attribute=False,
    )
    rows = tuple(
        HistoryFramingRow(framing=f, name=n, description=d, metrics=m)
        for (f, n, d), m in zip(FRAMINGS, ev.metrics)
    )
    return HistoryFramingComparison(rows=rows, source=ev.source, proxy_share=ev.proxy_share)
