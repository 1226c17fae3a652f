"""Robust tail statistics: Moors' octile kurtosis and the Hill tail index of losses.

The sample kurtosis (fourth moment) of returns from a heavy-tailed model need not converge:
when the model's fourth moment is infinite (a GJR-GARCH with Student-t shocks can have one),
the sample kurtosis grows without limit with the sample size. The two statistics here exist
for any distribution with a density (Moors) or a regularly varying tail (Hill), so they can be
compared across history and models of different sample sizes.

- **Moors (1988)** octile kurtosis ``((E7 - E5) + (E3 - E1)) / (E6 - E2)`` with ``Ei`` the
  ``i/8`` quantile (J. J. A. Moors, "A quantile alternative for kurtosis", *The Statistician*
  37, 25-32). Its value for a normal distribution is :data:`MOORS_NORMAL` = 1.2331; tailkit
  reports the excess ``KR - 1.2331`` (0 for a normal, larger for fatter tails, any location
  and scale).
- **Hill (1975)** estimator of the tail index ``a`` of the losses ``L = -r``: with
  ``L(1) >= L(2) >= ...`` the sorted losses and ``k`` the number in the tail,
  ``1 / a_hat = (1/k) sum_{i=1..k} log(L(i) / L(k+1))`` (B. M. Hill, "A simple general
  approach to inference about the tail of a distribution", *Annals of Statistics* 3, 1975).
  ``P(L > x) ~ x^-a``: a smaller index is a fatter tail; moments of order ``>= a`` are
  infinite. Its asymptotic standard error is ``a_hat / sqrt(k)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtri

from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["MOORS_NORMAL", "HillEstimate", "moors_kurtosis", "hill_tail_index"]

#: Moors' octile kurtosis of any normal distribution (Moors 1988: 1.2331)
MOORS_NORMAL: float = float(
    (ndtri(7 / 8) - ndtri(5 / 8) + ndtri(3 / 8) - ndtri(1 / 8)) / (ndtri(6 / 8) - ndtri(2 / 8))
)


def _sample(name: str, returns: Any, minimum: int) -> np.ndarray:
    r = np.asarray(returns, dtype=np.float64).ravel()
    bad = int(np.sum(~np.isfinite(r)))
    if bad:
        raise ParameterError(describe_bad_value(name, f"{bad} non-finite values", "finite values only"))
    if r.size < minimum:
        raise ParameterError(describe_bad_value(name, r.tolist(), f"{minimum} or more values"))
    return r


def moors_kurtosis(returns: Any, *, excess: bool = True) -> float:
    """Moors' (1988) octile kurtosis of a sample.

    Parameters
    ----------
    returns : array_like of shape (n,) or any shape (flattened)
        Sample (e.g. daily log returns, decimals). At least 16 finite values.
    excess : bool, default=True
        Subtract the normal value :data:`MOORS_NORMAL` (1.2331), so a normal sample gives ~0.

    Returns
    -------
    float
        ``((E7 - E5) + (E3 - E1)) / (E6 - E2)`` (minus 1.2331 when ``excess``), with ``Ei`` the
        ``i/8`` sample quantile (numpy's linear interpolation). Dimensionless.

    Raises
    ------
    ParameterError
        Fewer than 16 values, a non-finite value, or a sample whose 2/8 and 6/8 octiles coincide.

    Examples
    --------
    >>> moors_kurtosis([-3.0, -2, -1, -0.5, 0, 0.5, 1, 2, 3] * 2, excess=False)
    1.5
    """
    r = _sample("returns", returns, 16)
    e1, e2, e3, e5, e6, e7 = np.quantile(r, [1 / 8, 2 / 8, 3 / 8, 5 / 8, 6 / 8, 7 / 8])
    spread = e6 - e2
    if not spread > 0:
        raise ParameterError(
            describe_bad_value("returns", f"octiles E2 = E6 = {float(e2)}", "a sample with E6 > E2")
        )
    kr = float(((e7 - e5) + (e3 - e1)) / spread)
    return kr - MOORS_NORMAL if excess else kr


@dataclass(frozen=True, slots=True)
class HillEstimate:
    """Hill estimate of the tail index of the losses (see :func:`hill_tail_index`).

    Parameters
    ----------
    index : float
        Tail index ``a_hat`` (``P(loss > x) ~ x^-a``); smaller is fatter.
    se : float
        Asymptotic standard error ``a_hat / sqrt(k)``.
    k : int
        Number of order statistics (losses) in the tail.
    threshold : float
        ``L(k+1)``, the largest loss outside the tail (decimal, positive).
    """

    index: float
    se: float
    k: int
    threshold: float

    def to_dict(self) -> dict[str, float | int]:
        """``{"index", "se", "k", "threshold"}``."""
        return {"index": self.index, "se": self.se, "k": self.k, "threshold": self.threshold}


def hill_tail_index(returns: Any, *, tail: float = 0.05) -> HillEstimate:
    """Hill (1975) tail index of the losses ``-returns`` on the worst ``tail`` fraction.

    Parameters
    ----------
    returns : array_like of shape (n,) or any shape (flattened)
        Returns (decimals); the losses are ``-returns``.
    tail : float, default=0.05
        Fraction of the sample in the tail: ``k = floor(tail * n)`` worst returns, with
        ``k >= 10``.

    Returns
    -------
    HillEstimate
        ``index = 1 / mean(log(L(i) / L(k+1)), i = 1..k)``, ``se = index / sqrt(k)``.

    Raises
    ------
    ParameterError
        ``tail`` outside (0, 0.5], fewer than 10 losses in the tail, a non-finite value, or a
        threshold loss ``L(k+1) <= 0`` (the worst ``tail`` of returns are not all losses).

    Examples
    --------
    >>> x = (1.0 - np.arange(100_000) / 100_000) ** (-1 / 3)  # Pareto(3) quantiles
    >>> round(hill_tail_index(-x, tail=0.01).index, 1)
    3.0
    """
    if not 0.0 < tail <= 0.5:
        raise ParameterError(describe_bad_value("tail", tail, "a fraction in (0, 0.5]"))
    r = _sample("returns", returns, 11)
    k = int(np.floor(tail * r.size + 1e-9))
    if k < 10:
        raise ParameterError(
            describe_bad_value(
                "tail", tail, f"a fraction leaving at least 10 of the {r.size} returns in the tail"
            )
        )
    losses = -r
    top = np.partition(losses, r.size - k - 1)[r.size - k - 1 :]  # L(k+1) first, then the k largest
    threshold = float(top[0])
    if not threshold > 0:
        raise ParameterError(
            describe_bad_value(
                "returns", f"tail threshold loss {threshold}", f"worst {tail:g} of returns all losses (< 0)"
            )
        )
    mean_log = float(np.mean(np.log(top[1:] / threshold)))
    index = 1.0 / mean_log if mean_log > 0 else float("inf")
    return HillEstimate(index=index, se=float(index / np.sqrt(k)), k=k, threshold=threshold)
