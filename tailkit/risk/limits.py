"""Dynamic risk limits, breach reports, volatility targeting and drawdown protection.

The sizing and protection rules are pure, causal functions of a return series (the value
for date t uses data up to t - 1), so a backtester can call them directly.

Dynamic limits
--------------
A limit tightens with the volatility regime: ``limit = base * multiplier(regime)``, where the
regime is the first band whose upper vol bound is above the current (annualised) vol; by
default calm (< 15%): x1.0, normal (< 25%): x0.8, stressed (< 40%): x0.6, crisis: x0.4.

Severity of a metric against its limit, by utilisation ``u = value / limit``: ``ok`` (u < warn,
0.8 by default), ``warning`` (warn <= u < 1), ``breach`` (1 <= u < critical, 1.25 by
default), ``critical`` (u >= critical).

Fixed limits
------------
Some limits do not scale with market volatility: concentration shares
(:mod:`tailkit.risk.concentration`) or days to liquidate (:mod:`tailkit.risk.liquidity`). Pass
them to :func:`check_limits` as ``fixed_limits``; they join the same breach report unscaled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tailkit._validation import as_float_array, check_range
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.risk import _kernels

__all__ = [
    "VolRegimeSchedule",
    "DEFAULT_SCHEDULE",
    "LimitBreach",
    "LimitReport",
    "dynamic_limits",
    "check_limits",
    "vol_target_leverage",
    "drawdown_protection",
    "realized_vol",
]

SEVERITIES = ("ok", "warning", "breach", "critical")


@dataclass(frozen=True, slots=True)
class VolRegimeSchedule:
    """Volatility bands and the limit multiplier in each.

    Attributes
    ----------
    bounds : tuple of float
        Increasing upper annualised-vol bounds of all bands but the last (decimals).
    multipliers : tuple of float
        One multiplier per band (``len(bounds) + 1``), each in (0, 1], non-increasing.
    names : tuple of str
        Band names (``len(bounds) + 1``).
    """

    bounds: tuple[float, ...] = (0.15, 0.25, 0.40)
    multipliers: tuple[float, ...] = (1.0, 0.8, 0.6, 0.4)
    names: tuple[str, ...] = ("calm", "normal", "stressed", "crisis")

    def __post_init__(self) -> None:
        if len(self.multipliers) != len(self.bounds) + 1 or len(self.names) != len(self.bounds) + 1:
            raise ParameterError(
                describe_bad_value(
                    "multipliers", self.multipliers, f"{len(self.bounds) + 1} values and names"
                )
            )
        if any(b <= a for a, b in zip(self.bounds, self.bounds[1:])) or any(b <= 0 for b in self.bounds):
            raise ParameterError(describe_bad_value("bounds", self.bounds, "increasing positive vols"))
        if any(not 0 < m <= 1 for m in self.multipliers) or any(
            b > a for a, b in zip(self.multipliers, self.multipliers[1:])
        ):
            raise ParameterError(
                describe_bad_value("multipliers", self.multipliers, "non-increasing, in (0, 1]")
            )

    def regime(self, vol: float) -> int:
        """Index of the band ``vol`` falls in."""
        return int(np.searchsorted(np.asarray(self.bounds), vol, side="right"))

    def multiplier(self, vol: float) -> float:
        """Limit multiplier at annualised vol ``vol``."""
        return float(self.multipliers[self.regime(vol)])


DEFAULT_SCHEDULE = VolRegimeSchedule()


def dynamic_limits(
    base_limits: Mapping[str, float], vol: float, schedule: VolRegimeSchedule = DEFAULT_SCHEDULE
) -> dict[str, float]:
    """Limits tightened for the current volatility regime.

    Parameters
    ----------
    base_limits : mapping of str to float
        Limits in the calm regime (e.g. ``{"var_99": 0.03, "es_99": 0.045, "gross": 1.5}``).
    vol : float
        Current annualised volatility (decimal) of the regime driver.
    schedule : VolRegimeSchedule, default=DEFAULT_SCHEDULE
        Bands and multipliers.

    Returns
    -------
    dict of str to float

    Examples
    --------
    >>> dynamic_limits({"var_99": 0.03}, vol=0.30)
    {'var_99': 0.018}
    """
    if not np.isfinite(vol) or vol < 0:
        raise ParameterError(describe_bad_value("vol", vol, "a finite annualised vol >= 0"))
    m = schedule.multiplier(vol)
    return {k: round(float(v) * m, 12) for k, v in base_limits.items()}


@dataclass(frozen=True, slots=True)
class LimitBreach:
    """One metric checked against its limit.

    Attributes
    ----------
    metric : str
    value, limit, utilization : float
        ``utilization = value / limit``.
    severity : str
        ``ok``, ``warning``, ``breach`` or ``critical``.
    """

    metric: str
    value: float
    limit: float
    utilization: float
    severity: str


@dataclass(frozen=True, slots=True)
class LimitReport:
    """Every checked limit, with the regime that set them.

    Attributes
    ----------
    regime : str
        Volatility band name.
    vol : float
        Volatility used to pick the band.
    multiplier : float
        Multiplier applied to the base limits.
    items : tuple of LimitBreach
    """

    regime: str
    vol: float
    multiplier: float
    items: tuple[LimitBreach, ...] = field(default=())

    @property
    def worst_severity(self) -> str:
        """Most severe status across items (``ok`` if none)."""
        if not self.items:
            return "ok"
        return max((i.severity for i in self.items), key=SEVERITIES.index)

    def breaches(self) -> tuple[LimitBreach, ...]:
        """Items at ``breach`` or ``critical``."""
        return tuple(i for i in self.items if SEVERITIES.index(i.severity) >= 2)

    def to_frame(self) -> pd.DataFrame:
        """One row per metric: value, limit, utilization, severity."""
        return pd.DataFrame(
            [(i.value, i.limit, i.utilization, i.severity) for i in self.items],
            columns=["value", "limit", "utilization", "severity"],
            index=pd.Index([i.metric for i in self.items], name="metric"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Regime, worst severity and the metrics in breach."""
        return {
            "regime": self.regime,
            "vol": self.vol,
            "multiplier": self.multiplier,
            "worst_severity": self.worst_severity,
            "breaches": [i.metric for i in self.breaches()],
        }


