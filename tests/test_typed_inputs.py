"""tailkit.inputs: what a person typed, read one way for the whole house (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tailkit.errors import ParameterError
from tailkit.inputs import (
    describe_weights,
    expiry_warning,
    format_percent,
    nyse_holiday,
    parse_iso_date,
    parse_number,
    parse_percent,
)


@pytest.mark.parametrize("typed", ["20", "20%", "0.20", " 20 % ", 20, 0.2])
def test_percent_field_reads_20_every_way(typed):
    assert parse_percent("iv", typed, label="IV").value == 0.2


def test_percent_note_says_what_was_understood():
    assert parse_percent("iv", "20", label="IV").note == "IV 20% (read 20 as percent)"
    assert parse_percent("iv", "0.20", label="IV").note == "IV 20%"
    assert parse_percent("confidence", "99.9").value == 0.999
    assert parse_percent("confidence", "99.9").note == "confidence 99.9% (read 99.9 as percent)"


@pytest.mark.parametrize("typed", ["abc", "", "  ", "%", "20%%", "nan", "inf", "1e400"])
def test_percent_refusal_quotes_exactly_what_was_typed(typed):
    with pytest.raises(ParameterError) as err:
        parse_percent("iv", typed)
    assert str(err.value).startswith(f"iv={typed!r} is not allowed")


def test_percent_is_never_clamped():
    assert parse_percent("iv", "350").value == 3.5  # the dataclass refuses it, not the parser
    assert parse_percent("iv", "-0.2").value == -0.2


@given(st.integers(min_value=2, max_value=100_000))
def test_whole_percent_reads_as_its_hundredth(k):
    assert parse_percent("x", str(k)).value == pytest.approx(k / 100.0, rel=1e-15)
    assert parse_percent("x", f"{k}%").value == parse_percent("x", str(k)).value


def test_numbers():
    assert parse_number("nav", "1,000,000").value == 1_000_000.0
    assert parse_number("days", "60", integer=True).value == 60
    assert type(parse_number("days", "60.0", integer=True).value) is int
    for bad in ("abc", "", "1,00", "60.5"):
        with pytest.raises(ParameterError, match=r"^days=" + repr(bad).replace(".", r"\.")):
            parse_number("days", bad, integer=True)


@pytest.mark.parametrize("typed", ["17/01/2027", "01/02/2027", "2027/01/17", "20270117", "Jan 17 2027"])
def test_dates_only_iso(typed):
    with pytest.raises(ParameterError) as err:
        parse_iso_date("expiry", typed)
    assert f"expiry={typed!r}" in str(err.value) and "YYYY-MM-DD" in str(err.value)


def test_iso_date_and_impossible_day():
    assert parse_iso_date("expiry", "2027-01-15").value == dt.date(2027, 1, 15)
    with pytest.raises(ParameterError, match="real calendar day"):
        parse_iso_date("expiry", "2027-02-30")


def test_nyse_holidays_2027():
    # NYSE holiday schedule for 2027 (nyse.com "Holidays & Trading Hours"): Good Friday is
    # 2027-03-26 (Easter 2027-03-28); Juneteenth falls on a Saturday and is observed Friday
    # 2027-06-18; Independence Day falls on a Sunday and is observed Monday 2027-07-05;
    # Christmas falls on a Saturday and is observed Friday 2027-12-24; New Year's Day 2028
    # is a Saturday and is not observed in 2027.
    expected = {
        dt.date(2027, 1, 1): "New Year's Day",
        dt.date(2027, 1, 18): "Martin Luther King Jr. Day",
        dt.date(2027, 2, 15): "Washington's Birthday",
        dt.date(2027, 3, 26): "Good Friday",
        dt.date(2027, 5, 31): "Memorial Day",
        dt.date(2027, 6, 18): "Juneteenth",
        dt.date(2027, 7, 5): "Independence Day",
        dt.date(2027, 9, 6): "Labor Day",
        dt.date(2027, 11, 25): "Thanksgiving",
        dt.date(2027, 12, 24): "Christmas",
    }
    year = [dt.date(2027, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    found = {d: nyse_holiday(d) for d in year if nyse_holiday(d)}
    assert found == expected
    assert nyse_holiday(dt.date(2027, 12, 31)) == ""  # 2028-01-01 is a Saturday: not moved


def test_expiry_warnings():
    assert "Saturday" in expiry_warning(dt.date(2027, 1, 16))
    assert "Good Friday" in expiry_warning(dt.date(2027, 3, 26))
    assert expiry_warning(dt.date(2027, 1, 15)) == ""


def test_weights_gross_and_net():
    assert describe_weights([0.3, 0.3, 0.2, 0.2]) == ""
    assert describe_weights([0.6, 0.6, 0.4, 0.4]) == "gross 200%, net 200%"
    assert describe_weights([1.5, -0.5]) == "gross 200%, net 100% (short positions)"
    assert describe_weights([0.25, 0.25]) == "gross 50%, net 50%"


def test_format_percent():
    assert [format_percent(x) for x in (0.2, 0.999, 3.0, 0.0, -0.05)] == ["20%", "99.9%", "300%", "0%", "-5%"]
