"""Notebook ``09_exit_optimization``: the best exit rules under POP and CVaR limits."""

from __future__ import annotations

import json
import math
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
from tailkit.params import atomic_write_text, param, validate
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
]


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
    """Parameters of notebook ``09_exit_optimization`` (``tailkit optimize-exits``' options).

    The spread is built from the short-leg ``delta`` and ``width`` at model IV. The default
    spread type is ``"call"``: on the bundled SYNTHETIC calibration the fitted drift pushes TLT
    down, and no exit rule of the CLI's default put spread reaches POP 0.70 (run
    ``parameters/09_exit_optimization/put_cli_defaults.yaml`` to see which constraint binds).
    """

    calibration_file: str = param(
        SYNTHETIC, doc="calibration JSON, or 'synthetic' (fit the SYNTHETIC history)"
    )
    spread_type: str = param("call", choices=("put", "call"), doc="bull put or bear call spread")
    delta: float = param(0.20, gt=0.0, lt=1.0, doc="absolute delta of the short leg")
    width: float = param(3.0, gt=0.0, le=100.0, doc="strike width, $")
    expiration_days: int = param(45, ge=5, le=504, doc="trading days to expiry")
    profit_targets: tuple[float, ...] = param(
        (0.30, 0.40, 0.50, 0.60, 0.70), gt=0.0, le=1.0, doc="profit targets"
    )
    loss_multiples: tuple[float, ...] = param((1.5, 2.0, 2.5, 3.0), ge=1.0, le=100.0, doc="loss multiples")
    dte_thresholds: tuple[int, ...] = param(
        (3, 5, 7, 10, 14), ge=0, le=500, doc="DTE thresholds, trading days"
    )
    min_pop: float = param(0.70, ge=0.0, le=1.0, doc="minimum probability of profit")
    risk_budget: float = param(0.02375, gt=0.0, le=1.0, doc="largest CVaR95 loss per $ of NAV per trade")
    allocation: float = param(0.05, gt=0.0, le=1.0, doc="fraction of NAV at maximum loss (position size)")
    ranking_metric: str = param(
        "expected_return", choices=("expected_return", "risk_adjusted_return"), doc="statistic maximized"
    )
    heatmap_metric: str = param(
        "expected_pnl",
        choices=("expected_pnl", "pop", "cvar_95", "risk_adjusted_return", "avg_days_held"),
        doc="statistic drawn by the panel's heatmap",
    )
    n_paths: int = param(10000, ge=100, le=1_000_000, doc="simulated paths (same paths for every rule)")
    seed: int = param(42, ge=0, doc="seed of the shocks")
    risk_free_rate: float = param(0.05, ge=-0.1, le=1.0, doc="risk-free rate, decimal")
    dividend_yield: float = param(0.0, ge=0.0, le=1.0, doc="TLT dividend yield, decimal")
    residual_noise: bool = param(False, doc="add the TLT regression's residual noise")
    half_spread: float = param(0.02, ge=0.0, le=10.0, doc="half bid-ask per leg, $")
    commission: float = param(0.65, ge=0.0, le=100.0, doc="commission per contract per leg, $")
    top: int = param(10, ge=1, le=1000, doc="rows shown")
    output_file: str = param("", doc="write optimal_params.json here ('' = do not write)")

    def __post_init__(self) -> None:
        validate(self)
        for name in ("profit_targets", "loss_multiples", "dte_thresholds"):
            if not getattr(self, name):
                raise ParameterError(describe_bad_value(name, getattr(self, name), "at least one value"))
        if max(self.dte_thresholds) >= self.expiration_days:
            raise ParameterError(
                describe_bad_value(
                    "dte_thresholds", self.dte_thresholds, f"values < expiration_days={self.expiration_days}"
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
        ``feasible`` and ``status`` (which constraint fails).
    """

    params: ExitOptimizationParams
    label: str
    calibration: OverlayCalibration
    spread: CreditSpread
    optimization: ExitOptimization
    grid: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers (the notebook's summary line), with Monte Carlo standard errors."""
        opt = self.optimization
        doc = opt.to_dict()
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


def exit_optimization_study(params: ExitOptimizationParams) -> ExitOptimizationStudy:
    """Build the spread, search the exit grid under the constraints and tabulate every combination.

    Parameters
    ----------
    params : ExitOptimizationParams
        Inputs.

    Returns
    -------
    ExitOptimizationStudy
        When ``params.output_file`` is not empty, ``optimal_params.json`` is written there
        (atomically, the ``tailkit optimize-exits`` document).
    """
    p = params
    cal = load_calibration_input(p.calibration_file)
    settings = simulation_settings(p)
    spread = spread_from_delta(
        cal,
        p.spread_type,
        p.delta,
        p.width,
        p.expiration_days,
        risk_free_rate=p.risk_free_rate,
        dividend_yield=p.dividend_yield,
    )
    opt = optimize_exits(
        cal,
        spread,
        grid=ExitGrid(
            profit_targets=p.profit_targets, loss_multiples=p.loss_multiples, dte_thresholds=p.dte_thresholds
        ),
        min_pop=p.min_pop,
        risk_budget=p.risk_budget,
        allocation=p.allocation,
        ranking_metric=p.ranking_metric,
        settings=settings,
        fills=FillModel(half_spread=p.half_spread, commission=p.commission),
    )
    grid = opt.to_frame()
    grid.insert(1, "rules", _rules_label(grid))
    grid["feasible"] = grid["passes"]
    grid["status"] = _grid_status(grid)
    grid["indistinguishable"] = grid["indistinguishable_from_best"]
    if p.output_file.strip():
        atomic_write_text(p.output_file, json.dumps(_json_safe(opt.to_dict()), indent=2) + "\n")
    return ExitOptimizationStudy(p, data_label(p.calibration_file), cal, spread, opt, grid)


def _json_safe(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj
