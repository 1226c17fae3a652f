"""read_prices: wide and long price panels from CSV and Parquet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.data import read_prices
from tailkit.errors import DataError, ParameterError

WIDE = """date,AAPL,MSFT
2024-01-03,11.0,21.0
2024-01-02,10.0,20.0
2024-01-04,12.0,
"""

LONG = """date,ticker,close,volume
2024-01-02,AAPL,10.0,100
2024-01-02,MSFT,20.0,200
2024-01-03,AAPL,11.0,100
2024-01-03,MSFT,21.0,200
2024-01-04,AAPL,12.0,100
"""

EXPECTED = pd.DataFrame(
    {"AAPL": [10.0, 11.0, 12.0], "MSFT": [20.0, 21.0, np.nan]},
    index=pd.DatetimeIndex(["2024-01-02", "2024-01-03", "2024-01-04"], name="date").as_unit("ns"),
)
EXPECTED.columns.name = "ticker"


def _check(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(frame, EXPECTED, check_freq=False)


def test_wide_csv(write_text):
    _check(read_prices(write_text("wide.csv", WIDE)))


def test_long_csv(write_text):
    _check(read_prices(write_text("long.csv", LONG)))
    _check(read_prices(write_text("long2.csv", LONG), layout="long"))


def test_wide_and_long_parquet(tmp_path):
    wide = EXPECTED.copy()
    wide.columns.name = None
    path = tmp_path / "wide.parquet"
    wide.to_parquet(path)  # date as a named index
    _check(read_prices(path))
    long = wide.stack().rename("px").reset_index().rename(columns={"level_1": "symbol"})
    path = tmp_path / "long.pq"
    long.to_parquet(path, index=False)
    _check(read_prices(path, ticker_col="symbol", price_col="px"))


def test_format_override_and_gzip(tmp_path):
    path = tmp_path / "prices.data"
    EXPECTED.reset_index().to_parquet(path)
    _check(read_prices(path, format="parquet"))
    gz = tmp_path / "wide.csv.gz"
    EXPECTED.reset_index().to_csv(gz, index=False)
    _check(read_prices(gz))


def _error(path, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        read_prices(path, **kwargs)
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "column", "where", "fragment"),
    [
        (WIDE.replace("2024-01-02", "yesterday"), "date", "line 3", "not a date"),
        (WIDE.replace("2024-01-04", "2024-01-03"), "date", "line 4", "duplicate date"),
        (WIDE.replace("21.0", "-21.0"), "MSFT", "line 2", "must be > 0"),
        (WIDE.replace("12.0", "twelve"), "AAPL", "line 4", "not a number"),
        (LONG.replace("2024-01-04", "2024-01-03"), "date", "line 6", "duplicate date"),
        (LONG.replace("21.0", "0"), "close", "line 5", "must be > 0"),
        (LONG.replace("2024-01-03,MSFT", "2024-01-32,MSFT"), "date", "line 5", "not a date"),
    ],
)
def test_bad_csv_names_file_column_and_line(write_text, text, column, where, fragment):
    message = _error(write_text("bad.csv", text))
    assert (
        "bad.csv" in message and f"column {column!r}" in message and where in message and fragment in message
    )


def test_bad_parquet_names_row(tmp_path):
    frame = EXPECTED.reset_index()
    frame.loc[1, "AAPL"] = -3.0
    path = tmp_path / "bad.parquet"
    frame.to_parquet(path)
    message = _error(path)
    assert "bad.parquet" in message and "'AAPL'" in message and "row 2" in message


def test_nan_runs_inside_history_only(write_text):
    days = pd.bdate_range("2024-01-01", periods=20)
    rows = ["date,OLD,NEW,GAPPY"]
    for i, d in enumerate(days):
        old = "" if i >= 12 else "5"  # delisted: trailing NaNs are fine
        new = "" if i < 9 else "7"  # listed late: leading NaNs are fine
        gappy = "" if 4 <= i <= 9 else "9"  # six missing inside its history
        rows.append(f"{d.date()},{old},{new},{gappy}")
    path = write_text("runs.csv", "\n".join(rows) + "\n")
    message = _error(path)
    assert (
        "runs.csv" in message and "'GAPPY'" in message and "line 6" in message and "6 consecutive" in message
    )
    frame = read_prices(path, max_nan_run=6)
    assert frame["OLD"].notna().sum() == 12 and frame["NEW"].notna().sum() == 11


def test_long_panel_gap_from_missing_rows(write_text):
    rows = ["date,ticker,close"]
    for i, d in enumerate(pd.bdate_range("2024-01-01", periods=12)):
        rows.append(f"{d.date()},A,10")
        if not 2 <= i <= 8:  # B has no rows for 7 dates
            rows.append(f"{d.date()},B,20")
    message = _error(write_text("long_gap.csv", "\n".join(rows) + "\n"))
    assert (
        "long_gap.csv" in message and "'B'" in message and "7 consecutive" in message and "line 5" in message
    )


def test_trailing_commas_and_leading_blank_lines(write_text):
    text = "\n\n" + WIDE.replace("\n", ",\n")
    _check(read_prices(write_text("excel.csv", text)))
    message = _error(write_text("e.csv", "\ndate,AAPL,MSFT\n2024-01-02,1,2\n2024-01-03,1,x\n"))
    assert "line 4" in message and "'MSFT'" in message


def test_structure_errors(write_text):
    assert "missing required column" in _error(write_text("x.csv", "day,AAPL\n2024-01-02,1\n"))
    assert "no price columns" in _error(write_text("y.csv", "date\n2024-01-02\n"))
    assert "ticker is missing" in _error(write_text("z.csv", "date,ticker,close\n2024-01-02,,1\n"))
    assert "appears twice" in _error(write_text("d.csv", "date,A,A\n2024-01-02,1,2\n"))
    assert "line 3" in _error(write_text("f.csv", "date,A\n2024-01-02,1\n2024-01-03,1,5\n"))
    with pytest.raises(ParameterError, match="layout"):
        read_prices(write_text("w.csv", WIDE), layout="tall")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="format"):
        read_prices(write_text("w.csv", WIDE), format="xlsx")  # type: ignore[arg-type]


def test_corrupt_parquet(tmp_path):
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"not parquet at all")
    assert "junk.parquet" in _error(path)
