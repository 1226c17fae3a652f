"""Exit-rule grids: every profit target × loss multiple × DTE threshold on one marked spread.

The fast path of exit optimization: the spread is simulated and marked once
(:func:`tailkit.overlay.simulation.mark_paths`, which records each path's first crossing of
every distinct profit and loss level in the same pass); each combination is then evaluated by
taking, per path, the minimum of its crossing days and its DTE day
(:func:`tailkit.overlay._kernels.evaluate_combos`, parallel over blocks of combinations, CVaR by
threshold-and-select). Changing only the exit rules does not re-simulate: mark once with
every threshold of interest and call :func:`evaluate_marked` with any combinations of them.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D, Int64Array
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import _kernels as K
from tailkit.overlay.exits import EXIT_REASONS, ExitRules
from tailkit.overlay.fills import FillModel
from tailkit.overlay.metrics import StrategyMetrics, cvar_tail_size
from tailkit.overlay.model import OverlayCalibration
from tailkit.overlay.simulation import MarkedPaths, Shocks, SimulationSettings, mark_paths
from tailkit.overlay.spreads import CreditSpread
from tailkit.params import param, validate

__all__ = ["ExitGrid", "ExitGridResult", "evaluate_exit_grid", "evaluate_marked"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExitGrid:
    """Exit-rule combinations: every profit target × loss multiple × DTE threshold.

    Parameters
    ----------
    profit_targets : tuple of float, default=(0.30, 0.40, 0.50, 0.60, 0.70)
        Fractions of the maximum profit, in (0, 1].
    loss_multiples : tuple of float, default=(1.5, 2.0, 2.5, 3.0)
        Multiples of the credit (>= 1).
    dte_thresholds : tuple of int, default=(3, 5, 7, 10, 14)
        Days to expiry (0 = hold to expiry).
    """

    profit_targets: tuple[float, ...] = param(
        (0.30, 0.40, 0.50, 0.60, 0.70), gt=0.0, le=1.0, doc="profit targets"
    )
    loss_multiples: tuple[float, ...] = param((1.5, 2.0, 2.5, 3.0), ge=1.0, le=100.0, doc="loss multiples")
    dte_thresholds: tuple[int, ...] = param((3, 5, 7, 10, 14), ge=0, le=3650, doc="DTE thresholds, days")

    def __post_init__(self) -> None:
        validate(self)
        for name in ("profit_targets", "loss_multiples", "dte_thresholds"):
            if not getattr(self, name):
                raise ParameterError(describe_bad_value(name, getattr(self, name), "at least one value"))

    @classmethod
    def single(cls, rules: ExitRules) -> ExitGrid:
        """The one-combination grid of ``rules``."""
        return cls(
            profit_targets=(rules.profit_target_pct,),
            loss_multiples=(rules.loss_multiple,),
            dte_thresholds=(rules.dte_threshold,),
        )

    def combinations(self) -> list[ExitRules]:
        """Every combination, profit target slowest, DTE threshold fastest."""
        return list(_combinations(self))

    @property
    def size(self) -> int:
        """Number of combinations."""
        return len(self.profit_targets) * len(self.loss_multiples) * len(self.dte_thresholds)


@functools.lru_cache(maxsize=32)
def _combinations(grid: ExitGrid) -> tuple[ExitRules, ...]:
    # ExitRules validation costs ~50 us per set, as much as evaluating it: built once per grid
    return tuple(
        ExitRules(profit_target_pct=p, loss_multiple=m, dte_threshold=d)
        for p, m, d in itertools.product(grid.profit_targets, grid.loss_multiples, grid.dte_thresholds)
    )


@dataclass(frozen=True, slots=True)
class ExitGridResult:
    """Statistics of every exit-rule combination on one marked spread.

    Attributes
    ----------
    marked : MarkedPaths
        The marked paths (per-path outcomes on demand via ``marked.outcome(rules)``).
    rules : tuple of ExitRules
        The combinations, in row order.
    stats : ndarray of shape (n_combos, 12)
        Kernel statistics (columns ``tailkit.overlay._kernels.S_*``).
    reason_counts : ndarray of shape (n_combos, 4)
        Paths per exit reason.
    """

    marked: MarkedPaths
    rules: tuple[ExitRules, ...]
    stats: Float2D
    reason_counts: Int64Array

    @property
    def n_paths(self) -> int:
        """Paths per combination."""
        return int(self.marked.values.shape[0])

    def metrics(self, i: int) -> StrategyMetrics:
        """Statistics of combination ``i``."""
        return StrategyMetrics.from_arrays(self.stats[i], self.reason_counts[i], self.n_paths)

    def paired_vs(self, ref: int) -> tuple[Float1D, Float1D]:
        """Mean and paired SE of the per-path P&L difference of every combination minus ``ref``."""
        mean = np.empty(len(self.rules))
        se = np.empty(len(self.rules))
        m, t = self.marked, self.marked.terms
        K.paired_differences(*m.crossing_arrays(), self.combo_table(), m.dte_days, m.n_steps, t.max_profit,
                             t.exit_cost, int(ref), mean, se)  # fmt: skip
        return mean, se

    def combo_table(self) -> Int64Array:
        """Shape (n_combos, 3): profit level, loss level and DTE column of each combination."""
        return np.array([self.marked.combo_index(r) for r in self.rules], dtype=np.int64).reshape(-1, 3)

    def to_frame(self) -> pd.DataFrame:
        """One row per combination: the rules, every statistic, the MC standard errors."""
        rows = []
        for i, r in enumerate(self.rules):
            rows.append({**r.to_dict(), **self.metrics(i).to_dict()})
        frame = pd.DataFrame(rows)
        frame.insert(0, "spread", self.marked.spread.label)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Spread, credit and one dict per combination."""
        return {
            **self.marked.to_dict(),
            "combinations": [{**r.to_dict(), **self.metrics(i).to_dict()} for i, r in enumerate(self.rules)],
        }


