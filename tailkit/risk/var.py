"""Value at Risk and Expected Shortfall with per-position contributions.

Conventions
-----------
* ``returns`` are simple returns per period (daily by default), one column per position;
  ``weights`` are position values in currency (or fractions of NAV). VaR and ES are
  **losses reported as positive numbers** in the units of ``weights``.
* ``confidence`` is the VaR level c (0.99 = 99%); the tail probability is ``1 - c``.
* Historical (and Monte Carlo) VaR of ``n`` scenarios is the ``ceil(n (1 - c))``-th largest
  loss; ES is the Acerbi-Tasche tail mean of the ``n (1 - c)`` largest losses (the last one
  weighted fractionally when ``n (1 - c)`` is not an integer), so ES >= VaR always.
* Contributions are Euler allocations: ``component = weight * marginal`` and the components
  sum to VaR (ES). Historical component ES is each position's mean loss over the tail
  scenarios; historical component VaR is each position's loss in the VaR scenario (exact
  but noisy). Parametric contributions use the covariance (and, for Cornish-Fisher, the
  co-skewness and co-kurtosis gradients).

Horizon scaling
---------------
``horizon`` is in periods (trading days). Parametric methods scale the cumulants of iid
returns: mean x h, volatility x sqrt(h), skewness / sqrt(h), excess kurtosis / h (exact
for the sum of h iid returns). Historical VaR offers ``scaling="sqrt"`` (one-day figures
times sqrt(h): assumes iid, zero-mean returns; the Basel convention) or
``scaling="overlapping"`` (scenarios are overlapping h-day compounded returns; no
distributional assumption, but only ``n - h + 1`` correlated scenarios). Monte Carlo draws
h-day returns directly from the fitted distribution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from tailkit._typing import Float1D, Float2D, SeedLike
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.risk import _kernels
from tailkit.risk._inputs import align_positions, check_confidence, check_horizon, tail_split
from tailkit.rng import make_generator

__all__ = [
    "VaRMethod",
    "VaRResult",
    "HistoricalVaRArrays",
    "var_es",
    "compare_var_es",
    "historical_var_es_arrays",
    "scenario_var_es",
    "overlapping_returns",
]

VaRMethod = Literal["historical", "parametric", "cornish_fisher", "monte_carlo"]
_METHODS: tuple[VaRMethod, ...] = ("historical", "parametric", "cornish_fisher", "monte_carlo")


@dataclass(frozen=True, slots=True)
class VaRResult:
    """VaR and ES of a portfolio with per-position marginal and component contributions.

    Attributes
    ----------
    method : str
        ``"historical"``, ``"parametric"``, ``"cornish_fisher"`` or ``"monte_carlo"``.
    confidence : float
        VaR level, e.g. 0.99.
    horizon : int
        Horizon in periods (trading days).
    var, es : float
        Value at Risk and Expected Shortfall, losses as positive numbers (units of weights).
    positions : tuple of str
        Position names.
    weights : ndarray of shape (n_positions,)
        Position values.
    marginal_var, marginal_es : ndarray of shape (n_positions,)
        d VaR / d weight and d ES / d weight.
    component_var, component_es : ndarray of shape (n_positions,)
        ``weights * marginal``; they sum to ``var`` and ``es``.
    n_scenarios : int
        Scenarios (historical rows or simulations) used; observations for parametric.
    """

    method: str
    confidence: float
    horizon: int
    var: float
    es: float
    positions: tuple[str, ...]
    weights: Float1D = field(repr=False)
    marginal_var: Float1D = field(repr=False)
    marginal_es: Float1D = field(repr=False)
    component_var: Float1D = field(repr=False)
    component_es: Float1D = field(repr=False)
    n_scenarios: int = 0

    def to_frame(self) -> pd.DataFrame:
        """Per-position table: weight, marginal/component VaR and ES, and ES share."""
        share = self.component_es / self.es if self.es != 0 else np.full(len(self.positions), np.nan)
        return pd.DataFrame(
            {
                "weight": self.weights,
                "marginal_var": self.marginal_var,
                "component_var": self.component_var,
                "marginal_es": self.marginal_es,
                "component_es": self.component_es,
                "es_share": share,
            },
            index=pd.Index(self.positions, name="position"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers as a JSON-friendly dict."""
        return {
            "method": self.method,
            "confidence": self.confidence,
            "horizon": self.horizon,
            "var": self.var,
            "es": self.es,
            "n_scenarios": self.n_scenarios,
        }


