"""Moody's seasoned AAA and BAA corporate bond yields, monthly, 1919-01 to 2018-12 (bundled)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from tailkit.data._bundled import finish, read_bundled

__all__ = ["load"]


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    table, frame = read_bundled(
        "credit_yields",
        "default.csv.gz",
        date_col="Date",
        columns={"AAA": "aaa", "BAA": "baa"},
        date_format="%m/%d/%Y",
    )
    return finish(table, frame, "Date") / 100.0


def load() -> pd.DataFrame:
    """Load Moody's seasoned AAA and BAA corporate bond yields, monthly, 1919-01 to 2018-12.

    Source: ``default.csv.gz`` copied unchanged from ``arch.data.default`` (the `arch`
    package by Kevin Sheppard, 8.0.0; used there for default-spread examples). arch does not
    name the upstream source; the series are Moody's Seasoned Aaa/Baa Corporate Bond Yields
    (monthly averages, in percent), as distributed by FRED under the series ids ``AAA`` and
    ``BAA``.

    License: redistributed in arch under arch's NCSA license (copyright Kevin Sheppard); arch
    states no separate terms. The underlying series are Moody's data; check Moody's/FRED terms
    before redistributing outside research and teaching use.

    Units: the file holds percent (5.35 = 5.35%); this loader divides by 100 and returns
    **decimals** (0.0535), the tailkit convention.

    Returns
    -------
    DataFrame of shape (1200, 2)
        DatetimeIndex ``date`` (first day of each month, as in the source: the yield is the
        month's average); float64 columns ``aaa`` and ``baa`` in decimals.

    Examples
    --------
    >>> from tailkit.data import load_credit_yields
    >>> load_credit_yields().loc["1919-01-01", "aaa"]
    np.float64(0.0535)
    """
    return _load().copy()
