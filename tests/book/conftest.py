"""Shared fixtures for the book tests: a fresh book file and a small hand-made chain."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tailkit.book import Book

#: a far-future expiry so that "expiry after the trade date" holds for years
EXPIRY = "2099-01-16"
QUOTE_DATE = "2098-12-01"  # 46 calendar days before EXPIRY


@pytest.fixture
def book(tmp_path: Path) -> Book:
    b = Book(tmp_path / "book.sqlite", actor="tester")
    yield b
    b.close()


def chain_frame(
    rows: list[tuple[str, float, float, float, float]],
    *,
    quote_date: str = QUOTE_DATE,
    underlying: float = 90.0,
    expiry: str = EXPIRY,
) -> pd.DataFrame:
    """Rows of (type, strike, bid, ask, iv%) as an option-chain frame (IV in percent, as files hold it)."""
    return pd.DataFrame(
        {
            "quote_date": quote_date,
            "quote_time": "16:00:00",
            "underlying_price": underlying,
            "option_type": [r[0] for r in rows],
            "expiration_date": expiry,
            "strike": [r[1] for r in rows],
            "bid": [r[2] for r in rows],
            "ask": [r[3] for r in rows],
            "implied_vol": [r[4] for r in rows],
            "delta": -0.2,
            "gamma": "",
            "theta": "",
            "vega": "",
            "volume": 10,
            "open_interest": 100,
        }
    )


def write_chain(path: Path, rows: list[tuple[str, float, float, float, float]], **kw: object) -> Path:
    chain_frame(rows, **kw).to_csv(path, index=False)
    return path


def table_counts(book: Book) -> dict[str, int]:
    names = [r[0] for r in book.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {n: book.conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}
