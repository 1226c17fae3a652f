"""The vectorised Black pass (``black_block``) and the range-selected normal CDF it uses.

``black_block`` evaluates only the normal-CDF ranges (Cody's three rational functions) that
occur in its block and takes ``e^{-d2^2/2}`` from ``e^{-d1^2/2} Fd/Kd``, finishing the rare
underflowing options one by one. These tests check that neither shortcut changes a number:
the range-selected CDF is bit-identical to ``norm_cdf_e`` for every flag combination that
covers its argument, and the block pass is bit-identical to a per-option evaluation with
``norm_cdf_e`` on blocks that mix every range and the underflow case, and agrees with the
scalar one Black formula ``black_core``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.special import ndtr

from tailkit.pricing import _kernels as k


def _ranges(x: float) -> tuple[bool, bool, bool]:
    y = abs(x) * k.SQRT1_2
    return y <= 0.46875, 0.46875 < y <= 4.0, y > 4.0


def test_range_selected_cdf_is_bit_identical_to_norm_cdf_e_whenever_its_range_is_in_use():
    rng = np.random.default_rng(5)
    xs = np.concatenate([rng.uniform(-40.0, 9.0, 400), rng.uniform(-1.0, 1.0, 100), [0.0, -0.6629, 5.6569]])
    for x in map(float, xs):
        e = k.exp_mhalf_sq(x)
        want = k.norm_cdf_e(x, e)
        own = _ranges(x)
        for flags in itertools.product((False, True), repeat=3):
            if not any(f and o for f, o in zip(flags, own, strict=True)):
                continue
            assert k.norm_cdf_e_ranges(x, e, *flags) == want, (x, flags)
            assert k.norm_cdf_e_ranges_python(x, e, *flags) == want, (x, flags)
        # against scipy's ndtr (absolute; ndtr's own tail rounding is ~x^2 ulps)
        assert abs(want - float(ndtr(x))) <= 1e-15


def _per_option(sign: float, fd, kd, x, sd) -> np.ndarray:
    """The block's arithmetic one option at a time with the all-range ``norm_cdf_e``."""
    out = np.empty(fd.shape[0])
    for j in range(fd.shape[0]):
        d1 = x[j] / sd[j] + 0.5 * sd[j]
        d2 = d1 - sd[j]
        e1 = k.vexp_mhalf_sq(d1)
        e2 = e1 * (fd[j] / kd[j])
        if not (e1 > 1e-290 and e2 <= 1.0):
            e2 = k.vexp_mhalf_sq(d2)
        v = sign * (fd[j] * k.norm_cdf_e(sign * d1, e1) - kd[j] * k.norm_cdf_e(sign * d2, e2))
        out[j] = max(v, 0.0)
    return out


@pytest.mark.parametrize("case", ["small", "mid", "large", "small+mid", "mid+large", "all", "underflow"])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_black_block_is_bit_identical_to_the_per_option_arithmetic_on_every_range_mix(case, sign):
    rng = np.random.default_rng(len(case) + 7 * case.count("+"))
    n = 96
    if case == "small":
        x, sd = rng.uniform(-0.01, 0.01, n), rng.uniform(0.05, 0.5, n)
    elif case == "mid":
        x, sd = rng.uniform(0.3, 1.0, n), rng.uniform(0.1, 0.2, n)
    elif case == "large":
        x, sd = rng.uniform(1.0, 2.0, n), rng.uniform(0.05, 0.1, n)
    elif case == "small+mid":
        x, sd = rng.uniform(-0.3, 0.3, n), rng.uniform(0.1, 0.3, n)
    elif case == "mid+large":
        x, sd = rng.uniform(0.5, 2.0, n), rng.uniform(0.05, 0.3, n)
    elif case == "all":
        x, sd = rng.uniform(-2.0, 2.0, n), rng.uniform(0.02, 1.0, n)
    else:  # d1 beyond 38: e^{-d1^2/2} underflows and e^{-d2^2/2} is computed directly
        x, sd = rng.uniform(-2.0, 2.0, n), rng.uniform(0.02, 1.0, n)
        x[::7], sd[::7] = 30.0, 0.5  # d1 = 60.25, d2 = 59.75
        x[3::7], sd[3::7] = -1.0, 60.0  # d1 = 29.98, d2 = -30.02: both underflow
    fd = 100.0 * np.exp(rng.normal(0.0, 0.01, n))
    kd = fd * np.exp(-x)
    x = np.log(fd / kd)
    P = np.stack([fd, kd, x, sd])
    table = np.full((3, n), -7.0)  # the pass writes its row (1) of a caller's table, nothing else
    k.black_block_python(sign, P, n, table, 1)
    out = table[1].copy()
    np.testing.assert_array_equal(out, _per_option(sign, fd, kd, x, sd))
    np.testing.assert_array_equal(table[[0, 2]], -7.0)
    jitted = np.full((3, n), -7.0)
    k.black_block(sign, P, n, jitted, 1)
    np.testing.assert_array_equal(jitted[1], out)
    np.testing.assert_array_equal(jitted[[0, 2]], -7.0)
    ref = np.array([max(k.black_core(sign, fd[j], kd[j], x[j], sd[j])[0], 0.0) for j in range(n)])
    np.testing.assert_allclose(out, ref, rtol=1e-13, atol=1e-13)
