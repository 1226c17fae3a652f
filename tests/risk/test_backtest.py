"""VaR backtests against Jorion's Kupiec table and closed-form LR statistics by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tailkit.errors import DataError, ParameterError
from tailkit.risk import backtest_var, christoffersen_independence, kupiec_pof, rolling_var_forecast

CRIT = stats.chi2.ppf(0.95, 1)

# Jorion, "Value at Risk" (3rd ed., 2007), ch. 6, table "Model backtesting, 95% nonrejection test
# confidence regions" (after Kupiec 1995): (p, T) -> (lowest, highest) number of exceptions not rejected.
JORION_KUPIEC = {
    (0.01, 510): (2, 10),
    (0.01, 1000): (5, 16),
    (0.025, 252): (3, 11),
    (0.025, 510): (7, 20),
    (0.025, 1000): (16, 35),
    (0.05, 252): (7, 19),
    (0.05, 510): (17, 35),
    (0.05, 1000): (38, 64),
    (0.075, 252): (12, 27),
    (0.075, 510): (28, 50),
    (0.075, 1000): (60, 91),
    (0.10, 252): (17, 35),
    (0.10, 510): (39, 64),
    (0.10, 1000): (82, 119),
}


@pytest.mark.parametrize(("key", "region"), list(JORION_KUPIEC.items()))
def test_kupiec_nonrejection_regions_match_jorion(key: tuple[float, int], region: tuple[int, int]) -> None:
    p, n = key
    ok = [x for x in range(n + 1) if kupiec_pof(n, x, 1 - p) < CRIT]
    assert (ok[0], ok[-1]) == region


def test_kupiec_upper_bound_at_one_percent_252_days() -> None:
    # Jorion's table: p = 1%, T = 252 -> N < 7 (6 exceptions accepted, 7 rejected)
    assert kupiec_pof(252, 6, 0.99) < CRIT < kupiec_pof(252, 7, 0.99)


def test_lr_statistics_by_hand() -> None:
    hits = np.array([0, 0, 0, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    # n = 10, x = 3, p = 0.1
    pof = -2 * (7 * math.log(0.9) + 3 * math.log(0.1)) + 2 * (7 * math.log(0.7) + 3 * math.log(0.3))
    # transitions: n00 = 5, n01 = 1, n10 = 1, n11 = 2; pi0 = 1/6, pi1 = 2/3, pi = 3/9
    ind = -2 * (6 * math.log(2 / 3) + 3 * math.log(1 / 3)) + 2 * (
        5 * math.log(5 / 6) + 1 * math.log(1 / 6) + 1 * math.log(1 / 3) + 2 * math.log(2 / 3)
    )
    assert kupiec_pof(10, 3, 0.9) == pytest.approx(pof, rel=1e-14)
    assert christoffersen_independence(hits) == pytest.approx(ind, rel=1e-14)
    bt = backtest_var(None, None, confidence=0.9, hits=hits)
    assert (bt.n00, bt.n01, bt.n10, bt.n11) == (5, 1, 1, 2)
    assert bt.lr_cc == pytest.approx(pof + ind, rel=1e-14)
    assert bt.p_cc == pytest.approx(stats.chi2.sf(pof + ind, 2), rel=1e-12)
    frame = bt.to_frame()
    assert list(frame["dof"]) == [1, 1, 2]


def test_unclustered_hits_have_zero_independence_stat() -> None:
    # 0,1,1,0,0,0,1,0,0,0: pi0 = 2/6 = pi1 = 1/3 = pi -> LR_ind = 0 exactly
    hits = np.array([0, 1, 1, 0, 0, 0, 1, 0, 0, 0], dtype=bool)
    assert christoffersen_independence(hits) == pytest.approx(0.0, abs=1e-12)
    assert kupiec_pof(250, 0, 0.99) == pytest.approx(-2 * 250 * math.log(0.99), rel=1e-14)


def test_backtest_from_pnl_and_forecasts() -> None:
    idx = pd.bdate_range("2020-01-01", periods=6)
    pnl = pd.Series([-1.0, 0.5, -3.0, 0.2, np.nan, -2.5], index=idx)
    var = pd.Series([2.0, 2.0, 2.0, 2.0, 2.0, 2.0], index=idx)
    bt = backtest_var(pnl, var, confidence=0.95)
    assert (bt.n, bt.exceptions) == (5, 2)
    assert not bt.passes(0.05) or bt.p_pof >= 0.05
    with pytest.raises(ParameterError):
        backtest_var(np.zeros(3), np.zeros(4))
    with pytest.raises(DataError):
        backtest_var(np.zeros(1), np.zeros(1))


def test_rolling_forecast_is_out_of_sample(sp500_returns: pd.Series) -> None:
    r = sp500_returns.iloc[:600]
    fc = rolling_var_forecast(r, window=250, confidence=0.99)
    assert fc.iloc[:250].isna().all()
    changed = r.copy()
    changed.iloc[400] = -0.5  # a crash on day 400 cannot move the forecast for day 400
    fc2 = rolling_var_forecast(changed, window=250, confidence=0.99)
    assert fc2.iloc[400] == fc.iloc[400]
    assert fc2.iloc[401] > fc.iloc[401]
    bt = backtest_var(r, fc, confidence=0.99)
    assert bt.n == 350


def _kth_largest_loss_reference(returns: np.ndarray, window: int, confidence: float) -> np.ndarray:
    # sort-based reference, written plainly: the k-th largest loss of the trailing window,
    # k = ceil(window (1 - c)) (3 for 250 days at 99%), shifted one day (out of sample)
    k = math.ceil(round(window * (1.0 - confidence), 9))
    out = np.full(returns.size, np.nan)
    for t in range(window, returns.size):
        losses = np.sort(-returns[t - window : t])[::-1]
        out[t] = losses[k - 1]
    return out


def test_rolling_historical_var_is_the_documented_order_statistic_with_ties() -> None:
    # 250 days at 99%: the 3rd largest loss. pandas' quantile at 2/249 with "lower"
    # interpolation took the 2nd (2/249 * 249 = 1.9999999999999998 in floating point).
    rng = np.random.default_rng(8)
    r = np.round(rng.normal(0.0, 0.01, 400), 3)  # many ties
    r[100:110] = -0.05  # a run of tied worst losses
    fc = rolling_var_forecast(pd.Series(r), window=250, confidence=0.99)
    np.testing.assert_array_equal(fc.to_numpy(), _kth_largest_loss_reference(r, 250, 0.99))
    # distinct losses: the 3rd largest, not the 2nd
    x = -np.arange(1.0, 251.0) / 1000.0  # losses 0.001 .. 0.250
    y = np.concatenate([rng.permutation(x), [0.0]])
    assert rolling_var_forecast(pd.Series(y), window=250, confidence=0.99).iloc[-1] == 0.248


@pytest.mark.parametrize(("window", "confidence"), [(250, 0.99), (250, 0.95), (500, 0.99), (100, 0.975)])
def test_rolling_historical_var_matches_sort_on_sp500(
    sp500_returns: pd.Series, window: int, confidence: float
) -> None:
    r = sp500_returns.iloc[:1500]
    fc = rolling_var_forecast(r, window=window, confidence=confidence)
    np.testing.assert_array_equal(
        fc.to_numpy(), _kth_largest_loss_reference(r.to_numpy(), window, confidence)
    )
    assert fc.index.equals(r.index)
