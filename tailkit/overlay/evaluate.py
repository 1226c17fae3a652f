"""Screen credit spreads: at model IV over deltas × widths, or on a real chain at bid/ask.

Every candidate is simulated on the same shocks (common random numbers), marked daily with
Black-Scholes at the vol model's IV and closed by one :class:`~tailkit.overlay.ExitRules`.
:func:`evaluate` builds strikes from short-leg deltas at model IV and fills each leg a
half-spread away from mid (the assumed spread of :class:`~tailkit.overlay.FillModel`).
:func:`evaluate_market` takes the chain's contracts: it sells the short leg at its bid and buys
the long leg at its ask, prices each leg at its quoted IV (the chain's skew), closes at model
mid plus each leg's quoted half-spread, and sizes positions with Kelly
(:mod:`tailkit.overlay.sizing`).

Days: the simulation steps in trading days; everything a user types or reads (a chain's DTE,
the commands' ``--expiration``, ``--dte-close`` and ``--dte-thresholds``, the book) counts
calendar days to expiry. :func:`trading_days` converts at that edge: ``round(days * 252 / 365)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tailkit._validation import normalize_kind
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.overlay import _kernels as K
from tailkit.overlay._progress import progress_bar
from tailkit.overlay.exits import EXIT_REASONS, ExitRules
from tailkit.overlay.fills import FillModel
from tailkit.overlay.metrics import StrategyMetrics, cvar_tail_size
from tailkit.overlay.model import OverlayCalibration
from tailkit.overlay.simulation import (
    EntryTerms,
    Shocks,
    SimulationSettings,
    draw_shocks,
    entry_terms,
    mark_spreads,
)
from tailkit.overlay.sizing import PositionSize, SizingRules, kelly_contracts, kelly_note
from tailkit.overlay.spreads import CreditSpread, spread_from_delta

__all__ = ["ScreenedSpread", "ScreeningResult", "evaluate", "evaluate_market", "trading_days"]

#: trading days per year of the simulation; calendar days per year of the user-facing day count
TRADING_DAYS_PER_YEAR, CALENDAR_DAYS_PER_YEAR = 252, 365


def trading_days(calendar_days: int) -> int:
    """Trading days of the simulation for ``calendar_days`` days to expiry: ``round(days * 252 / 365)``.

    Parameters
    ----------
    calendar_days : int
        Calendar days (>= 0), the day count of the command line, the chain and the book.

    Returns
    -------
    int

    Examples
    --------
    >>> trading_days(45), trading_days(7), trading_days(0)
    (31, 5, 0)
    """
    if (
        isinstance(calendar_days, bool)
        or not isinstance(calendar_days, int | np.integer)
        or calendar_days < 0
    ):
        raise ParameterError(describe_bad_value("calendar_days", calendar_days, "an int >= 0"))
    return round(int(calendar_days) * TRADING_DAYS_PER_YEAR / CALENDAR_DAYS_PER_YEAR)


@dataclass(frozen=True, slots=True)
class ScreenedSpread:
    """One candidate: the trade, its entry terms, its statistics and its sizes."""

    spread: CreditSpread
    terms: EntryTerms
    metrics: StrategyMetrics
    sizes: tuple[PositionSize, ...] = ()
    short_delta: float = float("nan")

    @property
    def max_loss(self) -> float:
        """Largest loss per share: ``width - credit + entry cost + exit cost``."""
        return self.spread.width - self.terms.max_profit + self.terms.exit_cost

    def details(self, sizing: SizingRules | None = None) -> dict[str, Any]:
        """The original tool's "Top Strategy Details" of this candidate.

        Parameters
        ----------
        sizing : SizingRules, optional
            Used when the candidate carries no sizes (model screening); default quarter
            Kelly capped at 2% of NAV, NAVs $1M and $10M.

        Returns
        -------
        dict
            ``label`` (e.g. ``"Put 88/85"``), ``trading_days`` (simulated days to expiry),
            ``credit`` (received, per share), ``max_profit`` (credit less entry
            commissions), ``max_loss`` (:attr:`max_loss`), ``avg_days_held`` (trading days),
            ``kelly`` (full Kelly, ``None`` when not finite), ``kelly_note`` (why there is no
            edge, "" otherwise), ``sizes`` (:class:`PositionSize` dicts per NAV) and
            ``exit_reasons`` (fraction of paths per rule).
        """
        m = self.metrics
        rules = sizing or SizingRules()
        sizes = self.sizes or tuple(kelly_contracts(m.kelly, self.max_loss, nav, rules) for nav in rules.navs)
        return {
            "label": f"{self.spread.kind.capitalize()} {self.spread.short_strike:g}/{self.spread.long_strike:g}",
            "trading_days": self.spread.expiration_days,
            "credit": self.terms.credit,
            "max_profit": self.terms.max_profit,
            "max_loss": self.max_loss,
            "avg_days_held": m.avg_days_held,
            "kelly": m.kelly if math.isfinite(m.kelly) else None,
            "kelly_note": kelly_note(m.kelly, m.pop, self.terms.max_profit),
            "sizes": [size.to_dict() for size in sizes],
            "exit_reasons": {
                "profit_target": m.exit_profit_target,
                "loss_limit": m.exit_loss_limit,
                "dte_threshold": m.exit_dte_threshold,
                "expiration": m.exit_expiration,
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """Flat row: trade, credit, statistics, sizes."""
        s = self.spread
        row: dict[str, Any] = {
            "type": s.kind,
            "short_strike": s.short_strike,
            "long_strike": s.long_strike,
            "width": s.width,
            "expiration_days": s.expiration_days,
            "short_delta": self.short_delta,
            "short_iv": self.terms.short_iv,
            "long_iv": self.terms.long_iv,
            "credit": self.terms.credit,
            "model_mid": self.terms.model_mid,
            "max_loss": self.max_loss,
        }
        m = self.metrics.to_dict()
        row.update(m)
        row["return_on_risk"] = self.metrics.expected_pnl / self.max_loss
        for size in self.sizes:
            tag = _nav_tag(size.nav)
            row[f"kelly_fraction_{tag}"] = size.fraction
            row[f"contracts_{tag}"] = size.contracts
            row[f"capital_at_risk_{tag}"] = size.capital_at_risk
        return row


def _nav_tag(nav: float) -> str:
    if nav >= 1e6 and nav % 1e6 == 0:
        return f"{nav / 1e6:g}M"
    return f"{nav:g}"


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """Candidates of a screening, best first by ``rank_by`` among those with POP >= ``min_pop``.

    Attributes
    ----------
    candidates : tuple of ScreenedSpread
        Every evaluated spread, ranked (passing ones first).
    rules : ExitRules
        Exit rules used for every candidate.
    min_pop : float
        POP threshold.
    rank_by : str
        ``"expected_pnl"`` or ``"risk_adjusted_return"``.
    skipped : tuple of str
        Candidates left out and why (no credit after costs, strike missing...).
    source : str
        ``"model"`` or ``"market"``.
    """

    candidates: tuple[ScreenedSpread, ...]
    rules: ExitRules
    min_pop: float
    rank_by: str
    skipped: tuple[str, ...] = ()
    source: str = "model"
    settings: SimulationSettings = field(default_factory=SimulationSettings)

    @property
    def passing(self) -> tuple[ScreenedSpread, ...]:
        """Candidates with POP >= ``min_pop``."""
        return tuple(c for c in self.candidates if c.metrics.pop >= self.min_pop)

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate (ranked), with ``passes_min_pop`` and ``rank`` (1 = best passing)."""
        rows = [c.to_dict() for c in self.candidates]
        frame = pd.DataFrame(rows)
        if frame.empty:
            return frame
        frame.insert(0, "passes_min_pop", frame["pop"] >= self.min_pop)
        rank = np.where(frame["passes_min_pop"], np.cumsum(frame["passes_min_pop"]), 0)
        frame.insert(0, "rank", rank)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: settings, rules and candidate rows."""
        return {
            "source": self.source,
            "rules": self.rules.to_dict(),
            "min_pop": self.min_pop,
            "rank_by": self.rank_by,
            "n_evaluated": len(self.candidates),
            "n_passing": len(self.passing),
            "skipped": list(self.skipped),
            "candidates": [c.to_dict() for c in self.candidates],
        }


_RANKS = {"expected_pnl": "expected_pnl", "expected_return": "expected_pnl", "risk_adjusted_return": "rar"}


def _rank(cands: list[ScreenedSpread], min_pop: float, rank_by: str) -> tuple[ScreenedSpread, ...]:
    def key(c: ScreenedSpread) -> tuple[int, float]:
        m = c.metrics
        value = m.expected_pnl if _RANKS[rank_by] == "expected_pnl" else m.risk_adjusted_return
        return (0 if m.pop >= min_pop else 1, -value if math.isfinite(value) else math.inf)

    return tuple(sorted(cands, key=key))


def _check_common(min_pop: float, rank_by: str, kinds: Sequence[str]) -> tuple[str, ...]:
    if not 0.0 <= float(min_pop) <= 1.0:
        raise ParameterError(describe_bad_value("min_pop", min_pop, "a probability in [0, 1]"))
    if rank_by not in _RANKS:
        raise ParameterError(
            describe_bad_value("rank_by", rank_by, "'expected_pnl' or 'risk_adjusted_return'")
        )
    if isinstance(kinds, str):
        kinds = (kinds,)
    out = tuple(dict.fromkeys(normalize_kind(k, "kinds") for k in kinds))
    if not out:
        raise ParameterError(describe_bad_value("kinds", kinds, "'put' and/or 'call'"))
    return out


def _screen(
    calibration: OverlayCalibration,
    specs: Sequence[tuple[CreditSpread, float | None, float]],
    rules: ExitRules,
    settings: SimulationSettings,
    fills: FillModel,
    shocks: Shocks,
    sizing: SizingRules | None,
    bar: Any,
) -> tuple[list[ScreenedSpread], list[str]]:
    """Candidates of ``specs`` = ``(spread, entry spot, short delta)``, in order, and the skipped.

    Spreads sharing an expiry and an entry spot are simulated and priced together
    (:func:`~tailkit.overlay.simulation.mark_spreads`: one simulation, each distinct leg priced
    once); each is then evaluated by the same kernel as :func:`evaluate_exit_grid`.
    """
    entered: dict[int, EntryTerms] = {}
    skipped: list[str] = []
    groups: dict[tuple[int, float], list[int]] = {}
    for i, (sp, spot, _) in enumerate(specs):
        try:
            t = entry_terms(calibration, sp, settings, fills, spot)
        except ParameterError as exc:
            skipped.append(f"{sp.label}: {exc}")
            bar.update(1)
            continue
        entered[i] = t
        groups.setdefault((sp.expiration_days, t.spot), []).append(i)
    metrics: dict[int, StrategyMetrics] = {}
    for rows in groups.values():
        marked = mark_spreads(
            calibration, [(specs[i][0], entered[i]) for i in rows], rules, settings=settings, shocks=shocks
        )
        n_sp, n = marked.first_profit.shape
        combos = np.repeat(np.arange(n_sp, dtype=np.int64), 4).reshape(n_sp, 4)
        stats = np.empty((n_sp, K.N_STATS))
        counts = np.empty((n_sp, len(EXIT_REASONS)), dtype=np.int64)
        max_profit = np.array([entered[i].max_profit for i in rows])
        exit_cost = np.array([entered[i].exit_cost for i in rows])
        K.evaluate_combos(*marked.crossing_arrays(), marked.first_deep, combos, np.full(n_sp, marked.dte_day),
                          marked.n_steps, max_profit, exit_cost, cvar_tail_size(n), stats, counts)  # fmt: skip
        for s, i in enumerate(rows):
            metrics[i] = StrategyMetrics.from_arrays(stats[s], counts[s], n)
        bar.update(len(rows))
    cands = []
    for i, (sp, _, delta) in enumerate(specs):
        if i not in entered:
            continue
        cand = ScreenedSpread(sp, entered[i], metrics[i], (), delta)
        if sizing is not None:
            sizes = tuple(
                kelly_contracts(metrics[i].kelly, cand.max_loss, nav, sizing) for nav in sizing.navs
            )
            cand = ScreenedSpread(sp, entered[i], metrics[i], sizes, delta)
        cands.append(cand)
    return cands, skipped


def evaluate(
    calibration: OverlayCalibration,
    *,
    kinds: Sequence[str] = ("put", "call"),
    deltas: Sequence[float] = (0.10, 0.15, 0.20, 0.25, 0.30),
    widths: Sequence[float] = (1.0, 2.0, 3.0, 5.0),
    expiration_days: int = 45,
    rules: ExitRules | None = None,
    min_pop: float = 0.70,
    rank_by: str = "expected_pnl",
    settings: SimulationSettings | None = None,
    fills: FillModel | None = None,
    sizing: SizingRules | None = None,
    strike_step: float = 1.0,
    progress: bool = False,
) -> ScreeningResult:
    """Screen bull put and bear call spreads over short-leg deltas and widths at model IV.

    Parameters
    ----------
    calibration : OverlayCalibration
        The model (spot, yields, vol model).
    kinds : sequence of {"put", "call"}, default=("put", "call")
        Spread types.
    deltas : sequence of float, default=(0.10, 0.15, 0.20, 0.25, 0.30)
        Absolute deltas of the short leg.
    widths : sequence of float, default=(1, 2, 3, 5)
        Strike distances, $.
    expiration_days : int, default=45
        Trading days to expiry.
    rules : ExitRules, optional
        Exit rules (default 50% / 2x / 7 days).
    min_pop : float, default=0.70
        Candidates below this POP are ranked after the others.
    rank_by : {"expected_pnl", "risk_adjusted_return"}, default="expected_pnl"
        Ranking statistic.
    settings : SimulationSettings, optional
        Paths, seed, rates.
    fills : FillModel, optional
        Assumed half-spread and commissions.
    sizing : SizingRules, optional
        When given, Kelly contracts per NAV.
    strike_step : float, default=1.0
        Strike grid, $.
    progress : bool, default=False
        Show a progress bar on stderr when the screening takes more than a second.

    Returns
    -------
    ScreeningResult

    Examples
    --------
    >>> res = evaluate(cal, settings=SimulationSettings(n_paths=2000))  # doctest: +SKIP
    >>> res.to_frame()[["type", "short_strike", "long_strike", "credit", "pop"]].head()  # doctest: +SKIP
    """
    kinds_t = _check_common(min_pop, rank_by, kinds)
    rules = rules or ExitRules()
    settings = settings or SimulationSettings()
    fills = fills or FillModel()
    rules.check_expiration(int(expiration_days))
    shocks = draw_shocks(
        settings.n_paths, int(expiration_days), settings.seed, residual_noise=settings.residual_noise
    )
    specs = []
    seen: set[tuple] = set()
    for kind in kinds_t:
        for delta in deltas:
            for width in widths:
                sp = spread_from_delta(
                    calibration,
                    kind,
                    float(delta),
                    float(width),
                    int(expiration_days),
                    risk_free_rate=settings.risk_free_rate,
                    dividend_yield=settings.dividend_yield,
                    strike_step=strike_step,
                )
                key = (sp.kind, sp.short_strike, sp.long_strike)
                if key not in seen:
                    seen.add(key)
                    specs.append((sp, float(delta)))
    bar = progress_bar(len(specs), "evaluate", progress)
    try:
        cands, skipped = _screen(
            calibration, [(sp, None, d) for sp, d in specs], rules, settings, fills, shocks, sizing, bar
        )
    finally:
        bar.close()
    return ScreeningResult(
        _rank(cands, min_pop, rank_by), rules, float(min_pop), rank_by, tuple(skipped), "model", settings
    )


def _chain_frame(chain: Any) -> pd.DataFrame:
    frame = getattr(chain, "chain", chain)
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            describe_bad_value("chain", type(chain).__name__, "read_option_chain(...) or its .chain")
        )
    need = ("quote_date", "underlying_price", "option_type", "expiration_date", "strike", "bid", "ask")
    missing = [c for c in (*need, "implied_vol", "delta", "dte") if c not in frame.columns]
    if missing:
        raise DataError(f"option chain: missing column(s) {', '.join(map(repr, missing))}")
    return frame[frame["quote_date"] == frame["quote_date"].max()]


def evaluate_market(
    calibration: OverlayCalibration,
    chain: Any,
    *,
    kinds: Sequence[str] = ("put", "call"),
    min_dte: int = 30,
    max_dte: int = 90,
    min_delta: float = 0.05,
    max_delta: float = 0.40,
    widths: Sequence[float] = (1.0, 2.0, 3.0, 5.0),
    rules: ExitRules | None = None,
    min_pop: float = 0.70,
    rank_by: str = "expected_pnl",
    settings: SimulationSettings | None = None,
    fills: FillModel | None = None,
    sizing: SizingRules | None = None,
    progress: bool = False,
) -> ScreeningResult:
    """Screen the chain's vertical spreads at bid/ask, with Kelly sizing.

    Parameters
    ----------
    calibration : OverlayCalibration
        The model (yields, regression, vol sensitivity).
    chain : OptionChainRead or DataFrame
        :func:`tailkit.data.read_option_chain` output (the latest quote date is used).
    kinds : sequence of {"put", "call"}, default=("put", "call")
        Spread types.
    min_dte, max_dte : int, default=30, 90
        Calendar days to expiry kept.
    min_delta, max_delta : float, default=0.05, 0.40
        Absolute delta range of the short leg.
    widths : sequence of float, default=(1, 2, 3, 5)
        Strike distances, $ (the long strike must be listed).
    rules : ExitRules, optional
        Exit rules.
    min_pop : float, default=0.70
        POP threshold.
    rank_by : {"expected_pnl", "risk_adjusted_return"}, default="expected_pnl"
        Ranking statistic.
    settings : SimulationSettings, optional
        Paths, seed, rates.
    fills : FillModel, optional
        Commissions (the half-spreads come from the quotes).
    sizing : SizingRules, optional
        Kelly sizing (default :class:`SizingRules`: quarter Kelly, 2% cap, NAV $1M and $10M).
    progress : bool, default=False
        Progress bar on stderr for runs longer than a second.

    Returns
    -------
    ScreeningResult
        ``source="market"``.

    Raises
    ------
    DataError
        No quotes in the DTE window, or no spread with a positive credit.
    """
    kinds_t = _check_common(min_pop, rank_by, kinds)
    if not 0 <= int(min_dte) <= int(max_dte):
        raise ParameterError(describe_bad_value("min_dte", min_dte, f"an int in [0, max_dte={max_dte}]"))
    if not 0.0 < float(min_delta) <= float(max_delta) < 1.0:
        raise ParameterError(
            describe_bad_value("min_delta", min_delta, f"0 < min_delta <= max_delta={max_delta} < 1")
        )
    rules = rules or ExitRules()
    settings = settings or SimulationSettings()
    fills = fills or FillModel()
    sizing = sizing or SizingRules()
    frame = _chain_frame(chain)
    window = frame[(frame["dte"] >= int(min_dte)) & (frame["dte"] <= int(max_dte))]
    if window.empty:
        dtes = sorted(frame["dte"].unique().tolist())
        raise DataError(
            f"option chain: no expiry with {min_dte} <= DTE <= {max_dte} calendar days (chain has {dtes})"
        )
    specs: list[tuple[CreditSpread, float, float]] = []
    skipped: list[str] = []
    for (kind, _expiry), group in window.groupby(["option_type", "expiration_date"], sort=True):
        if kind not in kinds_t:
            continue
        by_strike = {float(r.strike): r for r in group.itertuples(index=False)}
        days = max(2, trading_days(int(group["dte"].iloc[0])))
        for short in group.itertuples(index=False):
            if not float(min_delta) <= abs(float(short.delta)) <= float(max_delta):
                continue
            for width in widths:
                k_long = (
                    float(short.strike) - float(width)
                    if kind == "put"
                    else float(short.strike) + float(width)
                )
                label = f"{kind} {float(short.strike):g}/{k_long:g} {int(short.dte)}cd"
                long = by_strike.get(k_long)
                if long is None:
                    continue
                credit = float(short.bid) - float(long.ask)
                if not credit > 0:
                    skipped.append(f"{label}: no credit at bid/ask ({short.bid:g} - {long.ask:g})")
                    continue
                if rules.dte_threshold >= days:
                    skipped.append(f"{label}: {days} trading days <= DTE threshold {rules.dte_threshold}")
                    continue
                try:
                    sp = CreditSpread(
                        kind=kind,
                        short_strike=float(short.strike),
                        long_strike=k_long,
                        expiration_days=days,
                        short_iv=float(short.implied_vol),
                        long_iv=float(long.implied_vol),
                        credit=credit,
                        short_half_spread=0.5 * (float(short.ask) - float(short.bid)),
                        long_half_spread=0.5 * (float(long.ask) - float(long.bid)),
                    )
                except ParameterError as exc:
                    skipped.append(f"{label}: {exc}")
                    continue
                specs.append((sp, float(short.underlying_price), abs(float(short.delta))))
    if not specs:
        why = "; ".join(skipped[:5]) if skipped else "no short leg in the delta range with a listed long leg"
        raise DataError(f"option chain: no spread to evaluate ({why})")
    n_steps = max(sp.expiration_days for sp, _, _ in specs)
    shocks = draw_shocks(settings.n_paths, n_steps, settings.seed, residual_noise=settings.residual_noise)
    bar = progress_bar(len(specs), "evaluate-market", progress)
    try:
        cands, bad = _screen(calibration, specs, rules, settings, fills, shocks, sizing, bar)
    finally:
        bar.close()
    skipped.extend(bad)
    return ScreeningResult(
        _rank(cands, min_pop, rank_by), rules, float(min_pop), rank_by, tuple(skipped), "market", settings
    )
