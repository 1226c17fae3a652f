"""Parameter set and study function behind notebook 05 (the asymmetric system).

:func:`asymmetric_system_study` runs the chain on the bundled data, monthly, in excess
returns (the cash return is the zero point):

1. the seven premia of :func:`tailkit.premia.bundled_premia`, their asymmetry table and the
   premia portfolio built three ways (minimum variance, minimum CVaR, maximum prospect value);
2. the **system portfolio**, built in layers: *strategic* = ``equity_weight`` x equity;
   *premia* = strategic + the tilts (``size_weight`` x size + ... + ``short_vol_weight`` x
   short vol); *hedged* = premia + ``hedge_weight`` x tail hedge;
3. the **investor**: the archetype named by ``archetype`` holds a share of the hedged
   portfolio chosen by its rule (:mod:`tailkit.investors`) on the history; the layer
   decomposition strategic / premia tilts / hedge / behavior adds up to the investor's
   return, and the investor's return is regressed on the seven premia (Newey-West) for the
   R² — the plan's target is 0.8, and ``r2_below_target`` says when it is missed;
4. the three archetypes (strategic allocator, market timer, myopic loss-averse) on the same
   ``n_paths`` paths of the hedged portfolio, ``path_months`` long, from the **market
   scenario**: ``scenario="history"`` block-bootstraps the history (blocks of
   ``block_months``); ``scenario="regimes"`` fits the 3-regime model to the seven premia
   (:func:`tailkit.premia.fit_premia_regimes`), applies the scenario's ``start_regime`` and
   ``crisis_duration_multiplier`` (:func:`tailkit.premia.stress_regimes`), simulates the premia
   jointly and forms the hedged portfolio on each path; ``spread_shock_bp`` widens the credit
   spread by that much in the first month of every path (the credit premium loses
   ``credit_duration x spread_shock_bp / 10,000`` that month: the premia are excess returns
   over cash, so a shock to rates reaches them through spreads and the starting regime).
   Then: terminal wealth, behavior gap (mean and Monte Carlo SE) and the
   return given up versus the strategic allocator (mean and SE), annualised; certainty
   equivalents under CRRA and prospect theory; best months missed.

Example
-------
>>> study = asymmetric_system_study(AsymmetricSystemParams(n_paths=50))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from tailkit.attribution import Decomposition, FactorRegression, factor_regression, layer_decomposition
from tailkit.behavioral import ProspectParams
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.investors import (
    Archetype,
    ArchetypeResult,
    GapEstimate,
    MarketTimer,
    MyopicLossAverse,
    RiskTolerance,
    StrategicAllocator,
    best_days_missed,
    cpt_certainty_equivalent,
    crra_certainty_equivalent,
    return_given_up,
    simulate_archetype,
    target_weights,
)
from tailkit.params import param, param_like, validate
from tailkit.portfolio import PortfolioInputs, PortfolioResult, max_prospect_value, min_cvar, min_variance
from tailkit.premia import (
    PREMIA,
    START_REGIMES,
    AsymmetryTable,
    PremiaParams,
    PremiaStreams,
    asymmetry_table,
    block_bootstrap,
    bundled_premia,
    fit_premia_regimes,
    simulate_premia,
    stress_regimes,
)

__all__ = [
    "ARCHETYPES",
    "R2_TARGET",
    "SCENARIOS",
    "AsymmetricSystemParams",
    "AsymmetricSystemStudy",
    "asymmetric_system_study",
    "premia_portfolios",
    "scenario_paths",
    "system_weights",
]

#: the archetypes simulated on the paths, in report order
ARCHETYPES: tuple[str, ...] = ("strategic", "timer", "myopic")
#: where the paths come from
SCENARIOS: tuple[str, ...] = ("history", "regimes")
#: the plan's target share of returns explained by the attribution
R2_TARGET = 0.8
_FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_TILTS = ("size", "value", "credit", "trend", "short_vol")


@dataclass(frozen=True, slots=True, kw_only=True)
class AsymmetricSystemParams:
    """Parameters of notebook ``05_asymmetric_system`` (flat, YAML keys = field names)."""

    credit_duration: float = param_like(PremiaParams, "credit_duration")
    trend_target_vol: float = param_like(PremiaParams, "trend_target_vol")
    put_moneyness: float = param_like(PremiaParams, "put_moneyness")
    hedge_moneyness: float = param_like(PremiaParams, "hedge_moneyness")
    premia: tuple[str, ...] = param(
        PREMIA,
        choices=PREMIA,
        doc="the premia set: factors of the attribution, assets of the premia portfolios, the regime model",
    )
    tail: float = param(0.05, gt=0.0, le=0.5, doc="share of worst equity months counted as crashes")
    equity_weight: float = param(0.6, ge=0.0, le=2.0, doc="strategic equity weight of the system portfolio")
    size_weight: float = param(0.1, ge=-1.0, le=1.0, doc="size tilt")
    value_weight: float = param(0.1, ge=-1.0, le=1.0, doc="value tilt")
    credit_weight: float = param(0.5, ge=-5.0, le=5.0, doc="credit carry tilt")
    trend_weight: float = param(0.2, ge=-1.0, le=2.0, doc="trend tilt")
    short_vol_weight: float = param(0.1, ge=-1.0, le=1.0, doc="short-vol (put-write) tilt")
    hedge_weight: float = param(0.5, ge=0.0, le=2.0, doc="tail-hedge notional per unit of NAV")
    archetype: Literal["strategic", "timer", "myopic"] = param(
        "timer", choices=ARCHETYPES, doc="the investor on the history"
    )
    risky_share: float = param(
        1.0, ge=0.0, le=1.0, doc="share of the system portfolio held (strategic, timer)"
    )
    timer_threshold: float = param(0.10, gt=0.0, le=1.0, doc="drawdown that makes the timer sell")
    timer_recovery: float = param(0.05, gt=0.0, le=10.0, doc="rise above the trough that makes it buy back")
    horizon_months: int = param(12, ge=1, le=120, doc="myopic investor's evaluation period, months")
    memory_months: int = param(60, ge=2, le=600, doc="months of history behind the myopic investor's choice")
    loss_aversion: float = param(
        2.25, gt=0.0, le=10.0, doc="loss aversion of the myopic investor and the state"
    )
    tolerance_sensitivity: float = param(
        2.0, ge=0.0, le=100.0, doc="risk-tolerance state change per unit return"
    )
    cvar_alpha: float = param(0.95, ge=0.5, lt=1.0, doc="CVaR confidence of the min-CVaR premia portfolio")
    crra_risk_aversion: float = param(
        3.0, gt=0.0, le=50.0, doc="relative risk aversion of the CRRA certainty equivalent"
    )
    n_paths: int = param(200, ge=2, le=100_000, doc="bootstrap paths")
    path_months: int = param(240, ge=2, le=1200, doc="months per bootstrap path")
    block_months: int = param(12, ge=1, le=120, doc="months per bootstrap block")
    scenario: Literal["history", "regimes"] = param(
        "history", choices=SCENARIOS, doc="paths: block bootstrap of history, or the fitted regime model"
    )
    start_regime: Literal["stationary", "calm", "stressed", "crisis"] = param(
        "stationary", choices=START_REGIMES, doc="regime the scenario paths start in (scenario='regimes')"
    )
    crisis_duration_multiplier: float = param(
        1.0, gt=0.0, le=10.0, doc="expected crisis stay x this (scenario='regimes')"
    )
    spread_shock_bp: float = param(
        0.0, ge=-500.0, le=1000.0, doc="credit spread change in the first month, bp (scenario='regimes')"
    )
    seed: int = param(20261203, ge=0, doc="seed of the bootstrap")

    def __post_init__(self) -> None:
        if isinstance(self.premia, list):
            object.__setattr__(self, "premia", tuple(self.premia))
        validate(self)
        if "equity" not in self.premia or len(set(self.premia)) != len(self.premia):
            raise ParameterError(
                describe_bad_value(
                    "premia", self.premia, "distinct names of tailkit.premia.PREMIA including 'equity'"
                )
            )
        weights = {f"{name}_weight": name for name in _TILTS} | {"hedge_weight": "tail_hedge"}
        for field, name in weights.items():
            if getattr(self, field) != 0.0 and name not in self.premia:
                raise ParameterError(
                    describe_bad_value(
                        field, getattr(self, field), f"0 while '{name}' is not in premia={self.premia}"
                    )
                )
        if self.memory_months <= self.horizon_months:
            raise ParameterError(
                describe_bad_value(
                    "memory_months",
                    self.memory_months,
                    f"more months than horizon_months={self.horizon_months}",
                )
            )

    def archetype_params(self, name: str) -> Archetype:
        """The archetype ``name`` of :data:`ARCHETYPES` with this profile's fields."""
        if name == "strategic":
            return StrategicAllocator(weight=self.risky_share, rebalance="calendar", every=1)
        if name == "timer":
            return MarketTimer(
                weight=self.risky_share, threshold=self.timer_threshold, recovery=self.timer_recovery
            )
        return MyopicLossAverse(
            horizon=self.horizon_months,
            memory=self.memory_months,
            initial_weight=self.risky_share,
            loss_aversion=self.loss_aversion,
        )


