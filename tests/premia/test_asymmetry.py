"""The asymmetry table against hand computations (scipy's moments as the reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tailkit.errors import DataError, ParameterError
from tailkit.premia import ASYMMETRY_COLUMNS, asymmetry_table


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    e = rng.normal(0.005, 0.04, 20)
    e[4], e[13] = -0.2, -0.15  # the two crash months
    concave = 0.01 + 0.5 * np.minimum(e, 0.0) + rng.normal(0, 0.002, 20)
    convex = -0.005 - 0.8 * np.minimum(e, 0.0)
    idx = pd.date_range("2010-01-31", periods=20, freq="ME")
    return pd.DataFrame({"equity": e, "concave": concave, "convex": convex}, index=idx)


def test_table_matches_hand_computation() -> None:
    data = _frame()
    out = asymmetry_table(data, tail=0.1)
    t = out.table
    assert tuple(t.columns) == ASYMMETRY_COLUMNS
    assert out.n_crash == 2 and out.n_months == 20
    crash = [4, 13]
    for name in data.columns:
        r = data[name].to_numpy()
        assert t.loc[name, "mean"] == pytest.approx(12 * r.mean(), rel=1e-12)
        assert t.loc[name, "vol"] == pytest.approx(np.sqrt(12) * r.std(ddof=1), rel=1e-12)
        assert t.loc[name, "sharpe"] == pytest.approx(np.sqrt(12) * r.mean() / r.std(ddof=1), rel=1e-12)
        assert t.loc[name, "skew"] == pytest.approx(stats.skew(r, bias=True), rel=1e-10)
        assert t.loc[name, "excess_kurtosis"] == pytest.approx(
            stats.kurtosis(r, fisher=True, bias=True), rel=1e-10
        )
        assert t.loc[name, "worst_month"] == r.min()
        assert t.loc[name, "crisis_mean"] == pytest.approx(r[crash].mean(), rel=1e-12)
        assert t.loc[name, "crisis_beta"] == pytest.approx(
            r[crash].mean() / data["equity"].to_numpy()[crash].mean(), rel=1e-12
        )
    assert t.loc["equity", "crisis_beta"] == 1.0
    assert t.loc["equity", "co_crash"] == 1.0
    # the concave premium's two worst months are the crash months; the convex one pays in them
    assert t.loc["concave", "co_crash"] == 1.0
    assert t.loc["convex", "co_crash"] == 0.0
    # convex = -0.005 - 0.8 e in the crash months (e = -0.2, -0.15): beta = -0.8 - 0.005 / mean(e)
    assert t.loc["convex", "crisis_beta"] == pytest.approx(-0.8 - 0.005 / -0.175, rel=1e-12)


def test_crash_count_rounds_up() -> None:
    assert asymmetry_table(_frame(), tail=0.05).n_crash == 1
    assert asymmetry_table(_frame(), tail=0.11).n_crash == 3


def test_bad_inputs_name_the_field() -> None:
    with pytest.raises(ParameterError, match="equity='spx'"):
        asymmetry_table(_frame(), equity="spx")
    with pytest.raises(ParameterError, match=r"tail=0\.0"):
        asymmetry_table(_frame(), tail=0.0)
    with pytest.raises(DataError, match="2 complete months"):
        asymmetry_table(_frame().iloc[:2])


def test_block_bootstrap_draws_contiguous_blocks_jointly() -> None:
    from tailkit.premia import block_bootstrap

    data = np.column_stack([np.arange(30.0), 100 + np.arange(30.0)])
    paths = block_bootstrap(data, 5, 10, block=4, seed=3)
    assert paths.shape == (5, 10, 2)
    np.testing.assert_array_equal(paths[..., 1], paths[..., 0] + 100)  # the same months for every series
    for p in range(5):
        for b in range(0, 10, 4):
            chunk = paths[p, b : b + 4, 0]
            np.testing.assert_array_equal(np.diff(chunk), 1.0)  # a contiguous slice of the history
    np.testing.assert_array_equal(paths, block_bootstrap(data, 5, 10, block=4, seed=3))
    with pytest.raises(ParameterError, match="block=31"):
        block_bootstrap(data, 5, 10, block=31)
