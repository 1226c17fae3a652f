"""Notebook 05's charts: the waterfall adds up, every builder renders, bad frames are named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.charts.render import chart_to_svg
from tailkit.charts.system import (
    asymmetry_chart,
    behavior_gap_chart,
    fan_chart,
    waterfall_chart,
    waterfall_frame,
)
from tailkit.errors import ParameterError
from tailkit.studies.asymmetric_system import AsymmetricSystemParams, asymmetric_system_study


@pytest.fixture(scope="module")
def study():
    return asymmetric_system_study(AsymmetricSystemParams(n_paths=12, path_months=72))


def test_waterfall_bars_chain_and_end_at_the_total():
    summary = pd.Series(
        {"strategic": 0.3, "premia_tilts": 0.1, "hedge": -0.05, "behavior": -0.2, "total": 0.15}
    )
    f = waterfall_frame(summary)
    assert list(f["part"]) == ["strategic", "premia_tilts", "hedge", "behavior", "total"]
    np.testing.assert_allclose(f["start"].iloc[1:4], f["end"].iloc[:3], rtol=0, atol=0)
    assert f["end"].iloc[3] == pytest.approx(0.15, abs=1e-15)  # the parts reach the total
    assert list(f["kind"]) == ["adds", "adds", "takes away", "takes away", "total"]
    assert (f["start"].iloc[-1], f["end"].iloc[-1]) == (0.0, 0.15)


def test_waterfall_of_the_study_reaches_its_total(study):
    f = waterfall_frame(study.layers.summary())
    assert f["end"].iloc[-2] == pytest.approx(f["end"].iloc[-1], abs=1e-12)


def test_every_chart_renders(study):
    charts = [
        waterfall_chart(study.layers.summary()),
        asymmetry_chart(study.asymmetry.table),
        fan_chart(study.fan_frame("wealth")),
        fan_chart(study.fan_frame("risk_tolerance"), value="risk tolerance"),
        behavior_gap_chart(study.archetype_table()),
    ]
    for chart in charts:
        assert chart_to_svg(chart).lstrip().startswith("<svg")


def test_fan_frame_quantiles_are_ordered(study):
    f = study.fan_frame("risk_tolerance")
    q = f[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= 0).all()
    assert set(f["archetype"]) == {"strategic", "timer", "myopic"}
    assert (f.loc[f["month"] == 0, "q50"] == 1.0).all()  # the state starts at 1


def test_bad_inputs_name_the_argument(study):
    with pytest.raises(ParameterError, match="summary"):
        waterfall_frame(pd.Series({"a": 1.0}))
    with pytest.raises(ParameterError, match="frame"):
        asymmetry_chart(pd.DataFrame({"sharpe": [1.0]}))
    with pytest.raises(ParameterError, match="value='cash'"):
        study.fan_frame("cash")
