"""Protections as pure functions, their priority, user rules; two-stage sizing; scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tailkit.backtest import (
    ActionRequest,
    AssetState,
    Decision,
    ProtectionSettings,
    combine_scores,
    default_orchestrator,
    technical_scores,
    two_stage_weights,
)
from tailkit.backtest.scoring import rank_cross_section
from tailkit.errors import ParameterError

S = ProtectionSettings(grace_days=5, min_holding_days=3, max_cycles=1, whipsaw_window=14, min_score=0.6)
ORCH = default_orchestrator(S)


def close(bar=100, score=0.3):
    return ActionRequest("X", "close", bar, score)


def test_grace_then_expiry():
    held = AssetState(held=True, opened_bar=10)
    d = ORCH.decide(close(), held)
    assert (d.approved, d.system) == (False, "grace_period") and "starts" in d.reason
    d = ORCH.decide(close(103), AssetState(held=True, opened_bar=10, grace_started=100))
    assert (d.approved, d.system) == (False, "grace_period")
    d = ORCH.decide(close(105), AssetState(held=True, opened_bar=10, grace_started=100))
    assert (d.approved, d.system) == (True, "grace_period")
    # out-ranked with a good score: no grace, default approval
    assert ORCH.decide(close(score=0.7), held) == Decision(True, "no protection objected", "default")


def test_holding_period_and_whipsaw():
    d = ORCH.decide(close(score=0.7), AssetState(held=True, opened_bar=99))
    assert (d.approved, d.system) == (False, "holding_period")
    opened = ActionRequest("X", "open", 100, 0.9)
    d = ORCH.decide(opened, AssetState(cycle_ends=(90,)))
    assert (d.approved, d.system) == (False, "whipsaw")
    assert ORCH.decide(opened, AssetState(cycle_ends=(86,))).approved  # 14 bars ago: outside the window


def test_priority_core_beats_override_beats_the_rest():
    core = AssetState(held=True, opened_bar=99, is_core=True, override_active=True)
    d = ORCH.decide(close(), core)
    assert (d.approved, d.system) == (False, "core_asset_immunity")
    for st_ in (
        AssetState(held=True, opened_bar=99, override_active=True),  # holding would block
        AssetState(held=True, opened_bar=10, override_active=True),  # grace would block
    ):
        d = ORCH.decide(close(), st_)
        assert (d.approved, d.system) == (True, "regime_override")
    d = ORCH.decide(ActionRequest("X", "open", 100, 0.9), AssetState(cycle_ends=(99,), override_active=True))
    assert d.system == "regime_override"
    # without core management the core flag means nothing
    off = default_orchestrator(ProtectionSettings(enable_core_assets=False))
    assert off.decide(close(), AssetState(held=True, opened_bar=10, is_core=True)).system == "grace_period"


def test_user_rule_and_counterfactual_without():
    def no_commodities(req, state, settings):
        if req.asset.startswith("CMD") and req.action == "open":
            return Decision(False, "no commodities", "desk_rule")
        return None

    orch = ORCH.with_rule("desk_rule", no_commodities, 5)
    d = orch.decide(ActionRequest("CMD1", "open", 10, 0.9), AssetState(override_active=True))
    assert (d.approved, d.system) == (False, "desk_rule")  # priority 5 beats the override
    assert orch.decide(ActionRequest("RSK1", "open", 10, 0.9), AssetState()).approved
    no_ws = ORCH.without("whipsaw")
    assert no_ws.decide(ActionRequest("X", "open", 100, 0.9), AssetState(cycle_ends=(99,))).approved
    with pytest.raises(ParameterError, match="name='whipsaw'"):
        ORCH.with_rule("whipsaw", no_commodities, 1)
    with pytest.raises(ParameterError, match="action='buy'"):
        ActionRequest("X", "buy", 1, 0.5)


@given(
    scores=st.lists(st.floats(0.05, 1.0), min_size=1, max_size=12),
    cap=st.floats(0.05, 1.0),
    bucket_cap=st.floats(0.1, 1.0),
    budget=st.floats(0.0, 1.0),
    seed=st.integers(0, 99),
)
def test_two_stage_sizing_respects_every_cap(scores, cap, bucket_cap, budget, seed):
    s = np.array(scores)
    b = np.random.default_rng(seed).integers(0, 3, s.size)
    w = two_stage_weights(s, b, budget, cap, bucket_cap)
    assert np.all(w >= 0) and np.all(w <= cap + 1e-12)
    assert w.sum() <= budget + 1e-9
    for k in range(3):
        assert w[b == k].sum() <= bucket_cap + 1e-9
    # everything that can be invested is: the budget, or every asset/bucket at its cap
    full = min(budget, sum(min(bucket_cap, cap * np.sum(b == k)) for k in range(3)))
    assert w.sum() == pytest.approx(full, abs=1e-9)


def test_two_stage_sizing_is_proportional_when_no_cap_binds():
    w = two_stage_weights(np.array([0.9, 0.6, 0.3]), np.array([0, 1, 2]), 0.9, 1.0, 1.0)
    np.testing.assert_allclose(w, [0.45, 0.3, 0.15])
    exempt = two_stage_weights(np.array([0.9, 0.8]), np.array([0, 0]), 0.9, 0.6, 0.4, np.array([True, False]))
    assert exempt[0] > 0.4 - 1e-12 and exempt[1] <= 0.4 + 1e-12


def test_rank_and_degraded_scores():
    f = pd.DataFrame([[3.0, 1.0, 2.0], [np.nan, 5.0, np.nan], [1.0, 1.0, np.nan]])
    np.testing.assert_allclose(
        rank_cross_section(f).to_numpy(), [[1.0, 0.0, 0.5], [np.nan, 0.5, np.nan], [0.5, 0.5, np.nan]]
    )
    s, deg = combine_scores(np.array([0.2, 0.8]), np.array([1.0, np.nan]), 0.6, 0.4)
    np.testing.assert_allclose(s, [0.6 * 0.2 + 0.4 * 1.0, 0.8])
    assert list(deg) == [False, True]


def test_technical_indicators_by_hand():
    rng = np.random.default_rng(4)
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.01, (300, 3)), axis=0)),
        index=pd.bdate_range("2020-01-01", periods=300), columns=list("ABC"),
    )  # fmt: skip
    ts = technical_scores(px)
    t = 280
    assert ts.indicators["mom_3m"].iloc[t, 0] == pytest.approx(px.iloc[t, 0] / px.iloc[t - 63, 0] - 1)
    assert ts.indicators["sma200"].iloc[t, 1] == pytest.approx(
        px.iloc[t, 1] / px.iloc[t - 199 : t + 1, 1].mean() - 1
    )
    # RSI with Wilder smoothing (Wilder 1978; pandas ewm(alpha=1/14, adjust=False) form):
    # recursive averages of gains and losses from the first difference on
    d = np.diff(px["C"].to_numpy()[: t + 1])
    up = np.clip(d[0], 0, None)
    dn = np.clip(-d[0], 0, None)
    for x in d[1:]:
        up += (max(x, 0) - up) / 14
        dn += (max(-x, 0) - dn) / 14
    rsi = 100 * up / (up + dn)
    assert ts.indicators["rsi"].iloc[t, 2] == pytest.approx(-abs(rsi - 60), rel=1e-9)
    sc = ts.score.iloc[260:]
    assert ((sc >= 0) & (sc <= 1)).all().all()
    assert ts.trend.iloc[260:].isin([i / 6 for i in range(7)]).all().all()


def test_selection_limits_and_overrides():
    from tailkit.backtest import RegimeStrategyParams
    from tailkit.backtest.strategy import select_assets

    p = RegimeStrategyParams(
        max_assets=4, max_per_bucket=1, smart_diversification_overrides=1, override_min_score=0.9,
        min_score=0.5, trend_threshold=0.7,
    )  # fmt: skip
    score = np.array([0.95, 0.92, 0.91, 0.6, 0.55, 0.99, np.nan])
    trend = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 1.0])
    held = np.array([False, False, False, False, False, False, False])
    core = np.zeros(7, dtype=bool)
    bucket = np.array([0, 0, 0, 1, 2, 1, 2])
    desired, exempt = select_assets(score, trend, held, core, bucket, p)
    # asset 5 is not trending and not held: outside the universe; 0 fills bucket 0, 1 overrides
    # its limit (score >= 0.9), 2 would need a second override; then 3 and 4
    assert desired == [0, 1, 3, 4] and exempt == {1}
    held[5] = True
    core[2] = True
    desired, exempt = select_assets(score, trend, held, core, bucket, p)
    assert desired == [5, 0, 1, 2] and exempt == {1, 2}
