"""Headless tests of the overlay panels and chart builders (notebooks 07, 08, 09).

Reference values: every number a panel shows is compared with a direct call of the tailkit
function it wraps (``tailkit.overlay.calibrate_overlay``, the study functions of
``tailkit.studies`` overlay modules); charts are checked for their data and the SYNTHETIC label.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pytest

from tailkit.charts.overlay import (
    exit_reason_chart,
    fan_chart,
    feasible_region_chart,
    grid_heatmap,
    history_chart,
    innovation_chart,
    kelly_chart,
    regression_chart,
    residual_chart,
    screening_scatter,
    se_band_chart,
)
from tailkit.data.synthetic import load_synthetic_history
from tailkit.overlay import (
    ExitGrid,
    FillModel,
    SimulationSettings,
    SizingRules,
    calibrate_overlay,
    evaluate,
    kelly_contracts,
    optimize_exits,
    spread_from_delta,
)
from tailkit.overlay.evaluate import trading_days
from tailkit.studies.exit_optimization import ExitOptimizationParams, exit_optimization_study
from tailkit.studies.overlay_calibration import OverlayCalibrationParams, overlay_calibration_study
from tailkit.studies.overlay_inputs import load_calibration_input
from tailkit.studies.spread_screening import (
    MARKET_SOURCE,
    MODEL_SOURCE,
    SpreadScreeningParams,
    spread_screening_study,
)
from widgets.overlay import ExitOptimizationPanel, OverlayCalibrationPanel, SpreadScreeningPanel


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    """SVG charts (vl-convert): the panels' chart slots are HTML widgets holding an <svg>."""
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


def _titles(spec) -> list[str]:
    """Every title string found anywhere in a chart's vega-lite dict."""
    out = []
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == "title":
                out.append(
                    v if isinstance(v, str) else str(v.get("text", "")) if isinstance(v, dict) else str(v)
                )
            else:
                out.extend(_titles(v))
    elif isinstance(spec, list):
        for v in spec:
            out.extend(_titles(v))
    return out


# ---------------------------------------------------------------- notebook 07


@pytest.fixture(scope="module")
def calib_study():
    return overlay_calibration_study(OverlayCalibrationParams(fan_paths=500, fan_days=60))


def test_calibration_study_matches_calibrate_overlay(calib_study):
    ref = calibrate_overlay(load_synthetic_history())
    got = calib_study.calibration
    assert got.vasicek_dict() == pytest.approx(ref.vasicek_dict(), rel=1e-12)
    assert got.regression.r_squared == pytest.approx(ref.regression.r_squared, rel=1e-12)
    assert calib_study.label == "SYNTHETIC data"
    d = calib_study.to_dict()
    assert d["kappa_20"] == pytest.approx(ref.vasicek_dict()["kappa_20"], abs=1e-6)
    for key in ("kappa_20_se", "yield_20y_mean_se", "p_tlt_down_10pct_se", "tlt_mean_se"):
        assert d[key] > 0


def test_calibration_study_innovations_are_standardized(calib_study):
    stats = calib_study.innovation_stats
    # closed form: the fitted innovation variance is the mean square of the fit's residuals, so
    # mean(z^2) = 1 by construction; the residuals of a mean-reverting tenor also have mean 0
    # (its intercept is fitted), those of a driftless random-walk tenor (the bundled 30y) need not
    z2 = calib_study.innovations.groupby("tenor")["z"].apply(lambda z: float(np.mean(z * z)))
    assert np.allclose(z2, 1.0, atol=1e-8)
    for fit in calib_study.calibration.mean_reversion:
        if not fit.random_walk:
            assert abs(stats.loc[fit.tenor, "mean"]) < 1e-8
    assert np.allclose(stats["std"], 1.0, atol=0.01)
    assert set(stats.index) == {"20y", "30y"}


def test_calibration_study_fan_starts_today(calib_study):
    fan = calib_study.fan
    cur = calib_study.calibration.current
    day0 = fan[fan["day"] == 0].groupby("series")["value"].agg(["min", "max"])
    assert day0.loc["yield_20y"].to_numpy() == pytest.approx([cur.yield_20y] * 2)
    assert day0.loc["tlt"].to_numpy() == pytest.approx([cur.tlt_price] * 2, rel=1e-12)
    last = fan[(fan["day"] == 60) & (fan["series"] == "tlt")].sort_values("quantile")["value"].to_numpy()
    assert np.all(np.diff(last) > 0)


