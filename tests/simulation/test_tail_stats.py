"""Robust tail statistics: Moors' octile kurtosis and the Hill tail index of losses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tailkit.errors import ParameterError
from tailkit.simulation.analytics import stylized_facts, stylized_facts_table
from tailkit.simulation.tail_stats import MOORS_NORMAL, hill_tail_index, moors_kurtosis


def _batch_se(estimator, sample: np.ndarray, n_batches: int = 40) -> float:
    # MC standard error of ``estimator`` on the whole sample from independent batches:
    # Var(full) ~ Var(batch) / n_batches for a root-n consistent estimator
    batches = np.array([estimator(b) for b in np.array_split(sample, n_batches)])
    return float(batches.std(ddof=1) / np.sqrt(n_batches))


def test_moors_normal_reference_value() -> None:
    # Moors (1988), "A quantile alternative for kurtosis", The Statistician 37: KR = 1.2331
    # for the normal distribution
    assert MOORS_NORMAL == pytest.approx(1.2331, abs=5e-5)
    x = np.random.default_rng(20240901).standard_normal(1_000_000)
    kr = moors_kurtosis(x, excess=False)
    se = _batch_se(lambda b: moors_kurtosis(b, excess=False), x)
    assert 0 < se < 0.01
    assert abs(kr - 1.2331) < 4 * se
    assert moors_kurtosis(x) == pytest.approx(kr - MOORS_NORMAL, abs=1e-15)


def test_moors_closed_forms() -> None:
    # uniform: octiles i/8, so ((7-5) + (3-1)) / (6-2) = 1 exactly;
    # Laplace (F^-1(p) = log(2p) below 1/2, antisymmetric): E7 - E5 = E3 - E1 = log 3 and
    # E6 - E2 = 2 log 2, so KR = log 3 / log 2. Samples: the quantile functions on a fine
    # midpoint grid (octiles off by O(1/n))
    p = (np.arange(800_000) + 0.5) / 800_000
    assert moors_kurtosis(p, excess=False) == pytest.approx(1.0, abs=1e-5)
    lap = stats.laplace.ppf(p)
    assert moors_kurtosis(lap, excess=False) == pytest.approx(np.log(3) / np.log(2), abs=1e-5)


@settings(max_examples=30, deadline=None)
@given(loc=st.floats(-1.0, 1.0), scale=st.floats(1e-3, 1e3))
def test_moors_location_scale_invariant(loc: float, scale: float) -> None:
    x = np.random.default_rng(3).standard_t(5, 2000)
    assert moors_kurtosis(loc + scale * x) == pytest.approx(moors_kurtosis(x), rel=1e-9, abs=1e-9)


def test_moors_orders_tails() -> None:
    rng = np.random.default_rng(11)
    normal = moors_kurtosis(rng.standard_normal(200_000))
    t4 = moors_kurtosis(rng.standard_t(4, 200_000))
    t2 = moors_kurtosis(rng.standard_t(2.5, 200_000))
    assert normal < t4 < t2


@pytest.mark.parametrize("a", [2.0, 3.0, 4.5])
def test_hill_recovers_pareto_index(a: float) -> None:
    # symmetric Pareto(a) returns: the losses above any threshold >= 1 are exactly Pareto(a),
    # so the Hill estimator is the conditional MLE, unbiased to O(1/k); tolerance from its SE
    rng = np.random.default_rng(int(a * 10))
    n = 200_000
    size = rng.pareto(a, n) + 1.0  # numpy's pareto is Lomax: +1 gives Pareto with x_m = 1
    r = np.where(rng.random(n) < 0.5, -size, size)
    est = hill_tail_index(r, tail=0.05)
    assert est.k == 10_000
    assert est.se == pytest.approx(est.index / 100.0)
    assert abs(est.index - a) < 3 * est.se
    # the threshold is the (k+1)-th largest loss
    assert est.threshold == np.sort(-r)[::-1][est.k]


def test_hill_on_pareto_quantiles_is_exact_to_discretisation() -> None:
    # the Pareto(3) quantile function evaluated on a fine grid: log(L(i)/L(k+1)) averages to 1/3
    x = (1.0 - np.arange(1_000_000) / 1_000_000) ** (-1 / 3)
    est = hill_tail_index(-x, tail=0.01)
    assert est.index == pytest.approx(3.0, rel=2e-3)


def test_hill_student_t_heavier_than_normal() -> None:
    rng = np.random.default_rng(5)
    t3 = hill_tail_index(rng.standard_t(3, 400_000)).index
    normal = hill_tail_index(rng.standard_normal(400_000)).index
    assert t3 < normal


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: hill_tail_index(np.linspace(-1, 1, 1000), tail=0.7), "tail=0.7"),
        (lambda: hill_tail_index(np.linspace(-1, 1, 100), tail=0.05), "tail=0.05"),
        (lambda: hill_tail_index(np.linspace(0.1, 1, 1000)), "tail threshold loss"),
        (lambda: hill_tail_index([np.nan] * 5 + list(range(300))), "5 non-finite"),
        (lambda: moors_kurtosis([1.0, 2.0]), r"returns=\[1.0, 2.0\]"),
        (lambda: moors_kurtosis([0.0] * 20), "E6 > E2"),
    ],
)
def test_bad_input(call, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        call()


def test_stylized_facts_carry_robust_tail_rows() -> None:
    # issue 9 §5: the stylized-facts table showed only the raw kurtosis; the robust statistics
    # sit beside it for history and for every model, averaged over assets like the others
    rng = np.random.default_rng(8)
    hist = pd.DataFrame({"a": rng.standard_t(4, 3000) * 0.01, "b": rng.standard_normal(3000) * 0.02})
    sim = rng.standard_t(3, (50, 200, 2)) * 0.01
    table = stylized_facts_table(hist, {"model": sim})
    rows = ["excess_kurtosis", "moors_excess_kurtosis", "hill_tail_index", "hill_tail_index_se"]
    assert list(table.index[2:6]) == rows
    for col, per_asset in (("historical", [hist["a"], hist["b"]]), ("model", [sim[:, :, 0], sim[:, :, 1]])):
        hills = [hill_tail_index(x, tail=0.05) for x in per_asset]
        assert table.loc["moors_excess_kurtosis", col] == pytest.approx(
            np.mean([moors_kurtosis(x) for x in per_asset]), rel=1e-12
        )
        assert table.loc["hill_tail_index", col] == pytest.approx(
            np.mean([h.index for h in hills]), rel=1e-12
        )
        assert table.loc["hill_tail_index_se", col] == pytest.approx(
            np.mean([h.se for h in hills]), rel=1e-12
        )
    facts = stylized_facts(hist, tail=0.1)
    assert facts["hill_tail_index"] == pytest.approx(
        np.mean([hill_tail_index(hist[c], tail=0.1).index for c in "ab"]), rel=1e-12
    )