@dataclass(frozen=True, slots=True)
class HistoricalVaRArrays:
    """Raw output of :func:`historical_var_es_arrays` (the fast path; no pandas).

    Attributes
    ----------
    confidence : ndarray of shape (n_levels,)
    var, es : ndarray of shape (n_levels,)
        Losses as positive numbers.
    marginal_var, marginal_es : ndarray of shape (n_levels, n_positions)
    component_var, component_es : ndarray of shape (n_levels, n_positions)
    """

    confidence: Float1D
    var: Float1D
    es: Float1D
    marginal_var: Float2D
    marginal_es: Float2D
    component_var: Float2D
    component_es: Float2D

    def to_frame(self) -> pd.DataFrame:
        """One row per confidence level with VaR and ES."""
        return pd.DataFrame(
            {"var": self.var, "es": self.es}, index=pd.Index(self.confidence, name="confidence")
        )


def historical_var_es_arrays(
    returns: Float2D, weights: Float1D, confidence: float | Sequence[float] | Float1D = (0.95, 0.99)
) -> HistoricalVaRArrays:
    """Historical VaR/ES with component VaR/ES for several levels in one pass (fast path).

    One matrix-vector product for the scenario P&L and one quickselect shared by all
    levels (numba kernel). No NaN handling: ``returns`` must be finite.

    Parameters
    ----------
    returns : ndarray of shape (n_scenarios, n_positions)
        Scenario returns (decimals).
    weights : ndarray of shape (n_positions,)
        Position values (currency).
    confidence : float or sequence of float, default=(0.95, 0.99)
        VaR level(s), each in (0, 1).

    Returns
    -------
    HistoricalVaRArrays

    Raises
    ------
    DataError
        If the scenario P&L is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(0).normal(0, 0.01, (1000, 3))
    >>> out = historical_var_es_arrays(r, np.ones(3), (0.95, 0.99))
    >>> bool(np.allclose(out.component_es.sum(axis=1), out.es))
    True
    """
    c = check_confidence(confidence)
    r = np.ascontiguousarray(returns, dtype=np.float64)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    if r.ndim != 2 or w.ndim != 1 or r.shape[1] != w.shape[0]:
        raise ParameterError(
            describe_bad_value("shapes", (r.shape, w.shape), "(n, p) returns and (p,) weights")
        )
    if r.shape[0] < 2:
        raise DataError(f"returns has {r.shape[0]} scenario(s); need at least 2")
    m, frac = tail_split(r.shape[0], c)
    n_lev = c.shape[0]
    var = np.empty(n_lev)
    es = np.empty(n_lev)
    mvar = np.empty((n_lev, w.shape[0]))
    mes = np.empty((n_lev, w.shape[0]))
    if not _kernels.historical_var_es(r, w, m, frac, var, es, mvar, mes):
        raise DataError("returns @ weights has non-finite values: returns must be finite for held positions")
    return HistoricalVaRArrays(c, var, es, mvar, mes, mvar * w, mes * w)


def overlapping_returns(returns: Float2D, horizon: int) -> Float2D:
    """Overlapping ``horizon``-period compounded returns, shape (n - horizon + 1, p)."""
    r = np.asarray(returns, dtype=float)
    if horizon == 1:
        return r
    logs = np.cumsum(np.log1p(r), axis=0)
    logs = np.vstack([np.zeros((1, r.shape[1])), logs])
    return np.expm1(logs[horizon:] - logs[:-horizon])


def _result(
    method: str,
    c: float,
    h: int,
    names: tuple[str, ...],
    w: Float1D,
    risk: tuple[float, float, Float1D, Float1D],
    n: int,
) -> VaRResult:
    var, es, mvar, mes = risk
    return VaRResult(method, float(c), h, float(var), float(es), names, w, mvar, mes, mvar * w, mes * w, n)


def _first(out: HistoricalVaRArrays) -> tuple[float, float, Float1D, Float1D]:
    return float(out.var[0]), float(out.es[0]), out.marginal_var[0], out.marginal_es[0]


def _historical(r: Float2D, w: Float1D, c: Float1D, scale: float) -> HistoricalVaRArrays:
    out = historical_var_es_arrays(r, w, c)
    if scale == 1.0:
        return out
    return HistoricalVaRArrays(
        out.confidence,
        out.var * scale,
        out.es * scale,
        out.marginal_var * scale,
        out.marginal_es * scale,
        out.component_var * scale,
        out.component_es * scale,
    )


def _cf_coefficients(c: float) -> tuple[Float1D, Float1D]:
    """Coefficients (a0, a1, a2, a3) of Q(S, K) = a0 + a1 S + a2 K + a3 S^2 for VaR and ES.

    VaR uses the Cornish-Fisher quantile at tail probability 1 - c; ES uses the tail mean
    of that quantile function, which needs only the truncated normal moments
    E[Z^k | Z < z] (k = 1, 2, 3) in closed form.
    """
    a = 1.0 - c
    z = stats.norm.ppf(a)
    pdf = stats.norm.pdf(z)
    q = np.array([z, (z * z - 1) / 6, (z**3 - 3 * z) / 24, -(2 * z**3 - 5 * z) / 36])
    m1 = -pdf / a
    m2 = 1.0 - z * pdf / a
    m3 = -(z * z + 2.0) * pdf / a
    e = np.array([m1, (m2 - 1) / 6, (m3 - 3 * m1) / 24, -(2 * m3 - 5 * m1) / 36])
    return q, e


