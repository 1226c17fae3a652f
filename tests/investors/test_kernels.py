"""The investor kernels: jitted and plain-Python twins agree; the IRR matches tailkit.investors.irr."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.behavioral import ProspectParams, prospect_value
from tailkit.investors import _kernels as K
from tailkit.investors import irr


@pytest.fixture(scope="module")
def returns() -> np.ndarray:
    return np.random.default_rng(7).normal(0.006, 0.05, (6, 90))


def test_strategic_twins_agree(returns: np.ndarray) -> None:
    for calendar, every, band in ((True, 3, 0.0), (False, 1, 0.05)):
        got = K.strategic_weights(returns, 0.001, 0.6, calendar, every, band)
        want = K.strategic_weights_python(returns, 0.001, 0.6, calendar, every, band)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)


def test_timer_twins_agree(returns: np.ndarray) -> None:
    for use_lag in (False, True):
        got = K.timer_weights(returns, 0.8, 0.1, 0.08, use_lag, 0.05, 4)
        want = K.timer_weights_python(returns, 0.8, 0.1, 0.08, use_lag, 0.05, 4)
        np.testing.assert_array_equal(got, want)
        assert (got == 0.1).any() and (got == 0.8).any()  # the rule fires on these paths


def test_myopic_twins_agree(returns: np.ndarray) -> None:
    grid = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    for use_peak in (False, True):
        tables = K.decision_weights(30 - 6 + 1, 0.61, 0.69)
        args = (returns, 0.002, 6, 30, grid, use_peak, 0.5, 0.88, 0.88, 2.25, *tables)
        np.testing.assert_array_equal(K.myopic_weights(*args), K.myopic_weights_python(*args))


def test_myopic_choice_is_the_prospect_value_argmax(returns: np.ndarray) -> None:
    # the tabulated decision weights and the one sort give tailkit.behavioral's prospect value:
    # the first choice (at t = memory) is the argmax of prospect_value over the grid
    horizon, memory, rf = 6, 30, 0.002
    grid = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    tables = K.decision_weights(memory - horizon + 1, 0.61, 0.69)
    w = K.myopic_weights(returns, rf, horizon, memory, grid, False, 0.5, 0.88, 0.88, 2.25, *tables)
    prefs = ProspectParams()
    growth = np.concatenate([[0.0], np.cumsum(np.log1p(returns[0]))])
    seen = np.expm1(growth[horizon : memory + 1] - growth[: memory + 1 - horizon])
    safe = (1 + rf) ** horizon - 1
    values = [prospect_value(s * seen + (1 - s) * safe, prefs) for s in grid]
    assert w[0, memory] == grid[int(np.argmax(values))]


@pytest.mark.parametrize(
    "flows",
    [
        [-100.0, 39.0, 59.0, 55.0, 20.0],
        [-100.0, 0.0, 121.0],
        [-100.0, -100.0, 189.0],
        [-1.0, 0.3, -0.2, 0.95],
    ],
)
def test_irr_kernel_matches_irr(flows: list[float]) -> None:
    c = np.asarray(flows) / np.max(np.abs(flows))
    assert K.irr_kernel(c) == pytest.approx(irr(flows), rel=1e-13, abs=1e-15)
    assert K.irr_python(c) == K.irr_kernel(c)


def test_irr_kernel_nan_without_sign_change() -> None:
    assert np.isnan(K.irr_kernel(np.array([1.0, 0.1, 0.1])))


def test_path_outcomes_twins_agree(returns: np.ndarray) -> None:
    w = K.timer_weights(returns, 0.8, 0.1, 0.08, False, 0.05, 4)
    got = K.path_outcomes(w, returns, 0.001, 2.0, 2.25, 0.0, 1.5)
    want = K.path_outcomes_python(w, returns, 0.001, 2.0, 2.25, 0.0, 1.5)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)
