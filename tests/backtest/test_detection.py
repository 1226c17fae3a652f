"""Causal regime detection: naming rule, severity, truncation invariance, known regimes found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.backtest import RegimeDetectionParams, detect_regimes, name_regimes, transition_severity
from tailkit.errors import ParameterError
from tailkit.simulation import RegimeParams, simulate_regimes


@pytest.fixture(scope="module")
def simulated():
    paths = simulate_regimes(RegimeParams(), n_paths=1, n_steps=3000, seed=3)
    idx = pd.bdate_range("2005-01-03", periods=3001)
    return pd.Series(100 * paths.values[0, :, 0], index=idx), paths.regimes[0]


def test_naming_rule():
    assert name_regimes(np.array([0.001, 0.0005, -0.002]), np.array([0.01, 0.015, 0.03])) == (
        "goldilocks", "volatile_bull", "crisis",
    )  # fmt: skip
    assert name_regimes(np.array([0.001, -0.001, -0.002]), np.array([0.01, 0.015, 0.03])) == (
        "goldilocks", "correction", "crisis",
    )  # fmt: skip
    assert name_regimes(np.array([0.001, 0.002, 0.001, -0.01]), np.array([0.02, 0.01, 0.03, 0.05])) == (
        "volatile_bull", "goldilocks", "volatile_bull", "crisis",
    )  # fmt: skip


def test_severity():
    assert transition_severity("goldilocks", "crisis", 0.9, 0.8) == "critical"
    assert transition_severity("goldilocks", "crisis", 0.7, 0.8) == "high"
    assert transition_severity("goldilocks", "volatile_bull", 0.9, 0.8) == "medium"
    assert transition_severity("crisis", "goldilocks", 0.99, 0.8) == "low"


def test_filtered_states_do_not_change_when_data_is_truncated(simulated):
    px, _ = simulated
    params = RegimeDetectionParams(train_bars=756)
    full = detect_regimes(px, params)
    for cut in (800, 1500, 2400):
        part = detect_regimes(px.iloc[:cut], params)
        pd.testing.assert_frame_equal(part.frame, full.frame.iloc[:cut])
        assert part.transitions == tuple(t for t in full.transitions if t.date <= px.index[cut - 1])
    assert full.frame["regime"].iloc[:756].isna().all()
    assert full.frame["regime"].iloc[756:].notna().all()


def test_refits_are_causal_too(simulated):
    px, _ = simulated
    params = RegimeDetectionParams(train_bars=504, refit_bars=500, horizons=("daily",))
    full = detect_regimes(px, params)
    part = detect_regimes(px.iloc[:1700], params)
    pd.testing.assert_frame_equal(part.frame, full.frame.iloc[:1700])


def test_the_known_crisis_regime_is_found(simulated):
    # the simulator's truth: bars labelled crisis by the filter are mostly true crisis bars,
    # and most true crisis bars are labelled crisis (the filter lags a few bars at entries)
    px, truth = simulated
    tl = detect_regimes(px, RegimeDetectionParams(train_bars=756))
    lab = tl.frame["regime"].to_numpy()[756:]
    true_crisis = truth[756:] == 2
    said = lab == "crisis"
    assert said.sum() > 0
    assert (said & true_crisis).sum() / said.sum() > 0.6
    assert (said & true_crisis).sum() / true_crisis.sum() > 0.5
    conf = tl.frame["confidence"].iloc[756:]
    assert conf.between(0.25, 1.0).all()
    assert tl.frame["stability"].iloc[756:].between(0.0, 1.0).all()
    crit = [t for t in tl.transitions if t.severity == "critical"]
    assert all(t.target == "crisis" and t.confidence >= 0.8 and t.override for t in crit)


def test_monthly_horizon_needs_enough_training():
    with pytest.raises(ParameterError, match="train_bars=300"):
        RegimeDetectionParams(train_bars=300)
