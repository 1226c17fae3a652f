"""Markov regime-switching fits by Hamilton-filter maximum likelihood (EM), with filtered probabilities.

The likelihood of Gaussian regimes (one mean vector and covariance per regime, a Markov
transition matrix) is evaluated by tailkit's Hamilton filter (numba kernel) and maximised
with the EM algorithm (Hamilton 1990): the E-step runs the filter and the Kim smoother,
the M-step re-estimates means, covariances and transitions in closed form. EM increases
the likelihood at every iteration and converges to a (local) maximum; the start sorts the
days by rolling volatility so that regime 0 is the calmest. Regimes are reported in order
of rising volatility (calm, stressed, crisis for K = 3).

Filtered probabilities ``P(s_t | r_1..r_t)`` are causal (usable in a backtest); smoothed
probabilities ``P(s_t | all data)`` look ahead and are for description only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float2D
from tailkit.calibration import _kernels as K
from tailkit.calibration._inputs import as_panel
from tailkit.calibration.diagnostics import FitDiagnostics, ParameterTable, make_diagnostics
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.simulation.gbm import check_dt
from tailkit.simulation.regimes import RegimeParams

__all__ = ["RegimeFit", "fit_regimes", "filter_regimes", "RegimeProbabilities"]

_NAMES = {1: ("calm",), 2: ("calm", "crisis"), 3: ("calm", "stressed", "crisis")}


def _logdens(r: Float2D, means: Float2D, covs: np.ndarray) -> Float2D:
    n, k = r.shape
    out = np.empty((n, means.shape[0]))
    for s in range(means.shape[0]):
        c = np.linalg.cholesky(covs[s])
        dev = np.linalg.solve(c, (r - means[s]).T)
        out[:, s] = -0.5 * np.sum(dev * dev, axis=0) - np.log(np.diag(c)).sum() - 0.5 * k * np.log(2 * np.pi)
    return out


def _moments(params: RegimeParams, dt: float) -> tuple[Float2D, np.ndarray]:
    mu, sigma, corr, _ = params.arrays()
    sd = sigma * np.sqrt(dt)
    means = (mu - 0.5 * sigma**2) * dt
    covs = np.stack([c * np.outer(s, s) for c, s in zip(corr, sd)])
    return means, covs


@dataclass(frozen=True, slots=True)
class RegimeProbabilities:
    """Filtered (causal) and, when computed, smoothed regime probabilities.

    Parameters
    ----------
    filtered : ndarray of shape (n_obs, K)
        ``P(s_t | r_1..r_t)``.
    smoothed : ndarray of shape (n_obs, K)
        ``P(s_t | r_1..r_n)`` (look-ahead).
    regime_names : tuple of str
        Column names.
    index : pandas.Index
        Dates (or positions) of the observations.
    loglik : float
        Log-likelihood of the data under the parameters.
    """

    filtered: Float2D
    smoothed: Float2D
    regime_names: tuple[str, ...]
    index: pd.Index
    loglik: float

    def to_frame(self) -> pd.DataFrame:
        """Columns ``filtered_<name>`` and ``smoothed_<name>``, indexed like the data."""
        data = {f"filtered_{n}": self.filtered[:, i] for i, n in enumerate(self.regime_names)}
        data.update({f"smoothed_{n}": self.smoothed[:, i] for i, n in enumerate(self.regime_names)})
        return pd.DataFrame(data, index=self.index)

    def most_likely(self, *, causal: bool = True) -> np.ndarray:
        """Regime index with the highest (filtered or smoothed) probability, shape (n_obs,)."""
        return np.argmax(self.filtered if causal else self.smoothed, axis=1)


def _run(r: Float2D, means: Float2D, covs: np.ndarray, trans: Float2D, p0: np.ndarray) -> tuple:
    ld = _logdens(r, means, covs)
    n, k = ld.shape
    filt = np.empty((n, k))
    pred = np.empty((n, k))
    ll = K.hamilton_filter(ld, trans, p0, filt, pred)
    smooth = np.empty((n, k))
    xi = np.empty((k, k))
    K.kim_smoother(filt, pred, trans, smooth, xi)
    return ll, filt, pred, smooth, xi


def filter_regimes(returns: Any, params: RegimeParams, dt: float = 1.0 / 252.0) -> RegimeProbabilities:
    """Filtered and smoothed regime probabilities of observed log returns under ``params``.

    Parameters
    ----------
    returns : DataFrame, Series or ndarray of shape (n_obs,) or (n_obs, n_assets)
        Log returns per step.
    params : RegimeParams
        The regime model (per-step transitions).
    dt : float, default=1/252
        Step in years.

    Returns
    -------
    RegimeProbabilities
    """
    dt = check_dt(dt)
    r, _ = as_panel("returns", returns, min_rows=2)
    if r.shape[1] != params.n_assets:
        raise ParameterError(describe_bad_value("returns", r.shape, f"{params.n_assets} column(s)"))
    means, covs = _moments(params, dt)
    ll, filt, _, smooth, _ = _run(
        r, means, covs, np.asarray(params.transition), params.initial_distribution()
    )
    index = returns.index if isinstance(returns, pd.Series | pd.DataFrame) else pd.RangeIndex(r.shape[0])
    return RegimeProbabilities(filt, smooth, params.regime_names, index, float(ll))


def _em(r: Float2D, lab: np.ndarray, kk: int, max_iter: int, tol: float) -> tuple:
    n, k_assets = r.shape
    ridge = 1e-12 * np.eye(k_assets)
    full = np.cov(r.T, bias=True).reshape(k_assets, k_assets)
    floor = 1e-4 * np.diag(full)
    means = np.stack([r[lab == s].mean(axis=0) if np.any(lab == s) else r.mean(axis=0) for s in range(kk)])
    covs = np.stack(
        [
            np.cov(r[lab == s].T, bias=True).reshape(k_assets, k_assets) + ridge
            if np.sum(lab == s) > k_assets
            else full + ridge
            for s in range(kk)
        ]
    )
    trans = np.full((kk, kk), 0.02 / max(kk - 1, 1))
    np.fill_diagonal(trans, 0.98 if kk > 1 else 1.0)
    p0 = np.full(kk, 1.0 / kk)
    ll_old = -np.inf
    converged = False
    it = 0
    ll = -np.inf
    for it in range(1, max_iter + 1):  # noqa: B007
        ll, _, _, smooth, xi = _run(r, means, covs, trans, p0)
        w = np.maximum(smooth.sum(axis=0), 1e-12)
        means = (smooth.T @ r) / w[:, None]
        for s in range(kk):
            dev = r - means[s]
            covs[s] = (dev * smooth[:, s : s + 1]).T @ dev / w[s] + ridge
            # floor each variance so a regime cannot collapse onto a few days
            covs[s][np.diag_indices(k_assets)] = np.maximum(np.diag(covs[s]), floor)
        row = xi.sum(axis=1, keepdims=True)
        trans = np.where(row > 0, xi / np.where(row > 0, row, 1.0), 1.0 / kk)
        p0 = smooth[0]
        if abs(ll - ll_old) < tol * n:
            converged = True
            break
        ll_old = ll
    ll, *_ = _run(r, means, covs, trans, p0)
    return ll, means, covs, trans, p0, converged, it


@dataclass(frozen=True, slots=True)
class RegimeFit:
    """Result of :func:`fit_regimes`.

    Parameters
    ----------
    params : RegimeParams
        Fitted regimes (ordered calm to crisis), per-step transitions.
    probabilities : RegimeProbabilities
        Filtered (causal) and smoothed probabilities of the data.
    table : ParameterTable
        Estimates; standard errors are not computed for the EM fit (NaN).
    diagnostics : FitDiagnostics
        Log-likelihood, AIC/BIC, iterations and convergence.
    """

    params: RegimeParams
    probabilities: RegimeProbabilities
    table: ParameterTable
    diagnostics: FitDiagnostics

    def to_frame(self) -> pd.DataFrame:
        """Estimates table."""
        return self.table.to_frame()


def fit_regimes(
    returns: Any,
    n_regimes: int = 3,
    dt: float = 1.0 / 252.0,
    *,
    max_iter: int = 500,
    tol: float = 1e-7,
    window: int = 21,
) -> RegimeFit:
    """Fit a K-regime Gaussian Markov-switching model by Hamilton-filter EM.

    Parameters
    ----------
    returns : DataFrame, Series or ndarray of shape (n_obs,) or (n_obs, n_assets)
        Log returns per step (decimals).
    n_regimes : int, default=3
        Number of regimes K (1..6).
    dt : float, default=1/252
        Step in years (annualises drifts and vols).
    max_iter : int, default=500
        EM iteration cap.
    tol : float, default=1e-7
        Stop when the log-likelihood improves by less than ``tol`` (relative, per observation).
    window : int, default=21
        Rolling-volatility window used to initialise the regimes.

    Returns
    -------
    RegimeFit

    Examples
    --------
    >>> from tailkit.simulation import RegimeParams, simulate_regimes
    >>> r = simulate_regimes(RegimeParams(), n_paths=1, n_steps=3000, seed=2).returns()[0]
    >>> fit = fit_regimes(r, 3)
    >>> fit.params.regime_names
    ('calm', 'stressed', 'crisis')
    """
    dt = check_dt(dt)
    if isinstance(n_regimes, bool) or not isinstance(n_regimes, int) or not 1 <= n_regimes <= 6:
        raise ParameterError(describe_bad_value("n_regimes", n_regimes, "an int in 1..6"))
    r, cols = as_panel("returns", returns, min_rows=max(30, 10 * n_regimes))
    n, k_assets = r.shape
    kk = n_regimes
    # two starts (days split by rolling vol of the equally weighted series into K bins of
    # equal size, and into bins that shrink geometrically towards the crisis end); keep the
    # start with the higher likelihood
    ew = pd.Series(r.mean(axis=1))
    vol = ew.rolling(window, min_periods=2).std().bfill().to_numpy()
    best = None
    for probs_q in (np.linspace(0, 1, kk + 1)[1:-1], 1.0 - 0.4 ** np.arange(1, kk)):
        lab = np.searchsorted(np.quantile(vol, probs_q), vol)
        out = _em(r, lab, kk, max_iter, tol)
        if best is None or out[0] > best[0]:
            best = out
    assert best is not None
    _, means, covs, trans, p0, converged, it = best
    sd = np.sqrt(np.stack([np.diag(c) for c in covs]))
    order = np.argsort(sd.mean(axis=1))
    means, covs, sd = means[order], covs[order], sd[order]
    trans = trans[np.ix_(order, order)]
    trans = trans / trans.sum(axis=1, keepdims=True)
    p0 = p0[order] / p0[order].sum()
    sigma = sd / np.sqrt(dt)
    mu = means / dt + 0.5 * sigma**2
    corr = np.stack([c / np.outer(s, s) for c, s in zip(covs, sd)])
    for c in corr:
        np.fill_diagonal(c, 1.0)
    names = _NAMES.get(kk, tuple(f"regime{i}" for i in range(kk)))
    params = RegimeParams(
        regime_names=names,
        mu=tuple(tuple(float(v) for v in row) for row in mu),
        sigma=tuple(tuple(float(v) for v in row) for row in sigma),
        correlation=tuple(tuple(tuple(float(v) for v in rr) for rr in c) for c in corr),
        transition=tuple(tuple(float(v) for v in row) for row in trans),
    )
    probs = filter_regimes(returns, params, dt) if params.initial == () else None
    assert probs is not None
    labels, est = [], []
    for s, name in enumerate(names):
        for a, c in enumerate(cols):
            labels += [f"mu[{name},{c}]", f"sigma[{name},{c}]"]
            est += [mu[s, a], sigma[s, a]]
    for i, src in enumerate(names):
        for j, dst in enumerate(names):
            labels.append(f"P[{src}->{dst}]")
            est.append(trans[i, j])
    n_params = kk * (k_assets + k_assets * (k_assets + 1) // 2) + kk * (kk - 1)
    diag = make_diagnostics(
        probs.loglik, n, n_params, converged=converged, method="Hamilton filter EM (Gaussian regimes)",
        message=f"{it} EM iterations",
    )  # fmt: skip
    table = ParameterTable(tuple(labels), np.asarray(est, float), np.full(len(est), np.nan))
    return RegimeFit(params, probs, table, diag)
