"""Notebook 05's study: the chain on the bundled data, its parameter files and its invariants."""

from __future__ import annotations

import dataclasses
from dataclasses import fields, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tailkit.errors import ParameterError
from tailkit.premia import bundled_premia, fit_premia_regimes, simulate_premia, stress_regimes
from tailkit.studies import load_notebook_parameters
from tailkit.studies.asymmetric_system import (
    ARCHETYPES,
    R2_TARGET,
    AsymmetricSystemParams,
    AsymmetricSystemStudy,
    asymmetric_system_study,
    scenario_paths,
    system_weights,
)

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "parameters" / "05_asymmetric_system").glob("*.yaml"))


@cache
def _premia() -> pd.DataFrame:
    return bundled_premia().returns


@pytest.fixture(scope="module")
def study() -> AsymmetricSystemStudy:
    return asymmetric_system_study(AsymmetricSystemParams(n_paths=40, path_months=120))


def test_stages_are_the_weighted_premia(study: AsymmetricSystemStudy) -> None:
    p, r, s = study.params, study.premia.returns, study.stages
    np.testing.assert_allclose(s["strategic"], p.equity_weight * r["equity"], rtol=0, atol=1e-15)
    tilts = sum(getattr(p, f"{k}_weight") * r[k] for k in ("size", "value", "credit", "trend", "short_vol"))
    np.testing.assert_allclose(s["premia"] - s["strategic"], tilts, rtol=0, atol=1e-14)
    np.testing.assert_allclose(
        s["hedged"] - s["premia"], p.hedge_weight * r["tail_hedge"], rtol=0, atol=1e-14
    )


def test_layers_add_up_to_the_investor_return(study: AsymmetricSystemStudy) -> None:
    parts = study.layers.parts
    assert list(parts.columns) == ["strategic", "premia_tilts", "hedge", "behavior", "unexplained"]
    np.testing.assert_allclose(parts.sum(axis=1), study.stages["investor"], rtol=0, atol=1e-12)


def test_summary_reports_every_archetype_and_the_r2_flag(study: AsymmetricSystemStudy) -> None:
    s = study.summary()
    for name in ARCHETYPES:
        assert f"{name}_behavior_gap" in s and f"{name}_given_up_se" in s
    assert s["strategic_given_up"] == 0.0
    # the strategic allocator holds a constant share of one asset and never trades: no gap
    assert abs(s["strategic_behavior_gap"]) < 1e-12
    assert s["r2_below_target"] == (s["system_r2"] < R2_TARGET)
    assert s["system_r2"] == study.regression.r2
    assert s["largest_layer"] in study.layers.parts.columns


def test_same_seed_same_paths() -> None:
    a = asymmetric_system_study(AsymmetricSystemParams(n_paths=5, path_months=24))
    b = asymmetric_system_study(AsymmetricSystemParams(n_paths=5, path_months=24))
    np.testing.assert_array_equal(a.archetypes["timer"].wealth, b.archetypes["timer"].wealth)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_parameter_file_runs(path: Path) -> None:
    params = load_notebook_parameters(path)
    assert isinstance(params, AsymmetricSystemParams)
    s = asymmetric_system_study(params).summary()
    assert np.isfinite(s["system_r2"])


def test_parameter_files_exist() -> None:
    # investor archetypes, market scenarios and risk-tolerance profiles (issue 14)
    assert {f.stem for f in FILES} == {
        "balanced",
        "conservative",
        "loss_averse",
        "market_timer",
        "scenario_calm",
        "scenario_2008",
        "scenario_2020",
        "scenario_rates_shock",
        "tolerance_low",
        "tolerance_high",
    }


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_parameter_files_round_trip(path: Path) -> None:
    # every key of the file is a field and lands in the dataclass unchanged; the rest are defaults
    raw = yaml.safe_load(path.read_text())
    params = load_notebook_parameters(path)
    defaults = AsymmetricSystemParams()
    for f in fields(AsymmetricSystemParams):
        assert getattr(params, f.name) == raw.get(f.name, getattr(defaults, f.name)), f.name
    assert set(raw) <= {f.name for f in fields(AsymmetricSystemParams)}


def test_spread_shock_hits_the_first_month_only() -> None:
    base = AsymmetricSystemParams(scenario="regimes", n_paths=8, path_months=24, start_regime="crisis")
    shocked = replace(base, spread_shock_bp=200.0)
    a, b = scenario_paths(base, _premia()), scenario_paths(shocked, _premia())
    loss = base.credit_weight * base.credit_duration * 0.02
    np.testing.assert_allclose(a[:, 0] - b[:, 0], loss, rtol=1e-12)
    np.testing.assert_array_equal(a[:, 1:], b[:, 1:])


