"""Parameter set and study function behind notebook 04 (hedging strategy evaluation).

Notebook ``04_hedging_strategies``, the ``tailkit hedge evaluate`` command and the hedge
explorer all call :func:`run_hedging_study` with a :class:`HedgingStudyParams`. The study:

1. simulates ``n_paths`` equity paths with their vol index (``model``) and marks, on the same
   paths, for a portfolio of ``equity_weight`` in the index and the rest in cash (short bonds
   at ``rate``), the no-hedge baseline, the chosen program and a frontier grid
   (moneyness x tenor x budget x type), with the Pareto-efficient programs marked;
2. runs the framing comparison (a)-(d) for the chosen program;
3. marks the baseline and the program on history — the bundled S&P 500 (1999-2018) with the
   bundled VIX (2014-2018) and the GARCH x VRP proxy before, or the user's ``prices_file`` /
   ``vix_file`` — and reports each crisis window with a Greeks attribution per leg.

Example
-------
>>> study = run_hedging_study(HedgingStudyParams(n_paths=200, history=False, frontier=False))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.hedging import (
    CRISIS_WINDOWS,
    Collar,
    CombinedProgram,
    CrisisWindow,
    FillCosts,
    FramingComparison,
    HedgeMarket,
    HedgeProgram,
    HistoryEvaluation,
    HistoryFramingComparison,
    NoHedge,
    ProgramEvaluation,
    ProtectivePut,
    PutSpread,
    RatioSpread,
    VixCall,
    VolSurface,
    bundled_history,
    compare_framings,
    compare_framings_history,
    compile_programs,
    evaluate_history,
    evaluate_marked,
    history_market,
    mark_programs,
    program_label,
    simulate_market,
)
from tailkit.params import param, validate

__all__ = [
    "HedgeExplorerParams",
    "HedgingStudyParams",
    "HedgingStudy",
    "build_program",
    "frontier_programs",
    "payoff_table",
    "run_hedging_study",
]

PROGRAM_TYPES = ("put", "put_spread", "ratio_spread", "collar", "vix_call", "combined")


@dataclass(frozen=True, slots=True, kw_only=True)
class HedgingStudyParams:
    """Parameters of notebook ``04_hedging_strategies`` (flat, YAML keys = field names).

    The chosen program is built by :func:`build_program` from ``program`` and the strike,
    tenor, roll and sizing fields; the frontier grid from the ``frontier_*`` tuples.
    """

    program: Literal["put", "put_spread", "ratio_spread", "collar", "vix_call", "combined"] = param(
        "put", choices=PROGRAM_TYPES, doc="program family"
    )
    moneyness: float = param(0.90, gt=0.0, le=2.0, doc="put strike / spot (long put of spreads and collars)")
    short_moneyness: float = param(0.80, gt=0.0, le=2.0, doc="short put strike / spot (spreads)")
    call_moneyness: float = param(0.0, ge=0.0, le=5.0, doc="collar call strike / spot (0: zero-cost)")
    vix_moneyness: float = param(1.30, gt=0.0, le=5.0, doc="VIX call strike / VIX future")
    tenor_months: float = param(3.0, ge=0.25, le=24.0, doc="option tenor at purchase, months")
    roll_months: float = param(1.0, ge=0.0, le=24.0, doc="roll with this much life left, months")
    sizing: Literal["notional", "budget"] = param("budget", choices=("notional", "budget"), doc="sizing rule")
    hedge_ratio: float = param(
        1.0, ge=0.0, le=5.0, doc="notional hedged per unit of equity (sizing=notional)"
    )
    budget: float = param(0.01, ge=0.0, le=0.2, doc="premium budget, fraction of NAV a year (sizing=budget)")
    put_share: float = param(0.7, ge=0.0, le=1.0, doc="share of the budget in puts (combined program)")
    equity_weight: float = param(
        1.0, gt=0.0, le=3.0, doc="equity share of NAV (rest: cash / short bonds at rate)"
    )
    model: Literal["gbm", "merton", "regimes", "gjr_garch"] = param(
        "gjr_garch",
        choices=("gbm", "merton", "regimes", "gjr_garch"),
        doc="equity model of the simulated paths",
    )
    n_paths: int = param(1000, ge=20, le=1_000_000, doc="simulated paths")
    horizon_days: int = param(252, ge=21, le=2520, doc="simulated horizon, trading days")
    seed: int = param(20261203, ge=0, doc="seed of the simulated paths")
    rate: float = param(0.02, ge=-0.05, le=0.25, doc="cash rate, decimal, continuously compounded")
    dividend_yield: float = param(0.015, ge=0.0, le=0.2, doc="index dividend yield, decimal")
    equity_half_spread: float = param(
        0.03, ge=0.0, lt=1.0, doc="half-spread of index options, fraction of mid"
    )
    vix_half_spread: float = param(0.05, ge=0.0, lt=1.0, doc="half-spread of VIX options, fraction of mid")
    skew: float = param(1.5, ge=0.0, le=10.0, doc="skew coefficient of the implied-vol surface")
    tail: float = param(0.05, gt=0.0, le=0.5, doc="share of worst paths for hedge effectiveness")
    frontier: bool = param(True, doc="evaluate the frontier grid")
    frontier_types: tuple[str, ...] = param(
        ("put", "put_spread", "collar", "vix_call"),
        choices=PROGRAM_TYPES,
        doc="program types of the frontier grid",
    )
    frontier_moneyness: tuple[float, ...] = param(
        (0.85, 0.90, 0.95), gt=0.0, le=2.0, doc="put moneyness of the grid"
    )
    frontier_tenors: tuple[float, ...] = param(
        (1.0, 3.0, 6.0), ge=0.25, le=24.0, doc="tenors of the grid, months"
    )
    frontier_budgets: tuple[float, ...] = param(
        (0.005, 0.01, 0.02), gt=0.0, le=0.2, doc="budgets of the grid"
    )
    framing_leverage: float = param(1.2, ge=1.0, le=3.0, doc="equity weight of framing (d)'s levered core")
    history: bool = param(True, doc="evaluate on history")
    prices_file: str = param("", doc="user index closes (date,close CSV/Parquet); empty: bundled S&P 500")
    vix_file: str = param(
        "", doc="user Cboe VIX_History.csv; empty: bundled VIX (with prices_file: proxy only)"
    )
    history_start: str = param("", doc="first date of the history run (YYYY-MM-DD; empty: all)")
    history_end: str = param("", doc="last date of the history run (YYYY-MM-DD; empty: all)")

    def __post_init__(self) -> None:
        validate(self)
        for name in ("history_start", "history_end"):
            value = getattr(self, name)
            if value:
                try:
                    pd.Timestamp(value)
                except ValueError:
                    raise ParameterError(describe_bad_value(name, value, "a date YYYY-MM-DD or ''")) from None
        build_program(self)  # the program's own checks (strikes, roll vs tenor, budget)


@dataclass(frozen=True, slots=True, kw_only=True)
class HedgeExplorerParams(HedgingStudyParams):
    """Parameters of the ``hedge_explorer`` Voila app: notebook 04's study with fewer paths.

    Every field is :class:`HedgingStudyParams`'s; only the default number of simulated paths is
    smaller, so a page answers quickly (the standard errors it shows grow accordingly).
    """

    n_paths: int = param(300, ge=20, le=1_000_000, doc="simulated paths (fewer than notebook 04's)")
    frontier_types: tuple[str, ...] = param(
        ("put", "put_spread", "vix_call"),
        choices=PROGRAM_TYPES,
        doc="program types of the frontier grid (no collars: each needs a strike solve per roll)",
    )
    frontier_moneyness: tuple[float, ...] = param(
        (0.85, 0.95), gt=0.0, le=2.0, doc="put moneyness of the grid (a coarser grid than notebook 04's)"
    )
    frontier_tenors: tuple[float, ...] = param((1.0, 3.0), ge=0.25, le=24.0, doc="tenors of the grid, months")
    frontier_budgets: tuple[float, ...] = param((0.005, 0.02), gt=0.0, le=0.2, doc="budgets of the grid")


def _schedule(p: HedgingStudyParams, tenor: float | None = None, budget: float | None = None) -> dict:
    tenor = p.tenor_months if tenor is None else tenor
    roll = min(p.roll_months, tenor / 3.0) if tenor != p.tenor_months else p.roll_months
    return {
        "tenor_months": tenor,
        "roll_months": roll,
        "sizing": p.sizing if budget is None else "budget",
        "hedge_ratio": p.hedge_ratio,
        "budget": p.budget if budget is None else budget,
    }


def build_program(
    p: HedgingStudyParams,
    kind: str | None = None,
    *,
    moneyness: float | None = None,
    tenor: float | None = None,
    budget: float | None = None,
) -> HedgeProgram:
    """The program of family ``kind`` (default ``p.program``) from the study's fields."""
    kind = p.program if kind is None else kind
    m = p.moneyness if moneyness is None else moneyness
    sched = _schedule(p, tenor, budget)
    if kind == "put":
        return ProtectivePut(moneyness=m, **sched)
    if kind == "put_spread":
        return PutSpread(long_moneyness=m, short_moneyness=min(p.short_moneyness, m - 0.05), **sched)
    if kind == "ratio_spread":
        return RatioSpread(long_moneyness=min(p.short_moneyness, m - 0.05), short_moneyness=m, **sched)
    if kind == "collar":
        sched["sizing"] = "notional"
        return Collar(put_moneyness=m, call_moneyness=p.call_moneyness, **sched)
    if kind == "vix_call":
        return VixCall(moneyness=p.vix_moneyness, **sched)
    if kind == "combined":
        return CombinedProgram(
            parts=(ProtectivePut(moneyness=m, **sched), VixCall(moneyness=p.vix_moneyness, **sched)),
            weights=(p.put_share, 1.0 - p.put_share),
        )
    raise ParameterError(describe_bad_value("program", kind, "one of " + ", ".join(PROGRAM_TYPES)))


