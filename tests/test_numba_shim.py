"""The numba shim: twins with different compile options never share a cache entry."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tailkit._numba import HAS_NUMBA, bits_float, float_bits, fma, jit, prange


def _fill_python(out):
    for i in prange(out.shape[0]):
        out[i] = i * 0.5


fill = jit(_fill_python)
fill_parallel = jit(_fill_python, parallel=True)


def _to_bits_python(x):
    return float_bits(x)


def _to_float_python(b):
    return bits_float(b)


_to_bits = jit(_to_bits_python)
_to_float = jit(_to_float_python)


def _fma_python(a, b, c):
    return fma(a, b, c)


_fma = jit(_fma_python)


def _fma_loop_python(a, b, c, out):
    for i in range(out.shape[0]):
        out[i] = fma(a[i], b[i], c[i])


_fma_loop = jit(_fma_loop_python)


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_parallel_and_serial_twins_compile_separately():
    a, b, c = np.empty(1000), np.empty(1000), np.empty(1000)
    fill(a)
    fill_parallel(b)
    _fill_python(c)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, c)
    # numba's on-disk cache keys functions by qualified name and line: each variant must have its own
    assert fill.py_func.__qualname__ != fill_parallel.py_func.__qualname__
    assert fill_parallel.targetoptions.get("parallel") is True
    assert not fill.targetoptions.get("parallel", False)


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_wide_vectors_are_asked_for_only_when_the_user_has_not_chosen_a_target(monkeypatch):
    import llvmlite.binding as llvm

    from tailkit._numba import wide_vector_features

    for var in ("NUMBA_CPU_NAME", "NUMBA_CPU_FEATURES", "TAILKIT_NUMBA_256_BIT"):
        monkeypatch.delenv(var, raising=False)
    host = llvm.get_host_cpu_features()
    got = wide_vector_features()
    if host.get("avx512f", False):
        assert got == host.flatten() + ",-prefer-256-bit"
    else:
        assert got is None
    monkeypatch.setenv("TAILKIT_NUMBA_256_BIT", "1")
    assert wide_vector_features() is None
    monkeypatch.delenv("TAILKIT_NUMBA_256_BIT")
    monkeypatch.setenv("NUMBA_CPU_NAME", "generic")
    assert wide_vector_features() is None
    monkeypatch.delenv("NUMBA_CPU_NAME")
    monkeypatch.setenv("NUMBA_CPU_FEATURES", "+avx2")
    assert wide_vector_features() is None


_WIDTH_SCRIPT = """
import numpy as np, numba
from tailkit.pricing._kernels import black_block
print(numba.config.CPU_FEATURES is not None and numba.config.CPU_FEATURES.endswith("-prefer-256-bit"))

@numba.njit(cache=False)
def run(sign, P, n, out):
    black_block(sign, P, n, out, 0)

rng = np.random.default_rng(5)
n = 1000
fd = 100 * np.exp(rng.normal(0, 0.3, n))
kd = 100 * np.exp(rng.normal(0, 0.3, n))
P = np.stack([fd, kd, np.log(fd / kd), rng.uniform(0.005, 1.5, n)])
out = np.empty((1, n))
for sign in (1.0, -1.0):
    run(sign, P, n, out)
    print(out[0].tobytes().hex())
"""


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_512_bit_vectors_give_the_same_bits_as_256_bit_vectors(tmp_path):
    """The wider vectors change speed, not numbers: the Black pass in both widths, bit for bit."""
    import os
    import subprocess
    import sys

    drop = ("NUMBA_CPU_NAME", "NUMBA_CPU_FEATURES", "TAILKIT_NUMBA_256_BIT")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    wide = {**env, "NUMBA_CACHE_DIR": str(tmp_path / "wide")}
    narrow = {**env, "NUMBA_CACHE_DIR": str(tmp_path / "narrow"), "TAILKIT_NUMBA_256_BIT": "1"}
    outs = [
        subprocess.run(
            [sys.executable, "-c", _WIDTH_SCRIPT],
            env=e,
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        ).stdout.split()
        for e in (wide, narrow)
    ]
    if outs[0][0] != "True":
        pytest.skip("no AVX-512 on this machine: tailkit keeps LLVM's default vector width")
    assert outs[1][0] == "False"
    assert outs[0][1:] == outs[1][1:]


def test_interleave_option_follows_the_host_and_the_environment(monkeypatch):
    import llvmlite.binding as llvm

    from tailkit._numba import interleave_option

    monkeypatch.delenv("TAILKIT_NUMBA_INTERLEAVE", raising=False)
    host = llvm.get_host_cpu_features()
    default = interleave_option()
    if host.get("avx2", False) and not host.get("avx512f", False):
        assert default == "-force-vector-interleave=2"
    else:
        assert default is None
    monkeypatch.setenv("TAILKIT_NUMBA_INTERLEAVE", "0")
    assert interleave_option() is None
    monkeypatch.setenv("TAILKIT_NUMBA_INTERLEAVE", "4")
    assert interleave_option() == "-force-vector-interleave=4"
    monkeypatch.setenv("TAILKIT_NUMBA_INTERLEAVE", "two")
    with pytest.raises(ValueError, match="TAILKIT_NUMBA_INTERLEAVE='two'"):
        interleave_option()


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_interleaved_loops_give_the_same_bits(tmp_path):
    """Interleaving changes speed, not numbers: the Black pass compiled with 1 and 4 vectors per iteration."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TAILKIT_NUMBA_INTERLEAVE"}
    outs = [
        subprocess.run(
            [sys.executable, "-c", _WIDTH_SCRIPT],
            env={**env, "NUMBA_CACHE_DIR": str(tmp_path / count), "TAILKIT_NUMBA_INTERLEAVE": count},
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        ).stdout.split()[1:]
        for count in ("0", "4")
    ]
    assert len(outs[0]) == 2 and outs[0] == outs[1]