def _parametric(
    r: Float2D, w: Float1D, c: float, h: int, cornish_fisher: bool
) -> tuple[float, float, Float1D, Float1D]:
    n = r.shape[0]
    mu = r.mean(axis=0)
    dev = r - mu
    d = dev @ w
    m2 = float(np.mean(d * d))
    if m2 <= 0.0:
        raise DataError("the portfolio's returns have zero variance; parametric VaR is undefined")
    bessel = n / (n - 1.0)
    sigma = math.sqrt(m2 * bessel)
    dm2 = 2.0 * (dev.T @ d) / n
    dsigma = dm2 * bessel / (2.0 * sigma)
    mu_p = float(mu @ w)
    sh = math.sqrt(h)
    if cornish_fisher:
        m3 = float(np.mean(d**3))
        m4 = float(np.mean(d**4))
        skew = m3 / m2**1.5
        kurt = m4 / m2**2 - 3.0
        dm3 = 3.0 * (dev.T @ (d * d)) / n
        dm4 = 4.0 * (dev.T @ (d**3)) / n
        dskew = dm3 / m2**1.5 - 1.5 * m3 * dm2 / m2**2.5
        dkurt = dm4 / m2**2 - 2.0 * m4 * dm2 / m2**3
        s_h, k_h = skew / sh, kurt / h
    else:
        s_h = k_h = 0.0
        dskew = dkurt = np.zeros_like(w)
    coef_var, coef_es = _cf_coefficients(c)
    out = []
    for a0, a1, a2, a3 in (coef_var, coef_es):
        quant = a0 + a1 * s_h + a2 * k_h + a3 * s_h * s_h
        risk = -(mu_p * h + sigma * sh * quant)
        dq = (a1 + 2.0 * a3 * s_h) * dskew / sh + a2 * dkurt / h
        grad = -(mu * h + sh * (dsigma * quant + sigma * dq))
        out.append((risk, grad))
    (var, mvar), (es, mes) = out
    return var, es, mvar, mes


def _simulate(r: Float2D, h: int, n_sims: int, distribution: str, dof: float, seed: SeedLike) -> Float2D:
    rng = make_generator(seed)
    mu = r.mean(axis=0) * h
    cov = np.cov(r, rowvar=False, ddof=1).reshape(r.shape[1], r.shape[1]) * h
    vals, vecs = np.linalg.eigh(cov)
    root = vecs * np.sqrt(np.clip(vals, 0.0, None))
    z = rng.standard_normal((n_sims, r.shape[1]))
    if distribution == "t":
        chi = rng.chisquare(dof, size=n_sims)
        z *= np.sqrt((dof - 2.0) / chi)[:, None]
    return np.ascontiguousarray(mu + z @ root.T)