def frontier_programs(p: HedgingStudyParams) -> list[HedgeProgram]:
    """The frontier grid: type x moneyness x tenor x budget (collars: notional, no budget axis)."""
    out: list[HedgeProgram] = []
    seen: set[str] = set()
    for kind in p.frontier_types:
        for m in p.frontier_moneyness if kind not in ("vix_call",) else (p.moneyness,):
            for tenor in p.frontier_tenors:
                for b in p.frontier_budgets if kind != "collar" else (p.budget,):
                    prog = build_program(p, kind, moneyness=m, tenor=tenor, budget=b)
                    label = program_label(prog)
                    if label not in seen:
                        seen.add(label)
                        out.append(prog)
    return out


@dataclass(frozen=True, slots=True)
class HedgingStudy:
    """Everything notebook 04 shows.

    Parameters
    ----------
    params : HedgingStudyParams
    program : str
        Label of the chosen program.
    simulated : ProgramEvaluation
        No hedge, the chosen program and the frontier grid on the same simulated paths.
    framing : FramingComparison
    history : HistoryEvaluation or None
        No hedge and the chosen program on history (None when ``history`` is off).
    returns_1y : DataFrame
        Simulated 1-year returns of ``"unhedged"`` and ``"hedged"`` (columns ``portfolio``,
        ``return_1y``), for the distribution chart.
    history_framing : HistoryFramingComparison or None
        The framing comparison (a)-(d) on the same history (None when ``history`` is off).
    """

    params: HedgingStudyParams
    program: str
    simulated: ProgramEvaluation
    framing: FramingComparison
    history: HistoryEvaluation | None
    returns_1y: pd.DataFrame
    history_framing: HistoryFramingComparison | None = None

    def to_frame(self) -> pd.DataFrame:
        """The simulated evaluation: one row per program (frontier included)."""
        return self.simulated.to_frame()

    def crisis_payoff(self, window: str = "GFC") -> float:
        """Hedge P&L (fraction of starting NAV) of the chosen program in a crisis window (NaN if absent)."""
        if self.history is None:
            return float("nan")
        frame = self.history.crisis_frame()
        rows = frame[(frame["program"] == self.program) & (frame["window"] == window)]
        return float(rows["hedge_pnl"].iloc[0]) if len(rows) else float("nan")

    def to_dict(self) -> dict[str, float | str | None]:
        """Headline numbers (the notebook's summary line; None where not computed)."""
        best = self.simulated.best_per_cost()
        chosen = next(m for m in self.simulated.metrics if m.program == self.program)

        def r(x: float) -> float | None:
            return round(float(x), 6) if math.isfinite(x) else None

        return {
            "best_program_per_cost": best.program,
            "best_effectiveness": r(best.effectiveness),
            "best_effectiveness_se": r(best.effectiveness_se),
            "best_cost_per_year": r(best.net_cost_per_year),
            "program": self.program,
            "program_effectiveness": r(chosen.effectiveness),
            "program_effectiveness_se": r(chosen.effectiveness_se),
            "program_net_cost_per_year": r(chosen.net_cost_per_year),
            "program_2008_payoff": r(self.crisis_payoff("late 2008")),
            "program_gfc_payoff": r(self.crisis_payoff("GFC")),
            "programs_reaching_target": float(sum(m.reaches_target for m in self.simulated.metrics)),
        }


