"""The SYNTHETIC overlay data: generators, bundled files, loaders and regeneration."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tailkit.calibration import fit_vasicek
from tailkit.data import CHAIN_COLUMNS, read_option_chain
from tailkit.data.synthetic import load_synthetic_chain, load_synthetic_history, synthetic_paths
from tailkit.errors import DataError, ParameterError
from tailkit.pricing import bs_price
from tailkit.synthetic.chain import SyntheticChainParams, monthly_expiries, synthetic_option_chain
from tailkit.synthetic.files import main, synthetic_file_texts
from tailkit.synthetic.history import DEFAULT_SEED, SyntheticHistoryParams, synthetic_history

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return synthetic_file_texts()


# ---------------------------------------------------------------- bundled files


def test_shipped_files_equal_a_fresh_regeneration(texts):
    paths = synthetic_paths()
    for path in (paths.history, paths.chain, paths.provenance):
        assert path.read_text(encoding="utf-8") == texts[path.name], f"{path.name} is stale"


def test_regeneration_is_byte_identical_for_the_same_seed(texts, tmp_path):
    assert synthetic_file_texts(DEFAULT_SEED) == texts
    assert main(["--output", str(tmp_path)]) == 0
    for name, text in texts.items():
        assert (tmp_path / name).read_bytes() == text.encode("utf-8")
    assert main(["--output", str(tmp_path), "--check"]) == 0
    (tmp_path / "synthetic_tlt_chain.csv").write_text("x\n", encoding="utf-8")
    assert main(["--output", str(tmp_path), "--check"]) == 1


def test_other_seed_gives_other_files(texts):
    other = synthetic_file_texts(DEFAULT_SEED + 7)
    assert other["synthetic_tlt_history.csv"] != texts["synthetic_tlt_history.csv"]
    assert other["synthetic_tlt_chain.csv"] != texts["synthetic_tlt_chain.csv"]


def test_files_are_small_csv_and_labelled_synthetic():
    paths = synthetic_paths()
    total = sum(p.stat().st_size for p in (paths.history, paths.chain, paths.provenance))
    assert total < 300_000
    assert paths.history.name.startswith("synthetic_") and paths.history.suffix == ".csv"
    assert paths.chain.name.startswith("synthetic_") and paths.chain.suffix == ".csv"
    prov = json.loads(paths.provenance.read_text(encoding="utf-8"))
    assert prov["synthetic"] is True
    assert "SYNTHETIC" in prov["description"]
    assert prov["generator"] == "tailkit.synthetic"
    assert prov["history"]["seed"] == DEFAULT_SEED
    assert prov["history"]["params"] == asdict(SyntheticHistoryParams())
    assert prov["chain"]["params"] == asdict(SyntheticChainParams())
    assert "SYNTHETIC" in load_synthetic_history.__doc__
    assert "SYNTHETIC" in load_synthetic_chain.__doc__


def test_provenance_hashes_match_files():
    import hashlib

    paths = synthetic_paths()
    prov = json.loads(paths.provenance.read_text(encoding="utf-8"))
    for key, path in (("history", paths.history), ("chain", paths.chain)):
        assert prov[key]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_history_file_parses_cleanly_with_the_reader():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no unit guess, no data-quality warning
        hist = load_synthetic_history()
    assert hist.columns.tolist() == ["yield_20y", "yield_30y", "tlt_close"]
    assert hist.index[0] == pd.Timestamp("2015-01-02")
    assert hist.index[-1] == pd.Timestamp("2024-12-31")
    assert len(hist) == len(pd.bdate_range("2015-01-02", "2024-12-31"))
    assert not hist.isna().any().any()
    # the file is the generator's output rounded (yields to 1e-4 percent, TLT to the cent)
    fresh = synthetic_history()
    np.testing.assert_allclose(
        hist[["yield_20y", "yield_30y"]], fresh[["yield_20y", "yield_30y"]], atol=5.1e-7
    )
    np.testing.assert_allclose(hist["tlt_close"], fresh["tlt_close"], atol=0.0051)
    window = load_synthetic_history(start="2019-01-01")
    assert window.index[0] >= pd.Timestamp("2019-01-01")


def test_chain_file_parses_cleanly_with_the_reader():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read = load_synthetic_chain()
    assert read.n_rejected == 0
    assert read.n_rows == len(read.chain) > 100
    chain = read.chain
    hist = load_synthetic_history()
    assert (chain["quote_date"] == hist.index[-1]).all()
    assert chain["underlying_price"].iloc[0] == pytest.approx(hist["tlt_close"].iloc[-1])
    assert set(chain["option_type"]) == {"put", "call"}
    assert chain["dte"].between(30, 120).all()
    assert chain["implied_vol"].between(0.05, 0.5).all()  # decimals after the reader
    # evaluate-market's default window (30-90 DTE) holds at least two expiries
    assert chain.loc[chain["dte"].between(30, 90), "expiration_date"].nunique() >= 2


# ---------------------------------------------------------------- history generator


def test_history_is_deterministic_and_seeded():
    a = synthetic_history("2020-01-01", "2020-12-31", seed=3)
    b = synthetic_history("2020-01-01", "2020-12-31", seed=3)
    c = synthetic_history("2020-01-01", "2020-12-31", seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.to_numpy(), c.to_numpy())
    assert a.index.name == "date"
    assert (a.index.day_of_week < 5).all()


def test_history_follows_the_documented_model():
    # a long sample: the MLE of fit_vasicek (closed form, with standard errors) recovers sigma
    # and rho, and the TLT residual is the documented AR(1). The default kappa (0.03, 0.13: half-
    # lives of 23 and 5 years) leaves theta unidentified even in 75 years, so the mean-reversion
    # mechanism (kappa, theta) is checked on the same seed with kappa = 0.5 (half-life 1.4 years).
    p = replace(SyntheticHistoryParams(), kappa_20=0.5, kappa_30=0.5)
    hist = synthetic_history("1950-01-02", "2024-12-31", seed=11, params=p)
    fit = fit_vasicek(hist[["yield_20y", "yield_30y"]].to_numpy())
    est = fit.params
    assert est.sigma[0] == pytest.approx(p.sigma_20, rel=0.03)
    assert est.sigma[1] == pytest.approx(p.sigma_30, rel=0.03)
    assert est.correlation[0][1] == pytest.approx(p.rho, abs=0.005)
    for name, truth in (("kappa[x0]", p.kappa_20), ("theta[x0]", p.theta_20), ("theta[x1]", p.theta_30)):
        value, se = fit.table[name]
        assert abs(value - truth) <= 3.0 * se, (name, value, se, truth)
    ybar = hist[["yield_20y", "yield_30y"]].mean(axis=1).to_numpy()
    resid = np.log(hist["tlt_close"].to_numpy()) - (p.alpha + p.beta * ybar + p.gamma * ybar**2)
    assert resid.std() == pytest.approx(p.noise_sd, rel=0.1)
    lag1 = np.corrcoef(resid[1:], resid[:-1])[0, 1]
    assert lag1 == pytest.approx(p.noise_ar, abs=0.02)


def test_default_history_sigma_and_rho_over_a_long_sample():
    # the default (slowly reverting) parameters: daily moves still identify sigma and rho tightly
    p = SyntheticHistoryParams()
    hist = synthetic_history("1950-01-02", "2024-12-31", seed=11, params=p)
    est = fit_vasicek(hist[["yield_20y", "yield_30y"]].to_numpy()).params
    assert est.sigma[0] == pytest.approx(p.sigma_20, rel=0.03)
    assert est.sigma[1] == pytest.approx(p.sigma_30, rel=0.03)
    assert est.correlation[0][1] == pytest.approx(p.rho, abs=0.005)


def test_history_tlt_relation_at_three_percent():
    # documented: TLT near 120 at a 3% mean yield (exp(5.291 - 18*0.03 + 40*0.0009) = 119.9)
    p = SyntheticHistoryParams()
    assert math.exp(p.alpha + p.beta * 0.03 + p.gamma * 0.03**2) == pytest.approx(120.0, rel=0.01)


def test_history_rejects_bad_dates():
    with pytest.raises(ParameterError, match="end"):
        synthetic_history("2024-01-10", "2024-01-01")
    with pytest.raises(ParameterError, match="start"):
        synthetic_history("not a date", "2024-01-01")
    with pytest.raises(ParameterError, match="rho"):
        SyntheticHistoryParams(rho=1.5)


# ---------------------------------------------------------------- chain generator


@pytest.fixture(scope="module")
def chain() -> pd.DataFrame:
    return synthetic_option_chain(87.35, "2024-06-28", seed=5)


def test_chain_has_exactly_the_file_columns(chain):
    assert list(chain.columns) == list(CHAIN_COLUMNS)
    assert chain["volume"].dtype == np.int64
    assert chain["open_interest"].dtype == np.int64
    assert (chain["volume"] >= 0).all() and (chain["open_interest"] >= 0).all()


def test_monthly_expiries_are_third_fridays():
    exp = monthly_expiries("2024-06-28", 30, 120)
    assert [d.date().isoformat() for d in exp] == ["2024-08-16", "2024-09-20", "2024-10-18"]
    assert all(d.day_of_week == 4 and 15 <= d.day <= 21 for d in exp)
    assert len(monthly_expiries("2024-06-28", 1, 5)) == 0


def test_chain_quotes_are_sane(chain):
    p = SyntheticChainParams()
    assert (chain["bid"] >= 0).all()
    assert (chain["ask"] >= chain["bid"] + p.tick - 1e-12).all()
    T = (chain["expiration_date"] - chain["quote_date"]).dt.days.to_numpy() / 365.0
    model = np.asarray(
        bs_price(
            chain["option_type"].to_numpy(),
            87.35,
            chain["strike"].to_numpy(),
            T,
            p.rate,
            chain["implied_vol"].to_numpy(),
            p.div_yield,
        )
    )
    # the model price (at the rounded IV) lies inside the quote, up to the IV rounding
    assert (model >= chain["bid"].to_numpy() - 1e-4).all()
    assert (model <= chain["ask"].to_numpy() + 1e-4).all()
    half = 0.5 * (chain["ask"] - chain["bid"])
    assert (half <= p.max_half_spread + p.tick + 1e-12).all()


def test_chain_smile_is_the_documented_formula(chain):
    p = SyntheticChainParams()
    T = (chain["expiration_date"] - chain["quote_date"]).dt.days.to_numpy() / 365.0
    k = np.log(chain["strike"].to_numpy() / (87.35 * np.exp((p.rate - p.div_yield) * T)))
    expected = np.maximum(p.base_iv + p.skew * k + p.curvature * k * k, p.iv_floor)
    np.testing.assert_allclose(chain["implied_vol"], expected, atol=5e-7)
    puts = chain[chain["option_type"] == "put"]
    assert puts["implied_vol"].iloc[0] > puts["implied_vol"].iloc[len(puts) // 6]  # put skew


def test_chain_put_call_parity_on_mids(chain):
    # C - P = S - K exp(-rT) (no dividends), within both half-spreads
    p = SyntheticChainParams()
    key = ["expiration_date", "strike"]
    calls = chain[chain["option_type"] == "call"].set_index(key)
    puts = chain[chain["option_type"] == "put"].set_index(key)
    mid_c = 0.5 * (calls["bid"] + calls["ask"])
    mid_p = 0.5 * (puts["bid"] + puts["ask"])
    T = (calls.index.get_level_values(0) - pd.Timestamp("2024-06-28")).days.to_numpy() / 365.0
    K = calls.index.get_level_values(1).to_numpy()
    lhs = (mid_c - mid_p).to_numpy()
    rhs = 87.35 - K * np.exp(-p.rate * T)
    tol = (0.5 * (calls["ask"] - calls["bid"]) + 0.5 * (puts["ask"] - puts["bid"])).to_numpy() + 0.01
    assert (np.abs(lhs - rhs) <= tol).all()


def test_chain_greeks_signs(chain):
    puts = chain[chain["option_type"] == "put"]
    calls = chain[chain["option_type"] == "call"]
    assert puts["delta"].between(-1, 0).all() and calls["delta"].between(0, 1).all()
    assert (chain["gamma"] >= 0).all() and (chain["vega"] >= 0).all()
    # put deltas fall toward -1 as the strike rises, within each expiry
    for _, g in puts.groupby("expiration_date"):
        assert np.all(np.diff(g["delta"].to_numpy()) <= 1e-12)


def test_chain_round_trips_through_the_file_format(chain, tmp_path):
    from tailkit.data import write_option_chain

    path = tmp_path / "synthetic_chain.csv"
    write_option_chain(chain, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read = read_option_chain(path, iv_units="percent")
    assert read.n_rejected == 0
    back = read.chain.sort_values(["option_type", "expiration_date", "strike"]).reset_index(drop=True)
    orig = chain.sort_values(["option_type", "expiration_date", "strike"]).reset_index(drop=True)
    for col in ("strike", "bid", "ask", "implied_vol", "delta", "gamma", "theta", "vega"):
        np.testing.assert_allclose(back[col], orig[col], rtol=1e-12, atol=1e-12)


def test_chain_is_seeded():
    a = synthetic_option_chain(90.0, "2024-12-31", seed=1)
    b = synthetic_option_chain(90.0, "2024-12-31", seed=1)
    c = synthetic_option_chain(90.0, "2024-12-31", seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a["open_interest"].equals(c["open_interest"])
    # prices do not depend on the seed
    pd.testing.assert_series_equal(a["bid"], c["bid"])


def test_chain_rejects_bad_inputs():
    with pytest.raises(ParameterError, match="underlying"):
        synthetic_option_chain(-1.0, "2024-12-31")
    with pytest.raises(ParameterError, match="quote_date"):
        synthetic_option_chain(90.0, "someday")
    with pytest.raises(ParameterError, match="max_dte"):
        SyntheticChainParams(min_dte=60, max_dte=30)
    with pytest.raises(DataError, match="expiry"):
        synthetic_option_chain(90.0, "2024-12-31", params=SyntheticChainParams(min_dte=1, max_dte=2))


@pytest.mark.slow
def test_module_runs_as_a_script_with_check():
    out = subprocess.run(
        [sys.executable, "-m", "tailkit.synthetic", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "up to date" in out.stdout
