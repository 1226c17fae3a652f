"""Return decompositions that add up exactly.

* **factor decomposition** of a fitted :class:`~tailkit.attribution.FactorRegression`: per
  period, ``y_t = alpha + sum_j beta_j F_tj + e_t``; the parts are ``alpha``, each
  ``beta_j F_tj`` and the residual ``e_t = y_t - fitted_t`` (so they add to ``y_t`` up to
  rounding), and their cumulative sums add to the cumulative sum of ``y``; the share
  explained is the regression's R².
* **layer decomposition** of the integrated system from return streams of nested portfolios,
  in order (for example ``strategic`` -> ``premia`` -> ``hedged`` -> ``investor``): the first
  layer is the first stream, each later layer is its stream minus the one before (premia tilts
  = premia - strategic, hedge contribution = hedged - premia, behavioral overlay = investor -
  hedged), and ``unexplained`` is the total minus the last stream.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pandas as pd

from tailkit.attribution.regression import FactorRegression
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["Decomposition", "factor_decomposition", "layer_decomposition"]


@dataclass(frozen=True, slots=True)
class Decomposition:
    """Parts of a return series that add up to it.

    Parameters
    ----------
    parts : DataFrame of shape (n, n_parts)
        Per-period contribution of each part (decimal).
    total : Series of shape (n,)
        The return series decomposed.
    share_explained : float
        The regression's R² (factor decomposition) or, for layers, ``1 - sum(unexplained^2) /
        sum((total - mean)^2)``.
    """

    parts: pd.DataFrame
    total: pd.Series
    share_explained: float

    @property
    def cumulative(self) -> pd.DataFrame:
        """Running sums of the parts (they add to the running sum of ``total``)."""
        return self.parts.cumsum()

    def summary(self) -> pd.Series:
        """Each part's sum over all periods, and ``total``."""
        return pd.concat([self.parts.sum(), pd.Series({"total": float(self.total.sum())})])

    def largest(self) -> str:
        """The part with the largest absolute sum."""
        return str(self.parts.sum().abs().idxmax())

    def to_frame(self) -> pd.DataFrame:
        """The parts with a ``total`` column."""
        return self.parts.assign(total=self.total)


def factor_decomposition(fit: FactorRegression) -> Decomposition:
    """Per-period parts of a factor regression: ``alpha``, one per factor, ``residual``."""
    parts = pd.DataFrame(index=fit.fitted.index)
    parts["alpha"] = float(fit.params["alpha"])
    for name in fit.factors.columns:
        parts[str(name)] = float(fit.params[str(name)]) * fit.factors[name]
    parts["residual"] = fit.resid
    total = fit.fitted + fit.resid
    return Decomposition(parts=parts, total=total.rename("total"), share_explained=fit.r2)


def layer_decomposition(stages: dict[str, pd.Series], total: pd.Series) -> Decomposition:
    """Layers of nested portfolios (module docstring).

    Parameters
    ----------
    stages : dict of str to Series
        Return streams in order; the first is the base layer.
    total : Series
        The return to explain (the last stage itself, or the realised return).

    Returns
    -------
    Decomposition
        Columns: the stage names, then ``unexplained``.
    """
    if not stages:
        raise ParameterError(describe_bad_value("stages", stages, "at least one named return stream"))
    if "unexplained" in stages:
        raise ParameterError(
            describe_bad_value("stages", "key 'unexplained'", "stage names other than 'unexplained'")
        )
    data = pd.concat({**stages, "__total__": total}, axis=1, join="inner").astype(float).dropna()
    if len(data) == 0:
        raise DataError("stages and total share no period")
    parts = pd.DataFrame(index=data.index)
    names = list(stages)
    parts[names[0]] = data[names[0]]
    for prev, name in itertools.pairwise(names):
        parts[name] = data[name] - data[prev]
    parts["unexplained"] = data["__total__"] - data[names[-1]]
    t = data["__total__"]
    sst = float(((t - t.mean()) ** 2).sum())
    share = 1.0 - float((parts["unexplained"] ** 2).sum()) / sst if sst > 0 else float("nan")
    return Decomposition(parts=parts, total=t.rename("total"), share_explained=share)
