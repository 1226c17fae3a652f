"""Forecast distributions and their out-of-sample scores: CRPS, coverage, Diebold-Mariano, no look-ahead."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from tailkit.errors import ConvergenceError, DataError, ParameterError
from tailkit.risk import (
    FORECAST_MODELS,
    crps_sample,
    diebold_mariano,
    evaluate_forecasts,
    forecast_distribution,
    newey_west_se,
)


@pytest.fixture(scope="module")
def portfolio_returns(stock_returns: pd.DataFrame) -> pd.Series:
    return (stock_returns[["AAPL", "MSFT", "IBM", "GOOG"]].dropna() @ np.array([0.3, 0.3, 0.2, 0.2])).rename(
        "p"
    )


def test_crps_matches_the_normal_closed_form() -> None:
    # Gneiting and Raftery (2007), eq. 5: CRPS(N(0, s^2), y) = s [z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)]
    s, y = 0.05, 0.03
    z = y / s
    exact = s * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / math.sqrt(math.pi))
    draws = norm.ppf((np.arange(200_000) + 0.5) / 200_000) * s
    assert crps_sample(draws, y) == pytest.approx(exact, rel=2e-4)
    assert crps_sample([0.0, 0.0], 0.25) == 0.25


def test_diebold_mariano_by_hand() -> None:
    assert diebold_mariano([1, 0, 1], [1, 0, 1]) == (0.0, 1.0)
    # d = (1, 0, 1, 0) - 0: mean 0.5, sd (ddof=0) 0.5, se 0.25, stat 2, p = 2 (1 - Phi(2))
    stat, p = diebold_mariano([1, 0, 1, 0], [0, 0, 0, 0])
    assert stat == pytest.approx(2.0) and p == pytest.approx(2 * norm.sf(2.0), rel=1e-12)
    assert newey_west_se([1.0, -1.0, 1.0, -1.0], lags=0) == pytest.approx(0.5)


@pytest.mark.parametrize("model", FORECAST_MODELS)
def test_forecasts_use_only_data_before_their_origin(portfolio_returns: pd.Series, model: str) -> None:
    origin = portfolio_returns.index[1200]
    full = forecast_distribution(portfolio_returns, model=model, origin=origin, n_draws=300, seed=4)
    cut = forecast_distribution(portfolio_returns.loc[:origin], model=model, n_draws=300, seed=4)
    np.testing.assert_array_equal(full, cut)
    # and changing every later day changes nothing
    future = portfolio_returns.copy()
    future[future.index > origin] = 0.05
    again = forecast_distribution(future, model=model, origin=origin, n_draws=300, seed=4)
    np.testing.assert_array_equal(full, again)
    assert full.shape == (300,) and np.isfinite(full).all()


def test_evaluation_is_out_of_sample(portfolio_returns: pd.Series) -> None:
    r = portfolio_returns.iloc[:1100]
    ev = evaluate_forecasts(r, horizon=21, models=("bootstrap",), window=500, n_draws=500)
    cutoff = 300  # rewrite every day after origin 300 + window: earlier forecasts must not move
    changed = r.copy()
    changed.iloc[500 + cutoff :] = -changed.iloc[500 + cutoff :]
    ev2 = evaluate_forecasts(changed, horizon=21, models=("bootstrap",), window=500, n_draws=500)
    early = ev.records["origin"] <= r.index[499 + cutoff]
    pd.testing.assert_frame_equal(
        ev.records.loc[early, ["origin", "median", "prob_up"]],
        ev2.records.loc[early, ["origin", "median", "prob_up"]],
    )
    # targets are the next 21 days after each origin, compounded
    row = ev.records.iloc[0]
    i = r.index.get_loc(row["origin"])
    assert row["realized"] == pytest.approx(float(np.prod(1 + r.iloc[i + 1 : i + 22]) - 1), rel=1e-12)
    assert row["target_end"] == r.index[i + 21]


def test_coverage_is_near_nominal_for_iid_data() -> None:
    rng = np.random.default_rng(8)
    r = pd.Series(rng.normal(0.0003, 0.01, 6000))
    ev = evaluate_forecasts(r, horizon=5, models=("bootstrap",), window=1000, n_draws=1000)
    t = ev.table().loc["bootstrap"]
    assert t["origins"] == len(range(999, 6000 - 5, 5))
    # 1,000 independent targets: binomial sd of the 90% coverage is about 0.01
    assert abs(t["coverage_50"] - 0.50) < 0.06
    assert abs(t["coverage_90"] - 0.90) < 0.04
    assert abs(t["coverage_95"] - 0.95) < 0.03
    # with no predictability the direction is no better than "always up" beyond noise
    assert abs(t["directional_accuracy"] - t["always_up_accuracy"]) < 0.1


def test_bad_input() -> None:
    r = pd.Series(np.zeros(100))
    with pytest.raises(ParameterError, match="model"):
        forecast_distribution(r, model="oracle")
    with pytest.raises(DataError, match="window=750"):
        forecast_distribution(r, model="bootstrap")
    with pytest.raises(ParameterError, match="window=100"):
        forecast_distribution(r, model="garch", window=100)


def test_a_failed_fit_is_reported_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    import tailkit.calibration

    def integrated(*args: object, **kwargs: object) -> None:
        raise ParameterError("persistence alpha + gamma/2 + beta of asset 0=1.0000000008 is not allowed")

    monkeypatch.setattr(tailkit.calibration, "fit_gjr_garch", integrated)
    r = pd.Series(np.random.default_rng(3).normal(0.0003, 0.01, 400))
    with pytest.raises(ConvergenceError, match="not usable"):
        forecast_distribution(r, model="garch", window=300)
    ev = evaluate_forecasts(r, horizon=10, models=("garch", "bootstrap"), window=300, n_draws=200)
    t = ev.table()
    n = len(range(299, 400 - 10, 10))
    assert t.loc["garch", "origins"] == 0 and t.loc["garch", "failed"] == n
    assert t.loc["bootstrap", "origins"] == n and t.loc["bootstrap", "failed"] == 0
    assert len(ev.failures) == n
