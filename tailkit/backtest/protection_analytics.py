"""Protection analytics: each protection measured against a counterfactual run without it.

For each built-in protection the strategy is rerun with that rule removed from the
orchestrator (everything else equal); the table compares completed open->close cycles,
commission paid, final equity and Sharpe. On the base run alone: the grace-period recovery
rate (grace periods ended by a recovered score / grace periods started), the core-asset
alpha (return of each core asset over its bucket's mean return while it was core, averaged
over core periods) and override use (critical transitions, decisions taken by the override).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.backtest.analytics import performance_summary
from tailkit.backtest.config import RegimeStrategyParams
from tailkit.backtest.protections import default_orchestrator
from tailkit.backtest.strategy import RegimeBacktestResult, run_regime_strategy

__all__ = ["ProtectionAnalytics", "protection_analytics", "core_alpha"]

_RULES = ("core_asset_immunity", "regime_override", "grace_period", "holding_period", "whipsaw")


@dataclass(frozen=True, slots=True)
class ProtectionAnalytics:
    """Counterfactual comparison and base-run statistics.

    Parameters
    ----------
    table : DataFrame
        One row per run (``base`` and ``without_<rule>``): ``cycles``, ``fees``,
        ``final_equity``, ``sharpe``, and the differences to the base
        (``cycles_prevented`` = cycles without the rule - cycles with it, ``fees_saved``,
        ``equity_effect`` = base final equity - counterfactual final equity).
    grace_recovery_rate : float
        Share of grace periods ended by a recovered score.
    core_alpha : float
        Mean excess return of core assets over their bucket while core (NaN if none).
    override_transitions : int
        Critical transitions (override grants).
    override_decisions : int
        Decisions taken by the regime override.
    """

    table: pd.DataFrame
    grace_recovery_rate: float
    core_alpha: float
    override_transitions: int
    override_decisions: int

    def to_frame(self) -> pd.DataFrame:
        """The counterfactual table."""
        return self.table

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly fields."""

        def clean(v: Any) -> Any:
            return None if isinstance(v, float) and not math.isfinite(v) else v

        return {
            "table": [{k: clean(v) for k, v in row.items()} for row in self.table.to_dict(orient="records")],
            "grace_recovery_rate": clean(self.grace_recovery_rate),
            "core_alpha": clean(self.core_alpha),
            "override_transitions": self.override_transitions,
            "override_decisions": self.override_decisions,
        }


def core_alpha(result: RegimeBacktestResult) -> float:
    """Mean over core periods of (asset return - bucket mean return) from grant to revoke/end."""
    px = result.backtest.prices
    bucket = {t: k for k, ts in result.buckets.items() for t in ts}
    start: dict[str, int] = {}
    out = []
    last = len(px) - 1
    spans = []
    for e in result.events:
        if e.event_type == "core_grant":
            start[e.asset] = e.bar
        elif e.event_type == "core_revoke" and e.asset in start:
            spans.append((e.asset, start.pop(e.asset), e.bar))
    spans += [(a, b, last) for a, b in start.items()]
    for a, b0, b1 in spans:
        if b1 <= b0:
            continue
        peers = list(result.buckets[bucket[a]])
        r_peer = float(np.nanmean(px[peers].iloc[b1].to_numpy() / px[peers].iloc[b0].to_numpy() - 1.0))
        out.append(float(px[a].iloc[b1] / px[a].iloc[b0] - 1.0) - r_peer)
    return float(np.mean(out)) if out else math.nan


def _row(name: str, res: RegimeBacktestResult) -> dict[str, Any]:
    cycles = sum(1 for e in res.events if e.event_type == "position_close")
    s = performance_summary(res.backtest.equity)
    return {
        "run": name, "cycles": cycles, "fees": float(res.backtest.fees.sum()),
        "final_equity": float(res.backtest.equity.iloc[-1]), "sharpe": s.sharpe,
    }  # fmt: skip


def protection_analytics(
    prices: pd.DataFrame,
    buckets: Mapping[str, Any],
    params: RegimeStrategyParams,
    *,
    base: RegimeBacktestResult | None = None,
    rules: tuple[str, ...] = _RULES,
    index: pd.Series | None = None,
    fundamentals: pd.DataFrame | None = None,
) -> ProtectionAnalytics:
    """Rerun the strategy without each protection in ``rules`` and compare with the base run.

    Parameters
    ----------
    prices, buckets, params, index, fundamentals
        As for :func:`run_regime_strategy`.
    base : RegimeBacktestResult, optional
        The base run (computed when omitted).
    rules : tuple of str
        Protections to switch off one at a time.

    Returns
    -------
    ProtectionAnalytics
    """
    kw: dict[str, Any] = {"index": index, "fundamentals": fundamentals}
    base = base or run_regime_strategy(prices, buckets, params, **kw)
    orch = default_orchestrator(params.protections())
    rows = [_row("base", base)]
    for rule in rules:
        res = run_regime_strategy(prices, buckets, params, orchestrator=orch.without(rule), **kw)
        rows.append(_row(f"without_{rule}", res))
    table = pd.DataFrame(rows)
    b = rows[0]
    table["cycles_prevented"] = table["cycles"] - b["cycles"]
    table["fees_saved"] = table["fees"] - b["fees"]
    table["equity_effect"] = b["final_equity"] - table["final_equity"]
    starts = sum(1 for e in base.events if e.event_type == "grace_start")
    recovered = sum(1 for e in base.events if e.event_type == "grace_end" and e.action == "recover")
    return ProtectionAnalytics(
        table=table,
        grace_recovery_rate=recovered / starts if starts else math.nan,
        core_alpha=core_alpha(base),
        override_transitions=sum(1 for e in base.events if e.event_type == "regime_override"),
        override_decisions=sum(1 for e in base.events if e.system == "regime_override"),
    )
