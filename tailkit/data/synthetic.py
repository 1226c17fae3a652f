"""The bundled SYNTHETIC overlay files (TLT history and option chain): paths and loaders.

No real TLT prices, long yields or TLT option quotes can be bundled with tailkit, so the
overlay's commands and notebooks run out of the box on files made by tailkit's own generators
(:mod:`tailkit.synthetic`, which documents the models and parameters and rewrites these files
byte for byte with ``python -m tailkit.synthetic``). **Everything here is synthetic**, not
market data; ``provenance.json`` beside the files records the generator, seeds, parameters and
each column's range. Use your own files for real work.

Examples
--------
>>> hist = load_synthetic_history()
>>> hist.columns.tolist()
['yield_20y', 'yield_30y', 'tlt_close']
>>> read = load_synthetic_chain()
>>> sorted(read.chain["option_type"].unique())
['call', 'put']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tailkit.data.history import read_history
from tailkit.data.option_chain import OptionChainRead, read_option_chain

__all__ = [
    "SYNTHETIC_DIR",
    "SyntheticFiles",
    "load_synthetic_chain",
    "load_synthetic_history",
    "synthetic_paths",
]

#: Folder of the bundled synthetic overlay files.
SYNTHETIC_DIR = Path(__file__).resolve().parent / "synthetic_overlay"

_HISTORY_FILE = "synthetic_tlt_history.csv"
_CHAIN_FILE = "synthetic_tlt_chain.csv"
_PROVENANCE_FILE = "provenance.json"


@dataclass(frozen=True, slots=True)
class SyntheticFiles:
    """Paths of the bundled SYNTHETIC overlay files.

    Attributes
    ----------
    history : Path
        ``synthetic_tlt_history.csv`` (``date,yield_20y,yield_30y,tlt_close``, yields in percent).
    chain : Path
        ``synthetic_tlt_chain.csv`` (the option-chain CSV format, IV in percent).
    provenance : Path
        ``provenance.json`` (generator, seeds, parameters, ``"synthetic": true``).
    """

    history: Path
    chain: Path
    provenance: Path

    def to_dict(self) -> dict[str, str]:
        """Return the three paths as strings."""
        return {"history": str(self.history), "chain": str(self.chain), "provenance": str(self.provenance)}


def synthetic_paths(folder: str | Path | None = None) -> SyntheticFiles:
    """Return the paths of the bundled SYNTHETIC overlay files (for the CLI and notebooks).

    Parameters
    ----------
    folder : str or Path, optional
        Folder holding the files (default: the bundled ``tailkit/data/synthetic_overlay``).

    Returns
    -------
    SyntheticFiles
        ``history``, ``chain`` and ``provenance`` paths.

    Examples
    --------
    >>> synthetic_paths().history.name
    'synthetic_tlt_history.csv'
    """
    base = Path(folder) if folder is not None else SYNTHETIC_DIR
    return SyntheticFiles(base / _HISTORY_FILE, base / _CHAIN_FILE, base / _PROVENANCE_FILE)


def load_synthetic_history(
    start: str | pd.Timestamp | None = None, end: str | pd.Timestamp | None = None
) -> pd.DataFrame:
    """Load the bundled SYNTHETIC 20y/30y yields and TLT closes (2015-01-02 to 2024-12-31).

    **Synthetic, not market data**: made by :func:`tailkit.synthetic.synthetic_history` (seed 20241238, default
    :class:`tailkit.synthetic.SyntheticHistoryParams`, assumptions not fitted to real data); provenance in
    ``synthetic_overlay/provenance.json``. Read with :func:`tailkit.data.read_history`; the
    file holds yields in percent, returned as **decimals**.

    Parameters
    ----------
    start, end : str or Timestamp, optional
        Date window (inclusive).

    Returns
    -------
    DataFrame of shape (n_days, 3)
        DatetimeIndex ``date``; ``yield_20y``, ``yield_30y`` (decimals), ``tlt_close`` (USD).

    Examples
    --------
    >>> load_synthetic_history().index[-1].date().isoformat()
    '2024-12-31'
    """
    return read_history(synthetic_paths().history, start=start, end=end, yield_units="percent")


def load_synthetic_chain() -> OptionChainRead:
    """Load the bundled SYNTHETIC TLT option chain (quoted on 2024-12-31, the history's last day).

    **Synthetic, not market quotes**: made by :func:`tailkit.synthetic.synthetic_option_chain` from a
    documented smile, bid-ask and activity model (seed 20241232, default
    :class:`tailkit.synthetic.SyntheticChainParams`); provenance in ``synthetic_overlay/provenance.json``. Read
    with :func:`tailkit.data.read_option_chain`; IV in the file is percent, returned as
    decimals.

    Returns
    -------
    OptionChainRead
        ``chain`` (usable quotes with ``dte``, ``T``, ``mid``) and an empty ``rejected``.

    Examples
    --------
    >>> load_synthetic_chain().n_rejected
    0
    """
    return read_option_chain(synthetic_paths().chain, iv_units="percent")
