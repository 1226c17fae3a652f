"""Fama-French three factors and the risk-free rate, monthly, 1926-07 to 2018-11 (bundled)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from pandas.tseries.offsets import MonthEnd

from tailkit.data._bundled import finish, read_bundled

__all__ = ["load"]

_COLUMNS = {"Mkt-RF": "mkt_rf", "SMB": "smb", "HML": "hml", "RF": "rf"}


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    # The dates are YYYYMM integers; parse them explicitly (pandas 3 would read them as
    # nanoseconds since 1970 if handed the integers).
    table, frame = read_bundled(
        "fama_french", "frenchdata.csv.gz", date_col="Date", columns=_COLUMNS, date_format="%Y%m"
    )
    frame = finish(table, frame, "Date") / 100.0
    frame.index = pd.DatetimeIndex(frame.index + MonthEnd(0), name="date")
    return frame


def load() -> pd.DataFrame:
    """Load the Fama-French 3 factors and the risk-free rate, monthly, 1926-07 to 2018-11.

    Source: Kenneth R. French's Data Library (Fama/French 3 Factors, monthly),
    https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/data_library.html, via
    ``frenchdata.csv.gz`` copied unchanged from ``arch.data.frenchdata`` (the `arch` package by
    Kevin Sheppard, 8.0.0, whose docstring credits Ken French).

    License: redistributed in arch under arch's NCSA license (copyright Kevin Sheppard). The
    Data Library is freely available for research; cite Fama and French (1993) and the library.

    Units: the file holds monthly returns in percent (2.96 = 2.96%); this loader divides by
    100 and returns **decimal monthly returns** (0.0296), not annualised.

    Dates: the file's ``YYYYMM`` stamps are parsed explicitly and placed on the **last
    calendar day of the month** (the return is realised over that month). ``arch``'s own
    loader shows every date as 1970-01-01 under pandas 3.

    Returns
    -------
    DataFrame of shape (1109, 4)
        DatetimeIndex ``date`` (month ends, sorted, unique); float64 columns ``mkt_rf``
        (market excess return), ``smb``, ``hml`` and ``rf`` (one-month T-bill), decimals.

    Examples
    --------
    >>> from tailkit.data import load_fama_french
    >>> load_fama_french().loc["1926-07-31", "mkt_rf"]
    np.float64(0.0296)
    """
    return _load().copy()
