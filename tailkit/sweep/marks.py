"""How the hedge sweep marks its puts: the option-mark model and the user's implied-vol file.

:class:`OptionMarkModel` holds what both markets of the hedge sweep (daily closes,
:func:`tailkit.sweep.hedge.hedge_market`, and simulated intraday paths,
:func:`tailkit.sweep.intraday.intraday_hedge_market`) need to roll and mark their puts: the
rate, the put's moneyness and life, and the implied-vol model

``iv = max(iv_floor, base + skew * ln(S / K))``, ``base = rv * (1 + iv_premium)``

with ``rv`` the trailing ``rv_window``-day realised volatility of daily log returns (known at
the day). When the user gives an implied-vol file (:func:`read_implied_vols`), ``base`` is
the file's at-the-money implied vol of the day instead (the last quote at or before the day;
``iv_premium`` is then unused), and the skew and floor still apply to the put's moneyness.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tailkit.data._checks import (
    DEFAULT_MAX_NAN_RUN,
    check_positive,
    parse_numbers,
    read_table,
    require_columns,
)
from tailkit.data.prices import read_prices
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["OptionMarkModel", "read_implied_vols"]

#: largest implied vol a file may hold (decimal per year): 5.0 is 500%, so a file in percent
#: (25.0 for 25%) is refused rather than read as 2,500%
MAX_IMPLIED_VOL = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionMarkModel:
    """The rolled put and its implied-vol model (module docstring).

    Attributes
    ----------
    rate : float, default=0.02
        Cash rate and option-pricing rate, decimal per year (continuous), in [-0.1, 1].
    put_moneyness : float, default=0.95
        Strike over spot at each roll, in [0.5, 1.5].
    put_days : int, default=63
        Trading days from purchase to expiry (rolled at expiry), 5..756.
    rv_window : int, default=21
        Trailing window of the realised volatility, trading days, 5..252.
    iv_premium : float, default=0.10
        Implied-over-realised premium of the model, in [-0.5, 2].
    skew : float, default=0.5
        Implied-vol slope in ``ln(S / K)`` (an OTM put, ``K < S``, is priced at a higher vol),
        in [-5, 5].
    iv_floor : float, default=0.05
        Lowest implied vol, decimal per year, in [0.001, 2].
    """

    rate: float = 0.02
    put_moneyness: float = 0.95
    put_days: int = 63
    rv_window: int = 21
    iv_premium: float = 0.10
    skew: float = 0.5
    iv_floor: float = 0.05

    def __post_init__(self) -> None:
        for field, value, lo, hi in (
            ("put_moneyness", self.put_moneyness, 0.5, 1.5),
            ("rate", self.rate, -0.1, 1.0),
            ("iv_premium", self.iv_premium, -0.5, 2.0),
            ("skew", self.skew, -5.0, 5.0),
            ("iv_floor", self.iv_floor, 0.001, 2.0),
        ):
            if not lo <= value <= hi:
                raise ParameterError(describe_bad_value(field, value, f"a number in [{lo}, {hi}]"))
        for field, ivalue, ilo, ihi in (
            ("put_days", self.put_days, 5, 756),
            ("rv_window", self.rv_window, 5, 252),
        ):
            if isinstance(ivalue, bool) or int(ivalue) != ivalue or not ilo <= ivalue <= ihi:
                raise ParameterError(describe_bad_value(field, ivalue, f"an integer in {ilo}..{ihi}"))

    def implied_vol(self, base: np.ndarray, spot: np.ndarray, strike: np.ndarray) -> np.ndarray:
        """``max(iv_floor, base + skew * ln(spot / strike))``, elementwise (decimal per year)."""
        return np.maximum(base + self.skew * np.log(spot / strike), self.iv_floor)

    def model_base(self, rv: np.ndarray) -> np.ndarray:
        """The model's at-the-money vol ``rv * (1 + iv_premium)`` from the realised vol ``rv``."""
        return rv * (1.0 + self.iv_premium)


def read_implied_vols(
    path: str | os.PathLike[str],
    *,
    format: Literal["csv", "parquet"] | None = None,
    date_col: str = "date",
    ticker_col: str = "ticker",
    iv_col: str = "iv",
    layout: Literal["auto", "wide", "long"] = "auto",
    max_nan_run: int = DEFAULT_MAX_NAN_RUN,
) -> pd.DataFrame:
    """Read the user's at-the-money implied vols: one row per date, one column per ticker.

    The layouts of :func:`tailkit.data.read_prices`: wide ``date,AAPL,MSFT,...`` or long
    ``date,ticker,iv``. Vols are decimals per year (0.25 for 25%), in (0, 5]; a file in
    percent is refused.

    Parameters
    ----------
    path : str or PathLike
        ``.csv``, ``.csv.gz``, ``.txt``, ``.parquet`` or ``.pq`` file.
    format : {"csv", "parquet"}, optional
        File format; default: from the suffix.
    date_col, ticker_col : str, default="date", "ticker"
        Date column; ticker column of the long layout.
    iv_col : str, default="iv"
        Implied-vol column of the long layout.
    layout : {"auto", "wide", "long"}, default="auto"
        ``"auto"`` picks long when both ``ticker_col`` and ``iv_col`` are present.
    max_nan_run : int, default=5
        Longest run of consecutive missing vols allowed inside a ticker's history.

    Returns
    -------
    DataFrame of shape (n_dates, n_tickers)
        Float64 vols, DatetimeIndex ``date`` ascending, columns named by ticker.

    Raises
    ------
    DataError
        As :func:`tailkit.data.read_prices` (missing columns, bad or duplicate dates, values
        that are not positive numbers, long gaps), and for a vol above 5; the message names
        the file, the column, the line (CSV) or row (Parquet) and the value.
    """
    table = read_table(path, format=format)
    long = layout == "long" or (
        layout == "auto" and ticker_col in table.frame.columns and iv_col in table.frame.columns
    )
    if long:
        require_columns(table, [date_col, ticker_col, iv_col])
        columns = [iv_col]
    else:
        require_columns(table, [date_col])
        columns = [c for c in table.frame.columns if c != date_col]
    for col in columns:
        values = parse_numbers(table, col)
        check_positive(table, values, col, what="implied vols")
        with np.errstate(invalid="ignore"):
            high = values > MAX_IMPLIED_VOL
        if high.any():
            i = int(np.flatnonzero(high)[0])
            raise table.error(
                col,
                i,
                f"{float(values[i])!r} is not allowed: implied vols are decimals per year in "
                f"(0, {MAX_IMPLIED_VOL}] (0.25 for 25%; is the file in percent?)",
            )
    return read_prices(
        path, format=format, date_col=date_col, ticker_col=ticker_col, price_col=iv_col,
        layout="long" if long else "wide", max_nan_run=max_nan_run,
    )  # fmt: skip
