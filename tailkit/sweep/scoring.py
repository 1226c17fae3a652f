"""Bounded target scoring of strategy metrics: every component in [0, 1], the score in [0, 1].

Each component maps the signed distance of a metric to its target through a logistic
sigmoid, ``s = 1 / (1 + exp(-(distance / scale)))``: exactly at the target a component is 0.5,
one ``scale`` better it is 0.73, one ``scale`` worse 0.27. Distances:

- Sharpe ratio: ``sharpe - target_sharpe`` (scale ``sharpe_scale``);
- annual return: ``ann_return - target_return`` (scale ``return_scale``);
- drawdown: ``max_drawdown_limit - max_drawdown`` (scale ``drawdown_scale``; positive inside
  the limit);
- consistency is already in [0, 1] (``0.5 * share of positive 21-day months + 0.5 / (1 +
  standard deviation of the 63-day-block Sharpe ratios)``) and is used as it is.

The score is ``0.4 * sharpe + 0.3 * return + 0.2 * drawdown + 0.1 * consistency``. A missing
metric (NaN, e.g. a Sharpe ratio of a flat path) scores 0 on its component, and a ruined
configuration (its value reached zero; its Sharpe ratio covers only the days before) scores 0
on every component. Because every
part is bounded and fixed, scores compare across tickers, periods and versions — unlike the
original system's unbounded penalties (-473 to -816).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.sweep import _kernels as K

__all__ = ["Targets", "ScoreTable", "score_metrics", "target_report"]

COMPONENTS: tuple[str, ...] = ("sharpe", "return", "drawdown", "consistency")


@dataclass(frozen=True, slots=True, kw_only=True)
class Targets:
    """Targets, sigmoid scales and weights of the score (defaults: the original system's).

    Attributes
    ----------
    sharpe : float, default=1.0
        Target annualised Sharpe ratio.
    ann_return : float, default=0.30
        Target annual return, decimal.
    max_drawdown : float, default=0.10
        Largest acceptable drawdown, decimal.
    sharpe_scale, return_scale, drawdown_scale : float
        Distances that move a component from 0.5 to 0.73 (0.25, 0.05, 0.025).
    weights : tuple of 4 floats, default=(0.4, 0.3, 0.2, 0.1)
        Weights of Sharpe, return, drawdown and consistency (sum to one).
    """

    sharpe: float = 1.0
    ann_return: float = 0.30
    max_drawdown: float = 0.10
    sharpe_scale: float = 0.25
    return_scale: float = 0.05
    drawdown_scale: float = 0.025
    weights: tuple[float, float, float, float] = (0.4, 0.3, 0.2, 0.1)

    def __post_init__(self) -> None:
        for name in ("sharpe_scale", "return_scale", "drawdown_scale"):
            if not getattr(self, name) > 0:
                raise ParameterError(describe_bad_value(name, getattr(self, name), "a number > 0"))
        w = self.weights
        if len(w) != 4 or any(not x >= 0 for x in w) or abs(sum(w) - 1.0) > 1e-12:
            raise ParameterError(describe_bad_value("weights", tuple(w), "four numbers >= 0 summing to 1"))
        if not 0 < self.max_drawdown < 1:
            raise ParameterError(describe_bad_value("max_drawdown", self.max_drawdown, "a number in (0, 1)"))


def _sigmoid(x: Float1D) -> Float1D:
    out = np.zeros_like(x)
    ok = np.isfinite(x)
    out[ok] = 0.5 * (1.0 + np.tanh(0.5 * x[ok]))  # = 1 / (1 + exp(-x)), no overflow
    out[np.isposinf(x)] = 1.0
    return out


@dataclass(frozen=True, slots=True)
class ScoreTable:
    """Scores of a set of configurations.

    Attributes
    ----------
    components : ndarray of shape (n, 4)
        Sharpe, return, drawdown and consistency components, each in [0, 1].
    score : ndarray of shape (n,)
        Weighted sum, in [0, 1].
    """

    components: Float2D
    score: Float1D

    def to_frame(self) -> pd.DataFrame:
        """Columns ``score_<component>`` and ``score``."""
        frame = pd.DataFrame(self.components, columns=[f"score_{c}" for c in COMPONENTS])
        frame["score"] = self.score
        return frame


def score_metrics(metrics: Float2D, targets: Targets | None = None) -> ScoreTable:
    """Score rows of hedge metrics (columns :data:`tailkit.sweep.hedge.METRICS`).

    Parameters
    ----------
    metrics : ndarray of shape (n, N_METRICS)
        From :func:`tailkit.sweep.hedge.evaluate_hedge_grid`.
    targets : Targets, optional
        Default ``Targets()``.

    Returns
    -------
    ScoreTable
    """
    t = targets or Targets()
    m = np.atleast_2d(np.asarray(metrics, dtype=np.float64))
    comp = np.empty((m.shape[0], 4))
    with np.errstate(over="ignore", invalid="ignore"):  # huge distances saturate the sigmoid
        comp[:, 0] = _sigmoid((m[:, K.M_SHARPE] - t.sharpe) / t.sharpe_scale)
        comp[:, 1] = _sigmoid((m[:, K.M_ANN_RETURN] - t.ann_return) / t.return_scale)
        comp[:, 2] = _sigmoid((t.max_drawdown - m[:, K.M_MAX_DRAWDOWN]) / t.drawdown_scale)
    cons = m[:, K.M_CONSISTENCY]
    comp[:, 3] = np.where(np.isfinite(cons), np.clip(cons, 0.0, 1.0), 0.0)
    comp[m[:, K.M_RUINED] > 0] = 0.0  # a configuration that lost everything scores nothing
    return ScoreTable(components=comp, score=comp @ np.asarray(t.weights))


def target_report(metrics_row: Float1D, targets: Targets | None = None) -> pd.DataFrame:
    """Which targets one configuration reaches and by how much it misses the others.

    Returns
    -------
    pandas.DataFrame
        Rows Sharpe, annual return, max drawdown: ``value``, ``target``, ``reached`` and
        ``shortfall`` (how far from the target in the metric's units; 0 when reached).
    """
    t = targets or Targets()
    row = np.asarray(metrics_row, dtype=np.float64)
    sharpe, ret, dd = row[K.M_SHARPE], row[K.M_ANN_RETURN], row[K.M_MAX_DRAWDOWN]
    rows = [
        ("sharpe", sharpe, t.sharpe, sharpe >= t.sharpe, max(t.sharpe - sharpe, 0.0)),
        ("ann_return", ret, t.ann_return, ret >= t.ann_return, max(t.ann_return - ret, 0.0)),
        ("max_drawdown", dd, t.max_drawdown, dd <= t.max_drawdown, max(dd - t.max_drawdown, 0.0)),
    ]
    return pd.DataFrame(rows, columns=["metric", "value", "target", "reached", "shortfall"]).set_index(
        "metric"
    )
