"""Kappa's small-sample bias correction and the random-walk model of a non-mean-reverting yield."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

from tailkit.errors import DataError
from tailkit.overlay import OverlayFitWarning, calibrate_overlay, read_calibration, write_calibration
from tailkit.overlay.mean_reversion import fit_yield_model, kendall_bias, kendall_corrected_ar1
from tailkit.overlay.simulation import simulate_overlay
from tailkit.simulation import VasicekParams, simulate_vasicek, vasicek_bond_price, vasicek_innovation_cov

from .conftest import yields_history

DT = 1.0 / 252.0


# --------------------------------------------------------------------------- Kendall's formula


@pytest.mark.parametrize("n", [5, 12, 50, 400])
def test_kendall_bias_is_exact_for_white_noise(n: int) -> None:
    # Closed form (Moran 1948): for i.i.d. normal data the lag-1 sample autocorrelation
    # r1 = x'Ax / x'Bx (A the centred lag-1 cross-product form, B the centring matrix) is
    # independent of its denominator x'Bx (Pitman-Koopmans: r1 is scale-free), so
    # E[r1] = E[x'Ax] / E[x'Bx] = tr(A) / tr(B) = -(n - 1)/n / (n - 1) = -1/n exactly.
    # Kendall's / Marriott & Pope's first-order bias -(1 + 3 b)/n is exactly that at b = 0.
    c = np.eye(n) - np.full((n, n), 1.0 / n)
    lag = np.eye(n, k=1)
    a = c @ (0.5 * (lag + lag.T)) @ c
    exact = np.trace(a) / np.trace(c)
    assert exact == pytest.approx(-1.0 / n, rel=1e-12)
    assert kendall_bias(0.0, n) == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("b", [0.0, 0.5, 0.99, 0.999])
def test_kendall_correction_inverts_the_bias_map(b: float) -> None:
    # b_hat = b + kendall_bias(b, n) is solved for b exactly: (n b_hat + 1) / (n - 3)
    n = 1084
    assert kendall_corrected_ar1(b + kendall_bias(b, n), n) == pytest.approx(b, abs=1e-14)


# --------------------------------------------------------------------------- Monte Carlo bias


@pytest.fixture(scope="module")
def monte_carlo() -> dict[str, np.ndarray]:
    # OU paths from tailkit's exact generator over the overlay's default window length (1084
    # daily transitions, 4.3 years); kappa = 2 (half-life 4 months) so that the corrected AR(1)
    # rarely reaches 1 and the random-walk floor (kappa = 0) barely moves its mean.
    kappa = 2.0
    params = VasicekParams(
        kappa=(kappa, kappa), theta=(0.04, 0.04), sigma=(0.009, 0.009), correlation=((1, 0), (0, 1))
    )
    n_paths, n_pairs = 1000, 1084
    y = simulate_vasicek(params, (0.04, 0.04), n_paths=n_paths, n_steps=n_pairs, seed=20241203).values
    ok = np.ones(n_pairs, dtype=bool)
    raw, corrected = [], []
    for path in y:
        _, _, fits = fit_yield_model(path, ok, DT, estimator="kendall")
        raw += [f.kappa_mle for f in fits]
        corrected += [f.kappa for f in fits]
    return {"kappa": np.float64(kappa), "raw": np.array(raw), "corrected": np.array(corrected)}


def test_corrected_kappa_has_a_much_smaller_mean_bias_than_the_mle(monte_carlo) -> None:  # type: ignore[no-untyped-def]
    # 2000 independent estimates (two uncorrelated tenors per path): MC standard error of each
    # mean ~ sd / sqrt(2000) ~ 0.04. The MLE's bias is ~1.1 (the first-order theory says
    # (3 + e^{kappa dt}) / T = 0.93; T kappa ~ 9 is close enough to the unit root that it
    # under-states it); the first-order correction leaves ~0.15. The claims below hold at 3 MC
    # standard errors on the unfavourable side of each mean.
    kappa, raw, cor = monte_carlo["kappa"], monte_carlo["raw"], monte_carlo["corrected"]
    se_raw = raw.std(ddof=1) / math.sqrt(raw.size)
    se_cor = cor.std(ddof=1) / math.sqrt(cor.size)
    bias_raw, bias_cor = raw.mean() - kappa, cor.mean() - kappa
    theory = (3.0 + math.exp(kappa * DT)) / (1084 * DT)
    assert bias_raw - 3 * se_raw > 0.8 * theory  # the MLE is biased upward, by about 4/T
    assert abs(bias_cor) + 3 * se_cor < (bias_raw - 3 * se_raw) / 3  # less than a third of it
    # the correction is a shift of the estimates, not a shrinkage of their spread
    assert cor.std() == pytest.approx(raw.std(), rel=0.15)


# --------------------------------------------------------------------------- calibration


@pytest.mark.parametrize("estimator", ["kendall", "mle"])
def test_no_mean_reversion_is_a_noted_random_walk_not_a_refusal(random_walk_history, estimator) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(
        OverlayFitWarning, match=r"no mean reversion detectable over 2019-01-01 \.\. .*random walk"
    ):
        cal = calibrate_overlay(
            random_walk_history, start=None, end=None, exclude_covid=False, kappa_estimator=estimator
        )
    assert cal.vasicek.kappa == (0.0, 0.0)
    assert all(f.random_walk and f.estimator == estimator for f in cal.mean_reversion)
    assert sum("random walk" in w for w in cal.warnings) == 2
    # theta is unused: the last yield (the random walk's forecast), with no standard error
    y = random_walk_history[["yield_20y", "yield_30y"]].to_numpy()
    assert cal.vasicek.theta == tuple(y[-1])
    assert np.isnan(cal.vasicek_table["theta_20"][1]) and np.isnan(cal.vasicek_table["theta_30"][1])
    # sigma: the driftless MLE sqrt(mean(dy^2) / dt)
    dy = np.diff(y, axis=0)
    np.testing.assert_allclose(cal.vasicek.sigma, np.sqrt(np.mean(dy * dy, axis=0) / DT), rtol=1e-12)
    # the user's window is what was used
    assert cal.sample["start"] == str(random_walk_history.index[0].date())


def test_random_walk_calibration_simulates_without_drift_and_round_trips(
    random_walk_history, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OverlayFitWarning)
        cal = calibrate_overlay(random_walk_history, start=None, end=None, exclude_covid=False)
    path = tmp_path / "cal.json"
    write_calibration(cal, path)
    doc = json.loads(path.read_text())
    assert doc["mean_reversion"]["20y"]["random_walk"] is True
    assert doc["vasicek_params"]["kappa_20"] == 0.0
    again = read_calibration(path)
    assert again.to_dict() == cal.to_dict()
    paths = simulate_overlay(again, 252)
    assert np.isfinite(paths.yields).all() and np.isfinite(paths.tlt).all()
    # a driftless random walk: the mean yield stays at today's within 4 MC standard errors
    y_end = paths.yields[:, -1, 0]
    se = y_end.std() / math.sqrt(y_end.size)
    assert abs(y_end.mean() - cal.current.yield_20y) < 4 * se


def test_anti_persistent_yields_are_refused_with_the_tenor_named() -> None:
    rng = np.random.default_rng(1)
    y = 0.04 + 0.001 * rng.standard_normal((300, 2))
    y[:, 0] = 0.04 + 0.001 * np.where(np.arange(300) % 2 == 0, 1.0, -1.0)  # b = -1
    with pytest.raises(DataError, match=r"20y yield's AR\(1\) coefficient is -1\.0"):
        calibrate_overlay(yields_history(y), start=None, end=None)


def test_unknown_estimator_is_named(history) -> None:  # type: ignore[no-untyped-def]
    from tailkit.errors import ParameterError

    with pytest.raises(
        ParameterError, match="kappa_estimator='ols' is not allowed: expected one of kendall, mle"
    ):
        calibrate_overlay(history, start=None, end=None, kappa_estimator="ols")  # type: ignore[arg-type]


def test_both_estimates_are_reported_and_the_chosen_one_is_used(history) -> None:  # type: ignore[no-untyped-def]
    ken = calibrate_overlay(history, start=None, end=None)
    mle = calibrate_overlay(history, start=None, end=None, kappa_estimator="mle")
    for k, m in zip(ken.mean_reversion, mle.mean_reversion):
        assert (k.ar1_mle, k.ar1_kendall, k.kappa_mle, k.kappa_kendall) == (
            m.ar1_mle,
            m.ar1_kendall,
            m.kappa_mle,
            m.kappa_kendall,
        )
        assert k.ar1_kendall == pytest.approx((k.n_pairs * k.ar1_mle + 1) / (k.n_pairs - 3), rel=1e-15)
        assert k.kappa == pytest.approx(k.kappa_kendall) and m.kappa == pytest.approx(m.kappa_mle)
        assert k.kappa < m.kappa  # the correction lowers kappa
    assert ken.sample["kappa_estimator"] == "kendall" and mle.sample["kappa_estimator"] == "mle"


# --------------------------------------------------------------------------- kappa = 0 in the engine


def test_vasicek_formulas_are_continuous_at_kappa_zero() -> None:
    # kappa = 0 is the driftless Gaussian rate: innovation covariance rho s_i s_j dt, bond price
    # exp(-r0 T + sigma^2 T^3 / 6) (the kappa -> 0 limit of Vasicek's formula)
    def params(k: float) -> VasicekParams:
        return VasicekParams(
            kappa=(k, k), theta=(0.04, 0.05), sigma=(0.01, 0.008), correlation=((1, 0.9), (0.9, 1))
        )

    zero, tiny = params(0.0), params(1e-4)
    np.testing.assert_allclose(
        vasicek_innovation_cov(zero, DT),
        np.array([[1e-4, 0.9 * 8e-5], [0.9 * 8e-5, 6.4e-5]]) * DT,
        rtol=1e-12,
    )
    np.testing.assert_allclose(vasicek_innovation_cov(zero, DT), vasicek_innovation_cov(tiny, DT), rtol=1e-6)
    t = np.array([1.0, 10.0, 30.0])
    closed = np.exp(-0.03 * t[:, None] + np.array([1e-4, 6.4e-5]) * t[:, None] ** 3 / 6.0)
    np.testing.assert_allclose(vasicek_bond_price(zero, 0.03, t), closed, rtol=1e-12)
    # theta enters at order kappa T^2 / 2 = 0.045 years at T = 30: 0.2% of the price
    np.testing.assert_allclose(vasicek_bond_price(tiny, 0.03, t), closed, rtol=5e-3)
