"""Notebook ``08_spread_screening``: screen spreads at model IV and on the market chain, then size them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import (
    ExitRules,
    FillModel,
    OverlayCalibration,
    ScreeningResult,
    SizingRules,
    evaluate,
    evaluate_market,
)
from tailkit.overlay.evaluate import trading_days
from tailkit.params import param, validate
from tailkit.studies import overlay_fields as F
from tailkit.studies.overlay_fields import check_dte_close, exit_rules
from tailkit.studies.overlay_inputs import (
    SYNTHETIC,
    data_label,
    load_calibration_input,
    load_chain_input,
    simulation_settings,
    spread_kinds,
)

__all__ = [
    "MODEL_SOURCE",
    "MARKET_SOURCE",
    "SpreadScreeningParams",
    "SpreadScreeningStudy",
    "spread_screening_study",
]


def _spread_label(frame: pd.DataFrame) -> pd.Series:
    return (
        frame["type"]
        + " "
        + frame["short_strike"].map(lambda k: f"{k:g}")
        + "/"
        + frame["long_strike"].map(lambda k: f"{k:g}")
        + " "
        + frame["expiration_days"].astype(int).astype(str)
        + "d"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SpreadScreeningParams:
    """Parameters of notebook ``08_spread_screening`` (``tailkit evaluate`` + ``evaluate-market``).

    Model-IV screening builds strikes from short-leg ``deltas`` and ``widths`` at
    ``expiration_days`` calendar days and fills each leg ``half_spread`` from the model mid;
    market screening takes the chain's contracts between ``min_dte`` and ``max_dte`` calendar
    days at bid/ask and sizes them with fractional Kelly.
    """

    calibration_file: str = F.calibration_file(SYNTHETIC)
    chain_file: str = param(SYNTHETIC, doc="option-chain CSV, or 'synthetic' for the bundled SYNTHETIC chain")
    spread_types: str = param("both", choices=("both", "put", "call"), doc="bull puts, bear calls or both")
    deltas: tuple[float, ...] = F.deltas()
    widths: tuple[float, ...] = F.widths()
    expiration_days: int = F.expiration_days()
    min_dte: int = F.min_dte()
    max_dte: int = F.max_dte()
    min_delta: float = F.min_delta()
    max_delta: float = F.max_delta()
    min_pop: float = F.min_pop()
    profit_target: float = F.profit_target()
    loss_multiple: float = F.loss_multiple()
    dte_close: int = F.dte_close()
    rank_by: str = F.rank_by()
    navs: tuple[float, ...] = F.navs()
    kelly_fraction: float = F.kelly_fraction()
    max_risk_pct: float = F.max_risk_pct()
    n_paths: int = F.n_paths(4000)
    seed: int = F.seed()
    risk_free_rate: float = F.risk_free_rate()
    dividend_yield: float = F.dividend_yield()
    residual_noise: bool = F.residual_noise()
    half_spread: float = F.half_spread()
    commission: float = F.commission()
    top: int = F.top()

    def __post_init__(self) -> None:
        validate(self)
        if self.max_dte < self.min_dte:
            raise ParameterError(
                describe_bad_value("max_dte", self.max_dte, f"an int >= min_dte={self.min_dte}")
            )
        if self.max_delta < self.min_delta:
            raise ParameterError(
                describe_bad_value("max_delta", self.max_delta, f">= min_delta={self.min_delta}")
            )
        if not self.deltas or not self.widths or not self.navs:
            raise ParameterError("deltas, widths and navs need at least one value each")
        check_dte_close(self.dte_close, self.expiration_days)

    def rules(self) -> ExitRules:
        """The exit rules applied to every candidate (DTE threshold in simulated trading days)."""
        return exit_rules(self)


#: column labels of the screening's two sources
MODEL_SOURCE = "model IV (assumed half-spread)"
MARKET_SOURCE = "market chain (bid/ask)"


@dataclass(frozen=True, slots=True)
class SpreadScreeningStudy:
    """Everything notebook 08 shows, computed from one :class:`SpreadScreeningParams`.

    Attributes
    ----------
    params : SpreadScreeningParams
        The inputs.
    label : str
        Data label for titles: ``"SYNTHETIC data"``, a file name, or both joined by ``" + "``.
    calibration : OverlayCalibration
        The model.
    model : ScreeningResult
        :func:`tailkit.overlay.evaluate` at model IV.
    market : ScreeningResult
        :func:`tailkit.overlay.evaluate_market` on the chain.
    candidates : DataFrame
        Both screenings' rows stacked, with ``source`` (:data:`MODEL_SOURCE` /
        :data:`MARKET_SOURCE`) and ``spread`` (a label such as ``"put 114/111 45d"``).
    sizing : DataFrame
        The top ``params.top`` passing market candidates with their Kelly sizes per NAV.
    """

    params: SpreadScreeningParams
    label: str
    calibration: OverlayCalibration
    model: ScreeningResult
    market: ScreeningResult
    candidates: pd.DataFrame
    sizing: pd.DataFrame

    @property
    def nothing_sized(self) -> str:
        """What the Kelly chart says when no market spread passes the screen (``sizing`` empty)."""
        return f"no market spread passes min POP {self.params.min_pop:.0%}: nothing to size"

    def top(self, source: str) -> pd.DataFrame:
        """The best ``params.top`` rows of one source (passing candidates first)."""
        rows = self.candidates[self.candidates["source"] == source]
        return rows.head(self.params.top).reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers (the notebook's summary line), with Monte Carlo standard errors."""
        out: dict[str, Any] = {"data": self.label, "n_paths": self.params.n_paths}
        for tag, res in (("model", self.model), ("market", self.market)):
            out[f"{tag}_n_evaluated"] = len(res.candidates)
            out[f"{tag}_n_passing"] = len(res.passing)
            best = res.passing[0] if res.passing else None
            out[f"{tag}_best"] = best.spread.label if best else None
            if best is not None:
                m = best.metrics
                out[f"{tag}_best_credit"] = round(best.terms.credit, 4)
                out[f"{tag}_best_pop"] = round(m.pop, 4)
                out[f"{tag}_best_pop_se"] = round(m.se_pop, 4)
                out[f"{tag}_best_expected_pnl"] = round(m.expected_pnl, 4)
                out[f"{tag}_best_expected_pnl_se"] = round(m.se_expected_pnl, 4)
                out[f"{tag}_best_cvar_95"] = round(m.cvar_95, 4)
                out[f"{tag}_best_kelly"] = round(m.kelly, 4)
        if not self.sizing.empty:
            column = next((c for c in self.sizing.columns if c.startswith("contracts_")), None)
            if column is not None:
                out[f"market_best_{column}"] = int(self.sizing[column].iloc[0])
        return out


