"""Performance metrics: empyrical on bundled real returns, hand computations on small series with NaNs."""

from __future__ import annotations

import math

import empyrical as ep
import numpy as np
import pandas as pd
import pytest

from tailkit.errors import ParameterError
from tailkit.risk import metrics as M
from tailkit.risk import performance_report, rolling_metrics

SMALL = np.array([0.01, np.nan, -0.02, 0.03, np.nan, -0.01])


def test_small_series_with_nans_by_hand() -> None:
    x = np.array([0.01, -0.02, 0.03, -0.01])  # the non-NaN values
    total = 1.01 * 0.98 * 1.03 * 0.99 - 1
    assert M.total_return(SMALL) == pytest.approx(total, rel=1e-14)
    # empyrical: NaN compounds as 0 but still counts as a period (6 periods)
    assert M.annual_return(SMALL) == pytest.approx((1 + total) ** (252 / 6) - 1, rel=1e-12)
    assert M.annual_volatility(SMALL) == pytest.approx(np.std(x, ddof=1) * math.sqrt(252), rel=1e-14)
    assert M.sharpe_ratio(SMALL) == pytest.approx(0.0025 / np.std(x, ddof=1) * math.sqrt(252), rel=1e-12)
    dr = math.sqrt((0.02**2 + 0.01**2) / 4) * math.sqrt(252)
    assert M.downside_risk(SMALL) == pytest.approx(dr, rel=1e-14)
    assert M.sortino_ratio(SMALL) == pytest.approx(0.0025 * 252 / dr, rel=1e-12)
    # NAV: 1.01, 1.01, 0.9898, 1.019494, 1.019494, 1.00929906 ; peak 1.01 then 1.019494
    dd = [0, 0, 0.9898 / 1.01 - 1, 0, 0, 0.99 - 1]
    assert M.max_drawdown(SMALL) == pytest.approx(-0.02, rel=1e-12)
    np.testing.assert_allclose(M.drawdown_series(SMALL), dd, atol=1e-15)
    assert M.ulcer_index(SMALL) == pytest.approx(math.sqrt(np.mean(np.square(dd))), rel=1e-12)
    assert M.time_under_water(SMALL) == pytest.approx(2 / 6)
    assert M.max_drawdown_duration(SMALL) == 2  # down on period 3, recovered on period 4
    assert M.max_drawdown_duration([0.01, -0.05, 0.01]) == 2  # unrecovered: to the end
    assert M.calmar_ratio(SMALL) == pytest.approx(M.annual_return(SMALL) / 0.02, rel=1e-12)
    assert M.omega_ratio(SMALL) == pytest.approx(0.04 / 0.03, rel=1e-12)
    assert M.profit_factor(SMALL) == pytest.approx(0.04 / 0.03, rel=1e-12)
    assert M.hit_rate(SMALL) == 0.5
    assert (M.best_period(SMALL), M.worst_period(SMALL)) == (0.03, -0.02)
    assert (M.avg_win(SMALL), M.avg_loss(SMALL)) == pytest.approx((0.02, -0.015))
    # 4 valid returns at 95%: a tail of 0.2 returns -> VaR and ES are the worst return (as returns)
    assert M.value_at_risk(SMALL) == -0.02
    assert M.cvar(SMALL) == -0.02
    # 50 returns at 90%: a tail of 5 -> VaR the 5th worst, ES the mean of the 5 worst; at 95%:
    # a tail of 2.5 -> VaR the 3rd worst, ES (worst + 2nd + half the 3rd) / 2.5 (Acerbi-Tasche 2002)
    fifty = -np.arange(1.0, 51.0) / 100.0  # -0.01 .. -0.50, worst -0.50
    assert M.value_at_risk(fifty, 0.9) == -0.46
    assert M.cvar(fifty, 0.9) == pytest.approx(-0.48, rel=1e-14)
    assert M.value_at_risk(fifty, 0.95) == -0.48
    assert M.cvar(fifty, 0.95) == pytest.approx(-(0.50 + 0.49 + 0.5 * 0.48) / 2.5, rel=1e-14)
    assert M.tail_ratio(SMALL) == pytest.approx(abs(0.03 - 0.15 * 0.02) / 0.0185, rel=1e-12)
    b = np.array([0.02, 0.01, -0.01, 0.02, np.nan, -0.02])
    # beta on the 4 common periods (0, 2, 3, 5): population cov / var
    r3, b3 = np.array([0.01, -0.02, 0.03, -0.01]), np.array([0.02, -0.01, 0.02, -0.02])
    beta = np.mean((b3 - b3.mean()) * r3) / np.var(b3)
    assert M.beta(SMALL, b) == pytest.approx(beta, rel=1e-12)


def test_all_nan_and_short_series_are_nan() -> None:
    for f in (M.annual_volatility, M.sharpe_ratio, M.sortino_ratio, M.skew, M.tail_ratio, M.stability):
        assert math.isnan(f(np.array([np.nan, np.nan])))
    assert math.isnan(M.calmar_ratio([0.01, 0.02]))  # no drawdown


