"""Certainty equivalents and best days missed, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tailkit.behavioral import ProspectParams
from tailkit.errors import ParameterError
from tailkit.investors import best_days_missed, cpt_certainty_equivalent, crra_certainty_equivalent


def test_crra_by_hand() -> None:
    w = [0.5, 2.0]
    assert crra_certainty_equivalent(w, 1.0) == pytest.approx(0.0, abs=1e-15)  # geometric mean 1
    # g = 2: harmonic mean 1 / mean(1/W) = 1 / 1.25 = 0.8
    assert crra_certainty_equivalent(w, 2.0) == pytest.approx(-0.2, rel=1e-14)
    # g = 0.5: mean(sqrt W)^2
    assert crra_certainty_equivalent(w, 0.5) == pytest.approx(
        ((math.sqrt(0.5) + math.sqrt(2)) / 2) ** 2 - 1, rel=1e-14
    )
    with pytest.raises(ParameterError, match=r"risk_aversion=0\.0"):
        crra_certainty_equivalent(w, 0.0)


def test_cpt_linear_is_the_mean_and_loss_aversion_lowers_it() -> None:
    w = [0.8, 1.1, 1.3]
    linear = ProspectParams(alpha=1.0, beta=1.0, loss_aversion=1.0, gamma=1.0, delta=1.0)
    assert cpt_certainty_equivalent(w, linear) == pytest.approx(np.mean(w) - 1, rel=1e-12)
    # linear value, no weighting, lambda = 2: V = (0.1 + 0.3 - 2 * 0.2) / 3 = 0 -> CE 0
    averse = ProspectParams(alpha=1.0, beta=1.0, loss_aversion=2.0, gamma=1.0, delta=1.0)
    assert cpt_certainty_equivalent(w, averse) == pytest.approx(0.0, abs=1e-15)
    # a sure loss of 10% is worth exactly -10% to anyone
    assert cpt_certainty_equivalent([0.9, 0.9], ProspectParams()) == pytest.approx(-0.1, rel=1e-12)


def test_best_days_missed_by_hand() -> None:
    r = np.array([[0.05, -0.02, 0.04, 0.01, 0.03]])
    w = np.array([[0.0, 1.0, 1.0, 0.0, 0.5]])
    # the three best days are steps 0, 2, 4: held 0, 1, 0.5 -> two of three below 1
    np.testing.assert_allclose(best_days_missed(w, r, full=1.0, n_best=3), [2 / 3])
    with pytest.raises(ParameterError, match="n_best=6"):
        best_days_missed(w, r, full=1.0, n_best=6)
