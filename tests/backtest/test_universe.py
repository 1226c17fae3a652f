"""The SYNTHETIC demo universe: deterministic files, labelled synthetic, regimes as simulated."""

from __future__ import annotations

import json

import numpy as np

from tailkit.synthetic import universe as U


def test_files_are_regenerated_byte_for_byte(tmp_path, capsys):
    assert U.main([str(tmp_path)]) == 0
    assert U.main([str(tmp_path), "--check"]) == 0
    (tmp_path / "prices.csv").write_text((tmp_path / "prices.csv").read_text().replace("100.0", "100.1", 1))
    assert U.main([str(tmp_path), "--check"]) == 1
    assert "prices.csv" in capsys.readouterr().err
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert prov["synthetic"] is True and "SYNTHETIC" in prov["note"]
    assert "SYNTHETIC" in (tmp_path / "buckets.yaml").read_text()


def test_universe_shape_buckets_and_known_regimes(universe):
    assert universe.prices.shape == (5040, 20)
    assert list(universe.buckets) == [
        "Risk Assets",
        "Defensive Assets",
        "International",
        "Commodities",
        "Fixed Income",
    ]
    assert all(len(v) == 4 for v in universe.buckets.values())
    r = np.log(universe.prices).diff().iloc[1:]
    crisis = (universe.regimes.shift(1) == "crisis").iloc[1:].to_numpy()  # regime at t-1 drives step t
    risk, fix = r["RSK1"].to_numpy(), r["FIX1"].to_numpy()
    assert risk[crisis].std() > 2.5 * risk[~crisis].std()
    assert np.corrcoef(risk[crisis], fix[crisis])[0, 1] < -0.2  # flight to quality in crisis
    assert set(universe.regimes) == {"calm", "stressed", "crisis"}
