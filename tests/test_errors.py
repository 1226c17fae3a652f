"""describe_bad_value: the house message prints the offending value plainly (never ``np.float64(...)``)."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import describe_bad_value


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (np.float64(-5.0), "-5.0"),
        (np.float32(0.5), "0.5"),
        (np.float16(-2.0), "-2.0"),
        (np.longdouble(1.5), "1.5"),
        (np.int64(-3), "-3"),
        (np.int32(7), "7"),
        (np.uint8(255), "255"),
        (np.bool_(True), "True"),
        (np.bool_(False), "False"),
        (np.float64(np.nan), "nan"),
        (np.float64(-np.inf), "-inf"),
    ],
)
def test_numpy_scalars_print_as_plain_numbers(value, shown: str) -> None:
    assert (
        describe_bad_value("x", value, "a number > 0") == f"x={shown} is not allowed: expected a number > 0"
    )


def test_numpy_scalars_inside_containers_print_plainly() -> None:
    msg = describe_bad_value("widths", (np.float64(1.0), np.int64(2)), "numbers > 0")
    assert msg == "widths=(1.0, 2) is not allowed: expected numbers > 0"
    msg = describe_bad_value("levels", [np.float32(0.25), np.bool_(False)], "floats")
    assert msg == "levels=[0.25, False] is not allowed: expected floats"
    msg = describe_bad_value("rules", {"loss_multiple": np.float64(0.5)}, "multiples >= 1")
    assert msg == "rules={'loss_multiple': 0.5} is not allowed: expected multiples >= 1"
    assert "np." not in describe_bad_value("shape", np.zeros((2, 3)).shape, "2-D")


def test_plain_values_keep_their_repr() -> None:
    assert describe_bad_value("kind", "straddle", "'put' or 'call'") == (
        "kind='straddle' is not allowed: expected 'put' or 'call'"
    )
    assert describe_bad_value("vol", -0.2, "a float >= 0") == "vol=-0.2 is not allowed: expected a float >= 0"
    assert describe_bad_value("n", 3, "an int > 5") == "n=3 is not allowed: expected an int > 5"
    assert describe_bad_value("x", None, "a number") == "x=None is not allowed: expected a number"


def test_long_values_are_cut_at_80_characters() -> None:
    msg = describe_bad_value("xs", tuple(np.arange(100, dtype=np.float64)), "few values")
    shown = msg.split("=", 1)[1].split(" is not allowed")[0]
    assert len(shown) == 80 and shown.endswith("...") and shown.startswith("(0.0, 1.0, 2.0")