def test_agrees_with_empyrical_on_bundled_returns(
    stock_returns: pd.DataFrame, sp500_returns: pd.Series
) -> None:
    r = stock_returns["IBM"].copy()
    r.iloc[[10, 500, 501]] = np.nan  # NaNs inside the sample
    b = sp500_returns.reindex(r.index)
    rn, bn = r.to_numpy(), b.to_numpy()
    pairs = {
        "annual_return": (M.annual_return(rn), ep.annual_return(rn)),
        "cagr": (M.cagr(rn), ep.cagr(rn)),
        "annual_volatility": (M.annual_volatility(rn), ep.annual_volatility(rn)),
        "sharpe_ratio": (M.sharpe_ratio(rn), ep.sharpe_ratio(rn)),
        "sortino_ratio": (M.sortino_ratio(rn), ep.sortino_ratio(rn)),
        "downside_risk": (M.downside_risk(rn), ep.downside_risk(rn)),
        "calmar_ratio": (M.calmar_ratio(rn), ep.calmar_ratio(rn)),
        "omega_ratio": (M.omega_ratio(rn), ep.omega_ratio(rn)),
        "max_drawdown": (M.max_drawdown(rn), ep.max_drawdown(rn)),
        "tail_ratio": (M.tail_ratio(rn), ep.tail_ratio(rn)),
        "stability": (M.stability(rn), ep.stability_of_timeseries(rn)),
        "alpha": (M.alpha(rn, bn), ep.alpha(rn, bn)),
        "beta": (M.beta(rn, bn), ep.beta(rn, bn)),
        "information_ratio": (M.information_ratio(rn, bn), ep.excess_sharpe(rn, bn) * math.sqrt(252)),
        "up_capture": (M.up_capture(rn, bn), ep.up_capture(rn, bn)),
        "down_capture": (M.down_capture(rn, bn), ep.down_capture(rn, bn)),
    }
    for name, (ours, theirs) in pairs.items():
        assert ours == pytest.approx(theirs, rel=1e-9), name


def test_report_side_by_side_with_default_benchmark(stock_returns: pd.DataFrame) -> None:
    rep = performance_report(stock_returns[["AAPL", "MSFT"]])
    table = rep.to_frame()
    assert list(table.columns) == ["AAPL", "MSFT", "S&P 500"]
    assert len(table) >= 25
    needed = {
        "annual_return",
        "cagr",
        "annual_volatility",
        "sharpe_ratio",
        "sortino_ratio",
        "calmar_ratio",
        "omega_ratio",
        "max_drawdown",
        "max_drawdown_duration",
        "ulcer_index",
        "tail_ratio",
        "skew",
        "kurtosis",
        "value_at_risk",
        "cvar",
        "downside_risk",
        "stability",
        "alpha",
        "beta",
        "information_ratio",
        "tracking_error",
        "up_capture",
        "down_capture",
        "hit_rate",
        "profit_factor",
        "best_period",
        "worst_period",
        "time_under_water",
    }
    assert needed <= set(table.index)
    assert table.loc["beta", "S&P 500"] == pytest.approx(1.0)
    assert rep.benchmark_name == "S&P 500" and rep.start == "2000-03-02"
    d = rep.to_dict()
    assert d["AAPL"]["hit_rate"] == pytest.approx(table.loc["hit_rate", "AAPL"])
    none = performance_report(np.random.default_rng(0).normal(0, 0.01, 100), benchmark=False)
    assert "beta" not in none.to_frame().index


def test_rolling_metrics_match_direct(sp500_returns: pd.Series, stock_returns: pd.DataFrame) -> None:
    r = stock_returns["MSFT"].dropna().iloc[:400]
    b = sp500_returns.reindex(r.index)
    roll = rolling_metrics(
        r, window=60, benchmark=b, metrics=("sharpe_ratio", "max_drawdown", "beta", "alpha")
    )
    last = r.iloc[-60:]
    assert roll["sharpe_ratio"].iloc[-1] == pytest.approx(M.sharpe_ratio(last), rel=1e-9)
    assert roll["max_drawdown"].iloc[-1] == pytest.approx(M.max_drawdown(last), rel=1e-12)
    assert roll["beta"].iloc[-1] == pytest.approx(M.beta(last, b.iloc[-60:]), rel=1e-9)
    assert roll["alpha"].iloc[-1] == pytest.approx(M.alpha(last, b.iloc[-60:]), rel=1e-9)
    assert roll.iloc[:59].isna().all().all()


# the example (empyrical-reloaded 0.7.1 roll_sharpe_ratio on the same returns)
ROLL_R = np.array([np.nan, 0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10])
ROLL_B = np.array([0.02, np.nan, 0.05, -0.03, 0.01, -0.02, 0.03, 0.02, -0.08])