def run_hedging_study(
    params: HedgingStudyParams, *, progress: Callable[[str], None] | None = None
) -> HedgingStudy:
    """Run notebook 04's study (module docstring).

    Parameters
    ----------
    params : HedgingStudyParams
    progress : callable, optional
        Called with the name of each stage as it starts (the CLI's progress bar).

    Returns
    -------
    HedgingStudy
    """
    step = progress or (lambda name: None)
    program = build_program(params)
    costs = FillCosts(equity_half_spread=params.equity_half_spread, vix_half_spread=params.vix_half_spread)
    surface = VolSurface(skew=params.skew)
    step("simulate")
    market = simulate_market(
        params.model,
        n_paths=params.n_paths,
        n_steps=params.horizon_days,
        seed=params.seed,
        rate=params.rate,
        dividend_yield=params.dividend_yield,
        surface=surface,
    )
    programs: list[HedgeProgram] = [NoHedge(), program]
    if params.frontier:
        label = program_label(program)
        programs += [p for p in frontier_programs(params) if program_label(p) != label]
    step("mark programs")
    marked = mark_programs(market, programs, weights=params.equity_weight, costs=costs)
    simulated = evaluate_marked(marked, tail=params.tail, source=market.source)
    r1 = marked.stat("return_1y")
    returns_1y = pd.DataFrame(
        {
            "portfolio": ["unhedged"] * r1.shape[1] + ["hedged: " + program_label(program)] * r1.shape[1],
            "return_1y": np.r_[r1[0], r1[1]],
        }
    )
    step("framing")
    framing = compare_framings(market, program, leverage=params.framing_leverage, costs=costs)
    history = None
    history_framing = None
    if params.history:
        step("history")
        hist = _history_market(params, surface)
        windows = (*CRISIS_WINDOWS, CrisisWindow("late 2008", "2008-09-01", "2008-12-31"))
        history = evaluate_history(
            hist, [NoHedge(), program], weights=params.equity_weight, costs=costs, windows=windows
        )
        step("framing on history")
        history_framing = compare_framings_history(
            hist, program, leverage=params.framing_leverage, costs=costs
        )
    return HedgingStudy(
        params=params,
        program=program_label(program),
        simulated=simulated,
        framing=framing,
        history=history,
        returns_1y=returns_1y,
        history_framing=history_framing,
    )


