"""What the optimizers consume: expected returns, a covariance and (optionally) scenarios.

:class:`PortfolioInputs` is the one object handed to every optimizer. Build it from a
returns frame (:meth:`PortfolioInputs.from_returns`, with the sample, Ledoit-Wolf or EWMA
covariance), from moments (:meth:`PortfolioInputs.from_moments`) or from scenarios
(:meth:`PortfolioInputs.from_scenarios`, e.g. simulated paths through
:func:`scenarios_from_paths`).

Units: ``mu`` and ``cov`` are annualized (per-period moments times ``periods_per_year``,
252 for daily data); ``scenarios`` stay per period (one row per day, or per simulated
horizon) because CVaR, semi-variance and prospect utility are computed on them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D
from tailkit._validation import as_float_array, check_finite
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = [
    "CovarianceMethod",
    "PortfolioInputs",
    "sample_covariance",
    "ledoit_wolf_covariance",
    "ewma_covariance",
    "scenarios_from_paths",
]

CovarianceMethod = Literal["sample", "ledoit_wolf", "ewma"]


def _returns_array(returns: Any, name: str = "returns") -> Float2D:
    arr = as_float_array(name, returns)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 1:
        raise ParameterError(
            describe_bad_value(f"{name}.shape", arr.shape, "a 2-D array (n_periods >= 2, n_assets >= 1)")
        )
    check_finite(name, arr)
    return arr


def sample_covariance(returns: Float2D | pd.DataFrame) -> Float2D:
    """Unbiased sample covariance (divisor ``n - 1``), per period.

    Parameters
    ----------
    returns : ndarray or DataFrame of shape (n_periods, n_assets)
        Simple returns, decimals per period, no NaN.

    Returns
    -------
    ndarray of shape (n_assets, n_assets)
    """
    x = _returns_array(returns)
    return np.atleast_2d(np.cov(x, rowvar=False, ddof=1))


def ledoit_wolf_covariance(returns: Float2D | pd.DataFrame) -> tuple[Float2D, float]:
    """Ledoit-Wolf (2004) shrinkage towards a scaled identity, per period.

    ``Σ = (1 - δ) S + δ (tr S / n) I`` with ``S`` the maximum-likelihood covariance
    (divisor ``n_periods``) of the demeaned returns and the shrinkage intensity ``δ`` of
    Ledoit & Wolf, "A well-conditioned estimator for large-dimensional covariance matrices",
    J. Multivariate Anal. 88 (2004), Lemma 3.2 / Theorem 3.4 — the same estimator as
    ``sklearn.covariance.LedoitWolf`` (which the tests compare against).

    Parameters
    ----------
    returns : ndarray or DataFrame of shape (n_periods, n_assets)
        Simple returns, decimals per period, no NaN.

    Returns
    -------
    cov : ndarray of shape (n_assets, n_assets)
        Shrunk covariance.
    shrinkage : float
        ``δ`` in [0, 1].
    """
    x = _returns_array(returns)
    n, p = x.shape
    x = x - x.mean(axis=0)
    s = x.T @ x / n
    mu = float(np.trace(s)) / p
    x2 = x * x
    beta_ = float((x2.T @ x2).sum()) / n
    delta_ = float((s * s).sum())
    beta = (beta_ - delta_) / (p * n)
    delta = (delta_ - 2.0 * mu * float(np.trace(s)) + p * mu * mu) / p
    beta = min(beta, delta)
    shrink = 0.0 if beta <= 0.0 or delta <= 0.0 else beta / delta
    cov = (1.0 - shrink) * s
    cov[np.diag_indices(p)] += shrink * mu
    return cov, float(shrink)


def ewma_covariance(returns: Float2D | pd.DataFrame, decay: float = 0.94) -> Float2D:
    """Exponentially weighted covariance (RiskMetrics 1996), per period.

    ``Σ = Σ_t w_t r_t r_tᵀ`` with ``w_t ∝ decay^(T-1-t)`` normalised to sum to one and the
    mean taken as zero, as RiskMetrics does. Equals the recursion
    ``Σ_t = decay Σ_{t-1} + (1 - decay) r_t r_tᵀ`` up to the normalisation of the weights.

    Parameters
    ----------
    returns : ndarray or DataFrame of shape (n_periods, n_assets)
        Simple returns, decimals per period, oldest first.
    decay : float, default=0.94
        RiskMetrics decay factor, in (0, 1).

    Returns
    -------
    ndarray of shape (n_assets, n_assets)
    """
    x = _returns_array(returns)
    if not 0.0 < decay < 1.0:
        raise ParameterError(describe_bad_value("decay", decay, "a float in (0, 1)"))
    t = x.shape[0]
    w = decay ** np.arange(t - 1, -1, -1, dtype=np.float64)
    w /= w.sum()
    return (x * w[:, None]).T @ x


def scenarios_from_paths(paths: Any, horizon: int | None = None) -> tuple[Float2D, tuple[str, ...]]:
    """Simple returns from the start of simulated price paths to ``horizon``.

    Parameters
    ----------
    paths : tailkit.simulation.Paths or ndarray of shape (n_paths, n_steps + 1, n_assets)
        Simulated prices (a ``Paths`` object's ``values`` and ``names`` are used).
    horizon : int, optional
        Step index of the end of the holding period; default the last step.

    Returns
    -------
    scenarios : ndarray of shape (n_paths, n_assets)
        ``values[:, horizon] / values[:, 0] - 1``, decimals over the holding period.
    names : tuple of str
        Asset names (``asset0``, ... for a bare array).
    """
    values = getattr(paths, "values", paths)
    names = getattr(paths, "names", None)
    arr = as_float_array("paths", values)
    if arr.ndim != 3 or arr.shape[1] < 2:
        raise ParameterError(
            describe_bad_value("paths.shape", arr.shape, "(n_paths, n_steps + 1 >= 2, n_assets)")
        )
    h = arr.shape[1] - 1 if horizon is None else int(horizon)
    if not 1 <= h < arr.shape[1]:
        raise ParameterError(describe_bad_value("horizon", horizon, f"an int in [1, {arr.shape[1] - 1}]"))
    if np.any(arr[:, 0, :] <= 0.0):
        raise ParameterError("paths: starting prices must be > 0 to form returns")
    scen = arr[:, h, :] / arr[:, 0, :] - 1.0
    check_finite("paths", scen)
    if names is None:
        names = tuple(f"asset{i}" for i in range(arr.shape[2]))
    return scen, tuple(str(n) for n in names)


@dataclass(frozen=True, slots=True)
class PortfolioInputs:
    """Expected returns, covariance and optional scenarios for a set of assets.

    Parameters
    ----------
    assets : tuple of str, length n_assets
        Asset names (the index of every weight Series).
    mu : ndarray of shape (n_assets,)
        Expected returns, decimal per year.
    cov : ndarray of shape (n_assets, n_assets)
        Covariance of returns, decimal² per year, symmetric positive semidefinite.
    scenarios : ndarray of shape (n_scenarios, n_assets) or None
        Equally likely return scenarios, decimal per period (historical days or simulated
        horizons); required by CVaR, semi-variance and prospect-theory objectives.
    periods_per_year : float, default=252
        Periods per year of the scenarios (1 for horizon scenarios).
    """

    assets: tuple[str, ...]
    mu: Float1D
    cov: Float2D
    scenarios: Float2D | None = None
    periods_per_year: float = 252.0

    def __post_init__(self) -> None:
        n = len(self.assets)
        mu = as_float_array("mu", self.mu)
        cov = as_float_array("cov", self.cov)
        if n < 1 or len(set(self.assets)) != n:
            raise ParameterError(describe_bad_value("assets", self.assets, "distinct names, at least one"))
        if mu.shape != (n,):
            raise ParameterError(describe_bad_value("mu.shape", mu.shape, f"({n},) to match the assets"))
        if cov.shape != (n, n):
            raise ParameterError(
                describe_bad_value("cov.shape", cov.shape, f"({n}, {n}) to match the assets")
            )
        check_finite("mu", mu)
        check_finite("cov", cov)
        if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-14):
            raise ParameterError("cov must be symmetric")
        if np.any(np.diag(cov) < 0.0):
            raise ParameterError("cov has a negative variance on its diagonal")
        cov = 0.5 * (cov + cov.T)
        object.__setattr__(self, "mu", mu)
        object.__setattr__(self, "cov", cov)
        if self.scenarios is not None:
            sc = as_float_array("scenarios", self.scenarios)
            if sc.ndim != 2 or sc.shape[1] != n or sc.shape[0] < 2:
                raise ParameterError(
                    describe_bad_value(
                        "scenarios.shape", sc.shape, f"(n_scenarios >= 2, {n}) to match the assets"
                    )
                )
            check_finite("scenarios", sc)
            object.__setattr__(self, "scenarios", sc)
        if not self.periods_per_year > 0:
            raise ParameterError(describe_bad_value("periods_per_year", self.periods_per_year, "a float > 0"))

    @property
    def n_assets(self) -> int:
        """Number of assets."""
        return len(self.assets)

    @property
    def correlation(self) -> Float2D:
        """Correlation matrix implied by ``cov`` (zero-variance assets get zero correlation)."""
        sd = np.sqrt(np.diag(self.cov))
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = self.cov / np.outer(sd, sd)
        corr[~np.isfinite(corr)] = 0.0
        np.fill_diagonal(corr, 1.0)
        return corr

    def require_scenarios(self, what: str) -> Float2D:
        """Return the scenarios or raise naming the objective ``what`` that needs them."""
        if self.scenarios is None:
            raise ParameterError(
                f"{what} needs return scenarios: build the inputs with PortfolioInputs.from_returns "
                "or from_scenarios, or pass scenarios= to from_moments"
            )
        return self.scenarios

    @classmethod
    def from_returns(
        cls,
        returns: pd.DataFrame,
        *,
        cov_method: CovarianceMethod = "sample",
        periods_per_year: float = 252.0,
        ewma_decay: float = 0.94,
    ) -> PortfolioInputs:
        """Estimate moments from a returns frame; the rows become the scenarios.

        Parameters
        ----------
        returns : DataFrame of shape (n_periods, n_assets)
            Simple returns, decimals per period; rows with any NaN are dropped.
        cov_method : {"sample", "ledoit_wolf", "ewma"}, default="sample"
            Covariance estimator (see :func:`sample_covariance`, :func:`ledoit_wolf_covariance`,
            :func:`ewma_covariance`).
        periods_per_year : float, default=252
            Annualization factor of mean and covariance.
        ewma_decay : float, default=0.94
            Decay of the EWMA estimator.

        Returns
        -------
        PortfolioInputs
        """
        if not isinstance(returns, pd.DataFrame):
            raise ParameterError(describe_bad_value("returns", type(returns).__name__, "a pandas DataFrame"))
        clean = returns.dropna(how="any")
        if len(clean) < 2:
            raise DataError("returns: fewer than 2 rows without NaN")
        x = _returns_array(clean.to_numpy(dtype=np.float64))
        if cov_method == "sample":
            cov = sample_covariance(x)
        elif cov_method == "ledoit_wolf":
            cov = ledoit_wolf_covariance(x)[0]
        elif cov_method == "ewma":
            cov = ewma_covariance(x, ewma_decay)
        else:
            raise ParameterError(
                describe_bad_value("cov_method", cov_method, "'sample', 'ledoit_wolf' or 'ewma'")
            )
        return cls(
            assets=tuple(str(c) for c in clean.columns),
            mu=x.mean(axis=0) * periods_per_year,
            cov=cov * periods_per_year,
            scenarios=x,
            periods_per_year=periods_per_year,
        )

    @classmethod
    def from_moments(
        cls,
        mu: Float1D | pd.Series,
        cov: Float2D | pd.DataFrame,
        *,
        assets: Sequence[str] | None = None,
        scenarios: Float2D | None = None,
        periods_per_year: float = 252.0,
    ) -> PortfolioInputs:
        """Wrap given moments (annualized); names come from ``mu``'s index, ``cov``'s columns or ``assets``.

        Parameters
        ----------
        mu : ndarray or Series of shape (n_assets,)
            Expected returns, decimal per year.
        cov : ndarray or DataFrame of shape (n_assets, n_assets)
            Covariance, decimal² per year.
        assets : sequence of str, optional
            Asset names.
        scenarios : ndarray of shape (n_scenarios, n_assets), optional
            Return scenarios, decimal per period.
        periods_per_year : float, default=252
            Periods per year of the scenarios.

        Returns
        -------
        PortfolioInputs
        """
        if assets is None:
            if isinstance(mu, pd.Series):
                assets = [str(a) for a in mu.index]
            elif isinstance(cov, pd.DataFrame):
                assets = [str(a) for a in cov.columns]
            else:
                assets = [f"asset{i}" for i in range(np.asarray(mu).shape[0])]
        if isinstance(mu, pd.Series):
            mu = mu.reindex(list(assets)).to_numpy(dtype=np.float64)
        if isinstance(cov, pd.DataFrame):
            cov = cov.reindex(index=list(assets), columns=list(assets)).to_numpy(dtype=np.float64)
        return cls(
            assets=tuple(assets),
            mu=np.asarray(mu, dtype=np.float64),
            cov=np.asarray(cov, dtype=np.float64),
            scenarios=scenarios,
            periods_per_year=periods_per_year,
        )

    @classmethod
    def from_scenarios(
        cls,
        scenarios: Float2D | pd.DataFrame,
        *,
        assets: Sequence[str] | None = None,
        periods_per_year: float = 1.0,
    ) -> PortfolioInputs:
        """Moments from equally likely scenarios (e.g. :func:`scenarios_from_paths`).

        Parameters
        ----------
        scenarios : ndarray or DataFrame of shape (n_scenarios, n_assets)
            Return scenarios, decimal per period.
        assets : sequence of str, optional
            Asset names (default the frame's columns or ``asset0``, ...).
        periods_per_year : float, default=1
            Periods per year of one scenario (1 when a scenario is a one-year horizon).

        Returns
        -------
        PortfolioInputs
        """
        if isinstance(scenarios, pd.DataFrame):
            assets = assets or [str(c) for c in scenarios.columns]
        x = _returns_array(scenarios, "scenarios")
        assets = assets or [f"asset{i}" for i in range(x.shape[1])]
        return cls(
            assets=tuple(assets),
            mu=x.mean(axis=0) * periods_per_year,
            cov=sample_covariance(x) * periods_per_year,
            scenarios=x,
            periods_per_year=periods_per_year,
        )
