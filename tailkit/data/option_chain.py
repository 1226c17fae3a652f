"""The option-chain CSV (Bloomberg-style export): one reader, one writer.

Format (one quote per line, header first)::

    quote_date,quote_time,underlying_price,option_type,expiration_date,strike,bid,ask,
    implied_vol,delta,gamma,theta,vega,volume,open_interest

Required: ``quote_date``, ``underlying_price``, ``option_type`` (``put``/``call``/``p``/``c``,
any case), ``expiration_date``, ``strike``, ``bid``, ``ask``, ``implied_vol`` (in percent:
16.2 means 16.2%) and ``delta``. The other columns may be absent or blank.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tailkit.data._checks import (
    DataQualityWarning,
    RawTable,
    UnitsLike,
    coerce_dates,
    coerce_numbers,
    read_csv_table,
    require_columns,
    to_decimal,
)
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import atomic_write_text

__all__ = [
    "CHAIN_COLUMNS",
    "OptionChainRead",
    "REQUIRED_CHAIN_COLUMNS",
    "read_option_chain",
    "write_option_chain",
]

#: Columns of the option-chain CSV, in file order.
CHAIN_COLUMNS: tuple[str, ...] = (
    "quote_date",
    "quote_time",
    "underlying_price",
    "option_type",
    "expiration_date",
    "strike",
    "bid",
    "ask",
    "implied_vol",
    "delta",
    "gamma",
    "theta",
    "vega",
    "volume",
    "open_interest",
)

#: Columns every option-chain file must have.
REQUIRED_CHAIN_COLUMNS: tuple[str, ...] = (
    "quote_date",
    "underlying_price",
    "option_type",
    "expiration_date",
    "strike",
    "bid",
    "ask",
    "implied_vol",
    "delta",
)

_NUMERIC_REQUIRED = ("underlying_price", "strike", "bid", "ask", "implied_vol", "delta")
_NUMERIC_OPTIONAL = ("gamma", "theta", "vega", "volume", "open_interest")
_TYPES = {"put": "put", "p": "put", "call": "call", "c": "call"}
_REJECT_COLUMNS = ("line", "column", "value", "reason")


@dataclass(frozen=True, slots=True)
class OptionChainRead:
    """An option chain read from a file, with the rows that were left out.

    Attributes
    ----------
    chain : DataFrame of shape (n_quotes, 19)
        Usable quotes: ``line`` (file line, 1-based), ``quote_date``, ``quote_time`` (text or
        missing), ``underlying_price``, ``option_type`` ("put"/"call"), ``expiration_date``,
        ``strike``, ``bid``, ``ask``, ``implied_vol`` (decimal, 0.162 = 16.2%), ``delta``,
        ``gamma``, ``theta``, ``vega``, ``volume``, ``open_interest`` (NaN where absent), and
        the derived ``dte`` (calendar days to expiry, int), ``T`` (years, ``dte / 365``) and
        ``mid`` (``(bid + ask) / 2``). Sorted by quote date, type, expiry, strike.
    rejected : DataFrame of shape (n_problems, 4)
        One row per problem found: ``line`` (file line, 1-based), ``column``, ``value`` (the
        cell as text) and ``reason``. A line with several problems appears several times.
    path : str
        The file read.
    n_rows : int
        Data rows in the file (usable + rejected + filtered out by ``as_of``).
    """

    chain: pd.DataFrame
    rejected: pd.DataFrame
    path: str
    n_rows: int

    @property
    def n_rejected(self) -> int:
        """Number of file lines left out because of a problem."""
        return int(self.rejected["line"].nunique())

    def reasons(self) -> dict[str, int]:
        """Return the number of rejected lines per reason (a line counts once per reason)."""
        counts = self.rejected.drop_duplicates(["line", "reason"])["reason"].value_counts()
        return {str(k): int(v) for k, v in counts.items()}

    def summary(self) -> str:
        """Return a one-line description: rows read, kept, rejected and why."""
        text = f"{self.path}: {self.n_rows} rows, {len(self.chain)} usable quotes, {self.n_rejected} rejected"
        if self.n_rejected:
            text += " (" + "; ".join(f"{r}: {n}" for r, n in self.reasons().items()) + ")"
        return text

    def to_frame(self) -> pd.DataFrame:
        """Return the usable quotes (the same frame as :attr:`chain`)."""
        return self.chain

    def to_dict(self) -> dict[str, Any]:
        """Return counts and reasons as JSON-friendly values."""
        return {
            "path": self.path,
            "n_rows": self.n_rows,
            "n_quotes": len(self.chain),
            "n_rejected": self.n_rejected,
            "reasons": self.reasons(),
        }


class _Rejects:
    """Collects (position, column, value, reason) records."""

    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.bad = np.zeros(len(table.frame), dtype=bool)
        self.records: list[tuple[int, str, str, str]] = []

    def add(self, mask: np.ndarray, column: str, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool) & ~self._seen(column)
        if not mask.any():
            return
        cells = self.table.frame[column] if column in self.table.frame.columns else None
        for i in np.flatnonzero(mask):
            value = "" if cells is None else str(cells.iloc[i])[:80]
            self.records.append((int(i), column, value, reason))
        self.bad |= mask

    def _seen(self, column: str) -> np.ndarray:
        # one problem per (row, column): the first check that fails on it
        seen = np.zeros(len(self.bad), dtype=bool)
        for i, col, _, _ in self.records:
            if col == column:
                seen[i] = True
        return seen

    def frame(self) -> pd.DataFrame:
        recs = sorted(self.records, key=lambda r: (r[0], r[1]))
        return pd.DataFrame(
            {
                "line": pd.Series([int(self.table.lines[r[0]]) for r in recs], dtype="int64"),
                "column": pd.Series([r[1] for r in recs], dtype=object),
                "value": pd.Series([r[2] for r in recs], dtype=object),
                "reason": pd.Series([r[3] for r in recs], dtype=object),
            },
            columns=list(_REJECT_COLUMNS),
        )


def read_option_chain(
    path: str | os.PathLike[str],
    *,
    as_of: str | pd.Timestamp | None = None,
    iv_units: UnitsLike = "auto",
) -> OptionChainRead:
    """Read an option-chain CSV; report bad rows with their line numbers and leave them out.

    Rows are rejected (and listed in ``rejected``) for: unparsable dates or numbers, a missing
    required value, an unknown option type, a non-positive strike or underlying price, a
    negative bid, a crossed quote (bid > ask), a missing or non-positive implied vol, and an
    expired contract (expiration date on or before the quote date). One
    :class:`~tailkit.data.DataQualityWarning` summarises the rejections.

    Parameters
    ----------
    path : str or PathLike
        The CSV file (``.csv`` or ``.csv.gz``).
    as_of : str or Timestamp, optional
        Keep only quotes from this quote date (a file may hold several). Default: keep all.
    iv_units : {"auto", "percent", "decimal"}, default="auto"
        Units of ``implied_vol`` in the file. The format says percent; ``"auto"`` checks
        (median > 1 means percent) and announces the conversion with a
        :class:`~tailkit.data.UnitConversionWarning`.

    Returns
    -------
    OptionChainRead
        ``chain`` (usable quotes, IV as decimals, with ``dte``, ``T``, ``mid``), ``rejected``
        (line, column, value, reason), ``path``.

    Raises
    ------
    DataError
        The file is unreadable or empty, lacks required columns (all of them are named), or
        has no usable quote (the message gives the rejection reasons).

    Examples
    --------
    >>> read = read_option_chain("tlt_chain.csv")  # doctest: +SKIP
    >>> read.chain[["strike", "bid", "ask", "implied_vol", "dte"]].head()  # doctest: +SKIP
    >>> read.rejected  # doctest: +SKIP
    """
    if iv_units not in ("auto", "percent", "decimal"):
        raise ParameterError(describe_bad_value("iv_units", iv_units, "'auto', 'percent' or 'decimal'"))
    table = read_csv_table(path)
    name = table.source
    table = RawTable(
        table.frame.rename(columns={c: c.strip().lower() for c in table.frame.columns}),
        table.lines,
        name,
        table.unit,
    )
    require_columns(table, list(REQUIRED_CHAIN_COLUMNS))
    frame = table.frame
    n_rows = len(frame)
    if n_rows == 0:
        raise DataError(f"{name}: no data rows after the header")
    rejects = _Rejects(table)

    dates: dict[str, pd.DatetimeIndex] = {}
    for col in ("quote_date", "expiration_date"):
        parsed, bad = coerce_dates(frame[col])
        rejects.add(bad, col, "unparsable date")
        rejects.add(np.asarray(parsed.isna(), dtype=bool) & ~bad, col, "missing required value")
        dates[col] = parsed.normalize()

    kinds = frame["option_type"].map(lambda v: _TYPES.get(v.strip().lower()) if isinstance(v, str) else None)
    kinds_missing = frame["option_type"].map(lambda v: not isinstance(v, str) or not v.strip())
    rejects.add(np.asarray(kinds_missing, dtype=bool), "option_type", "missing required value")
    rejects.add(np.asarray(kinds.isna(), dtype=bool), "option_type", "unknown option type")

    values: dict[str, np.ndarray] = {}
    for col in _NUMERIC_REQUIRED:
        numbers, bad = coerce_numbers(frame[col])
        rejects.add(bad, col, "unparsable number")
        missing = np.isnan(numbers) & ~bad
        reason = "missing implied vol" if col == "implied_vol" else "missing required value"
        rejects.add(missing, col, reason)
        values[col] = numbers
    for col in _NUMERIC_OPTIONAL:
        if col in frame.columns:
            numbers, bad = coerce_numbers(frame[col])
            rejects.add(bad, col, "unparsable number")
        else:
            numbers = np.full(n_rows, np.nan)
        values[col] = numbers

    with np.errstate(invalid="ignore"):
        rejects.add(values["strike"] <= 0, "strike", "non-positive strike")
        rejects.add(values["underlying_price"] <= 0, "underlying_price", "non-positive underlying price")
        rejects.add(values["bid"] < 0, "bid", "negative bid")
        rejects.add(values["ask"] < 0, "ask", "negative ask")
        rejects.add(values["bid"] > values["ask"], "bid", "crossed quote (bid > ask)")
        rejects.add(values["implied_vol"] <= 0, "implied_vol", "non-positive implied vol")
    expired = np.asarray(dates["expiration_date"] <= dates["quote_date"], dtype=bool)
    rejects.add(expired, "expiration_date", "expired (expiration on or before quote date)")

    keep = ~rejects.bad
    if as_of is not None:
        try:
            day = pd.Timestamp(as_of).normalize()
        except (TypeError, ValueError):
            raise ParameterError(describe_bad_value("as_of", as_of, "a date such as '2024-06-28'")) from None
        if pd.isna(day):
            raise ParameterError(describe_bad_value("as_of", as_of, "a date such as '2024-06-28'"))
        same_day = np.asarray(dates["quote_date"] == day, dtype=bool)
        if keep.any() and not (keep & same_day).any():
            available = sorted({d.date().isoformat() for d in dates["quote_date"][keep]})
            shown = ", ".join(available[:10]) + (" ..." if len(available) > 10 else "")
            raise DataError(
                f"{name}: no usable quotes dated as_of={day.date().isoformat()}; the file has {shown}"
            )
        keep &= same_day

    rejected = rejects.frame()
    read = OptionChainRead(pd.DataFrame(), rejected, name, n_rows)
    if not keep.any():
        raise DataError(
            f"{name}: no usable option quotes: all {n_rows} data row(s) were rejected ("
            + "; ".join(f"{r}: {n}" for r, n in read.reasons().items())
            + ")"
        )

    iv = to_decimal(
        values["implied_vol"][keep],
        units=iv_units,
        column="implied_vol",
        source=name,
        what="implied vols",
        documented="percent",
        argument="iv_units",
    )
    quote_date = dates["quote_date"][keep]
    expiration = dates["expiration_date"][keep]
    dte = np.asarray((expiration - quote_date).days, dtype=np.int64)
    if "quote_time" in frame.columns:
        qt = frame["quote_time"].to_numpy(dtype=object)[keep]
        quote_time = pd.Series(
            [v.strip() if isinstance(v, str) and v.strip() else None for v in qt], dtype=object
        )
    else:
        quote_time = pd.Series([None] * int(keep.sum()), dtype=object)
    chain = pd.DataFrame(
        {
            "line": table.lines[keep],
            "quote_date": quote_date,
            "quote_time": quote_time.to_numpy(dtype=object),
            "underlying_price": values["underlying_price"][keep],
            "option_type": kinds.to_numpy(dtype=object)[keep],
            "expiration_date": expiration,
            "strike": values["strike"][keep],
            "bid": values["bid"][keep],
            "ask": values["ask"][keep],
            "implied_vol": iv,
            "delta": values["delta"][keep],
            **{col: values[col][keep] for col in _NUMERIC_OPTIONAL},
            "dte": dte,
            "T": dte / 365.0,
            "mid": 0.5 * (values["bid"][keep] + values["ask"][keep]),
        }
    )
    chain = chain.sort_values(
        ["quote_date", "option_type", "expiration_date", "strike", "line"], kind="stable"
    ).reset_index(drop=True)
    read = OptionChainRead(chain, rejected, name, n_rows)
    if read.n_rejected:
        warnings.warn(
            read.summary() + "; see OptionChainRead.rejected for the line numbers",
            DataQualityWarning,
            stacklevel=2,
        )
    return read


def _format_float(x: float) -> str:
    return "" if not np.isfinite(x) else repr(float(x))


def write_option_chain(chain: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write quotes in the option-chain CSV format, atomically (temp file, then rename).

    The inverse of :func:`read_option_chain`: ``implied_vol`` is given as a decimal and
    written in percent; dates are written ``YYYY-MM-DD``; option types ``put``/``call``;
    missing optional values are left blank. Derived columns (``dte``, ``T``, ``mid``,
    ``line``) and any other extra columns are not written.

    Parameters
    ----------
    chain : DataFrame of shape (n_quotes, >= 9)
        At least the required columns (see :data:`REQUIRED_CHAIN_COLUMNS`).
    path : str or PathLike
        Destination file; its folder is created if needed.

    Raises
    ------
    DataError
        ``chain`` lacks required columns or holds an unknown option type or an unparsable date.
    """
    missing = [c for c in REQUIRED_CHAIN_COLUMNS if c not in chain.columns]
    if missing:
        raise DataError(
            f"write_option_chain: the frame lacks required column(s) {', '.join(map(repr, missing))}"
        )
    n = len(chain)
    out: dict[str, list[str]] = {}
    for col in ("quote_date", "expiration_date"):
        parsed, bad = coerce_dates(chain[col].reset_index(drop=True))
        if bad.any() or parsed.isna().any():
            i = int(np.flatnonzero(bad | np.asarray(parsed.isna()))[0])
            raise DataError(
                f"write_option_chain: column {col!r}, row {i + 1}: {chain[col].iloc[i]!r} is not a date"
            )
        out[col] = [d.date().isoformat() for d in parsed]
    kinds = []
    for i, v in enumerate(chain["option_type"]):
        k = _TYPES.get(v.strip().lower()) if isinstance(v, str) else None
        if k is None:
            raise DataError(
                f"write_option_chain: column 'option_type', row {i + 1}: "
                + describe_bad_value("option_type", v, "'put' or 'call' (also 'p'/'c')")
            )
        kinds.append(k)
    out["option_type"] = kinds
    if "quote_time" in chain.columns:
        out["quote_time"] = [
            "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in chain["quote_time"]
        ]
    else:
        out["quote_time"] = [""] * n
    for col in (*_NUMERIC_REQUIRED, *_NUMERIC_OPTIONAL):
        if col not in chain.columns:
            out[col] = [""] * n
            continue
        numbers = np.asarray(pd.to_numeric(chain[col], errors="coerce"), dtype=np.float64)
        if col == "implied_vol":
            out[col] = ["" if not np.isfinite(x) else f"{x * 100.0:.12g}" for x in numbers]
            continue
        if col in ("volume", "open_interest"):
            out[col] = [
                "" if not np.isfinite(x) else (str(int(x)) if x == int(x) else repr(float(x)))
                for x in numbers
            ]
        else:
            out[col] = [_format_float(x) for x in numbers]
    body = pd.DataFrame({col: out[col] for col in CHAIN_COLUMNS})
    text = body.to_csv(index=False, lineterminator="\n")
    atomic_write_text(Path(path), text)
