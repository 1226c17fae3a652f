"""What a stress test is made of: historical windows, factor shocks, and the result table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value

__all__ = [
    "StressWindow",
    "HISTORICAL_WINDOWS",
    "FactorShock",
    "FACTORS",
    "STANDARD_SHOCKS",
    "StressResult",
    "stress_table",
    "weights_series",
    "nav_of",
]


@dataclass(frozen=True, slots=True)
class StressWindow:
    """A historical stress window, from the close of ``start`` to the close of ``end``.

    Attributes
    ----------
    name : str
        Label shown in tables.
    start, end : str
        ISO dates (``"2008-09-12"``).
    """

    name: str
    start: str
    end: str

    def __post_init__(self) -> None:
        try:
            a, b = pd.Timestamp(self.start), pd.Timestamp(self.end)
        except ValueError:
            raise ParameterError(describe_bad_value("window", (self.start, self.end), "ISO dates")) from None
        if not a < b:
            raise ParameterError(
                describe_bad_value(f"window {self.name!r}", (self.start, self.end), "start < end")
            )


#: Windows replayable from the bundled data (S&P 500 1999-2018, stocks 2000-2013).
HISTORICAL_WINDOWS: tuple[StressWindow, ...] = (
    StressWindow("dot-com 2000-02", "2000-03-24", "2002-10-09"),
    StressWindow("GFC 2007-09", "2007-10-09", "2009-03-09"),
    StressWindow("Lehman Sep-Nov 2008", "2008-09-12", "2008-11-20"),
    StressWindow("Aug 2011 downgrade", "2011-07-22", "2011-08-19"),
    StressWindow("Aug 2015 devaluation", "2015-08-17", "2015-08-25"),
    StressWindow("Q4 2018 sell-off", "2018-09-20", "2018-12-24"),
)


@dataclass(frozen=True, slots=True)
class FactorShock:
    """A hypothetical shock to the four risk factors.

    Attributes
    ----------
    name : str
        Label.
    equity : float, default=0.0
        Simple return of the equity factor (-0.20 = -20%).
    vol : float, default=1.0
        Multiplier on volatility (implied vols of options; the vol factor moves by ``vol - 1``).
    rates_bp : float, default=0.0
        Parallel change of interest rates, basis points.
    credit_bp : float, default=0.0
        Change of credit spreads, basis points.
    """

    name: str
    equity: float = 0.0
    vol: float = 1.0
    rates_bp: float = 0.0
    credit_bp: float = 0.0

    def __post_init__(self) -> None:
        if not self.equity > -1.0:
            raise ParameterError(describe_bad_value("equity", self.equity, "a return > -1"))
        if not self.vol > 0.0:
            raise ParameterError(describe_bad_value("vol", self.vol, "a multiplier > 0"))

    def factor_moves(self) -> dict[str, float]:
        """Moves of the factors ``equity`` (return), ``vol`` (relative), ``rates``, ``credit`` (decimals)."""
        return {
            "equity": self.equity,
            "vol": self.vol - 1.0,
            "rates": self.rates_bp / 1e4,
            "credit": self.credit_bp / 1e4,
        }


FACTORS = ("equity", "vol", "rates", "credit")

#: The issue's standard shocks, one at a time and combined.
STANDARD_SHOCKS: tuple[FactorShock, ...] = (
    FactorShock("equity -20%", equity=-0.20),
    FactorShock("vol x2", vol=2.0),
    FactorShock("rates +100bp", rates_bp=100.0),
    FactorShock("credit +200bp", credit_bp=200.0),
    FactorShock("combined", equity=-0.20, vol=2.0, rates_bp=100.0, credit_bp=200.0),
)


@dataclass(frozen=True, slots=True)
class StressResult:
    """Stress outcomes: one row per scenario, P&L per position.

    Attributes
    ----------
    kind : str
        ``"historical"``, ``"factor"`` or ``"monte_carlo"``.
    table : DataFrame
        Index ``scenario``; columns ``pnl`` (currency), ``return`` (P&L / NAV) and kind-specific
        columns (``max_drawdown``, ``worst_day``, ``n_days``, ``proxied`` for historical).
    position_pnl : DataFrame
        Scenario x position P&L (options as their own columns).
    """

    kind: str
    table: pd.DataFrame = field(repr=False)
    position_pnl: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The scenario table with a ``kind`` column."""
        out = self.table.copy()
        out.insert(0, "kind", self.kind)
        return out

    def to_dict(self) -> dict[str, float]:
        """Scenario name -> P&L."""
        return {str(k): float(v) for k, v in self.table["pnl"].items()}

    def worst(self) -> tuple[str, float]:
        """Name and P&L of the worst scenario."""
        name = self.table["pnl"].idxmin()
        return str(name), float(self.table.loc[name, "pnl"])


def stress_table(*results: StressResult) -> pd.DataFrame:
    """Stack stress results into one table (``kind``, ``scenario``, ``pnl``, ``return``, ...)."""
    if not results:
        raise ParameterError("stress_table needs at least one StressResult")
    return pd.concat([r.to_frame() for r in results], axis=0, sort=False)


def weights_series(weights: Any, columns: Sequence[str] | None = None) -> pd.Series:
    """``weights`` (Series, mapping or array with ``columns``) as a finite float Series keyed by name."""
    if isinstance(weights, Mapping) and not isinstance(weights, pd.Series):
        weights = pd.Series(dict(weights), dtype=float)
    if not isinstance(weights, pd.Series):
        arr = np.asarray(weights, dtype=float).ravel()
        if columns is None or len(columns) != arr.size:
            raise ParameterError(describe_bad_value("weights", arr.shape, "a Series keyed by position name"))
        weights = pd.Series(arr, index=list(columns))
    w = weights.astype(float)
    w.index = w.index.map(str)
    if not np.isfinite(w.to_numpy()).all():
        raise ParameterError(describe_bad_value("weights", w.to_dict(), "finite position values"))
    return w


def nav_of(w: pd.Series) -> float:
    """The NAV the stress returns are relative to: the net value, else the gross, else 1."""
    total = float(w.sum())
    return total if total > 0 else float(w.abs().sum()) or 1.0
