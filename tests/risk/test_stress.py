"""Stress tests: historical replay (published S&P 500 closes), factor shocks by hand, crisis Monte Carlo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tailkit import simulation
from tailkit.errors import DataError, ParameterError
from tailkit.pricing import bs_price
from tailkit.risk import (
    HISTORICAL_WINDOWS,
    STANDARD_SHOCKS,
    FactorShock,
    OptionBook,
    StressWindow,
    crisis_mask_from_vol,
    crisis_regime_params,
    estimate_factor_betas,
    factor_stress,
    historical_stress,
    monte_carlo_stress,
    regime_monte_carlo_stress,
    stress_table,
)


def test_replay_sp500_windows_match_published_closes(sp500_returns: pd.Series) -> None:
    # S&P 500 closes (Yahoo / S&P Dow Jones Indices): 1565.15 on 2007-10-09, 676.53 on 2009-03-09;
    # 1527.46 on 2000-03-24, 776.76 on 2002-10-09; 2930.75 on 2018-09-20, 2351.10 on 2018-12-24.
    res = historical_stress(sp500_returns.to_frame("SPX"), {"SPX": 1_000_000.0}, benchmark=sp500_returns)
    t = res.table
    assert t.loc["GFC 2007-09", "return"] == pytest.approx(676.53 / 1565.15 - 1, abs=1e-5)
    assert t.loc["dot-com 2000-02", "return"] == pytest.approx(776.76 / 1527.46 - 1, abs=1e-5)
    assert t.loc["Q4 2018 sell-off", "pnl"] == pytest.approx(1e6 * (2351.10 / 2930.75 - 1), abs=10)
    assert set(HISTORICAL_WINDOWS[i].name for i in range(6)) == set(t.index)
    # a buy-and-hold of the index never draws down less than its end-to-end loss
    assert (t["max_drawdown"] >= -t["return"] - 1e-12).all()
    assert (t["proxied"] == "").all()


def test_proxy_by_beta_and_user_window() -> None:
    idx = pd.bdate_range("2020-01-01", periods=200)
    rng = np.random.default_rng(2)
    bench = pd.Series(rng.normal(0, 0.01, 200), index=idx)
    a = 1.5 * bench + rng.normal(0, 0.001, 200)
    late = a.copy()
    late.iloc[:150] = np.nan  # listed late: no data in the window
    rets = pd.DataFrame({"A": a, "L": late})
    win = StressWindow("user window", str(idx[20].date()), str(idx[40].date()))
    res = historical_stress(rets, {"A": 1.0, "L": 1.0}, [win], benchmark=bench)
    row = res.table.loc["user window"]
    assert row["proxied"] == "L" and row["n_days"] == 20
    beta = np.cov(late.dropna(), bench.iloc[150:])[0, 1] / bench.iloc[150:].var()
    expected = np.prod(1 + beta * bench.iloc[21:41]) - 1
    assert res.position_pnl.loc["user window", "L"] == pytest.approx(expected, rel=1e-9)
    with pytest.raises(ParameterError, match="start < end"):
        StressWindow("bad", "2020-02-01", "2020-01-01")
    with pytest.raises(DataError):
        historical_stress(
            rets, {"A": 1.0}, [StressWindow("none", "1990-01-01", "1990-02-01")], benchmark=bench
        )


def test_factor_stress_linear_by_hand_and_options_repriced() -> None:
    betas = pd.DataFrame(
        {"equity": [1.2, 0.1], "vol": [-0.02, 0.0], "rates": [0.0, -7.0], "credit": [0.0, -2.0]},
        index=["stock", "bond"],
    )
    w = {"stock": 600.0, "bond": 400.0}
    book = OptionBook.from_frame(
        pd.DataFrame(
            {
                "underlying": ["SPX"],
                "kind": ["put"],
                "strike": [90.0],
                "expiry": [0.5],
                "vol": [0.2],
                "quantity": [3.0],
            }
        ),
        {"SPX": 100.0},
        rate=0.02,
    )
    res = factor_stress(w, betas, STANDARD_SHOCKS, book=book)
    t = res.table
    # equity -20%: 600 * 1.2 * -0.2 + 400 * 0.1 * -0.2
    assert t.loc["equity -20%", "linear_pnl"] == pytest.approx(600 * 1.2 * -0.2 + 400 * 0.1 * -0.2)
    # rates +100bp through duration 7: 400 * -7 * 0.01
    assert t.loc["rates +100bp", "linear_pnl"] == pytest.approx(-28.0)
    # credit +200bp through spread duration 2: 400 * -2 * 0.02
    assert t.loc["credit +200bp", "linear_pnl"] == pytest.approx(-16.0)
    # vol x2: vol factor +100%
    assert t.loc["vol x2", "linear_pnl"] == pytest.approx(600 * -0.02 * 1.0)
    base = bs_price("put", 100.0, 90.0, 0.5, 0.02, 0.2)
    # no betas row for SPX -> beta 1 to equity; combined: spot 80, vol 0.4, rate 0.03
    comb = 3.0 * (bs_price("put", 80.0, 90.0, 0.5, 0.03, 0.4) - base)
    assert t.loc["combined", "options_pnl"] == pytest.approx(comb, rel=1e-12)
    assert t.loc["vol x2", "options_pnl"] == pytest.approx(
        3.0 * (bs_price("put", 100.0, 90.0, 0.5, 0.02, 0.4) - base)
    )
    assert t.loc["combined", "pnl"] == pytest.approx(t.loc["combined", "linear_pnl"] + comb)
    assert "SPX" not in res.position_pnl.columns and len(res.position_pnl.columns) == 3
    with pytest.raises(ParameterError):
        FactorShock("bad", vol=0.0)
    with pytest.raises(DataError, match="no betas"):
        factor_stress({"x": 1.0}, betas)


def test_estimate_factor_betas_recovers_known_loadings() -> None:
    rng = np.random.default_rng(9)
    months = pd.date_range("2000-01-31", periods=120, freq="ME")
    cols = ["equity", "vol", "rates", "credit"]
    f = pd.DataFrame(rng.normal(0, [0.04, 0.2, 0.003, 0.002], (120, 4)), index=months, columns=cols)
    y = 0.8 * f["equity"] - 5.0 * f["rates"] + rng.normal(0, 1e-4, 120)
    # daily returns that compound exactly to the monthly ones: one non-zero day per month
    days = pd.bdate_range("1999-12-01", "2009-12-31")
    daily = pd.Series(0.0, index=days)
    for m, v in y.items():
        daily.loc[days[days <= m][-1]] = v
    b = estimate_factor_betas(daily.to_frame("X"), f)
    # OLS standard errors with the known noise sd: sigma sqrt((X'X)^-1_jj) on the 119 monthly
    # changes the estimate uses (the first month has no prior); tolerance k = 4 standard errors
    x = np.column_stack([np.ones(119), f.iloc[1:].to_numpy()])
    se = 1e-4 * np.sqrt(np.diag(np.linalg.inv(x.T @ x)))[1:]
    for j, (name, true) in enumerate(zip(cols, (0.8, 0.0, -5.0, 0.0), strict=True)):
        assert abs(b.loc["X", name] - true) <= 4 * se[j], name


def test_bundled_factor_betas_are_sensible(stock_returns: pd.DataFrame) -> None:
    b = estimate_factor_betas(stock_returns[["IBM", "MSFT"]])
    assert 0.5 < b.loc["IBM", "equity"] < 1.5 and 0.5 < b.loc["MSFT", "equity"] < 1.5


def test_monte_carlo_stress_reproducible_and_scenarios(small_returns: pd.DataFrame) -> None:
    w = {"A": 1.0, "B": 1.0, "C": 1.0}
    a = monte_carlo_stress(small_returns, w, horizon=10, n_sims=2000, seed=4)
    b = monte_carlo_stress(small_returns, w, horizon=10, n_sims=2000, seed=4)
    pd.testing.assert_frame_equal(a.table, b.table)
    t = a.table.rename(index=lambda k: k.split(": ")[1])
    assert (
        t.loc["worst", "pnl"] <= t.loc["ES 99%", "pnl"] <= t.loc["VaR 99%", "pnl"] <= t.loc["median", "pnl"]
    )
    # crisis days are the high-vol ones
    mask = crisis_mask_from_vol(small_returns.mean(axis=1))
    assert 0 < mask.mean() < 0.2
    sims = np.full((100, 3), -0.01)
    s = monte_carlo_stress(None, w, scenarios=pd.DataFrame(sims, columns=["A", "B", "C"]))
    assert s.table.loc["crisis bootstrap 21d: mean", "pnl"] == pytest.approx(-0.03)
    table = stress_table(a, s)
    assert list(table["kind"].unique()) == ["monte_carlo"]
    assert s.worst()[1] == pytest.approx(-0.03)


def test_monte_carlo_stress_var_es_against_sorted_reference() -> None:
    # 250 scenarios at 99%: a tail of 2.5 -> VaR the 3rd largest loss, ES (1st + 2nd + half the
    # 3rd) / 2.5 (Acerbi and Tasche 2002), written plainly with a sort
    sims = np.random.default_rng(6).standard_t(3, (250, 2)) * 0.02
    w = {"A": 2.0, "B": 1.0}
    res = monte_carlo_stress(None, w, scenarios=pd.DataFrame(sims, columns=["A", "B"]), horizon=5)
    pnl = sims @ np.array([2.0, 1.0])
    order = np.argsort(pnl)  # worst first
    t = res.table.rename(index=lambda k: k.split(": ")[1])
    assert t.loc["VaR 99%", "pnl"] == pnl[order[2]]
    es = (pnl[order[0]] + pnl[order[1]] + 0.5 * pnl[order[2]]) / 2.5
    assert t.loc["ES 99%", "pnl"] == pytest.approx(es, rel=1e-13)


def test_regime_stress_matches_lognormal_quantile() -> None:
    # one asset, absorbing crisis regime (mu = 0, sigma = 50%): 21-day returns are lognormal,
    # VaR 99% = -(exp(-sigma^2 T / 2 + sigma sqrt(T) z_0.01) - 1) per unit position
    p = simulation.RegimeParams(
        mu=((0.0,), (0.0,), (0.0,)),
        sigma=((0.1,), (0.2,), (0.5,)),
        transition=((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
        initial=(0.0, 0.0, 1.0),
    )
    n = 40_000
    res = regime_monte_carlo_stress(None, [1.0], regime_params=p, horizon=21, n_sims=n, seed=3)
    t = 21 / 252
    m, s = -0.125 * t, 0.5 * np.sqrt(t)
    q = np.exp(m + s * stats.norm.ppf(0.01)) - 1  # the 1% quantile of the horizon return
    # standard error of the sample quantile, sqrt(a (1 - a) / n) / f(q), with the lognormal
    # density of R = exp(X) - 1 at q (Glasserman 2003, sec. 9.1); tolerance k = 4 standard errors
    f_q = stats.norm.pdf((np.log1p(q) - m) / s) / (s * (1 + q))
    se = np.sqrt(0.01 * 0.99 / n) / f_q
    assert abs(-res.table.loc["crisis regime MC 21d: VaR 99%", "pnl"] - (-q)) <= 4 * se


def test_crisis_regime_params_are_ordered(stock_returns: pd.DataFrame) -> None:
    p = crisis_regime_params(stock_returns[["IBM", "MSFT"]])
    vols = np.asarray(p.sigma)
    assert (vols[0] < vols[1]).all() and (vols[1] < vols[2]).all()
    assert p.initial == (0.0, 0.0, 1.0)
    res = regime_monte_carlo_stress(
        stock_returns[["IBM", "MSFT"]], {"IBM": 1.0, "MSFT": 1.0}, n_sims=500, seed=1
    )
    again = regime_monte_carlo_stress(
        stock_returns[["IBM", "MSFT"]], {"IBM": 1.0, "MSFT": 1.0}, n_sims=500, seed=1
    )
    pd.testing.assert_frame_equal(res.table, again.table)
