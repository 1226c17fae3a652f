"""Shared fixtures for the book tests: a fresh book (SQLite file or PostgreSQL database) and a small chain.

The ``book`` fixture runs every test that uses it on both backends. The PostgreSQL server is
started once per session (:mod:`tests.book.pgserver`); each test gets its own database,
created from a migrated template (fast), and dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pandas as pd
import pytest

from tailkit.book import Book

#: a far-future expiry so that "expiry after the trade date" holds for years
EXPIRY = "2099-01-16"
QUOTE_DATE = "2098-12-01"  # 46 calendar days before EXPIRY


from .pgserver import PgServer, pg_bindir, remove_server, start_server  # noqa: E402
from .servers import smtp_server, webhook  # noqa: E402, F401  (fixtures shared by the alert and watch tests)

_DB_NUMBERS = itertools.count(1)
TEMPLATE = "tailkit_template"


def _missing_tool(reason: str) -> NoReturn:
    """Skip a PostgreSQL test when the server binaries are missing, or fail when ``CI`` is set."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the PostgreSQL tests must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway PostgreSQL server for the session, with a migrated template database."""
    if pg_bindir() is None:
        _missing_tool("PostgreSQL (initdb) is not installed (make test installs it)")
    server = start_server()
    try:
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        Book(server.url(TEMPLATE), actor="template").close()
        yield server
    finally:
        remove_server(server)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, migrated, empty PostgreSQL book database (dropped after the test)."""
    name = f"book_{os.getpid()}_{next(_DB_NUMBERS)}"
    pg_server.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    yield pg_server.url(name)
    pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def new_pg_url(pg_server: PgServer) -> Iterator[Callable[[], str]]:
    """A factory of fresh, migrated, empty PostgreSQL book databases (all dropped after the test)."""
    names: list[str] = []

    def make() -> str:
        name = f"book_{os.getpid()}_{next(_DB_NUMBERS)}"
        pg_server.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        names.append(name)
        return pg_server.url(name)

    yield make
    for name in names:
        pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Book]:
    """A fresh book on each backend."""
    if request.param == "sqlite":
        b = Book(tmp_path / "book.sqlite", actor="tester")
    else:
        b = Book(request.getfixturevalue("pg_url"), actor="tester")
    yield b
    b.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the book lives: a SQLite file or a fresh database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "book.sqlite")
    return str(request.getfixturevalue("pg_url"))


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
    return book.row_counts()
