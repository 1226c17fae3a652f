"""Cboe VIX index, daily closes, 2014-01-03 to 2019-01-03 (bundled)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from tailkit.data._bundled import finish, read_bundled

__all__ = ["load"]


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    table, frame = read_bundled(
        "vix",
        "vix.csv.gz",
        date_col="Date",
        columns={"vix": "vix"},
        date_format="%m/%d/%Y",
        drop_missing=True,
    )
    return finish(table, frame, "Date")


def load() -> pd.DataFrame:
    """Load the VIX index, daily closes, 2014-01-03 to 2019-01-03 (1,259 days).

    Source: ``vix.csv.gz`` copied unchanged from ``arch.data.vix`` (the `arch` package by
    Kevin Sheppard, 8.0.0; documented there as "Daily VIX index, January 2014 to January
    2019"). arch does not name the upstream source; the file marks market holidays with
    ``"."``, the convention of FRED's ``VIXCLS`` series (Cboe Volatility Index). Those 46
    holiday rows are dropped here.

    License: redistributed in arch under arch's NCSA license (copyright Kevin Sheppard); arch
    states no separate terms for the data. VIX is a trademark of Cboe Exchange, Inc.

    Returns
    -------
    DataFrame of shape (1259, 1)
        DatetimeIndex ``date`` (trading days, sorted, unique); float64 column ``vix`` in
        **index points** as quoted (13.76 means an annualised implied vol of 13.76%; divide by
        100 for a decimal vol). VIX options and futures settle on these index points.

    Examples
    --------
    >>> from tailkit.data import load_vix
    >>> load_vix()["vix"].loc["2014-01-03"]
    np.float64(13.76)
    """
    return _load().copy()
