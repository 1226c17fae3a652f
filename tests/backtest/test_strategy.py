"""The regime strategy end to end: look-ahead audit, protections honoured, event log, config."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tailkit.backtest import (
    PRESETS,
    TIER_NAMES,
    Decision,
    EventLog,
    RegimeStrategyParams,
    audit_lookahead,
    default_orchestrator,
    load_config,
    preset,
    run_regime_strategy,
    save_config,
    tier_fields,
)
from tailkit.backtest import events as events_module
from tailkit.data import load_sp500, load_stocks
from tailkit.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def run(short_prices, universe, fast_params):
    with EventLog() as log:
        res = run_regime_strategy(short_prices, universe.buckets, fast_params, log=log)
        stored = log.query("SELECT * FROM portfolio_events ORDER BY id")
        yield res, stored, log


def test_lookahead_audit_truncated_runs_decide_the_same(short_prices, universe, fast_params):
    def decisions(px):
        res = run_regime_strategy(px, universe.buckets, fast_params)
        return res.targets.dropna(how="all")

    audit = audit_lookahead(decisions, short_prices, n_dates=3, min_bars=560, seed=7)
    assert audit.passed, audit.mismatches
    # the events up to t are identical too
    cut = audit.dates[0]
    full = run_regime_strategy(short_prices, universe.buckets, fast_params)
    part = run_regime_strategy(short_prices.loc[:cut], universe.buckets, fast_params)
    n = short_prices.index.get_loc(cut)
    assert [e.key() for e in part.events] == [e.key() for e in full.events if e.bar <= n]


def test_audit_catches_a_peek():
    px = pd.DataFrame({"A": np.arange(1.0, 40.0)}, index=pd.bdate_range("2024-01-01", periods=39))
    out = audit_lookahead(lambda p: p.rolling(3, center=True).mean(), px, n_dates=4, seed=1)
    assert not out.passed and len(out.mismatches) == 4


def test_every_position_change_is_logged_and_traceable(run):
    res, stored, log = run
    assert len(stored) == len(res.events) > 100
    tg = res.targets.dropna(how="all")
    prev = pd.Series(0.0, index=tg.columns)
    opens = {(e.bar, e.asset) for e in res.events if e.event_type == "position_open"}
    closes = {(e.bar, e.asset) for e in res.events if e.event_type == "position_close"}
    for date, row in tg.iterrows():
        bar = res.targets.index.get_loc(date)
        for a in tg.columns:
            if prev[a] == 0 and row[a] > 0:
                assert (bar, a) in opens
            if prev[a] > 0 and row[a] == 0:
                assert (bar, a) in closes
        prev = row
    # one trace per rebalance; the chain of an asset's decisions comes back in order
    assert stored.groupby("trace_id")["bar"].nunique().max() == 1
    a = stored["asset"][stored["asset"] != ""].iloc[0]
    tl = log.asset_timeline(a)
    assert list(tl["bar"]) == sorted(tl["bar"]) and (tl["asset"] == a).all()


def _documented_sql() -> list[str]:
    """Every SQL statement of the docs: README's ```sql blocks and the event log's docstring."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, flags=re.DOTALL)
    texts = [*blocks, events_module.__doc__ or ""]
    return [" ".join(q.split()) for t in texts for q in re.findall(r"SELECT\b.*?;", t, flags=re.DOTALL)]


@pytest.fixture(scope="module")
def stocks_log():
    # the bundled stocks (AAPL is one of them), regimes of the bundled S&P 500, with the hedge overlay
    stocks = load_stocks()
    index = load_sp500()["adj_close"].reindex(stocks.index).ffill().bfill()
    p = RegimeStrategyParams(
        train_bars=504,
        horizons=("daily", "weekly"),
        fundamental_weight=0.0,
        max_assets=3,
        hedge_program="put",
    )
    with EventLog() as log:
        run_regime_strategy(stocks, {"Stocks": tuple(stocks.columns)}, p, index=index, log=log)
        yield log


