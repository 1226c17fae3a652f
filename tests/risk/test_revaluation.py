"""Full revaluation of an options book against tailkit.pricing.bs_price, and its VaR."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.errors import DataError, ParameterError
from tailkit.pricing import bs_price
from tailkit.risk import OptionBook, book_var_es, full_revaluation


def _book() -> OptionBook:
    frame = pd.DataFrame(
        {
            "underlying": ["SPX", "SPX", "NDX"],
            "kind": ["put", "call", "p"],
            "strike": [90.0, 110.0, 200.0],
            "expiry": [0.25, 0.5, 1.0],
            "vol": [0.25, 0.18, 0.3],
            "quantity": [10.0, -5.0, 2.0],
        }
    )
    return OptionBook.from_frame(frame, {"SPX": 100.0, "NDX": 210.0}, rate=0.03, dividend=0.01)


def test_full_revaluation_matches_bs_price() -> None:
    book = _book()
    rng = np.random.default_rng(1)
    sr = pd.DataFrame(rng.normal(0, 0.03, (200, 2)), columns=["NDX", "SPX"])  # column order is by name
    vs = pd.DataFrame(rng.normal(0, 0.02, (200, 2)), columns=["SPX", "NDX"])
    res = full_revaluation(book, sr, vs, horizon_days=5)
    spot = np.array([100.0, 100.0, 210.0])
    moves = sr[["SPX", "SPX", "NDX"]].to_numpy()
    vmoves = vs[["SPX", "SPX", "NDX"]].to_numpy()
    kind = ["put", "call", "put"]
    base = bs_price(kind, spot, book.strike, book.expiry, 0.03, book.vol, 0.01)
    new = bs_price(
        kind, spot * (1 + moves), book.strike, book.expiry - 5 / 252, 0.03, book.vol + vmoves, 0.01
    )
    np.testing.assert_allclose(res.option_pnl, book.quantity * (new - base), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(res.pnl, res.option_pnl.sum(axis=1))
    assert res.to_frame().shape == (200, 4)
    np.testing.assert_allclose(book.values(), book.quantity * base, rtol=1e-12)


def test_book_var_components_sum() -> None:
    book = _book()
    sr = np.random.default_rng(2).normal(0, 0.02, (1000, 2))
    res = book_var_es(book, sr, confidence=0.99)
    assert res.component_es.sum() == pytest.approx(res.es, rel=1e-12)
    assert res.es >= res.var > 0
    assert res.to_frame().shape[0] == 3


def test_bad_books_and_scenarios() -> None:
    frame = pd.DataFrame(
        {"underlying": ["X"], "kind": ["put"], "strike": [1.0], "expiry": [1.0], "vol": [0.2]}
    )
    with pytest.raises(DataError, match="quantity"):
        OptionBook.from_frame(frame, {"X": 1.0})
    frame["quantity"] = 1.0
    with pytest.raises(DataError, match="spot"):
        OptionBook.from_frame(frame, {"Y": 1.0})
    frame["vol"] = -0.1
    with pytest.raises(ParameterError, match="vol"):
        OptionBook.from_frame(frame, {"X": 1.0})
    with pytest.raises(ParameterError, match="spot_returns"):
        full_revaluation(_book(), np.zeros((5, 3)))
    with pytest.raises(ParameterError, match="spot_returns"):
        full_revaluation(_book(), np.full((5, 2), -1.5))