@dataclass(frozen=True, slots=True)
class AsymmetricSystemStudy:
    """Everything notebook 05 shows (module docstring).

    Parameters
    ----------
    params : AsymmetricSystemParams
    premia : PremiaStreams
    asymmetry : AsymmetryTable
    stages : DataFrame
        Monthly returns of ``strategic``, ``premia``, ``hedged`` and ``investor``.
    layers : Decomposition
        Strategic / premia tilts / hedge / behavior / unexplained parts of the investor's return.
    regression : FactorRegression
        The investor's return on the seven premia.
    archetypes : dict of str to ArchetypeResult
        On the bootstrap paths.
    given_up : dict of str to GapEstimate
        Return given up versus the strategic allocator.
    paths : ndarray of shape (n_paths, path_months)
        The bootstrap paths of the hedged portfolio's monthly return.
    portfolios : dict of str to PortfolioResult
        Long-only, fully invested premia portfolios: ``variance`` (minimum variance),
        ``cvar`` (minimum CVaR at ``cvar_alpha``) and ``prospect`` (maximum prospect value,
        Tversky-Kahneman with ``loss_aversion``), on the monthly premia (annualised x 12).
    """

    params: AsymmetricSystemParams
    premia: PremiaStreams
    asymmetry: AsymmetryTable
    stages: pd.DataFrame
    layers: Decomposition
    regression: FactorRegression
    archetypes: dict[str, ArchetypeResult]
    given_up: dict[str, GapEstimate]
    paths: np.ndarray
    portfolios: dict[str, PortfolioResult]

    def portfolio_table(self) -> pd.DataFrame:
        """Weights of the three premia portfolios (columns), then their return, vol and CVaR."""
        table = pd.DataFrame({k: v.weights for k, v in self.portfolios.items()})
        stats = pd.DataFrame(
            {
                k: {"expected_return": v.expected_return, "volatility": v.volatility, "cvar": v.cvar}
                for k, v in self.portfolios.items()
            }
        )
        return pd.concat([table, stats])

    def archetype_table(self) -> pd.DataFrame:
        """One row per archetype: wealth, TWR, behavior gap, return given up (means, SEs).

        Also the certainty-equivalent return over the path under CRRA (``crra_risk_aversion``)
        and under prospect theory (Tversky-Kahneman with ``loss_aversion``), and the share of
        each path's 10 best months spent below the policy share (``risky_share``).
        """
        p = self.params
        prospect = ProspectParams(loss_aversion=p.loss_aversion)
        rows = {}
        for name, res in self.archetypes.items():
            gap = res.behavior_gap
            rows[name] = {
                "median_terminal_wealth": float(np.median(res.wealth[:, -1])),
                "twr": float(res.twr.mean()),
                "behavior_gap": float(gap.mean()),
                "behavior_gap_se": float(gap.std(ddof=1) / np.sqrt(gap.size)),
                "given_up": self.given_up[name].mean,
                "given_up_se": self.given_up[name].se,
                "turnover": float(res.turnover.mean()),
                "ce_crra": crra_certainty_equivalent(res.wealth[:, -1], p.crra_risk_aversion),
                "ce_prospect": cpt_certainty_equivalent(res.wealth[:, -1], prospect),
                "best_months_missed": float(
                    best_days_missed(
                        res.weights, self.paths, p.risky_share, min(10, self.paths.shape[1])
                    ).mean()
                ),
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def fan_frame(self, value: Literal["wealth", "risk_tolerance"] = "wealth") -> pd.DataFrame:
        """Quantiles over paths of each archetype's wealth or risk-tolerance state, per month.

        Returns
        -------
        DataFrame
            Columns ``archetype``, ``month`` (0 to ``path_months``), ``q05``, ``q25``, ``q50``,
            ``q75``, ``q95`` (the 5%, ..., 95% quantiles over the paths).
        """
        if value not in ("wealth", "risk_tolerance"):
            raise ParameterError(describe_bad_value("value", value, "'wealth' or 'risk_tolerance'"))
        frames = []
        for name, res in self.archetypes.items():
            q = np.quantile(getattr(res, value), _FAN_QUANTILES, axis=0)
            frame = pd.DataFrame(q.T, columns=[f"q{round(100 * x):02d}" for x in _FAN_QUANTILES])
            frame.insert(0, "month", np.arange(q.shape[1]))
            frame.insert(0, "archetype", name)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> dict[str, Any]:
        """Headline numbers (the notebook's summary cell prints this as JSON)."""
        table = self.archetype_table()
        asym = self.asymmetry.table
        out: dict[str, Any] = {
            "months": int(self.asymmetry.n_months),
            "short_vol_sharpe": _cell(asym, "short_vol", "sharpe"),
            "short_vol_co_crash": _cell(asym, "short_vol", "co_crash"),
            "trend_crisis_beta": _cell(asym, "trend", "crisis_beta"),
            "tail_hedge_crisis_beta": _cell(asym, "tail_hedge", "crisis_beta"),
        }
        for name in ARCHETYPES:
            out[f"{name}_behavior_gap"] = float(table.loc[name, "behavior_gap"])
            out[f"{name}_behavior_gap_se"] = float(table.loc[name, "behavior_gap_se"])
            out[f"{name}_given_up"] = float(table.loc[name, "given_up"])
            out[f"{name}_given_up_se"] = float(table.loc[name, "given_up_se"])
        out["system_r2"] = float(self.regression.r2)
        out["r2_below_target"] = bool(self.regression.r2 < R2_TARGET)
        out["largest_layer"] = self.layers.largest()
        return out


def _cell(table: pd.DataFrame, premium: str, column: str) -> float:
    """``table.loc[premium, column]``, NaN for a premium outside the chosen set."""
    return float(table.loc[premium, column]) if premium in table.index else float("nan")


def _layers(p: AsymmetricSystemParams, r: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    strategic = p.equity_weight * r["equity"]
    tilts = sum(getattr(p, f"{name}_weight") * r[name] for name in _TILTS)
    premia = strategic + tilts
    return strategic, premia, premia + p.hedge_weight * r["tail_hedge"]


def premia_portfolios(
    premia: pd.DataFrame, *, cvar_alpha: float = 0.95, loss_aversion: float = 2.25
) -> dict[str, PortfolioResult]:
    """The premia portfolio three ways: minimum variance, minimum CVaR, maximum prospect value.

    Long only and fully invested, on the monthly premia (annualised x 12); notebook 05 and the
    risk-premia section of notebook 03 show these.

    Parameters
    ----------
    premia : DataFrame of shape (n_months, n_premia)
        Monthly excess returns (e.g. :attr:`tailkit.premia.PremiaStreams.returns`).
    cvar_alpha : float, default=0.95
        Confidence of the CVaR.
    loss_aversion : float, default=2.25
        λ of the Tversky-Kahneman prospect value (other preferences at their defaults).

    Returns
    -------
    dict of str to PortfolioResult
        ``variance``, ``cvar`` and ``prospect``.
    """
    inputs = PortfolioInputs.from_returns(premia, periods_per_year=12.0)
    return {
        "variance": min_variance(inputs),
        "cvar": min_cvar(inputs, cvar_alpha),
        "prospect": max_prospect_value(inputs, ProspectParams(loss_aversion=loss_aversion)),
    }


def system_weights(params: AsymmetricSystemParams) -> pd.Series:
    """Weight of each premium of :data:`tailkit.premia.PREMIA` in the hedged system portfolio."""
    p = params
    return pd.Series(
        [p.equity_weight, *(getattr(p, f"{name}_weight") for name in _TILTS), p.hedge_weight],
        index=list(PREMIA),
    )


def scenario_paths(params: AsymmetricSystemParams, premia: pd.DataFrame) -> np.ndarray:
    """Monthly returns of the hedged system portfolio on the scenario's paths (module docstring).

    Parameters
    ----------
    params : AsymmetricSystemParams
    premia : DataFrame of shape (n_months, 7)
        The monthly premia, columns :data:`tailkit.premia.PREMIA`.

    Returns
    -------
    ndarray of shape (n_paths, path_months)
    """
    p = params
    weights = system_weights(p)
    if p.scenario == "history":
        hedged = _layers(p, premia)[2].to_numpy()
        paths = block_bootstrap(hedged[:, None], p.n_paths, p.path_months, block=p.block_months, seed=p.seed)
        return paths[:, :, 0]
    weights = weights[list(p.premia)]  # the others hold 0 (checked by the parameters)
    fit = fit_premia_regimes(premia[weights.index])
    model = stress_regimes(
        fit.params, start_regime=p.start_regime, crisis_duration_multiplier=p.crisis_duration_multiplier
    )
    sim = simulate_premia(model, tuple(weights.index), n_paths=p.n_paths, n_months=p.path_months, seed=p.seed)
    returns = sim.returns.copy()
    if "credit" in weights.index:
        returns[:, 0, list(weights.index).index("credit")] -= p.credit_duration * p.spread_shock_bp / 10_000.0
    out = returns @ weights.to_numpy()
    if (out <= -1.0).any():
        raise ParameterError(
            describe_bad_value(
                "equity_weight",
                p.equity_weight,
                "weights whose portfolio keeps monthly returns above -100% on the scenario's paths",
            )
        )
    return np.ascontiguousarray(out)


def asymmetric_system_study(params: AsymmetricSystemParams | None = None) -> AsymmetricSystemStudy:
    """Run notebook 05's chain (module docstring)."""
    p = params or AsymmetricSystemParams()
    streams = bundled_premia(
        PremiaParams(
            credit_duration=p.credit_duration,
            trend_target_vol=p.trend_target_vol,
            put_moneyness=p.put_moneyness,
            hedge_moneyness=p.hedge_moneyness,
        )
    )
    r = streams.returns
    strategic, premia, hedged = _layers(p, r)
    share = target_weights(p.archetype_params(p.archetype), hedged.to_numpy(), 0.0)[0]
    investor = pd.Series(share * hedged.to_numpy(), index=r.index)
    stages = pd.DataFrame({"strategic": strategic, "premia": premia, "hedged": hedged, "investor": investor})
    layers = layer_decomposition(
        {"strategic": strategic, "premia_tilts": premia, "hedge": hedged, "behavior": investor}, investor
    )
    chosen = r[list(p.premia)]
    regression = factor_regression(investor.rename("investor"), chosen)
    paths = scenario_paths(p, r)
    tolerance = RiskTolerance(sensitivity=p.tolerance_sensitivity, loss_aversion=p.loss_aversion)
    results = {
        name: simulate_archetype(
            p.archetype_params(name), paths, 0.0, periods_per_year=12.0, tolerance=tolerance
        )
        for name in ARCHETYPES
    }
    given_up = {name: return_given_up(res, results["strategic"]) for name, res in results.items()}
    portfolios = premia_portfolios(chosen, cvar_alpha=p.cvar_alpha, loss_aversion=p.loss_aversion)
    return AsymmetricSystemStudy(
        params=p,
        premia=streams,
        asymmetry=asymmetry_table(chosen, tail=p.tail),
        stages=stages,
        layers=layers,
        regression=regression,
        archetypes=results,
        given_up=given_up,
        paths=paths,
        portfolios=portfolios,
    )
