"""The overlay commands ``calibrate``, ``evaluate`` and ``evaluate-market``: parameters and runs.

Each command has one frozen parameter dataclass (its options are generated from it by
:mod:`tailkit.cli._options`) and one ``run_*`` function that the command line and a notebook
call alike. Fields shared with notebooks 07-09 are declared once
(:mod:`tailkit.studies.overlay_fields`, or taken from
:class:`~tailkit.studies.overlay_calibration.OverlayCalibrationParams` with
:func:`~tailkit.studies.overlay_fields.like`). ``optimize-exits`` is notebook 09's study
(:mod:`tailkit.studies.exit_optimization`). Days are calendar days to expiry.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any, cast

from tailkit.data import read_option_chain
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import (
    FillModel,
    OverlayCalibration,
    ScreeningResult,
    SizingRules,
    calibrate_overlay,
    evaluate,
    evaluate_market,
    read_calibration,
    write_calibration,
)
from tailkit.overlay.evaluate import trading_days
from tailkit.overlay.mean_reversion import KappaEstimator
from tailkit.overlay.model import write_json
from tailkit.params import param, validate
from tailkit.studies import overlay_fields as F
from tailkit.studies.exit_optimization import expiry_date
from tailkit.studies.overlay_calibration import OverlayCalibrationParams
from tailkit.studies.overlay_inputs import check_date, load_history_input, simulation_settings

__all__ = [
    "CalibrateParams",
    "ScreeningCommandParams",
    "EvaluateParams",
    "EvaluateMarketParams",
    "CalibrateRun",
    "EvaluateRun",
    "EvaluateMarketRun",
    "run_calibrate",
    "run_evaluate",
    "run_evaluate_market",
]

_MISSING: Any = dataclasses.MISSING


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrateParams:
    """``tailkit calibrate``: fit the overlay model to a history file (notebook 07's fields)."""

    history_file: str = F.like(OverlayCalibrationParams, "history_file", _MISSING)
    output_file: str = param("calibration_results.json", doc="calibration JSON written")
    start_date: str = F.like(OverlayCalibrationParams, "start_date")
    end_date: str = F.like(OverlayCalibrationParams, "end_date")
    exclude_covid: bool = F.like(OverlayCalibrationParams, "exclude_covid")
    date_col: str = F.like(OverlayCalibrationParams, "date_col")
    yield_20y_col: str = F.like(OverlayCalibrationParams, "yield_20y_col")
    yield_30y_col: str = F.like(OverlayCalibrationParams, "yield_30y_col")
    tlt_col: str = F.like(OverlayCalibrationParams, "tlt_col")
    chain_file: str | None = param(
        None, doc="option-chain CSV: fit the vol model on it instead of realized vol"
    )
    kappa_estimator: str = param(
        "kendall",
        choices=("kendall", "mle"),
        doc="yields' mean-reversion speed: 'kendall' corrects the AR(1) estimate's small-sample bias "
        "(Kendall 1954; the plain MLE over-states kappa by about 4/years of data), 'mle' does not; "
        "both are printed",
    )

    def __post_init__(self) -> None:
        validate(self)
        if check_date("start_date", self.start_date) > check_date("end_date", self.end_date):
            raise ParameterError(
                describe_bad_value(
                    "start_date", self.start_date, f"a date on or before end_date={self.end_date!r}"
                )
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreeningCommandParams:
    """Fields shared by ``tailkit evaluate`` and ``tailkit evaluate-market``."""

    calibration_file: str = F.calibration_file()
    min_pop: float = F.min_pop()
    profit_target: float = F.profit_target()
    loss_multiple: float = F.loss_multiple()
    dte_close: int = F.dte_close()
    widths: tuple[float, ...] = F.widths()
    top: int = F.top()
    rank_by: str = F.rank_by()
    output_file: str = param("", doc="also write the full table as JSON ('' = print only)")
    put_only: bool = param(False, doc="bull put spreads only")
    call_only: bool = param(False, doc="bear call spreads only")
    n_paths: int = F.n_paths()
    seed: int = F.seed()
    risk_free_rate: float = F.risk_free_rate()
    dividend_yield: float = F.dividend_yield()
    residual_noise: bool = F.residual_noise()
    half_spread: float = F.half_spread()
    commission: float = F.commission()

    def __post_init__(self) -> None:
        validate(self)
        if self.put_only and self.call_only:
            raise ParameterError(
                describe_bad_value("call_only", True, "False when put_only is set (one or neither)")
            )

    def kinds(self) -> tuple[str, ...]:
        """Spread kinds screened."""
        return ("put",) if self.put_only else ("call",) if self.call_only else ("put", "call")

    def fills(self) -> FillModel:
        """Costs."""
        return FillModel(half_spread=self.half_spread, commission=self.commission)


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluateParams(ScreeningCommandParams):
    """``tailkit evaluate``: screen spreads at model IV over short-leg deltas and widths."""

    expiration_days: int = F.expiration_days()
    deltas: tuple[float, ...] = F.deltas()

    def __post_init__(self) -> None:
        ScreeningCommandParams.__post_init__(self)
        F.check_dte_close(self.dte_close, self.expiration_days)


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluateMarketParams(ScreeningCommandParams):
    """``tailkit evaluate-market``: screen a real chain at bid/ask and size with Kelly."""

    chain_file: str = param(_MISSING, doc="option-chain CSV (Bloomberg-style export)")
    min_dte: int = F.min_dte()
    max_dte: int = F.max_dte()
    min_delta: float = F.min_delta()
    max_delta: float = F.max_delta()
    navs: tuple[float, ...] = F.navs()
    kelly_fraction: float = F.kelly_fraction()
    max_risk_pct: float = F.max_risk_pct()

    def __post_init__(self) -> None:
        ScreeningCommandParams.__post_init__(self)
        if self.max_dte < self.min_dte:
            raise ParameterError(
                describe_bad_value("max_dte", self.max_dte, f"an int >= min_dte={self.min_dte}")
            )
        if self.max_delta < self.min_delta:
            raise ParameterError(
                describe_bad_value("max_delta", self.max_delta, f"a number >= min_delta={self.min_delta}")
            )

    def sizing(self) -> SizingRules:
        """Kelly sizing rules."""
        return SizingRules(
            kelly_multiplier=self.kelly_fraction, max_nav_at_risk=self.max_risk_pct, navs=self.navs
        )


@dataclass(frozen=True, slots=True)
class CalibrateRun:
    """Result of :func:`run_calibrate`: the calibration and the warnings caught while fitting."""

    calibration: OverlayCalibration
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EvaluateRun:
    """Result of :func:`run_evaluate`.

    Attributes
    ----------
    result : ScreeningResult
        The ranked candidates.
    expiry : str
        Expiry date of every candidate: the calibration's last day + ``expiration_days``.
    document : dict
        The JSON document (``--output``).
    """

    result: ScreeningResult
    expiry: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EvaluateMarketRun:
    """Result of :func:`run_evaluate_market`: the chain read, the candidates and the JSON document."""

    chain: Any
    result: ScreeningResult
    document: dict[str, Any]
    notes: tuple[str, ...]


def _notes(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    return tuple(str(w.message) for w in caught)


def run_calibrate(params: CalibrateParams) -> CalibrateRun:
    """Read the history (and chain), fit the model and write the calibration JSON."""
    p = params
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = load_history_input(
            p.history_file,
            date_col=p.date_col,
            yield_20y_col=p.yield_20y_col,
            yield_30y_col=p.yield_30y_col,
            tlt_col=p.tlt_col,
        )
        chain = read_option_chain(p.chain_file).chain if p.chain_file else None
        cal = calibrate_overlay(
            history,
            start=p.start_date,
            end=p.end_date,
            exclude_covid=p.exclude_covid,
            chain=chain,
            kappa_estimator=cast(KappaEstimator, p.kappa_estimator),  # checked by its choices
        )
    if p.output_file:
        write_calibration(cal, p.output_file)
    return CalibrateRun(cal, _notes(caught))


def _document(res: ScreeningResult, sizing: SizingRules | None, **head: Any) -> dict[str, Any]:
    doc = {**head, **res.to_dict()}
    best = res.passing[0] if res.passing else (res.candidates[0] if res.candidates else None)
    doc["top_strategy"] = None if best is None else best.details(sizing)
    return doc


def run_evaluate(params: EvaluateParams, *, progress: bool = False) -> EvaluateRun:
    """Screen spreads at model IV (``tailkit evaluate``); write the JSON when ``output_file`` is set."""
    p = params
    cal = read_calibration(p.calibration_file)
    res = evaluate(
        cal,
        kinds=p.kinds(),
        deltas=p.deltas,
        widths=p.widths,
        expiration_days=trading_days(p.expiration_days),
        rules=F.exit_rules(p),
        min_pop=p.min_pop,
        rank_by=p.rank_by,
        settings=simulation_settings(p),
        fills=p.fills(),
        progress=progress,
    )
    expiry = expiry_date(cal, p.expiration_days)
    doc = _document(
        res,
        None,
        expiration_days=p.expiration_days,
        expiry=expiry,
        trading_days=trading_days(p.expiration_days),
        units="P&L and credit in $ per share (x100 per contract); expiration_days: calendar days "
        "(rows: simulated trading days)",
    )
    if p.output_file:
        write_json(p.output_file, doc)
    return EvaluateRun(res, expiry, doc)


def run_evaluate_market(params: EvaluateMarketParams, *, progress: bool = False) -> EvaluateMarketRun:
    """Screen the chain at bid/ask with Kelly sizing (``tailkit evaluate-market``)."""
    p = params
    cal = read_calibration(p.calibration_file)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read = read_option_chain(p.chain_file)
    res = evaluate_market(
        cal,
        read,
        kinds=p.kinds(),
        min_dte=p.min_dte,
        max_dte=p.max_dte,
        min_delta=p.min_delta,
        max_delta=p.max_delta,
        widths=p.widths,
        rules=F.exit_rules(p),
        min_pop=p.min_pop,
        rank_by=p.rank_by,
        settings=simulation_settings(p),
        fills=p.fills(),
        sizing=p.sizing(),
        progress=progress,
    )
    doc = _document(res, p.sizing())
    if p.output_file:
        write_json(p.output_file, doc)
    return EvaluateMarketRun(
        read, res, doc, _notes([w for w in caught if "rejected" not in str(w.message).lower()])
    )
