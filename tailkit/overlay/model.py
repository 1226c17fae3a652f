"""The overlay's calibrated model and its JSON file.

:class:`OverlayCalibration` holds the bivariate Vasicek yields (20y, 30y), the TLT regression,
the volatility model and today's values. :func:`write_calibration` writes it as JSON (atomic)
with the required keys ``vasicek_params{kappa_20, theta_20, sigma_20, kappa_30, theta_30,
sigma_30, rho}``, ``regression_params{alpha, beta, gamma, r_squared}``,
``volatility_params{base_iv, price_sensitivity}``, ``current_values{yield_20y, yield_30y,
tlt_price, date}`` plus standard errors, the sample and warnings; :func:`read_calibration`
also reads files holding only the required keys (the residual's AR(1) then defaults to 1:
today's residual is held; the skew to 0; the IV floor to 1%).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.calibration.diagnostics import ParameterTable
from tailkit.errors import DataError, ParameterError
from tailkit.overlay.mean_reversion import MeanReversionFit
from tailkit.params import json_safe, write_json
from tailkit.simulation import VasicekParams

__all__ = [
    "DT",
    "OverlayFitWarning",
    "TLTRegression",
    "VolModel",
    "CurrentValues",
    "OverlayCalibration",
    "REQUIRED_KEYS",
    "read_calibration",
    "write_calibration",
    "write_json",
]

#: the model's time step: one trading day, in years
DT = 1.0 / 252.0

#: required top-level keys of the calibration JSON and their required members
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "vasicek_params": ("kappa_20", "theta_20", "sigma_20", "kappa_30", "theta_30", "sigma_30", "rho"),
    "regression_params": ("alpha", "beta", "gamma", "r_squared"),
    "volatility_params": ("base_iv", "price_sensitivity"),
    "current_values": ("yield_20y", "yield_30y", "tlt_price", "date"),
}


class OverlayFitWarning(UserWarning):
    """The overlay calibration fitted, but a diagnostic says the fit is doubtful."""


@dataclass(frozen=True, slots=True)
class TLTRegression:
    """``log(TLT) = alpha + beta * ybar + gamma * ybar**2`` (``ybar`` = mean 20y/30y yield, decimal).

    Attributes
    ----------
    alpha, beta, gamma : float
        Coefficients (``beta`` per unit of yield, e.g. -17 means -17% per 100 bp at first order).
    r_squared : float
        Coefficient of determination of the fit.
    residual_vol : float
        Standard deviation of the residual of log(TLT) (a level, not a daily return).
    residual_ar1 : float
        Day-to-day AR(1) coefficient of the residual (persistence, 0 <= phi <= 1; 1 when
        unknown: today's residual is held).
    residual_innovation_vol : float
        Daily innovation standard deviation of that AR(1) (log points per day).
    std_errors : tuple of float
        OLS standard errors of ``(alpha, beta, gamma)``.
    n_obs : int
        Days used.
    """

    alpha: float
    beta: float
    gamma: float
    r_squared: float
    residual_vol: float = 0.0
    residual_ar1: float = 1.0
    residual_innovation_vol: float = 0.0
    std_errors: tuple[float, float, float] = (float("nan"),) * 3
    n_obs: int = 0

    def log_price(self, ybar: Any) -> Any:
        """Fitted log(TLT) at mean yield(s) ``ybar`` (decimal)."""
        y = np.asarray(ybar, dtype=np.float64)
        return self.alpha + self.beta * y + self.gamma * y * y

    def duration(self, ybar: float) -> float:
        """Modified duration implied by the fit, ``-(beta + 2 gamma ybar)`` (years)."""
        return -(self.beta + 2.0 * self.gamma * float(ybar))

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (the required ``regression_params`` keys and extras)."""
        return {
            "alpha": self.alpha,
            "beta": self.beta,
            "gamma": self.gamma,
            "r_squared": self.r_squared,
            "residual_vol": self.residual_vol,
            "residual_ar1": self.residual_ar1,
            "residual_innovation_vol": self.residual_innovation_vol,
            "std_errors": {
                "alpha": self.std_errors[0],
                "beta": self.std_errors[1],
                "gamma": self.std_errors[2],
            },
            "n_obs": self.n_obs,
        }


@dataclass(frozen=True, slots=True)
class VolModel:
    """Implied vol of a leg as TLT moves (see the module docstring).

    Attributes
    ----------
    base_iv : float
        At-the-money IV today, decimal per sqrt(year).
    price_sensitivity : float
        ``d iv / d log(S)``: IV change per unit log move of TLT (decimal).
    skew_slope : float
        ``d iv / d log(K / S_0)`` across strikes today (0 without a chain).
    iv_floor : float
        Lowest IV used when marking.
    source : {"realized", "chain", "file"}
        Where the numbers came from.
    price_sensitivity_se : float
        Standard error of ``price_sensitivity`` (NaN when not estimated).
    """

    base_iv: float
    price_sensitivity: float
    skew_slope: float = 0.0
    iv_floor: float = 0.01
    source: str = "realized"
    price_sensitivity_se: float = float("nan")

    def leg_iv(self, strike: Any, spot0: float) -> Any:
        """Model IV of strike(s) today: ``base_iv + skew_slope * log(K / S_0)``, floored."""
        k = np.log(np.asarray(strike, dtype=np.float64) / spot0)
        return np.maximum(self.base_iv + self.skew_slope * k, self.iv_floor)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (the required ``volatility_params`` keys and extras)."""
        return {
            "base_iv": self.base_iv,
            "price_sensitivity": self.price_sensitivity,
            "skew_slope": self.skew_slope,
            "iv_floor": self.iv_floor,
            "source": self.source,
            "price_sensitivity_se": self.price_sensitivity_se,
        }


@dataclass(frozen=True, slots=True)
class CurrentValues:
    """Last observation of the sample: the simulation's starting point."""

    yield_20y: float
    yield_30y: float
    tlt_price: float
    date: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "yield_20y": self.yield_20y,
            "yield_30y": self.yield_30y,
            "tlt_price": self.tlt_price,
            "date": self.date,
        }


