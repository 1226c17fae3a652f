"""The bundled premia: the streams the library builds from tailkit's own data."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from tailkit.data import load_fama_french, load_sp500, load_vix
from tailkit.hedging import VolSurface, implied_vol, implied_vol_path
from tailkit.premia import PREMIA, PremiaStreams, bundled_premia, put_write


@pytest.fixture(scope="module")
def streams() -> PremiaStreams:
    return bundled_premia()


def test_columns_and_span(streams: PremiaStreams) -> None:
    r = streams.returns
    assert tuple(r.columns) == PREMIA
    assert not r.isna().any().any()
    # trend needs 12 months of history from 1999-01; Fama-French ends in 2018-11
    assert str(r.index[0].date()) == "2000-02-29" and str(r.index[-1].date()) == "2018-11-30"
    # the VIX starts in 2014: puts sold before then rest on the GARCH proxy
    assert bool(streams.proxy.loc["2013-12-31"]) and not bool(streams.proxy.loc["2014-02-28"])


def test_size_value_are_the_fama_french_factors(streams: PremiaStreams) -> None:
    ff = load_fama_french().reindex(streams.returns.index)
    np.testing.assert_array_equal(streams.returns["size"], ff["smb"])
    np.testing.assert_array_equal(streams.returns["value"], ff["hml"])


def test_equity_tracks_fama_french_market(streams: PremiaStreams) -> None:
    # the S&P 500 price return and Kenneth French's value-weighted market are nearly the same
    ff = load_fama_french().reindex(streams.returns.index)
    assert np.corrcoef(streams.returns["equity"], ff["mkt_rf"])[0, 1] > 0.98


def _bs_put(s: float, k: float, t: float, r: float, v: float, q: float) -> float:
    # Black-Scholes-Merton put, written out (Hull, Options, Futures and Other Derivatives, eq. 15.21)
    d1 = (math.log(s / k) + (r - q + 0.5 * v * v) * t) / (v * math.sqrt(t))
    d2 = d1 - v * math.sqrt(t)
    n = NormalDist()
    return k * math.exp(-r * t) * n.cdf(-d2) - s * math.exp(-q * t) * n.cdf(-d1)


def test_short_vol_first_three_months_by_hand(streams: PremiaStreams) -> None:
    spx = load_sp500()["close"]
    vol = implied_vol_path(spx, load_vix()["vix"]).vol
    rf = load_fama_french()["rf"]
    # the first put is sold at the last close of 1999-01 and expires at the last close of 1999-02
    ends = [spx.loc[m].index[-1] for m in ("1999-01", "1999-02", "1999-03", "1999-04")]
    pw = put_write(spx, vol, rf)
    for i in range(3):
        d0, d1 = ends[i], ends[i + 1]
        s0, s1 = float(spx[d0]), float(spx[d1])
        tau = (spx.index.get_loc(d1) - spx.index.get_loc(d0)) / 252
        rf_m = float(rf.loc[d1.strftime("%Y-%m")].iloc[0])
        r = 12 * math.log(1 + rf_m)
        v = float(implied_vol(VolSurface(), float(vol[d0]), 1.0, tau, rate=r, dividend_yield=0.018))
        p = _bs_put(s0, s0, tau, r, v, 0.018)
        expected = p * (1 + rf_m) / s0 - max(s0 - s1, 0.0) / s0
        assert pw["short_vol"].iloc[i] == pytest.approx(expected, rel=1e-12)
    # the streams keep the months every premium has
    common = streams.returns.index
    np.testing.assert_array_equal(streams.returns["short_vol"], pw["short_vol"].reindex(common))
