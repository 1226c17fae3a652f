"""Mean reversion of the 20y/30y yields: the AR(1) fit, its small-sample bias correction, the random walk.

The exact daily transition of a Vasicek (Ornstein-Uhlenbeck) yield is the Gaussian AR(1)
``y_{t+1} = a + b y_t + e_t`` with ``b = exp(-kappa dt)``, ``a = theta (1 - b)`` and
``Var(e) = sigma^2 (1 - b^2) / (2 kappa)``. The conditional MLE of ``b`` is the OLS slope, and
in short samples it is biased towards mean reversion. With the mean estimated, to first
order (Kendall 1954; Marriott & Pope 1954)::

    E[b_hat] - b = -(1 + 3 b) / n            (n = number of one-step transitions)

which, through ``kappa = -log(b) / dt``, is an upward bias of ``kappa_hat`` of about
``(3 + exp(kappa dt)) / T ~ 4 / T`` for a sample of ``T = n dt`` years (Tang & Chen 2009;
Yu 2012). On four years of daily data that is about 0.9 a year: far larger than the slow
mean reversion of long yields (kappa ~ 0.03-0.13). The ``"kendall"`` estimator (the default)
solves the bias equation for ``b``::

    b_kendall = (n b_hat + 1) / (n - 3)

and re-estimates ``a`` and the innovation variance given it (``a = mean(y_{t+1}) - b mean(y_t)``).
``"mle"`` keeps the OLS slope. Both estimates are always reported.

**No detectable mean reversion.** When the chosen estimate of ``b`` is >= 1 (``kappa <= 0``),
the window's data cannot tell the yield from a random walk; no Vasicek parameters with
``kappa > 0`` fit them. The same holds when ``b`` is just below 1 but the implied long-run
mean ``a / (1 - b)`` lies beyond +-100% (:data:`THETA_LIMIT`): reversion towards no plausible
level. The tenor is then modelled as a *driftless random walk*: ``kappa = 0``,
``sigma^2`` = mean squared daily change / dt, ``theta`` unused (set to the last observed yield,
the random walk's forecast at every horizon, with no standard error). Nothing the user typed
(file, window, options) is changed; the calibration says so in a note and in its
``mean_reversion`` record, and a longer window is the way to identify mean reversion. This
choice, not a refusal, because a careful, nearly unbiased estimator lands at ``b >= 1`` on
about half the four-year windows of a yield whose true half-life is decades (as the real
2019-2024 20y yield, ``kappa ~ 0.03``): a refusal would block the default on realistic data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tailkit.calibration.diagnostics import ParameterTable
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.simulation import VasicekParams

__all__ = [
    "KAPPA_ESTIMATORS",
    "THETA_LIMIT",
    "MeanReversionFit",
    "kendall_bias",
    "kendall_corrected_ar1",
    "fit_yield_model",
]

#: estimators of the AR(1) coefficient (and so of kappa); "kendall" is the default
KAPPA_ESTIMATORS: tuple[str, ...] = ("kendall", "mle")

KappaEstimator = Literal["kendall", "mle"]

#: largest |theta| (decimal) a mean-reverting fit may imply; beyond it the tenor is a random walk
THETA_LIMIT = 1.0


def kendall_bias(b: float, n: int) -> float:
    """First-order bias ``E[b_hat] - b = -(1 + 3 b) / n`` of the OLS AR(1) coefficient (mean estimated).

    Parameters
    ----------
    b : float
        True AR(1) coefficient.
    n : int
        Number of one-step transitions.

    Returns
    -------
    float
        The bias (Kendall 1954; Marriott & Pope 1954).
    """
    return -(1.0 + 3.0 * b) / n


def kendall_corrected_ar1(b_hat: float, n: int) -> float:
    """The AR(1) coefficient ``b`` that solves ``b_hat = b + kendall_bias(b, n)``: ``(n b_hat + 1) / (n - 3)``.

    Parameters
    ----------
    b_hat : float
        OLS estimate.
    n : int
        Number of one-step transitions (> 3).

    Returns
    -------
    float
    """
    if n <= 3:
        raise ParameterError(describe_bad_value("n", n, "more than 3 transitions"))
    return (n * b_hat + 1.0) / (n - 3.0)


@dataclass(frozen=True, slots=True)
class MeanReversionFit:
    """Both estimates of one tenor's mean reversion and the one the model uses.

    Attributes
    ----------
    tenor : str
        ``"20y"`` or ``"30y"``.
    estimator : str
        ``"kendall"`` or ``"mle"``: which estimate the model uses.
    n_pairs : int
        One-step transitions in the sample.
    ar1_mle, ar1_kendall : float
        OLS AR(1) coefficient and its Kendall bias-corrected value (per trading day).
    ar1_se : float
        Standard error of the OLS coefficient.
    kappa_mle, kappa_kendall : float
        ``-log(b) / dt`` of each, per year (negative when ``b > 1``; NaN when ``b <= 0``).
    kappa : float
        The model's kappa: the chosen estimate, or 0 when ``random_walk``.
    random_walk : bool
        The chosen ``b`` is >= 1 (or implies ``|theta|`` > :data:`THETA_LIMIT`): the tenor is a
        driftless random walk (``theta`` unused).
    """

    tenor: str
    estimator: str
    n_pairs: int
    ar1_mle: float
    ar1_kendall: float
    ar1_se: float
    kappa_mle: float
    kappa_kendall: float
    kappa: float
    random_walk: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "estimator": self.estimator,
            "n_pairs": self.n_pairs,
            "ar1_mle": self.ar1_mle,
            "ar1_kendall": self.ar1_kendall,
            "ar1_se": self.ar1_se,
            "kappa_mle": self.kappa_mle,
            "kappa_kendall": self.kappa_kendall,
            "kappa": self.kappa,
            "random_walk": self.random_walk,
        }

    @classmethod
    def from_dict(cls, tenor: str, data: dict[str, Any]) -> MeanReversionFit:
        """Inverse of :meth:`to_dict` (missing numbers become NaN)."""

        def num(key: str) -> float:
            value = data.get(key)
            return float(value) if isinstance(value, int | float) else float("nan")

        return cls(
            tenor=tenor,
            estimator=str(data.get("estimator", "mle")),
            n_pairs=int(num("n_pairs")) if math.isfinite(num("n_pairs")) else 0,
            ar1_mle=num("ar1_mle"),
            ar1_kendall=num("ar1_kendall"),
            ar1_se=num("ar1_se"),
            kappa_mle=num("kappa_mle"),
            kappa_kendall=num("kappa_kendall"),
            kappa=num("kappa"),
            random_walk=bool(data.get("random_walk", False)),
        )


def _kappa_of(b: float, dt: float) -> float:
    return -math.log(b) / dt if b > 0 else float("nan")


def _decay_integral(k: float, t: float) -> float:
    """``(1 - exp(-k t)) / k`` with its limit ``t`` at ``k = 0``."""
    return -math.expm1(-k * t) / k if k > 0 else t


def fit_yield_model(
    y: np.ndarray,
    pair_ok: np.ndarray,
    dt: float,
    *,
    estimator: KappaEstimator = "kendall",
    tenors: tuple[str, str] = ("20y", "30y"),
) -> tuple[VasicekParams, ParameterTable, tuple[MeanReversionFit, ...]]:
    """Fit the bivariate Vasicek (or random-walk) yield model on the usable one-day pairs.

    Parameters
    ----------
    y : ndarray of shape (n_obs, 2)
        20y and 30y yields, decimals, in sample order.
    pair_ok : ndarray of bool of shape (n_obs - 1,)
        ``pair_ok[t]``: rows ``t`` and ``t + 1`` are consecutive trading days (a transition).
    dt : float
        Step in years (1/252).
    estimator : {"kendall", "mle"}, default="kendall"
        AR(1) estimate behind kappa: Kendall bias-corrected or the plain MLE (module docstring).
    tenors : tuple of str, default=("20y", "30y")
        Tenor names used in messages.

    Returns
    -------
    params : VasicekParams
        kappa (0 for a random-walk tenor), theta, sigma, shock correlation.
    table : ParameterTable
        Estimates and standard errors named ``kappa_20 theta_20 sigma_20 kappa_30 theta_30
        sigma_30 rho`` (delta method; for the Kendall estimate the OLS covariance of
        ``(a, b)`` pushed through the correction's affine map; theta's is NaN for a random walk).
    mean_reversion : tuple of MeanReversionFit
        One per tenor: both estimates and the one used.

    Raises
    ------
    ParameterError
        Unknown ``estimator``.
    DataError
        A constant yield, or an AR(1) coefficient <= 0 (daily yields that are not persistent).
    """
    if estimator not in KAPPA_ESTIMATORS:
        raise ParameterError(
            describe_bad_value("kappa_estimator", estimator, f"one of {', '.join(KAPPA_ESTIMATORS)}")
        )
    x_all, z_all = y[:-1][pair_ok], y[1:][pair_ok]
    m = int(x_all.shape[0])
    if m <= 10:
        raise DataError(f"calibrate_overlay: {m} daily transitions; at least 11 are needed")
    kappa, theta, sigma = np.empty(2), np.empty(2), np.empty(2)
    se = np.empty((2, 3))
    resid = np.empty((m, 2))
    fits: list[MeanReversionFit] = []
    for i in range(2):
        x, z = x_all[:, i], z_all[:, i]
        xm, zm = float(x.mean()), float(z.mean())
        sxx = float(np.sum((x - xm) ** 2))
        if sxx <= 0:
            raise DataError(
                f"calibrate_overlay: the {tenors[i]} yield is constant in the sample; nothing to fit"
            )
        b_mle = float(np.sum((x - xm) * (z - zm)) / sxx)
        a_mle = zm - b_mle * xm
        e_ols = z - a_mle - b_mle * x
        s2_ols = float(np.mean(e_ols * e_ols))
        cov_ab = s2_ols * np.linalg.inv(np.array([[m, x.sum()], [x.sum(), x @ x]]))
        b_ken = kendall_corrected_ar1(b_mle, m)
        if estimator == "kendall":
            b = b_ken
            # (a, b) = linear map of the OLS (a_hat, b_hat): b = (m b_hat + 1)/(m - 3), a = zm - b xm
            g = m / (m - 3.0)
            lin = np.array([[1.0, xm * (1.0 - g)], [0.0, g]])
            cov_ab = lin @ cov_ab @ lin.T
        else:
            b = b_mle
        if not b > 0:
            raise DataError(
                f"calibrate_overlay: the {tenors[i]} yield's AR(1) coefficient is {b:.6f} (<= 0): daily yields "
                "that are not persistent are not yield levels; check the column and its units"
            )
        se_b = math.sqrt(max(float(cov_ab[1, 1]), 0.0))
        # b >= 1: no mean reversion; b just below 1 with a long-run mean beyond +-100%: mean
        # reversion towards no plausible level (theta not identified); both are a random walk
        rw = b >= 1.0 or not abs((zm - b * xm) / (1.0 - b)) <= THETA_LIMIT
        if rw:
            e = z - x
            s2 = float(np.mean(e * e))
            kappa[i], theta[i], sigma[i] = 0.0, float(y[-1, i]), math.sqrt(s2 / dt)
            se[i] = (se_b / dt, float("nan"), sigma[i] / math.sqrt(2.0 * m))
        else:
            a = zm - b * xm
            e = z - a - b * x
            s2 = float(np.mean(e * e))
            k = -math.log(b) / dt
            kappa[i], theta[i] = k, a / (1.0 - b)
            sigma[i] = math.sqrt(s2 * 2.0 * k / (1.0 - b * b))
            # delta method: d(kappa, theta, sigma) / d(a, b, s2)
            dk_db = -1.0 / (b * dt)
            jac = np.array(
                [
                    [0.0, dk_db, 0.0],
                    [1.0 / (1.0 - b), a / (1.0 - b) ** 2, 0.0],
                    [0.0, 0.5 * sigma[i] * (dk_db / k + 2.0 * b / (1.0 - b * b)), 0.5 * sigma[i] / s2],
                ]
            )
            cov = np.zeros((3, 3))
            cov[:2, :2] = cov_ab
            cov[2, 2] = 2.0 * s2 * s2 / m
            se[i] = np.sqrt(np.clip(np.diag(jac @ cov @ jac.T), 0.0, None))
        resid[:, i] = e
        fits.append(
            MeanReversionFit(
                tenor=tenors[i],
                estimator=estimator,
                n_pairs=m,
                ar1_mle=b_mle,
                ar1_kendall=b_ken,
                ar1_se=math.sqrt(max(s2_ols / sxx, 0.0)),
                kappa_mle=_kappa_of(b_mle, dt),
                kappa_kendall=_kappa_of(b_ken, dt),
                kappa=float(kappa[i]),
                random_walk=rw,
            )
        )
    # shock correlation: one-step residual correlation mapped to the Brownian correlation
    sig_hat = resid.T @ resid / m
    r_dt = float(sig_hat[0, 1] / math.sqrt(sig_hat[0, 0] * sig_hat[1, 1]))
    v0, v1 = _decay_integral(2.0 * kappa[0], dt), _decay_integral(2.0 * kappa[1], dt)
    c01 = _decay_integral(kappa[0] + kappa[1], dt)
    rho = min(max(r_dt * math.sqrt(v0 * v1) / c01, -1.0), 1.0)
    params = VasicekParams(
        kappa=tuple(float(v) for v in kappa),
        theta=tuple(float(v) for v in theta),
        sigma=tuple(float(v) for v in sigma),
        correlation=((1.0, rho), (rho, 1.0)),
    )
    names = ("kappa_20", "theta_20", "sigma_20", "kappa_30", "theta_30", "sigma_30", "rho")
    est = np.array([kappa[0], theta[0], sigma[0], kappa[1], theta[1], sigma[1], rho])
    ses = np.concatenate([se[0], se[1], [(1.0 - rho * rho) / math.sqrt(m)]])
    return params, ParameterTable(names, est, ses), tuple(fits)
