"""Notebook ``09_exit_optimization``: the best exit rules under POP and CVaR limits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import (
    CreditSpread,
    ExitGrid,
    ExitOptimization,
    FillModel,
    OverlayCalibration,
    optimize_exits,
    spread_from_delta,
)
from tailkit.overlay.evaluate import trading_days
from tailkit.overlay.model import write_json
from tailkit.overlay.optimize import RANKING_METRICS
from tailkit.params import param, validate
from tailkit.studies import overlay_fields as F
from tailkit.studies.overlay_inputs import (
    SYNTHETIC,
    data_label,
    load_calibration_input,
    simulation_settings,
)

__all__ = [
    "ExitOptimizationParams",
    "ExitOptimizationStudy",
    "exit_optimization_study",
    "SPREAD_TYPES",
    "expiry_date",
    "optimization_document",
]

#: ``spread_type`` values: tailkit's and the original tool's names
SPREAD_TYPES: tuple[str, ...] = ("put", "call", "bull_put", "bear_call")
_KINDS = {"bull_put": "put", "bear_call": "call"}


def _rules_label(frame: pd.DataFrame) -> pd.Series:
    return (
        (100 * frame["profit_target_pct"]).round().astype(int).astype(str)
        + "% / "
        + frame["loss_multiple"].map(lambda m: f"{m:g}")
        + "x / "
        + frame["dte_threshold"].astype(int).astype(str)
        + "d"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ExitOptimizationParams:
    """Parameters of notebook ``09_exit_optimization`` and of ``tailkit optimize-exits`` (its options).

    The spread is built from the short-leg ``delta`` and ``width`` at model IV, ``expiration_days``
    calendar days from the calibration's last day (simulated as ``round(days x 252/365)``
    trading days; the DTE thresholds likewise: two thresholds one calendar day apart may round to
    the same trading day and then give the same statistics). ``spread_type`` accepts ``put``/``call`` and the
    original tool's ``bull_put``/``bear_call`` (stored as ``put``/``call``). With
    ``risk_budget=0`` (the default) there is no CVaR constraint, as in the original tool.
    """

    calibration_file: str = F.calibration_file(SYNTHETIC)
    spread_type: str = param("put", choices=SPREAD_TYPES, doc="'put' (bull put) or 'call' (bear call) spread")
    delta: float = param(0.20, gt=0.0, lt=1.0, doc="absolute delta of the short leg")
    width: float = param(3.0, gt=0.0, le=100.0, doc="strike width, $")
    expiration_days: int = F.expiration_days()
    profit_targets: tuple[float, ...] = param(
        (0.30, 0.40, 0.50, 0.60, 0.70), gt=0.0, le=1.0, doc="profit targets, fractions of the maximum profit"
    )
    loss_multiples: tuple[float, ...] = param(
        (1.5, 2.0, 2.5, 3.0), ge=1.0, le=100.0, doc="loss multiples of the credit"
    )
    dte_thresholds: tuple[int, ...] = param(
        (3, 5, 7, 10, 14), ge=0, le=730, doc=f"DTE thresholds, {F.CALENDAR_DAYS} to expiry"
    )
    min_pop: float = F.min_pop()
    risk_budget: float = F.risk_budget()
    allocation: float = param(
        0.05, gt=0.0, le=1.0, doc="fraction of NAV at maximum loss (position size behind the risk budget)"
    )
    ranking_metric: str = param("expected_return", choices=RANKING_METRICS, doc="statistic maximized")
    heatmap_metric: str = param(
        "expected_pnl",
        choices=("expected_pnl", "pop", "cvar_95", "risk_adjusted_return", "avg_days_held"),
        doc="statistic drawn by the panel's heatmap",
    )
    n_paths: int = F.n_paths()
    seed: int = F.seed()
    risk_free_rate: float = F.risk_free_rate()
    dividend_yield: float = F.dividend_yield()
    residual_noise: bool = F.residual_noise()
    half_spread: float = F.half_spread()
    commission: float = F.commission()
    top: int = F.top()
    output_file: str = param("", doc="write optimal_params.json here ('' = print only)")

    def __post_init__(self) -> None:
        object.__setattr__(self, "spread_type", _KINDS.get(self.spread_type, self.spread_type))
        validate(self)
        for name in ("profit_targets", "loss_multiples", "dte_thresholds"):
            if not getattr(self, name):
                raise ParameterError(describe_bad_value(name, getattr(self, name), "at least one value"))
        days = trading_days(self.expiration_days)
        for d in self.dte_thresholds:
            if d >= self.expiration_days or trading_days(d) >= days:
                raise ParameterError(
                    describe_bad_value(
                        "dte_thresholds",
                        self.dte_thresholds,
                        f"values < expiration_days={self.expiration_days} that leave at least one trading "
                        f"day of holding ({d} days is {trading_days(d)} of {days} trading days)",
                    )
                )


@dataclass(frozen=True, slots=True)
class ExitOptimizationStudy:
    """Everything notebook 09 shows, computed from one :class:`ExitOptimizationParams`.

    Attributes
    ----------
    params : ExitOptimizationParams
        The inputs.
    label : str
        Data label for titles.
    calibration : OverlayCalibration
        The model.
    spread : CreditSpread
        The spread (from the delta and width).
    optimization : ExitOptimization
        :func:`tailkit.overlay.optimize_exits` result.
    grid : DataFrame
        Every combination ranked (``ExitOptimization.to_frame()``) plus ``rules`` (label),
        ``feasible`` and ``status`` (which constraint fails); ``dte_threshold`` in calendar days
        (``dte_threshold_trading``: as simulated).
    expiry : str
        Expiry date (ISO): the calibration's last day + ``expiration_days`` calendar days.
    document : dict
        The ``optimal_params.json`` document (:func:`optimization_document`).
    """

    params: ExitOptimizationParams
    label: str
    calibration: OverlayCalibration
    spread: CreditSpread
    optimization: ExitOptimization
    grid: pd.DataFrame
    expiry: str
    document: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers (the notebook's summary line), with Monte Carlo standard errors."""
        opt = self.optimization
        doc = self.document
        out: dict[str, Any] = {
            "data": self.label,
            "spread": self.spread.label,
            "initial_credit": round(doc["initial_credit"], 4),
            "n_evaluated": doc["n_evaluated"],
            "n_passing": doc["n_passing"],
            "cvar_limit": round(opt.budget.cvar_limit, 4),
            "n_paths": doc["n_paths"],
        }
        if doc["best_params"] is not None:
            r = doc["best_result"]
            out |= {k: doc["best_params"][k] for k in ("profit_target_pct", "loss_multiple", "dte_threshold")}
            out["expected_return"] = round(r["expected_return"], 4)
            out["expected_return_se"] = round(r["se_expected_return"], 4)
            out["pop"] = round(r["pop"], 4)
            out["pop_se"] = round(r["se_pop"], 4)
            out["cvar_95"] = round(r["cvar_95"], 4)
            out["n_indistinguishable_from_best"] = doc["n_indistinguishable_from_best"]
        else:
            out["binding_constraint"] = doc["binding_constraint"]
        return out


