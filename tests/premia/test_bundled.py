"""The bundled premia: the streams the library builds from tailkit's own data."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.data import load_fama_french, load_sp500, load_vix
from tailkit.hedging import implied_vol_path
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


def test_short_vol_matches_an_independent_put_write(streams: PremiaStreams) -> None:
    spx = load_sp500()["close"]
    path = implied_vol_path(spx, load_vix()["vix"])
    pw = put_write(spx, path.vol, load_fama_french()["rf"])
    np.testing.assert_array_equal(
        streams.returns["short_vol"], pw["short_vol"].reindex(streams.returns.index)
    )
