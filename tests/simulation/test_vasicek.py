"""Vasicek: exact transition moments, bond prices, kernel twins, errors."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.simulation import (
    VasicekParams,
    simulate_vasicek,
    vasicek_bond_price,
    vasicek_innovation_cov,
    vasicek_mean,
    vasicek_variance,
)
from tailkit.simulation import _kernels as K

TWO = VasicekParams(
    kappa=(0.3, 0.25), theta=(0.045, 0.047), sigma=(0.008, 0.0075), correlation=((1.0, 0.95), (0.95, 1.0))
)
R0 = (0.040, 0.043)


def test_conditional_mean_and_variance_match_closed_form() -> None:
    # reference: OU transition E[r_t] = theta + (r0 - theta) e^{-kt}, Var = s^2 (1 - e^{-2kt}) / 2k
    n = 20_000
    paths = simulate_vasicek(TWO, R0, n_paths=n, n_steps=63, dt=1 / 252, seed=7)
    t = paths.times[-1]
    terminal = paths.terminal()
    mean = vasicek_mean(TWO, R0, t)[0]
    var = vasicek_variance(TWO, t)[0]
    se_mean = np.sqrt(var / n)
    assert np.all(np.abs(terminal.mean(0) - mean) < 4 * se_mean)
    # variance of the sample variance of a normal: 2 var^2 / (n - 1)
    se_var = var * np.sqrt(2.0 / (n - 1))
    assert np.all(np.abs(terminal.var(0, ddof=1) - var) < 4 * se_var)


def test_one_step_innovation_covariance_is_exact() -> None:
    # reference: covariance of the exact one-step innovation (closed form in vasicek_innovation_cov)
    dt = 0.25  # a coarse step makes Euler and exact differ; the exact transition must still hold
    paths = simulate_vasicek(TWO, R0, n_paths=40_000, n_steps=1, dt=dt, seed=3)
    innov = paths.values[:, 1, :] - vasicek_mean(TWO, R0, dt)[0]
    cov = vasicek_innovation_cov(TWO, dt)
    emp = np.cov(innov.T)
    se = np.sqrt((cov**2 + np.outer(np.diag(cov), np.diag(cov))) / innov.shape[0])
    assert np.all(np.abs(emp - cov) < 4 * se)


def test_zero_coupon_bond_price_matches_closed_form() -> None:
    # reference: Vasicek (1977) bond price P = A exp(-B r0) (Brigo & Mercurio eq. 3.8)
    p = VasicekParams(kappa=(0.8,), theta=(0.05,), sigma=(0.02,))
    dt, n_steps = 1 / 500, 1000  # two years
    paths = simulate_vasicek(p, 0.03, n_paths=20_000, n_steps=n_steps, dt=dt, seed=11)
    r = paths.values[:, :, 0]
    # trapezoid rule: its bias on the price is about dt^2/12 * |integral of m''(t)| ~ 1e-8 (curvature
    # of the mean m(t)) plus sigma^2 dt^2 T / 24 ~ 1e-10 (Brownian part), far below the Monte Carlo
    # standard error (~2e-4), so the band is the standard error alone
    integral = dt * (r[:, 1:-1].sum(1) + 0.5 * (r[:, 0] + r[:, -1]))
    disc = np.exp(-integral)
    price = vasicek_bond_price(p, 0.03, 2.0)[0, 0]
    se = disc.std(ddof=1) / np.sqrt(disc.size)
    assert abs(disc.mean() - price) < 4 * se


def test_twin_kernels_agree() -> None:
    kappa, theta, _, _ = TWO.arrays()
    chol = np.linalg.cholesky(vasicek_innovation_cov(TWO, 1 / 252))
    decay = np.exp(-kappa / 252)
    r0 = np.asarray(R0)
    a = np.empty((5, 31, 2))
    b = np.empty((5, 31, 2))
    K.vasicek_block(np.random.default_rng(5), 2, 5, r0, theta, decay, chol, a, 0)
    K.vasicek_block_python(np.random.default_rng(5), 2, 5, r0, theta, decay, chol, b, 0)
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


def test_same_seed_same_paths_and_chunks_agree() -> None:
    full = simulate_vasicek(TWO, R0, n_paths=2500, n_steps=10, seed=99).values
    again = simulate_vasicek(TWO, R0, n_paths=2500, n_steps=10, seed=99).values
    np.testing.assert_array_equal(full, again)
    part = simulate_vasicek(TWO, R0, n_paths=700, n_steps=10, seed=99, first_path=1500).values
    np.testing.assert_array_equal(full[1500:2200], part)


def test_starting_values_and_shape() -> None:
    paths = simulate_vasicek(TWO, R0, n_paths=3, n_steps=4, seed=1, names=("20y", "30y"))
    assert paths.values.shape == (3, 5, 2)
    assert paths.names == ("20y", "30y")
    np.testing.assert_array_equal(paths.values[:, 0, :], np.broadcast_to(R0, (3, 2)))
    assert paths.kind == "level"
    assert paths.to_frame().shape[0] == 3 * 5 * 2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kappa": (-0.1,)}, "kappa"),
        ({"sigma": (0.0,)}, "sigma"),
        ({"kappa": (0.1, 0.2), "theta": (0.04,), "sigma": (0.01, 0.01)}, "theta"),
        (
            {
                "kappa": (1, 1, 1),
                "theta": (0.04, 0.04, 0.04),
                "sigma": (0.01, 0.01, 0.01),
                "correlation": ((1, 0.9, -0.9), (0.9, 1, 0.9), (-0.9, 0.9, 1)),
            },
            "nearest_correlation",
        ),
        ({"correlation": ((1.0, 0.5), (0.5, 1.0))}, "correlation"),
    ],
)
def test_bad_parameters_are_clear(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        VasicekParams(**kwargs)


def test_bad_call_arguments() -> None:
    with pytest.raises(ParameterError, match="n_paths"):
        simulate_vasicek(TWO, R0, n_paths=0, n_steps=3)
    with pytest.raises(ParameterError, match="r0"):
        simulate_vasicek(TWO, (0.01, 0.02, 0.03), n_paths=2, n_steps=3)
    with pytest.raises(ParameterError, match="dt"):
        simulate_vasicek(TWO, R0, n_paths=2, n_steps=3, dt=-1.0)
