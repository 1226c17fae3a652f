"""The implied-vol surface read from the state of a path, the VIX future and the fill costs.

Equity-index options
--------------------
The vol index (VIX-style, 30-day) sets the ATM level: ``atm30 = atm_ratio * V_t``. VIX is a
variance-swap level, above ATM implied vol by the skew's convexity; ``atm_ratio=0.9`` is the
usual ATM/VIX ratio of SPX options. Other tenors follow a mean-reverting variance term
structure toward ``long_run_vol`` (speed ``term_speed`` per year):
``s(tau)^2 = L^2 + (atm30^2 - L^2) g(tau) / g(30d)``, ``g(t) = (1 - e^{-c t}) / (c t)``.
Each strike scales it by ``clip(1 - skew z + curvature z^2, floor, cap)`` with
``z = ln(K / F) / sqrt(tau)`` — the published equity-index shape: skew in log-moneyness
falling like ``1 / sqrt(tau)`` (Gatheral, *The Volatility Surface*, 2006, ch. 3; Bergomi,
*Stochastic Volatility Modeling*, 2016, ch. 8). Defaults give a 3-month 90% put ~1.35x the ATM
vol and a 1-month 90% put ~1.65x, the order of SPX quotes; ``long_run_vol=0.20`` and the ratio
of the index to realised vol (the variance risk premium) are what
:func:`tailkit.hedging.history.fit_vrp_ratio` estimates on the bundled VIX vs S&P data
(VIX / GJR-GARCH vol = 1.21 on 2014-2018; fitted on 2014-2016 it predicts 2017-2018 without
material bias: tests/hedging/test_vol_fit.py).

Limits, stated: ``atm_ratio``, ``skew`` and ``curvature`` are not fitted to option quotes (none
are bundled). The ``1 / sqrt(tau)`` skew is the power law with exponent 1/2; Guyon and El
Amrani ("Does the term-structure of equity at-the-money skew really follow a power law?",
SSRN 4174538, 2022) find SPX, Eurostoxx and DAX ATM skew power-law-like beyond one month but
*not* blowing up below it (extrapolated zero-maturity skew ~1.5): short-dated strikes here,
e.g. a 1-month put in its last weeks, carry more skew than quotes would.

VIX options
-----------
Black-76 on the VIX future of the option's expiry. The future is the model expectation of the
index at expiry, ``log V = m + u`` with ``u`` an OU deviation (``kappa``, ``vol_of_vol``) and a
target ``m`` that follows the equity's conditional variance; ``m`` is treated as an OU process
of its own (``m_inf``, ``kappa_m``, ``sigma_m``, fitted by AR(1) to the simulated target paths;
independent of ``u``) — exact for a constant target, an approximation for GJR-GARCH and
regimes that the tests check against a nested Monte Carlo. The option's total vol is
``sqrt(Var log V_T)`` of both parts; for a pure log-OU index Black-76 is then exact. Measured
against a nested GJR-GARCH simulation (tests/hedging): the future within 4%, but OTM VIX calls
20-50% too cheap — GARCH variance jumps give the index a fatter right tail than a lognormal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tailkit._typing import ArrayLike, FloatOrArray
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.hedging import _kernels as K
from tailkit.params import param, validate

__all__ = ["VolSurface", "VixModel", "FillCosts", "implied_vol", "vix_future", "vix_option_value"]


@dataclass(frozen=True, slots=True, kw_only=True)
class VolSurface:
    """Implied vol of equity-index options as a function of the vol index (module docstring)."""

    atm_ratio: float = param(0.9, gt=0.0, le=2.0, doc="30-day ATM implied vol / vol index")
    long_run_vol: float = param(0.20, gt=0.0, le=2.0, doc="long-run ATM vol of the term structure, decimal")
    term_speed: float = param(
        4.0, gt=0.0, le=100.0, doc="mean-reversion speed of the ATM term structure, per year"
    )
    skew: float = param(1.5, ge=0.0, le=10.0, doc="skew coefficient on z = ln(K/F)/sqrt(tau)")
    curvature: float = param(1.0, ge=0.0, le=20.0, doc="curvature coefficient on z^2")
    floor: float = param(0.5, gt=0.0, le=1.0, doc="lowest multiple of the ATM vol")
    cap: float = param(4.0, ge=1.0, le=20.0, doc="highest multiple of the ATM vol")

    def __post_init__(self) -> None:
        validate(self)

    def vector(self) -> np.ndarray:
        """The kernel's parameter vector (``_kernels.SURF_*`` order)."""
        return np.array(
            [
                self.atm_ratio,
                self.long_run_vol,
                self.term_speed,
                self.skew,
                self.curvature,
                self.floor,
                self.cap,
            ]
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class VixModel:
    """Dynamics of the log vol index used for the VIX future (module docstring).

    Parameters
    ----------
    kappa : float, default=25.0
        Mean-reversion speed of ``u``, per year.
    vol_of_vol : float, default=0.9
        Vol of ``u``, per sqrt(year).
    long_run_target : float, default=log(0.18)
        ``m_inf``: log of the index level the target decays to.
    target_speed : float, default=0.0
        ``kappa_m``, decay speed of the target toward ``m_inf`` per year (0: a constant target).
    target_vol : float, default=0.0
        ``sigma_m``, vol of the target treated as an OU process, per sqrt(year) (0: the target
        moves deterministically toward ``m_inf``).
    """

    kappa: float = param(25.0, gt=0.0, le=1000.0, doc="mean-reversion speed of the log deviation, per year")
    vol_of_vol: float = param(0.9, gt=0.0, le=10.0, doc="vol of the log deviation, per sqrt(year)")
    long_run_target: float = param(
        float(np.log(0.18)), ge=-10.0, le=3.0, doc="log index level the target decays to"
    )
    target_speed: float = param(0.0, ge=0.0, le=1000.0, doc="decay speed of the target, per year")
    target_vol: float = param(0.0, ge=0.0, le=10.0, doc="vol of the target, per sqrt(year)")

    def __post_init__(self) -> None:
        validate(self)

    def vector(self) -> np.ndarray:
        """The kernel's parameter vector (``_kernels.VIX_*`` order)."""
        return np.array(
            [self.kappa, self.vol_of_vol, self.long_run_target, self.target_speed, self.target_vol]
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FillCosts:
    """Half-spreads paid on every fill, as a fraction of the option's mid.

    Bought at ``mid (1 + h)``, sold at ``mid (1 - h)``; cash settlement at expiry is free. The
    defaults (3% for SPX options, 5% for VIX options) are assumptions of the order of quoted
    half-spreads on liquid listed index options, not measured values.
    """

    equity_half_spread: float = param(
        0.03, ge=0.0, lt=1.0, doc="half-spread of equity-index options, fraction of mid"
    )
    vix_half_spread: float = param(0.05, ge=0.0, lt=1.0, doc="half-spread of VIX options, fraction of mid")

    def __post_init__(self) -> None:
        validate(self)

    def vector(self) -> np.ndarray:
        """``[equity, vix]`` half-spreads."""
        return np.array([self.equity_half_spread, self.vix_half_spread])


def _positive(name: str, value: ArrayLike) -> np.ndarray:
    a = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        bad = a[~(np.isfinite(a) & (a > 0))].ravel()[0] if a.size else a
        raise ParameterError(describe_bad_value(name, float(bad), "finite values > 0"))
    return a


def implied_vol(
    surface: VolSurface,
    index_level: ArrayLike,
    moneyness: ArrayLike,
    tau: ArrayLike,
    *,
    rate: float = 0.0,
    dividend_yield: float = 0.0,
) -> FloatOrArray:
    """Implied vol of an equity-index option at strike / spot ``moneyness``, ``tau`` years left.

    Parameters
    ----------
    surface : VolSurface
    index_level, moneyness, tau : float or array_like (broadcast)
        Vol index (decimal), strike / spot and time to expiry in years, all > 0.
    rate, dividend_yield : float, default=0.0
        Carry for the forward.

    Returns
    -------
    float or ndarray
        Implied vols, decimals per sqrt(year).
    """
    v, m, t = np.broadcast_arrays(
        _positive("index_level", index_level), _positive("moneyness", moneyness), _positive("tau", tau)
    )
    surf = surface.vector()
    out = np.empty(v.shape)
    for i in np.ndindex(v.shape):
        k = float(np.log(m[i])) - (rate - dividend_yield) * float(t[i])
        out[i] = K.surface_vol(surf, float(v[i]), k, float(t[i]))
    return float(out) if out.ndim == 0 else out


def vix_future(
    model: VixModel, index_level: ArrayLike, tau: ArrayLike, *, target: ArrayLike | None = None
) -> FloatOrArray:
    """VIX future for ``tau`` years ahead: the model expectation of the index at expiry.

    Parameters
    ----------
    model : VixModel
    index_level : float or array_like
        Index today (decimal), > 0.
    tau : float or array_like
        Years to the future's expiry, >= 0.
    target : float or array_like, optional
        Today's log target ``m_t``; default ``model.long_run_target``.

    Returns
    -------
    float or ndarray
        Futures level (decimal).
    """
    li = np.log(_positive("index_level", index_level))
    t = np.asarray(tau, dtype=np.float64)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ParameterError(describe_bad_value("tau", float(np.ravel(t)[0]), "years >= 0"))
    m = np.asarray(model.long_run_target if target is None else target, dtype=np.float64)
    li, t, m = np.broadcast_arrays(li, t, m)
    vec = model.vector()
    out = np.empty(li.shape)
    for i in np.ndindex(li.shape):
        out[i] = K.vix_future(vec, float(li[i]), float(m[i]), float(t[i]))
    return float(out) if out.ndim == 0 else out


def vix_option_value(
    model: VixModel,
    kind: str,
    index_level: float,
    strike: float,
    tau: float,
    *,
    rate: float = 0.0,
    target: float | None = None,
) -> float:
    """Black-76 value of a VIX option on the model future, with the OU part's total vol.

    Parameters
    ----------
    model : VixModel
    kind : {"call", "put"}
    index_level, strike : float
        Index today and strike (decimals), > 0.
    tau : float
        Years to expiry, >= 0 (0: intrinsic on the index).
    rate : float, default=0.0
        Discount rate.
    target : float, optional
        Today's log target; default ``model.long_run_target``.

    Returns
    -------
    float
        Option value per unit of index (decimal).
    """
    if kind not in ("call", "put"):
        raise ParameterError(describe_bad_value("kind", kind, "'call' or 'put'"))
    _positive("index_level", index_level)
    _positive("strike", strike)
    if not np.isfinite(tau) or tau < 0:
        raise ParameterError(describe_bad_value("tau", tau, "years >= 0"))
    m = model.long_run_target if target is None else float(target)
    sign = 1.0 if kind == "call" else -1.0
    dummy = np.zeros(7)
    return float(
        K.leg_value(
            1,
            sign,
            float(strike),
            float(tau),
            1.0,
            float(np.log(index_level)),
            m,
            rate,
            0.0,
            dummy,
            model.vector(),
        )
    )
