"""Notebook 02's study: parameters, scenario transforms, a small end-to-end run, charts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest

from tailkit.calibration.garch import fourth_moment_condition
from tailkit.charts.simulation import (
    drawdown_distribution_chart,
    fan_chart,
    put_pnl_chart,
    regime_chart,
    return_histogram_chart,
)
from tailkit.errors import ParameterError
from tailkit.simulation import GBMParams, RegimeParams, simulate_gbm
from tailkit.simulation.tail_stats import hill_tail_index, moors_kurtosis
from tailkit.studies import load_notebook_parameters, parameter_class_for
from tailkit.studies.asymmetric_simulation import (
    MODELS,
    SimulationStudyParams,
    calibrate,
    run_simulation,
    scenario_jumps,
    scenario_regimes,
)

ROOT = Path(__file__).resolve().parents[2]
SMALL = SimulationStudyParams(n_paths=300, horizon_days=63, put_expiry_days=21, rates_horizon_years=1.0)


def test_registered_and_scenario_files_load() -> None:
    assert parameter_class_for("02_asymmetric_simulation") is SimulationStudyParams
    files = sorted((ROOT / "parameters" / "02_asymmetric_simulation").glob("*.yaml"))
    assert {f.stem for f in files} == {"calm", "gfc_2008", "covid_2020", "rates_shock"}
    for f in files:
        p = load_notebook_parameters(f)
        assert isinstance(p, SimulationStudyParams)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "heston"}, "model"),
        ({"put_expiry_days": 300, "horizon_days": 252}, "put_expiry_days"),
        ({"fit_start": "2018-01-01"}, "fit_start"),
        ({"fit_end": "not a date"}, "fit_end"),
        ({"tickers": ("AAPL", "TSLA")}, "tickers"),
        ({"crisis_duration_multiplier": 0.0}, "crisis_duration_multiplier"),
    ],
)
def test_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        SimulationStudyParams(**kwargs)


def test_scenario_regimes_scale_crisis_duration() -> None:
    base = RegimeParams()
    p = scenario_regimes(
        base, dataclasses.replace(SMALL, crisis_duration_multiplier=2.0, start_regime="crisis")
    )
    np.testing.assert_allclose(p.expected_durations()[2], 2 * base.expected_durations()[2])
    np.testing.assert_allclose(np.asarray(p.transition).sum(axis=1), 1.0)
    assert p.initial == (0.0, 0.0, 1.0)
    np.testing.assert_array_equal(p.transition[0], base.transition[0])


@pytest.fixture(scope="module")
def study():
    cal = calibrate(SMALL)
    return cal, run_simulation(SMALL, cal)


def test_scenario_jumps(study) -> None:
    cal, _ = study
    lam = cal.merton.jumps.market_intensity
    p3 = dataclasses.replace(SMALL, crash_intensity_multiplier=3.0, jump_size_multiplier=2.0)
    assert scenario_jumps(cal.merton, p3, extra=False).market_intensity == pytest.approx(3 * lam)
    extra = scenario_jumps(cal.merton, p3, extra=True, n_assets=2)
    assert extra.market_intensity == pytest.approx(2 * lam)
    assert extra.market_mean == (2 * cal.merton.jumps.market_mean[0],) * 2
    assert scenario_jumps(cal.merton, SMALL, extra=True).market_intensity == 0.0


def test_small_study_end_to_end(study) -> None:
    cal, res = study
    assert len(res.paths) == len(MODELS)
    assert all(p.values.shape == (300, 64, 1) for p in res.paths)
    assert list(res.summary_table.index) == list(MODELS)
    assert list(res.facts.columns) == ["historical", *MODELS]
    s = res.summary()
    assert s["model"] == "gjr_garch" and 0 < s["put_premium"] < 0.1
    # the GJR-GARCH fit to the S&P 500 has the leverage effect
    assert cal.garch.params.gamma[0] > cal.garch.params.alpha[0]
    assert cal.regimes.params.regime_names == ("calm", "stressed", "crisis")
    assert set(cal.parameter_table().index.get_level_values(0)) >= {"gbm", "merton", "vasicek_aaa_baa"}
    # same seed, same study
    again = run_simulation(SMALL, cal)
    np.testing.assert_array_equal(again.paths[3].values, res.paths[3].values)


def test_charts_build(study) -> None:
    cal, res = study
    charts = [
        fan_chart(res.model_paths()),
        fan_chart(res.rates, time_unit="years"),
        return_histogram_chart(cal.spx_returns, {m: p.returns() for m, p in zip(MODELS, res.paths)}),
        drawdown_distribution_chart(res.max_drawdown),
        put_pnl_chart(res.put, premium=res.put_premium),
        regime_chart(cal.regimes.probabilities.to_frame(), pd.Series(1.0, index=cal.spx_returns.index)),
    ]
    for c in charts:
        assert isinstance(c, alt.TopLevelMixin)
        spec = c.to_dict()
        assert "synthetic" in str(spec) or "historical" in str(spec)
    g = simulate_gbm(GBMParams(), n_paths=3, n_steps=5)
    assert fan_chart(g, n_sample=10).to_dict()


def test_fourth_moment_reported(study) -> None:
    # issue 9 §5: the raw GJR-GARCH kurtosis was shown as a stylized fact although the fitted
    # model's fourth moment does not exist; the study reports the condition for every fit
    cal, res = study
    table = cal.moment_table()
    assert list(table.index) == [("gjr_garch", "SPX")] + [("stocks_gjr_garch_ccc", t) for t in SMALL.tickers]
    for key, fit in (("gjr_garch", cal.garch), ("stocks_gjr_garch_ccc", cal.stocks_garch)):
        direct = fourth_moment_condition(fit.params)
        rows = table.loc[key]
        np.testing.assert_array_equal(rows["condition"].to_numpy(), direct.value)
        np.testing.assert_array_equal(rows["fourth_moment_exists"].to_numpy(), direct.exists)
        p = fit.params
        kz = 3 * (p.nu - 2) / (p.nu - 4) if p.nu > 4 else np.inf
        np.testing.assert_allclose(rows["innovation_kurtosis"], kz, rtol=1e-12)
        a, g, b = (np.asarray(v) for v in (p.alpha, p.gamma, p.beta))
        np.testing.assert_allclose(
            rows["condition"], b**2 + 2 * b * (a + g / 2) + kz * (a**2 + a * g + g**2 / 2), rtol=1e-12
        )
    pd.testing.assert_frame_equal(res.moments, table)
    s = res.summary()
    spx = table.loc[("gjr_garch", "SPX")]
    assert s["garch_fourth_moment_condition"] == round(float(spx["condition"]), 4)
    assert s["garch_fourth_moment_exists"] is bool(spx["fourth_moment_exists"])


def test_facts_have_robust_tail_statistics(study) -> None:
    cal, res = study
    for col, sample in [("historical", cal.spx_returns.to_numpy())] + [
        (m, p.returns()) for m, p in zip(MODELS, res.paths)
    ]:
        facts = res.facts[col]
        hill = hill_tail_index(sample, tail=0.05)
        assert facts["moors_excess_kurtosis"] == pytest.approx(moors_kurtosis(sample), rel=1e-12)
        assert (facts["hill_tail_index"], facts["hill_tail_index_se"]) == pytest.approx((hill.index, hill.se))
    s = res.summary()
    assert s["hill_tail_index"] == round(float(res.facts.loc["hill_tail_index", SMALL.model]), 3)
    assert s["moors_excess_kurtosis"] == round(float(res.facts.loc["moors_excess_kurtosis", SMALL.model]), 4)
    # GBM is normal in its returns: robust excess kurtosis ~ 0 (SE ~ 0.01 at 300 x 63 draws)
    assert abs(res.facts.loc["moors_excess_kurtosis", "gbm"]) < 0.05