def test_documented_sql_works_as_written(stocks_log):
    queries = _documented_sql()
    assert len(queries) == 8  # README's four and the docstring's four
    assert len(set(queries)) == 4  # the same four in both places
    for q in queries:
        out = stocks_log.query(q)
        assert len(out) > 0, q
    by_text = {q.split(" FROM ")[0]: stocks_log.query(q) for q in queries}
    aapl = by_text["SELECT *"]
    assert set(aapl["asset"]) == {"AAPL"} and list(aapl["timestamp"]) == sorted(aapl["timestamp"])
    prot = by_text["SELECT event_type, COUNT(*) AS events, AVG(execution_time_ms) AS avg_time_ms"]
    assert set(prot["event_type"]) <= {"action_blocked", "grace_start", "grace_decay", "grace_end"}
    hedge = next(v for k, v in by_text.items() if "cash_flow" in k)
    assert set(hedge["action"]) <= {"open", "close", "settle"} and hedge["cash_flow"].notna().all()
    assert len(stocks_log.regime_transitions()) > 0 and len(stocks_log.protection_effectiveness()) > 0


def test_protections_are_honoured(run, fast_params):
    res, _, _ = run
    p = fast_params
    ev = res.events_frame()
    override_bars = set()
    for e in res.events:
        if e.event_type == "regime_override":
            override_bars.update(range(e.bar, e.bar + p.override_days))
    opened: dict[str, int] = {}
    cycles: dict[str, list[int]] = {}
    for e in res.events:
        if e.event_type == "position_open":
            recent = [b for b in cycles.get(e.asset, []) if e.bar - b < p.whipsaw_window]
            assert len(recent) < p.whipsaw_max_cycles or e.bar in override_bars
            opened[e.asset] = e.bar
        if e.event_type == "position_close":
            assert e.bar - opened[e.asset] >= p.min_holding_days or e.system == "regime_override"
            cycles.setdefault(e.asset, []).append(e.bar)
    decays = ev[ev["event_type"] == "grace_start"]
    np.testing.assert_allclose(decays["size_after"], decays["size_before"] * p.grace_decay)
    tg = res.targets.dropna(how="all")
    assert (tg.sum(axis=1) <= p.target_invested + 1e-9).all()
    assert ((tg > 0).sum(axis=1) <= p.max_assets + ev["event_type"].eq("grace_start").sum()).all()


def test_user_rule_blocks_and_is_logged(short_prices, universe, fast_params):
    def no_risk_assets(req, state, settings):
        if req.asset.startswith("RSK") and req.action == "open":
            return Decision(False, "desk: no risk assets", "desk_rule")
        return None

    orch = default_orchestrator(fast_params.protections()).with_rule("desk_rule", no_risk_assets, 1)
    res = run_regime_strategy(short_prices, universe.buckets, fast_params, orchestrator=orch)
    assert (res.targets.filter(like="RSK").fillna(0.0) == 0).all().all()
    assert any(e.system == "desk_rule" and e.event_type == "action_blocked" for e in res.events)


def test_fundamentals_degrade_gracefully(short_prices, universe):
    p = RegimeStrategyParams(train_bars=504, horizons=("daily", "weekly"), fundamental_weight=0.4)
    fund = pd.DataFrame(np.nan, index=short_prices.index, columns=short_prices.columns)
    fund["DEF1"] = 1.0
    res = run_regime_strategy(short_prices, universe.buckets, p, fundamentals=fund)
    deg = [e for e in res.events if e.event_type == "score_degraded"]
    assert deg and "DEF1" not in deg[0].metadata["assets"] and len(deg[0].metadata["assets"]) == 19


