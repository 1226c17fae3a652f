"""read_option_chain / write_option_chain: the option-chain CSV format."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tailkit.data import (
    CHAIN_COLUMNS,
    DataQualityWarning,
    OptionChainRead,
    UnitConversionWarning,
    read_option_chain,
    write_option_chain,
)
from tailkit.errors import DataError, ParameterError

HEADER = ",".join(CHAIN_COLUMNS)
GOOD = [
    "2024-06-28,16:00,92.50,PUT,2024-08-16,88,0.55,0.60,16.2,-0.21,0.05,-0.02,0.11,120,3400",
    "2024-06-28,16:00,92.50,Call,2024-09-20,97,0.40,0.45,14.5,0.25,0.04,-0.01,0.12,10,100",
    "2024-06-28,,92.50,p,2024-08-16,85,0.30,0.35,17.0,-0.12,,,,,",
]
# one bad row per rejection reason; comment = expected (column, reason)
BAD = [
    ("2024-06-28,16:00,92.5,p,2024-08-16,86,0.40,0.38,16.8,-0.15,,,,,", "bid", "crossed quote (bid > ask)"),
    ("2024-06-28,16:00,92.5,p,2024-08-16,0,0.40,0.45,16.8,-0.15,,,,,", "strike", "non-positive strike"),
    ("2024-06-28,16:00,92.5,p,2024-08-16,86,-0.10,0.45,16.8,-0.15,,,,,", "bid", "negative bid"),
    ("2024-06-28,16:00,92.5,p,2024-06-28,86,0.40,0.45,16.8,-0.15,,,,,", "expiration_date", "expired"),
    ("2024-06-28,16:00,92.5,p,2024-06-21,86,0.40,0.45,16.8,-0.15,,,,,", "expiration_date", "expired"),
    ("2024-06-28,16:00,92.5,p,2024-08-16,86,0.40,0.45,,-0.15,,,,,", "implied_vol", "missing implied vol"),
    (
        "2024-06-28,16:00,92.5,p,2024-08-16,86,0.40,0.45,0,-0.15,,,,,",
        "implied_vol",
        "non-positive implied vol",
    ),
    ("2024-06-28,16:00,92.5,p,2024-08-16,86,0.40,0.45,#N/A,-0.15,,,,,", "implied_vol", "missing implied vol"),
    ("2024-06-28,16:00,92.5,p,2024-08-16,86,abc,0.45,16.8,-0.15,,,,,", "bid", "unparsable number"),
    ("2024-06-28,16:00,92.5,p,2024-31-12,86,0.40,0.45,16.8,-0.15,,,,,", "expiration_date", "unparsable date"),
    ("someday,16:00,92.5,p,2024-08-16,86,0.40,0.45,16.8,-0.15,,,,,", "quote_date", "unparsable date"),
    (
        "2024-06-28,16:00,92.5,straddle,2024-08-16,86,0.40,0.45,16.8,-0.15,,,,,",
        "option_type",
        "unknown option type",
    ),
    ("2024-06-28,16:00,92.5,p,2024-08-16,86,0.40,0.45,16.8,-0.15,,,,lots,", "volume", "unparsable number"),
    ("2024-06-28,16:00,-1,p,2024-08-16,86,0.40,0.45,16.8,-0.15,,,,,", "underlying_price", "non-positive"),
    ("2024-06-28,16:00,92.5,p,2024-08-16,86,0.40,0.45,16.8,,,,,,", "delta", "missing required value"),
]


def _file(write_text, rows, name="chain.csv"):
    return write_text(name, HEADER + "\n" + "\n".join(rows) + "\n")


def _read(path, **kwargs) -> OptionChainRead:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnitConversionWarning)
        warnings.simplefilter("ignore", DataQualityWarning)
        return read_option_chain(path, **kwargs)


def test_clean_chain(write_text):
    path = _file(write_text, GOOD)
    with pytest.warns(UnitConversionWarning, match="implied_vol.*percent"):
        read = read_option_chain(path)
    chain = read.chain
    assert len(chain) == 3 and read.rejected.empty and read.n_rejected == 0
    assert set(chain["option_type"]) == {"put", "call"}
    put88 = chain[chain["strike"] == 88.0].iloc[0]
    assert put88["implied_vol"] == pytest.approx(0.162, abs=1e-15)  # 16.2 in the file
    assert put88["dte"] == 49  # 2024-06-28 -> 2024-08-16, calendar days
    assert put88["T"] == pytest.approx(49 / 365)
    assert put88["mid"] == pytest.approx(0.575)
    assert put88["line"] == 2
    assert put88["option_type"] == "put"
    assert (
        chain["quote_date"].dtype == "datetime64[ns]" and chain["expiration_date"].dtype == "datetime64[ns]"
    )
    assert chain["dte"].dtype == np.int64
    for col in (
        "underlying_price",
        "strike",
        "bid",
        "ask",
        "implied_vol",
        "delta",
        "gamma",
        "volume",
        "T",
        "mid",
    ):
        assert chain[col].dtype == np.float64, col
    assert np.isnan(chain.loc[chain["strike"] == 85.0, "gamma"].iloc[0])
    assert pd.isna(chain.loc[chain["strike"] == 85.0, "quote_time"].iloc[0])
    assert read.to_frame() is chain
    assert read.to_dict()["n_quotes"] == 3
    assert "3 usable quotes" in read.summary()


def test_every_bad_row_reported_with_its_line(write_text):
    rows = GOOD + [row for row, _, _ in BAD]
    path = _file(write_text, rows, name="mixed.csv")
    with pytest.warns(DataQualityWarning, match=r"mixed\.csv.*15 rejected"):
        read = _read_warn(path)
    assert len(read.chain) == 3
    assert read.n_rejected == len(BAD)
    assert read.n_rows == len(rows)
    rejected = read.rejected
    assert list(rejected.columns) == ["line", "column", "value", "reason"]
    for k, (_, column, reason) in enumerate(BAD):
        line = 2 + len(GOOD) + k  # header is line 1
        got = rejected[rejected["line"] == line]
        assert len(got) == 1, (line, got)
        assert got["column"].iloc[0] == column
        assert reason in got["reason"].iloc[0]
    bid = rejected[rejected["reason"] == "unparsable number"]
    assert "abc" in set(bid["value"])


def _read_warn(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnitConversionWarning)
        return read_option_chain(path)


def test_row_with_two_problems_listed_twice(write_text):
    path = _file(write_text, [*GOOD, "2024-06-28,16:00,92.5,x,2024-08-16,-5,0.40,0.45,16.8,-0.15,,,,,"])
    read = _read(path)
    got = read.rejected[read.rejected["line"] == 5]
    assert set(got["column"]) == {"option_type", "strike"}
    assert read.n_rejected == 1
    assert read.reasons() == {"unknown option type": 1, "non-positive strike": 1}


def test_line_numbers_survive_blank_and_multiline_records(write_text):
    text = (
        HEADER
        + "\n\n"  # line 2 blank
        + GOOD[0]
        + "\n"  # line 3
        + '2024-06-28,"16:00\nET",92.5,p,2024-08-16,86,0.40,0.38,16.8,-0.15,,,,,\n'  # lines 4-5
        + BAD[1][0]
        + "\n"  # line 6
    )
    read = _read(write_text("lines.csv", text))
    assert read.chain["line"].tolist() == [3]
    assert read.rejected["line"].tolist() == [4, 6]


def test_decimal_iv_kept_and_announced(write_text):
    rows = [
        r.replace(",16.2,", ",0.162,").replace(",14.5,", ",0.145,").replace(",17.0,", ",0.17,") for r in GOOD
    ]
    path = _file(write_text, rows)
    with pytest.warns(UnitConversionWarning, match="look like decimals"):
        read = read_option_chain(path)
    assert read.chain["implied_vol"].max() == pytest.approx(0.17)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_option_chain(path, iv_units="decimal").chain["implied_vol"].max() == pytest.approx(0.17)
    with pytest.raises(ParameterError, match="iv_units"):
        read_option_chain(path, iv_units="bp")  # type: ignore[arg-type]


def test_as_of_filters_quote_dates(write_text):
    later = GOOD[0].replace("2024-06-28", "2024-07-01", 1)
    path = _file(write_text, [*GOOD, later])
    assert len(_read(path).chain) == 4
    assert len(_read(path, as_of="2024-07-01").chain) == 1
    with pytest.raises(DataError, match="2024-06-28, 2024-07-01"):
        _read(path, as_of="2024-07-02")
    with pytest.raises(ParameterError, match="as_of"):
        _read(path, as_of="tomorrow-ish")


def test_missing_required_columns_all_named(write_text):
    path = write_text("cols.csv", "quote_date,option_type,strike,bid\n2024-06-28,p,88,0.5\n")
    with pytest.raises(DataError) as info:
        read_option_chain(path)
    message = str(info.value)
    for col in ("underlying_price", "expiration_date", "ask", "implied_vol", "delta"):
        assert repr(col) in message
    assert "cols.csv" in message


def test_header_case_and_spaces_tolerated(write_text):
    header = ", ".join(c.upper() for c in CHAIN_COLUMNS)
    path = write_text("upper.csv", header + "\n" + GOOD[0] + "\n")
    assert len(_read(path).chain) == 1


def test_nothing_usable_is_an_error_with_reasons(write_text):
    path = _file(write_text, [BAD[0][0], BAD[1][0]], name="allbad.csv")
    with pytest.raises(DataError) as info:
        _read(path)
    message = str(info.value)
    assert "allbad.csv" in message and "no usable option quotes" in message
    assert "crossed quote" in message and "non-positive strike" in message


def test_empty_files(write_text, tmp_path):
    with pytest.raises(DataError, match="empty"):
        read_option_chain(write_text("e.csv", "\n\n"))
    with pytest.raises(DataError, match="no data rows"):
        read_option_chain(write_text("h.csv", HEADER + "\n"))
    with pytest.raises(DataError, match="not found"):
        read_option_chain(tmp_path / "missing.csv")


def test_round_trip(write_text, tmp_path):
    read = _read(_file(write_text, GOOD))
    out = tmp_path / "sub" / "written.csv"
    write_option_chain(read.chain, out)
    assert out.read_text().splitlines()[0] == HEADER
    again = _read(out)
    cols = [c for c in read.chain.columns if c != "line"]
    pd.testing.assert_frame_equal(again.chain[cols], read.chain[cols], rtol=1e-12)
    assert not list(out.parent.glob(".*.tmp"))  # nothing half-written left behind
    # a generator's frame with only the required columns, "c"/"p" spellings and Timestamps
    minimal = pd.DataFrame(
        {
            "quote_date": pd.Timestamp("2024-06-28"),
            "underlying_price": 92.5,
            "option_type": ["p", "C"],
            "expiration_date": ["2024-08-16", "2024-08-16"],
            "strike": [88.0, 97.0],
            "bid": [0.5, 0.4],
            "ask": [0.55, 0.45],
            "implied_vol": [0.1625, 0.141],
            "delta": [-0.2, 0.25],
        }
    )
    write_option_chain(minimal, out)
    back = _read(out).chain
    assert back["implied_vol"].tolist() == pytest.approx([0.141, 0.1625], abs=1e-15)
    assert back["option_type"].tolist() == ["call", "put"]


def test_write_rejects_bad_frames(tmp_path):
    with pytest.raises(DataError, match="'delta'"):
        write_option_chain(pd.DataFrame({"strike": [1.0]}), tmp_path / "x.csv")
    frame = pd.DataFrame(
        {c: [1.0] for c in ("underlying_price", "strike", "bid", "ask", "implied_vol", "delta")}
        | {"quote_date": ["2024-06-28"], "expiration_date": ["2024-08-16"], "option_type": ["straddle"]}
    )
    with pytest.raises(DataError, match="option_type"):
        write_option_chain(frame, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
