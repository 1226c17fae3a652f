"""Concentration risk: Herfindahl index and effective number of positions, by weight and by risk.

Definitions
-----------
For exposures ``x_i`` (position values, or risk contributions) the **shares** are
``s_i = |x_i| / sum_j |x_j|`` (absolute values, so a short position or a hedge with a negative
risk contribution concentrates the book as much as a long one of the same size). The
**Herfindahl(-Hirschman) index** is ``HHI = sum_i s_i^2`` in ``[1/n, 1]`` and the **effective
number of positions** is ``1 / HHI`` (n equal positions give exactly n; one position gives 1).

**Clusters** are groups of correlated positions: the connected components of the graph that
links positions whose correlation exceeds a threshold
(:func:`tailkit.portfolio.correlation_clusters` builds them; the caller passes them here, since
the risk package does not depend on the portfolio package). A position in no cluster is its
own cluster of one. The **largest cluster share** is the largest ``sum_{i in C} s_i``.

:meth:`ConcentrationReport.limit_metrics` gives the figures the limit framework checks
(:func:`tailkit.risk.limits.check_limits` with ``fixed_limits``): ``largest_position``,
``largest_cluster``, ``hhi_weight`` and ``hhi_risk``, all shares in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = [
    "ConcentrationReport",
    "DEFAULT_CONCENTRATION_LIMITS",
    "concentration_report",
    "effective_number",
    "herfindahl",
]

#: fixed (not regime-scaled) limits on the shares of :meth:`ConcentrationReport.limit_metrics`
DEFAULT_CONCENTRATION_LIMITS: dict[str, float] = {
    "largest_position": 0.35,
    "largest_cluster": 0.60,
    "hhi_weight": 0.30,
    "hhi_risk": 0.35,
}


def _shares(name: str, values: Any) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64).ravel()
    if x.size == 0:
        raise DataError(f"{name} is empty; need at least one position")
    if not np.isfinite(x).all():
        bad = int(np.flatnonzero(~np.isfinite(x))[0])
        raise DataError(
            f"{name} has a non-finite value {float(x[bad])} at position {bad}; all must be finite"
        )
    gross = np.abs(x).sum()
    if not gross > 0:
        raise DataError(f"{name} is all zero; need at least one non-zero exposure")
    return np.abs(x) / gross


def herfindahl(values: Any) -> float:
    """Herfindahl index ``sum_i s_i^2`` of the absolute shares ``s_i = |x_i| / sum |x|``.

    Parameters
    ----------
    values : array_like of shape (n_positions,)
        Exposures (position values, weights or risk contributions), any sign.

    Returns
    -------
    float
        In ``[1 / n, 1]``.

    Examples
    --------
    >>> herfindahl([0.5, 0.3, 0.2])  # 0.25 + 0.09 + 0.04
    0.38
    """
    s = _shares("values", values)
    return float(round(np.sum(s * s), 15))


def effective_number(values: Any) -> float:
    """Effective number of positions ``1 / herfindahl(values)``.

    Examples
    --------
    >>> effective_number([1.0, 1.0, 1.0, 1.0])
    4.0
    """
    return 1.0 / herfindahl(values)


@dataclass(frozen=True, slots=True)
class ConcentrationReport:
    """Concentration of a book by weight, by risk contribution and by correlation cluster.

    Attributes
    ----------
    names : tuple of str
        Positions.
    weight_share, risk_share : ndarray of shape (n_positions,)
        Absolute shares of gross exposure and of gross risk contribution.
    cluster : ndarray of shape (n_positions,), int
        Cluster id of each position (clusters of one included), numbered from 0.
    hhi_weight, hhi_risk : float
        Herfindahl indices of the two share vectors.
    largest_position : str
        Position with the largest weight share.
    largest_cluster : tuple of str
        Members of the cluster with the largest weight share.
    largest_cluster_share : float
        Its weight share.
    threshold : float
        Correlation threshold the clusters were built with (NaN if clusters were given without one).
    """

    names: tuple[str, ...]
    weight_share: np.ndarray = field(repr=False)
    risk_share: np.ndarray = field(repr=False)
    cluster: np.ndarray = field(repr=False)
    hhi_weight: float
    hhi_risk: float
    largest_position: str
    largest_cluster: tuple[str, ...]
    largest_cluster_share: float
    threshold: float = float("nan")

    @property
    def effective_n_weight(self) -> float:
        """Effective number of positions by weight, ``1 / hhi_weight``."""
        return 1.0 / self.hhi_weight

    @property
    def effective_n_risk(self) -> float:
        """Effective number of positions by risk contribution, ``1 / hhi_risk``."""
        return 1.0 / self.hhi_risk

    @property
    def largest_position_share(self) -> float:
        """Weight share of :attr:`largest_position`."""
        return float(self.weight_share.max())

    def limit_metrics(self) -> dict[str, float]:
        """The shares the limit framework checks (see :data:`DEFAULT_CONCENTRATION_LIMITS`)."""
        return {
            "largest_position": self.largest_position_share,
            "largest_cluster": self.largest_cluster_share,
            "hhi_weight": self.hhi_weight,
            "hhi_risk": self.hhi_risk,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per position: weight share, risk share, cluster id."""
        return pd.DataFrame(
            {"weight_share": self.weight_share, "risk_share": self.risk_share, "cluster": self.cluster},
            index=pd.Index(self.names, name="position"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Headline figures (JSON-friendly)."""
        return {
            "hhi_weight": self.hhi_weight,
            "effective_n_weight": self.effective_n_weight,
            "hhi_risk": self.hhi_risk,
            "effective_n_risk": self.effective_n_risk,
            "largest_position": self.largest_position,
            "largest_position_share": self.largest_position_share,
            "largest_cluster": list(self.largest_cluster),
            "largest_cluster_share": self.largest_cluster_share,
        }


def concentration_report(
    values: pd.Series | Sequence[float],
    risk_contributions: Sequence[float] | np.ndarray,
    clusters: Sequence[Sequence[int]] = (),
    *,
    names: Sequence[str] | None = None,
    threshold: float = float("nan"),
) -> ConcentrationReport:
    """Concentration by weight, by risk contribution and by cluster.

    Parameters
    ----------
    values : Series or sequence of float, shape (n_positions,)
        Position values (currency) or weights; a Series names the positions.
    risk_contributions : array_like of shape (n_positions,)
        Each position's risk contribution (e.g. component ES from :func:`tailkit.risk.var_es`).
    clusters : sequence of sequences of int, default=()
        Position indices of each correlation cluster (e.g. from
        :func:`tailkit.portfolio.correlation_clusters`); positions in none stand alone.
    names : sequence of str, optional
        Position names (default: the Series index, else ``p0, p1, ...``).
    threshold : float, default=NaN
        The correlation threshold the clusters came from (recorded only).

    Returns
    -------
    ConcentrationReport

    Examples
    --------
    >>> rep = concentration_report([50.0, 30.0, 20.0], [0.6, 0.3, 0.1], [[0, 1]], names=["a", "b", "c"])
    >>> rep.hhi_weight, rep.largest_cluster, rep.largest_cluster_share
    (0.38, ('a', 'b'), 0.8)
    """
    if names is None:
        names = [str(x) for x in values.index] if isinstance(values, pd.Series) else None
    w = _shares("values", values)
    n = w.size
    names = tuple(names) if names is not None else tuple(f"p{i}" for i in range(n))
    if len(names) != n:
        raise ParameterError(describe_bad_value("names", list(names), f"{n} names, one per position"))
    rc = np.asarray(risk_contributions, dtype=np.float64).ravel()
    if rc.size != n:
        raise ParameterError(
            describe_bad_value("risk_contributions", rc.size, f"{n} contributions, one per position")
        )
    r = _shares("risk_contributions", rc)
    label = np.full(n, -1, dtype=np.int64)
    for k, members in enumerate(clusters):
        idx = np.asarray(members, dtype=np.int64).ravel()
        if idx.size == 0 or idx.min() < 0 or idx.max() >= n or np.any(label[idx] >= 0):
            raise ParameterError(
                describe_bad_value(
                    f"clusters[{k}]", idx.tolist(), f"non-empty, disjoint position indices in 0..{n - 1}"
                )
            )
        label[idx] = k
    nxt = len(clusters)
    for i in range(n):
        if label[i] < 0:
            label[i] = nxt
            nxt += 1
    totals = np.bincount(label, weights=w, minlength=nxt)
    top = int(np.argmax(totals))
    return ConcentrationReport(
        names,
        w,
        r,
        label,
        float(round(np.sum(w * w), 15)),
        float(round(np.sum(r * r), 15)),
        names[int(np.argmax(w))],
        tuple(names[i] for i in np.flatnonzero(label == top)),
        float(totals[top]),
        float(threshold),
    )