def _severity(u: float, warn: float, critical: float) -> str:
    if u >= critical:
        return "critical"
    if u >= 1.0:
        return "breach"
    if u >= warn:
        return "warning"
    return "ok"


def check_limits(
    metrics: Mapping[str, float],
    base_limits: Mapping[str, float],
    *,
    vol: float,
    schedule: VolRegimeSchedule = DEFAULT_SCHEDULE,
    warn: float = 0.8,
    critical: float = 1.25,
    fixed_limits: Mapping[str, float] | None = None,
) -> LimitReport:
    """Check risk metrics against limits that tighten with the volatility regime.

    Parameters
    ----------
    metrics : mapping of str to float
        Current values (losses and exposures as positive numbers), keyed like ``base_limits``.
    base_limits : mapping of str to float
        Calm-regime limits (> 0). Metrics without a limit are ignored.
    vol : float
        Current annualised volatility (decimal).
    schedule : VolRegimeSchedule, default=DEFAULT_SCHEDULE
        Bands and multipliers.
    warn, critical : float, default=0.8, 1.25
        Utilisation thresholds of ``warning`` and ``critical``.
    fixed_limits : mapping of str to float, optional
        Limits (> 0) that do not scale with the regime (e.g. concentration shares), checked
        after the regime-scaled ones; a name may not appear in both mappings.

    Returns
    -------
    LimitReport

    Examples
    --------
    >>> rep = check_limits({"var": 0.02, "largest_position": 0.3}, {"var": 0.03}, vol=0.3,
    ...                    fixed_limits={"largest_position": 0.35})
    >>> [(i.metric, i.limit, i.severity) for i in rep.items]
    [('var', 0.018, 'breach'), ('largest_position', 0.35, 'warning')]
    """
    if not 0 < warn < 1 < critical:
        raise ParameterError(
            describe_bad_value("(warn, critical)", (warn, critical), "0 < warn < 1 < critical")
        )
    fixed = dict(fixed_limits or {})
    both = sorted(set(fixed) & set(base_limits))
    if both:
        raise ParameterError(describe_bad_value("fixed_limits", both, "names not also in base_limits"))
    lims = dynamic_limits(base_limits, vol, schedule)
    source = {name: "base_limits" for name in lims}
    for name, limit in fixed.items():
        lims[name] = float(limit)
        source[name] = "fixed_limits"
    raw = {**base_limits, **fixed}
    items = []
    for name, limit in lims.items():
        if name not in metrics:
            continue
        if not limit > 0:
            raise ParameterError(describe_bad_value(f"{source[name]}[{name!r}]", raw[name], "a limit > 0"))
        value = float(metrics[name])
        u = abs(value) / limit
        items.append(LimitBreach(name, value, float(limit), u, _severity(u, warn, critical)))
    band = schedule.regime(vol)
    return LimitReport(schedule.names[band], float(vol), schedule.multipliers[band], tuple(items))


