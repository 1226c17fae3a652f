"""Calibration recovers the parameters the data were generated with; the JSON round-trips."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from tailkit.calibration import fit_vasicek
from tailkit.errors import DataError
from tailkit.overlay import OverlayFitWarning, calibrate_overlay, read_calibration, write_calibration
from tailkit.overlay.model import REQUIRED_KEYS

from .conftest import ALPHA, BETA, GAMMA, TRUE, make_history


def test_recovers_known_parameters(calibration) -> None:  # type: ignore[no-untyped-def]
    # reference: the parameters the history was simulated with (tests/overlay/conftest.py)
    table = calibration.vasicek_table
    est = dict(zip(table.names, table.estimates))
    se = dict(zip(table.names, table.std_errors))
    truth = {
        "kappa_20": TRUE.kappa[0], "theta_20": TRUE.theta[0], "sigma_20": TRUE.sigma[0],
        "kappa_30": TRUE.kappa[1], "theta_30": TRUE.theta[1], "sigma_30": TRUE.sigma[1], "rho": 0.95,
    }  # fmt: skip
    for name, value in truth.items():
        assert abs(est[name] - value) < 4 * se[name], (name, est[name], value, se[name])
    reg = calibration.regression
    assert reg.r_squared > 0.95
    # the fitted curve matches the true one over the simulated yield range
    grid = np.linspace(0.035, 0.055, 9)
    true_curve = ALPHA + BETA * grid + GAMMA * grid**2
    assert np.max(np.abs(reg.log_price(grid) - true_curve)) < 0.01
    assert 0.9 < reg.residual_ar1 < 1.0


def test_gap_free_sample_equals_fit_vasicek(history) -> None:  # type: ignore[no-untyped-def]
    # kappa_estimator="mle" is the plain exact-likelihood MLE, which fit_vasicek computes on its own
    cal = calibrate_overlay(history, start=None, end=None, exclude_covid=False, kappa_estimator="mle")
    fit = fit_vasicek(history[["yield_20y", "yield_30y"]].to_numpy(), names=("20", "30"))
    np.testing.assert_allclose(cal.vasicek.kappa, fit.params.kappa, rtol=1e-12)
    np.testing.assert_allclose(cal.vasicek.theta, fit.params.theta, rtol=1e-12)
    np.testing.assert_allclose(cal.vasicek.sigma, fit.params.sigma, rtol=1e-12)
    np.testing.assert_allclose(cal.vasicek.correlation, fit.params.correlation, rtol=1e-12)
    # standard errors: analytic delta method here, a numerical Jacobian in fit_vasicek
    order = [fit.table.names.index(f"{p}[{t}]") for t in ("20", "30") for p in ("kappa", "theta", "sigma")]
    order.append(fit.table.names.index("rho[20,30]"))
    np.testing.assert_allclose(cal.vasicek_table.std_errors, fit.table.std_errors[order], rtol=1e-6)


def test_covid_window_is_left_out_without_a_fake_transition(history) -> None:  # type: ignore[no-untyped-def]
    cal = calibrate_overlay(history, start=None, end=None)
    s = cal.sample
    assert s["exclude_covid"] and s["n_pairs"] == s["n_obs"] - 2  # one segment break, no bridging pair


def test_low_r2_warns_with_causes() -> None:
    h = make_history(n=800, resid_sd=0.02)
    with pytest.warns(OverlayFitWarning, match="likely causes"):
        cal = calibrate_overlay(h, start=None, end=None)
    assert any("R^2" in w for w in cal.warnings)


def test_too_short_sample_is_a_data_error(history) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match="usable days"):
        calibrate_overlay(history.iloc[:30], start=None, end=None)


def test_json_round_trip_keeps_required_keys(calibration, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cal.json"
    write_calibration(calibration, path)
    doc = json.loads(path.read_text())
    for group, keys in REQUIRED_KEYS.items():
        assert set(keys) <= set(doc[group])
    again = read_calibration(path)
    assert again.to_dict() == calibration.to_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["cal.json"]  # no temp file left behind


def test_reads_a_file_with_only_the_required_keys(calibration, tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = calibration.to_dict()
    minimal = {g: {k: doc[g][k] for k in keys} for g, keys in REQUIRED_KEYS.items()}
    path = tmp_path / "min.json"
    path.write_text(json.dumps(minimal))
    cal = read_calibration(path)
    assert cal.regression.residual_ar1 == 1.0  # today's residual is held
    assert cal.vasicek_dict() == calibration.vasicek_dict()


@pytest.mark.parametrize("drop", ["vasicek_params", "current_values.tlt_price"])
def test_missing_required_key_is_named(calibration, tmp_path, drop: str) -> None:  # type: ignore[no-untyped-def]
    doc = calibration.to_dict()
    group, _, key = drop.partition(".")
    if key:
        del doc[group][key]
    else:
        del doc[group]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(DataError, match=drop.replace(".", r"\.")):
        read_calibration(path)


def test_invalid_json_names_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(DataError, match=r"x\.json: not valid JSON"):
        read_calibration(path)


def test_chain_vol_model(calibration) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    from tailkit.overlay import vol_from_chain

    # a linear smile iv = 0.16 - 0.30 log(K/S) must come back exactly
    spot = 100.0
    strikes = np.arange(88.0, 113.0, 1.0)
    k = np.log(strikes / spot)
    chain = pd.DataFrame(
        {
            "quote_date": pd.Timestamp("2024-12-31"),
            "underlying_price": spot,
            "option_type": np.where(strikes <= spot, "put", "call"),
            "strike": strikes,
            "implied_vol": 0.16 - 0.30 * k,
            "dte": 45,
        }
    )
    vol = vol_from_chain(chain)
    assert vol.base_iv == pytest.approx(0.16, abs=1e-12)
    assert vol.skew_slope == pytest.approx(-0.30, abs=1e-12)
    assert vol.price_sensitivity == vol.skew_slope
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(vol.leg_iv(90.0, spot)) == pytest.approx(0.16 - 0.30 * np.log(0.9))