def test_rolling_metrics_use_the_valid_values_of_each_window() -> None:
    roll = rolling_metrics(
        pd.Series(ROLL_R),
        window=6,
        benchmark=pd.Series(ROLL_B),
        metrics=("sharpe_ratio", "annual_volatility", "annual_return", "max_drawdown", "beta", "alpha"),
    )
    np.testing.assert_allclose(
        roll["sharpe_ratio"].iloc[5:], [7.5744525885, 8.22784105, 8.22784105, -3.1374751], rtol=1e-9
    )
    assert roll.iloc[:5].isna().all().all()
    # every rolling metric agrees with empyrical's roll_* (which compute on each window's values)
    refs = {
        "sharpe_ratio": ep.roll_sharpe_ratio(ROLL_R, window=6),
        "annual_volatility": ep.roll_annual_volatility(ROLL_R, window=6),
        "annual_return": [ep.annual_return(ROLL_R[t - 5 : t + 1]) for t in range(5, 9)],
        "max_drawdown": ep.roll_max_drawdown(ROLL_R, window=6),
        "beta": ep.roll_beta(ROLL_R, ROLL_B, window=6),
        "alpha": ep.roll_alpha(ROLL_R, ROLL_B, window=6),
    }
    for name, ref in refs.items():
        np.testing.assert_allclose(roll[name].iloc[5:], ref, rtol=1e-12, err_msg=name)


def test_capture_and_conditional_alpha_beta_match_empyrical(
    stock_returns: pd.DataFrame, sp500_returns: pd.Series
) -> None:
    r = stock_returns["AAPL"].copy()
    b = sp500_returns.reindex(r.index)
    up_days = np.flatnonzero(b.to_numpy() > 0)[:3]
    r.iloc[up_days] = np.nan  # NaN returns on up-benchmark days
    rn, bn = r.to_numpy(), b.to_numpy()
    # captures are ratios of (prod(1 + r)) ** (252 / n): products taken in another order differ
    # in the last ulps, and the power amplifies that to a few 1e-12 (the other metrics: 1e-9 above)
    assert M.capture(rn, bn) == pytest.approx(ep.capture(rn, bn), rel=1e-10)
    assert M.up_capture(rn, bn) == pytest.approx(ep.up_capture(rn, bn), rel=1e-10)
    assert M.down_capture(rn, bn) == pytest.approx(ep.down_capture(rn, bn), rel=1e-10)
    for ours, theirs in ((M.up_alpha_beta(rn, bn), ep.up_alpha_beta(rn, bn)),
                         (M.down_alpha_beta(rn, bn), ep.down_alpha_beta(rn, bn))):  # fmt: skip
        assert (ours.alpha, ours.beta) == pytest.approx(tuple(theirs), rel=1e-12)
    ab = M.up_alpha_beta(ROLL_R, ROLL_B)
    assert (ab.alpha, ab.beta) == pytest.approx((-0.9957409, 2.14285714), rel=1e-7)
    assert M.capture(ROLL_R, ROLL_B) == pytest.approx(-12.116772776195097, rel=1e-12)
    assert {"capture"} <= set(M.BENCHMARK_METRICS)


def test_ratios_take_a_per_period_risk_free_series(
    stock_returns: pd.DataFrame, sp500_returns: pd.Series
) -> None:
    r = stock_returns["MSFT"].copy()
    r.iloc[[3, 40, 41]] = np.nan
    b = sp500_returns.reindex(r.index)
    rn, bn = r.to_numpy(), b.to_numpy()
    rf = 0.02 / 252 + 0.01 / 252 * np.sin(np.arange(rn.size) / 50.0)  # a moving T-bill rate
    # empyrical subtracts an array risk-free elementwise before dropping NaNs
    assert M.sharpe_ratio(rn, rf) == pytest.approx(ep.sharpe_ratio(rn, risk_free=rf), rel=1e-12)
    assert M.sortino_ratio(rn, rf) == pytest.approx(ep.sortino_ratio(rn, required_return=rf), rel=1e-12)
    assert M.downside_risk(rn, rf) == pytest.approx(ep.downside_risk(rn, required_return=rf), rel=1e-12)
    assert M.omega_ratio(rn, risk_free=rf) == pytest.approx(ep.omega_ratio(rn, risk_free=rf), rel=1e-12)
    # a constant risk-free: as empyrical (its beta ignores risk_free; constant excess leaves it unchanged)
    assert M.alpha(rn, bn, 0.0001) == pytest.approx(ep.alpha(rn, bn, risk_free=0.0001), rel=1e-12)
    assert M.beta(rn, bn, 0.0001) == pytest.approx(ep.beta(rn, bn), rel=1e-12)
    # a series: CAPM on excess returns, r - rf = a + beta (b - rf), on the common periods (closed form)
    ok = ~np.isnan(rn) & ~np.isnan(bn)
    x, y = bn[ok] - rf[ok], rn[ok] - rf[ok]
    beta = np.mean((x - x.mean()) * y) / np.var(x)
    assert M.beta(rn, bn, rf) == pytest.approx(beta, rel=1e-12)
    assert M.alpha(rn, bn, rf) == pytest.approx((1 + np.mean(y - beta * x)) ** 252 - 1, rel=1e-12)
    # Series are aligned on their index
    rf_s = pd.Series(rf, index=r.index)
    assert M.sharpe_ratio(r, rf_s.iloc[::-1]) == pytest.approx(M.sharpe_ratio(rn, rf), rel=1e-12)
    with pytest.raises(ParameterError, match="risk_free"):
        M.sharpe_ratio(rn, rf[:-1])
