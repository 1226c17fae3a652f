"""VaR/ES: hand-computed historical values, closed-form parametric values, Euler allocations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from tailkit.errors import DataError, ParameterError
from tailkit.risk import compare_var_es, historical_var_es_arrays, scenario_var_es, var_es


def test_historical_integer_tail_by_hand() -> None:
    # 10 scenarios, 80%: the tail is the 2 largest losses; VaR = the 2nd largest loss
    pnl = np.array([1.0, -4.0, 2.0, -1.0, 0.5, -3.0, 0.0, 2.5, -0.5, 1.5])
    res = var_es(pnl[:, None], [1.0], confidence=0.8)
    assert res.var == pytest.approx(3.0)
    assert res.es == pytest.approx(3.5)


def test_historical_fractional_tail_by_hand() -> None:
    # 10 scenarios, 75%: tail size 2.5 -> ES = (4 + 3 + 0.5 * 1) / 2.5 (Acerbi-Tasche), VaR = 3rd loss
    pnl = np.array([1.0, -4.0, 2.0, -1.0, 0.5, -3.0, 0.0, 2.5, -0.5, 1.5])
    res = var_es(pnl[:, None], [1.0], confidence=0.75)
    assert res.var == pytest.approx(1.0)
    assert res.es == pytest.approx((4 + 3 + 0.5 * 1) / 2.5)


def test_historical_components_are_tail_means(small_returns: pd.DataFrame) -> None:
    w = pd.Series({"A": 2.0, "B": -1.0, "C": 0.5})
    res = var_es(small_returns, w, confidence=0.95)
    pnl = small_returns.to_numpy() @ w.to_numpy()
    order = np.argsort(pnl)  # tail size 750 * 5% = 37.5: the 37 worst in full, half of the 38th
    tail, k = order[:37], order[:38]
    pos_loss = -(small_returns.to_numpy() * w.to_numpy())
    ref = (pos_loss[tail].sum(axis=0) + 0.5 * pos_loss[k[-1]]) / 37.5
    np.testing.assert_allclose(res.component_es, ref, rtol=1e-12)
    assert res.component_es.sum() == pytest.approx(res.es, rel=1e-12)
    assert res.component_var.sum() == pytest.approx(res.var, rel=1e-12)
    assert res.es >= res.var
    frame = res.to_frame()
    assert list(frame.index) == ["A", "B", "C"]
    assert frame["es_share"].sum() == pytest.approx(1.0)


def test_fast_path_matches_numpy_reference() -> None:
    rng = np.random.default_rng(0)
    r = rng.standard_normal((1000, 50)) * 0.01
    w = rng.uniform(0, 1, 50)
    out = historical_var_es_arrays(r, w, (0.95, 0.99))
    losses = -(r @ w)
    for i, c in enumerate((0.95, 0.99)):
        k = round(1000 * (1 - c))
        idx = np.argpartition(losses, -k)[-k:]
        assert out.var[i] == pytest.approx(losses[idx].min(), rel=1e-13)
        assert out.es[i] == pytest.approx(losses[idx].mean(), rel=1e-13)
        np.testing.assert_allclose(out.component_es[i], -(r[idx] * w).mean(axis=0), rtol=1e-11, atol=1e-15)


def test_parametric_normal_closed_form(small_returns: pd.DataFrame) -> None:
    w = np.array([0.5, 0.3, 0.2])
    x = small_returns.to_numpy()
    mu, cov = x.mean(axis=0) @ w, w @ np.cov(x, rowvar=False) @ w
    z = stats.norm.ppf(0.99)
    for h in (1, 10):
        res = var_es(small_returns, w, confidence=0.99, method="parametric", horizon=h)
        assert res.var == pytest.approx(-mu * h + z * math.sqrt(cov * h), rel=1e-12)
        es = -mu * h + math.sqrt(cov * h) * stats.norm.pdf(z) / 0.01
        assert res.es == pytest.approx(es, rel=1e-12)
        assert res.component_var.sum() == pytest.approx(res.var, rel=1e-12)
        assert res.component_es.sum() == pytest.approx(res.es, rel=1e-12)
        # marginal VaR from the covariance: -mu_j h + z sqrt(h) (Sigma w)_j / sigma
        sig = np.cov(x, rowvar=False) @ w
        np.testing.assert_allclose(
            res.marginal_var, -x.mean(axis=0) * h + z * math.sqrt(h) * sig / math.sqrt(cov), rtol=1e-10
        )


def _cf_by_hand(pnl: np.ndarray, c: float) -> tuple[float, float]:
    n = pnl.size
    d = pnl - pnl.mean()
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    s, k = m3 / m2**1.5, m4 / m2**2 - 3
    sd = math.sqrt(m2 * n / (n - 1))

    def q(u: float) -> float:
        zz = stats.norm.ppf(u)
        return zz + (zz**2 - 1) * s / 6 + (zz**3 - 3 * zz) * k / 24 - (2 * zz**3 - 5 * zz) * s**2 / 36

    var = -(pnl.mean() + sd * q(1 - c))
    # ES: tail average of the Cornish-Fisher quantile function, integrated numerically
    tail, _ = integrate.quad(q, 0.0, 1 - c, limit=200)
    es = -(pnl.mean() + sd * tail / (1 - c))
    return var, es


def test_cornish_fisher_against_quantile_integral(small_returns: pd.DataFrame) -> None:
    w = np.array([1.0, 0.2, -0.3])
    res = var_es(small_returns, w, confidence=0.99, method="cornish_fisher")
    var, es = _cf_by_hand(small_returns.to_numpy() @ w, 0.99)
    assert res.var == pytest.approx(var, rel=1e-10)
    assert res.es == pytest.approx(es, rel=1e-7)


def test_cornish_fisher_euler_gradient(small_returns: pd.DataFrame) -> None:
    w = np.array([1.0, 0.2, -0.3])
    res = var_es(small_returns, w, confidence=0.975, method="cornish_fisher")
    assert res.component_var.sum() == pytest.approx(res.var, rel=1e-10)
    assert res.component_es.sum() == pytest.approx(res.es, rel=1e-10)
    eps = 1e-6
    for j in range(3):
        up, dn = w.copy(), w.copy()
        up[j] += eps
        dn[j] -= eps
        a = var_es(small_returns, up, confidence=0.975, method="cornish_fisher")
        b = var_es(small_returns, dn, confidence=0.975, method="cornish_fisher")
        assert res.marginal_var[j] == pytest.approx((a.var - b.var) / (2 * eps), rel=1e-5)
        assert res.marginal_es[j] == pytest.approx((a.es - b.es) / (2 * eps), rel=1e-5)


def test_monte_carlo_normal_converges_to_parametric(small_returns: pd.DataFrame) -> None:
    w = np.array([0.4, 0.4, 0.2])
    p = var_es(small_returns, w, confidence=0.99, method="parametric")
    n = 400_000
    mc = var_es(small_returns, w, confidence=0.99, method="monte_carlo", n_sims=n, seed=1)
    # Monte Carlo draws N(mu, Sigma) fitted to the sample, so the portfolio loss is normal with
    # the sample's sigma. Standard errors of the estimators (asymptotic, e.g. Glasserman,
    # Monte Carlo Methods in Financial Engineering, 2003, sec. 9.1): the sample quantile
    # sqrt(a (1 - a) / n) / f(q), with f(q) = phi(z) / sigma; the tail mean
    # sigma sqrt((var(Z | Z > z) + a (lam - z)^2) / (n a)), lam = phi(z) / a. Tolerance: k = 4
    # standard errors (a false failure once in ~16,000 runs).
    a, k = 0.01, 4.0
    sigma = float(np.std(small_returns.to_numpy() @ w, ddof=1))
    z = stats.norm.ppf(1 - a)
    lam = stats.norm.pdf(z) / a
    se_var = sigma * math.sqrt(a * (1 - a) / n) / stats.norm.pdf(z)
    se_es = sigma * math.sqrt((1 + z * lam - lam**2 + a * (lam - z) ** 2) / (n * a))
    assert abs(mc.var - p.var) <= k * se_var
    assert abs(mc.es - p.es) <= k * se_es
    again = var_es(small_returns, w, confidence=0.99, method="monte_carlo", n_sims=n, seed=1)
    assert again.var == mc.var
    t = var_es(small_returns, w, confidence=0.99, method="monte_carlo", distribution="t", dof=4, seed=1)
    assert t.es / t.var > mc.es / mc.var  # fatter tail


def test_horizon_scaling(small_returns: pd.DataFrame) -> None:
    w = [1.0, 1.0, 1.0]
    one = var_es(small_returns, w, confidence=0.99)
    ten = var_es(small_returns, w, confidence=0.99, horizon=10)
    assert ten.var == pytest.approx(one.var * math.sqrt(10), rel=1e-12)
    ov = var_es(small_returns, w, confidence=0.99, horizon=10, scaling="overlapping")
    assert ov.n_scenarios == 741 and ov.var > one.var


def test_missing_rows_are_dropped_and_inputs_checked(small_returns: pd.DataFrame) -> None:
    r = small_returns.copy()
    r.iloc[5, 0] = np.nan
    res = var_es(r, {"A": 1.0, "B": 1.0})
    assert res.n_scenarios == 749
    assert var_es(r, {"B": 1.0}).n_scenarios == 750  # the NaN is in a position not held
    with pytest.raises(ParameterError, match="confidence"):
        var_es(r, [1, 1, 1], confidence=1.2)
    with pytest.raises(DataError, match="not columns"):
        var_es(r, {"Z": 1.0})
    with pytest.raises(ParameterError, match="weights"):
        var_es(r, [1.0, 2.0])
    with pytest.raises(ParameterError, match="method"):
        var_es(r, [1, 1, 1], method="magic")  # type: ignore[arg-type]
    with pytest.raises(DataError):
        historical_var_es_arrays(np.array([[np.nan], [1.0]]), np.ones(1), 0.9)


def test_scenario_var_es_and_compare(small_returns: pd.DataFrame) -> None:
    res = scenario_var_es(small_returns.to_numpy(), np.ones(3), confidence=0.95)
    assert res.method == "monte_carlo" and res.var > 0
    table = compare_var_es(small_returns, np.ones(3), n_sims=2000, seed=0)
    assert set(table["method"]) == {"historical", "parametric", "cornish_fisher", "monte_carlo"}
    assert (table["es"] >= table["var"]).all()


def test_real_data_historical_vs_empirical_quantile(sp500_returns: pd.Series) -> None:
    # S&P 500 1999-2018: 99% historical VaR of a 1.0 position is the ceil(n 0.01)-th largest loss
    r = sp500_returns.to_frame()
    res = var_es(r, [1.0], confidence=0.99)
    losses = np.sort(-sp500_returns.to_numpy())[::-1]
    k = math.ceil(round(losses.size * 0.01, 9))
    assert res.var == pytest.approx(losses[k - 1])
    assert 0.02 < res.var < 0.05


@settings(max_examples=60)
@given(
    st.integers(5, 300),
    st.lists(st.floats(0.5, 0.999), min_size=1, max_size=4),
    st.integers(0, 2**32 - 1),
)
def test_fast_path_matches_sorted_reference(n: int, levels: list[float], seed: int) -> None:
    rng = np.random.default_rng(seed)
    r = np.round(rng.standard_normal((n, 3)), 1)  # rounding makes ties
    w = np.array([1.0, -0.5, 2.0])
    out = historical_var_es_arrays(r, w, levels)
    losses = -(r @ w)
    order = np.argsort(-losses, kind="stable")
    for i, c in enumerate(levels):
        tail = n * (1 - c)
        tail = round(tail) if abs(tail - round(tail)) < 1e-9 else tail
        m = min(int(np.floor(tail)), n - 1)
        frac = tail - m
        sl = losses[order]
        assert out.var[i] == pytest.approx(sl[max(math.ceil(tail), 1) - 1] if frac == 0 else sl[m], abs=1e-12)
        es = (sl[:m].sum() + frac * sl[m]) / (m + frac)
        assert out.es[i] == pytest.approx(es, rel=1e-12, abs=1e-12)
        assert out.component_es[i].sum() == pytest.approx(out.es[i], rel=1e-9, abs=1e-9)
        assert out.es[i] >= out.var[i] - 1e-12