def var_es(
    returns: Any,
    weights: Any,
    *,
    confidence: float = 0.99,
    horizon: int = 1,
    method: VaRMethod = "historical",
    scaling: Literal["sqrt", "overlapping"] = "sqrt",
    n_sims: int = 100_000,
    distribution: Literal["normal", "t"] = "normal",
    dof: float = 5.0,
    seed: SeedLike = None,
) -> VaRResult:
    """VaR and ES of a portfolio by one method, with marginal and component contributions.

    Parameters
    ----------
    returns : DataFrame or ndarray of shape (n_periods, n_positions)
        Periodic simple returns per position (decimals). Rows with a missing value for a
        held position are dropped.
    weights : Series, mapping or ndarray of shape (n_positions,)
        Position values (currency or fractions of NAV), keyed by returns column.
    confidence : float, default=0.99
        VaR level in (0, 1).
    horizon : int, default=1
        Horizon in periods (see the module docstring for the scaling).
    method : {"historical", "parametric", "cornish_fisher", "monte_carlo"}, default="historical"
        Historical simulation; normal with the sample mean and covariance; Cornish-Fisher
        (normal quantile adjusted for skewness and excess kurtosis); Monte Carlo from a
        normal or Student-t fitted to the mean and covariance.
    scaling : {"sqrt", "overlapping"}, default="sqrt"
        Historical horizon scaling.
    n_sims : int, default=100_000
        Monte Carlo draws.
    distribution : {"normal", "t"}, default="normal"
        Monte Carlo distribution (multivariate Student-t scaled to the sample covariance).
    dof : float, default=5.0
        Student-t degrees of freedom (> 2).
    seed : int, Generator or None, default=None
        Monte Carlo seed.

    Returns
    -------
    VaRResult

    Examples
    --------
    >>> import numpy as np
    >>> r = np.random.default_rng(1).normal(0.0, 0.01, (2000, 2))
    >>> res = var_es(r, [0.5, 0.5], confidence=0.99, method="parametric")
    >>> round(res.var, 4) > 0
    True
    """
    if method not in _METHODS:
        raise ParameterError(describe_bad_value("method", method, "one of " + ", ".join(map(repr, _METHODS))))
    c = float(check_confidence(confidence)[0])
    h = check_horizon(horizon)
    r, w, names = align_positions(returns, weights)
    if method == "historical":
        if scaling not in ("sqrt", "overlapping"):
            raise ParameterError(describe_bad_value("scaling", scaling, "'sqrt' or 'overlapping'"))
        if scaling == "overlapping":
            if r.shape[0] - h + 1 < 2:
                raise DataError(f"{r.shape[0]} rows are too few for {h}-period overlapping returns")
            out = _historical(np.ascontiguousarray(overlapping_returns(r, h)), w, np.array([c]), 1.0)
        else:
            out = _historical(r, w, np.array([c]), math.sqrt(h))
        n = r.shape[0] - (h - 1 if scaling == "overlapping" else 0)
        return _result(method, c, h, names, w, _first(out), n)
    if method in ("parametric", "cornish_fisher"):
        risk = _parametric(r, w, c, h, method == "cornish_fisher")
        return _result(method, c, h, names, w, risk, r.shape[0])
    if isinstance(n_sims, bool) or not isinstance(n_sims, int | np.integer) or n_sims < 100:
        raise ParameterError(describe_bad_value("n_sims", n_sims, "an int >= 100"))
    if distribution not in ("normal", "t"):
        raise ParameterError(describe_bad_value("distribution", distribution, "'normal' or 't'"))
    if distribution == "t" and not dof > 2.0:
        raise ParameterError(describe_bad_value("dof", dof, "a float > 2"))
    sims = _simulate(r, h, int(n_sims), distribution, float(dof), seed)
    out = _historical(sims, w, np.array([c]), 1.0)
    return _result(method, c, h, names, w, _first(out), int(n_sims))


def scenario_var_es(scenarios: Any, weights: Any, *, confidence: float = 0.99, horizon: int = 1) -> VaRResult:
    """VaR/ES over given scenario returns (e.g. paths from ``tailkit.simulation``).

    Parameters
    ----------
    scenarios : DataFrame or ndarray of shape (n_scenarios, n_positions)
        Scenario returns over ``horizon`` (already at the horizon; no scaling is applied).
    weights : Series, mapping or ndarray of shape (n_positions,)
        Position values.
    confidence : float, default=0.99
        VaR level.
    horizon : int, default=1
        Horizon the scenarios represent (recorded only).

    Returns
    -------
    VaRResult
        With ``method="monte_carlo"``.
    """
    c = float(check_confidence(confidence)[0])
    h = check_horizon(horizon)
    r, w, names = align_positions(scenarios, weights)
    out = _historical(r, w, np.array([c]), 1.0)
    return _result("monte_carlo", c, h, names, w, _first(out), r.shape[0])


def compare_var_es(
    returns: Any,
    weights: Any,
    *,
    confidences: Sequence[float] = (0.95, 0.99),
    methods: Sequence[VaRMethod] = _METHODS,
    horizon: int = 1,
    n_sims: int = 100_000,
    seed: SeedLike = None,
) -> pd.DataFrame:
    """VaR and ES by every method and level, one row each (tidy table).

    Parameters
    ----------
    returns : DataFrame or ndarray of shape (n_periods, n_positions)
        Periodic returns per position.
    weights : Series, mapping or ndarray of shape (n_positions,)
        Position values.
    confidences : sequence of float, default=(0.95, 0.99)
        VaR levels.
    methods : sequence of str, default=all four
        Methods to compare.
    horizon : int, default=1
        Horizon in periods.
    n_sims : int, default=100_000
        Monte Carlo draws.
    seed : int, Generator or None, default=None
        Monte Carlo seed; every level uses the same draws (None means seed 0, so the
        table is reproducible).

    Returns
    -------
    DataFrame
        Columns ``method, confidence, horizon, var, es``.
    """
    rows = []
    for meth in methods:
        for c in confidences:
            res = var_es(
                returns,
                weights,
                confidence=c,
                horizon=horizon,
                method=meth,
                n_sims=n_sims,
                seed=make_generator(seed if seed is not None else 0) if meth == "monte_carlo" else None,
            )
            rows.append(res.to_dict())
    return pd.DataFrame(rows)[["method", "confidence", "horizon", "var", "es"]]
