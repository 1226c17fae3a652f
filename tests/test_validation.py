"""Shared input checks name the input, the bad value and what is allowed."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit._validation import as_float_array, check_finite, check_range, kind_to_sign, normalize_kind
from tailkit.errors import ParameterError


@pytest.mark.parametrize("kind", ["call", "C", " Put ", "p", "CALL"])
def test_kind_spellings(kind):
    assert normalize_kind(kind) in ("call", "put")


def test_kind_errors_and_arrays():
    with pytest.raises(ParameterError, match="kind='straddle' is not allowed: expected 'call' or 'put'"):
        normalize_kind("straddle")
    np.testing.assert_array_equal(kind_to_sign(np.array(["c", "put", "Call"])), [1.0, -1.0, 1.0])


def test_range_messages_point_at_first_bad_element():
    arr = np.array([[0.1, 0.2], [-0.3, 0.4]])
    with pytest.raises(ParameterError, match=r"vol\[1, 0\]=-0.3 is not allowed: expected numbers >= 0.0"):
        check_range("vol", arr, ge=0.0)
    with pytest.raises(ParameterError, match="spot=nan"):
        check_range("spot", np.array(np.nan), gt=0.0)
    with pytest.raises(ParameterError, match="x=inf"):
        check_finite("x", np.array(np.inf))
    with pytest.raises(ParameterError, match="a number or an array of numbers"):
        as_float_array("strike", "abc")