def test_config_tiers_are_nested_and_sized_as_the_issue_states():
    # issue 13: basic ~ 10 parameters, intermediate ~ 25, advanced ~ 40, expert: all
    every = tuple(f.name for f in dataclasses.fields(RegimeStrategyParams))
    tiers = [tier_fields(t) for t in TIER_NAMES]
    assert TIER_NAMES == ("basic", "intermediate", "advanced", "expert")
    assert [len(t) for t in tiers[:3]] == [10, 25, 40]
    assert tiers[3] == every and len(every) == 55
    for small, big in itertools.pairwise(tiers):
        assert big[: len(small)] == small and len(big) > len(small)  # nested, in the same order
    # the original's command-line options are all shown from the intermediate tier on
    original = {
        "buckets", "max_assets", "rebalance_freq", "min_score", "technical_weight", "fundamental_weight",
        "enable_core_assets", "max_core_assets", "core_override_threshold", "core_expiry_days",
        "smart_diversification_overrides", "start_date", "end_date", "cash", "commission",
    }  # fmt: skip
    assert original <= set(tier_fields("intermediate"))
    # the hedge overlay is an expert setting; every hedge_* field maps to the overlay's parameters
    hedge = [n for n in every if n.startswith("hedge_")]
    assert len(hedge) == 11 and not set(hedge) & set(tier_fields("advanced"))
    with pytest.raises(ParameterError, match="tier='pro'"):
        tier_fields("pro")


def test_config_tiers_presets_and_files(tmp_path):
    for name in PRESETS:
        assert isinstance(preset(name), RegimeStrategyParams)
    p = preset("institutional", max_assets=9)
    for suffix in (".yaml", ".json"):
        path = tmp_path / f"cfg{suffix}"
        save_config(p, path)
        assert load_config(path) == p
    save_config(p, tmp_path / "basic.yaml", tier="basic")
    assert list(yaml.safe_load((tmp_path / "basic.yaml").read_text())) == list(tier_fields("basic"))
    loaded = load_config(tmp_path / "basic.yaml")  # the other fields take their defaults
    assert loaded.max_assets == 9 and loaded.whole_shares is False and loaded.slippage == 0.0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"min_score": 1.5}))
    with pytest.raises(ParameterError, match=r"bad\.json: min_score=1\.5 .*<= 1\.0"):
        load_config(bad)
    (tmp_path / "typo.yaml").write_text("max_asets: 3\n")
    with pytest.raises(ParameterError, match=r"typo\.yaml: unknown field"):
        load_config(tmp_path / "typo.yaml")


def test_missing_ticker_is_named(short_prices, universe, fast_params):
    with pytest.raises(DataError, match="ticker='ZZZ'"):
        run_regime_strategy(short_prices, {**universe.buckets, "Other": ["ZZZ"]}, fast_params)


def test_event_log_file_is_sqlite_with_schema_version(tmp_path, short_prices, universe, fast_params):
    path = tmp_path / "events.db"
    with EventLog(path, session_id="s1") as log:
        run_regime_strategy(short_prices.iloc[:700], universe.buckets, fast_params, log=log)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(DISTINCT session_id) FROM portfolio_events").fetchone()[0] == 1
    con.close()


def test_daily_grace_decay_and_refits_stay_causal(short_prices, universe):
    # daily decisions: each grace day multiplies the weight by grace_decay; refits every 150
    # bars (fitted on data up to each refit bar) leave earlier decisions unchanged
    p = RegimeStrategyParams(
        train_bars=504, horizons=("daily", "weekly"), rebalance_freq="daily", fundamental_weight=0.0,
        refit_bars=150, grace_decay=0.7,
    )  # fmt: skip
    full = run_regime_strategy(short_prices, universe.buckets, p)
    decays = [e for e in full.events if e.event_type == "grace_decay"]
    assert decays
    for e in decays:
        assert e.size_after == pytest.approx(e.size_before * 0.7)  # one bar since the last decision
    cut = short_prices.index[900]
    part = run_regime_strategy(short_prices.loc[:cut], universe.buckets, p)
    assert [e.key() for e in part.events] == [e.key() for e in full.events if e.bar <= 900]
