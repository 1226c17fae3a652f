"""Shared fixtures: a calibration fitted on data simulated from known parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.overlay import calibrate_overlay
from tailkit.overlay.mean_reversion import fit_yield_model
from tailkit.simulation import VasicekParams, simulate_vasicek

TRUE = VasicekParams(
    kappa=(1.5, 1.2), theta=(0.045, 0.047), sigma=(0.009, 0.0085), correlation=((1, 0.95), (0.95, 1))
)
ALPHA, BETA, GAMMA = 5.6, -17.0, 60.0


def make_history(n: int = 2520, seed: int = 3, resid_sd: float = 0.002) -> pd.DataFrame:
    """Daily 20y/30y yields from TRUE and TLT = exp(ALPHA + BETA ybar + GAMMA ybar^2 + AR(1) residual)."""
    y = simulate_vasicek(TRUE, (0.044, 0.046), n_paths=1, n_steps=n - 1, seed=seed).values[0]
    ybar = y.mean(axis=1)
    rng = np.random.default_rng(seed + 1)
    u = np.zeros(n)
    for t in range(1, n):
        u[t] = 0.97 * u[t - 1] + resid_sd * rng.standard_normal()
    tlt = np.exp(ALPHA + BETA * ybar + GAMMA * ybar**2 + u)
    index = pd.DatetimeIndex(pd.bdate_range("2015-01-01", periods=n), name="date")
    return pd.DataFrame({"yield_20y": y[:, 0], "yield_30y": y[:, 1], "tlt_close": tlt}, index=index)


@pytest.fixture(scope="session")
def history() -> pd.DataFrame:
    return make_history()


@pytest.fixture(scope="session")
def calibration(history: pd.DataFrame):  # type: ignore[no-untyped-def]
    return calibrate_overlay(history, start=None, end=None)


def yields_history(y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """A history file's frame from daily 20y/30y yields ``y`` (n, 2), TLT from a fixed yield map."""
    n = y.shape[0]
    ybar = y.mean(axis=1)
    rng = np.random.default_rng(seed)
    tlt = np.exp(5.3 - 18.0 * ybar + 40.0 * ybar**2 + 0.002 * rng.standard_normal(n))
    index = pd.DatetimeIndex(pd.bdate_range("2019-01-01", periods=n), name="date")
    return pd.DataFrame({"yield_20y": y[:, 0], "yield_30y": y[:, 1], "tlt_close": tlt}, index=index)


@pytest.fixture(scope="session")
def random_walk_history() -> pd.DataFrame:
    """Driftless random-walk yields (kappa = 0) whose OLS AR(1) coefficient is >= 1 for both
    tenors: even the plain MLE finds no mean reversion."""
    params = VasicekParams(
        kappa=(0.0, 0.0), theta=(0.04, 0.04), sigma=(0.009, 0.009), correlation=((1, 0.98), (0.98, 1))
    )
    for seed in range(100):
        y = simulate_vasicek(params, (0.03, 0.031), n_paths=1, n_steps=1000, seed=seed).values[0]
        _, _, fits = fit_yield_model(y, np.ones(1000, dtype=bool), 1.0 / 252.0, estimator="mle")
        if all(f.ar1_mle >= 1.0 for f in fits):
            return yields_history(y)
    raise AssertionError("no random-walk path with b_hat >= 1 among 100 seeds")
