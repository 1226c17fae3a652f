"""Notebook 02 (asymmetric Monte Carlo): parameters, calibration to bundled data, the simulation study.

The notebook and the panel in ``widgets.simulation`` are thin: :func:`calibrate` fits every
model once to the bundled **real** data (S&P 500 1999-2018, the 2000-2013 stocks, Moody's
AAA/BAA yields 1919-2018, VIX 2014-2018), and :func:`run_simulation` draws paths from the
fitted models under a scenario (crash intensity, jump size, crisis persistence, start regime
and vol, a rates shock) and computes the tables the notebook shows. A panel re-runs only
:func:`run_simulation` when a control changes.

Scenario knobs (``SimulationStudyParams``):

- ``crash_intensity_multiplier`` scales the fitted Merton jump intensity (fitted with the
  intensity capped at 10 a year: unconstrained, the MLE on daily S&P 500 returns uses ~150
  small jumps a year to mimic volatility clustering, which are not crashes). For the GJR-GARCH and
  regime models (fitted to data that already contains the crashes) ``multiplier - 1`` times the
  fitted intensity is *added* as co-jumps, so 1 means "as fitted" for every model.
- ``jump_size_multiplier`` scales the mean and the std dev of the log-jump sizes.
- ``crisis_duration_multiplier`` scales the expected stay in the crisis regime
  ``1 / (1 - P[crisis, crisis])``; the other exits of the crisis row are rescaled to keep it a
  probability row.
- ``start_regime`` starts every regime path in one regime (``stationary``: drawn from the
  stationary distribution); ``start_vol_multiplier`` scales the GARCH starting vol (the
  one-day-ahead forecast at the end of the fit window).
- ``rate_shock_bp`` shifts the starting yields and ``rate_vol_multiplier`` scales their sigmas.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from tailkit.calibration import (
    FitDiagnostics,
    GBMFit,
    GJRGARCHFit,
    MertonFit,
    RegimeFit,
    VasicekFit,
    VolIndexFit,
    fit_gbm,
    fit_gjr_garch,
    fit_merton,
    fit_regimes,
    fit_vasicek,
    fit_vol_index,
)
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import param, validate
from tailkit.simulation.analytics import drawdown_stats, path_summary, stylized_facts, stylized_facts_table
from tailkit.simulation.garch import simulate_gjr_garch
from tailkit.simulation.gbm import simulate_gbm
from tailkit.simulation.jumps import JumpParams
from tailkit.simulation.paths import Paths
from tailkit.simulation.regimes import RegimeParams, simulate_regimes
from tailkit.simulation.vasicek import VasicekParams, simulate_vasicek
from tailkit.simulation.volindex import VolIndexParams, simulate_vol_index

__all__ = [
    "MODELS",
    "SimulationStudyParams",
    "SimulationCalibration",
    "SimulationResult",
    "calibrate",
    "run_simulation",
    "scenario_jumps",
    "scenario_regimes",
]

#: models of the study, in display order
MODELS = ("gbm", "merton", "regimes", "gjr_garch")
_STOCKS = ("AAPL", "GOOG", "IBM", "MSFT")
DT = 1.0 / 252.0
#: cap on the fitted jump intensity (per year) so that Merton jumps describe crashes
MERTON_MAX_INTENSITY = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationStudyParams:
    """Parameters of notebook ``02_asymmetric_simulation`` (see the module docstring)."""

    model: str = param("gjr_garch", choices=MODELS, doc="model of the fan chart, drawdowns and put section")
    fit_start: str = param("1999-01-01", doc="first date of the S&P 500 / stock fit window (YYYY-MM-DD)")
    fit_end: str = param("2018-12-31", doc="last date of the fit window (YYYY-MM-DD)")
    tickers: tuple[str, ...] = param(
        ("AAPL", "IBM", "MSFT"), choices=_STOCKS, doc="stocks of the multi-asset run"
    )
    n_paths: int = param(5000, ge=100, le=200_000, doc="simulated paths per model")
    horizon_days: int = param(252, ge=10, le=2520, doc="simulation horizon, trading days")
    seed: int = param(42, ge=0, le=2**32 - 1, doc="random seed")
    crash_intensity_multiplier: float = param(1.0, ge=0.0, le=20.0, doc="x fitted crash (co-jump) intensity")
    jump_size_multiplier: float = param(1.0, ge=0.0, le=5.0, doc="x fitted log-jump mean and std dev")
    crisis_duration_multiplier: float = param(
        1.0, gt=0.0, le=20.0, doc="x expected stay in the crisis regime"
    )
    start_regime: str = param(
        "stationary", choices=("stationary", "calm", "stressed", "crisis"), doc="regime of day 0"
    )
    start_vol_multiplier: float = param(
        1.0, gt=0.0, le=10.0, doc="x GARCH starting vol (forecast at fit end)"
    )
    put_moneyness: float = param(0.9, gt=0.3, lt=1.0, doc="OTM put strike / spot")
    put_expiry_days: int = param(63, ge=5, le=756, doc="put expiry, trading days (<= horizon)")
    rate: float = param(0.03, ge=-0.05, le=0.25, doc="risk-free rate for the put, decimal")
    drawdown_threshold: float = param(0.2, gt=0.0, lt=1.0, doc="report P(max drawdown > this)")
    rate_shock_bp: float = param(0.0, ge=-500.0, le=500.0, doc="shift of the starting yields, basis points")
    rate_vol_multiplier: float = param(1.0, gt=0.0, le=10.0, doc="x fitted yield vols")
    rates_horizon_years: float = param(5.0, gt=0.0, le=30.0, doc="horizon of the yield simulation, years")

    def __post_init__(self) -> None:
        validate(self)
        for name in ("fit_start", "fit_end"):
            try:
                pd.Timestamp(getattr(self, name))
            except (ValueError, TypeError):
                raise ParameterError(
                    describe_bad_value(name, getattr(self, name), "a date YYYY-MM-DD")
                ) from None
        if pd.Timestamp(self.fit_start) >= pd.Timestamp(self.fit_end) - pd.Timedelta(days=730):
            raise ParameterError(
                describe_bad_value(
                    "fit_start", self.fit_start, f"a date at least two years before fit_end={self.fit_end}"
                )
            )
        if self.put_expiry_days > self.horizon_days:
            raise ParameterError(
                describe_bad_value(
                    "put_expiry_days", self.put_expiry_days, f"<= horizon_days ({self.horizon_days})"
                )
            )
        if not self.tickers:
            raise ParameterError(
                describe_bad_value("tickers", self.tickers, "at least one of " + ", ".join(_STOCKS))
            )


@dataclass(frozen=True, slots=True)
class SimulationCalibration:
    """Every fit of the study, on bundled real data.

    Parameters
    ----------
    spx_returns : pandas.Series
        S&P 500 daily log returns in the fit window (real data).
    stock_returns : pandas.DataFrame
        Daily log returns of the chosen stocks (real data, common dates in the window).
    gbm, merton, regimes, garch : fits
        Single-asset fits to the S&P 500 returns.
    stocks_garch : GJRGARCHFit
        GJR-GARCH-CCC fit to the stocks.
    vasicek : VasicekFit
        Bivariate Vasicek fit to Moody's AAA/BAA monthly yields 1919-2018.
    vol_index : VolIndexFit or None
        Vol-index fit to VIX vs the S&P GARCH conditional variance (None when the fit window
        does not overlap 2014-2018).
    """

    spx_returns: pd.Series
    stock_returns: pd.DataFrame
    gbm: GBMFit
    merton: MertonFit
    regimes: RegimeFit
    garch: GJRGARCHFit
    stocks_garch: GJRGARCHFit
    vasicek: VasicekFit
    vol_index: VolIndexFit | None
    fit_window: tuple[str, str]

    def parameter_table(self) -> pd.DataFrame:
        """All estimates with standard errors, indexed by (model, parameter)."""
        parts = {
            "gbm": self.gbm.to_frame(),
            "merton": self.merton.to_frame(),
            "regimes": self.regimes.to_frame(),
            "gjr_garch": self.garch.to_frame(),
            "stocks_gjr_garch_ccc": self.stocks_garch.to_frame(),
            "vasicek_aaa_baa": self.vasicek.to_frame(),
        }
        if self.vol_index is not None:
            parts["vol_index"] = self.vol_index.to_frame()
        return pd.concat(parts, names=["model", "parameter"])

    def diagnostics_table(self) -> pd.DataFrame:
        """Log-likelihood, AIC, BIC and convergence of every fit."""
        diagnostics: dict[str, FitDiagnostics] = {
            "gbm": self.gbm.diagnostics,
            "merton": self.merton.diagnostics,
            "regimes": self.regimes.diagnostics,
            "gjr_garch": self.garch.diagnostics,
            "stocks_gjr_garch_ccc": self.stocks_garch.diagnostics,
            "vasicek_aaa_baa": self.vasicek.diagnostics,
        }
        if self.vol_index is not None:
            diagnostics["vol_index"] = self.vol_index.diagnostics
        return pd.DataFrame({k: d.to_dict() for k, d in diagnostics.items()}).T

    def moment_table(self) -> pd.DataFrame:
        """Fourth-moment condition of every GJR-GARCH fit, one row per (model, asset).

        Columns: ``alpha, gamma, beta, nu, innovation_kurtosis, condition,
        fourth_moment_exists, excess_kurtosis`` (the model's excess kurtosis of ``r - mu``,
        ``inf`` when the fourth moment does not exist; without the scenario's co-jumps), from
        :func:`tailkit.calibration.garch.fourth_moment_condition`. When ``condition >= 1`` the
        sample kurtosis of simulated returns has no limit.
        """
        parts = {}
        for key, fit in (("gjr_garch", self.garch), ("stocks_gjr_garch_ccc", self.stocks_garch)):
            p = fit.params
            frame = fit.fourth_moment().to_frame()
            frame.insert(0, "nu", p.nu if p.dist == "t" else np.inf)
            frame.insert(0, "beta", p.beta)
            frame.insert(0, "gamma", p.gamma)
            frame.insert(0, "alpha", p.alpha)
            parts[key] = frame
        return pd.concat(parts, names=["model", "asset"])


def calibrate(params: SimulationStudyParams) -> SimulationCalibration:
    """Fit every model of the study to the bundled real data in the fit window.

    Parameters
    ----------
    params : SimulationStudyParams
        Uses ``fit_start``, ``fit_end`` and ``tickers``.

    Returns
    -------
    SimulationCalibration

    Raises
    ------
    DataError
        When the window leaves fewer than 500 days of data.
    """
    from tailkit.data import load_credit_yields, load_sp500, load_stocks, load_vix

    start, end = params.fit_start, params.fit_end
    spx = np.log(load_sp500()["adj_close"]).diff().dropna().loc[start:end]
    spx.name = "SPX"
    stocks = np.log(load_stocks()[list(params.tickers)]).diff().loc[start:end].dropna()
    for name, frame in (("S&P 500", spx), ("stocks " + ",".join(params.tickers), stocks)):
        if len(frame) < 500:
            raise DataError(
                f"fit window {start}..{end}: only {len(frame)} days of {name} data (need 500); "
                "the S&P 500 covers 1999-2018 and the stocks 2000-2013"
            )
    garch = fit_gjr_garch(spx, "t")
    # arch's conditional vol on date t is the vol of day t's return; the index on date t
    # looks at the next day, so align it with the vol of t + 1
    variance = (garch.conditional_vol.iloc[:, 0] ** 2 / DT).shift(-1).dropna()
    vix = load_vix()["vix"] / 100.0  # the loader gives index points
    try:
        vol_fit: VolIndexFit | None = fit_vol_index(vix, variance, DT)
    except DataError:
        vol_fit = None
    return SimulationCalibration(
        spx_returns=spx,
        stock_returns=stocks,
        gbm=fit_gbm(spx, DT),
        merton=fit_merton(spx, DT, max_intensity=MERTON_MAX_INTENSITY),
        regimes=fit_regimes(spx, 3, DT),
        garch=garch,
        stocks_garch=fit_gjr_garch(stocks, "t"),
        vasicek=fit_vasicek(load_credit_yields()[["aaa", "baa"]], dt=1.0 / 12.0),
        vol_index=vol_fit,
        fit_window=(start, end),
    )


def scenario_jumps(
    merton: MertonFit, params: SimulationStudyParams, *, extra: bool, n_assets: int = 1
) -> JumpParams:
    """The fitted Merton jump layer under the scenario (see the module docstring).

    ``extra=True`` gives the co-jumps added on top of a model fitted to data that already
    contains crashes (intensity ``(multiplier - 1) x fitted``, at least 0).
    """
    j = merton.jumps
    mult = params.crash_intensity_multiplier
    lam = min(j.market_intensity * (max(mult - 1.0, 0.0) if extra else mult), 252.0)
    size = params.jump_size_multiplier
    return JumpParams(
        market_intensity=lam,
        market_mean=(j.market_mean[0] * size,) * n_assets,
        market_vol=(j.market_vol[0] * size,) * n_assets,
        compensate=j.compensate,
    )


def scenario_regimes(regimes: RegimeParams, params: SimulationStudyParams) -> RegimeParams:
    """The fitted regime model with the crisis duration and the start regime of the scenario."""
    p = np.asarray(regimes.transition, dtype=float).copy()
    k = p.shape[0]
    c = k - 1  # the crisis regime is the most volatile (last)
    stay = 1.0 - (1.0 - p[c, c]) / params.crisis_duration_multiplier
    stay = min(max(stay, 0.0), 1.0 - 1e-9)
    others = p[c].copy()
    others[c] = 0.0
    total = others.sum()
    p[c] = others * ((1.0 - stay) / total) if total > 0 else np.full(k, (1.0 - stay) / max(k - 1, 1))
    p[c, c] = stay
    if params.start_regime == "stationary":
        initial: tuple[float, ...] = ()
    else:
        if params.start_regime not in regimes.regime_names:
            raise ParameterError(
                describe_bad_value("start_regime", params.start_regime, str(regimes.regime_names))
            )
        initial = tuple(float(n == params.start_regime) for n in regimes.regime_names)
    return replace(regimes, transition=tuple(tuple(float(v) for v in row) for row in p), initial=initial)


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """What :func:`run_simulation` produces for one scenario.

    Parameters
    ----------
    params : SimulationStudyParams
        The scenario.
    paths : tuple of Paths
        S&P 500 paths of each model in :data:`MODELS` order (index level starts at 1).
    stocks : Paths
        Multi-asset GJR-GARCH-CCC paths of the stocks with scenario co-jumps.
    vol_index : Paths
        Vol index (decimal) along the GJR-GARCH S&P paths.
    rates : Paths
        AAA/BAA yield paths (monthly steps).
    summary_table : pandas.DataFrame
        :func:`~tailkit.simulation.path_summary` row per model.
    facts : pandas.DataFrame
        Stylized facts, historical S&P 500 vs each model.
    stock_facts : pandas.DataFrame
        Stylized facts of the stocks, historical vs simulated (crash co-movement).
    put : pandas.DataFrame
        Per path of the chosen model: ``terminal`` (index at put expiry), ``payoff``, ``pnl``.
    put_premium : float
        Black-Scholes price of the put (per 1 of index), at the model's implied vol.
    put_vol : float
        The vol used to price the put (the model's annualised vol over the expiry).
    max_drawdown : pandas.DataFrame
        Max drawdown of every path, one column per model.
    moments : pandas.DataFrame
        :meth:`SimulationCalibration.moment_table` of the fits simulated.
    """

    params: SimulationStudyParams
    paths: tuple[Paths, ...]
    stocks: Paths
    vol_index: Paths
    rates: Paths
    summary_table: pd.DataFrame
    facts: pd.DataFrame
    stock_facts: pd.DataFrame
    put: pd.DataFrame
    put_premium: float
    put_vol: float
    max_drawdown: pd.DataFrame
    moments: pd.DataFrame

    def model_paths(self, model: str | None = None) -> Paths:
        """Paths of ``model`` (default the scenario's model)."""
        name = model or self.params.model
        if name not in MODELS:
            raise ParameterError(describe_bad_value("model", name, "one of " + ", ".join(MODELS)))
        return self.paths[MODELS.index(name)]

    def summary(self) -> dict[str, Any]:
        """Headline numbers (one JSON line in the notebook)."""
        p = self.params
        row = self.summary_table.loc[p.model]
        facts = self.facts[p.model]
        garch = self.moments.loc[("gjr_garch", "SPX")]
        pnl = self.put["pnl"]
        return {
            "model": p.model,
            "n_paths": p.n_paths,
            "horizon_days": p.horizon_days,
            "mdd_mean": round(float(row["mdd_mean"]), 4),
            "p_dd_gt_threshold": round(float(row[f"p_dd_gt_{p.drawdown_threshold:g}"]), 4),
            "horizon_var_95": round(float(row["horizon_var"]), 4),
            "horizon_es_95": round(float(row["horizon_es"]), 4),
            "excess_kurtosis": round(float(row["excess_kurtosis"]), 3),
            "moors_excess_kurtosis": round(float(facts["moors_excess_kurtosis"]), 4),
            "hill_tail_index": round(float(facts["hill_tail_index"]), 3),
            "garch_fourth_moment_condition": round(float(garch["condition"]), 4),
            "garch_fourth_moment_exists": bool(garch["fourth_moment_exists"]),
            "put_premium": round(self.put_premium, 5),
            "put_prob_payoff": round(float((self.put["payoff"] > 0).mean()), 4),
            "put_mean_pnl": round(float(pnl.mean()), 5),
            "vix_p95_max": round(float(np.quantile(self.vol_index.values[:, :, 0].max(axis=1), 0.95)), 4),
            "aaa_mean_end": round(float(self.rates.values[:, -1, 0].mean()), 5),
        }


def _put(paths: Paths, params: SimulationStudyParams) -> tuple[pd.DataFrame, float, float]:
    from tailkit.pricing import bs_price

    days = params.put_expiry_days
    level = paths.values[:, days, 0] / paths.values[:, 0, 0]
    logret = np.log(level)
    vol = float(logret.std(ddof=1) / np.sqrt(days * DT))  # the model's own vol to expiry
    strike = params.put_moneyness
    premium = float(bs_price("put", 1.0, strike, days * DT, params.rate, vol))
    payoff = np.maximum(strike - level, 0.0)
    pnl = payoff * np.exp(-params.rate * days * DT) - premium
    return pd.DataFrame({"terminal": level, "payoff": payoff, "pnl": pnl}), premium, vol


def run_simulation(params: SimulationStudyParams, calibration: SimulationCalibration) -> SimulationResult:
    """Simulate every model under the scenario and compute the study's tables.

    Parameters
    ----------
    params : SimulationStudyParams
        The scenario (the fit-window fields are ignored: ``calibration`` holds the fits).
    calibration : SimulationCalibration
        From :func:`calibrate`.

    Returns
    -------
    SimulationResult
    """
    cal = calibration
    n, steps, seed = params.n_paths, params.horizon_days, params.seed
    ss = np.random.SeedSequence(seed)
    seeds = ss.spawn(7)
    jumps_full = scenario_jumps(cal.merton, params, extra=False)
    jumps_extra = scenario_jumps(cal.merton, params, extra=True)
    extra = jumps_extra if jumps_extra.market_intensity > 0 else None
    regimes = scenario_regimes(cal.regimes.params, params)
    h0 = cal.garch.last_variance * params.start_vol_multiplier**2
    names = ("SPX",)
    paths = (
        simulate_gbm(cal.gbm.params, n_paths=n, n_steps=steps, seed=seeds[0], names=names),
        simulate_gbm(
            cal.merton.params, n_paths=n, n_steps=steps, seed=seeds[1], jumps=jumps_full, names=names
        ),
        simulate_regimes(regimes, n_paths=n, n_steps=steps, seed=seeds[2], jumps=extra, names=names),
        simulate_gjr_garch(
            cal.garch.params, n_paths=n, n_steps=steps, h0=h0, seed=seeds[3], jumps=extra, names=names
        ),
    )
    k = len(params.tickers)
    stock_jumps = scenario_jumps(cal.merton, params, extra=True, n_assets=k)
    n_stock = min(n, 2000)
    stocks = simulate_gjr_garch(
        cal.stocks_garch.params,
        n_paths=n_stock,
        n_steps=steps,
        h0=cal.stocks_garch.last_variance * params.start_vol_multiplier**2,
        seed=seeds[4],
        jumps=stock_jumps if stock_jumps.market_intensity > 0 else None,
        names=params.tickers,
    )
    vparams = cal.vol_index.params if cal.vol_index is not None else VolIndexParams()
    garch_paths = paths[3]
    assert garch_paths.variance is not None
    vol_index = simulate_vol_index(
        vparams, garch_paths.variance[:, :, 0] / DT, seed=seeds[5], name="vol_index"
    )
    vas = cal.vasicek.params
    shocked = VasicekParams(
        kappa=vas.kappa,
        theta=vas.theta,
        sigma=tuple(s * params.rate_vol_multiplier for s in vas.sigma),
        correlation=vas.correlation,
    )
    r0 = cal.vasicek.last + params.rate_shock_bp / 10_000.0
    rates = simulate_vasicek(
        shocked,
        r0,
        n_paths=min(n, 5000),
        n_steps=max(1, round(params.rates_horizon_years * 12)),
        dt=1.0 / 12.0,
        seed=seeds[6],
        names=cal.vasicek.names,
    )
    thresholds = tuple(sorted({0.1, 0.2, 0.3, params.drawdown_threshold}))
    summary = pd.concat(
        {
            m: path_summary(p, drawdown_thresholds=thresholds).to_frame().iloc[0]
            for m, p in zip(MODELS, paths)
        },
        axis=1,
    ).T.rename_axis("model")
    facts = stylized_facts_table(cal.spx_returns, dict(zip(MODELS, paths)))
    stock_facts = pd.DataFrame(
        {"historical": stylized_facts(cal.stock_returns), "gjr_garch_ccc_cojumps": stylized_facts(stocks)}
    ).rename_axis("statistic")
    put, premium, vol = _put(paths[MODELS.index(params.model)], params)
    mdd = pd.DataFrame({m: drawdown_stats(p).max_drawdown[:, 0] for m, p in zip(MODELS, paths)})
    return SimulationResult(
        params=params,
        paths=paths,
        stocks=stocks,
        vol_index=vol_index,
        rates=rates,
        summary_table=summary,
        facts=facts,
        stock_facts=stock_facts,
        put=put,
        put_premium=premium,
        put_vol=vol,
        max_drawdown=mdd,
        moments=cal.moment_table(),
    )
