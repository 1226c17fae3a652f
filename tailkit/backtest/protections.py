"""Protections: pure functions of the state, composed by an orchestrator in priority order.

A proposed action (``open``, ``close``, ``adjust``) on one asset is an :class:`ActionRequest`;
:class:`AssetState` is what the strategy knows about that asset on the decision bar. Each
protection is a function ``rule(request, state, params) -> Decision | None``: ``None`` means
"no opinion", a :class:`Decision` (``approved``, ``reason``, ``system``) settles the request.
:func:`decide` asks the rules in priority order and returns the first decision (or the
default approval). The built-in priorities (the original's hierarchy):

1. ``core_asset_immunity`` -- a core asset may not be closed (nor enter a grace period);
2. ``regime_override`` -- while a critical transition's override is active, every request is
   approved (it bypasses grace, holding and whipsaw);
3. ``grace_period`` -- closing a held asset whose score fell below ``min_score`` is refused
   while its grace period runs (the strategy decays it instead); approved once it expired;
4. ``holding_period`` -- no close before ``min_holding_days`` bars;
5. ``whipsaw`` -- no open once ``max_cycles`` full open->close cycles ended in the last
   ``whipsaw_window`` bars.

Users add rules with :meth:`Orchestrator.with_rule` (any priority; the built-ins use 10..50).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tailkit.errors import ParameterError, describe_bad_value

__all__ = [
    "ACTIONS",
    "ActionRequest",
    "AssetState",
    "Decision",
    "ProtectionSettings",
    "Orchestrator",
    "core_asset_immunity",
    "regime_override",
    "grace_period",
    "holding_period",
    "whipsaw",
    "decide",
    "default_orchestrator",
]

ACTIONS: tuple[str, ...] = ("open", "close", "adjust")


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """A proposed action on one asset at one bar.

    Parameters
    ----------
    asset : str
        Ticker.
    action : {"open", "close", "adjust"}
        What the strategy wants.
    bar : int
        Decision bar index.
    score : float
        The asset's current score in [0, 1] (NaN if unknown).
    """

    asset: str
    action: str
    bar: int
    score: float

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ParameterError(describe_bad_value("action", self.action, "one of " + ", ".join(ACTIONS)))


@dataclass(frozen=True, slots=True)
class AssetState:
    """What the strategy knows about an asset on the decision bar.

    Parameters
    ----------
    held : bool
        Currently held.
    opened_bar : int
        Bar of the current position's open (-1 if not held).
    is_core : bool
        Core asset status.
    grace_started : int
        Bar the current grace period began (-1: none).
    cycle_ends : tuple of int
        Bars at which earlier open->close cycles of this asset ended.
    override_active : bool
        A critical regime transition's override authority is in force.
    """

    held: bool = False
    opened_bar: int = -1
    is_core: bool = False
    grace_started: int = -1
    cycle_ends: tuple[int, ...] = ()
    override_active: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to a request: ``approved``, why, and which system decided."""

    approved: bool
    reason: str
    system: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly fields."""
        return {"approved": self.approved, "reason": self.reason, "system": self.system}


@dataclass(frozen=True, slots=True)
class ProtectionSettings:
    """Settings the built-in rules read (a view of the strategy parameters)."""

    grace_days: int = 5
    min_holding_days: int = 3
    max_cycles: int = 1
    whipsaw_window: int = 14
    enable_core_assets: bool = True
    min_score: float = 0.6


Rule = Callable[[ActionRequest, AssetState, ProtectionSettings], "Decision | None"]


def core_asset_immunity(req: ActionRequest, st: AssetState, s: ProtectionSettings) -> Decision | None:
    """Priority 1: a core asset is immune from closure."""
    if s.enable_core_assets and st.is_core and st.held and req.action == "close":
        return Decision(False, "core asset: immune from closure", "core_asset_immunity")
    return None


def regime_override(req: ActionRequest, st: AssetState, s: ProtectionSettings) -> Decision | None:
    """Priority 2: a critical regime transition approves every request."""
    if st.override_active:
        return Decision(True, "critical regime transition: override authority", "regime_override")
    return None


def grace_period(req: ActionRequest, st: AssetState, s: ProtectionSettings) -> Decision | None:
    """Priority 3: a held asset is decayed for ``grace_days`` bars before it may close."""
    if req.action != "close" or not st.held or s.grace_days == 0:
        return None
    if st.grace_started < 0 and not req.score < s.min_score:
        return None  # closing for another reason (out-ranked): no grace
    if st.grace_started < 0:
        return Decision(False, "grace period starts: decay instead of closing", "grace_period")
    days = req.bar - st.grace_started
    if days < s.grace_days:
        return Decision(False, f"in grace period (day {days} of {s.grace_days})", "grace_period")
    return Decision(True, f"grace period expired after {days} bars", "grace_period")


def holding_period(req: ActionRequest, st: AssetState, s: ProtectionSettings) -> Decision | None:
    """Priority 4: no close before ``min_holding_days`` bars."""
    if req.action == "close" and st.held and req.bar - st.opened_bar < s.min_holding_days:
        return Decision(
            False, f"held {req.bar - st.opened_bar} < {s.min_holding_days} bars minimum", "holding_period"
        )
    return None


def whipsaw(req: ActionRequest, st: AssetState, s: ProtectionSettings) -> Decision | None:
    """Priority 5: at most ``max_cycles`` full cycles ending in the last ``whipsaw_window`` bars."""
    if req.action != "open":
        return None
    recent = sum(1 for b in st.cycle_ends if req.bar - b < s.whipsaw_window)
    if recent >= s.max_cycles:
        return Decision(
            False, f"{recent} cycle(s) in the last {s.whipsaw_window} bars (max {s.max_cycles})", "whipsaw"
        )
    return None


_BUILT_IN: tuple[tuple[int, str, Rule], ...] = (
    (10, "core_asset_immunity", core_asset_immunity),
    (20, "regime_override", regime_override),
    (30, "grace_period", grace_period),
    (40, "holding_period", holding_period),
    (50, "whipsaw", whipsaw),
)


@dataclass(frozen=True, slots=True)
class Orchestrator:
    """An ordered set of protection rules (immutable; :meth:`with_rule` returns a new one).

    Parameters
    ----------
    rules : tuple of (priority, name, rule)
        Sorted by priority (lowest first).
    settings : ProtectionSettings
        What the rules read.
    """

    rules: tuple[tuple[int, str, Rule], ...] = _BUILT_IN
    settings: ProtectionSettings = field(default_factory=ProtectionSettings)

    def with_rule(self, name: str, rule: Rule, priority: int) -> Orchestrator:
        """Return an orchestrator with ``rule`` added at ``priority`` (built-ins: 10..50)."""
        if not callable(rule):
            raise ParameterError(describe_bad_value("rule", type(rule).__name__, "a callable"))
        if any(n == name for _, n, _ in self.rules):
            raise ParameterError(describe_bad_value("name", name, "a name not already registered"))
        rules = tuple(sorted((*self.rules, (int(priority), name, rule)), key=lambda r: r[0]))
        return Orchestrator(rules, self.settings)

    def without(self, name: str) -> Orchestrator:
        """Return an orchestrator without the rule ``name`` (for counterfactual runs)."""
        names = [n for _, n, _ in self.rules]
        if name not in names:
            raise ParameterError(describe_bad_value("name", name, "one of " + ", ".join(names)))
        return Orchestrator(tuple(r for r in self.rules if r[1] != name), self.settings)

    def decide(self, req: ActionRequest, st: AssetState) -> Decision:
        """The first decision of the rules in priority order, or the default approval."""
        return decide(req, st, self.rules, self.settings)


def decide(
    req: ActionRequest, st: AssetState, rules: tuple[tuple[int, str, Rule], ...], settings: ProtectionSettings
) -> Decision:
    """Ask ``rules`` in order; the first non-None answer decides (default: approved)."""
    for _, _, rule in rules:
        out = rule(req, st, settings)
        if out is not None:
            return out
    return Decision(True, "no protection objected", "default")


def default_orchestrator(settings: ProtectionSettings | None = None) -> Orchestrator:
    """The five built-in protections in the documented priority."""
    return Orchestrator(_BUILT_IN, settings or ProtectionSettings())