@dataclass(frozen=True, slots=True)
class OverlayCalibration:
    """Everything the overlay's simulation needs, with the fit's standard errors.

    Attributes
    ----------
    vasicek : VasicekParams
        Two tenors (20y, 30y): kappa, theta, sigma and their shock correlation.
    vasicek_table : ParameterTable
        Estimates and standard errors, labels ``kappa_20 ... sigma_30, rho``.
    regression : TLTRegression
        TLT on yields.
    volatility : VolModel
        IV model for marks.
    current : CurrentValues
        Starting yields, TLT price and date.
    sample : dict
        ``start``, ``end``, ``exclude_covid``, ``covid_window``, ``n_obs``, ``n_pairs``.
    warnings : tuple of str
        Diagnostics worth reading (low R², weak or no detectable mean reversion).
    mean_reversion : tuple of MeanReversionFit
        Per tenor (20y, 30y): the MLE and Kendall bias-corrected AR(1) and kappa estimates,
        which one the model uses, and whether the tenor is a random walk (kappa = 0). Empty
        for a file written without it.
    """

    vasicek: VasicekParams
    vasicek_table: ParameterTable
    regression: TLTRegression
    volatility: VolModel
    current: CurrentValues
    sample: dict[str, Any]
    warnings: tuple[str, ...] = ()
    mean_reversion: tuple[MeanReversionFit, ...] = ()

    @property
    def last_residual(self) -> float:
        """Residual of the TLT regression today: ``log(tlt_price) - fitted log price``."""
        ybar = 0.5 * (self.current.yield_20y + self.current.yield_30y)
        return float(math.log(self.current.tlt_price) - self.regression.log_price(ybar))

    def vasicek_dict(self) -> dict[str, float]:
        """The required ``vasicek_params`` mapping."""
        k, t, s = self.vasicek.kappa, self.vasicek.theta, self.vasicek.sigma
        return {
            "kappa_20": k[0],
            "theta_20": t[0],
            "sigma_20": s[0],
            "kappa_30": k[1],
            "theta_30": t[1],
            "sigma_30": s[1],
            "rho": float(self.vasicek.correlation[0][1]),
        }

    def to_dict(self) -> dict[str, Any]:
        """The calibration JSON document (required keys first)."""
        return {
            "vasicek_params": self.vasicek_dict(),
            "regression_params": self.regression.to_dict(),
            "volatility_params": self.volatility.to_dict(),
            "current_values": self.current.to_dict(),
            "vasicek_std_errors": {
                str(k): json_safe(float(v))
                for k, v in zip(self.vasicek_table.names, self.vasicek_table.std_errors)
            },
            "sample": dict(self.sample),
            "warnings": list(self.warnings),
            "mean_reversion": {f.tenor: f.to_dict() for f in self.mean_reversion},
            "units": "yields, vols and rates in decimals; kappa per year; dt = 1/252 (trading days)",
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: ``group``, ``parameter``, ``estimate``, ``std_error``."""
        rows = [
            ("vasicek", str(n), float(e), float(s))
            for n, e, s in zip(
                self.vasicek_table.names, self.vasicek_table.estimates, self.vasicek_table.std_errors
            )
        ]
        reg = self.regression
        for name, est, se in zip(
            ("alpha", "beta", "gamma"), (reg.alpha, reg.beta, reg.gamma), reg.std_errors
        ):
            rows.append(("regression", name, est, se))
        rows.append(("regression", "r_squared", reg.r_squared, float("nan")))
        rows.append(("regression", "residual_vol", reg.residual_vol, float("nan")))
        vol = self.volatility
        rows.append(("volatility", "base_iv", vol.base_iv, float("nan")))
        rows.append(("volatility", "price_sensitivity", vol.price_sensitivity, vol.price_sensitivity_se))
        rows.append(("volatility", "skew_slope", vol.skew_slope, float("nan")))
        return pd.DataFrame(rows, columns=["group", "parameter", "estimate", "std_error"])

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "calibration") -> OverlayCalibration:
        """Build from the JSON document; only :data:`REQUIRED_KEYS` are required."""
        if not isinstance(data, dict):
            raise DataError(f"{source}: expected a JSON object at the top level")
        missing = [
            f"{group}.{key}" if group in data else group
            for group, keys in REQUIRED_KEYS.items()
            for key in (keys if group in data else ("",))
            if group not in data or not isinstance(data[group], dict) or key not in data[group]
        ]
        if missing:
            raise DataError(f"{source}: missing required key(s) {', '.join(sorted(set(missing)))}")
        vp, rp, op, cv = (data[g] for g in REQUIRED_KEYS)
        try:
            num = {f"vasicek_params.{k}": float(vp[k]) for k in REQUIRED_KEYS["vasicek_params"]}
            num |= {f"regression_params.{k}": float(rp[k]) for k in REQUIRED_KEYS["regression_params"]}
            num |= {f"volatility_params.{k}": float(op[k]) for k in REQUIRED_KEYS["volatility_params"]}
            num |= {f"current_values.{k}": float(cv[k]) for k in ("yield_20y", "yield_30y", "tlt_price")}
        except (TypeError, ValueError) as exc:
            raise DataError(f"{source}: a required value is not a number ({exc})") from None
        bad = [k for k, v in num.items() if not math.isfinite(v)]
        if bad:
            raise DataError(f"{source}: non-finite value(s) in {', '.join(bad)}")
        if num["current_values.tlt_price"] <= 0 or num["volatility_params.base_iv"] <= 0:
            raise DataError(f"{source}: current_values.tlt_price and volatility_params.base_iv must be > 0")
        try:
            rho = vp["rho"]
            params = VasicekParams(
                kappa=(vp["kappa_20"], vp["kappa_30"]),
                theta=(vp["theta_20"], vp["theta_30"]),
                sigma=(vp["sigma_20"], vp["sigma_30"]),
                correlation=((1.0, rho), (rho, 1.0)),
            )
        except ParameterError as exc:
            raise DataError(f"{source}: vasicek_params: {exc}") from None
        se = data.get("vasicek_std_errors", {})
        names = REQUIRED_KEYS["vasicek_params"]
        table = ParameterTable(
            tuple(names),
            np.array([float(vp[k]) for k in names]),
            np.array([_num(se.get(k)) for k in names]),
        )
        rse = rp.get("std_errors", {}) if isinstance(rp.get("std_errors"), dict) else {}
        reg = TLTRegression(
            alpha=float(rp["alpha"]),
            beta=float(rp["beta"]),
            gamma=float(rp["gamma"]),
            r_squared=float(rp["r_squared"]),
            residual_vol=_num(rp.get("residual_vol"), 0.0),
            residual_ar1=_num(rp.get("residual_ar1"), 1.0),
            residual_innovation_vol=_num(rp.get("residual_innovation_vol"), 0.0),
            std_errors=(_num(rse.get("alpha")), _num(rse.get("beta")), _num(rse.get("gamma"))),
            n_obs=int(_num(rp.get("n_obs"), 0.0)),
        )
        vol = VolModel(
            base_iv=float(op["base_iv"]),
            price_sensitivity=float(op["price_sensitivity"]),
            skew_slope=_num(op.get("skew_slope"), 0.0),
            iv_floor=_num(op.get("iv_floor"), 0.01),
            source=str(op.get("source", "file")),
            price_sensitivity_se=_num(op.get("price_sensitivity_se")),
        )
        current = CurrentValues(
            yield_20y=float(cv["yield_20y"]),
            yield_30y=float(cv["yield_30y"]),
            tlt_price=float(cv["tlt_price"]),
            date=str(cv["date"]),
        )
        sample = data.get("sample", {})
        return cls(
            vasicek=params,
            vasicek_table=table,
            regression=reg,
            volatility=vol,
            current=current,
            sample=dict(sample) if isinstance(sample, dict) else {},
            warnings=tuple(str(w) for w in data.get("warnings", []) or ()),
            mean_reversion=tuple(
                MeanReversionFit.from_dict(str(tenor), rec)
                for tenor, rec in (data.get("mean_reversion") or {}).items()
                if isinstance(rec, dict)
            )
            if isinstance(data.get("mean_reversion"), dict)
            else (),
        )


def _num(value: Any, default: float = float("nan")) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def write_calibration(calibration: OverlayCalibration, path: str | os.PathLike[str]) -> None:
    """Write the calibration JSON atomically (temp file, then rename)."""
    write_json(path, calibration.to_dict())


def read_calibration(path: str | os.PathLike[str]) -> OverlayCalibration:
    """Read a calibration JSON written by :func:`write_calibration` (or any file with the required keys).

    Raises
    ------
    DataError
        Unreadable file, invalid JSON, or missing/non-numeric required keys (named).
    """
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as exc:
        raise DataError(f"{path}: cannot read calibration file ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return OverlayCalibration.from_dict(data, source=str(path))
