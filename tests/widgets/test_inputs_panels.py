"""Inputs are never changed without telling the user (issue 11), driven headless.

Before: bounded widgets clamped an IV of 20 to 3 (results shown at "IV 300.0%"), days 0 or -5
to 1, a confidence of 95 to 99.9%, a profit target of 50 to 1.0; "abc" or an empty field put
the old value back. Now percent-like fields read "20", "20%" and "0.20" as 20% and say so, and
anything out of range is refused with the text exactly as typed.
"""

from __future__ import annotations

import pytest

from tailkit.studies.risk_review import RiskReviewParams, run_risk_study
from tailkit.studies.spread_explorer import SpreadExplorerParams, spread_explorer_view
from widgets.controls import TypedText
from widgets.pricing import SpreadExplorerPanel
from widgets.risk import RiskReviewPanel


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


@pytest.fixture(scope="module")
def spread():
    return SpreadExplorerPanel()


def test_number_controls_are_text_that_never_clamps(spread):
    for name in ("spot", "short_strike", "long_strike", "days_to_expiry", "iv", "rate"):
        assert isinstance(spread.controls[name], TypedText), name
    assert spread.controls["iv"].value == "20%"  # a percent field shows a percentage


@pytest.mark.parametrize("typed", ["20", "20%", "0.20", "0.2"])
def test_iv_of_20_means_20_percent(spread, typed):
    spread.controls["iv"].value = typed
    assert spread.error == ""
    assert spread.result.params.iv == 0.2
    ref = spread_explorer_view(SpreadExplorerParams(iv=0.2))
    assert spread.result.metrics.credit == pytest.approx(ref.metrics.credit, abs=1e-12)
    assert "IV 20%" in spread.metrics.value and "300" not in spread.metrics.value
    if typed == "20":
        assert spread.notes == ["IV 20% (read 20 as percent)"]
        assert "read 20 as percent" in spread.notes_box.value
    else:
        assert spread.notes == []


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("iv", "350"),
        ("iv", "-0.2"),
        ("iv", "abc"),
        ("iv", ""),
        ("days_to_expiry", "0"),
        ("days_to_expiry", "-5"),
        ("days_to_expiry", "abc"),
        ("days_to_expiry", ""),
        ("days_to_expiry", "2.5"),
    ],
)
def test_out_of_range_or_garbage_is_refused_quoting_the_text(spread, field, typed):
    spread.controls[field].value = typed
    assert spread.result is None
    assert repr(typed) in spread.error  # exactly what was typed, not the bound or the old value
    assert spread.controls[field].value == typed  # the field still shows it
    assert all(o.layout.display == "none" for o in spread.outputs)
    spread.controls[field].value = {"iv": "20%", "days_to_expiry": "30"}[field]
    assert spread.result is not None and spread.result.params == SpreadExplorerParams()


def test_percent_refusal_states_the_range_in_percent(spread):
    spread.controls["iv"].value = "350"
    assert spread.error.startswith(
        "you typed '350' in IV (read as 350%; allowed above 0% up to 300%): iv=3.5"
    )
    spread.controls["iv"].value = "20%"


def test_days_label_is_singular_for_one_day(spread):
    spread.controls["days_to_expiry"].value = "1"
    assert "1 day to expiry" in spread.metrics.value and "1 days" not in spread.metrics.value
    spread.controls["days_to_expiry"].value = "30"


def test_greeks_never_show_negative_zero(spread):
    assert "-0.0000" not in spread.greeks.value and "np.float64" not in spread.greeks.value


@pytest.fixture(scope="module")
def risk():
    return RiskReviewPanel()


def test_confidence_of_95_means_95_percent(risk):
    risk.controls["confidence"].value = "95"
    assert risk.error == "" and risk.result.var.confidence == 0.95
    assert "confidence 95% (read 95 as percent)" in risk.notes
    ref = run_risk_study(RiskReviewParams(confidence=0.95))
    assert risk.result.var.var == pytest.approx(ref.var.var, rel=1e-12)
    risk.controls["confidence"].value = "0.5"
    assert risk.result is None and "you typed '0.5'" in risk.error and "confidence=0.5" in risk.error
    risk.controls["confidence"].value = "99%"
    assert risk.result.var.confidence == 0.99


def test_tiny_tail_sample_is_said(risk):
    risk.controls["confidence"].value = "99.9"
    assert risk.result.var.confidence == 0.999
    assert "ES averages the worst 1 scenario of 1,000" in risk.metrics.value
    assert "too few" in risk.metrics.value
    risk.controls["confidence"].value = "99%"


def test_leverage_is_stated_and_does_not_flip_the_regime(risk):
    calm = risk.result.limits
    risk.controls["weights"].value = "0.6, 0.6, 0.4, 0.4"
    assert "weights: gross 200%, net 200%" in risk.notes
    levered = risk.result.limits
    assert levered.regime == calm.regime == "calm"
    assert levered.vol == pytest.approx(calm.vol, rel=1e-12)
    # the levered book's VaR doubles (VaR is linear in the weights); the regime is the market's
    assert risk.result.var.var == pytest.approx(2 * run_risk_study(RiskReviewParams()).var.var, rel=1e-9)
    risk.controls["weights"].value = "0.3, 0.3, 0.2, 0.2"
    assert risk.notes == []
