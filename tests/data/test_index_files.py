"""Readers of the user's index (date,close) and Cboe VIX_History.csv files."""

from __future__ import annotations

import pandas as pd
import pytest

from tailkit.data._checks import DataQualityWarning
from tailkit.data.index_files import read_index_closes, read_vix_history
from tailkit.errors import DataError


def test_read_vix_history_cboe_layout(tmp_path):
    path = tmp_path / "VIX_History.csv"
    path.write_text(
        "DATE,OPEN,HIGH,LOW,CLOSE\n01/03/2000,24.36,26.15,23.98,24.21\n01/02/1990,17.24,17.24,17.24,17.24\n"
    )
    vix = read_vix_history(path)
    assert vix.index.tolist() == [pd.Timestamp("1990-01-02"), pd.Timestamp("2000-01-03")]
    assert vix.tolist() == [17.24, 24.21]
    assert vix.name == "vix"


def test_read_vix_history_bad_date_names_file_column_line(tmp_path):
    path = tmp_path / "VIX_History.csv"
    path.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n01/03/2000,1,1,1,24.2\n2000-01-04,1,1,1,25.0\n")
    with pytest.raises(DataError, match=r"VIX_History.csv, column 'DATE', line 3"):
        read_vix_history(path)


def test_read_vix_history_missing_column(tmp_path):
    path = tmp_path / "vix.csv"
    path.write_text("DATE,CLOSE\n01/03/2000,24.2\n")
    with pytest.raises(DataError, match="OPEN"):
        read_vix_history(path)


def test_read_index_closes_csv_and_parquet(tmp_path):
    frame = pd.DataFrame(
        {"date": ["2020-01-03", "2020-01-02", "2020-01-06"], "close": [3234.85, 3257.85, 3246.28]}
    )
    csv = tmp_path / "spx.csv"
    frame.to_csv(csv, index=False)
    s = read_index_closes(csv)
    assert s.index.is_monotonic_increasing and s.iloc[0] == 3257.85
    pq = tmp_path / "spx.parquet"
    frame.to_parquet(pq)
    pd.testing.assert_series_equal(read_index_closes(pq), s)


def test_read_index_closes_rejects_nonpositive_and_warns_on_blank(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,close\n2020-01-02,3257.85\n2020-01-03,-1\n")
    with pytest.raises(DataError, match=r"column 'close', line 3: -1.0 is not allowed"):
        read_index_closes(bad)
    gap = tmp_path / "gap.csv"
    gap.write_text("date,close\n2020-01-02,3257.85\n2020-01-03,\n2020-01-06,3246.28\n")
    with pytest.warns(DataQualityWarning, match="1 row"):
        s = read_index_closes(gap)
    assert len(s) == 2
