"""Causal regime detection on a market index with tailkit's Markov-switching filter.

The model (:func:`tailkit.calibration.fit_regimes`, Gaussian regimes of the index's log
returns, Hamilton-filter EM) is fitted on the first ``train_bars`` bars only (and, when
``refit_bars > 0``, refitted every ``refit_bars`` bars on the data up to that bar). Between
fits the parameters are fixed and the regime probabilities used on bar ``t`` are the
*filtered* ones, ``P(s_t | r_1..r_t)``: nothing after ``t`` is used, so truncating the data
at ``t`` leaves every earlier state unchanged. No decision is taken before ``train_bars``.

Named regimes (documented mapping from the fitted means and vols of each regime):

* the most volatile regime is ``crisis`` (when K >= 2);
* any other regime whose mean daily log return is negative is ``correction``;
* of the rest, the least volatile is ``goldilocks`` and the others are ``volatile_bull``.

Probabilities of regimes that share a name are added; the current regime is the name with
the highest probability and its **confidence** is that probability. **Stability** is the
probability of staying in the same fitted regime next bar, ``sum_s p_s P[s, s]``, and the
expected remaining duration ``1 / (1 - stability)`` bars.

**Horizons.** The original system read 1-day, 4-hour and 1-hour bars; tailkit reads daily
data, so its horizons are daily, weekly and monthly *resamplings* of the index: a weekly
(monthly) model is fitted on the returns of completed ISO weeks (calendar months) in the
training window, and on bar ``t`` its state is the filtered state at the end of the last
period completed before ``t``'s period began. Decisions follow the daily horizon;
``agreement`` is the fraction of horizons whose regime equals the daily one.

**Transitions.** A change of the daily regime between consecutive bars is a transition.
Regimes are ordered by risk (goldilocks 0, volatile_bull 1, correction 2, crisis 3);
severity is ``low`` for a move to a less risky regime, ``medium`` for one step up,
``high`` for two or more, and ``critical`` for a move into crisis with confidence at least
``critical_confidence``. A critical transition carries override authority over the
protections (for ``override_days`` bars).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.calibration.regimes import filter_regimes, fit_regimes
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import param, validate

__all__ = [
    "REGIME_NAMES",
    "RegimeDetectionParams",
    "RegimeTimeline",
    "Transition",
    "detect_regimes",
    "name_regimes",
    "transition_severity",
]

REGIME_NAMES: tuple[str, ...] = ("goldilocks", "volatile_bull", "correction", "crisis")
_RISK = {n: i for i, n in enumerate(REGIME_NAMES)}
_DT = {"daily": 1.0 / 252.0, "weekly": 1.0 / 52.0, "monthly": 1.0 / 12.0}


@dataclass(frozen=True, slots=True, kw_only=True)
class RegimeDetectionParams:
    """Regime detection settings.

    Parameters
    ----------
    n_regimes : int, default=3
        Fitted regimes K (2..4).
    train_bars : int, default=756
        Bars of the first fit (no decision before them).
    refit_bars : int, default=0
        Refit every this many bars on all data so far (0 = never).
    horizons : tuple of str, default=("daily", "weekly", "monthly")
        Horizons fitted; ``daily`` is required and drives decisions.
    critical_confidence : float, default=0.8
        Confidence above which a transition into crisis is critical.
    """

    n_regimes: int = param(3, ge=2, le=4, doc="fitted regimes K")
    train_bars: int = param(756, ge=126, le=20_000, doc="bars of the first fit (warm-up)")
    refit_bars: int = param(0, ge=0, le=20_000, doc="refit every n bars (0 = never)")
    horizons: tuple[str, ...] = param(
        ("daily", "weekly", "monthly"), choices=("daily", "weekly", "monthly"), doc="horizons fitted"
    )
    critical_confidence: float = param(0.8, ge=0.5, le=1.0, doc="confidence of a critical transition")

    def __post_init__(self) -> None:
        validate(self)
        if "daily" not in self.horizons:
            raise ParameterError(
                describe_bad_value("horizons", self.horizons, "a tuple that includes 'daily'")
            )
        need = {"weekly": 5, "monthly": 21}
        for h in self.horizons:
            if h in need and self.train_bars // need[h] < max(30, 10 * self.n_regimes) + 2:
                raise ParameterError(
                    describe_bad_value(
                        "train_bars",
                        self.train_bars,
                        f">= {need[h] * (max(30, 10 * self.n_regimes) + 2)} for the {h} horizon "
                        f"with {self.n_regimes} regimes",
                    )
                )


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of the daily regime.

    Parameters
    ----------
    date : Timestamp
        Bar of the new regime.
    source, target : str
        Regime names before and after.
    confidence : float
        Confidence in the new regime.
    severity : {"low", "medium", "high", "critical"}
        See the module docstring.
    """

    date: pd.Timestamp
    source: str
    target: str
    confidence: float
    severity: str

    @property
    def override(self) -> bool:
        """True for a critical transition (override authority)."""
        return self.severity == "critical"

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly fields."""
        return {
            "date": str(self.date.date()),
            "source": self.source,
            "target": self.target,
            "confidence": self.confidence,
            "severity": self.severity,
            "override": self.override,
        }


def transition_severity(source: str, target: str, confidence: float, critical_confidence: float) -> str:
    """Severity of a move from ``source`` to ``target`` (see the module docstring)."""
    if target == "crisis" and confidence >= critical_confidence:
        return "critical"
    step = _RISK[target] - _RISK[source]
    if step <= 0:
        return "low"
    return "medium" if step == 1 else "high"


def name_regimes(means: np.ndarray, vols: np.ndarray) -> tuple[str, ...]:
    """Names of fitted regimes from their mean log return and vol (module docstring rule).

    Examples
    --------
    >>> name_regimes(np.array([0.001, 0.0005, -0.002]), np.array([0.01, 0.015, 0.03]))
    ('goldilocks', 'volatile_bull', 'crisis')
    """
    m = np.asarray(means, dtype=float)
    v = np.asarray(vols, dtype=float)
    k = m.size
    names = [""] * k
    worst = int(np.argmax(v)) if k >= 2 else -1
    calm = [s for s in range(k) if s != worst and m[s] >= 0.0]
    for s in range(k):
        if s == worst:
            names[s] = "crisis"
        elif m[s] < 0.0:
            names[s] = "correction"
    if calm:
        best = min(calm, key=lambda s: v[s])
        for s in calm:
            names[s] = "goldilocks" if s == best else "volatile_bull"
    return tuple(names)


@dataclass(frozen=True, slots=True)
class RegimeTimeline:
    """Causal regime states of every bar.

    Parameters
    ----------
    frame : DataFrame of shape (n_bars, ...)
        Columns ``regime``, ``confidence``, ``stability``, ``expected_duration``, per horizon
        ``regime_<h>`` and ``confidence_<h>``, and ``agreement``; NaN/None before ``start``.
    transitions : tuple of Transition
        Daily regime changes from ``start`` on.
    start : int
        First bar with a state (``train_bars``).
    """

    frame: pd.DataFrame
    transitions: tuple[Transition, ...]
    start: int

    def to_frame(self) -> pd.DataFrame:
        """The per-bar table."""
        return self.frame


def _period_key(index: pd.DatetimeIndex, horizon: str) -> np.ndarray:
    if horizon == "weekly":
        iso = index.isocalendar()
        return (iso["year"].to_numpy() * 100 + iso["week"].to_numpy()).astype(np.int64)
    return (index.year * 100 + index.month).to_numpy().astype(np.int64)


def _fit_filter(
    logp: np.ndarray, upto: int, k: int, dt: float, until: int
) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Fit on returns of points 1..upto, filter returns of points 1..until-1; probs per point."""
    r = np.diff(logp[: upto + 1])
    fit = fit_regimes(r, k, dt)
    mu, sigma, _, trans = fit.params.arrays()
    means = (mu[:, 0] - 0.5 * sigma[:, 0] ** 2) * dt
    names = name_regimes(means, sigma[:, 0] * np.sqrt(dt))
    probs = filter_regimes(np.diff(logp[:until]), fit.params, dt).filtered
    return probs, np.diag(trans), names