def test_calibration_study_comparison_has_generator_values(calib_study):
    # the generator's values as recorded beside the bundled file (provenance.json)
    import json

    from tailkit.data.synthetic import synthetic_paths

    truth = json.loads(synthetic_paths().provenance.read_text(encoding="utf-8"))["history"]["params"]
    comp = calib_study.comparison.set_index("parameter")
    assert comp.loc["kappa_20", "generator_value"] == truth["kappa_20"]
    assert comp.loc["beta", "generator_value"] == truth["beta"]
    # sigma is identified by ~2600 daily moves (relative SE ~ 1/sqrt(2n) ~ 1.4%)
    assert comp.loc["sigma_20", "estimate_full"] == pytest.approx(truth["sigma_20"], rel=0.05)


def test_calibration_study_writes_output_file(tmp_path):
    from tailkit.overlay import read_calibration

    out = tmp_path / "cal.json"
    study = overlay_calibration_study(
        OverlayCalibrationParams(fan_paths=100, fan_days=5, output_file=str(out))
    )
    back = read_calibration(out)
    assert back.vasicek_dict() == pytest.approx(study.calibration.vasicek_dict(), rel=1e-12)


def test_calibration_params_reject_bad_dates():
    from tailkit.errors import ParameterError

    with pytest.raises(ParameterError, match="start_date"):
        OverlayCalibrationParams(start_date="2024-01-01", end_date="2023-01-01")
    with pytest.raises(ParameterError, match="end_date"):
        OverlayCalibrationParams(end_date="soon")


def test_calibration_panel_follows_controls():
    panel = OverlayCalibrationPanel(OverlayCalibrationParams(fan_paths=300, fan_days=20))
    assert panel.error == ""
    assert set(panel.controls) == {
        "start_date",
        "end_date",
        "exclude_covid",
        "realized_window",
        "fan_days",
        "seed",
    }
    assert 'data-metric="kappa_20"' in panel.metrics.value
    assert "SYNTHETIC" in panel.metrics.value
    assert all("<svg" in c.widget.value for c in panel.charts)
    n_before = panel.result.calibration.sample["n_obs"]
    panel.controls["exclude_covid"].value = False
    assert panel.result.calibration.sample["n_obs"] > n_before
    ref = calibrate_overlay(load_synthetic_history(), exclude_covid=False)
    assert panel.result.calibration.vasicek_dict() == pytest.approx(ref.vasicek_dict(), rel=1e-12)


def test_calibration_panel_shows_errors_and_recovers():
    panel = OverlayCalibrationPanel(OverlayCalibrationParams(fan_paths=300, fan_days=20))
    panel.controls["start_date"].value = "2030-01-01"
    assert panel.result is None
    assert "start_date" in panel.error
    assert panel.error_box.layout.display is None
    assert panel.charts[0].widget.layout.display == "none"
    panel.controls["start_date"].value = "2022-01-01"
    assert panel.error == ""
    assert panel.result.calibration.sample["start"] >= "2022-01-01"
    assert panel.charts[0].widget.layout.display is None


def test_calibration_panel_never_writes_the_output_file(tmp_path):
    out = tmp_path / "cal.json"
    panel = OverlayCalibrationPanel(OverlayCalibrationParams(fan_paths=100, fan_days=5, output_file=str(out)))
    panel.controls["seed"].value = 3
    assert not out.exists()


def test_calibration_charts_are_labelled(calib_study):
    label = calib_study.label
    charts = [
        history_chart(calib_study.history, label=label),
        regression_chart(calib_study.fitted, label=label, r_squared=0.99),
        residual_chart(calib_study.fitted, label=label),
        innovation_chart(calib_study.innovations, label=label),
        fan_chart(calib_study.fan, "yield_20y", label=label),
        fan_chart(calib_study.fan, "tlt", label=label),
    ]
    for chart in charts:
        assert isinstance(chart, alt.TopLevelMixin)
        titles = _titles(chart.to_dict())
        assert titles and all("SYNTHETIC" in t for t in titles if "—" in t)
        assert any("SYNTHETIC" in t for t in titles)


