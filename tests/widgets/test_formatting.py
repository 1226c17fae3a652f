"""The one way numbers, percentages, day counts and times are written on screen (issue 11)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from widgets.formatting import fmt_cell, fmt_days, fmt_money, fmt_number, fmt_pct, fmt_time
from widgets.tables import frame_table


@pytest.mark.parametrize("x", [-0.0, -1e-9, -0.00004, np.float64(-0.00001)])
def test_no_negative_zero(x):
    assert fmt_number(x, 4) == "0.0000"
    assert fmt_number(x, 2, signed=True) == "0.00"
    assert fmt_pct(x) == "0.0%"


def test_numbers_have_separators_fixed_decimals_and_signs():
    assert fmt_number(1234567.891, 2) == "1,234,567.89"
    assert fmt_money(-247.0) == "-247.00"
    assert fmt_money(247.0, signed=True) == "+247.00"
    assert fmt_pct(-0.4539) == "-45.4%"
    assert fmt_number(None) == fmt_number(float("nan")) == "–"


def test_numpy_scalars_print_plainly():
    assert fmt_cell(np.float64(48.4)) == "48.40"
    assert fmt_cell(np.int64(12345)) == "12,345"
    assert "np." not in fmt_cell(np.float32(1.5))


def test_days_singular_and_plural():
    assert [fmt_days(n) for n in (1, 2, 30, np.int64(1))] == ["1 day", "2 days", "30 days", "1 day"]


def test_times_without_microseconds():
    assert fmt_time("2026-12-03T09:46:06.123456Z") == "2026-12-03 09:46 UTC"
    assert fmt_time(pd.Timestamp("2026-12-03 09:46:06.5")) == "2026-12-03 09:46"
    assert fmt_time(dt.date(2027, 1, 15)) == "2027-01-15"
    assert fmt_time("2027-01-15") == "2027-01-15"


def test_frame_table_uses_the_helpers_and_words():
    frame = pd.DataFrame(
        {"es_share": [np.float64(-0.00001)], "when": [pd.Timestamp("2026-12-03 09:46:06.123")], "n": [1234]}
    )
    html = frame_table(frame, "t", labels={"es_share": "share of ES"})
    assert "<th>share of ES</th>" in html and "<th>when</th>" in html
    assert "-0.0000" not in html and "0.0000" in html
    assert "2026-12-03 09:46<" in html and ".123" not in html
    assert "1,234" in html