def _scaled_sum_python(a, out, k):
    s = 0.0
    for i in range(a.shape[0]):
        out[k, i] = 2.0 * a[i]
        s += out[k, i]
    return s


def _allocating_python(n):
    a = np.empty(n)
    for i in range(n):
        a[i] = i
    return a.sum()


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_a_helper_compiled_without_reference_counting_computes_the_same_and_keeps_its_own_cache_entry():
    scaled_sum = jit(_scaled_sum_python, nrt=False)
    a = np.arange(7.0)
    out, ref = np.zeros((2, 7)), np.zeros((2, 7))
    assert scaled_sum(a, out, 1) == _scaled_sum_python(a, ref, 1) == 42.0
    np.testing.assert_array_equal(out, ref)
    assert scaled_sum.targetoptions.get("_nrt") is False
    assert scaled_sum.py_func.__qualname__.endswith("__no_nrt")
    # without the runtime nothing can be allocated: numba refuses to compile it rather than leak
    with pytest.raises(Exception, match=r"No implementation of function .*empty"):
        jit(_allocating_python, nrt=False, cache=False)(3)


@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**63), 2**63 - 1))
@settings(max_examples=300, deadline=None)
def test_bit_casts_are_exact_and_their_compiled_twins_agree(x, b):
    # IEEE 754 reinterpretation: -0.0, subnormals, infinities and NaN payloads round-trip
    bits = float_bits(x)
    assert -(2**63) <= bits < 2**63
    assert float_bits(bits_float(bits)) == bits
    assert float_bits(bits_float(b)) == b
    assert _to_bits(x) == bits
    assert float_bits(_to_float(b)) == float_bits(bits_float(b))


def test_bit_casts_of_known_values():
    # IEEE 754 binary64 encodings: 1.0 = 0x3FF0000000000000, -2.0 = 0xC000000000000000
    assert float_bits(1.0) == 0x3FF0000000000000
    assert float_bits(-2.0) == 0xC000000000000000 - 2**64
    assert float_bits(-0.0) == -(2**63) and float_bits(0.0) == 0
    assert bits_float(1) == 5e-324 and bits_float(0x7FF0000000000000) == np.inf


def _exact_fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` rounded once: exact rational arithmetic, then CPython's correctly rounded division."""
    v = Fraction(a) * Fraction(b) + Fraction(c)
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


_finite = st.floats(allow_nan=False, allow_infinity=False)


@given(_finite, _finite, _finite)
@settings(max_examples=500, deadline=None)
def test_fma_rounds_once_in_python_and_compiled(a, b, c):
    # IEEE 754 fusedMultiplyAdd: the exact a * b + c rounded to nearest, ties to even; the plain
    # function (the twins' path) and llvm.fma in compiled code give the same bits
    want = _exact_fma(a, b, c)
    got = fma(a, b, c)
    assert float_bits(got) == float_bits(want) or (got == want == 0.0)
    assert float_bits(_fma(a, b, c)) == float_bits(got)


# magnitudes whose squares and products stay normal doubles (no underflow of the rounding error)
_moderate = st.floats(-1e3, 1e3).filter(lambda x: x == 0.0 or abs(x) > 1e-100)


@given(_moderate, _moderate, st.floats(-1e-3, 1e-3))
@settings(max_examples=300, deadline=None)
def test_fma_keeps_what_a_multiply_then_add_loses(a, b, e):
    # c = -(a * b rounded) plus a little: a * b + c cancels, and the fused result keeps the
    # product's rounding error that the two-step one loses (fma(x, x, -x*x) is that error, exactly)
    c = -(a * b) + e
    assert fma(a, b, c) == _exact_fma(a, b, c)
    hi = a * a
    assert Fraction(hi) + Fraction(fma(a, a, -hi)) == Fraction(a) * Fraction(a)


def test_fma_special_values_follow_ieee():
    inf, nan = math.inf, math.nan
    cases = [
        (2.0, 3.0, 1.0, 7.0),
        (1e308, 10.0, -inf, -inf),  # the product overflows only before the sum
        (1e300, 1e300, -1e308, inf),  # overflow after the single rounding
        (1e-200, 1e-200, 1e-320, 1e-320),  # the product underflows below the subnormal addend
        (2.0**-600, 2.0**-500, 0.0, 0.0),  # exact product below the smallest subnormal: rounds to 0
        (3.0, -0.0, 0.0, 0.0),
        (-0.0, 2.0, -0.0, -0.0),
        (1.0, 1.0, -1.0, 0.0),  # exact cancellation: +0
        (inf, 0.0, 1.0, nan),
        (nan, 1.0, 1.0, nan),
        (inf, 2.0, -inf, nan),
    ]
    for a, b, c, want in cases:
        for f in (fma, _fma):
            got = f(a, b, c)
            if math.isnan(want):
                assert math.isnan(got), (f, a, b, c, got)
            else:
                assert float_bits(got) == float_bits(want), (f, a, b, c, got, want)


def test_fma_in_a_vectorised_loop_is_the_scalar_fma():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=1001), rng.normal(size=1001) * 1e3
    c = -(a * b) * (1.0 + rng.normal(size=1001) * 1e-12)
    out = np.empty(1001)
    _fma_loop(a, b, c, out)
    want = np.array([_exact_fma(float(x), float(y), float(z)) for x, y, z in zip(a, b, c)])
    np.testing.assert_array_equal(out, want)
