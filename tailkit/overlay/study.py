"""Parameter sets and study functions behind the overlay notebooks 07, 08 and 09.

The notebooks (``07_overlay_calibration``, ``08_spread_screening``, ``09_exit_optimization``)
and their panels in ``widgets.overlay`` are thin: they build a parameter set, call one study
function here and hand its frames to :mod:`tailkit.charts.overlay`. The numerics are the
overlay's own (:mod:`tailkit.overlay`); this module only resolves inputs (the bundled
SYNTHETIC files by default), arranges results into tidy frames and collects headline numbers
with their Monte Carlo standard errors.

Input files: ``history_file`` / ``chain_file`` / ``calibration_file`` take a path, or
``"synthetic"`` for the bundled SYNTHETIC files of :mod:`tailkit.data.synthetic` (then every
table and chart title says so), or ``"none"`` where a file is optional.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.data import read_history, read_option_chain
from tailkit.data.synthetic import SyntheticHistoryParams, synthetic_paths
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import (
    CreditSpread,
    ExitGrid,
    ExitOptimization,
    ExitRules,
    FillModel,
    OverlayCalibration,
    ScreeningResult,
    SimulationSettings,
    SizingRules,
    calibrate_overlay,
    evaluate,
    evaluate_market,
    optimize_exits,
    read_calibration,
    simulate_overlay,
    spread_from_delta,
    write_calibration,
)
from tailkit.params import atomic_write_text, param, validate

__all__ = [
    "SYNTHETIC",
    "OverlayCalibrationParams",
    "OverlayCalibrationStudy",
    "data_label",
    "load_history_input",
    "load_chain_input",
    "overlay_calibration_study",
    "vasicek_innovations",
    "innovation_stats",
    "simulated_fan",
    "load_calibration_input",
    "MODEL_SOURCE",
    "MARKET_SOURCE",
    "SpreadScreeningParams",
    "SpreadScreeningStudy",
    "spread_screening_study",
    "ExitOptimizationParams",
    "ExitOptimizationStudy",
    "exit_optimization_study",
]

#: the keyword that selects the bundled SYNTHETIC files
SYNTHETIC = "synthetic"
_NONE = "none"
_DT = 1.0 / 252.0
_FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _check_date(name: str, value: str) -> pd.Timestamp:
    try:
        out = pd.Timestamp(value)
    except (TypeError, ValueError):
        out = pd.NaT
    if pd.isna(out):
        raise ParameterError(describe_bad_value(name, value, "a date such as '2019-01-01'"))
    return out


def data_label(source: str) -> str:
    """Return the label shown in titles: ``"SYNTHETIC data"`` or the file's name.

    Parameters
    ----------
    source : str
        ``"synthetic"`` or a path.

    Returns
    -------
    str
    """
    if source.strip().lower() == SYNTHETIC:
        return "SYNTHETIC data"
    return f"data: {source.replace(chr(92), '/').rsplit('/', 1)[-1]}"


def load_history_input(
    history_file: str,
    *,
    date_col: str = "date",
    yield_20y_col: str = "yield_20y",
    yield_30y_col: str = "yield_30y",
    tlt_col: str = "tlt_close",
) -> pd.DataFrame:
    """Read the overlay history: the bundled SYNTHETIC file for ``"synthetic"``, else the path.

    Parameters
    ----------
    history_file : str
        ``"synthetic"`` or a CSV/Parquet path (``date,yield_20y,yield_30y,tlt_close``).
    date_col, yield_20y_col, yield_30y_col, tlt_col : str
        Column names in a user's file.

    Returns
    -------
    DataFrame of shape (n_days, 3)
        :func:`tailkit.data.read_history` output (decimal yields).
    """
    if history_file.strip().lower() == SYNTHETIC:
        return read_history(synthetic_paths().history, yield_units="percent")
    return read_history(
        history_file,
        date_col=date_col,
        yield_20y_col=yield_20y_col,
        yield_30y_col=yield_30y_col,
        tlt_col=tlt_col,
    )


def load_chain_input(chain_file: str) -> pd.DataFrame | None:
    """Read an option chain: the bundled SYNTHETIC chain, a path, or ``None`` for ``"none"``/``""``.

    Parameters
    ----------
    chain_file : str
        ``"synthetic"``, ``"none"`` (or empty) or a path to an option-chain CSV.

    Returns
    -------
    DataFrame or None
        ``read_option_chain(...).chain`` (IV in decimals); rejected rows are reported by the
        reader's warning.
    """
    key = chain_file.strip().lower()
    if key in (_NONE, ""):
        return None
    if key == SYNTHETIC:
        return read_option_chain(synthetic_paths().chain, iv_units="percent").chain
    return read_option_chain(chain_file).chain


# ------------------------------------------------------------------ notebook 07


@dataclass(frozen=True, slots=True, kw_only=True)
class OverlayCalibrationParams:
    """Parameters of notebook ``07_overlay_calibration`` (mirror ``tailkit calibrate``'s options).

    The fan section simulates ``fan_paths`` paths of the fitted model ``fan_days`` trading days
    ahead from the last observation.
    """

    history_file: str = param(
        SYNTHETIC, doc="history CSV path, or 'synthetic' for the bundled SYNTHETIC file"
    )
    chain_file: str = param(_NONE, doc="option chain for the vol model: path, 'synthetic' or 'none'")
    start_date: str = param("2019-01-01", doc="first day of the calibration sample")
    end_date: str = param("2024-12-31", doc="last day of the calibration sample")
    exclude_covid: bool = param(True, doc="leave out 2020-03-01 to 2021-12-31")
    date_col: str = param("date", doc="date column of the history file")
    yield_20y_col: str = param("yield_20y", doc="20y yield column of the history file")
    yield_30y_col: str = param("yield_30y", doc="30y yield column of the history file")
    tlt_col: str = param("tlt_close", doc="TLT close column of the history file")
    realized_window: int = param(63, ge=10, le=2520, doc="days of returns behind the realized-vol base IV")
    fan_days: int = param(252, ge=5, le=2520, doc="horizon of the simulated fan, trading days")
    fan_paths: int = param(2000, ge=100, le=200_000, doc="paths of the simulated fan")
    seed: int = param(42, ge=0, doc="random seed of the fan")
    output_file: str = param("", doc="write the calibration JSON here ('' = do not write)")

    def __post_init__(self) -> None:
        validate(self)
        lo = _check_date("start_date", self.start_date)
        hi = _check_date("end_date", self.end_date)
        if lo > hi:
            raise ParameterError(
                describe_bad_value(
                    "start_date", self.start_date, f"a date on or before end_date={self.end_date!r}"
                )
            )


def vasicek_innovations(history: pd.DataFrame, calibration: OverlayCalibration) -> pd.DataFrame:
    """Standardized one-step Vasicek innovations of the calibration sample, per tenor.

    ``z_t = (y_{t+1} - theta - (y_t - theta) e^{-kappa dt}) / sd``, ``sd = sigma sqrt((1 -
    e^{-2 kappa dt}) / (2 kappa))``, on pairs of consecutive rows both inside the sample
    window (and outside the excluded COVID window when it was excluded). Under the model
    they are i.i.d. standard normal.

    Parameters
    ----------
    history : DataFrame
        The full history (``read_history`` output).
    calibration : OverlayCalibration
        The fit (its ``sample`` says which days were used).

    Returns
    -------
    DataFrame
        Tidy: ``date`` (day ``t+1``), ``tenor`` ("20y"/"30y"), ``z``.
    """
    s = calibration.sample
    frame = history.loc[pd.Timestamp(s["start"]) : pd.Timestamp(s["end"])]
    keep = np.isfinite(frame[["yield_20y", "yield_30y"]].to_numpy()).all(axis=1)
    if s.get("exclude_covid") and s.get("covid_window"):
        c0, c1 = (pd.Timestamp(d) for d in s["covid_window"])
        keep &= ~((frame.index >= c0) & (frame.index <= c1))
    pair = keep[:-1] & keep[1:]
    kappa, theta, sigma, _ = calibration.vasicek.arrays()
    out = []
    for i, (col, tenor) in enumerate((("yield_20y", "20y"), ("yield_30y", "30y"))):
        y = frame[col].to_numpy()
        decay = math.exp(-kappa[i] * _DT)
        sd = sigma[i] * math.sqrt(-math.expm1(-2.0 * kappa[i] * _DT) / (2.0 * kappa[i]))
        z = (y[1:] - theta[i] - (y[:-1] - theta[i]) * decay) / sd
        out.append(pd.DataFrame({"date": frame.index[1:][pair], "tenor": tenor, "z": z[pair]}))
    return pd.concat(out, ignore_index=True)


def innovation_stats(innovations: pd.DataFrame) -> pd.DataFrame:
    """Moments of the standardized innovations against the model's N(0, 1).

    Parameters
    ----------
    innovations : DataFrame
        :func:`vasicek_innovations` output.

    Returns
    -------
    DataFrame
        Index ``tenor``; ``n``, ``mean``, ``std``, ``skew``, ``excess_kurtosis``,
        ``autocorr_1`` (lag-1), ``share_beyond_3sd`` (normal: 0.0027).
    """
    rows = {}
    for tenor, g in innovations.groupby("tenor", sort=True):
        z = g["z"].to_numpy()
        c = z - z.mean()
        sd = float(np.sqrt(np.mean(c * c)))
        rows[tenor] = {
            "n": int(z.size),
            "mean": float(z.mean()),
            "std": float(np.std(z, ddof=1)),
            "skew": float(np.mean(c**3) / sd**3),
            "excess_kurtosis": float(np.mean(c**4) / sd**4 - 3.0),
            "autocorr_1": float(np.corrcoef(z[1:], z[:-1])[0, 1]),
            "share_beyond_3sd": float(np.mean(np.abs(z) > 3.0)),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("tenor")


def simulated_fan(
    calibration: OverlayCalibration,
    *,
    n_days: int,
    n_paths: int,
    seed: int,
    quantiles: tuple[float, ...] = _FAN_QUANTILES,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Simulate the fitted model forward and summarize it as quantile bands.

    The overlay's own simulation (:func:`tailkit.overlay.simulate_overlay`, the engine behind
    every screening and exit optimization) with the regression residual's noise: exact
    Vasicek yields from today's 20y/30y, TLT through the regression plus the residual's AR(1)
    started from today's residual, so day 0 equals today's close.

    Parameters
    ----------
    calibration : OverlayCalibration
        The fitted model.
    n_days : int
        Horizon, trading days.
    n_paths : int
        Number of paths.
    seed : int
        Random seed.
    quantiles : tuple of float, default=(0.05, 0.25, 0.5, 0.75, 0.95)
        Band quantiles.

    Returns
    -------
    fan : DataFrame
        Tidy: ``day``, ``series`` ("yield_20y", "yield_30y", "tlt"), ``quantile``, ``value``
        (decimal yields, USD for TLT).
    terminal : dict of str to float
        Horizon numbers with Monte Carlo standard errors: ``yield_20y_mean`` / ``_se``,
        ``tlt_mean`` / ``_se``, ``p_tlt_down_10pct`` / ``_se`` (probability TLT ends >= 10% lower).
    """
    settings = SimulationSettings(n_paths=n_paths, seed=seed, residual_noise=True)
    paths = simulate_overlay(calibration, n_days, settings=settings)
    end_y, end_tlt = paths.yields[:, -1, 0], paths.tlt[:, -1]
    down = (end_tlt <= 0.9 * calibration.current.tlt_price).astype(np.float64)
    root = math.sqrt(n_paths)
    terminal = {
        "yield_20y_mean": float(end_y.mean()),
        "yield_20y_mean_se": float(end_y.std(ddof=1) / root),
        "tlt_mean": float(end_tlt.mean()),
        "tlt_mean_se": float(end_tlt.std(ddof=1) / root),
        "p_tlt_down_10pct": float(down.mean()),
        "p_tlt_down_10pct_se": float(math.sqrt(max(down.mean() * (1 - down.mean()), 0.0) / n_paths)),
    }
    return paths.to_frame(quantiles), terminal


@dataclass(frozen=True, slots=True)
class OverlayCalibrationStudy:
    """Everything notebook 07 shows, computed from one :class:`OverlayCalibrationParams`.

    Attributes
    ----------
    params : OverlayCalibrationParams
        The inputs.
    label : str
        ``"SYNTHETIC data"`` or the history file's name (for titles).
    history : DataFrame
        The whole history with a ``status`` column: "in sample", "excluded (COVID)" or
        "outside window".
    calibration : OverlayCalibration
        The fit.
    full_sample : OverlayCalibration
        The same fit on the whole history without exclusion (a robustness comparison).
    comparison : DataFrame
        Estimates and standard errors of both fits side by side; for the SYNTHETIC history also
        ``generator_value``, the parameter the data were generated with (the truth a fit
        should recover).
    fitted : DataFrame
        In-sample ``date``, ``ybar``, ``log_tlt``, ``fitted``, ``residual`` of the TLT regression.
    innovations : DataFrame
        :func:`vasicek_innovations`.
    innovation_stats : DataFrame
        :func:`innovation_stats`.
    fan : DataFrame
        :func:`simulated_fan` bands.
    terminal : dict of str to float
        Horizon numbers with Monte Carlo standard errors.
    """

    params: OverlayCalibrationParams
    label: str
    history: pd.DataFrame
    calibration: OverlayCalibration
    full_sample: OverlayCalibration
    comparison: pd.DataFrame
    fitted: pd.DataFrame
    innovations: pd.DataFrame
    innovation_stats: pd.DataFrame
    fan: pd.DataFrame
    terminal: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers (the notebook's summary line), with standard errors."""
        cal = self.calibration
        est = dict(zip(cal.vasicek_table.names, cal.vasicek_table.estimates))
        se = dict(zip(cal.vasicek_table.names, cal.vasicek_table.std_errors))
        out: dict[str, Any] = {"data": self.label}
        for key in ("kappa_20", "theta_20", "sigma_20", "rho"):
            out[key] = round(float(est[key]), 6)
            out[f"{key}_se"] = round(float(se[key]), 6)
        out["r_squared"] = round(cal.regression.r_squared, 6)
        out["base_iv"] = round(cal.volatility.base_iv, 6)
        out["vol_source"] = cal.volatility.source
        out["n_obs"] = int(cal.sample["n_obs"])
        out["fan_days"] = self.params.fan_days
        out |= {k: round(v, 6) for k, v in self.terminal.items()}
        out["n_warnings"] = len(cal.warnings)
        return out


def _sample_status(index: pd.DatetimeIndex, cal: OverlayCalibration) -> np.ndarray:
    s = cal.sample
    inside = (index >= pd.Timestamp(s["start"])) & (index <= pd.Timestamp(s["end"]))
    status = np.where(inside, "in sample", "outside window").astype(object)
    if s.get("exclude_covid") and s.get("covid_window"):
        c0, c1 = (pd.Timestamp(d) for d in s["covid_window"])
        status[inside & (index >= c0) & (index <= c1)] = "excluded (COVID)"
    return status


def _comparison(window: OverlayCalibration, full: OverlayCalibration, synthetic: bool) -> pd.DataFrame:
    a = window.to_frame().set_index(["group", "parameter"])
    b = full.to_frame().set_index(["group", "parameter"])
    out = a.join(b.add_suffix("_full"))
    out = out.rename(columns={"estimate": "estimate_window", "std_error": "std_error_window"}).reset_index()
    if synthetic:
        truth = asdict(SyntheticHistoryParams())
        out["generator_value"] = [float(truth.get(name, np.nan)) for name in out["parameter"]]
    return out


def overlay_calibration_study(params: OverlayCalibrationParams) -> OverlayCalibrationStudy:
    """Fit the overlay model and compute notebook 07's diagnostics and fan.

    Parameters
    ----------
    params : OverlayCalibrationParams
        Inputs.

    Returns
    -------
    OverlayCalibrationStudy
        When ``params.output_file`` is not empty the calibration JSON is written there
        (atomically) too.
    """
    p = params
    history = load_history_input(
        p.history_file,
        date_col=p.date_col,
        yield_20y_col=p.yield_20y_col,
        yield_30y_col=p.yield_30y_col,
        tlt_col=p.tlt_col,
    )
    chain = load_chain_input(p.chain_file)
    cal = calibrate_overlay(
        history,
        start=p.start_date,
        end=p.end_date,
        exclude_covid=p.exclude_covid,
        chain=chain,
        realized_window=p.realized_window,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the comparison fit's own warnings are not the study's
        full = calibrate_overlay(history, start=None, end=None, exclude_covid=False, chain=chain)
    hist = history.copy()
    hist["status"] = _sample_status(hist.index, cal)
    inside = hist[hist["status"] == "in sample"]
    ybar = 0.5 * (inside["yield_20y"] + inside["yield_30y"])
    log_tlt = np.log(inside["tlt_close"])
    fitted_values = np.asarray(cal.regression.log_price(ybar.to_numpy()), dtype=np.float64)
    fitted = pd.DataFrame(
        {
            "date": inside.index,
            "ybar": ybar.to_numpy(),
            "log_tlt": log_tlt.to_numpy(),
            "fitted": fitted_values,
            "residual": log_tlt.to_numpy() - fitted_values,
        }
    )
    innov = vasicek_innovations(history, cal)
    fan, terminal = simulated_fan(cal, n_days=p.fan_days, n_paths=p.fan_paths, seed=p.seed)
    if p.output_file.strip():
        write_calibration(cal, p.output_file)
    return OverlayCalibrationStudy(
        params=p,
        label=data_label(p.history_file),
        history=hist,
        calibration=cal,
        full_sample=full,
        comparison=_comparison(cal, full, p.history_file.strip().lower() == SYNTHETIC),
        fitted=fitted,
        innovations=innov,
        innovation_stats=innovation_stats(innov),
        fan=fan,
        terminal=terminal,
    )


def load_calibration_input(calibration_file: str) -> OverlayCalibration:
    """Return a calibration: fitted on the SYNTHETIC history for ``"synthetic"``, else read from JSON.

    ``"synthetic"`` fits the bundled SYNTHETIC history with ``tailkit calibrate``'s defaults.

    Parameters
    ----------
    calibration_file : str
        ``"synthetic"`` or a path written by ``tailkit calibrate``.

    Returns
    -------
    OverlayCalibration
    """
    if calibration_file.strip().lower() == SYNTHETIC:
        return calibrate_overlay(load_history_input(SYNTHETIC))
    return read_calibration(calibration_file)


# ------------------------------------------------------------------ shared by 08 and 09


def _settings(p: Any) -> SimulationSettings:
    return SimulationSettings(
        n_paths=p.n_paths,
        seed=p.seed,
        risk_free_rate=p.risk_free_rate,
        dividend_yield=p.dividend_yield,
        residual_noise=p.residual_noise,
    )


def _kinds(spread_types: str) -> tuple[str, ...]:
    return ("put", "call") if spread_types == "both" else (spread_types,)


def _rules_label(frame: pd.DataFrame) -> pd.Series:
    return (
        (100 * frame["profit_target_pct"]).round().astype(int).astype(str)
        + "% / "
        + frame["loss_multiple"].map(lambda m: f"{m:g}")
        + "x / "
        + frame["dte_threshold"].astype(int).astype(str)
        + "d"
    )


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


# ------------------------------------------------------------------ notebook 08


@dataclass(frozen=True, slots=True, kw_only=True)
class SpreadScreeningParams:
    """Parameters of notebook ``08_spread_screening`` (``tailkit evaluate`` + ``evaluate-market``).

    Model-IV screening builds strikes from short-leg ``deltas`` and ``widths`` at
    ``expiration_days`` trading days and fills each leg ``half_spread`` from the model mid;
    market screening takes the chain's contracts between ``min_dte`` and ``max_dte`` calendar
    days at bid/ask and sizes them with fractional Kelly.
    """

    calibration_file: str = param(
        SYNTHETIC, doc="calibration JSON, or 'synthetic' (fit the SYNTHETIC history)"
    )
    chain_file: str = param(SYNTHETIC, doc="option-chain CSV, or 'synthetic' for the bundled SYNTHETIC chain")
    spread_types: str = param("both", choices=("both", "put", "call"), doc="bull puts, bear calls or both")
    deltas: tuple[float, ...] = param((0.10, 0.15, 0.20, 0.25, 0.30), gt=0.0, lt=1.0, doc="short-leg deltas")
    widths: tuple[float, ...] = param((1.0, 2.0, 3.0, 5.0), gt=0.0, le=100.0, doc="strike widths, $")
    expiration_days: int = param(45, ge=5, le=504, doc="model screening: trading days to expiry")
    min_dte: int = param(30, ge=1, le=1000, doc="market screening: fewest calendar days to expiry")
    max_dte: int = param(90, ge=1, le=1000, doc="market screening: most calendar days to expiry")
    min_delta: float = param(0.05, gt=0.0, lt=1.0, doc="market screening: smallest |delta| of the short leg")
    max_delta: float = param(0.40, gt=0.0, lt=1.0, doc="market screening: largest |delta| of the short leg")
    min_pop: float = param(0.70, ge=0.0, le=1.0, doc="minimum probability of profit")
    profit_target: float = param(0.50, gt=0.0, le=1.0, doc="close at this fraction of max profit")
    loss_multiple: float = param(2.0, ge=1.0, le=100.0, doc="close when the mark reaches this x credit")
    dte_close: int = param(7, ge=0, le=500, doc="close at this many trading days to expiry (0 = off)")
    rank_by: str = param("expected_pnl", choices=("expected_pnl", "risk_adjusted_return"), doc="ranking")
    navs: tuple[float, ...] = param((1_000_000.0, 10_000_000.0), gt=0.0, doc="NAVs to size for, $")
    kelly_fraction: float = param(0.25, gt=0.0, le=1.0, doc="fraction of full Kelly")
    max_risk_pct: float = param(0.02, gt=0.0, le=1.0, doc="cap on NAV fraction at max loss per trade")
    n_paths: int = param(4000, ge=100, le=1_000_000, doc="simulated paths (same paths for every spread)")
    seed: int = param(42, ge=0, doc="seed of the shocks")
    risk_free_rate: float = param(0.05, ge=-0.1, le=1.0, doc="risk-free rate, decimal")
    dividend_yield: float = param(0.0, ge=0.0, le=1.0, doc="TLT dividend yield, decimal")
    residual_noise: bool = param(False, doc="add the TLT regression's residual noise")
    half_spread: float = param(0.02, ge=0.0, le=10.0, doc="model screening: half bid-ask per leg, $")
    commission: float = param(0.65, ge=0.0, le=100.0, doc="commission per contract per leg, $")
    top: int = param(10, ge=1, le=1000, doc="rows shown per table")

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
        if self.dte_close >= self.expiration_days:
            raise ParameterError(
                describe_bad_value(
                    "dte_close", self.dte_close, f"an int < expiration_days={self.expiration_days}"
                )
            )

    def rules(self) -> ExitRules:
        """The exit rules applied to every candidate."""
        return ExitRules(
            profit_target_pct=self.profit_target,
            loss_multiple=self.loss_multiple,
            dte_threshold=self.dte_close,
        )


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
            tag = next((c for c in self.sizing.columns if c.startswith("contracts_")), None)
            if tag is not None:
                out[f"market_best_{tag}"] = int(self.sizing[tag].iloc[0])
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
    settings = _settings(p)
    fills = FillModel(half_spread=p.half_spread, commission=p.commission)
    sizing = SizingRules(kelly_multiplier=p.kelly_fraction, max_nav_at_risk=p.max_risk_pct, navs=p.navs)
    common = {"kinds": _kinds(p.spread_types), "rules": p.rules(), "min_pop": p.min_pop, "rank_by": p.rank_by}
    model = evaluate(
        cal,
        deltas=p.deltas,
        widths=p.widths,
        expiration_days=p.expiration_days,
        settings=settings,
        fills=fills,
        **common,
    )
    market = evaluate_market(
        cal,
        chain,
        min_dte=p.min_dte,
        max_dte=p.max_dte,
        min_delta=p.min_delta,
        max_delta=p.max_delta,
        widths=p.widths,
        settings=settings,
        fills=fills,
        sizing=sizing,
        **common,
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


# ------------------------------------------------------------------ notebook 09


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
    settings = _settings(p)
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
