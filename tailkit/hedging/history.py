"""Hedge programs on history: the S&P 500 with an implied-vol path, crisis windows one by one.

The implied-vol path is the observed VIX where it exists and, before, a **proxy**: the
GJR-GARCH conditional vol of the index (the one-step-ahead forecast known at each close,
annualised) times a variance-risk-premium ratio fitted on the overlap,
``ratio = exp(mean(log VIX - log garch_vol))`` (the geometric mean ratio). Every table and
chart built from a history marks which dates, windows and numbers rest on the proxy.

The VIX future on history uses a constant-target log-OU model of the index fitted to the same
path (AR(1) on ``log V``): ``kappa = -log(b) / dt``, the long-run mean as the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.hedging.marking import HedgeMarket
from tailkit.hedging.surface import VixModel, VolSurface

__all__ = [
    "CRISIS_WINDOWS",
    "CrisisWindow",
    "ImpliedVolPath",
    "fit_vrp_ratio",
    "garch_vol_forecast",
    "implied_vol_path",
    "history_market",
    "bundled_history",
    "fit_log_ou",
]

DT = 1.0 / 252.0


@dataclass(frozen=True, slots=True)
class CrisisWindow:
    """A named stress window (peak to trough of the S&P 500 or the event's weeks)."""

    name: str
    start: str
    end: str


#: crisis windows reported one by one (those the data covers)
CRISIS_WINDOWS: tuple[CrisisWindow, ...] = (
    CrisisWindow("dot-com", "2000-03-24", "2002-10-09"),
    CrisisWindow("GFC", "2007-10-09", "2009-03-09"),
    CrisisWindow("Aug 2011", "2011-07-22", "2011-10-03"),
    CrisisWindow("Aug 2015", "2015-08-10", "2015-09-29"),
    CrisisWindow("Q4 2018", "2018-09-20", "2018-12-24"),
    CrisisWindow("COVID-2020", "2020-02-19", "2020-03-23"),
)


def garch_vol_forecast(closes: pd.Series) -> pd.Series:
    """Annualised GJR-GARCH(1,1,1) one-step vol forecast known at each close (decimal).

    Fitted with :func:`tailkit.calibration.fit_gjr_garch` (Student-t) on daily log returns; the
    value on date ``t`` is ``sqrt(252 * h_{t+1})`` with
    ``h_{t+1} = omega + (alpha + gamma 1[e_t < 0]) e_t^2 + beta h_t``. The first date takes
    the second's value.
    """
    from tailkit.calibration import fit_gjr_garch

    r = np.log(closes).diff().dropna()
    fit = fit_gjr_garch(r, dist="t")
    p = fit.params
    h = fit.conditional_vol.iloc[:, 0].to_numpy() ** 2
    e = r.to_numpy() - p.mu[0]
    nxt = p.omega[0] + (p.alpha[0] + p.gamma[0] * (e < 0)) * e**2 + p.beta[0] * h
    vol = np.sqrt(nxt / DT)
    return pd.Series(np.r_[vol[0], vol], index=closes.index, name="garch_vol")


def fit_vrp_ratio(vix: pd.Series, garch_vol: pd.Series) -> float:
    """Geometric-mean ratio of the VIX (decimal) to the GARCH vol on their common dates."""
    common = vix.index.intersection(garch_vol.index)
    if len(common) < 20:
        raise DataError(
            f"VIX and index overlap on {len(common)} dates; at least 20 are needed to fit the ratio"
        )
    return float(np.exp(np.mean(np.log(vix.loc[common]) - np.log(garch_vol.loc[common]))))


@dataclass(frozen=True, slots=True)
class ImpliedVolPath:
    """Implied-vol path of a history: the VIX where observed, the GARCH x VRP proxy elsewhere.

    Parameters
    ----------
    vol : Series
        Vol index, decimal, on the index's dates.
    proxy : Series of bool
        True where ``vol`` is the proxy.
    vrp_ratio : float
        Fitted VIX / GARCH-vol ratio (NaN without VIX data: then ``default_ratio`` was used).
    """

    vol: pd.Series
    proxy: pd.Series
    vrp_ratio: float

    def to_frame(self) -> pd.DataFrame:
        """Columns ``vol`` and ``proxy``."""
        return pd.DataFrame({"vol": self.vol, "proxy": self.proxy})


def implied_vol_path(
    closes: pd.Series, vix_points: pd.Series | None, *, default_ratio: float = 1.15
) -> ImpliedVolPath:
    """Build the implied-vol path of ``closes`` (see the module docstring).

    Parameters
    ----------
    closes : Series
        Index closes on a DatetimeIndex.
    vix_points : Series or None
        VIX in index points (20 = 20%) on a DatetimeIndex; None: proxy everywhere.
    default_ratio : float, default=1.15
        VRP ratio when there is no VIX to fit it on.

    Returns
    -------
    ImpliedVolPath
    """
    gv = garch_vol_forecast(closes)
    if vix_points is None or len(vix_points) == 0:
        vol = gv * default_ratio
        return ImpliedVolPath(
            vol.rename("vol"), pd.Series(True, index=closes.index, name="proxy"), float("nan")
        )
    vix = (vix_points / 100.0).reindex(closes.index)
    observed = vix.notna() & (closes.index >= vix_points.index[0])
    ratio = fit_vrp_ratio(vix[observed], gv)
    # inside the VIX's span, a missing day carries the last observed value forward
    inside = (closes.index >= vix_points.index[0]) & (closes.index <= vix_points.index[-1])
    vol = gv * ratio
    filled = vix.ffill()
    vol = vol.where(~inside, filled).rename("vol")
    proxy = pd.Series(~inside, index=closes.index, name="proxy")
    return ImpliedVolPath(vol, proxy, ratio)


def fit_log_ou(vol: pd.Series, dt: float = DT) -> VixModel:
    """Constant-target log-OU fit of a vol index: AR(1) on ``log V``."""
    x = np.log(vol.to_numpy(dtype=float))
    mean = float(x.mean())
    d = x - mean
    b = float(np.dot(d[1:], d[:-1]) / np.dot(d[:-1], d[:-1]))
    b = min(max(b, 1e-6), 1 - 1e-9)
    kappa = -np.log(b) / dt
    resid = d[1:] - b * d[:-1]
    xi = float(resid.std(ddof=1) * np.sqrt(2 * kappa / (1 - b * b)))
    return VixModel(kappa=float(min(kappa, 1000.0)), vol_of_vol=xi, long_run_target=mean, target_speed=0.0)


def history_market(
    closes: pd.Series,
    vix_points: pd.Series | None = None,
    *,
    start: str | None = None,
    end: str | None = None,
    rate: float = 0.02,
    dividend_yield: float = 0.018,
    surface: VolSurface | None = None,
    source: str = "history",
    vol_path: ImpliedVolPath | None = None,
) -> HedgeMarket:
    """A one-path market on history: index closes, implied-vol path, fitted VIX model.

    Parameters
    ----------
    closes : Series
        Index closes (points) on a DatetimeIndex; the GARCH proxy is fitted on all of them.
    vix_points : Series, optional
        VIX closes in index points; None: proxy everywhere.
    start, end : str, optional
        Dates to keep for marking (after the fits).
    rate, dividend_yield : float
        Cash rate and dividend yield (constant; decimals).
    surface : VolSurface, optional
    source : str
    vol_path : ImpliedVolPath, optional
        A path already built by :func:`implied_vol_path` for these closes (skips the fit).

    Returns
    -------
    HedgeMarket
        One path (``n_paths == 1``) with ``dates`` and the ``proxy`` flags.
    """
    if not isinstance(closes, pd.Series) or not isinstance(closes.index, pd.DatetimeIndex):
        raise ParameterError(
            describe_bad_value("closes", type(closes).__name__, "a Series on a DatetimeIndex")
        )
    closes = closes.dropna().sort_index()
    if len(closes) < 300:
        raise DataError(
            f"the index history has {len(closes)} closes; at least 300 are needed (GARCH fit, 1-year returns)"
        )
    path = implied_vol_path(closes, vix_points) if vol_path is None else vol_path
    model = fit_log_ou(path.vol)
    keep = pd.Series(True, index=closes.index)
    if start is not None:
        keep &= closes.index >= pd.Timestamp(start)
    if end is not None:
        keep &= closes.index <= pd.Timestamp(end)
    if int(keep.sum()) < 2:
        raise ParameterError(
            describe_bad_value(
                "start",
                start,
                f"a window with at least 2 dates inside {closes.index[0].date()}..{closes.index[-1].date()}",
            )
        )
    c = closes[keep]
    v = path.vol[keep]
    return HedgeMarket(
        spot=c.to_numpy(dtype=float)[None, :].copy(),
        index=v.to_numpy(dtype=float)[None, :].copy(),
        target=np.full((1, len(c)), model.long_run_target),
        dt=DT,
        rate=rate,
        dividend_yield=dividend_yield,
        vix_model=model,
        surface=surface or VolSurface(),
        dates=pd.DatetimeIndex(c.index),
        proxy=path.proxy[keep].to_numpy(dtype=bool),
        source=source,
    )


@lru_cache(maxsize=1)
def _bundled_inputs() -> tuple[pd.Series, pd.Series]:
    from tailkit.data import load_sp500, load_vix

    return load_sp500()["close"], load_vix()["vix"]


@lru_cache(maxsize=1)
def _cached_vol_path(key: str) -> ImpliedVolPath:
    spx, vix = _bundled_inputs()
    return implied_vol_path(spx, vix)


def bundled_history(
    *,
    start: str | None = None,
    end: str | None = None,
    rate: float = 0.02,
    dividend_yield: float = 0.018,
    surface: VolSurface | None = None,
) -> HedgeMarket:
    """The bundled S&P 500 (1999-2018) with the bundled VIX (2014-2018) and the proxy before.

    The GARCH fit behind the proxy is made once per process (the bundled data do not change).
    """
    spx, vix = _bundled_inputs()
    return history_market(
        spx,
        vix,
        start=start,
        end=end,
        rate=rate,
        dividend_yield=dividend_yield,
        surface=surface,
        source="history: S&P 500 1999-2018 (bundled); implied vol = VIX 2014-2018, GARCH x VRP proxy before",
        vol_path=_cached_vol_path("bundled"),
    )
