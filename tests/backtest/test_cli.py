"""``tailkit backtest regime | static | compare | config`` end to end (in process)."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
import yaml

from tailkit.cli import main

FAST = ["--train-bars", "504", "--horizons", "daily,weekly", "--fundamental-weight", "0"]


@pytest.fixture(scope="module")
def csv_folder(tmp_path_factory, universe):
    # per-ticker OHLCV files in the common layout, columns in different orders and cases
    root = tmp_path_factory.mktemp("csv")
    px = universe.prices.iloc[:800]
    for i, t in enumerate(["RSK1", "RSK2", "DEF1", "DEF2", "FIX1", "CMD1"]):
        c = px[t]
        frame = {"Date": c.index.strftime("%Y-%m-%d"), "Open": c, "High": c * 1.01, "Low": c * 0.99, "Close": c,
                 "Volume": 1000}  # fmt: skip
        import pandas as pd

        f = pd.DataFrame(frame)
        if i % 2:
            f = f.rename(columns=str.lower)[["volume", "close", "date", "low", "high", "open"]]
            f["adj close"] = c
        f.to_csv(root / f"{t}.csv", index=False)
    (root.parent / "buckets.yaml").write_text(
        yaml.safe_dump(
            {"Risk Assets": ["RSK1", "RSK2"], "Defensive Assets": ["DEF1", "DEF2", "FIX1", "CMD1"]}
        )
    )
    return root


def test_regime_on_a_folder_of_csvs_writes_results_and_log(csv_folder, tmp_path, capsys):
    out = tmp_path / "r.json"
    rc = main(["backtest", "regime", "--preset", "institutional", "--prices", str(csv_folder), "--buckets-file",
               str(csv_folder.parent / "buckets.yaml"), "--output", str(out), "--max-assets", "4", *FAST])  # fmt: skip
    assert rc == 0
    data = json.loads(out.read_text())
    assert data["kind"] == "regime" and data["params"]["max_assets"] == 4
    assert data["params"]["whole_shares"] is True  # from the preset
    # the series starts at the first decision: the first Monday from the warm-up (bar 504) on
    assert len(data["series"]["equity"]) == len(data["series"]["date"])
    assert 800 - 504 - 5 < len(data["series"]["date"]) <= 800 - 504
    assert np.datetime64(data["series"]["date"][0]).astype("datetime64[D]").item().weekday() == 0
    con = sqlite3.connect(data["events_db"])
    n = con.execute("SELECT COUNT(*) FROM portfolio_events").fetchone()[0]
    con.close()
    assert n == data["summary"]["events"] > 0
    assert "Regime backtest on" in capsys.readouterr().out


def test_static_compare_and_layering(tmp_path, capsys, csv_folder):
    s1, s2 = tmp_path / "s1.json", tmp_path / "s2.json"
    assert main(["backtest", "static", "--tickers", "RSK1,DEF1,FIX1", "--prices", str(csv_folder),
                 "--output", str(s1), "--schedule", "every_n", "--every-n", "10"]) == 0  # fmt: skip
    assert main(["backtest", "static", "--tickers", "RSK1,DEF1,FIX1", "--weights", "0.5,0.3,0.2",
                 "--prices", str(csv_folder), "--output", str(s2)]) == 0  # fmt: skip
    d1 = json.loads(s1.read_text())
    assert d1["params"]["every_n"] == 10 and d1["summary"]["rebalances"] == len(range(60, 800, 10))
    capsys.readouterr()
    assert main(["backtest", "compare", "--files", f"{s1},{s2}"]) == 0
    table = capsys.readouterr().out
    assert "s1" in table and "s2" in table and "sharpe" in table


def test_config_export_import_and_errors(tmp_path, capsys):
    path = tmp_path / "my.yaml"
    assert main(["backtest", "config", "--tier", "intermediate", "--preset", "aggressive",
                 "--export-config", str(path)]) == 0  # fmt: skip
    data = yaml.safe_load(path.read_text())
    assert len(data) == 25 and data["max_assets"] == 6
    assert main(["backtest", "config", "--import", str(path), "--validate"]) == 0
    assert "valid" in capsys.readouterr().out
    path.write_text("max_position: 2\n")
    assert main(["backtest", "config", "--import", str(path), "--validate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "my.yaml" in err and "max_position=2" in err and "<= 1.0" in err
    assert main(["backtest", "static", "--tickers", "NOPE"]) == 2
    assert "'NOPE' is not in the prices" in capsys.readouterr().err


def test_regime_on_the_synthetic_universe_with_config_file(tmp_path, capsys):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"max_assets": 5, "end_date": "2008-06-30"}))
    out = tmp_path / "r.json"
    assert main(["backtest", "regime", "--config", str(cfg), "--output", str(out), *FAST]) == 0
    d = json.loads(out.read_text())
    assert d["synthetic"] is True and d["series"]["date"][-1] <= "2008-06-30"
    w = np.array(list(d["holdings"]["weights"].values()))
    assert ((w > 0).sum(axis=0) <= 5 + 5).all()  # at most max_assets plus assets decaying in grace


def test_regime_preset_institutional_on_the_demo_universe_with_the_hedge_overlay(tmp_path, capsys):
    # "Done when": `tailkit backtest regime --preset institutional` on the demo universe
    out = tmp_path / "inst.json"
    rc = main(["backtest", "regime", "--preset", "institutional", "--end-date", "2008-12-31", "--hedge-program",
               "put", "--hedge-tenor-months", "2", "--output", str(out), *FAST])  # fmt: skip
    assert rc == 0
    captured = capsys.readouterr()
    # the progress bar of `tailkit hedge evaluate` (tqdm on stderr), labelled and counted in rebalances
    assert "regime backtest" in captured.err and "rebalance" in captured.err
    assert "hedge overlay: put 90% 2m x1" in captured.out
    d = json.loads(out.read_text())
    s = d["summary"]
    assert d["params"]["hedge_program"] == "put" and d["params"]["whole_shares"] is True
    assert s["hedge_program"] == "put 90% 2m x1" and s["hedge_rolls"] > 0
    eq, base, hv = (np.array(d["series"][k]) for k in ("equity", "unhedged_equity", "hedge_value"))
    np.testing.assert_allclose(eq, base + hv, atol=2e-6)
    assert s["final_equity"] == pytest.approx(eq[-1], abs=1e-6)
    assert s["unhedged_final_equity"] == pytest.approx(base[-1], abs=1e-6)
    con = sqlite3.connect(d["events_db"])
    rows = con.execute(
        "SELECT COUNT(*), SUM(json_extract(metadata, '$.cash_flow')) FROM portfolio_events "
        "WHERE event_category = 'hedge'"
    ).fetchone()
    con.close()
    assert rows[0] == s["event_counts"]["hedge_open"] + s["event_counts"]["hedge_close"]
    assert rows[1] == pytest.approx(s["hedge_proceeds"] - s["hedge_premium_paid"], rel=1e-9)


def test_regime_quiet_has_no_progress_bar(tmp_path, capsys):
    assert main(["backtest", "regime", "--quiet", "--end-date", "2007-06-30", *FAST]) == 0
    assert "regime backtest" not in capsys.readouterr().err


def test_static_with_the_hedge_overlay(tmp_path, capsys, csv_folder):
    plain, hedged = tmp_path / "plain.json", tmp_path / "hedged.json"
    common = ["backtest", "static", "--tickers", "RSK1,DEF1,FIX1", "--prices", str(csv_folder)]
    assert main([*common, "--output", str(plain)]) == 0
    assert main([*common, "--output", str(hedged), "--hedge-program", "collar", "--hedge-ratio", "0.5"]) == 0
    assert "hedge overlay: collar 90%/zero-cost 3m x0.5" in capsys.readouterr().out
    p, h = json.loads(plain.read_text()), json.loads(hedged.read_text())
    assert p["params"]["hedge_program"] == "none" and h["params"]["hedge_ratio"] == 0.5
    assert "hedge_program" not in p["summary"]
    assert h["summary"]["unhedged_final_equity"] == pytest.approx(p["summary"]["final_equity"], rel=1e-12)
    # before the overlay starts (the lookback) the curves are the same
    assert h["series"]["equity"][:60] == p["series"]["equity"][:60]
    assert h["summary"]["final_equity"] == pytest.approx(h["series"]["equity"][-1], abs=1e-6)
