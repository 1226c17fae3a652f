"""Calibrate the overlay's model from history: Vasicek yields, the TLT regression, a vol model.

Three pieces, fitted on daily data (``dt = 1/252``) in ``[start, end]``, by default leaving
out 2020-03-01 … 2021-12-31 (the COVID-era policy regime):

1. **Bivariate Vasicek** for the 20y and 30y yields from the exact AR(1) transition
   (:func:`tailkit.overlay.mean_reversion.fit_yield_model`: OLS, residual variance,
   delta-method standard errors, shock correlation mapped to continuous time), on the *pairs
   of consecutive trading days that are both in the sample*, so that the excluded window and
   missing days never create a fake one-day jump. By default (``kappa_estimator="kendall"``)
   the AR(1) coefficient is corrected for its small-sample bias (Kendall 1954), which
   otherwise over-states kappa by about 4 / (sample years); ``"mle"`` gives the plain MLE
   (equal to :func:`tailkit.calibration.fit_vasicek`). Both are reported. A tenor whose chosen
   AR(1) coefficient is >= 1 shows no detectable mean reversion and is modelled as a
   driftless random walk (kappa = 0), with a note.
2. **TLT regression** ``log(TLT) = alpha + beta * ybar + gamma * ybar**2`` with ``ybar`` the
   mean of the 20y and 30y yields (OLS; R², residual vol, and the residual's AR(1)
   persistence, used when simulating with residual noise). A
   :class:`OverlayFitWarning` is issued when R² < 0.95, naming likely causes.
3. **Volatility model** for option marks: a leg of strike ``K`` is priced at
   ``iv = max(iv_leg + price_sensitivity * log(S_t / S_0), iv_floor)`` where ``iv_leg`` is
   ``base_iv + skew_slope * log(K / S_0)`` at model IV, or the chain's quoted IV of that
   contract when a chain is given. Without a chain, ``base_iv`` is the realized vol of the last
   ``realized_window`` daily TLT log returns and ``price_sensitivity`` the OLS slope of the
   rolling 21-day realized vol on log(TLT) (``skew_slope`` = 0). With a chain, ``base_iv`` and
   ``skew_slope`` are the intercept and slope of IV on log-moneyness of out-of-the-money
   quotes near the money at the expiry closest to 45 days, and ``price_sensitivity`` equals
   the skew slope: when TLT moves to ``S`` the at-the-money IV becomes the IV quoted today at
   strike ``S`` and the whole smile shifts by that much.

The JSON file written by :func:`write_calibration` holds the required keys
``vasicek_params``, ``regression_params``, ``volatility_params``, ``current_values`` (plus
standard errors, sample description and warnings); :func:`read_calibration` reads files that
hold only the required keys too.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.overlay.mean_reversion import KAPPA_ESTIMATORS, THETA_LIMIT, KappaEstimator, fit_yield_model
from tailkit.overlay.model import (
    DT,
    REQUIRED_KEYS,
    CurrentValues,
    OverlayCalibration,
    OverlayFitWarning,
    TLTRegression,
    VolModel,
    read_calibration,
    write_calibration,
)

__all__ = [
    "OverlayFitWarning",
    "TLTRegression",
    "VolModel",
    "CurrentValues",
    "OverlayCalibration",
    "calibrate_overlay",
    "write_calibration",
    "read_calibration",
    "REQUIRED_KEYS",
]


R2_WARNING = 0.95


# --------------------------------------------------------------------------- fitting


def _history_frame(history: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(history, pd.DataFrame):
        raise ParameterError(describe_bad_value("history", type(history).__name__, "a pandas DataFrame"))
    frame = history
    if not isinstance(frame.index, pd.DatetimeIndex):
        if "date" not in frame.columns:
            raise DataError("history: needs a DatetimeIndex or a 'date' column")
        frame = frame.set_index(pd.DatetimeIndex(pd.to_datetime(frame["date"]), name="date"))
    missing = [c for c in ("yield_20y", "yield_30y", "tlt_close") if c not in frame.columns]
    if missing:
        raise DataError(f"history: missing column(s) {', '.join(map(repr, missing))}")
    out = frame[["yield_20y", "yield_30y", "tlt_close"]].astype(np.float64).sort_index()
    if np.nanmax(np.abs(out[["yield_20y", "yield_30y"]].to_numpy())) > 1.0:
        raise DataError(
            "history: yields look like percent (values > 1); convert to decimals (4.38 -> 0.0438)"
        )
    return out


def _fit_regression(ybar: np.ndarray, log_tlt: np.ndarray, pair_ok: np.ndarray) -> TLTRegression:
    X = np.column_stack([np.ones_like(ybar), ybar, ybar * ybar])
    coef, *_ = np.linalg.lstsq(X, log_tlt, rcond=None)
    resid = log_tlt - X @ coef
    n = ybar.size
    sst = float(np.sum((log_tlt - log_tlt.mean()) ** 2))
    r2 = 1.0 - float(resid @ resid) / sst if sst > 0 else float("nan")
    s2 = float(resid @ resid) / max(n - 3, 1)
    se = np.sqrt(np.clip(np.diag(s2 * np.linalg.pinv(X.T @ X)), 0.0, None))
    u0, u1 = resid[:-1][pair_ok], resid[1:][pair_ok]
    phi = float(u0 @ u1 / (u0 @ u0)) if u0.size > 2 and u0 @ u0 > 0 else 0.0
    phi = min(max(phi, 0.0), 0.999)
    innov = u1 - phi * u0
    return TLTRegression(
        alpha=float(coef[0]),
        beta=float(coef[1]),
        gamma=float(coef[2]),
        r_squared=r2,
        residual_vol=float(np.std(resid)),
        residual_ar1=phi,
        residual_innovation_vol=float(np.sqrt(np.mean(innov * innov))) if innov.size else 0.0,
        std_errors=(float(se[0]), float(se[1]), float(se[2])),
        n_obs=int(n),
    )


def _vol_from_realized(log_tlt: np.ndarray, pair_ok: np.ndarray, window: int) -> VolModel:
    rets = (log_tlt[1:] - log_tlt[:-1])[pair_ok]
    ends = log_tlt[1:][pair_ok]
    if rets.size < max(window, 30):
        raise DataError(f"calibrate_overlay: {rets.size} daily TLT returns, need at least {max(window, 30)}")
    base = float(np.std(rets[-window:], ddof=1) * math.sqrt(252.0))
    roll = 21
    if rets.size < roll + 10:
        return VolModel(base_iv=base, price_sensitivity=0.0, source="realized")
    csum = np.cumsum(np.concatenate([[0.0], rets]))
    csum2 = np.cumsum(np.concatenate([[0.0], rets * rets]))
    s1 = csum[roll:] - csum[:-roll]
    s2 = csum2[roll:] - csum2[:-roll]
    rv = np.sqrt(np.clip((s2 - s1 * s1 / roll) / (roll - 1), 0.0, None) * 252.0)
    xs = ends[roll - 1 :]
    xc = xs - xs.mean()
    sxx = float(xc @ xc)
    if sxx <= 0:
        return VolModel(base_iv=base, price_sensitivity=0.0, source="realized")
    slope = float(xc @ (rv - rv.mean()) / sxx)
    res = rv - rv.mean() - slope * xc
    # overlapping windows: inflate the OLS error by sqrt(window) (Hansen-Hodrick style, rough)
    se = math.sqrt(float(res @ res) / max(rv.size - 2, 1) / sxx) * math.sqrt(roll)
    return VolModel(base_iv=base, price_sensitivity=slope, source="realized", price_sensitivity_se=se)


def vol_from_chain(chain: pd.DataFrame, *, target_dte: int = 45, max_log_moneyness: float = 0.15) -> VolModel:
    """Volatility model from an option chain: ATM IV and skew slope of the expiry nearest ``target_dte``.

    Parameters
    ----------
    chain : DataFrame
        ``read_option_chain(...).chain`` (IV in decimals, ``dte`` in calendar days).
    target_dte : int, default=45
        Calendar days to the preferred expiry.
    max_log_moneyness : float, default=0.15
        Quotes with ``|log(K / S)|`` above this are left out of the fit.

    Returns
    -------
    VolModel
        ``source="chain"``; ``price_sensitivity`` equals ``skew_slope`` (the smile shifts with spot).
    """
    need = ("quote_date", "underlying_price", "option_type", "strike", "implied_vol", "dte")
    missing = [c for c in need if c not in chain.columns]
    if missing:
        raise DataError(f"option chain: missing column(s) {', '.join(map(repr, missing))}")
    last = chain[chain["quote_date"] == chain["quote_date"].max()]
    best: pd.DataFrame | None = None
    for _, group in sorted(last.groupby("dte"), key=lambda kv: abs(int(kv[0]) - target_dte)):
        spot = group["underlying_price"].to_numpy(np.float64)
        k = np.log(group["strike"].to_numpy(np.float64) / spot)
        otm = np.where(group["option_type"].to_numpy() == "put", k <= 0, k >= 0) & (
            np.abs(k) <= max_log_moneyness
        )
        if otm.sum() >= 3 and np.ptp(k[otm]) > 0:
            best = group[otm].assign(k=k[otm])
            break
    if best is None:
        raise DataError(
            "option chain: no expiry has 3 out-of-the-money quotes near the money to fit the smile"
        )
    X = np.column_stack([np.ones(len(best)), best["k"].to_numpy()])
    coef, *_ = np.linalg.lstsq(X, best["implied_vol"].to_numpy(np.float64), rcond=None)
    return VolModel(
        base_iv=float(coef[0]),
        price_sensitivity=float(coef[1]),
        skew_slope=float(coef[1]),
        source="chain",
    )


def calibrate_overlay(
    history: pd.DataFrame,
    *,
    start: str | pd.Timestamp | None = "2019-01-01",
    end: str | pd.Timestamp | None = "2024-12-31",
    exclude_covid: bool = True,
    covid_window: tuple[str, str] = ("2020-03-01", "2021-12-31"),
    chain: pd.DataFrame | None = None,
    realized_window: int = 63,
    kappa_estimator: KappaEstimator = "kendall",
) -> OverlayCalibration:
    """Fit the overlay's model (Vasicek yields, TLT regression, vol model) to daily history.

    Parameters
    ----------
    history : DataFrame of shape (n_days, 3)
        :func:`tailkit.data.read_history` output: DatetimeIndex (or a ``date`` column),
        ``yield_20y`` and ``yield_30y`` in decimals, ``tlt_close`` in USD.
    start, end : str or Timestamp, optional
        Sample window (inclusive); ``None`` = no bound.
    exclude_covid : bool, default=True
        Leave out ``covid_window`` (no transition across the gap is used).
    covid_window : tuple of str, default=("2020-03-01", "2021-12-31")
        First and last excluded day.
    chain : DataFrame, optional
        An option chain (``read_option_chain(...).chain``); when given, the vol model is
        fitted on it instead of on realized volatility.
    realized_window : int, default=63
        Days of returns behind the realized-vol ``base_iv``.
    kappa_estimator : {"kendall", "mle"}, default="kendall"
        Estimate of the yields' AR(1) coefficient behind kappa: Kendall's small-sample bias
        correction ``b = (n b_hat + 1) / (n - 3)`` (n transitions) or the plain MLE ``b_hat``.
        Both are reported in ``mean_reversion``; a chosen ``b >= 1`` makes the tenor a
        random walk (kappa = 0, noted).

    Returns
    -------
    OverlayCalibration

    Raises
    ------
    DataError
        Too few days in the sample, constant or anti-persistent (AR(1) <= 0) yields.

    Warns
    -----
    OverlayFitWarning
        R² of the TLT regression below 0.95 (causes named); a tenor modelled as a random walk;
        a mean-reversion half-life longer than the sample.

    Examples
    --------
    >>> cal = calibrate_overlay(read_history("history.csv"))  # doctest: +SKIP
    >>> cal.vasicek_dict()["kappa_20"]  # doctest: +SKIP
    """
    if kappa_estimator not in KAPPA_ESTIMATORS:
        raise ParameterError(
            describe_bad_value("kappa_estimator", kappa_estimator, f"one of {', '.join(KAPPA_ESTIMATORS)}")
        )
    frame = _history_frame(history)
    lo = pd.Timestamp(start) if start is not None else frame.index.min()
    hi = pd.Timestamp(end) if end is not None else frame.index.max()
    if lo > hi:
        raise ParameterError(describe_bad_value("start", str(start), f"a date on or before end={end!r}"))
    frame = frame[(frame.index >= lo) & (frame.index <= hi)]
    keep = np.isfinite(frame.to_numpy()).all(axis=1)
    if exclude_covid:
        c0, c1 = pd.Timestamp(covid_window[0]), pd.Timestamp(covid_window[1])
        keep &= ~((frame.index >= c0) & (frame.index <= c1))
    pair_all = keep[:-1] & keep[1:]
    rows = np.flatnonzero(keep)
    if rows.size < 60 or pair_all.sum() < 50:
        raise DataError(
            f"calibrate_overlay: {rows.size} usable days between {lo.date()} and {hi.date()}"
            + (" after excluding the COVID window" if exclude_covid else "")
            + "; need at least 60"
        )
    data = frame.to_numpy()[rows]
    # pairs between kept rows that were adjacent in the (windowed) file
    pair_ok = pair_all[rows[:-1]] & (np.diff(rows) == 1)
    y = data[:, :2]
    params, table, reversion = fit_yield_model(y, pair_ok, DT, estimator=kappa_estimator)
    ybar = y.mean(axis=1)
    log_tlt = np.log(data[:, 2])
    reg = _fit_regression(ybar, log_tlt, pair_ok)
    vol = (
        vol_from_chain(chain) if chain is not None else _vol_from_realized(log_tlt, pair_ok, realized_window)
    )
    notes: list[str] = []
    if not reg.r_squared >= R2_WARNING:
        notes.append(
            f"TLT regression R^2 = {reg.r_squared:.3f} < {R2_WARNING}: TLT is poorly explained by the 20y/30y "
            "yields in this sample; likely causes: a regime change inside the window (e.g. 2020-2022), "
            "TLT's duration drifting over a long sample, a total-return or split-unadjusted TLT column, "
            "yields and prices misaligned by a day, or yields in the wrong units"
        )
    span = (frame.index[rows[-1]] - frame.index[rows[0]]).days / 365.25
    window = f"{frame.index[rows[0]].date()} .. {frame.index[rows[-1]].date()}"
    for i, tenor in enumerate(("20y", "30y")):
        fit = reversion[i]
        if fit.random_walk:
            b = fit.ar1_kendall if fit.estimator == "kendall" else fit.ar1_mle
            why = ">= 1" if b >= 1.0 else f"< 1 but its long-run mean is beyond +-{THETA_LIMIT:.0%}"
            notes.append(
                f"{tenor} yield: no mean reversion detectable over {window} ({fit.n_pairs} daily transitions; "
                f"{fit.estimator} AR(1) coefficient {b:.5f} {why}, MLE {fit.ar1_mle:.5f}): modelled as a "
                "driftless random walk (kappa = 0, theta unused); a longer window (--start-date) may identify "
                "mean reversion"
            )
            continue
        half_life = math.log(2.0) / params.kappa[i]
        if half_life > span:
            notes.append(
                f"{tenor} mean-reversion half-life {half_life:.1f} years exceeds the {span:.1f}-year sample: "
                "kappa and theta are poorly identified (see their standard errors)"
            )
    for note in notes:
        warnings.warn(note, OverlayFitWarning, stacklevel=2)
    last = frame.index[rows[-1]]
    current = CurrentValues(
        yield_20y=float(data[-1, 0]),
        yield_30y=float(data[-1, 1]),
        tlt_price=float(data[-1, 2]),
        date=str(last.date()),
    )
    sample = {
        "start": str(frame.index[rows[0]].date()),
        "end": str(last.date()),
        "exclude_covid": bool(exclude_covid),
        "covid_window": list(covid_window) if exclude_covid else None,
        "n_obs": int(rows.size),
        "n_pairs": int(pair_ok.sum()),
        "dt": DT,
        "kappa_estimator": kappa_estimator,
    }
    return OverlayCalibration(
        vasicek=params,
        vasicek_table=table,
        regression=reg,
        volatility=vol,
        current=current,
        sample=sample,
        warnings=tuple(notes),
        mean_reversion=reversion,
    )
