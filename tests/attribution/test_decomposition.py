"""Decompositions add up exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.attribution import factor_decomposition, factor_regression, layer_decomposition
from tailkit.errors import ParameterError


def _series(seed: int, n: int = 120) -> pd.Series:
    idx = pd.date_range("2005-01-31", periods=n, freq="ME")
    return pd.Series(np.random.default_rng(seed).normal(0.004, 0.03, n), index=idx)


def test_factor_parts_add_up_to_the_return() -> None:
    f = pd.DataFrame({"mkt": _series(1), "credit": _series(2)})
    y = (0.001 + 0.8 * f["mkt"] + 0.2 * f["credit"] + 0.5 * _series(3)).rename("y")
    d = factor_decomposition(factor_regression(y, f))
    assert list(d.parts.columns) == ["alpha", "mkt", "credit", "residual"]
    np.testing.assert_allclose(d.parts.sum(axis=1).to_numpy(), y.to_numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.cumulative.sum(axis=1).to_numpy(), y.cumsum().to_numpy(), rtol=0, atol=1e-12)
    assert d.summary()["total"] == pytest.approx(float(y.sum()), abs=1e-12)
    assert d.share_explained == factor_regression(y, f).r2


def test_layers_add_up_and_name_the_largest() -> None:
    strategic = _series(4)
    premia = strategic + 0.001
    hedged = premia - 0.002 + 0.1 * np.minimum(strategic, 0.0).abs()
    investor = hedged - 0.0005
    total = investor + 1e-4 * _series(5)
    d = layer_decomposition(
        {"strategic": strategic, "premia": premia, "hedge": hedged, "behavior": investor}, total
    )
    assert list(d.parts.columns) == ["strategic", "premia", "hedge", "behavior", "unexplained"]
    np.testing.assert_allclose(d.parts.sum(axis=1).to_numpy(), total.to_numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.parts["premia"].to_numpy(), 0.001, rtol=0, atol=1e-15)
    np.testing.assert_allclose(d.parts["behavior"].to_numpy(), -0.0005, rtol=0, atol=1e-15)
    assert d.largest() == "strategic"
    u = total - investor
    assert d.share_explained == pytest.approx(
        1 - (u**2).sum() / ((total - total.mean()) ** 2).sum(), rel=1e-12
    )


def test_bad_stages_name_the_field() -> None:
    with pytest.raises(ParameterError, match="stages"):
        layer_decomposition({}, _series(1))
    with pytest.raises(ParameterError, match="unexplained"):
        layer_decomposition({"unexplained": _series(1)}, _series(1))