def _grid_status(frame: pd.DataFrame) -> np.ndarray:
    pop_ok = frame["passes_min_pop"].to_numpy()
    cvar_ok = frame["passes_cvar"].to_numpy()
    return np.select(
        [pop_ok & cvar_ok, ~pop_ok & cvar_ok, pop_ok & ~cvar_ok],
        ["passes", "POP too low", "CVaR beyond limit"],
        default="both fail",
    )


def expiry_date(calibration: OverlayCalibration, expiration_days: int) -> str:
    """Expiry date of a spread opened on the calibration's last day: that day + ``expiration_days``.

    ``expiration_days`` are calendar days, the book's day count: ``tailkit book add --expiry``
    with this date and ``tailkit book mark --as-of`` the calibration's day show the same DTE.
    """
    return (
        dt.date.fromisoformat(str(calibration.current.date)[:10]) + dt.timedelta(days=expiration_days)
    ).isoformat()


def optimization_document(
    opt: ExitOptimization, params: ExitOptimizationParams, expiry: str
) -> dict[str, Any]:
    """The ``optimal_params.json`` document in the command line's day count (calendar days).

    :meth:`ExitOptimization.to_dict` counts trading days (the simulation's); this maps the spread's
    days and the best DTE threshold back to the calendar days the user gave.
    """
    doc = opt.to_dict()
    doc["spread"] = {
        **doc["spread"],
        "expiration_days": params.expiration_days,
        "expiry": expiry,
        "trading_days": doc["spread"]["expiration_days"],
    }
    if opt.best is not None:
        calendar = params.dte_thresholds[opt.best % len(params.dte_thresholds)]
        doc["best_params"] = {**doc["best_params"], "dte_threshold": calendar}
    doc["units"] = (
        "P&L, credit and CVaR in $ per share (x100 per contract); days are calendar days to expiry "
        "(simulated as round(days x 252/365) trading days)"
    )
    return doc


def exit_optimization_study(params: ExitOptimizationParams) -> ExitOptimizationStudy:
    """Build the spread, search the exit grid under the constraints and tabulate every combination.

    The one front door to :func:`tailkit.overlay.optimize_exits` for notebook 09, its panel and
    ``tailkit optimize-exits``.

    Parameters
    ----------
    params : ExitOptimizationParams
        Inputs (days in calendar days).

    Returns
    -------
    ExitOptimizationStudy
        When ``params.output_file`` is not empty, :attr:`ExitOptimizationStudy.document` is
        written there (atomically, by :func:`tailkit.overlay.model.write_json`).
    """
    p = params
    cal = load_calibration_input(p.calibration_file)
    settings = simulation_settings(p)
    spread = spread_from_delta(
        cal,
        p.spread_type,
        p.delta,
        p.width,
        trading_days(p.expiration_days),
        risk_free_rate=p.risk_free_rate,
        dividend_yield=p.dividend_yield,
    )
    opt = optimize_exits(
        cal,
        spread,
        grid=ExitGrid(
            profit_targets=p.profit_targets,
            loss_multiples=p.loss_multiples,
            dte_thresholds=tuple(trading_days(d) for d in p.dte_thresholds),
        ),
        min_pop=p.min_pop,
        risk_budget=p.risk_budget or None,
        allocation=p.allocation,
        ranking_metric=p.ranking_metric,
        settings=settings,
        fills=FillModel(half_spread=p.half_spread, commission=p.commission),
    )
    grid = opt.to_frame()
    grid["dte_threshold_trading"] = grid["dte_threshold"]
    # calendar days of each row (two calendar thresholds may round to the same trading day)
    grid["dte_threshold"] = [p.dte_thresholds[c % len(p.dte_thresholds)] for c in grid["combo"]]
    grid.insert(1, "rules", _rules_label(grid))
    grid["feasible"] = grid["passes"]
    grid["status"] = _grid_status(grid)
    grid["indistinguishable"] = grid["indistinguishable_from_best"]
    expiry = expiry_date(cal, p.expiration_days)
    document = optimization_document(opt, p, expiry)
    if p.output_file.strip():
        write_json(p.output_file, document)
    return ExitOptimizationStudy(p, data_label(p.calibration_file), cal, spread, opt, grid, expiry, document)
