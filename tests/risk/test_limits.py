"""Dynamic limits, breach severity, vol targeting and drawdown protection (causal, by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tailkit.errors import ParameterError
from tailkit.risk import (
    VolRegimeSchedule,
    check_limits,
    drawdown_protection,
    dynamic_limits,
    vol_target_leverage,
)


def test_limits_tighten_with_vol() -> None:
    vols = [0.05, 0.15, 0.2, 0.3, 0.5, 1.0]
    lims = [dynamic_limits({"var": 0.03}, v)["var"] for v in vols]
    assert lims == pytest.approx([0.03, 0.024, 0.024, 0.018, 0.012, 0.012])
    assert lims == sorted(lims, reverse=True)
    with pytest.raises(ParameterError, match="multipliers"):
        VolRegimeSchedule(bounds=(0.1,), multipliers=(0.5, 1.0), names=("a", "b"))
    with pytest.raises(ParameterError, match="vol"):
        dynamic_limits({"var": 0.03}, float("nan"))


def test_breach_report_severity() -> None:
    rep = check_limits(
        {"var": 0.010, "es": 0.0165, "gross": 1.3, "other": 9.0},
        {"var": 0.02, "es": 0.02, "gross": 1.25},
        vol=0.30,  # stressed: x0.6 -> var 0.012, es 0.012, gross 0.75
    )
    frame = rep.to_frame()
    assert rep.regime == "stressed" and rep.multiplier == 0.6
    assert frame.loc["var", "severity"] == "warning"  # 0.010 / 0.012 = 0.83
    assert frame.loc["es", "severity"] == "critical"  # 1.375
    assert frame.loc["gross", "severity"] == "critical"
    assert "other" not in frame.index
    assert rep.worst_severity == "critical"
    assert [b.metric for b in rep.breaches()] == ["es", "gross"]
    calm = check_limits({"var": 0.021}, {"var": 0.02}, vol=0.1)
    assert calm.to_dict()["worst_severity"] == "breach"
    assert check_limits({"var": 0.001}, {"var": 0.02}, vol=0.1).worst_severity == "ok"


def test_vol_target_by_hand() -> None:
    r = pd.Series([0.01, -0.01] * 50)
    lev = vol_target_leverage(r, target_vol=0.08, window=10, max_leverage=3.0)
    sd = np.std([0.01, -0.01] * 5, ddof=1) * np.sqrt(252)
    assert lev.iloc[10] == pytest.approx(0.08 / sd)
    assert lev.iloc[:10].eq(1.0).all()
    capped = vol_target_leverage(r * 0.01, target_vol=0.08, window=10, max_leverage=2.0)
    assert capped.iloc[20:].eq(2.0).all()


@given(st.lists(st.floats(-0.2, 0.2), min_size=30, max_size=80), st.integers(0, 29))
def test_rules_are_causal(values: list[float], t: int) -> None:
    r = pd.Series(values)
    shocked = r.copy()
    shocked.iloc[t] = -0.5
    for f in (
        lambda x: vol_target_leverage(x, window=5),
        lambda x: drawdown_protection(x, threshold=0.1, rerisk_drawdown=0.02, rerisk_rebound=0.05),
    ):
        a, b = f(r), f(shocked)
        pd.testing.assert_series_equal(a.iloc[: t + 1], b.iloc[: t + 1])


def test_drawdown_protection_by_hand() -> None:
    # NAV: 1, 0.94, 0.8836 (dd 11.6% -> de-risk from the next day), 0.8836, 1.06 (new peak -> re-risk)
    r = [-0.06, -0.06, 0.0, 0.2, 0.0, -0.01]
    exp = drawdown_protection(r, threshold=0.1, rerisk_drawdown=0.05, derisked_exposure=0.25)
    assert exp.tolist() == [1.0, 1.0, 0.25, 0.25, 1.0, 1.0]
    # re-risk on a 5% rebound from the trough even though the drawdown is still 7%
    r2 = [-0.12, 0.06, 0.0]
    exp2 = drawdown_protection(r2, threshold=0.1, rerisk_drawdown=0.0, rerisk_rebound=0.05)
    assert exp2.tolist() == [1.0, 0.5, 1.0]
    idx = pd.bdate_range("2020-01-01", periods=3)
    assert drawdown_protection(pd.Series(r2, index=idx)).index.equals(idx)
    with pytest.raises(ParameterError, match="rerisk_drawdown"):
        drawdown_protection(r, threshold=0.1, rerisk_drawdown=0.2)
