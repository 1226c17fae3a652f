"""Notebook ``07_overlay_calibration``: fit the overlay's model on a sample window, and its fan."""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import (
    OverlayCalibration,
    SimulationSettings,
    calibrate_overlay,
    simulate_overlay,
    write_calibration,
)
from tailkit.params import param, validate
from tailkit.studies.overlay_inputs import (
    NONE,
    SYNTHETIC,
    check_date,
    data_label,
    load_chain_input,
    load_history_input,
)
from tailkit.synthetic.history import SyntheticHistoryParams

__all__ = [
    "OverlayCalibrationParams",
    "OverlayCalibrationStudy",
    "overlay_calibration_study",
    "vasicek_innovations",
    "innovation_stats",
    "simulated_fan",
]

_DT = 1.0 / 252.0
_FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True, slots=True, kw_only=True)
class OverlayCalibrationParams:
    """Parameters of notebook ``07_overlay_calibration`` (mirror ``tailkit calibrate``'s options).

    The fan section simulates ``fan_paths`` paths of the fitted model ``fan_days`` trading days
    ahead from the last observation.
    """

    history_file: str = param(
        SYNTHETIC, doc="history CSV path, or 'synthetic' for the bundled SYNTHETIC file"
    )
    chain_file: str = param(NONE, doc="option chain for the vol model: path, 'synthetic' or 'none'")
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
        lo = check_date("start_date", self.start_date)
        hi = check_date("end_date", self.end_date)
        if lo > hi:
            raise ParameterError(
                describe_bad_value(
                    "start_date", self.start_date, f"a date on or before end_date={self.end_date!r}"
                )
            )


def vasicek_innovations(history: pd.DataFrame, calibration: OverlayCalibration) -> pd.DataFrame:
    """Standardized one-step Vasicek innovations of the calibration sample, per tenor.

    ``z_t = (y_{t+1} - theta - (y_t - theta) e^{-kappa dt}) / sd``, ``sd = sigma sqrt((1 -
    e^{-2 kappa dt}) / (2 kappa))`` (``sigma sqrt(dt)`` for a random-walk tenor, kappa = 0), on pairs of consecutive rows both inside the sample
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
        # (1 - e^{-2 kappa dt}) / (2 kappa), whose limit is dt for a random-walk tenor (kappa = 0)
        var_step = -math.expm1(-2.0 * kappa[i] * _DT) / (2.0 * kappa[i]) if kappa[i] > 0 else _DT
        sd = sigma[i] * math.sqrt(var_step)
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
