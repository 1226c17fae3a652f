"""read_history: the overlay's date,yield_20y,yield_30y,tlt_close file."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from tailkit.data import DataQualityWarning, UnitConversionWarning, read_history
from tailkit.errors import DataError, ParameterError

DECIMAL = """date,yield_20y,yield_30y,tlt_close
2024-01-02,0.0430,0.0435,99.00
2024-01-03,0.0438,0.0440,98.10
2024-01-04,0.0441,0.0445,97.50
"""


def test_decimal_file_reads_silently(write_text):
    path = write_text("hist.csv", DECIMAL)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hist = read_history(path)
    assert list(hist.columns) == ["yield_20y", "yield_30y", "tlt_close"]
    assert hist.index.name == "date"
    assert isinstance(hist.index, pd.DatetimeIndex)
    assert hist.shape == (3, 3)
    assert hist.loc["2024-01-03", "yield_20y"] == 0.0438
    assert hist.loc["2024-01-04", "tlt_close"] == 97.5
    assert all(dt == np.float64 for dt in hist.dtypes)


def test_percent_yields_converted_and_announced_per_column(write_text):
    text = DECIMAL.replace("0.0430", "4.30").replace("0.0438", "4.38").replace("0.0441", "4.41")
    path = write_text("hist_pct.csv", text)
    with pytest.warns(UnitConversionWarning) as record:
        hist = read_history(path)
    messages = [str(w.message) for w in record]
    assert len(messages) == 1  # only yield_20y is in percent here
    assert "yield_20y" in messages[0] and "percent" in messages[0] and "hist_pct.csv" in messages[0]
    assert hist.loc["2024-01-03", "yield_20y"] == pytest.approx(0.0438, abs=1e-15)
    assert hist.loc["2024-01-03", "yield_30y"] == 0.0440


def test_renamed_columns_window_and_sorting(write_text):
    text = """Date,Y20,Y30,TLT,extra
