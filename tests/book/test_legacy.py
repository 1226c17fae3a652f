"""The original portfolio manager's data folder: import (validated, audited, idempotent), export, round trip.

The folder below is written by hand in the layout of the original tool's ``PositionStore``
(``positions.json``), ``MarketDataStore`` (``market_data.json``) and its NAV file, as its README
and its ``create_position`` / ``add_market_snapshot`` / ``add_option_price`` calls describe them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tailkit.book import Book, add_spread, close_position, mark_book, spread_order
from tailkit.book.legacy import export_legacy, import_legacy, read_legacy
from tailkit.errors import DataError

from .conftest import table_counts

OPEN = {
    "position_id": "a1b2c3d4",
    "option_type": "put",
    "short_strike": 88,
    "long_strike": 85.0,
    "expiration_date": "2099-02-20",
    "entry_date": "2098-12-01",
    "entry_credit": 0.72,
    "contracts": 5,
    "entry_underlying": 91.5,
    "entry_short_iv": 0.168,
    "entry_delta": -0.22,
    "status": "open",
    "exit_date": None,
    "exit_debit": None,
    "exit_reason": None,
    "exit_underlying": None,
    "notes": "first trade",
}
CLOSED = {
    "position_id": "e5f6a7b8",
    "option_type": "call",
    "short_strike": 95.0,
    "long_strike": 98.0,
    "expiration_date": "2099-01-16",
    "entry_date": "2098-11-02",
    "entry_credit": 0.55,
    "contracts": 2,
    "entry_underlying": 90.1,
    "entry_short_iv": None,
    "entry_delta": None,
    "status": "closed",
    "exit_date": "2098-11-20",
    "exit_debit": 0.25,
    "exit_reason": "profit_target",
    "exit_underlying": 89.4,
    "notes": "",
}
EXPIRED = {
    "position_id": "0f0f0f0f",
    "option_type": "put",
    "short_strike": 80.0,
    "long_strike": 78.0,
    "expiration_date": "2098-10-16",
    "entry_date": "2098-09-01",
    "entry_credit": 0.31,
    "contracts": 3,
    "entry_underlying": 92.0,
    "entry_short_iv": 0.15,
    "entry_delta": -0.1,
    "status": "expired",
    "exit_date": "2098-10-16",
    "exit_debit": 0.0,
    "exit_reason": "expiration",
    "exit_underlying": 93.2,
    "notes": "",
}


def _quote(ts, kind, expiry, strike, bid, ask, iv, und, delta=None):
    return {
        "timestamp": ts,
        "option_type": kind,
        "expiration_date": expiry,
        "strike": strike,
        "bid": bid,
        "ask": ask,
        "implied_vol": iv,
        "delta": delta,
        "gamma": None,
        "theta": None,
        "vega": None,
        "underlying_price": und,
    }


Q88_1 = _quote("2098-11-30T16:00:00", "put", "2099-02-20", 88.0, 0.50, 0.56, 0.17, 91.0, -0.23)
Q88_2 = _quote("2098-12-01T10:31:00", "put", "2099-02-20", 88.0, 0.45, 0.52, 0.168, 91.25, -0.21)
Q85_2 = _quote(
    "2098-12-01T10:31:00", "put", "2099-02-20", 85.0, 0.22, 0.28, 0.175, None
)  # TLT from the snapshot
MARKET = {
    "market_snapshots": [
        {
            "timestamp": "2098-11-30T16:00:00",
            "tlt_price": 91.0,
            "yield_20y": 0.0441,
            "yield_30y": 0.0458,
            "source": "bloomberg_import",
            "notes": "",
        },
        {
            "timestamp": "2098-12-01T10:30:00",
            "tlt_price": 91.25,
            "yield_20y": 0.0438,
            "yield_30y": 0.0455,
            "source": "manual",
            "notes": "morning",
        },
    ],
    "option_prices": {"put_2099-02-20_88.0": Q88_2, "put_2099-02-20_85.0": Q85_2},
    "option_history": {"put_2099-02-20_88.0": [Q88_1, Q88_2], "put_2099-02-20_85.0": [Q85_2]},
    "last_updated": "2098-12-01T10:31:00",
}
NAV = {"nav": 5250000, "last_updated": "2098-12-01T09:00:00"}


def write_folder(folder: Path, positions=None, market=None, nav=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "positions.json": {"positions": positions if positions is not None else [OPEN, CLOSED, EXPIRED]},
        "market_data.json": market if market is not None else MARKET,
        "portfolio_nav.json": nav if nav is not None else NAV,
    }
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data, indent=2))
    return folder


def content(book: Book) -> dict[str, list[tuple]]:
    """Everything the legacy layout carries, without row ids that depend on insertion order."""
    q = book.conn.execute
    return {
        "positions": [
            tuple(r)
            for r in q(
                "SELECT opened_at, strategy, underlying, contracts, entry_price_cents, width_cents, "
                "entry_underlying_cents, entry_iv, entry_delta, status, closed_at, exit_price_cents, exit_reason, tag, "
                "commission_cents FROM positions ORDER BY id"
            )
        ],
        "legs": [
            tuple(r)
            for r in q(
                "SELECT position_id, kind, strike_cents, expiry, quantity, contract FROM legs ORDER BY id"
            )
        ],
        "fills": [
            tuple(r)
            for r in q("SELECT position_id, time, action, contracts, price_cents FROM fills ORDER BY id")
        ],
        "snapshots": [
            tuple(r)
            for r in q(
                "SELECT time, underlying_cents, yield_20y, yield_30y, source FROM snapshots ORDER BY time"
            )
        ],
        "quotes": [
            tuple(r)
            for r in q(
                "SELECT contract, quote_time, kind, strike_cents, expiry, underlying_cents, bid_cents, ask_cents, iv, "
                "delta, gamma, theta, vega, chain_file_id FROM quotes ORDER BY contract, quote_time"
            )
        ],
        "nav": [tuple(r) for r in q("SELECT time, nav_cents FROM nav ORDER BY time")],
    }


def test_import_maps_every_field(book, tmp_path):
    result = import_legacy(book, write_folder(tmp_path / "legacy"))
    assert result.added == {"positions": 3, "closes": 2, "snapshots": 2, "quotes": 3, "nav": 1}
    assert result.conflicts == ()
    c = content(book)
    assert c["positions"] == [
        (
            "2098-12-01T00:00:00Z",
            "bull_put",
            "TLT",
            5,
            72,
            300,
            9150,
            0.168,
            -0.22,
            "open",
            None,
            None,
            None,
            "first trade",
            0,
        ),
        (
            "2098-11-02T00:00:00Z",
            "bear_call",
            "TLT",
            2,
            55,
            300,
            9010,
            None,
            None,
            "closed",
            "2098-11-20T00:00:00Z",
            25,
            "profit_target",
            "",
            0,
        ),
        (
            "2098-09-01T00:00:00Z",
            "bull_put",
            "TLT",
            3,
            31,
            200,
            9200,
            0.15,
            -0.1,
            "closed",
            "2098-10-16T00:00:00Z",
            0,
            "expiration",
            "",
            0,
        ),
    ]
    assert c["legs"][:2] == [
        (1, "put", 8800, "2099-02-20", -1, "TLT 2099-02-20 P 88.00"),
        (1, "put", 8500, "2099-02-20", 1, "TLT 2099-02-20 P 85.00"),
    ]
    assert c["fills"][:3] == [
        (1, "2098-12-01T00:00:00Z", "open", 5, 72),
        (2, "2098-11-02T00:00:00Z", "open", 2, 55),
        (2, "2098-11-20T00:00:00Z", "close", 2, 25),
    ]
    assert c["snapshots"] == [
        ("2098-11-30T16:00:00", 9100, 0.0441, 0.0458, "bloomberg_import"),
        ("2098-12-01T10:30:00", 9125, 0.0438, 0.0455, "manual"),
    ]
    assert c["quotes"] == [
        (
            "TLT 2099-02-20 P 85.00",
            "2098-12-01T10:31:00",
            "put",
            8500,
            "2099-02-20",
            9125,
            22,
            28,
            0.175,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "TLT 2099-02-20 P 88.00",
            "2098-11-30T16:00:00",
            "put",
            8800,
            "2099-02-20",
            9100,
            50,
            56,
            0.17,
            -0.23,
            None,
            None,
            None,
            None,
        ),
        (
            "TLT 2099-02-20 P 88.00",
            "2098-12-01T10:31:00",
            "put",
            8800,
            "2099-02-20",
            9125,
            45,
            52,
            0.168,
            -0.21,
            None,
            None,
            None,
            None,
        ),
    ]
    assert c["nav"] == [("2098-12-01T09:00:00", 525_000_000)]
    # realized P&L of the closed positions, exact: (0.55 - 0.25) x 2 x 100 + 0.31 x 3 x 100 = 153.00
    assert mark_book(book, as_of="2098-12-01").totals.realized_pnl == pytest.approx(153.0)


def test_every_record_is_audited(book, tmp_path):
    folder = write_folder(tmp_path / "legacy")
    import_legacy(book, folder, reason="switch-over")
    rows = book.conn.execute("SELECT action, object, reason, payload FROM audit ORDER BY id").fetchall()
    assert {r["action"] for r in rows} == {"import_legacy"} and {r["reason"] for r in rows} == {"switch-over"}
    objects = [r["object"] for r in rows]
    assert objects == [
        "position:1",
        "position:2",
        "position:3",
        "snapshot:1",
        "snapshot:2",
        "quote:1",
        "quote:2",
        "quote:3",
        "nav:1",
    ]
    first = json.loads(rows[0]["payload"])
    assert first["legacy_id"] == "a1b2c3d4" and first["record"] == OPEN
    assert first["file"] == str(folder / "positions.json")
    assert json.loads(rows[4]["payload"])["record"]["notes"] == "morning"  # kept although not a book column


def test_reimport_changes_nothing(book, tmp_path):
    folder = write_folder(tmp_path / "legacy")
    import_legacy(book, folder)
    before = table_counts(book)
    again = import_legacy(book, folder)
    assert again.n_added == 0 and again.conflicts == ()
    assert again.unchanged == {"positions": 3, "snapshots": 2, "quotes": 3, "nav": 1}
    assert table_counts(book) == before  # not even an audit event


def test_round_trip_import_export_reimport_is_identical(tmp_path):
    one = Book(tmp_path / "one.sqlite", actor="a")
    import_legacy(one, write_folder(tmp_path / "legacy"))
    exported = export_legacy(one, tmp_path / "out")
    assert exported.added == {"positions": 3, "snapshots": 2, "quotes": 3, "nav": 1}
    two = Book(tmp_path / "two.sqlite", actor="b")
    import_legacy(two, tmp_path / "out")
    assert content(two) == content(one)
    # the exported records are the original's records (times to the second)
    out = json.loads((tmp_path / "out" / "positions.json").read_text())
    assert out["positions"] == [OPEN, CLOSED, EXPIRED]
    assert json.loads((tmp_path / "out" / "portfolio_nav.json").read_text()) == {
        "nav": 5250000.0,
        "last_updated": "2098-12-01T09:00:00",
    }
    market = json.loads((tmp_path / "out" / "market_data.json").read_text())
    assert market["option_history"]["put_2099-02-20_88.0"] == [Q88_1, Q88_2]
    assert market["option_prices"]["put_2099-02-20_85.0"] == {**Q85_2, "underlying_price": 91.25}
    # exporting the re-imported book writes the same files (but the last_updated stamps)
    export_legacy(two, tmp_path / "again")
    for name in ("positions.json", "market_data.json", "portfolio_nav.json"):
        a = json.loads((tmp_path / "out" / name).read_text())
        b = json.loads((tmp_path / "again" / name).read_text())
        if name != "portfolio_nav.json":
            a.pop("last_updated"), b.pop("last_updated")
        assert a == b, name
    # and importing the export into the book it came from changes nothing
    before = table_counts(one)
    assert import_legacy(one, tmp_path / "out").n_added == 0
    assert table_counts(one) == before
    one.close()
    two.close()


def test_positions_opened_in_tailkit_round_trip(book, tmp_path):
    order = spread_order(
        strategy="bear_call", short_strike=95, long_strike=97, expiry="2099-03-20", contracts=1, credit=0.4
    )
    pid = add_spread(book, order)
    close_position(book, pid, exit_price=0.1)
    export_legacy(book, tmp_path / "out")
    rec = json.loads((tmp_path / "out" / "positions.json").read_text())["positions"][0]
    assert rec["position_id"] == f"tailkit-{pid}" and rec["status"] == "closed" and rec["exit_debit"] == 0.1
    assert not (tmp_path / "out" / "portfolio_nav.json").exists()  # no NAV in the book, none written
    before = table_counts(book)
    assert import_legacy(book, tmp_path / "out").n_added == 0
    assert table_counts(book) == before


def test_a_later_folder_closes_an_open_position_and_conflicts_keep_the_book(book, tmp_path):
    import_legacy(book, write_folder(tmp_path / "v1"))
    closed = {
        **OPEN,
        "status": "closed",
        "exit_date": "2098-12-10",
        "exit_debit": 0.30,
        "exit_reason": "profit_target",
    }
    later = import_legacy(book, write_folder(tmp_path / "v2", positions=[closed, CLOSED, EXPIRED]))
    assert later.added["closes"] == 1 and later.added["positions"] == 0
    row = book.conn.execute(
        "SELECT status, exit_price_cents, exit_reason FROM positions WHERE id = 1"
    ).fetchone()
    assert tuple(row) == ("closed", 30, "profit_target")
    # the first folder (position still open) now disagrees with the book: reported, book kept
    back = import_legacy(book, tmp_path / "v1")
    assert back.n_added == 0 and len(back.conflicts) == 1 and "a1b2c3d4" in back.conflicts[0]
    assert tuple(book.conn.execute("SELECT status FROM positions WHERE id = 1").fetchone()) == ("closed",)


def _bad(mutate):
    positions = copy.deepcopy([OPEN, CLOSED, EXPIRED])
    market = copy.deepcopy(MARKET)
    nav = copy.deepcopy(NAV)
    mutate(positions, market, nav)
    return positions, market, nav


BAD = [
    (lambda p, m, n: p[0].update(entry_credit="0.72"), "positions.json", "entry_credit='0.72'"),
    (lambda p, m, n: p[0].update(entry_credit=3.5), "positions.json", "field 'entry_credit'"),
    (lambda p, m, n: p[0].update(entry_credit=0.725), "positions.json", "field 'entry_credit'"),
    (lambda p, m, n: p[1].update(short_strike=99.0), "positions.json", "field 'short_strike'"),
    (lambda p, m, n: p[0].update(expiration_date="2098-11-01"), "positions.json", "field 'expiration_date'"),
    (lambda p, m, n: p[0].update(option_type="straddle"), "positions.json", "option_type='straddle'"),
    (lambda p, m, n: p[0].update(contracts=0), "positions.json", "contracts=0"),
    (lambda p, m, n: p[0].pop("position_id"), "positions.json", "position_id=None"),
    (lambda p, m, n: p[1].update(exit_debit=3.5), "positions.json", "exit_debit=3.5"),
    (lambda p, m, n: p[1].update(exit_reason="panic"), "positions.json", "exit_reason='panic'"),
    (lambda p, m, n: p[1].update(exit_date=None), "positions.json", "exit_date=None"),
    (lambda p, m, n: p[2].update(position_id="a1b2c3d4"), "positions.json", "appears twice"),
    (lambda p, m, n: m["market_snapshots"][0].update(tlt_price=-91.0), "market_data.json", "tlt_price=-91.0"),
    (lambda p, m, n: m["market_snapshots"][0].update(yield_20y=4.41), "market_data.json", "yield_20y=4.41"),
    (
        lambda p, m, n: m["market_snapshots"][1].update(timestamp="noon"),
        "market_data.json",
        "timestamp='noon'",
    ),
    (
        lambda p, m, n: m["option_history"]["put_2099-02-20_88.0"][0].update(bid=0.6),
        "market_data.json",
        "ask=0.56",
    ),
    (
        lambda p, m, n: m["option_prices"]["put_2099-02-20_85.0"].update(implied_vol=None),
        "market_data.json",
        "implied_vol=None",
    ),
    (lambda p, m, n: m.update(option_history=[]), "market_data.json", "field 'option_history'"),
    (lambda p, m, n: n.update(nav=-5), "portfolio_nav.json", "nav=-5"),
    (lambda p, m, n: n.update(nav="a lot"), "portfolio_nav.json", "nav='a lot'"),
]


@pytest.mark.parametrize(("mutate", "file", "names"), BAD)
def test_malformed_file_names_file_and_field_and_writes_nothing(book, tmp_path, mutate, file, names):
    positions, market, nav = _bad(mutate)
    folder = write_folder(tmp_path / "bad", positions=positions, market=market, nav=nav)
    before = table_counts(book)
    with pytest.raises(DataError) as err:
        import_legacy(book, folder)
    text = str(err.value)
    assert str(folder / file) in text and names in text
    assert "np.float64" not in text
    assert table_counts(book) == before


def test_quote_without_underlying_and_no_snapshot_rolls_back_everything(book, tmp_path):
    market = copy.deepcopy(MARKET)
    market["market_snapshots"] = []
    folder = write_folder(tmp_path / "bad", market=market)
    before = table_counts(book)
    with pytest.raises(
        DataError, match=r"market_data.json: quote TLT 2099-02-20 P 85.00 .*underlying_price=None"
    ):
        import_legacy(book, folder)
    assert table_counts(book) == before  # the positions read before it are not kept either


def test_not_json_and_empty_folder(book, tmp_path):
    folder = write_folder(tmp_path / "bad")
    (folder / "market_data.json").write_text('{"market_snapshots": [\n  {"timestamp": }\n]}')
    with pytest.raises(DataError, match=r"market_data.json: not valid JSON \(line 2"):
        read_legacy(folder)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no legacy data files"):
        import_legacy(book, tmp_path / "empty")


def test_a_folder_with_only_some_files(book, tmp_path):
    folder = tmp_path / "partial"
    folder.mkdir()
    (folder / "portfolio_nav.json").write_text(json.dumps({"nav": 1_000_000}))
    result = import_legacy(book, folder)
    assert result.added["nav"] == 1 and result.files == ("portfolio_nav.json",)
    assert import_legacy(book, folder).n_added == 0  # same NAV again: nothing new


def test_one_field_map_per_record_names_real_columns_and_attributes(book):
    """The import and the export of snapshots and quotes both run on these maps (no second copy)."""
    import dataclasses

    from tailkit.book.legacy_files import QUOTE_FIELDS, SNAPSHOT_FIELDS, LegacyQuote, LegacySnapshot
    from tailkit.book.schema import table_columns

    for fields, table, cls in (
        (SNAPSHOT_FIELDS, "snapshots", LegacySnapshot),
        (QUOTE_FIELDS, "quotes", LegacyQuote),
    ):
        columns = [c for _, c in fields]
        names = [n for n, _ in fields]
        assert len(set(columns)) == len(columns) and len(set(names)) == len(names)
        assert set(columns) <= set(table_columns(book.conn, table))
        assert set(columns) <= {f.name for f in dataclasses.fields(cls)}
