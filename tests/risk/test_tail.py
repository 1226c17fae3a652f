"""The one tail kernel (tailkit._tail): twins agree, and VaR/ES match a sort-based reference.

Reference convention (Acerbi and Tasche, "On the coherence of expected shortfall", J. Banking
& Finance 26, 2002, eq. 3.3): with t = n (1 - c) tail scenarios, ES is the mean of the t
largest losses with the floor(t) + 1-th weighted by t - floor(t); VaR is the ceil(t)-th
largest loss. The references below sort; the kernel selects.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tailkit import _tail as T
from tailkit.errors import DataError, ParameterError
from tailkit.risk import TailRisk, tail_risk


def _reference(losses: np.ndarray, c: float) -> tuple[float, float]:
    x = np.sort(losses)[::-1]
    t = losses.size * (1.0 - c)
    if abs(t - round(t)) < 1e-9:
        t = float(round(t))
    m = math.floor(t)
    es = (x[:m].sum() + (t - m) * (x[m] if t > m else 0.0)) / t
    var = x[max(math.ceil(t), 1) - 1]
    return float(var), float(es)


@given(
    arrays(np.float64, st.integers(1, 60), elements=st.sampled_from([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0])),
    st.data(),
)
def test_select_descending_matches_sort_with_ties(values: np.ndarray, data: st.DataObject) -> None:
    kth = data.draw(st.integers(0, values.size - 1))
    ref = np.sort(values)[::-1]
    for fn in (T.select_descending, T.select_descending_python):
        a = values.copy()
        idx = np.arange(a.size)
        fn(a, idx, 0, a.size - 1, kth)
        assert a[kth] == ref[kth]
        assert np.all(a[:kth] >= a[kth]) and np.all(a[kth + 1 :] <= a[kth])
        np.testing.assert_array_equal(values[idx], a)  # indices follow the values
        b = values.copy()
        fn(b, None, 0, b.size - 1, kth)  # without an index array
        assert b[kth] == ref[kth]
        assert np.all(b[:kth] >= b[kth]) and np.all(b[kth + 1 :] <= b[kth])


@given(
    arrays(
        np.float64, st.integers(1, 80), elements=st.floats(-5, 5, allow_nan=False).map(lambda v: round(v, 1))
    ),
    st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.975, 0.99]),
)
def test_tail_risk_matches_sort_reference(losses: np.ndarray, c: float) -> None:
    var, es = _reference(losses, c)
    res = tail_risk(losses, confidence=c)
    assert res.var == var
    assert res.es == pytest.approx(es, rel=1e-12, abs=1e-12)
    assert res.es >= res.var - 1e-12  # ES >= VaR (coherence)


def test_tail_var_es_twins_agree_and_scenario_holds_var() -> None:
    losses = np.random.default_rng(4).standard_normal(301)
    m, frac = T.tail_split(301, np.array([0.95, 0.99]))
    res = []
    for fn in (T.tail_var_es, T.tail_var_es_python):
        v, e, s = np.empty(2), np.empty(2), np.empty(2, dtype=np.int64)
        fn(losses, m, frac, v, e, s)
        res.append((v, e, s))
    for a, b in zip(*res, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(losses[res[0][2]], res[0][0])


@pytest.mark.parametrize("tail", [0.4, 1.0, 2.5, 7.0, 11.999])
def test_tail_es_twins_on_a_candidate_subset(tail: float) -> None:
    # the overlay passes only the candidates above a threshold; the tail counts all scenarios
    rng = np.random.default_rng(5)
    losses = np.round(rng.normal(size=200), 1)
    m = math.floor(tail)
    frac = tail - m
    x = np.sort(losses)[::-1]
    expect = (x[:m].sum() + frac * x[m]) / tail
    cand = x[: m + 5].copy()
    rng.shuffle(cand)
    for fn in (T.tail_es, T.tail_es_python):
        assert fn(cand.copy(), m, frac) == pytest.approx(expect, abs=1e-13)


def test_worked_example_by_hand() -> None:
    # 5 losses at 70%: tail 1.5 -> VaR = 2nd largest (4), ES = (5 + 0.5 * 4) / 1.5
    res = tail_risk([1.0, 5.0, 3.0, 4.0, 2.0], confidence=0.7)
    assert res == TailRisk(0.7, 4.0, (5.0 + 0.5 * 4.0) / 1.5, 5)
    # 1,000 scenarios at 95%: the tail is exactly 50, not 50.000000000000004
    assert T.tail_size(1000, 0.95) == 50.0
    m, frac = T.tail_split(250, np.array([0.99]))
    assert (int(m[0]), float(frac[0])) == (2, pytest.approx(0.5))


def test_bad_inputs_name_the_input() -> None:
    with pytest.raises(ParameterError, match=r"confidence.*1\.5"):
        tail_risk([1.0, 2.0], confidence=1.5)
    with pytest.raises(DataError, match="losses is empty"):
        tail_risk([], confidence=0.9)
    with pytest.raises(DataError, match=r"non-finite value nan at position 1"):
        tail_risk([1.0, np.nan], confidence=0.9)
