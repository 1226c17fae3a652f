"""IRR, time- and money-weighted returns against hand computations and published values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tailkit.errors import ConvergenceError, ParameterError
from tailkit.investors import behavior_gap, holding_values, irr, money_weighted_return, time_weighted_return


def test_irr_numpy_financial_example() -> None:
    # numpy-financial's documented example: npf.irr([-100, 39, 59, 55, 20]) = 0.28095
    assert irr([-100.0, 39.0, 59.0, 55.0, 20.0]) == pytest.approx(0.2809484211599611, rel=1e-12)


def test_irr_closed_forms() -> None:
    assert irr([-100.0, 0.0, 121.0]) == pytest.approx(0.1, rel=1e-13)
    # -100 (1 + r)^2 - 100 (1 + r) + 189 = 0: 1 + r = (-1 + sqrt(1 + 4 * 1.89)) / 2
    assert irr([-100.0, -100.0, 189.0]) == pytest.approx((-1 + math.sqrt(8.56)) / 2 - 1, rel=1e-12)
    # a loss: -100, +50 after 3 periods
    assert irr([-100.0, 0.0, 0.0, 50.0]) == pytest.approx(0.5 ** (1 / 3) - 1, rel=1e-12)


def test_irr_without_sign_change_raises() -> None:
    with pytest.raises(ConvergenceError, match="cash_flows"):
        irr([100.0, 10.0, 10.0])


def test_money_weighted_with_a_deposit_by_hand() -> None:
    # deposits 100 then 100; returns +10%, -10%: V = 110, then 210 * 0.9 = 189
    np.testing.assert_allclose(holding_values([0.1, -0.1], [100.0, 100.0]), [110.0, 189.0], rtol=1e-15)
    assert money_weighted_return([0.1, -0.1], [100.0, 100.0]) == pytest.approx(
        (-1 + math.sqrt(8.56)) / 2 - 1, rel=1e-12
    )
    g = behavior_gap([0.1, -0.1], [100.0, 100.0])
    assert g.time_weighted == pytest.approx(math.sqrt(0.99) - 1, rel=1e-14)
    assert g.gap == g.money_weighted - g.time_weighted < 0  # money arrived before the loss


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-0.5, 0.5, allow_nan=False), min_size=1, max_size=60),
    st.floats(1.0, 1e6),
)
def test_money_weighted_equals_time_weighted_without_flows(returns: list[float], first: float) -> None:
    deposits = [first] + [0.0] * (len(returns) - 1)
    g = behavior_gap(returns, deposits)
    assert g.gap == pytest.approx(0.0, abs=1e-12)
    assert g.time_weighted == pytest.approx(
        float(np.prod(1 + np.array(returns)) ** (1 / len(returns)) - 1), abs=1e-12
    )


def test_bad_inputs_name_the_input() -> None:
    with pytest.raises(ParameterError, match="deposits"):
        holding_values([0.1, 0.2], [1.0])
    with pytest.raises(ParameterError, match=r"returns=-1\.5"):
        time_weighted_return([0.1, -1.5])