def realized_vol(returns: pd.Series, *, window: int = 21, annualization: int = 252) -> pd.Series:
    """Trailing realised volatility (std, ddof=1) annualised with ``sqrt(annualization)``."""
    return pd.Series(returns, dtype=float).rolling(window, min_periods=window).std() * np.sqrt(annualization)


def vol_target_leverage(
    returns: pd.Series,
    *,
    target_vol: float = 0.10,
    window: int = 63,
    max_leverage: float = 2.0,
    min_leverage: float = 0.0,
    annualization: int = 252,
) -> pd.Series:
    """Volatility-targeting exposure: ``target_vol / realised vol``, clipped, known one day ahead.

    The exposure for date t uses returns up to t - 1 (trailing ``window``-day realised vol,
    annualised); before enough history it is ``min(1, max_leverage)``.

    Parameters
    ----------
    returns : Series
        Daily returns of the unlevered strategy.
    target_vol : float, default=0.10
        Annualised target (decimal, > 0).
    window : int, default=63
        Trailing window in days (>= 2).
    max_leverage, min_leverage : float, default=2.0, 0.0
        Bounds on the exposure.
    annualization : int, default=252
        Periods per year.

    Returns
    -------
    Series
        Exposure multiplier per date.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> r = pd.Series(np.random.default_rng(0).normal(0, 0.02, 300))
    >>> lev = vol_target_leverage(r, target_vol=0.1, window=63)
    >>> float(lev.iloc[-1]) < 1.0
    True
    """
    check_range("target_vol", as_float_array("target_vol", target_vol), gt=0.0)
    if not 0 <= min_leverage <= max_leverage:
        raise ParameterError(
            describe_bad_value(
                "(min_leverage, max_leverage)", (min_leverage, max_leverage), "0 <= min <= max"
            )
        )
    if isinstance(window, bool) or not isinstance(window, int) or window < 2:
        raise ParameterError(describe_bad_value("window", window, "an int >= 2"))
    rv = realized_vol(returns, window=window, annualization=annualization).shift(1)
    with np.errstate(divide="ignore"):
        lev = target_vol / rv
    lev = lev.clip(lower=min_leverage, upper=max_leverage)
    return lev.fillna(min(1.0, max_leverage)).rename("exposure")


def drawdown_protection(
    returns: pd.Series | Sequence[float],
    *,
    threshold: float = 0.10,
    rerisk_drawdown: float = 0.05,
    rerisk_rebound: float = 0.0,
    derisked_exposure: float = 0.5,
    full_exposure: float = 1.0,
) -> pd.Series:
    """Drawdown-protection rule: de-risk after a drawdown of ``threshold``, re-risk after recovery.

    The drawdown is measured on the NAV of the input (unprotected) returns from its running
    peak. Once it reaches ``threshold`` the exposure drops to ``derisked_exposure``; it goes
    back to ``full_exposure`` when the drawdown has recovered to ``rerisk_drawdown`` or less,
    or (if ``rerisk_rebound > 0``) when the NAV has risen ``rerisk_rebound`` above its trough
    since de-risking. Causal: the exposure for date t uses returns up to t - 1.

    Parameters
    ----------
    returns : Series or sequence of float
        Periodic returns of the unprotected strategy (NaN counts as 0).
    threshold : float, default=0.10
        Drawdown that triggers de-risking, in (0, 1).
    rerisk_drawdown : float, default=0.05
        Drawdown at or below which exposure is restored, in [0, threshold).
    rerisk_rebound : float, default=0.0
        Rebound from the trough that also restores exposure (0 disables).
    derisked_exposure, full_exposure : float, default=0.5, 1.0
        Exposures in the two states.

    Returns
    -------
    Series
        Exposure per date.

    Examples
    --------
    >>> drawdown_protection([-0.06, -0.06, 0.0, 0.2], threshold=0.1).tolist()
    [1.0, 1.0, 0.5, 0.5]
    """
    if not 0 < threshold < 1:
        raise ParameterError(describe_bad_value("threshold", threshold, "a drawdown in (0, 1)"))
    if not 0 <= rerisk_drawdown < threshold:
        raise ParameterError(describe_bad_value("rerisk_drawdown", rerisk_drawdown, f"in [0, {threshold})"))
    if not rerisk_rebound >= 0:
        raise ParameterError(describe_bad_value("rerisk_rebound", rerisk_rebound, "a float >= 0"))
    index = returns.index if isinstance(returns, pd.Series) else None
    r = np.ascontiguousarray(as_float_array("returns", returns).ravel())
    out = np.empty(r.shape[0])
    _kernels.drawdown_exposure(
        r,
        float(threshold),
        float(rerisk_drawdown),
        float(rerisk_rebound),
        float(derisked_exposure),
        float(full_exposure),
        out,
    )
    return pd.Series(out, index=index, name="exposure")
