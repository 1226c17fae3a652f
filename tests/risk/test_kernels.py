"""The numba kernels agree with their plain-Python twins and with simple references."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit._tail import tail_split
from tailkit.pricing import bs_price
from tailkit.risk import _kernels as K


def _levels(n: int, conf: list[float]) -> tuple[np.ndarray, np.ndarray]:
    return tail_split(n, np.asarray(conf))


@pytest.mark.parametrize("conf", [[0.95, 0.99], [0.9], [0.975, 0.95, 0.999]])
def test_historical_kernel_twins_agree(conf: list[float]) -> None:
    rng = np.random.default_rng(3)
    r = rng.standard_normal((400, 7)) * 0.01
    w = rng.uniform(-1, 2, 7)
    m, frac = _levels(400, conf)
    outs = []
    for fn in (K.historical_var_es, K.historical_var_es_python):
        v, e = np.empty(len(conf)), np.empty(len(conf))
        mv, me = np.empty((len(conf), 7)), np.empty((len(conf), 7))
        assert fn(r, w, m, frac, v, e, mv, me)
        outs.append((v, e, mv, me))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


def test_historical_kernel_flags_nan() -> None:
    r = np.ones((10, 2)) * 0.01
    r[3, 1] = np.nan
    out = np.empty(1), np.empty(1), np.empty((1, 2)), np.empty((1, 2))
    m, frac = _levels(10, [0.9])
    assert not K.historical_var_es(r, np.ones(2), m, frac, *out)


def _book_arrays(rng: np.random.Generator, n_opt: int = 9) -> tuple:
    spot0 = np.array([100.0, 50.0])
    und = rng.integers(0, 2, n_opt)
    strikes = spot0[und] * rng.uniform(0.8, 1.2, n_opt)
    expiries = rng.uniform(0.02, 1.0, n_opt)
    expiries[0] = 0.0  # expired: intrinsic
    vols = rng.uniform(0.1, 0.5, n_opt)
    rates = np.full(n_opt, 0.03)
    divs = np.full(n_opt, 0.01)
    signs = np.where(rng.random(n_opt) < 0.5, 1.0, -1.0)
    qty = rng.standard_normal(n_opt) * 10
    return spot0, und, strikes, expiries, vols, rates, divs, signs, qty


def test_revalue_options_twins_agree_and_match_bs_price() -> None:
    rng = np.random.default_rng(5)
    spot0, und, k, t, vol, r, q, sgn, qty = _book_arrays(rng)
    sr = rng.standard_normal((50, 2)) * 0.05
    vs = rng.standard_normal((50, 2)) * 0.03
    h = 1.0 / 252
    outs = []
    for fn in (K.revalue_options, K.revalue_options_python):
        out = np.empty((50, k.size))
        fn(spot0, sr, vs, und, k, t, vol, r, q, sgn, qty, h, out)
        outs.append(out)
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12, atol=1e-10)
    kind = np.where(sgn > 0, "call", "put")
    base = bs_price(kind, spot0[und], k, t, r, vol, q)
    s_new = spot0[und][None, :] * (1 + sr[:, und])
    v_new = np.maximum(vol[None, :] + vs[:, und], 1e-4)
    ref = qty * (bs_price(kind, s_new, k, np.maximum(t - h, 0.0), r, v_new, q) - base)
    np.testing.assert_allclose(outs[0], ref, rtol=1e-9, atol=1e-9)


def test_drawdown_exposure_twins_agree() -> None:
    r = np.random.default_rng(6).standard_normal(500) * 0.02
    a, b = np.empty(500), np.empty(500)
    K.drawdown_exposure(r, 0.1, 0.03, 0.05, 0.3, 1.0, a)
    K.drawdown_exposure_python(r, 0.1, 0.03, 0.05, 0.3, 1.0, b)
    np.testing.assert_array_equal(a, b)


def test_rolling_var_twins_agree_and_nan_windows_are_nan() -> None:
    losses = np.round(np.random.default_rng(2).normal(0, 0.01, 120), 3)
    losses[50] = np.nan
    outs = []
    for fn in (K.rolling_var, K.rolling_var_python):
        outs.append(fn(losses, 30, 1, 0.5, np.empty(120)))  # a tail of 1.5: the 2nd largest loss
    np.testing.assert_array_equal(outs[0], outs[1])
    ref = np.full(120, np.nan)
    for t in range(29, 120):
        win = losses[t - 29 : t + 1]
        if np.isfinite(win).all():
            ref[t] = np.sort(win)[::-1][1]
    np.testing.assert_array_equal(outs[0], ref)
    assert np.isnan(outs[0][50:80]).all() and np.isfinite(outs[0][80])
