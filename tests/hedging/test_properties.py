"""Property tests (hypothesis) of the frontier marks and the effectiveness ratio."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tailkit.hedging import hedge_effectiveness, pareto_mask

finite = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False, allow_infinity=False)


@given(
    st.integers(min_value=1, max_value=30).flatmap(
        lambda n: st.tuples(arrays(float, n, elements=finite), arrays(float, n, elements=finite))
    )
)
def test_pareto_marks_exactly_the_undominated_programs(arrays_pair):
    cost, prot = arrays_pair
    mask = pareto_mask(cost, prot)
    assert mask.any()
    for i in range(cost.size):
        dominated = np.any((cost <= cost[i]) & (prot >= prot[i]) & ((cost < cost[i]) | (prot > prot[i])))
        assert mask[i] == (not dominated)


@given(
    arrays(float, 200, elements=st.floats(min_value=-0.6, max_value=0.6, allow_nan=False)),
    st.floats(min_value=0.0, max_value=1.5, allow_nan=False),
)
def test_effectiveness_of_a_hedge_returning_a_fixed_share_of_every_loss(unhedged, share):
    """A hedge that gives back ``share`` of every loss (and nothing on gains) has E = share."""
    unhedged = np.where(np.abs(unhedged) < 1e-3, -0.01, unhedged)
    hedged = np.where(unhedged < 0, unhedged * (1 - share), unhedged)
    tail = 0.05
    k = int(np.ceil(tail * unhedged.size))
    if np.sort(unhedged)[k - 1] >= 0:  # only when every stress path lost is E exactly the share
        return
    est = hedge_effectiveness(unhedged, hedged, tail=tail)
    assert abs(est.value - share) < 1e-12


_finite = st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not (x == 0.0 and np.signbit(x)))


@given(st.booleans(), _finite, _finite)
def test_the_arithmetic_pick_of_the_daily_loop_is_the_select_bit_for_bit(take, a, b):
    # _pick replaces ``a if take else b`` (which AVX2 builds compile to a masked store) on the
    # values it is used for: finite, never -0.0
    from tailkit.hedging._kernels import _pick, _pick_python

    want = np.float64(a if take else b).view(np.int64)
    assert np.float64(_pick_python(take, a, b)).view(np.int64) == want
    assert np.float64(_pick(take, a, b)).view(np.int64) == want
