"""The fourth-moment condition and kurtosis of GJR-GARCH(1,1) returns."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from tailkit.calibration.garch import fourth_moment_condition, shock_kurtosis
from tailkit.errors import ParameterError
from tailkit.simulation import GJRGARCHParams, simulate_gjr_garch


def _garch11_kurtosis(alpha: float, beta: float) -> float:
    # He & Terasvirta (1999), "Properties of moments of a family of GARCH processes",
    # J. Econometrics 92, for GARCH(1,1) with normal shocks (Bollerslev 1986, eq. 18):
    # kurtosis = 3 (1 - (alpha + beta)^2) / (1 - (alpha + beta)^2 - 2 alpha^2)
    p = alpha + beta
    return 3.0 * (1.0 - p**2) / (1.0 - p**2 - 2.0 * alpha**2)


@settings(max_examples=60, deadline=None)
@given(alpha=st.floats(0.0, 0.5), beta=st.floats(0.0, 0.98))
def test_garch11_normal_is_bollerslev(alpha: float, beta: float) -> None:
    # Bollerslev (1986), "Generalized autoregressive conditional heteroskedasticity",
    # J. Econometrics 31, Theorem 2: the fourth moment of a GARCH(1,1) with normal shocks
    # exists iff beta^2 + 2 alpha beta + 3 alpha^2 < 1
    assume(alpha + beta < 0.999)
    params = GJRGARCHParams(alpha=alpha, gamma=0.0, beta=beta, dist="normal")
    c = fourth_moment_condition(params)
    closed = beta**2 + 2 * alpha * beta + 3 * alpha**2
    assert c.innovation_kurtosis == 3.0
    assert c.value[0] == pytest.approx(closed, rel=1e-12, abs=1e-15)
    assert bool(c.exists[0]) == (closed < 1.0)
    if closed < 1.0:
        assert c.kurtosis[0] == pytest.approx(_garch11_kurtosis(alpha, beta), rel=1e-10)
    else:
        assert c.kurtosis[0] == np.inf


@pytest.mark.parametrize(
    ("alpha", "gamma", "beta", "nu"),
    [(0.02, 0.12, 0.89, 7.0), (0.0, 0.18, 0.85, 9.0), (0.05, -0.03, 0.9, 5.0), (0.1, 0.1, 0.7, 30.0)],
)
def test_gjr_student_t_against_numerical_integration(alpha, gamma, beta, nu) -> None:
    # independent computation of E[(beta + (alpha + gamma 1[z<0]) z^2)^2] for the unit-variance
    # Student-t (z = x sqrt((nu-2)/nu), x ~ t_nu), by quadrature of each half line
    s = np.sqrt((nu - 2.0) / nu)

    def integrand(z: float, arch: float) -> float:
        return (beta + arch * z * z) ** 2 * stats.t.pdf(z / s, nu) / s

    neg = integrate.quad(integrand, -np.inf, 0.0, args=(alpha + gamma,), epsabs=1e-13, epsrel=1e-12)[0]
    pos = integrate.quad(integrand, 0.0, np.inf, args=(alpha,), epsabs=1e-13, epsrel=1e-12)[0]
    c = fourth_moment_condition(GJRGARCHParams(alpha=alpha, gamma=gamma, beta=beta, dist="t", nu=nu))
    assert c.innovation_kurtosis == pytest.approx(3 * (nu - 2) / (nu - 4), rel=1e-14)
    assert c.value[0] == pytest.approx(neg + pos, rel=1e-8)


@pytest.mark.parametrize("nu", [4.5, 5.0, 7.0, 12.0, 100.0])
def test_shock_kurtosis_student_t(nu: float) -> None:
    # scipy's excess kurtosis of t_nu is 6 / (nu - 4); standardising does not change kurtosis
    assert shock_kurtosis("t", nu) == pytest.approx(3.0 + float(stats.t(nu).stats(moments="k")), rel=1e-12)
    assert shock_kurtosis("normal") == 3.0


@pytest.mark.parametrize("nu", [2.5, 3.0, 4.0])
def test_no_fourth_moment_when_nu_at_most_4(nu: float) -> None:
    c = fourth_moment_condition(GJRGARCHParams(alpha=0.02, gamma=0.1, beta=0.85, dist="t", nu=nu))
    assert shock_kurtosis("t", nu) == np.inf
    assert c.value[0] == np.inf and not c.exists[0] and c.kurtosis[0] == np.inf
    # no ARCH terms: h is constant but eps = sqrt(h) z still has no fourth moment
    flat = fourth_moment_condition(GJRGARCHParams(alpha=0.0, gamma=0.0, beta=0.5, dist="t", nu=nu))
    assert flat.value[0] == pytest.approx(0.25) and not flat.all_exist


def test_explicit_kurtosis_and_frame() -> None:
    p = GJRGARCHParams(
        alpha=(0.03, 0.0), gamma=(0.1, 0.2), beta=(0.88, 0.85), correlation=((1, 0.4), (0.4, 1)), nu=8.0
    )
    c = fourth_moment_condition(p, 6.0, names=["a", "b"])
    expected = [0.88**2 + 2 * 0.88 * 0.08 + 6 * (0.03**2 + 0.003 + 0.005), 0.85**2 + 0.85 * 0.2 + 6 * 0.02]
    np.testing.assert_allclose(c.value, expected, rtol=1e-12)
    frame = c.to_frame()
    assert list(frame.index) == ["a", "b"]
    assert list(frame.columns) == [
        "condition",
        "fourth_moment_exists",
        "innovation_kurtosis",
        "excess_kurtosis",
    ]
    assert frame["fourth_moment_exists"].tolist() == [bool(v < 1) for v in expected]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"innovation_kurtosis": 0.5}, "innovation_kurtosis=0.5"), ({"names": ["x", "y"]}, "names")],
)
def test_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        fourth_moment_condition(GJRGARCHParams(), **kwargs)


def _pooled_kurtosis(eps: np.ndarray) -> float:
    # mu = 0, so E[eps] = 0 is known: kurtosis = m4 / m2^2 on raw moments
    return float(np.mean(eps**4) / np.mean(eps**2) ** 2)


@pytest.mark.parametrize(
    ("params", "closed_form"),
    [
        # GARCH(1,1)-normal: He & Terasvirta (1999) closed form 3.3529...; its eighth moment
        # exists (E[(0.8 + 0.1 z^2)^4] = 0.79 < 1), so the sample kurtosis has a finite variance
        (GJRGARCHParams(mu=0.0, omega=1e-5, alpha=0.1, gamma=0.0, beta=0.8, dist="normal"), None),
        # GJR with Student-t(12) shocks (kappa_z = 3.75): the closed form is the function's
        (GJRGARCHParams(mu=0.0, omega=1e-5, alpha=0.02, gamma=0.08, beta=0.85, dist="t", nu=12.0), "own"),
    ],
)
def test_kurtosis_matches_long_simulation(params: GJRGARCHParams, closed_form) -> None:
    c = fourth_moment_condition(params)
    assert c.all_exist
    expected = float(c.kurtosis[0])
    if closed_form is None:
        assert expected == pytest.approx(_garch11_kurtosis(0.1, 0.8), rel=1e-12)
    paths = simulate_gjr_garch(params, n_paths=4000, n_steps=1200, seed=2024, store_variance=False)
    eps = paths.returns()[:, 200:, 0]  # burn-in 200 steps (persistence^200 < 1e-7)
    # paths are independent: the MC standard error from 40 groups of 100 paths
    groups = np.array([_pooled_kurtosis(g) for g in np.array_split(eps, 40)])
    se = groups.std(ddof=1) / np.sqrt(len(groups))
    assert (expected - 3.0) > 6 * se  # the test can tell the model's kurtosis from a normal's
    assert abs(_pooled_kurtosis(eps) - expected) < 4 * se
