"""Headless tests of the overlay panels and chart builders (notebooks 07, 08, 09).

Reference values: every number a panel shows is compared with a direct call of the tailkit
function it wraps (``tailkit.overlay.calibrate_overlay``, the study functions of
``tailkit.overlay.study``); charts are checked for their data and the SYNTHETIC label.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pytest

from tailkit.charts.overlay import (
    fan_chart,
    history_chart,
    innovation_chart,
    regression_chart,
    residual_chart,
)
from tailkit.data.synthetic import load_synthetic_history
from tailkit.overlay import calibrate_overlay
from tailkit.overlay.study import (
    OverlayCalibrationParams,
    overlay_calibration_study,
)
from widgets.overlay import OverlayCalibrationPanel


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
    # closed form: the MLE residuals have mean 0 and sd 1 by construction of the estimator
    assert np.allclose(stats["mean"], 0.0, atol=1e-8)
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
    comp = calib_study.comparison.set_index("parameter")
    assert comp.loc["kappa_20", "generator_value"] == 0.5
    assert comp.loc["beta", "generator_value"] == -18.0
    assert comp.loc["sigma_20", "estimate_full"] == pytest.approx(0.008, rel=0.05)


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