2024-01-04,4.41,4.45,97.5,x
2024-01-02,4.30,4.35,99.0,y
2024-01-03,4.38,4.40,98.1,z
2024-01-05,4.40,4.44,97.9,w
"""
    path = write_text("renamed.csv", text)
    with pytest.warns(UnitConversionWarning):
        hist = read_history(
            path,
            date_col="Date",
            yield_20y_col="Y20",
            yield_30y_col="Y30",
            tlt_col="TLT",
            start="2024-01-03",
            end="2024-01-04",
        )
    assert list(hist.index) == [pd.Timestamp("2024-01-03"), pd.Timestamp("2024-01-04")]
    assert list(hist.columns) == ["yield_20y", "yield_30y", "tlt_close"]


def test_explicit_units_skip_detection(write_text):
    path = write_text("h.csv", DECIMAL)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hist = read_history(path, yield_units="percent")
    assert hist.loc["2024-01-02", "yield_20y"] == pytest.approx(0.000430)


def test_parquet_history(tmp_path):
    frame = pd.DataFrame(
        {"yield_20y": [0.043, 0.044], "yield_30y": [0.045, 0.046], "tlt_close": [99.0, 98.0]},
        index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"], name="date"),
    )
    path = tmp_path / "hist.parquet"
    frame.to_parquet(path)
    hist = read_history(path)
    pd.testing.assert_frame_equal(hist, frame.set_axis(frame.index.as_unit("ns")), check_freq=False)
    assert hist.index.dtype == "datetime64[ns]"


def _error(path, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        read_history(path, **kwargs)
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "column", "line", "fragment"),
    [
        (DECIMAL.replace("2024-01-03", "2024-13-45"), "date", 3, "not a date"),
        (DECIMAL.replace("2024-01-04", "2024-01-03"), "date", 4, "duplicate date"),
        (DECIMAL.replace("98.10", "-98.10"), "tlt_close", 3, "must be > 0"),
        (DECIMAL.replace("98.10", "0"), "tlt_close", 3, "must be > 0"),
        (DECIMAL.replace("0.0438", "abc"), "yield_20y", 3, "not a number"),
        (DECIMAL.replace("2024-01-03", ""), "date", 3, "missing"),
    ],
)
def test_bad_files_name_file_column_and_line(write_text, text, column, line, fragment):
    path = write_text("bad.csv", text)
    message = _error(path)
    assert "bad.csv" in message
    assert f"column {column!r}" in message
    assert f"line {line}" in message
    assert fragment in message


def test_missing_columns_all_named(write_text):
    path = write_text("cols.csv", "date,yield_20y\n2024-01-02,0.04\n")
    message = _error(path)
    assert "cols.csv" in message and "'yield_30y'" in message and "'tlt_close'" in message


def test_nan_run_limit(write_text):
    rows = ["date,yield_20y,yield_30y,tlt_close"]
    for i, day in enumerate(pd.bdate_range("2024-01-01", periods=12)):
        y20 = "" if 3 <= i <= 8 else "0.043"  # six missing in a row, lines 5..10
        rows.append(f"{day.date()},{y20},0.045,99.0")
    path = write_text("gaps.csv", "\n".join(rows) + "\n")
    message = _error(path)
    assert (
        "gaps.csv" in message
        and "'yield_20y'" in message
        and "line 5" in message
        and "6 consecutive" in message
    )
    with pytest.warns(DataQualityWarning, match="6 of 12 rows have a missing value") as record:
        hist = read_history(path, max_nan_run=6)
    assert hist["yield_20y"].isna().sum() == 6
    assert "column 'yield_20y': 6 blank cells, first on line 5" in str(record[0].message)


def test_window_and_argument_errors(write_text):
    path = write_text("h.csv", DECIMAL)
    assert "no rows between" in _error(path, start="2030-01-01")
    with pytest.raises(ParameterError, match="start"):
        read_history(path, start="not a date")
    with pytest.raises(ParameterError, match="start"):
        read_history(path, start="2024-02-01", end="2024-01-01")
    with pytest.raises(ParameterError, match="yield_units"):
        read_history(path, yield_units="bp")  # type: ignore[arg-type]


def test_empty_and_missing_files(write_text, tmp_path):
    assert re.search("empty", _error(write_text("empty.csv", "")))
    assert "no data rows" in _error(write_text("header.csv", "date,yield_20y,yield_30y,tlt_close\n"))
    assert "not found" in _error(tmp_path / "nope.csv")


def test_negative_price_message_names_the_users_column_and_prints_a_plain_number(write_text, tmp_path):
    # the column is the one the user named (tlt_col="TLT"), the value prints as -5.0
    text = DECIMAL.replace("tlt_close", "TLT").replace("98.10", "-5.0")
    message = _error(write_text("neg.csv", text), tlt_col="TLT")
    assert message == (
        f"{tmp_path / 'neg.csv'}, column 'TLT', line 3: -5.0 is not allowed: TLT closes must be > 0 "
        "(1 such value(s))"
    )
    assert "np." not in message
    frame = pd.DataFrame(
        {"yield_20y": [0.043, 0.044], "yield_30y": [0.045, 0.046], "tlt_close": [99.0, -5.0]},
        index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"], name="date"),
    )
    frame.to_parquet(tmp_path / "neg.parquet")
    message = _error(tmp_path / "neg.parquet")
    assert message.endswith("neg.parquet, column 'tlt_close', row 2: -5.0 is not allowed: TLT closes must be > 0 "
                            "(1 such value(s))")  # fmt: skip


def test_non_finite_parquet_cell_prints_a_plain_number(tmp_path):
    frame = pd.DataFrame(
        {"yield_20y": [0.043, np.inf], "yield_30y": [0.045, 0.046], "tlt_close": [99.0, 98.0]},
        index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"], name="date"),
    )
    frame.to_parquet(tmp_path / "inf.parquet")
    message = _error(tmp_path / "inf.parquet")
    assert "column 'yield_20y', row 2: inf is not a number" in message and "np." not in message


def test_window_message_prints_dates_plainly(write_text):
    message = _error(write_text("h.csv", DECIMAL), start=pd.Timestamp("2030-01-01"))
    assert "no rows between start=2030-01-01 and end=None" in message and "Timestamp" not in message
    assert "the file covers 2024-01-02 to 2024-01-04" in message


def test_blank_cells_are_announced_with_count_and_first_line(write_text):
    # a blank 20y yield on line 3 and blank TLT closes on lines 4 and 6 (line 1 is the header):
    # 3 of 5 rows hold a missing value; they stay NaN and the calibration leaves them out
    text = """date,yield_20y,yield_30y,tlt_close
2024-01-02,0.0430,0.0435,99.00
2024-01-03,,0.0440,98.10
2024-01-04,0.0441,0.0445,
2024-01-05,0.0442,0.0446,97.40
2024-01-08,0.0443,0.0447,NA
"""
    path = write_text("blank.csv", text)
    with pytest.warns(DataQualityWarning) as record:
        hist = read_history(path)
    assert len(record) == 1
    message = str(record[0].message)
    assert message.startswith(f"{path}: 3 of 5 rows have a missing value")
    assert "column 'yield_20y': 1 blank cell, first on line 3" in message
    assert "column 'tlt_close': 2 blank cells, first on line 4" in message
    assert "yield_30y" not in message
    assert "stay NaN and the overlay calibration leaves them out" in message
    assert hist["yield_20y"].isna().sum() == 1 and hist["tlt_close"].isna().sum() == 2


def test_blank_cell_message_names_the_users_column_and_counts_inside_the_window(write_text):
    text = """Date,Y20,Y30,TLT
2024-01-02,,4.35,99.0
2024-01-03,4.38,4.40,98.1
2024-01-04,4.41,,97.5
2024-01-05,4.40,4.44,97.9
"""
    path = write_text("renamed_blank.csv", text)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        read_history(path, date_col="Date", yield_20y_col="Y20", yield_30y_col="Y30", tlt_col="TLT",
                     start="2024-01-03")  # fmt: skip
    quality = [str(w.message) for w in record if issubclass(w.category, DataQualityWarning)]
    assert len(quality) == 1
    # line 2 is outside the window: only the blank 30y yield on line 4 is counted
    assert "1 of 3 rows has a missing value" in quality[0]
    assert "column 'Y30': 1 blank cell, first on line 4" in quality[0]
    assert "Y20" not in quality[0]