def _candidates(res: ScreeningResult, source: str) -> pd.DataFrame:
    frame = res.to_frame()
    if frame.empty:
        return frame
    frame.insert(0, "source", source)
    frame.insert(1, "spread", _spread_label(frame))
    return frame


def spread_screening_study(params: SpreadScreeningParams) -> SpreadScreeningStudy:
    """Screen spreads at model IV and on the market chain, and size the market ones.

    Parameters
    ----------
    params : SpreadScreeningParams
        Inputs.

    Returns
    -------
    SpreadScreeningStudy
    """
    p = params
    cal = load_calibration_input(p.calibration_file)
    chain = load_chain_input(p.chain_file)
    if chain is None:
        raise ParameterError(describe_bad_value("chain_file", p.chain_file, "a chain path or 'synthetic'"))
    settings = simulation_settings(p)
    fills = FillModel(half_spread=p.half_spread, commission=p.commission)
    sizing = SizingRules(kelly_multiplier=p.kelly_fraction, max_nav_at_risk=p.max_risk_pct, navs=p.navs)
    kinds, rules = spread_kinds(p.spread_types), p.rules()
    model = evaluate(
        cal,
        kinds=kinds,
        deltas=p.deltas,
        widths=p.widths,
        expiration_days=trading_days(p.expiration_days),
        rules=rules,
        min_pop=p.min_pop,
        rank_by=p.rank_by,
        settings=settings,
        fills=fills,
    )
    market = evaluate_market(
        cal,
        chain,
        kinds=kinds,
        min_dte=p.min_dte,
        max_dte=p.max_dte,
        min_delta=p.min_delta,
        max_delta=p.max_delta,
        widths=p.widths,
        rules=rules,
        min_pop=p.min_pop,
        rank_by=p.rank_by,
        settings=settings,
        fills=fills,
        sizing=sizing,
    )
    both = pd.concat(
        [_candidates(model, MODEL_SOURCE), _candidates(market, MARKET_SOURCE)], ignore_index=True
    )
    sized = _candidates(market, MARKET_SOURCE)
    size_cols = [
        c for c in sized.columns if c.startswith(("kelly_fraction_", "contracts_", "capital_at_risk_"))
    ]
    sizing_frame = sized[sized["passes_min_pop"]].head(p.top)[
        ["rank", "spread", "credit", "max_loss", "pop", "win_loss_ratio", "kelly", *size_cols]
    ]
    label = " + ".join(dict.fromkeys((data_label(p.calibration_file), data_label(p.chain_file))))
    return SpreadScreeningStudy(p, label, cal, model, market, both, sizing_frame.reset_index(drop=True))
