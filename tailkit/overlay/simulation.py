"""Simulate the overlay: yields → TLT → the spread marked every day, and exit-rule grids on it.

Model (daily steps ``dt = 1/252``):

* 20y and 30y yields follow the calibrated bivariate Vasicek with its exact Gaussian
  transition (the same step as :func:`tailkit.simulation.simulate_vasicek`); the shocks are
  drawn once per study (:func:`draw_shocks`) so that every strategy and every exit rule sees
  the same paths (common random numbers).
* TLT: ``log S_t = alpha + beta ybar_t + gamma ybar_t^2 + u_t`` rescaled so that ``S_0`` is
  today's price; ``u`` is the regression residual, an AR(1) (``residual_ar1``,
  ``residual_innovation_vol``) started at today's residual. Without residual noise ``u``
  follows its conditional mean ``u_0 phi^t``.
* Each leg is marked with Black-Scholes-Merton (European) at
  ``iv = max(iv_leg + price_sensitivity * log(S_t / S_0), iv_floor)``; at expiry the spread
  settles at intrinsic. Fills and costs: :mod:`tailkit.overlay.fills`.

:func:`mark_paths` runs the fused parallel kernel (:mod:`tailkit.overlay.grid` evaluates
every combination of profit targets × loss multiples × DTE thresholds on it);
:func:`mark_spread_reference` is the readable numpy version used by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float2D, Float3D, Int64Array, SeedLike
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import _kernels as K
from tailkit.overlay.exits import ExitOutcome, ExitRules
from tailkit.overlay.fills import FillModel
from tailkit.overlay.model import DT, OverlayCalibration
from tailkit.overlay.spreads import CreditSpread, model_mid
from tailkit.params import param, validate
from tailkit.rng import make_generator
from tailkit.simulation import vasicek_innovation_cov

__all__ = [
    "SimulationSettings",
    "Shocks",
    "draw_shocks",
    "OverlayPaths",
    "simulate_overlay",
    "MarkedPaths",
    "mark_paths",
    "mark_spread_reference",
    "SpreadCrossings",
    "mark_spreads",
    "EntryTerms",
    "entry_terms",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationSettings:
    """How the overlay's Monte Carlo is run.

    Parameters
    ----------
    n_paths : int, default=10000
        Simulated paths.
    seed : int, default=42
        Seed of the shocks (same seed, same paths, for every strategy).
    risk_free_rate : float, default=0.05
        Continuously compounded rate used in Black-Scholes, decimal.
    dividend_yield : float, default=0.0
        Continuous dividend yield of TLT, decimal.
    residual_noise : bool, default=False
        Add the TLT regression's AR(1) residual noise to the price paths.
    assignment_time_value : float, default=0.05
        A short leg in the money with time value at or below this ($/share) counts as at
        risk of early assignment.
    """

    n_paths: int = param(10000, ge=2, le=10_000_000, doc="simulated paths")
    seed: int = param(42, ge=0, doc="seed of the shocks")
    risk_free_rate: float = param(0.05, ge=-0.1, le=1.0, doc="risk-free rate, decimal")
    dividend_yield: float = param(0.0, ge=0.0, le=1.0, doc="TLT dividend yield, decimal")
    residual_noise: bool = param(False, doc="add the regression residual's noise to TLT")
    assignment_time_value: float = param(0.05, ge=0.0, le=100.0, doc="early-assignment time value, $/share")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True)
class Shocks:
    """Standard normal shocks of a study.

    Attributes
    ----------
    z : ndarray of shape (n_paths, n_steps, 2)
        Yield shocks (20y, 30y), correlated by the kernel.
    eps : ndarray of shape (n_paths, n_steps) or (n_paths, 0)
        TLT residual shocks (no columns without residual noise).
    """

    z: Float3D
    eps: Float2D

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return int(self.z.shape[0])

    @property
    def n_steps(self) -> int:
        """Number of daily steps available."""
        return int(self.z.shape[1])


def draw_shocks(n_paths: int, n_steps: int, seed: SeedLike = 42, *, residual_noise: bool = False) -> Shocks:
    """Draw the shocks (yields first, then the residual's), PCG64 from ``seed``."""
    for name, v, lo in (("n_paths", n_paths, 2), ("n_steps", n_steps, 1)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < lo:
            raise ParameterError(describe_bad_value(name, v, f"an int >= {lo}"))
    gen = make_generator(seed)
    z = gen.standard_normal((n_paths, n_steps, 2))
    eps = gen.standard_normal((n_paths, n_steps)) if residual_noise else np.empty((n_paths, 0))
    return Shocks(z=z, eps=eps)


def _shocks_for(shocks: Shocks | None, settings: SimulationSettings, n_steps: int) -> Shocks:
    if shocks is None:
        return draw_shocks(settings.n_paths, n_steps, settings.seed, residual_noise=settings.residual_noise)
    if shocks.n_steps < n_steps:
        raise ParameterError(describe_bad_value("shocks", shocks.n_steps, f"at least {n_steps} steps"))
    if settings.residual_noise and shocks.eps.shape[1] < n_steps:
        raise ParameterError("shocks: residual_noise=True needs shocks drawn with residual_noise=True")
    if not settings.residual_noise and shocks.eps.shape[1] > 0:
        return Shocks(z=shocks.z, eps=np.empty((shocks.n_paths, 0)))
    return shocks


def _model_arrays(cal: OverlayCalibration, settings: SimulationSettings) -> dict[str, Any]:
    kappa = np.asarray(cal.vasicek.kappa, dtype=np.float64)
    reg = cal.regression
    return {
        "y0": np.array([cal.current.yield_20y, cal.current.yield_30y]),
        "theta": np.asarray(cal.vasicek.theta, dtype=np.float64),
        "decay": np.exp(-kappa * DT),
        "chol": np.linalg.cholesky(vasicek_innovation_cov(cal.vasicek, DT)),
        "reg": np.array([reg.alpha, reg.beta, reg.gamma]),
        "u0": cal.last_residual,
        "phi": reg.residual_ar1,
        "resid_sd": reg.residual_innovation_vol,
    }


@dataclass(frozen=True, slots=True)
class OverlayPaths:
    """Simulated yields and TLT prices.

    Attributes
    ----------
    yields : ndarray of shape (n_paths, n_steps + 1, 2)
        20y and 30y yields, decimals.
    tlt : ndarray of shape (n_paths, n_steps + 1)
        TLT prices, $.
    """

    yields: Float3D
    tlt: Float2D

    def to_frame(self, quantiles: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
        """Fan chart table: per day, quantiles of the 20y, 30y yields and TLT (long format)."""
        rows = []
        for name, arr in (
            ("yield_20y", self.yields[:, :, 0]),
            ("yield_30y", self.yields[:, :, 1]),
            ("tlt", self.tlt),
        ):
            qs = np.quantile(arr, quantiles, axis=0)
            for qi, q in enumerate(quantiles):
                rows.append(
                    pd.DataFrame(
                        {"day": np.arange(arr.shape[1]), "series": name, "quantile": q, "value": qs[qi]}
                    )
                )
        return pd.concat(rows, ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """Shape and terminal means."""
        return {
            "n_paths": int(self.tlt.shape[0]),
            "n_steps": int(self.tlt.shape[1] - 1),
            "mean_final_tlt": float(self.tlt[:, -1].mean()),
            "mean_final_yield_20y": float(self.yields[:, -1, 0].mean()),
            "mean_final_yield_30y": float(self.yields[:, -1, 1].mean()),
        }


def simulate_overlay(
    calibration: OverlayCalibration,
    n_steps: int,
    *,
    settings: SimulationSettings | None = None,
    shocks: Shocks | None = None,
) -> OverlayPaths:
    """Simulate 20y/30y yields and TLT prices for ``n_steps`` trading days.

    Examples
    --------
    >>> paths = simulate_overlay(cal, 45, settings=SimulationSettings(n_paths=1000))  # doctest: +SKIP
    >>> paths.tlt.shape  # doctest: +SKIP
    (1000, 46)
    """
    settings = settings or SimulationSettings()
    sh = _shocks_for(shocks, settings, n_steps)
    m = _model_arrays(calibration, settings)
    yields = np.empty((sh.n_paths, n_steps + 1, 2))
    tlt = np.empty((sh.n_paths, n_steps + 1))
    K.tlt_paths(sh.z, sh.eps, n_steps, m["y0"], m["theta"], m["decay"], m["chol"], m["reg"], m["u0"], m["phi"],
                m["resid_sd"], calibration.current.tlt_price, yields, tlt)  # fmt: skip
    return OverlayPaths(yields=yields, tlt=tlt)


# --------------------------------------------------------------------------- marking


@dataclass(frozen=True, slots=True)
class EntryTerms:
    """Entry prices and costs of one spread (per share)."""

    spot: float
    short_iv: float
    long_iv: float
    model_mid: float
    credit: float
    entry_cost: float
    exit_cost: float

    @property
    def max_profit(self) -> float:
        """Credit minus entry commissions."""
        return self.credit - self.entry_cost


def entry_terms(
    calibration: OverlayCalibration,
    spread: CreditSpread,
    settings: SimulationSettings,
    fills: FillModel,
    spot: float | None = None,
) -> EntryTerms:
    """Entry IVs, model mid, credit (given or model mid minus half-spreads) and costs."""
    s0 = float(calibration.current.tlt_price if spot is None else spot)
    vol = calibration.volatility
    ivs = spread.short_iv if spread.short_iv is not None else float(vol.leg_iv(spread.short_strike, s0))
    ivl = spread.long_iv if spread.long_iv is not None else float(vol.leg_iv(spread.long_strike, s0))
    mid = model_mid(spread, s0, ivs, ivl, settings.risk_free_rate, settings.dividend_yield)
    hs = fills.half_spread if spread.short_half_spread is None else spread.short_half_spread
    hl = fills.half_spread if spread.long_half_spread is None else spread.long_half_spread
    credit = spread.credit if spread.credit is not None else mid - hs - hl
    if not credit > 0.0:
        raise ParameterError(
            f"spread {spread.label}: credit {credit:.4f} <= 0 after costs (model mid {mid:.4f}, "
            f"half-spreads {hs:g} + {hl:g}); choose a closer short strike or a wider spread"
        )
    return EntryTerms(s0, ivs, ivl, mid, float(credit), fills.entry_cost, fills.exit_cost(hs, hl))


def _day_factors(n_steps: int, r: float, q: float) -> Float2D:
    T = (n_steps - np.arange(n_steps + 1)) * DT
    return np.ascontiguousarray(np.vstack([np.sqrt(T), (r - q) * T, np.exp(-r * T), np.exp(-q * T)]))


@dataclass(frozen=True, slots=True)
class MarkedPaths:
    """A spread marked on every path and day, with first-crossing days of its thresholds.

    Attributes
    ----------
    spread : CreditSpread
        The trade.
    terms : EntryTerms
        Entry prices and costs.
    values : ndarray of shape (n_paths, n_steps + 1)
        Spread marks per share (day ``n_steps``: intrinsic); NaN on days after every
        evaluated rule has closed the path (see :func:`mark_paths`).
    profit_targets, loss_multiples : tuple of float
        Distinct thresholds, in the column order of the crossing arrays.
    dte_thresholds : tuple of int
        DTE thresholds the marks support.
    first_profit : ndarray of shape (len(profit_targets), n_paths)
        First day the mark is at or below each profit level (``n_steps + 1`` = never).
    profit_value : ndarray of shape (len(profit_targets), n_paths)
        The mark on that day (NaN = never).
    first_loss : ndarray of shape (len(loss_multiples), n_paths)
        First day the mark is at or above each loss level.
    loss_value : ndarray of shape (len(loss_multiples), n_paths)
        The mark on that day.
    dte_value : ndarray of shape (len(dte_thresholds), n_paths)
        The mark on each DTE threshold's exit day (intrinsic at expiry for threshold 0).
    first_deep : ndarray of shape (n_paths,)
        First day the short leg is in the money with little time value.
    """

    spread: CreditSpread
    terms: EntryTerms
    values: Float2D
    profit_targets: tuple[float, ...]
    loss_multiples: tuple[float, ...]
    dte_thresholds: tuple[int, ...]
    first_profit: Int64Array
    profit_value: Float2D
    first_loss: Int64Array
    loss_value: Float2D
    dte_value: Float2D
    first_deep: Int64Array

    @property
    def n_steps(self) -> int:
        """Trading days to expiry."""
        return int(self.values.shape[1] - 1)

    @property
    def dte_days(self) -> Int64Array:
        """Exit day of each DTE threshold (``n_steps`` for 0 = hold to expiry)."""
        n = self.n_steps
        return np.array([n - d if d > 0 else n for d in self.dte_thresholds], dtype=np.int64)

    def crossing_arrays(self) -> tuple[Int64Array, Float2D, Int64Array, Float2D, Float2D]:
        """``(first_profit, profit_value, first_loss, loss_value, dte_value)`` for the kernels."""
        return self.first_profit, self.profit_value, self.first_loss, self.loss_value, self.dte_value

    def combo_index(self, rules: ExitRules) -> tuple[int, int, int]:
        """Row indices ``(profit level, loss level, DTE column)`` of ``rules`` in the crossing arrays."""
        rules.check_expiration(self.n_steps)
        try:
            ip = self.profit_targets.index(rules.profit_target_pct)
            il = self.loss_multiples.index(rules.loss_multiple)
            kd = self.dte_thresholds.index(rules.dte_threshold)
        except ValueError:
            raise ParameterError(
                describe_bad_value(
                    "rules", rules.to_dict(), "thresholds among those the paths were marked with"
                )
            ) from None
        return ip, il, kd

    def outcome(self, rules: ExitRules) -> ExitOutcome:
        """Per-path exits under ``rules`` (its thresholds must be among the marked ones)."""
        ip, il, kd = self.combo_index(rules)
        n = self.values.shape[0]
        pnl, days, reasons = np.empty(n), np.empty(n, np.int64), np.empty(n, np.int64)
        K.combo_exits(*self.crossing_arrays(), ip, il, kd, int(self.dte_days[kd]), self.n_steps,
                      self.terms.max_profit, self.terms.exit_cost, pnl, days, reasons)  # fmt: skip
        return ExitOutcome(pnl=pnl, exit_day=days, reason=reasons)

    def to_frame(self) -> pd.DataFrame:
        """Marks in long format: ``path``, ``day``, ``value``."""
        n, m = self.values.shape
        return pd.DataFrame(
            {
                "path": np.repeat(np.arange(n), m),
                "day": np.tile(np.arange(m), n),
                "value": self.values.ravel(),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Spread, entry terms and sizes."""
        return {
            "spread": self.spread.to_dict(),
            "credit": self.terms.credit,
            "model_mid": self.terms.model_mid,
            "n_paths": int(self.values.shape[0]),
            "n_steps": self.n_steps,
        }


def _levels(terms: EntryTerms, profit_targets: tuple[float, ...], loss_multiples: tuple[float, ...]) -> tuple:
    p = np.array([terms.max_profit * (1.0 - x) - terms.exit_cost for x in profit_targets], dtype=np.float64)
    lv = np.array([m * terms.credit for m in loss_multiples], dtype=np.float64)
    return p, lv


def _distinct(name: str, values: Any, lo: float, hi: float, *, integer: bool = False) -> tuple:
    try:
        seq = list(values)
    except TypeError:
        seq = [values]
    if not seq:
        raise ParameterError(describe_bad_value(name, values, "at least one value"))
    out: list = []
    for v in seq:
        ok = isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        if not ok or not lo <= float(v) <= hi or (integer and float(v) != int(v)):
            kind = "ints" if integer else "numbers"
            raise ParameterError(describe_bad_value(name, values, f"{kind} in [{lo}, {hi}]"))
        v = int(v) if integer else float(v)
        if v not in out:
            out.append(v)
    return tuple(out)


def mark_paths(
    calibration: OverlayCalibration,
    spread: CreditSpread,
    *,
    profit_targets: Any = (0.5,),
    loss_multiples: Any = (2.0,),
    dte_thresholds: Any = (0,),
    settings: SimulationSettings | None = None,
    fills: FillModel | None = None,
    shocks: Shocks | None = None,
    spot: float | None = None,
) -> MarkedPaths:
    """Simulate and mark ``spread`` on every path and day in one parallel kernel.

    Parameters
    ----------
    calibration : OverlayCalibration
        The model.
    spread : CreditSpread
        The trade.
    profit_targets : sequence of float, default=(0.5,)
        Profit targets whose first crossings are recorded.
    loss_multiples : sequence of float, default=(2.0,)
        Loss multiples whose first crossings are recorded.
    dte_thresholds : sequence of int, default=(0,)
        DTE thresholds that will be evaluated (0 = hold to expiry); marking stops after the
        last day any of them can still be open, and as soon as every profit level or every
        loss level has been crossed on a path (its later marks are NaN).
    settings : SimulationSettings, optional
        Paths, seed, rates.
    fills : FillModel, optional
        Costs.
    shocks : Shocks, optional
        Pre-drawn shocks (common random numbers across spreads); default drawn from settings.
    spot : float, optional
        TLT price at entry (default the calibration's current price; a chain's underlying).

    Returns
    -------
    MarkedPaths
    """
    settings = settings or SimulationSettings()
    fills = fills or FillModel()
    pts = _distinct("profit_targets", profit_targets, 1e-9, 1.0)
    lms = _distinct("loss_multiples", loss_multiples, 1.0, 100.0)
    n_steps = spread.expiration_days
    dtes = _distinct("dte_thresholds", dte_thresholds, 0, n_steps - 1, integer=True)
    last_day = max(n_steps - d if d > 0 else n_steps for d in dtes)
    sh = _shocks_for(shocks, settings, n_steps)
    terms = entry_terms(calibration, spread, settings, fills, spot)
    m = _model_arrays(calibration, settings)
    vol = calibration.volatility
    legs = np.array([spread.sign, spread.short_strike, spread.long_strike, terms.short_iv, terms.long_iv,
                     vol.price_sensitivity, vol.iv_floor])  # fmt: skip
    day = _day_factors(n_steps, settings.risk_free_rate, settings.dividend_yield)
    p_lv, l_lv = _levels(terms, pts, lms)
    dte_days = np.array([n_steps - d if d > 0 else n_steps for d in dtes], dtype=np.int64)
    n = sh.n_paths
    values = np.empty((n, n_steps + 1))
    fp = np.empty((len(pts), n), dtype=np.int64)
    vp = np.empty((len(pts), n))
    fl = np.empty((len(lms), n), dtype=np.int64)
    vl = np.empty((len(lms), n))
    vd = np.empty((len(dtes), n))
    fd = np.empty(n, dtype=np.int64)
    K.mark_spread_paths(sh.z, sh.eps, n_steps, m["y0"], m["theta"], m["decay"], m["chol"], m["reg"], m["u0"],
                        m["phi"], m["resid_sd"], terms.spot, legs, day, p_lv, l_lv, dte_days,
                        settings.assignment_time_value, last_day, values, fp, vp, fl, vl, vd, fd)  # fmt: skip
    return MarkedPaths(spread, terms, values, pts, lms, dtes, fp, vp, fl, vl, vd, fd)


@dataclass(frozen=True, slots=True)
class SpreadCrossings:
    """First crossings of many spreads of one expiry under one set of exit rules (screening).

    Every array has shape ``(n_spreads, n_paths)``; row ``s`` holds what :class:`MarkedPaths`
    holds for spread ``s`` marked with the rules' single profit target, loss multiple and DTE
    threshold (the marks themselves are not kept).
    """

    n_steps: int
    dte_day: int
    first_profit: Int64Array
    profit_value: Float2D
    first_loss: Int64Array
    loss_value: Float2D
    dte_value: Float2D
    first_deep: Int64Array

    def crossing_arrays(self) -> tuple[Int64Array, Float2D, Int64Array, Float2D, Float2D]:
        """``(first_profit, profit_value, first_loss, loss_value, dte_value)`` for the kernels."""
        return self.first_profit, self.profit_value, self.first_loss, self.loss_value, self.dte_value


def mark_spreads(
    calibration: OverlayCalibration,
    spreads: list[tuple[CreditSpread, EntryTerms]],
    rules: ExitRules,
    *,
    settings: SimulationSettings,
    shocks: Shocks | None = None,
) -> SpreadCrossings:
    """Simulate once and find, for every spread of one expiry and entry spot, its exit crossings.

    Each distinct leg is priced once per path and day while a spread using it is open
    (:func:`tailkit.overlay._kernels.mark_spreads`); the crossings equal those of
    :func:`mark_paths` spread by spread.
    """
    n_steps = spreads[0][0].expiration_days
    spot = spreads[0][1].spot
    if any(sp.expiration_days != n_steps or t.spot != spot for sp, t in spreads):
        raise ParameterError("mark_spreads: every spread must share the expiration and the entry spot")
    rules.check_expiration(n_steps)
    sh = _shocks_for(shocks, settings, n_steps)
    m = _model_arrays(calibration, settings)
    vol = calibration.volatility
    legs: dict[tuple[float, float, float], int] = {}
    short_leg = np.empty(len(spreads), dtype=np.int64)
    long_leg = np.empty(len(spreads), dtype=np.int64)
    p_lv = np.empty(len(spreads))
    l_lv = np.empty(len(spreads))
    for i, (sp, t) in enumerate(spreads):
        short_leg[i] = legs.setdefault((float(sp.sign), float(sp.short_strike), t.short_iv), len(legs))
        long_leg[i] = legs.setdefault((float(sp.sign), float(sp.long_strike), t.long_iv), len(legs))
        p, lv = _levels(t, (rules.profit_target_pct,), (rules.loss_multiple,))
        p_lv[i], l_lv[i] = p[0], lv[0]
    leg_table = np.array(list(legs), dtype=np.float64).reshape(-1, 3)
    dte_day = n_steps - rules.dte_threshold if rules.dte_threshold > 0 else n_steps
    day = _day_factors(n_steps, settings.risk_free_rate, settings.dividend_yield)
    shape = (len(spreads), sh.n_paths)
    fp, vp = np.empty(shape, dtype=np.int64), np.empty(shape)
    fl, vl = np.empty(shape, dtype=np.int64), np.empty(shape)
    vd, fd = np.empty(shape), np.empty(shape, dtype=np.int64)
    K.mark_spreads(sh.z, sh.eps, n_steps, m["y0"], m["theta"], m["decay"], m["chol"], m["reg"], m["u0"], m["phi"],
                   m["resid_sd"], spot, day, np.ascontiguousarray(leg_table[:, 0]),
                   np.ascontiguousarray(leg_table[:, 1]), np.ascontiguousarray(leg_table[:, 2]),
                   vol.price_sensitivity, vol.iv_floor, short_leg, long_leg, p_lv, l_lv,
                   np.full(len(spreads), dte_day, dtype=np.int64), settings.assignment_time_value,
                   fp, vp, fl, vl, vd, fd)  # fmt: skip
    return SpreadCrossings(n_steps, dte_day, fp, vp, fl, vl, vd, fd)


def mark_spread_reference(
    calibration: OverlayCalibration,
    spread: CreditSpread,
    *,
    settings: SimulationSettings | None = None,
    fills: FillModel | None = None,
    shocks: Shocks | None = None,
    spot: float | None = None,
) -> tuple[EntryTerms, Float2D, Int64Array]:
    """Readable numpy version of the marking: ``(terms, values, first_deep)`` (tests, benchmarks).

    Prices with :func:`tailkit.pricing.bs_price` day by day over all paths.
    """
    from tailkit.pricing import bs_price

    settings = settings or SimulationSettings()
    fills = fills or FillModel()
    n_steps = spread.expiration_days
    sh = _shocks_for(shocks, settings, n_steps)
    terms = entry_terms(calibration, spread, settings, fills, spot)
    m = _model_arrays(calibration, settings)
    vol = calibration.volatility
    n = sh.n_paths
    theta, decay, chol, reg = m["theta"], m["decay"], m["chol"], m["reg"]
    ybar0 = 0.5 * (m["y0"][0] + m["y0"][1])
    fit0 = reg[0] + reg[1] * ybar0 + reg[2] * ybar0 * ybar0 + m["u0"]
    ya = np.full(n, m["y0"][0])
    yb = np.full(n, m["y0"][1])
    u = np.full(n, m["u0"])
    rel = np.zeros(n)
    values = np.empty((n, n_steps + 1))
    deep = np.full(n, n_steps + 1, dtype=np.int64)
    kind = spread.kind
    r, q = settings.risk_free_rate, settings.dividend_yield
    for t in range(n_steps + 1):
        if t > 0:
            za, zb = sh.z[:, t - 1, 0], sh.z[:, t - 1, 1]
            ya = theta[0] + (ya - theta[0]) * decay[0] + chol[0, 0] * za
            yb = theta[1] + (yb - theta[1]) * decay[1] + (chol[1, 0] * za + chol[1, 1] * zb)
            u = m["phi"] * u + m["resid_sd"] * sh.eps[:, t - 1] if sh.eps.shape[1] else m["phi"] * u
            ybar = 0.5 * (ya + yb)
            rel = reg[0] + reg[1] * ybar + reg[2] * ybar * ybar + u - fit0
        S = terms.spot * np.exp(rel)
        T = (n_steps - t) * DT
        ivs = np.maximum(terms.short_iv + vol.price_sensitivity * rel, vol.iv_floor)
        ivl = np.maximum(terms.long_iv + vol.price_sensitivity * rel, vol.iv_floor)
        ps = np.asarray(bs_price(kind, S, spread.short_strike, T, r, ivs, q))
        pl = np.asarray(bs_price(kind, S, spread.long_strike, T, r, ivl, q))
        values[:, t] = ps - pl
        if 0 < t < n_steps:
            intrinsic = spread.sign * (S - spread.short_strike)
            hit = (intrinsic > 0) & (ps - intrinsic <= settings.assignment_time_value) & (deep > n_steps)
            deep[hit] = t
    return terms, values, deep
