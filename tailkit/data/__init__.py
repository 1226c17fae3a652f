"""Data layer: bundled real datasets with provenance, and readers for the user's own files.

Bundled datasets (see :data:`DATASETS` / :func:`provenance` for source, license, range):
:func:`load_stocks`, :func:`load_stock_ohlcv`, :func:`load_sp500`, :func:`load_vix`,
:func:`load_credit_yields`, :func:`load_fama_french`.

Readers, one per file format: :func:`read_prices` (price panels, CSV/Parquet, wide or long),
:func:`read_history` (the overlay's ``date,yield_20y,yield_30y,tlt_close`` file) and
:func:`read_option_chain` / :func:`write_option_chain` (the option-chain CSV).

Units follow the house convention: yields, vols and returns are decimals. Percent inputs are
converted here, at the boundary; readers announce what they assumed with
:class:`UnitConversionWarning`, and bundled loaders say it in their docstrings.
"""

from __future__ import annotations

from tailkit.data._checks import DataQualityWarning, UnitConversionWarning
from tailkit.data.credit_yields import load as load_credit_yields
from tailkit.data.fama_french import load as load_fama_french
from tailkit.data.history import HISTORY_COLUMNS, read_history
from tailkit.data.option_chain import (
    CHAIN_COLUMNS,
    REQUIRED_CHAIN_COLUMNS,
    OptionChainRead,
    read_option_chain,
    write_option_chain,
)
from tailkit.data.prices import read_prices
from tailkit.data.provenance import DATASETS, DatasetInfo, provenance
from tailkit.data.sp500 import load as load_sp500
from tailkit.data.stocks import load as load_stocks
from tailkit.data.stocks import load_ohlcv as load_stock_ohlcv
from tailkit.data.vix import load as load_vix

__all__ = [
    "CHAIN_COLUMNS",
    "DATASETS",
    "DataQualityWarning",
    "DatasetInfo",
    "HISTORY_COLUMNS",
    "OptionChainRead",
    "REQUIRED_CHAIN_COLUMNS",
    "UnitConversionWarning",
    "load_credit_yields",
    "load_fama_french",
    "load_sp500",
    "load_stock_ohlcv",
    "load_stocks",
    "load_vix",
    "provenance",
    "read_history",
    "read_option_chain",
    "read_prices",
    "write_option_chain",
]
