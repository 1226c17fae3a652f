"""Calibrating the bundled SYNTHETIC history recovers the generator's parameters (issue 10).

The generator's parameters are known exactly (``provenance.json``), so the overlay's default
calibration window (2019 onward, 2020-03 to 2021-12 excluded) must return estimates within a
few of *its own* standard errors of them. With ``kappa`` 0.03 and 0.13 a year the yields are
nearly a random walk over the four-year window, so the point estimates of ``kappa`` sit far
from the truth in absolute terms while their standard errors are large; the test is in
standard-error units, not absolute. The plain MLE of ``kappa`` is biased up by about 4 / T
(about 1 a year here); the default Kendall-corrected estimate is within 2 SE for every
parameter, which is the bound tested. On this file both yields' corrected AR(1) coefficients
are below 1 (kappa_20 0.30 +- 0.71, kappa_30 0.36 +- 0.70), so the calibration fits both and
warns of nothing; the random-walk model of a yield without mean reversion is tested on
driftless paths (``test_mean_reversion.py``, ``test_commands.py``) and on other seeds below.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from tailkit.data.synthetic import load_synthetic_history, synthetic_paths
from tailkit.overlay import OverlayFitWarning, calibrate_overlay
from tailkit.synthetic.history import (
    DEFAULT_SEED,
    REFERENCE_SPREAD_MAX,
    REFERENCE_YIELD_RANGE,
    SEED_SEARCH_START,
    SyntheticHistoryParams,
    synthetic_history,
    yields_in_reference_range,
)

VASICEK = ("kappa_20", "theta_20", "sigma_20", "kappa_30", "theta_30", "sigma_30", "rho")


@pytest.fixture(scope="module")
def generator_params() -> dict[str, float]:
    prov = json.loads(synthetic_paths().provenance.read_text(encoding="utf-8"))
    return prov["history"]["params"]


@pytest.fixture(scope="module")
def calibration():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OverlayFitWarning)
        cal = calibrate_overlay(load_synthetic_history())
    # no diagnostic: both yields mean-revert over the window and the TLT fit's R^2 is fine
    messages = [str(w.message) for w in caught if issubclass(w.category, OverlayFitWarning)]
    assert messages == []
    return cal


def test_generator_parameters_are_in_the_documented_realistic_range(generator_params):
    # issue 10: real FRED 20y/30y + TLT over 2019-2024 (COVID excluded) calibrate to
    # kappa_20 ~ 0.03, kappa_30 ~ 0.13, sigma ~ 0.9%, rho ~ 0.98.
    p = generator_params
    assert (p["kappa_20"], p["kappa_30"]) == (0.03, 0.13)
    assert p["sigma_20"] == p["sigma_30"] == 0.009
    assert p["rho"] == 0.98


@pytest.mark.parametrize("name", VASICEK)
def test_default_window_recovers_each_vasicek_parameter_within_2_se(calibration, generator_params, name):
    est, se = calibration.vasicek_table[name]
    assert np.isfinite(se) and se > 0
    assert abs(est - generator_params[name]) <= 2.0 * se, (name, est, se, generator_params[name])


def test_both_yields_mean_revert_and_every_theta_has_a_standard_error(calibration):
    for fit in calibration.mean_reversion:
        assert not fit.random_walk and fit.ar1_kendall < 1.0 and fit.kappa > 0.0, fit
    for name in ("theta_20", "theta_30"):
        est, se = calibration.vasicek_table[name]
        assert np.isfinite(est) and np.isfinite(se) and se > 0


def test_bias_correction_moves_kappa_towards_the_generator(calibration, generator_params):
    for i, fit in enumerate(calibration.mean_reversion):
        truth = generator_params[("kappa_20", "kappa_30")[i]]
        assert abs(fit.kappa - truth) < abs(fit.kappa_mle - truth), fit


def test_volatility_and_correlation_are_recovered_tightly(calibration, generator_params):
    # sigma and rho are identified from daily moves (~1080 of them), whatever kappa does:
    # relative error of sigma's MLE ~ 1/sqrt(2n) ~ 2%, so 5% is > 2 SE; rho's SE ~ (1-rho^2)/sqrt(n).
    for name in ("sigma_20", "sigma_30"):
        est, _ = calibration.vasicek_table[name]
        assert est == pytest.approx(generator_params[name], rel=0.05)
    assert calibration.vasicek_table["rho"][0] == pytest.approx(generator_params["rho"], abs=0.005)


def test_tlt_fit_r_squared_resembles_real_data(calibration):
    # issue 10: the log-quadratic TLT fit on real 2019-2024 data has R^2 ~ 0.97; the generator's
    # tracking error (sd 2%, AR(1) 0.99) is set for that. No R^2 warning is issued (>= 0.95).
    assert 0.95 <= calibration.regression.r_squared <= 0.99
    # the yield sensitivity at today's yield is a TLT-like duration (16-18 in the generator's map)
    y = 0.5 * (calibration.current.yield_20y + calibration.current.yield_30y)
    r = calibration.regression
    duration = -(r.beta + 2.0 * r.gamma * y)
    assert 14.0 <= duration <= 20.0


def test_bundled_seed_is_the_first_that_stays_in_the_reference_yield_range():
    # The rule that picks DEFAULT_SEED looks at yields only (never at a calibration): their
    # level and their 20s30s spread.
    params = SyntheticHistoryParams()
    first = next(
        s
        for s in range(SEED_SEARCH_START, SEED_SEARCH_START + 100)
        if yields_in_reference_range(synthetic_history(seed=s, params=params))
    )
    assert first == DEFAULT_SEED
    hist = load_synthetic_history()
    lo, hi = REFERENCE_YIELD_RANGE
    y = hist[["yield_20y", "yield_30y"]].to_numpy()
    # the file rounds yields to 4 decimals of a percent (1e-6 in decimals)
    assert y.min() >= lo - 1e-6 and y.max() <= hi + 1e-6
    assert np.abs(y[:, 1] - y[:, 0]).max() <= REFERENCE_SPREAD_MAX + 2e-6
    # the seed used before the spread rule ends with the 30y 0.53% below the 20y: refused
    assert not yields_in_reference_range(synthetic_history(seed=20241236, params=params))


def test_realistic_generator_paths_all_calibrate():
    # Before the random-walk model, 12-15% of the generator's paths (its own parameters, other
    # seeds) made the calibration refuse ("no mean reversion"): the MLE AR(1) coefficient of a
    # yield with a decades-long half-life is >= 1 in that share of 4-year windows, and the
    # Kendall-corrected one in about half of them. Every path now calibrates; each random-walk
    # tenor is named in a warning.
    n_walks = 0
    for seed in range(1000, 1040):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", OverlayFitWarning)
            cal = calibrate_overlay(synthetic_history(seed=seed))
        notes = [str(w.message) for w in caught]
        for fit in cal.mean_reversion:
            noted = any(n.startswith(f"{fit.tenor} yield: no mean reversion detectable") for n in notes)
            assert noted is fit.random_walk, (seed, fit)
            assert (cal.vasicek.kappa[("20y", "30y").index(fit.tenor)] == 0.0) is fit.random_walk
            n_walks += fit.random_walk
    assert n_walks > 0  # the fallback is exercised
