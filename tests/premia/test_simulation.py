"""Regime-dependent joint simulation of the premia."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.errors import ParameterError
from tailkit.premia import PREMIA, bundled_premia, fit_premia_regimes, simulate_premia, stress_regimes
from tailkit.simulation import RegimeParams, simulate_regimes

NAMES = ("equity", "short_vol")


def _params(initial: tuple[float, float]) -> RegimeParams:
    # two regimes that never switch: every month of a path is in its first regime
    return RegimeParams(
        regime_names=("calm", "crisis"),
        mu=((0.08, 0.06), (-0.30, -0.20)),
        sigma=((0.12, 0.06), (0.40, 0.30)),
        correlation=(((1.0, 0.3), (0.3, 1.0)), ((1.0, 0.9), (0.9, 1.0))),
        transition=((1.0, 0.0), (0.0, 1.0)),
        initial=initial,
    )


def test_simple_returns_of_the_regime_paths() -> None:
    p = _params((0.5, 0.5))
    sim = simulate_premia(p, NAMES, n_paths=20, n_months=12, seed=4)
    ref = simulate_regimes(p, n_paths=20, n_steps=12, dt=1 / 12, seed=4)
    np.testing.assert_array_equal(sim.returns, np.expm1(ref.returns()))
    assert ref.regimes is not None
    np.testing.assert_array_equal(sim.regimes, ref.regimes[:, :-1])


@pytest.mark.parametrize("regime", [0, 1])
def test_each_regime_has_its_moments(regime: int) -> None:
    p = _params((1.0, 0.0) if regime == 0 else (0.0, 1.0))
    sim = simulate_premia(p, NAMES, n_paths=400, n_months=50, seed=8)
    assert (sim.regimes == regime).all()
    logs = np.log1p(sim.returns).reshape(-1, 2)
    mu, sigma = np.array(p.mu[regime]), np.array(p.sigma[regime])
    expected_mean = (mu - 0.5 * sigma**2) / 12  # GBM log drift per month
    se = sigma / np.sqrt(12) / np.sqrt(logs.shape[0])
    assert (np.abs(logs.mean(axis=0) - expected_mean) < 4 * se).all()
    np.testing.assert_allclose(logs.std(axis=0, ddof=1), sigma / np.sqrt(12), rtol=0.03)
    corr = np.corrcoef(logs.T)[0, 1]
    assert corr == pytest.approx(p.correlation[regime][0][1], abs=0.03)


def test_regime_table_by_hand() -> None:
    sim = simulate_premia(_params((0.5, 0.5)), NAMES, n_paths=30, n_months=6, seed=2)
    t = sim.regime_table()
    flat = sim.returns.reshape(-1, 2)
    crisis = flat[sim.regimes.ravel() == 1]
    assert t.loc[("crisis", "short_vol"), "mean"] == pytest.approx(crisis[:, 1].mean(), rel=1e-12)
    assert t.loc[("crisis", "short_vol"), "corr_equity"] == pytest.approx(
        np.corrcoef(crisis.T)[0, 1], rel=1e-12
    )
    assert t.loc[("calm", "equity"), "share"] + t.loc[("crisis", "equity"), "share"] == pytest.approx(1.0)
    with pytest.raises(ParameterError, match="equity='spx'"):
        sim.regime_table("spx")


def test_names_must_match_the_assets() -> None:
    with pytest.raises(ParameterError, match="names"):
        simulate_premia(_params((0.5, 0.5)), ("equity",), n_paths=2, n_months=2)


def test_fitted_on_the_bundled_premia_concave_premia_crash_together() -> None:
    r = bundled_premia().returns
    fit = fit_premia_regimes(r, 3)
    assert fit.params.regime_names == ("calm", "stressed", "crisis")
    corr = np.array(fit.params.correlation)
    e, sv = PREMIA.index("equity"), PREMIA.index("short_vol")
    # short volatility moves more with equity in the crisis regime than in the calm one
    assert corr[2, e, sv] > corr[0, e, sv]
    sim = simulate_premia(fit.params, PREMIA, n_paths=50, n_months=24, seed=1)
    assert sim.returns.shape == (50, 24, 7) and np.isfinite(sim.returns).all()
    assert isinstance(sim.to_frame(), pd.DataFrame)


def test_stress_regimes_scales_the_crisis_stay_and_sets_the_start() -> None:
    base = RegimeParams()
    p = stress_regimes(base, start_regime="stressed", crisis_duration_multiplier=3.0)
    # expected stay 1 / (1 - P[c, c]) is multiplied by 3; the other regimes are untouched
    np.testing.assert_allclose(p.expected_durations(), base.expected_durations() * [1, 1, 3], rtol=1e-12)
    np.testing.assert_allclose(np.sum(p.transition, axis=1), 1.0, rtol=0, atol=1e-15)
    # the crisis regime exits to calm and stressed in the same proportion as before
    assert p.transition[2][0] / p.transition[2][1] == pytest.approx(
        base.transition[2][0] / base.transition[2][1]
    )
    assert p.initial == (0.0, 1.0, 0.0)
    assert stress_regimes(base).initial == ()


def test_stress_regimes_bad_input_names_the_field() -> None:
    with pytest.raises(ParameterError, match="start_regime='panic'"):
        stress_regimes(RegimeParams(), start_regime="panic")
    # the default crisis exit probability is 0.05: a multiplier below it would need P(exit) > 1
    with pytest.raises(ParameterError, match=r"crisis_duration_multiplier=0\.01"):
        stress_regimes(RegimeParams(), crisis_duration_multiplier=0.01)