def evaluate_exit_grid(
    calibration: OverlayCalibration,
    spread: CreditSpread,
    grid: ExitGrid | ExitRules | None = None,
    *,
    settings: SimulationSettings | None = None,
    fills: FillModel | None = None,
    shocks: Shocks | None = None,
    spot: float | None = None,
) -> ExitGridResult:
    """Simulate, price once, and evaluate every exit-rule combination of ``grid`` (the fast path).

    Parameters
    ----------
    calibration : OverlayCalibration
        The model.
    spread : CreditSpread
        The trade.
    grid : ExitGrid or ExitRules, optional
        Combinations (default :class:`ExitGrid`'s 5 × 4 × 5).
    settings : SimulationSettings, optional
        Paths, seed, rates.
    fills : FillModel, optional
        Costs.
    shocks : Shocks, optional
        Pre-drawn shocks.
    spot : float, optional
        TLT price at entry.

    Returns
    -------
    ExitGridResult

    Examples
    --------
    >>> res = evaluate_exit_grid(cal, CreditSpread(kind="put", short_strike=88, long_strike=85,
    ...                          expiration_days=45))  # doctest: +SKIP
    >>> res.to_frame().sort_values("expected_pnl").tail(1)  # doctest: +SKIP
    """
    if grid is None:
        grid = ExitGrid()
    elif isinstance(grid, ExitRules):
        grid = ExitGrid.single(grid)
    elif not isinstance(grid, ExitGrid):
        raise ParameterError(describe_bad_value("grid", type(grid).__name__, "an ExitGrid or ExitRules"))
    for d in grid.dte_thresholds:
        ExitRules(dte_threshold=d).check_expiration(spread.expiration_days)
    marked = mark_paths(
        calibration,
        spread,
        profit_targets=grid.profit_targets,
        loss_multiples=grid.loss_multiples,
        dte_thresholds=grid.dte_thresholds,
        settings=settings,
        fills=fills,
        shocks=shocks,
        spot=spot,
    )
    return evaluate_marked(marked, grid.combinations())


def evaluate_marked(marked: MarkedPaths, rules: list[ExitRules] | tuple[ExitRules, ...]) -> ExitGridResult:
    """Evaluate exit-rule combinations on already marked paths (parallel over combinations)."""
    rules = tuple(rules)
    table = ExitGridResult(marked, rules, np.empty((0, K.N_STATS)), np.empty((0, 4), np.int64)).combo_table()
    combos = np.zeros((len(rules), 4), dtype=np.int64)
    combos[:, :3] = table
    stats = np.empty((len(rules), K.N_STATS))
    counts = np.empty((len(rules), len(EXIT_REASONS)), dtype=np.int64)
    t = marked.terms
    K.evaluate_combos(*marked.crossing_arrays(), marked.first_deep.reshape(1, -1), combos, marked.dte_days,
                      marked.n_steps, np.array([t.max_profit]), np.array([t.exit_cost]),
                      cvar_tail_size(marked.values.shape[0]), stats, counts)  # fmt: skip
    return ExitGridResult(marked, rules, stats, counts)
