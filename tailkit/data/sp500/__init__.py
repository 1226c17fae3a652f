"""S&P 500 index, daily, 1999-01-04 to 2018-12-31 (bundled)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from tailkit.data._bundled import finish, read_bundled

__all__ = ["load"]

_COLUMNS = {
    "Open": "open",
    "High": "high",
    "Low": "low",
    "Close": "close",
    "Adj Close": "adj_close",
    "Volume": "volume",
}


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    table, frame = read_bundled(
        "sp500", "sp500.csv.gz", date_col="Date", columns=_COLUMNS, date_format="%m/%d/%Y"
    )
    return finish(table, frame, "Date")


def load() -> pd.DataFrame:
    """Load the S&P 500 index, daily, 1999-01-04 to 2018-12-31 (5,031 trading days).

    Source: ``sp500.csv.gz`` copied unchanged from ``arch.data.sp500`` (the `arch` package by
    Kevin Sheppard, 8.0.0; arch's documentation lists it as "Daily S&P 500 index, January 1999
    to December 2018" and does not name the upstream vendor; the column layout is that of a
    Yahoo Finance historical download of ``^GSPC``).

    License: redistributed in arch under arch's NCSA license (copyright Kevin Sheppard); arch
    states no separate terms for the data. The index values themselves belong to S&P Dow Jones
    Indices; bundled here, as in arch, for examples and tests.

    Returns
    -------
    DataFrame of shape (5031, 6)
        DatetimeIndex ``date`` (trading days, sorted, unique); float64 columns ``open``,
        ``high``, ``low``, ``close``, ``adj_close`` (index points; ``adj_close`` equals
        ``close`` for a price index) and ``volume`` (shares traded).

    Examples
    --------
    >>> from tailkit.data import load_sp500
    >>> load_sp500()["close"].loc["2018-12-31"]
    np.float64(2506.850098)
    """
    return _load().copy()