# ---------------------------------------------------------------- notebook 08

# min POP 60%: on the bundled SYNTHETIC chain no market spread of this small grid reaches the
# default 70% (the best is 69%), and the sizing and the best-candidate row need one that passes
_FAST_SCREEN = {"n_paths": 400, "deltas": (0.15, 0.25), "widths": (2.0, 3.0), "top": 5, "min_pop": 0.6}


@pytest.fixture(scope="module")
def screen_study():
    return spread_screening_study(SpreadScreeningParams(**_FAST_SCREEN))


def test_screening_study_matches_evaluate(screen_study):
    p = screen_study.params
    cal = load_calibration_input("synthetic")
    ref = evaluate(
        cal,
        deltas=p.deltas,
        widths=p.widths,
        expiration_days=trading_days(p.expiration_days),  # calendar days -> simulated trading days
        rules=p.rules(),
        min_pop=p.min_pop,
        settings=SimulationSettings(n_paths=p.n_paths, seed=p.seed),
        fills=FillModel(half_spread=p.half_spread, commission=p.commission),
    )
    got = screen_study.candidates[screen_study.candidates["source"] == MODEL_SOURCE]
    want = ref.to_frame()
    np.testing.assert_allclose(got["expected_pnl"].to_numpy(), want["expected_pnl"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(got["pop"].to_numpy(), want["pop"].to_numpy(), rtol=1e-12)
    assert screen_study.label == "SYNTHETIC data"
    assert set(screen_study.candidates["source"]) == {MODEL_SOURCE, MARKET_SOURCE}


def test_screening_study_sizes_with_kelly(screen_study):
    sizing = screen_study.sizing
    assert not sizing.empty
    rules = SizingRules()
    for _, row in sizing.iterrows():
        ref = kelly_contracts(row["kelly"], row["max_loss"], 1_000_000.0, rules)
        assert row["contracts_1M"] == ref.contracts
    d = screen_study.to_dict()
    assert d["market_best_expected_pnl_se"] > 0 and d["model_n_evaluated"] > 0


def test_screening_params_check_combinations():
    from tailkit.errors import ParameterError

    with pytest.raises(ParameterError, match="max_dte"):
        SpreadScreeningParams(min_dte=60, max_dte=30)
    with pytest.raises(ParameterError, match="dte_close"):
        SpreadScreeningParams(expiration_days=10, dte_close=10)


def test_screening_panel_follows_controls(screen_study):
    panel = SpreadScreeningPanel(screen_study.params, result=screen_study)
    assert panel.result is screen_study  # the notebook's study is shown, not recomputed
    assert 'data-metric="market_best"' in panel.metrics.value
    assert "SYNTHETIC" in panel.metrics.value
    panel.controls["spread_types"].value = "put"
    assert panel.error == ""
    assert set(panel.result.candidates["type"]) == {"put"}
    assert all("<svg" in c.widget.value for c in panel.charts[:1])


def test_screening_panel_says_when_nothing_is_sized():
    # nothing passes a 95% POP floor: the Kelly chart says so instead of disappearing
    panel = SpreadScreeningPanel(SpreadScreeningParams(**{**_FAST_SCREEN, "min_pop": 0.95}))
    assert panel.result is not None and panel.result.sizing.empty and panel.error == ""
    kelly = panel.charts[1].widget
    assert kelly.layout.display != "none"
    assert "no market spread passes min POP 95%: nothing to size" in kelly.value


def test_screening_panel_shows_errors():
    panel = SpreadScreeningPanel(SpreadScreeningParams(**_FAST_SCREEN, spread_types="call"))
    panel.controls["dte_close"].value = 45
    assert panel.result is None and "dte_close" in panel.error
    assert panel.charts[0].widget.layout.display == "none"


# ---------------------------------------------------------------- notebook 09

_FAST_EXIT = {"n_paths": 1000, "spread_type": "call"}  # notebook 09's default spread


@pytest.fixture(scope="module")
def exit_study():
    return exit_optimization_study(ExitOptimizationParams(**_FAST_EXIT))


def test_exit_study_matches_optimize_exits(exit_study):
    p = exit_study.params
    cal = load_calibration_input("synthetic")
    spread = spread_from_delta(cal, p.spread_type, p.delta, p.width, trading_days(p.expiration_days))
    grid = ExitGrid(
        dte_thresholds=tuple(trading_days(d) for d in p.dte_thresholds)
    )  # calendar -> trading days
    ref = optimize_exits(cal, spread, grid=grid, settings=SimulationSettings(n_paths=p.n_paths, seed=p.seed))
    assert exit_study.spread == spread
    assert exit_study.optimization.to_dict()["best_params"] == ref.to_dict()["best_params"]
    assert exit_study.optimization.n_passing == ref.n_passing
    grid = exit_study.grid
    assert len(grid) == 100
    assert (grid["feasible"] == (grid["status"] == "passes")).all()
    assert set(grid["status"]) <= {"passes", "POP too low", "CVaR beyond limit", "both fail"}
    d = exit_study.to_dict()
    assert d["expected_return_se"] > 0 and d["pop_se"] > 0


def test_exit_study_reports_binding_constraint_when_nothing_passes():
    study = exit_optimization_study(ExitOptimizationParams(n_paths=500, spread_type="put", min_pop=0.99))
    d = study.to_dict()
    assert d["n_passing"] == 0
    assert "binds" in d["binding_constraint"]
    assert (study.grid["status"] != "passes").all()


def test_exit_study_writes_optimal_params(tmp_path):
    import json

    out = tmp_path / "optimal_params.json"
    exit_optimization_study(ExitOptimizationParams(n_paths=300, output_file=str(out)))
    doc = json.loads(out.read_text())
    for key in ("spread", "initial_credit", "best_params", "best_result", "n_evaluated", "n_passing"):
        assert key in doc


def test_exit_panel_follows_controls(exit_study, tmp_path):
    panel = ExitOptimizationPanel(exit_study.params, result=exit_study)
    assert panel.result.optimization is exit_study.optimization
    assert 'data-metric="n_passing"' in panel.metrics.value
    panel.controls["min_pop"].value = 0.99
    assert panel.error == ""
    assert panel.result.optimization.n_passing == 0
    assert 'data-metric="binding_constraint"' in panel.metrics.value
    panel.controls["heatmap_metric"].value = "pop"
    assert "<svg" in panel.charts[0].widget.value
    panel.controls["delta"].value = 0.3
    assert panel.result.spread.short_strike != exit_study.spread.short_strike


def test_exit_panel_shows_errors():
    panel = ExitOptimizationPanel(ExitOptimizationParams(n_paths=300))
    panel.controls["width"].value = 0.0
    assert panel.result is None and "width" in panel.error


def test_overlay_grid_and_screening_charts_are_labelled(exit_study, screen_study):
    label = exit_study.label
    top = exit_study.grid.head(10)
    charts = [
        grid_heatmap(exit_study.grid, "cvar_95", label=label),
        feasible_region_chart(exit_study.grid, label=label),
        exit_reason_chart(top, label=label),
        se_band_chart(top, label=label),
        screening_scatter(screen_study.candidates, label=label, min_pop=0.7),
        kelly_chart(screen_study.sizing, label=label),
    ]
    for chart in charts:
        assert any("SYNTHETIC" in t for t in _titles(chart.to_dict()))
    with pytest.raises(ValueError, match="metric"):
        grid_heatmap(exit_study.grid, "nope", label=label)


def test_calibration_panel_reuses_the_notebook_study(tmp_path):
    params = OverlayCalibrationParams(fan_paths=200, fan_days=10, output_file=str(tmp_path / "c.json"))
    study = overlay_calibration_study(params)
    panel = OverlayCalibrationPanel(params, result=study)
    assert panel.result.calibration is study.calibration  # shown, not recomputed
    assert panel.result.params.output_file == ""


def test_screening_label_names_every_source(tmp_path):
    from tailkit.data.synthetic import synthetic_paths

    chain = tmp_path / "my_chain.csv"
    chain.write_bytes(synthetic_paths().chain.read_bytes())
    from tailkit.data import UnitConversionWarning

    with pytest.warns(
        UnitConversionWarning, match="implied_vol"
    ):  # a user's file: the unit guess is announced
        study = spread_screening_study(SpreadScreeningParams(**_FAST_SCREEN, chain_file=str(chain)))
    assert study.label == "SYNTHETIC data + data: my_chain.csv"