def _named(probs: np.ndarray, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    agg = np.zeros((probs.shape[0], len(REGIME_NAMES)))
    for s, n in enumerate(names):
        agg[:, _RISK[n]] += probs[:, s]
    best = np.argmax(agg, axis=1)
    return best, agg[np.arange(len(best)), best]


def detect_regimes(index: pd.Series, params: RegimeDetectionParams | None = None) -> RegimeTimeline:
    """Regime, confidence, stability and transitions of every bar, causally.

    Parameters
    ----------
    index : Series of shape (n_bars,)
        Market index closes (> 0) on a DatetimeIndex.
    params : RegimeDetectionParams, optional
        Settings.

    Returns
    -------
    RegimeTimeline
    """
    params = RegimeDetectionParams() if params is None else params
    if not isinstance(index, pd.Series) or not isinstance(index.index, pd.DatetimeIndex):
        raise DataError(describe_bad_value("index", type(index).__name__, "a Series of closes on dates"))
    values = index.to_numpy(dtype=float)
    if np.any(~(values > 0)):
        i = int(np.flatnonzero(~(values > 0))[0])
        raise DataError(
            describe_bad_value(f"index[{index.index[i].date()}]", float(values[i]), "a close > 0")
        )
    n = len(values)
    start = params.train_bars
    if n <= start:
        raise DataError(describe_bad_value("len(index)", n, f"> train_bars = {start}"))
    logp = np.log(values)
    k = params.n_regimes
    fits = [start] + (
        list(range(start + params.refit_bars, n, params.refit_bars)) if params.refit_bars else []
    )
    regime = np.full(n, -1)
    conf = np.full(n, np.nan)
    stab = np.full(n, np.nan)
    for i, f in enumerate(fits):
        end = fits[i + 1] if i + 1 < len(fits) else n
        probs, stay, names = _fit_filter(logp, f, k, _DT["daily"], end)
        rows = slice(f - 1, end - 1)  # return of point t sits in row t - 1
        best, c = _named(probs[rows], names)
        regime[f:end] = best
        conf[f:end] = c
        stab[f:end] = probs[rows] @ stay
    data: dict[str, Any] = {
        "regime": [REGIME_NAMES[r] if r >= 0 else None for r in regime],
        "confidence": conf,
        "stability": stab,
        "expected_duration": 1.0 / np.maximum(1.0 - stab, 1e-12),
    }
    same = np.zeros(n)
    for h in params.horizons:
        if h == "daily":
            continue
        key = _period_key(index.index, h)
        last = np.flatnonzero(np.r_[key[1:] != key[:-1], False])  # last bar of each period
        pts = np.r_[0, last]  # period closes (bar 0 as the origin)
        n_train = int(np.sum(pts <= start - 1))
        probs, _, names = _fit_filter(logp[pts], n_train - 1, k, _DT[h], len(pts))
        best, c = _named(probs, names)
        # bar t sees the last period that ended before t's period began
        seen = np.searchsorted(last, np.arange(n), side="left") - 1  # index into last / probs rows
        hr = np.array([REGIME_NAMES[best[j]] if j >= 0 else None for j in seen], dtype=object)
        hc = np.array([c[j] if j >= 0 else np.nan for j in seen])
        hr[:start] = None
        hc[:start] = np.nan
        data[f"regime_{h}"] = hr
        data[f"confidence_{h}"] = hc
        same += np.array([a == b for a, b in zip(hr, data["regime"])], dtype=float)
    data["agreement"] = np.where(regime >= 0, (same + 1.0) / len(params.horizons), np.nan)
    frame = pd.DataFrame(data, index=index.index)
    transitions = []
    for t in range(start + 1, n):
        if regime[t] != regime[t - 1]:
            src, dst = REGIME_NAMES[regime[t - 1]], REGIME_NAMES[regime[t]]
            sev = transition_severity(src, dst, float(conf[t]), params.critical_confidence)
            transitions.append(Transition(index.index[t], src, dst, float(conf[t]), sev))
    return RegimeTimeline(frame, tuple(transitions), start)
