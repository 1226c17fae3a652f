"""Out-of-sample checks of a configuration chosen from a sweep.

- :func:`split_validation`: choose the best-scoring configuration before a split date, report
  it after the split; :func:`walk_forward`: the same over consecutive folds (train on
  everything before a fold, test on the fold).
- :func:`sensitivity`: best and mean score along each dimension; :func:`neighbour_stability`:
  the scores of the chosen configuration's lattice neighbours (one step along one dimension).
- :func:`deflated_sharpe_ratio`: Bailey & López de Prado (2014), "The Deflated Sharpe Ratio:
  Correcting for Selection Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio
  Management 40(5): the probability that the chosen Sharpe ratio beats the expected maximum of
  ``n_trials`` unskilled trials.
- :func:`cost_reality_check`: the chosen configuration re-scored at realistic costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import norm

from tailkit._typing import Float1D
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.sweep import _kernels as K
from tailkit.sweep.hedge import (
    DIMENSIONS,
    HedgeGrid,
    HedgeMarket,
    HedgeSweep,
    evaluate_hedge_grid,
    rebalance_steps,
)
from tailkit.sweep.scoring import Targets, score_metrics

__all__ = [
    "EULER_GAMMA",
    "expected_max_sharpe",
    "deflated_sharpe_ratio",
    "daily_returns",
    "best_index",
    "SplitResult",
    "split_validation",
    "walk_forward",
    "sensitivity",
    "NeighbourStability",
    "neighbour_stability",
    "cost_reality_check",
]

EULER_GAMMA = 0.5772156649015329


def expected_max_sharpe(n_trials: int, var_sharpe: float) -> float:
    """Expected maximum Sharpe ratio of ``n_trials`` independent unskilled trials (SR0).

    ``sqrt(V) * ((1 - gamma) * Z(1 - 1/N) + gamma * Z(1 - 1/(N e)))`` with ``Z`` the standard
    normal quantile and ``gamma`` Euler's constant (Bailey & López de Prado 2014, eq. 2), in
    the units of ``var_sharpe``'s square root.
    """
    if n_trials < 2:
        raise ParameterError(describe_bad_value("n_trials", n_trials, "an integer >= 2"))
    if not var_sharpe >= 0:
        raise ParameterError(describe_bad_value("var_sharpe", var_sharpe, "a variance >= 0"))
    z1 = norm.ppf(1.0 - 1.0 / n_trials)
    z2 = norm.ppf(1.0 - 1.0 / (n_trials * math.e))
    return float(math.sqrt(var_sharpe) * ((1.0 - EULER_GAMMA) * z1 + EULER_GAMMA * z2))


def deflated_sharpe_ratio(
    sharpe: float, n_obs: int, skew: float, kurtosis: float, n_trials: int, var_sharpe: float
) -> float:
    """Deflated Sharpe ratio: P[true SR > SR0] given the selection among ``n_trials``.

    Parameters
    ----------
    sharpe : float
        Chosen strategy's Sharpe ratio per period (not annualised).
    n_obs : int
        Returns it was estimated from.
    skew, kurtosis : float
        Skewness and (non-excess) kurtosis of those returns (normal: 0 and 3).
    n_trials : int
        Configurations tried.
    var_sharpe : float
        Variance of the per-period Sharpe ratios across the trials.

    Returns
    -------
    float
        ``Phi((SR - SR0) sqrt(T - 1) / sqrt(1 - skew SR + (kurtosis - 1) / 4 SR^2))``, in [0, 1].
    """
    if n_obs < 2:
        raise ParameterError(describe_bad_value("n_obs", n_obs, "an integer >= 2"))
    sr0 = expected_max_sharpe(n_trials, var_sharpe)
    denom = 1.0 - skew * sharpe + (kurtosis - 1.0) / 4.0 * sharpe * sharpe
    if not denom > 0:
        raise ParameterError(
            describe_bad_value("1 - skew*SR + (kurtosis-1)/4*SR^2", denom, "a positive number")
        )
    return float(norm.cdf((sharpe - sr0) * math.sqrt(n_obs - 1) / math.sqrt(denom)))


def daily_returns(
    market: HedgeMarket,
    config: Float1D,
    *,
    family: Literal["protective", "vol_target"] = "protective",
    capital: float = 1_000_000.0,
    target_vol: float = 0.15,
    max_leverage: float = 3.0,
) -> Float1D:
    """Daily returns of one configuration ``[rebalance_days, cost, impact, exposure]`` (until ruin)."""
    from tailkit.sweep.hedge import FAMILIES

    steps = rebalance_steps(np.asarray([config[0]]), market.steps_per_day, market.source)[0]
    values = np.empty(market.n_days + 1)
    stats = np.zeros(2)
    growth = float(np.exp(market.rate / (K.DAYS_PER_YEAR * market.steps_per_day)))
    days = K.hedge_values(
        int(steps), float(config[1]), float(config[2]), float(config[3]), FAMILIES[family], market.spot,
        market.put_end, market.put_start, market.put_delta, market.roll, market.sigma_hat, market.steps_per_day,
        growth, capital, target_vol, max_leverage, values, stats,
    )  # fmt: skip
    v = values[: days + 1]
    return v[1:] / v[:-1] - 1.0


def best_index(sweep: HedgeSweep, targets: Targets | None = None) -> int:
    """Index of the best-scoring configuration (ties: the first in grid order)."""
    score = score_metrics(sweep.metrics, targets).score
    return int(np.argmax(score))


@dataclass(frozen=True, slots=True)
class SplitResult:
    """A configuration chosen in sample and its out-of-sample record.

    Attributes
    ----------
    ticker, source : str
        What was evaluated.
    split : pandas.Timestamp
        First out-of-sample day.
    config : dict
        The chosen configuration (``rebalance_days, cost, impact, exposure``).
    in_sample, out_of_sample : dict
        Metrics and ``score`` of that configuration before and after the split.
    dsr : float
        Deflated Sharpe ratio of the in-sample choice among the grid's configurations.
    n_trials : int
        Configurations tried.
    in_sample_sweep : HedgeSweep
        Every configuration's in-sample metrics (for sensitivity and neighbours).
    """

    ticker: str
    source: str
    split: pd.Timestamp
    config: dict[str, float]
    in_sample: dict[str, float]
    out_of_sample: dict[str, float]
    dsr: float
    n_trials: int
    in_sample_sweep: HedgeSweep

    def to_dict(self) -> dict[str, Any]:
        """Flat record: ticker, split, config, ``is_*`` and ``oos_*`` metrics, DSR."""
        out: dict[str, Any] = {"ticker": self.ticker, "source": self.source, "split": str(self.split.date())}
        out.update(self.config)
        out.update({f"is_{k}": v for k, v in self.in_sample.items()})
        out.update({f"oos_{k}": v for k, v in self.out_of_sample.items()})
        out["dsr"] = self.dsr
        out["n_trials"] = self.n_trials
        return out


def _metrics_dict(row: Float1D, targets: Targets) -> dict[str, float]:
    from tailkit.sweep.hedge import METRICS

    d = {name: float(row[i]) for i, name in enumerate(METRICS)}
    d["score"] = float(score_metrics(row[None, :], targets).score[0])
    return d


def _one_config_grid(config: Float1D) -> HedgeGrid:
    return HedgeGrid(
        rebalance_days=(float(config[0]),), cost=(float(config[1]),), impact=(float(config[2]),),
        exposure=(float(config[3]),),
    )  # fmt: skip


def _dsr_of(sweep: HedgeSweep, idx: int, market: HedgeMarket, family: str, **kw: Any) -> float:
    per_day = sweep.metrics[:, K.M_SHARPE] / math.sqrt(K.DAYS_PER_YEAR)
    finite = per_day[np.isfinite(per_day)]
    if finite.size < 2 or not np.isfinite(per_day[idx]):
        return float("nan")
    r = daily_returns(market, sweep.configs[idx], family=family, **kw)  # type: ignore[arg-type]  # literal checked upstream
    sd = r.std()
    skew = float(((r - r.mean()) ** 3).mean() / sd**3) if sd > 0 else 0.0
    kurt = float(((r - r.mean()) ** 4).mean() / sd**4) if sd > 0 else 3.0
    return deflated_sharpe_ratio(
        float(per_day[idx]), r.size, skew, kurt, sweep.configs.shape[0], float(finite.var(ddof=1))
    )


def split_validation(
    market: HedgeMarket,
    grid: HedgeGrid,
    split: str | pd.Timestamp,
    *,
    family: Literal["protective", "vol_target"] = "protective",
    targets: Targets | None = None,
    **kw: Any,
) -> SplitResult:
    """Choose in sample (before ``split``), report out of sample (from ``split``).

    Both periods start with a fresh put; ``kw`` goes to :func:`evaluate_hedge_grid`.
    """
    t = targets or Targets()
    when = pd.Timestamp(split)
    cut = int(market.dates.searchsorted(when))
    min_days = 2 * K.DAYS_PER_BLOCK
    if cut < min_days or market.n_days - cut < min_days:
        raise ParameterError(
            describe_bad_value(
                "split", str(when.date()), f"a date leaving >= {min_days} days on each side of it"
            )
        )
    ins = market.slice_days(0, cut)
    oos = market.slice_days(cut, market.n_days)
    sweep = evaluate_hedge_grid(ins, grid, family=family, **kw)
    idx = best_index(sweep, t)
    config = sweep.configs[idx]
    out = evaluate_hedge_grid(oos, _one_config_grid(config), family=family, **kw)
    dsr_kw = {k: v for k, v in kw.items() if k in ("capital", "target_vol", "max_leverage")}
    return SplitResult(
        ticker=market.ticker, source=market.source, split=market.dates[cut],
        config=dict(zip(DIMENSIONS, map(float, config))), in_sample=_metrics_dict(sweep.metrics[idx], t),
        out_of_sample=_metrics_dict(out.metrics[0], t), dsr=_dsr_of(sweep, idx, ins, family, **dsr_kw),
        n_trials=int(sweep.configs.shape[0]), in_sample_sweep=sweep,
    )  # fmt: skip


def walk_forward(
    market: HedgeMarket,
    grid: HedgeGrid,
    *,
    n_folds: int = 4,
    family: Literal["protective", "vol_target"] = "protective",
    targets: Targets | None = None,
    **kw: Any,
) -> pd.DataFrame:
    """Anchored walk-forward: choose on everything before a fold, test on the fold.

    The days are cut into ``n_folds + 1`` equal parts; fold ``k``
    chooses on parts ``0..k-1`` (everything before it) and is tested on part ``k``.

    Returns
    -------
    pandas.DataFrame
        One row per fold: train and test dates, the chosen configuration, in-sample and
        out-of-sample score, Sharpe and annual return.
    """
    t = targets or Targets()
    if not 1 <= n_folds <= 20:
        raise ParameterError(describe_bad_value("n_folds", n_folds, "an integer in [1, 20]"))
    edges = np.linspace(0, market.n_days, n_folds + 2).astype(int)
    if np.diff(edges).min() < 2 * K.DAYS_PER_BLOCK:
        raise ParameterError(
            describe_bad_value(
                "n_folds", n_folds, f"few enough folds for >= {2 * K.DAYS_PER_BLOCK} days each"
            )
        )
    rows = []
    for k in range(1, n_folds + 1):
        train = market.slice_days(0, int(edges[k]))
        test = market.slice_days(int(edges[k]), int(edges[k + 1]))
        sweep = evaluate_hedge_grid(train, grid, family=family, **kw)
        idx = best_index(sweep, t)
        res = evaluate_hedge_grid(test, _one_config_grid(sweep.configs[idx]), family=family, **kw)
        ins, oos = _metrics_dict(sweep.metrics[idx], t), _metrics_dict(res.metrics[0], t)
        row: dict[str, Any] = {
            "fold": k, "train_start": train.dates[0], "train_end": train.dates[-1],
            "test_start": test.dates[0], "test_end": test.dates[-1],
        }  # fmt: skip
        row.update(dict(zip(DIMENSIONS, map(float, sweep.configs[idx]))))
        for name in ("score", "sharpe", "ann_return", "max_drawdown"):
            row[f"is_{name}"] = ins[name]
            row[f"oos_{name}"] = oos[name]
        rows.append(row)
    return pd.DataFrame(rows)


def sensitivity(sweep: HedgeSweep, targets: Targets | None = None) -> pd.DataFrame:
    """Best and mean score at each value of each dimension (the others free).

    Returns
    -------
    pandas.DataFrame
        Columns ``dimension, value, best_score, mean_score``.
    """
    score = score_metrics(sweep.metrics, targets).score
    rows = []
    for j, name in enumerate(DIMENSIONS):
        for value in np.unique(sweep.configs[:, j]):
            s = score[sweep.configs[:, j] == value]
            rows.append(
                {
                    "dimension": name,
                    "value": float(value),
                    "best_score": float(s.max()),
                    "mean_score": float(s.mean()),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True, slots=True)
class NeighbourStability:
    """Score of a configuration and of its lattice neighbours (one step along one dimension).

    Attributes
    ----------
    score : float
        The configuration's score.
    neighbour_mean, neighbour_min : float
        Mean and lowest neighbour score.
    n_neighbours : int
        How many neighbours it has (2 per dimension inside the lattice, fewer at its edges).
    """

    score: float
    neighbour_mean: float
    neighbour_min: float
    n_neighbours: int

    @property
    def drop(self) -> float:
        """``score - neighbour_min``: how much one step in the wrong direction costs."""
        return self.score - self.neighbour_min


def neighbour_stability(sweep: HedgeSweep, index: int, targets: Targets | None = None) -> NeighbourStability:
    """Scores of the neighbours of configuration ``index`` in the sweep's grid lattice."""
    score = score_metrics(sweep.metrics, targets).score.reshape(sweep.grid.shape)
    pos = np.unravel_index(index, sweep.grid.shape)
    values = []
    for dim, size in enumerate(sweep.grid.shape):
        for step in (-1, 1):
            p = list(pos)
            p[dim] += step
            if 0 <= p[dim] < size:
                values.append(float(score[tuple(p)]))
    s = float(score[pos])
    if not values:
        return NeighbourStability(s, float("nan"), float("nan"), 0)
    return NeighbourStability(s, float(np.mean(values)), float(np.min(values)), len(values))


def cost_reality_check(
    market: HedgeMarket,
    config: Float1D,
    *,
    costs: tuple[float, ...] = (0.0002, 0.0005),
    family: Literal["protective", "vol_target"] = "protective",
    targets: Targets | None = None,
    **kw: Any,
) -> pd.DataFrame:
    """The configuration re-evaluated at realistic proportional costs (the original report's 0.0002-0.0005).

    Returns
    -------
    pandas.DataFrame
        One row per cost (the configuration's own cost first): score, Sharpe, annual return,
        max drawdown and total costs.
    """
    t = targets or Targets()
    base = _one_config_grid(config)
    all_costs = (float(config[1]), *[c for c in costs if c != float(config[1])])
    grid = replace(base, cost=all_costs)
    res = evaluate_hedge_grid(market, grid, family=family, **kw)
    scores = score_metrics(res.metrics, t).score
    return pd.DataFrame(
        {
            "cost": res.configs[:, 1],
            "score": scores,
            "sharpe": res.metrics[:, K.M_SHARPE],
            "ann_return": res.metrics[:, K.M_ANN_RETURN],
            "max_drawdown": res.metrics[:, K.M_MAX_DRAWDOWN],
            "costs": res.metrics[:, K.M_COSTS],
        }
    )