def payoff_table(
    params: HedgingStudyParams, *, n: int = 121, low: float = -0.5, high: float = 0.3
) -> pd.DataFrame:
    """Payoff at expiry of the chosen program's equity legs per unit of notional.

    Legs are struck at their moneyness (a zero-cost collar's call at ``call_moneyness`` or,
    when that is 0, shown at 110% for the shape); VIX legs are left out (they pay on the vol
    index, not on the index move).

    Parameters
    ----------
    params : HedgingStudyParams
    n : int, default=121
        Points on the move axis.
    low, high : float
        Range of the index move to expiry.

    Returns
    -------
    DataFrame
        Columns ``move`` and ``payoff`` (fraction of notional).
    """
    table = compile_programs([build_program(params)], 1.0)
    move = np.linspace(low, high, n)
    st = 1.0 + move
    pay = np.zeros(n)
    for j in range(table.underlying.shape[0]):
        if table.underlying[j] != 0:
            continue
        k = table.moneyness[j] if table.moneyness[j] > 0 else 1.10
        pay += table.ratio[j] * np.maximum(table.sign[j] * (st - k), 0.0)
    return pd.DataFrame({"move": move, "payoff": pay})


def _history_market(params: HedgingStudyParams, surface: VolSurface) -> HedgeMarket:
    start = params.history_start or None
    end = params.history_end or None
    if not params.prices_file:
        return bundled_history(
            start=start, end=end, rate=params.rate, dividend_yield=params.dividend_yield, surface=surface
        )
    from tailkit.data.index_files import read_index_closes, read_vix_history

    closes = read_index_closes(params.prices_file)
    vix = read_vix_history(params.vix_file) if params.vix_file else None
    label = f"history: {params.prices_file}" + (
        f" with VIX {params.vix_file} (GARCH x VRP proxy outside it)"
        if vix is not None
        else " (GARCH x VRP proxy vol)"
    )
    return history_market(
        closes,
        vix,
        start=start,
        end=end,
        rate=params.rate,
        dividend_yield=params.dividend_yield,
        surface=surface,
        source=label,
    )
