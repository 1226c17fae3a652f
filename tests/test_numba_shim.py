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