def test_regime_scenario_paths_are_the_weighted_simulated_premia() -> None:
    p = AsymmetricSystemParams(scenario="regimes", n_paths=5, path_months=12, start_regime="calm")
    r = _premia()
    model = stress_regimes(fit_premia_regimes(r).params, start_regime="calm")
    sim = simulate_premia(model, tuple(r.columns), n_paths=5, n_months=12, seed=p.seed)
    assert (sim.regimes[:, 0] == 0).all()
    np.testing.assert_allclose(scenario_paths(p, r), sim.returns @ system_weights(p).to_numpy(), rtol=1e-14)


def test_bad_profile_names_the_field() -> None:
    with pytest.raises(ParameterError, match="loss_aversion"):
        AsymmetricSystemParams(loss_aversion=0.0)
    with pytest.raises(ParameterError, match="memory_months=12"):
        AsymmetricSystemParams(horizon_months=12, memory_months=12)
    with pytest.raises(ParameterError, match="archetype"):
        AsymmetricSystemParams(archetype="gambler")  # type: ignore[arg-type]  # the bad input under test
    # a premium name that does not exist, a set without equity, a weight the set cannot hold
    with pytest.raises(ParameterError, match=r"premia=.*'carry'"):
        AsymmetricSystemParams(premia=("equity", "carry"))
    with pytest.raises(ParameterError, match=r"premia=.*'equity'"):
        AsymmetricSystemParams(premia=("size", "value"))
    with pytest.raises(ParameterError, match=r"short_vol_weight=0\.1 .*'short_vol' is not in premia"):
        AsymmetricSystemParams(premia=("equity", "size", "value", "credit", "trend", "tail_hedge"))
    with pytest.raises(ParameterError, match="start_regime"):
        AsymmetricSystemParams(start_regime="panic")  # type: ignore[arg-type]  # the bad input under test
    with pytest.raises(ParameterError, match="scenario"):
        AsymmetricSystemParams(scenario="2008")  # type: ignore[arg-type]  # the bad input under test


def test_a_smaller_premia_set_drives_the_regression_the_table_and_the_regime_model() -> None:
    keep = ("equity", "credit", "trend")
    p = AsymmetricSystemParams(
        premia=keep, size_weight=0.0, value_weight=0.0, short_vol_weight=0.0, hedge_weight=0.0,
        scenario="regimes", spread_shock_bp=100.0, n_paths=6, path_months=24,
    )  # fmt: skip
    study = asymmetric_system_study(p)
    assert list(study.regression.params.index) == ["alpha", *keep]
    assert list(study.asymmetry.table.index) == list(keep)
    assert set(study.portfolios["cvar"].weights.index) == set(keep)
    assert np.isnan(study.summary()["short_vol_sharpe"])  # not in the set: reported as missing
    # the premia outside the set hold no weight, so the stages are the full-set ones
    full = asymmetric_system_study(dataclasses.replace(p, premia=AsymmetricSystemParams().premia))
    np.testing.assert_array_equal(study.stages.to_numpy(), full.stages.to_numpy())


def test_archetype_table_outcomes(study: AsymmetricSystemStudy) -> None:
    from tailkit.investors import crra_certainty_equivalent

    t = study.archetype_table()
    assert list(t.index) == list(ARCHETYPES)
    assert t.loc["strategic", "best_months_missed"] == 0.0  # always at its policy share
    w = study.archetypes["timer"].wealth[:, -1]
    assert t.loc["timer", "ce_crra"] == crra_certainty_equivalent(w, study.params.crra_risk_aversion)
    assert np.isfinite(t.to_numpy()).all()


def test_premia_portfolios_are_optimal_for_their_own_objective(study: AsymmetricSystemStudy) -> None:
    ports = study.portfolios
    for res in ports.values():
        assert res.weights.sum() == pytest.approx(1.0, abs=1e-8) and (res.weights >= -1e-10).all()
    assert ports["variance"].volatility <= min(ports["cvar"].volatility, ports["prospect"].volatility) + 1e-9
    assert ports["cvar"].cvar <= min(ports["variance"].cvar, ports["prospect"].cvar) + 1e-9
    t = study.portfolio_table()
    assert list(t.columns) == ["variance", "cvar", "prospect"]
    assert t.loc["volatility", "variance"] == ports["variance"].volatility
