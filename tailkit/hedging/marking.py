"""Daily marking of hedge programs on a market (simulated paths or one historical path).

:class:`HedgeMarket` holds what the marking kernel reads: the equity index, the log vol index
and its log target on every path and day, the carry and the models. :func:`mark_programs`
compiles the programs, calls the kernel once for all of them (common random numbers: every
program sees the same paths) and returns :class:`MarkedPrograms`.

Portfolio convention: NAV starts at 1; ``weight`` of it buys the equity index (buy and hold,
no rebalancing), the rest is cash at ``rate`` (negative cash — leverage or premium paid beyond
the cash held — is borrowed at ``rate``). Premiums are paid from cash and option proceeds go
to cash; the hedge is marked at mid every day; at the horizon open options are marked at mid.

Insolvency: a portfolio whose NAV reaches 0 or less on a day (a notional hedge on a fixed share
count keeps buying puts whatever the NAV, and the premium is borrowed) is insolvent from that
day: limited liability sets its NAV to 0, it holds nothing and buys nothing afterwards, so a
return is never measured from a NAV at or below zero (before this rule a 1-month put program on
the bundled S&P 500 history crossed zero in 2010 and showed monthly returns of -400%). The
unhedged comparison portfolio (``base_*``) is unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tailkit._numba import get_num_threads
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.hedging import _kernels as K
from tailkit.hedging.programs import HedgeProgram, ProgramTable, compile_programs
from tailkit.hedging.surface import FillCosts, VixModel, VolSurface

__all__ = ["HedgeMarket", "MarkedPrograms", "mark_programs", "STAT_NAMES"]

#: names of the per-(program, path) statistics, in kernel order
STAT_NAMES = (
    "final_nav",
    "return_1y",
    "max_drawdown",
    "time_under_water",
    "worst_month",
    "premium",
    "proceeds",
    "base_final_nav",
    "base_return_1y",
    "base_max_drawdown",
)


@dataclass(frozen=True, slots=True)
class HedgeMarket:
    """Equity index and vol index paths with the models needed to price options on them.

    Parameters
    ----------
    spot : ndarray of shape (n_paths, n_t)
        Equity index level, > 0.
    index : ndarray of shape (n_paths, n_t)
        Vol index (decimal: 0.20 = VIX 20), > 0.
    target : ndarray of shape (n_paths, n_t)
        Log target ``m_t`` of the vol index (see :class:`~tailkit.hedging.surface.VixModel`).
    dt : float
        Step in years.
    rate, dividend_yield : float
        Cash rate and the index's dividend yield, continuously compounded decimals.
    vix_model : VixModel
    surface : VolSurface
    dates : DatetimeIndex, optional
        Dates of the steps (history).
    proxy : ndarray of bool, shape (n_t,), optional
        True where the vol index is a proxy, not an observed VIX (history).
    source : str
        What the paths are ("simulated: gjr_garch", "history: S&P 500 ...").
    """

    spot: np.ndarray
    index: np.ndarray
    target: np.ndarray
    dt: float
    rate: float
    dividend_yield: float
    vix_model: VixModel
    surface: VolSurface
    dates: pd.DatetimeIndex | None = None
    proxy: np.ndarray | None = None
    source: str = "simulated"

    def __post_init__(self) -> None:
        shape = np.shape(self.spot)
        if len(shape) != 2 or shape[1] < 2:
            raise ParameterError(describe_bad_value("spot", shape, "an array of shape (n_paths, n_t >= 2)"))
        for name in ("spot", "index"):
            a = getattr(self, name)
            if np.shape(a) != shape or not np.all(np.isfinite(a)) or np.any(a <= 0):
                raise ParameterError(describe_bad_value(name, "array", f"finite values > 0 of shape {shape}"))
        if np.shape(self.target) != shape or not np.all(np.isfinite(self.target)):
            raise ParameterError(describe_bad_value("target", "array", f"finite values of shape {shape}"))
        if not (0 < self.dt <= 1):
            raise ParameterError(describe_bad_value("dt", self.dt, "a step in years in (0, 1]"))

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return int(self.spot.shape[0])

    @property
    def n_t(self) -> int:
        """Number of dates (steps + 1)."""
        return int(self.spot.shape[1])


@dataclass(frozen=True, slots=True)
class MarkedPrograms:
    """Raw output of the marking kernel.

    Parameters
    ----------
    table : ProgramTable
        The compiled programs.
    stats : ndarray of shape (n_programs, n_paths, len(STAT_NAMES))
        Statistics per program and path (NAV starts at 1; see :data:`STAT_NAMES`).
    nav : ndarray of shape (n_programs, n_record, n_t)
        NAV of the recorded paths.
    leg_qty, leg_strike : ndarray of shape (n_legs, n_t)
        Quantity and strike of each leg on path 0 (empty when not recorded).
    leg_expiry : ndarray of int64, shape (n_legs, n_t)
        Expiry step of each leg's position on path 0.
    horizon_years : float
        Length of the paths in years.
    """

    table: ProgramTable
    stats: np.ndarray
    nav: np.ndarray
    leg_qty: np.ndarray
    leg_strike: np.ndarray
    leg_expiry: np.ndarray
    horizon_years: float
    labels: tuple[str, ...] = field(default=())

    def stat(self, name: str) -> np.ndarray:
        """Statistic ``name`` of :data:`STAT_NAMES`, shape (n_programs, n_paths)."""
        if name not in STAT_NAMES:
            raise ParameterError(describe_bad_value("name", name, "one of " + ", ".join(STAT_NAMES)))
        return self.stats[:, :, STAT_NAMES.index(name)]

    def to_frame(self) -> pd.DataFrame:
        """Means over paths of every statistic, one row per program."""
        return pd.DataFrame(
            self.stats.mean(axis=1), index=pd.Index(self.table.labels, name="program"), columns=STAT_NAMES
        )


def mark_programs(
    market: HedgeMarket,
    programs: list[HedgeProgram] | tuple[HedgeProgram, ...],
    *,
    weights: object = 1.0,
    costs: FillCosts | None = None,
    record_paths: int = 0,
    record_legs: bool = False,
    jit: bool = True,
) -> MarkedPrograms:
    """Mark every program on every path of ``market``, every day, in one kernel call.

    Parameters
    ----------
    market : HedgeMarket
    programs : sequence of HedgeProgram, length n_programs
    weights : float or array_like of shape (n_programs,), default=1.0
        Equity weight of each program's portfolio.
    costs : FillCosts, optional
        Half-spreads (default :class:`FillCosts`).
    record_paths : int, default=0
        Keep the daily NAV of the first ``record_paths`` paths.
    record_legs : bool, default=False
        Keep each leg's daily quantity, strike and expiry on path 0 (for attribution).
    jit : bool, default=True
        Use the compiled kernel (False: the plain-Python twin, for tests).

    Returns
    -------
    MarkedPrograms
    """
    costs = FillCosts() if costs is None else costs
    table = compile_programs(programs, weights)
    n_rec = int(record_paths)
    if n_rec < 0 or n_rec > market.n_paths:
        raise ParameterError(describe_bad_value("record_paths", record_paths, f"0..{market.n_paths}"))
    n_legs = table.underlying.shape[0] if record_legs else 0
    stats = np.zeros((table.n_programs, market.n_paths, K.N_STATS))
    nav = np.zeros((table.n_programs, n_rec, market.n_t))
    leg_qty = np.zeros((n_legs, market.n_t))
    leg_strike = np.zeros((n_legs, market.n_t))
    leg_expiry = np.zeros((n_legs, market.n_t), dtype=np.int64)
    kernel = K.mark_programs if jit else K.mark_programs_python
    leg_u, u_und, u_sign, u_mny, u_tenor, u_hold, u_put_start, u_put, u_put_ratio, u_call_ratio = (
        distinct_options(table)
    )
    c = np.ascontiguousarray
    log_spot = np.log(market.spot)
    kernel(
        c(market.spot, dtype=np.float64),
        c(log_spot, dtype=np.float64),
        c(market.index, dtype=np.float64),
        c(np.log(market.index), dtype=np.float64),
        c(market.target, dtype=np.float64),
        float(market.dt),
        float(market.rate),
        float(market.dividend_yield),
        market.surface.vector(),
        market.vix_model.vector(),
        table.sleeve_start,
        table.weight,
        table.leg_start,
        table.tenor,
        table.hold,
        table.sizing,
        table.size,
        table.underlying,
        table.ratio,
        costs.vector(),
        leg_u,
        u_und,
        u_sign,
        u_mny,
        u_tenor,
        u_hold,
        u_put_start,
        u_put,
        u_put_ratio,
        u_call_ratio,
        stats,
        nav,
        leg_qty,
        leg_strike,
        leg_expiry,
        K.path_blocks(market.n_paths, get_num_threads() if jit else 1),
        K.TILE_DAYS,
    )
    return MarkedPrograms(
        table=table,
        stats=stats,
        nav=nav,
        leg_qty=leg_qty,
        leg_strike=leg_strike,
        leg_expiry=leg_expiry,
        horizon_years=(market.n_t - 1) * market.dt,
        labels=table.labels,
    )


def distinct_options(
    table: ProgramTable,
) -> tuple[
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
]:
    """The distinct options of a program table, each valued once per path and day by the kernel.

    Two legs hold the same option when they agree on underlying, type, moneyness and schedule
    (tenor and holding steps): e.g. the 90% 3-month put of a put program and of a put spread.
    A zero-cost collar's call (moneyness 0) depends on the puts it finances: it is one option
    per (schedule, puts and their ratios, calls sold), listed after those puts.

    Parameters
    ----------
    table : ProgramTable

    Returns
    -------
    tuple of 10 ndarray
        ``leg_u`` (n_legs,), ``u_und``, ``u_sign``, ``u_mny``, ``u_tenor``, ``u_hold``
        (n_distinct,), ``u_put_start`` (n_distinct + 1,), ``u_put``, ``u_put_ratio``
        (puts of the collars' calls), ``u_call_ratio`` (n_distinct,): the kernel's arguments
        between ``half_spread`` and ``stats`` (see :func:`tailkit.hedging._kernels.mark_programs`).
    """
    keys: dict[tuple, int] = {}
    rows: list[tuple] = []
    puts: list[list[tuple[int, float]]] = []
    call_ratio: list[float] = []
    leg_u = np.zeros(table.underlying.shape[0], dtype=np.int64)

    def add(key: tuple, row: tuple, row_puts: list[tuple[int, float]], cr: float) -> int:
        if key not in keys:
            keys[key] = len(rows)
            rows.append(row)
            puts.append(row_puts)
            call_ratio.append(cr)
        return keys[key]

    solved = []
    for s in range(table.tenor.shape[0]):
        sched = (int(table.tenor[s]), int(table.hold[s]))
        legs = range(int(table.leg_start[s]), int(table.leg_start[s + 1]))
        for j in legs:
            if table.moneyness[j] > 0.0:
                row = (int(table.underlying[j]), float(table.sign[j]), float(table.moneyness[j]), *sched)
                leg_u[j] = add(row, row, [], 0.0)
        if any(table.moneyness[j] <= 0.0 for j in legs):
            solved.append(s)
    for s in solved:
        sched = (int(table.tenor[s]), int(table.hold[s]))
        legs = range(int(table.leg_start[s]), int(table.leg_start[s + 1]))
        row_puts = [(int(leg_u[j]), float(table.ratio[j])) for j in legs if table.moneyness[j] > 0.0]
        cr = float(sum(-table.ratio[j] for j in legs if table.moneyness[j] <= 0.0))
        for j in legs:
            if table.moneyness[j] <= 0.0:
                key = ("zero-cost call", *sched, tuple(row_puts), cr)
                leg_u[j] = add(key, (0, 1.0, 0.0, *sched), row_puts, cr)
    put_start = np.zeros(len(rows) + 1, dtype=np.int64)
    put_start[1:] = np.cumsum([len(p) for p in puts])
    flat = [p for ps in puts for p in ps]
    i64, f64 = np.int64, np.float64
    return (
        leg_u,
        np.array([r[0] for r in rows], dtype=i64),
        np.array([r[1] for r in rows], dtype=f64),
        np.array([r[2] for r in rows], dtype=f64),
        np.array([r[3] for r in rows], dtype=i64),
        np.array([r[4] for r in rows], dtype=i64),
        put_start,
        np.array([p[0] for p in flat], dtype=i64),
        np.array([p[1] for p in flat], dtype=f64),
        np.array(call_ratio, dtype=f64),
    )
