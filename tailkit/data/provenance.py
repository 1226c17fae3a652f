"""The table of bundled datasets: where each came from, its license, range and units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from tailkit.data import credit_yields, fama_french, sp500, stocks, vix
from tailkit.data._bundled import DATA_DIR

__all__ = ["DATASETS", "DatasetInfo", "dataset", "provenance"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetInfo:
    """Provenance of one bundled dataset.

    Attributes
    ----------
    name : str
        Dataset name (also its folder under ``tailkit/data``).
    loader : str
        Public loader in :mod:`tailkit.data`.
    file : str
        Bundled file, relative to ``tailkit/data``.
    source : str
        Where the values come from and which package they were copied from.
    license : str
        License as stated by the package the file was copied from.
    frequency : str
        ``"daily"`` (trading days) or ``"monthly"``.
    start : str
        First date the loader returns (ISO).
    end : str
        Last date the loader returns (ISO).
    rows : int
        Rows the loader returns (dates; for ``stocks``, dates of the default wide frame).
    units : str
        Units of the returned values.
    sha256 : str
        SHA-256 of the bundled file (identical to the file in the source package).
    """

    name: str
    loader: str
    file: str
    source: str
    license: str
    frequency: str
    start: str
    end: str
    rows: int
    units: str
    sha256: str

    @property
    def path(self) -> Path:
        """Absolute path of the bundled file."""
        return DATA_DIR / self.file

    def load_function(self) -> Callable[[], pd.DataFrame]:
        """Return the dataset's ``load`` function."""
        return _LOADERS[self.name]


_LOADERS: dict[str, Callable[[], pd.DataFrame]] = {
    "stocks": stocks.load,
    "sp500": sp500.load,
    "vix": vix.load,
    "credit_yields": credit_yields.load,
    "fama_french": fama_french.load,
}

_ARCH = "copied from arch 8.0.0 (arch.data.{}); arch is NCSA-licensed (c) Kevin Sheppard"

#: Every bundled dataset, one entry each.
DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        name="stocks",
        loader="load_stocks",
        file="stocks/stocks.csv.gz",
        source="Quandl WIKI Prices (archived copy), copied from bokeh_sampledata 2026.1 "
        "(bokeh_sampledata.stocks)",
        license="Public domain (as recorded by bokeh_sampledata: Quandl declared the WIKI data "
        "public domain)",
        frequency="daily",
        start="2000-03-01",
        end="2013-03-01",
        rows=3270,
        units="USD per share; open/high/low/close unadjusted, adj_close split- and dividend-adjusted",
        sha256="5abadf99b2d394f920120a27de6f0df129859d71d4cfb0bf661bcc99446ab1fd",
    ),
    DatasetInfo(
        name="sp500",
        loader="load_sp500",
        file="sp500/sp500.csv.gz",
        source="S&P 500 index (vendor not named by arch), " + _ARCH.format("sp500"),
        license="NCSA (arch's license; no separate data terms stated by arch)",
        frequency="daily",
        start="1999-01-04",
        end="2018-12-31",
        rows=5031,
        units="index points; volume in shares",
        sha256="1e028cbb9c400cc018c816ccc439b33c919387e726c3ed5ca2c05c82746059de",
    ),
    DatasetInfo(
        name="vix",
        loader="load_vix",
        file="vix/vix.csv.gz",
        source="Cboe VIX index (FRED VIXCLS layout; source not named by arch), " + _ARCH.format("vix"),
        license="NCSA (arch's license; no separate data terms stated by arch)",
        frequency="daily",
        start="2014-01-03",
        end="2019-01-03",
        rows=1259,
        units="index points (13.76 = 13.76% annualised implied vol)",
        sha256="410bd07360dc798f7206d681b8347c6150e7fbd8b05fb1ae29bbe2c9985d66ef",
    ),
    DatasetInfo(
        name="credit_yields",
        loader="load_credit_yields",
        file="credit_yields/default.csv.gz",
        source="Moody's seasoned AAA/BAA corporate bond yields (FRED AAA, BAA; source not named by arch), "
        + _ARCH.format("default"),
        license="NCSA (arch's license; no separate data terms stated by arch; the series are Moody's data)",
        frequency="monthly",
        start="1919-01-01",
        end="2018-12-01",
        rows=1200,
        units="decimal yields (file in percent, divided by 100)",
        sha256="cc5453068cedc7ef4836956358dce1d20eaf1e639b69c3107a7531a8e6bb982d",
    ),
    DatasetInfo(
        name="fama_french",
        loader="load_fama_french",
        file="fama_french/frenchdata.csv.gz",
        source="Kenneth R. French Data Library, Fama/French 3 Factors (monthly), "
        + _ARCH.format("frenchdata"),
        license="NCSA (arch's license); the Data Library is free for research use with citation",
        frequency="monthly",
        start="1926-07-31",
        end="2018-11-30",
        rows=1109,
        units="decimal monthly returns (file in percent, divided by 100)",
        sha256="f23436727b01d879e1372e3ee277514b0962a23d2b158f1aee6a402a90994f52",
    ),
)


def dataset(name: str) -> DatasetInfo:
    """Return the :class:`DatasetInfo` called ``name``.

    Parameters
    ----------
    name : str
        One of the names in :data:`DATASETS`.

    Returns
    -------
    DatasetInfo
        Its provenance record.
    """
    from tailkit.errors import ParameterError, describe_bad_value

    for info in DATASETS:
        if info.name == name:
            return info
    raise ParameterError(describe_bad_value("name", name, "one of " + ", ".join(d.name for d in DATASETS)))


def provenance() -> pd.DataFrame:
    """Return the bundled datasets as a table, one row per dataset.

    Returns
    -------
    DataFrame of shape (n_datasets, 11)
        Index ``name``; columns ``loader``, ``file``, ``source``, ``license``, ``frequency``,
        ``start``, ``end``, ``rows``, ``units``, ``sha256``.

    Examples
    --------
    >>> from tailkit.data import provenance
    >>> provenance().loc["vix", "rows"]
    np.int64(1259)
    """
    return pd.DataFrame([asdict(d) for d in DATASETS]).set_index("name")
