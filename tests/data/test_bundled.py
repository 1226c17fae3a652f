"""Bundled datasets: shape, index, range, units, and spot values read from the source files.

Spot values are the text of the named line of the original file as shipped by the source
package (bokeh_sampledata 2026.1 ``_data/stocks.csv.gz``; arch 8.0.0 ``arch/data/<name>/*.csv.gz``);
the tailkit copies are byte-identical (see test_provenance.py). Where the source package is
installed the whole series is also compared with what it loads.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tailkit.data import (
    load_credit_yields,
    load_fama_french,
    load_sp500,
    load_stock_ohlcv,
    load_stocks,
    load_vix,
)
from tailkit.errors import ParameterError


def _tidy(frame: pd.DataFrame) -> None:
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.name == "date"
    assert frame.index.is_monotonic_increasing
    assert frame.index.is_unique
    assert all(dtype == np.float64 for dtype in frame.dtypes)


def test_loaders_emit_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for load in (load_stocks, load_sp500, load_vix, load_credit_yields, load_fama_french):
            load()


def test_loaders_return_copies():
    a = load_sp500()
    a.iloc[0, 0] = -1.0
    assert load_sp500().iloc[0, 0] == pytest.approx(1229.22998)


# --- stocks (bokeh_sampledata.stocks; Quandl WIKI) ---------------------------------------


def test_stocks_wide_shape_and_range():
    prices = load_stocks()
    _tidy(prices)
    assert list(prices.columns) == ["AAPL", "GOOG", "IBM", "MSFT"]
    assert prices.columns.name == "ticker"
    assert prices.shape == (3270, 4)
    assert prices.index[0] == pd.Timestamp("2000-03-01")
    assert prices.index[-1] == pd.Timestamp("2013-03-01")
    assert prices.notna().sum().to_dict() == {"AAPL": 3270, "GOOG": 2148, "IBM": 3270, "MSFT": 3270}
    assert prices["GOOG"].first_valid_index() == pd.Timestamp("2004-08-19")
    assert (prices.stack().dropna() > 0).all()


def test_stocks_spot_values_from_source_lines():
    # stocks.csv.gz line 2159: AAPL,2008-09-29,119.62,119.68,100.59,105.26,93644900,13.527377077097
    # line 3468: GOOG,2004-08-19,100.01,104.06,95.96,100.335,44659000,50.32284179174976
    # line 11052: MSFT,2008-10-10,21.79,22.35,20.65,21.5,228467500,16.957477247205
    adj = load_stocks()
    assert adj.loc["2008-09-29", "AAPL"] == 13.527377077097
    assert adj.loc["2004-08-19", "GOOG"] == 50.32284179174976
    close = load_stocks(["MSFT", "aapl"], field="close")
    assert list(close.columns) == ["MSFT", "AAPL"]
    assert close.loc["2008-10-10", "MSFT"] == 21.5
    assert close.loc["2008-09-29", "AAPL"] == 105.26


def test_stocks_ohlcv_long():
    long = load_stock_ohlcv("IBM")
    assert list(long.columns) == ["open", "high", "low", "close", "volume", "adj_close"]
    assert long.index.names == ["date", "ticker"]
    assert len(long) == 3270
    # stocks.csv.gz line 8885: IBM,2013-03-01,200.65,202.94,199.36,202.91,3308300,175.27118333217
    row = long.loc[(pd.Timestamp("2013-03-01"), "IBM")]
    assert row.to_dict() == {
        "open": 200.65,
        "high": 202.94,
        "low": 199.36,
        "close": 202.91,
        "volume": 3308300.0,
        "adj_close": 175.27118333217,
    }
    fb = load_stocks("FB")
    assert fb["FB"].first_valid_index() == pd.Timestamp("2012-05-18")
    assert fb["FB"].notna().sum() == 196


def test_stocks_match_bokeh_sampledata():
    import bokeh_sampledata.stocks as stocks

    ours = load_stocks(field="adj_close")
    for ticker in ("AAPL", "GOOG", "IBM", "MSFT"):
        src = getattr(stocks, ticker)
        series = pd.Series(src["adj_close"], index=pd.DatetimeIndex(pd.to_datetime(src["date"])))
        mine = ours[ticker].dropna()
        assert mine.index.equals(series.index)
        np.testing.assert_array_equal(mine.to_numpy(), series.to_numpy())


def test_stocks_bad_arguments():
    with pytest.raises(ParameterError, match="tickers"):
        load_stocks(["AAPL", "TSLA"])
    with pytest.raises(ParameterError, match="field"):
        load_stocks(field="vwap")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="tickers"):
        load_stocks([])


# --- S&P 500 (arch.data.sp500) -------------------------------------------------------------


def test_sp500():
    spx = load_sp500()
    _tidy(spx)
    assert list(spx.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    assert spx.shape == (5031, 6)
    assert spx.index[0] == pd.Timestamp("1999-01-04")
    assert spx.index[-1] == pd.Timestamp("2018-12-31")
    # sp500.csv.gz line 2463: 10/15/2008,994.599976,994.599976,903.98999,907.840027,907.840027,6542330000
    assert spx.loc["2008-10-15", "close"] == 907.840027
    assert spx.loc["2008-10-15", "volume"] == 6542330000.0
    assert (spx["close"] == spx["adj_close"]).all()


def test_sp500_matches_arch():
    import arch.data.sp500 as arch_sp500

    src = arch_sp500.load()
    ours = load_sp500()
    np.testing.assert_array_equal(ours["close"].to_numpy(), src["Close"].to_numpy(dtype=float))
    assert ours.index.equals(pd.DatetimeIndex(src.index, name="date"))


# --- VIX (arch.data.vix) -------------------------------------------------------------------


def test_vix_points_and_holidays_dropped():
    vix = load_vix()
    _tidy(vix)
    assert list(vix.columns) == ["vix"]
    assert vix.shape == (1259, 1)  # 1305 file rows less 46 holidays marked "."
    assert vix.index[0] == pd.Timestamp("2014-01-03")
    assert vix.index[-1] == pd.Timestamp("2019-01-03")
    # vix.csv.gz line 13: 1/20/2014,. (MLK day) -> dropped
    assert pd.Timestamp("2014-01-20") not in vix.index
    # line 1068: 2/5/2018,37.32 ; line 1298: 12/24/2018,36.07 (index points, not decimals)
    assert vix.loc["2018-02-05", "vix"] == 37.32
    assert vix.loc["2018-12-24", "vix"] == 36.07
    assert vix["vix"].notna().all()


# --- Moody's yields (arch.data.default) ----------------------------------------------------


def test_credit_yields_in_decimals():
    ylds = load_credit_yields()
    _tidy(ylds)
    assert list(ylds.columns) == ["aaa", "baa"]
    assert ylds.shape == (1200, 2)
    assert ylds.index[0] == pd.Timestamp("1919-01-01")
    assert ylds.index[-1] == pd.Timestamp("2018-12-01")
    # default.csv.gz line 1081: 12/1/2008,5.05,8.43 (percent in the file)
    assert ylds.loc["2008-12-01", "aaa"] == pytest.approx(0.0505, abs=1e-15)
    assert ylds.loc["2008-12-01", "baa"] == pytest.approx(0.0843, abs=1e-15)
    assert ylds.to_numpy().max() < 0.2
    assert (ylds["baa"] >= ylds["aaa"]).all()


def test_credit_yields_match_arch():
    import arch.data.default as arch_default

    src = arch_default.load()
    np.testing.assert_allclose(
        load_credit_yields()["baa"].to_numpy(), src["BAA"].to_numpy() / 100, rtol=1e-15
    )


# --- Fama-French (arch.data.frenchdata; Ken French Data Library) ---------------------------


def test_fama_french_dates_and_units():
    ff = load_fama_french()
    _tidy(ff)
    assert list(ff.columns) == ["mkt_rf", "smb", "hml", "rf"]
    assert ff.shape == (1109, 4)
    assert ff.index[0] == pd.Timestamp("1926-07-31")  # not 1970-01-01
    assert ff.index[-1] == pd.Timestamp("2018-11-30")
    assert (ff.index.year >= 1926).all()
    assert ff.index.is_month_end.all()
    assert (ff.index.to_period("M").to_series().diff().dropna().map(lambda d: d.n) == 1).all()
    # frenchdata.csv.gz line 989: 200810,-17.23,-2.34,-2.9,0.08 (percent in the file)
    row = ff.loc["2008-10-31"]
    assert row["mkt_rf"] == pytest.approx(-0.1723, abs=1e-15)
    assert row["smb"] == pytest.approx(-0.0234, abs=1e-15)
    assert row["hml"] == pytest.approx(-0.029, abs=1e-15)
    assert row["rf"] == pytest.approx(0.0008, abs=1e-15)
    assert ff.abs().to_numpy().max() < 1.0


def test_fama_french_values_match_arch():
    import arch.data.frenchdata as arch_ff

    src = arch_ff.load()  # its dates are wrong under pandas 3; compare the values in order
    np.testing.assert_allclose(
        load_fama_french()["mkt_rf"].to_numpy(), src["Mkt-RF"].to_numpy() / 100, rtol=1e-15
    )
