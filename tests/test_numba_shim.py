"""The numba shim: twins with different compile options never share a cache entry."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit._numba import HAS_NUMBA, jit, prange


def _fill_python(out):
    for i in prange(out.shape[0]):
        out[i] = i * 0.5


fill = jit(_fill_python)
fill_parallel = jit(_fill_python, parallel=True)


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
