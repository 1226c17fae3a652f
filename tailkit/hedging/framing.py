"""The framing comparison: the same hedge judged against four portfolios, on the same paths.

(a) ``all_equity``: 100% equity, no hedge;
(b) ``risk_matched``: equity reduced (the rest in cash) until its CVaR95 of 1-year returns
    equals that of (c) — the de-risking alternative to buying protection;
(c) ``hedged``: 100% equity plus the put program, premiums paid from cash (borrowed);
(d) ``levered_tail``: a levered core (``leverage`` x equity) plus a small tail budget.

Published verdicts flip with the framing (99% SPY + 1% puts vs 100% SPY + 1% puts on top); the
table states which framing each row is. (b)'s weight is solved on the unhedged 1-year returns,
which are linear in the weight: ``R(w) = w (S_1 / S_0 - e^r) + e^r - 1``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.hedging.marking import HedgeMarket, mark_programs
from tailkit.hedging.measures import ProgramMetrics, cvar, evaluate_marked
from tailkit.hedging.programs import HedgeProgram, NoHedge
from tailkit.hedging.surface import FillCosts

__all__ = ["FramingRow", "FramingComparison", "compare_framings", "risk_matched_weight"]

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


def risk_matched_weight(market: HedgeMarket, target_cvar95: float) -> float:
    """Equity weight in (0, 1] whose unhedged 1-year CVaR95 equals ``target_cvar95`` (bisection)."""
    n = min(252, market.n_t - 1)
    growth = float(np.exp(market.rate * n * market.dt))
    rel = market.spot[:, n] / market.spot[:, 0]

    def risk(w: float) -> float:
        return cvar(w * (rel - growth) + growth - 1.0, 0.95).value

    if risk(1.0) <= target_cvar95:
        return 1.0
    lo, hi = 1e-4, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if risk(mid) > target_cvar95:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


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
