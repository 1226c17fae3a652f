"""What is measured for each program: cost, protection, effectiveness in stress, the frontier.

Conventions
-----------
* Returns are over the horizon of the paths (NAV starts at 1); "1-year returns" are NAV after
  252 steps (the horizon when shorter). Losses are positive fractions (0.3 = -30%).
* CVaR at level ``a`` (0.95, 0.99) is the mean loss in the worst ``1 - a`` of paths, estimated
  as ``VaR + mean(max(L - VaR, 0)) / (1 - a)`` (Rockafellar-Uryasev). Its standard error, and
  that of a hedged-minus-unhedged difference, is the standard deviation of that representation
  (paired, path by path: common random numbers) over ``sqrt(n)``.
* **Hedge effectiveness** over a set of stress paths: the share of the unhedged loss that the
  hedge offsets, ``E = sum(hedged - unhedged) / sum(unhedged loss)``; 0 for no hedge, 1 when
  the hedge gives back the whole loss. Stress paths are the worst ``tail`` (5%) by unhedged
  return. Standard error by the delta method for a ratio of means.
* **Crisis paths** are paths whose unhedged max drawdown reaches ``crisis_drawdown`` (20%);
  the carry drag is the mean annualised hedged-minus-unhedged return on the other paths.
* **Price per unit of protection**: net cost a year (mean unhedged minus hedged return,
  annualised) per unit of CVaR95 reduction.
* A program is **Pareto efficient** when no other costs no more and protects at least as well,
  one of them strictly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.hedging.marking import MarkedPrograms

__all__ = [
    "EFFECTIVENESS_TARGET",
    "Estimate",
    "ProgramMetrics",
    "ProgramEvaluation",
    "cvar",
    "cvar_difference",
    "hedge_effectiveness",
    "pareto_mask",
    "mean_difference",
    "evaluate_marked",
]

#: effectiveness in stress the plan sets as the target (> 70%)
EFFECTIVENESS_TARGET = 0.70


@dataclass(frozen=True, slots=True)
class Estimate:
    """A Monte Carlo estimate and its standard error."""

    value: float
    se: float


def _returns(name: str, values: object) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1 or a.size < 2 or not np.all(np.isfinite(a)):
        raise ParameterError(describe_bad_value(name, "array", "1-D finite returns, at least 2"))
    return a


def _ru(losses: np.ndarray, level: float) -> tuple[float, np.ndarray]:
    var = float(np.quantile(losses, level, method="inverted_cdf"))
    return var, var + np.maximum(losses - var, 0.0) / (1.0 - level)


def cvar(returns: object, level: float = 0.95) -> Estimate:
    """CVaR (expected shortfall) of the losses ``-returns`` at ``level``, with its standard error.

    Parameters
    ----------
    returns : array_like of shape (n,)
    level : float, default=0.95
        Confidence level in (0, 1).

    Returns
    -------
    Estimate
        Mean loss in the worst ``1 - level`` (positive fraction) and its standard error.
    """
    if not 0.0 < level < 1.0:
        raise ParameterError(describe_bad_value("level", level, "a level in (0, 1)"))
    r = _returns("returns", returns)
    _, psi = _ru(-r, level)
    return Estimate(float(psi.mean()), float(psi.std(ddof=1) / np.sqrt(r.size)))


def cvar_difference(hedged: object, unhedged: object, level: float = 0.95) -> Estimate:
    """CVaR(hedged) - CVaR(unhedged) on the same paths (negative: the hedge cuts the tail)."""
    h = _returns("hedged", hedged)
    u = _returns("unhedged", unhedged)
    if h.shape != u.shape:
        raise ParameterError(describe_bad_value("hedged", h.shape, f"the shape of unhedged {u.shape}"))
    _, ph = _ru(-h, level)
    _, pu = _ru(-u, level)
    d = ph - pu
    return Estimate(float(d.mean()), float(d.std(ddof=1) / np.sqrt(d.size)))


def mean_difference(a: object, b: object) -> Estimate:
    """Paired mean of ``a - b`` and its standard error."""
    d = _returns("a", a) - _returns("b", b)
    return Estimate(float(d.mean()), float(d.std(ddof=1) / np.sqrt(d.size)))


def hedge_effectiveness(unhedged: object, hedged: object, *, tail: float = 0.05) -> Estimate:
    """Share of the unhedged loss the hedge offsets over the worst ``tail`` of paths.

    Parameters
    ----------
    unhedged, hedged : array_like of shape (n,)
        Returns of the same paths without and with the hedge.
    tail : float, default=0.05
        Share of paths (worst by unhedged return) that make the stress set; 1 uses every path.

    Returns
    -------
    Estimate
        ``sum(hedged - unhedged) / sum(-unhedged)`` over the stress set (NaN when the unhedged
        portfolio does not lose there) and its delta-method standard error.
    """
    if not 0.0 < tail <= 1.0:
        raise ParameterError(describe_bad_value("tail", tail, "a share of paths in (0, 1]"))
    u = _returns("unhedged", unhedged)
    h = _returns("hedged", hedged)
    if h.shape != u.shape:
        raise ParameterError(describe_bad_value("hedged", h.shape, f"the shape of unhedged {u.shape}"))
    k = max(2, int(np.ceil(tail * u.size)))
    idx = np.argsort(u, kind="stable")[:k]
    loss = -u[idx]
    gain = h[idx] - u[idx]
    mean_loss = float(loss.mean())
    if mean_loss <= 0.0:
        return Estimate(float("nan"), float("nan"))
    e = float(gain.mean()) / mean_loss
    resid = gain - e * loss
    se = float(resid.std(ddof=1) / (mean_loss * np.sqrt(k)))
    return Estimate(e, se)


def pareto_mask(cost: object, protection: object) -> np.ndarray:
    """True for programs no other program beats on both cost (lower) and protection (higher).

    Parameters
    ----------
    cost, protection : array_like of shape (n_programs,)

    Returns
    -------
    ndarray of bool, shape (n_programs,)
    """
    c = np.asarray(cost, dtype=np.float64)
    p = np.asarray(protection, dtype=np.float64)
    if c.shape != p.shape or c.ndim != 1:
        raise ParameterError(describe_bad_value("cost", c.shape, f"the shape of protection {p.shape}"))
    ok = np.isfinite(c) & np.isfinite(p)
    out = np.zeros(c.size, dtype=bool)
    for i in np.flatnonzero(ok):
        dominated = ok & (c <= c[i]) & (p >= p[i]) & ((c < c[i]) | (p > p[i]))
        out[i] = not dominated.any()
    return out


@dataclass(frozen=True, slots=True)
class ProgramMetrics:
    """Cost, protection and effectiveness of one program on simulated paths (each with its SE).

    All fractions of starting NAV; ``d_*`` are hedged minus unhedged on the same paths
    (negative ``d_max_drawdown`` / ``d_cvar95``: the hedge protects).
    """

    program: str
    equity_weight: float
    premium_per_year: float
    premium_per_year_se: float
    net_cost_per_year: float
    net_cost_per_year_se: float
    carry_drag: float
    carry_drag_se: float
    mean_return: float
    mean_return_se: float
    max_drawdown: float
    d_max_drawdown: float
    d_max_drawdown_se: float
    cvar95: float
    cvar95_se: float
    d_cvar95: float
    d_cvar95_se: float
    cvar99: float
    d_cvar99: float
    d_cvar99_se: float
    time_under_water: float
    d_time_under_water: float
    d_time_under_water_se: float
    worst_month: float
    d_worst_month: float
    d_worst_month_se: float
    effectiveness: float
    effectiveness_se: float
    reaches_target: bool
    cost_per_protection: float
    pareto: bool = False


@dataclass(frozen=True, slots=True)
class ProgramEvaluation:
    """Metrics of every program on the same simulated paths.

    Parameters
    ----------
    metrics : tuple of ProgramMetrics
    n_paths : int
    horizon_years : float
    source : str
        Where the paths came from (e.g. ``"simulated: gjr_garch"``).
    """

    metrics: tuple[ProgramMetrics, ...]
    n_paths: int
    horizon_years: float
    source: str

    def to_frame(self) -> pd.DataFrame:
        """One row per program (index ``program``), one column per metric."""
        frame = pd.DataFrame([dataclasses.asdict(m) for m in self.metrics])
        return frame.set_index("program")

    def best_per_cost(self) -> ProgramMetrics:
        """The program with the largest CVaR95 reduction per unit of net cost (hedges only)."""
        cands = [m for m in self.metrics if m.d_cvar95 < 0 and m.net_cost_per_year > 0]
        if not cands:
            cands = [m for m in self.metrics if m.premium_per_year > 0] or list(self.metrics)
            return max(cands, key=lambda m: m.effectiveness if np.isfinite(m.effectiveness) else -np.inf)
        return min(cands, key=lambda m: m.cost_per_protection)


def evaluate_marked(
    marked: MarkedPrograms,
    *,
    tail: float = 0.05,
    crisis_drawdown: float = 0.20,
    source: str = "simulated",
) -> ProgramEvaluation:
    """Measure every program of a marking run (see the module docstring for the definitions).

    Parameters
    ----------
    marked : MarkedPrograms
    tail : float, default=0.05
        Share of worst paths for hedge effectiveness.
    crisis_drawdown : float, default=0.20
        Unhedged max drawdown that makes a path a crisis path.
    source : str
        Label of the paths.

    Returns
    -------
    ProgramEvaluation
    """
    if not 0.0 < crisis_drawdown < 1.0:
        raise ParameterError(describe_bad_value("crisis_drawdown", crisis_drawdown, "a drawdown in (0, 1)"))
    years = marked.horizon_years
    n = marked.stats.shape[1]
    rows = []
    sq = np.sqrt(n)
    for g, label in enumerate(marked.table.labels):
        s = {
            name: marked.stat(name)[g]
            for name in (
                "final_nav",
                "return_1y",
                "max_drawdown",
                "time_under_water",
                "worst_month",
                "premium",
                "base_final_nav",
                "base_return_1y",
                "base_max_drawdown",
            )
        }
        hr = s["final_nav"] - 1.0
        br = s["base_final_nav"] - 1.0
        base_ret = marked.stat("base_return_1y")[g]
        diff = (hr - br) / years
        calm = s["base_max_drawdown"] < crisis_drawdown
        drag = diff[calm] if calm.sum() >= 2 else diff
        cv95 = cvar(s["return_1y"], 0.95)
        d95 = cvar_difference(s["return_1y"], base_ret, 0.95)
        d99 = cvar_difference(s["return_1y"], base_ret, 0.99)
        ddd = mean_difference(s["max_drawdown"], s["base_max_drawdown"])
        # the unhedged under-water time and worst month come from the no-hedge mark of this weight
        eff = hedge_effectiveness(br, hr, tail=tail)
        net = Estimate(float(-diff.mean()), float(diff.std(ddof=1) / sq))
        cpp = net.value / -d95.value if d95.value < 0 else float("inf")
        rows.append(
            ProgramMetrics(
                program=label,
                equity_weight=float(marked.table.weight[g]),
                premium_per_year=float(s["premium"].mean() / years),
                premium_per_year_se=float(s["premium"].std(ddof=1) / sq / years),
                net_cost_per_year=net.value,
                net_cost_per_year_se=net.se,
                carry_drag=float(-drag.mean()),
                carry_drag_se=float(drag.std(ddof=1) / np.sqrt(drag.size)),
                mean_return=float(hr.mean()),
                mean_return_se=float(hr.std(ddof=1) / sq),
                max_drawdown=float(s["max_drawdown"].mean()),
                d_max_drawdown=ddd.value,
                d_max_drawdown_se=ddd.se,
                cvar95=cv95.value,
                cvar95_se=cv95.se,
                d_cvar95=d95.value,
                d_cvar95_se=d95.se,
                cvar99=cvar(s["return_1y"], 0.99).value,
                d_cvar99=d99.value,
                d_cvar99_se=d99.se,
                time_under_water=float(s["time_under_water"].mean()),
                d_time_under_water=float("nan"),
                d_time_under_water_se=float("nan"),
                worst_month=float(s["worst_month"].mean()),
                d_worst_month=float("nan"),
                d_worst_month_se=float("nan"),
                effectiveness=eff.value,
                effectiveness_se=eff.se,
                reaches_target=bool(np.isfinite(eff.value) and eff.value > EFFECTIVENESS_TARGET),
                cost_per_protection=cpp,
            )
        )
    rows = _fill_unhedged_differences(marked, rows)
    cost = np.array([m.net_cost_per_year for m in rows])
    prot = np.array([-m.d_cvar95 for m in rows])
    mask = pareto_mask(cost, prot)
    rows = [dataclasses.replace(m, pareto=bool(k)) for m, k in zip(rows, mask)]
    return ProgramEvaluation(metrics=tuple(rows), n_paths=n, horizon_years=years, source=source)


def _fill_unhedged_differences(marked: MarkedPrograms, rows: list[ProgramMetrics]) -> list[ProgramMetrics]:
    """Time under water and worst month against the no-hedge program of the same equity weight.

    The kernel tracks the unhedged NAV's drawdown but not its time under water or worst
    month; those come from a no-hedge program in the same run (same paths), when present.
    """
    weights = marked.table.weight
    no_hedge = [
        g for g in range(len(rows)) if marked.table.sleeve_start[g] == marked.table.sleeve_start[g + 1]
    ]
    out = []
    for g, m in enumerate(rows):
        ref = next((k for k in no_hedge if weights[k] == weights[g]), None)
        if ref is None:
            out.append(m)
            continue
        tuw = mean_difference(marked.stat("time_under_water")[g], marked.stat("time_under_water")[ref])
        wm = mean_difference(marked.stat("worst_month")[g], marked.stat("worst_month")[ref])
        out.append(
            dataclasses.replace(
                m,
                d_time_under_water=tuw.value,
                d_time_under_water_se=tuw.se,
                d_worst_month=wm.value,
                d_worst_month_se=wm.se,
            )
        )
    return out
