"""Hedge programs: what to buy, how much, when to roll, what it may cost.

A program is a rule, not one option. Each kind is a frozen parameter dataclass:

* :class:`ProtectivePut` — long puts struck at ``moneyness`` x spot;
* :class:`PutSpread` — long a put at ``long_moneyness``, short one at ``short_moneyness`` < it;
* :class:`RatioSpread` — ``long_ratio`` puts at ``long_moneyness`` against ``short_ratio`` puts
  at ``short_moneyness`` (a tail spread / put backspread when the long strike is the lower one);
* :class:`Collar` — long a put financed by a short call; ``call_moneyness=0`` solves the call
  strike at every roll so the collar costs nothing (zero-cost collar);
* :class:`VixCall` — long calls on the vol index, struck at ``moneyness`` x the VIX future of
  the option's expiry, valued with Black-76 (:mod:`tailkit.hedging.surface`);
* :class:`CombinedProgram` — several programs side by side, each with its share of the budget;
* :class:`NoHedge` — the baseline.

Conventions (written down once):

* months are 21 trading days; options are European and cash settled at expiry (SPX and VIX
  options are), early exercise is ignored;
* roll rule ``"remaining"``: sell the position when ``roll_months`` of life remain (0: hold to
  expiry) and buy the next; ``"calendar"``: roll every ``roll_months`` (``roll_months ==
  tenor_months``: hold to expiry);
* sizing ``"notional"``: ``hedge_ratio`` x the equity shares held (equity legs), or
  ``hedge_ratio`` x NAV / VIX future contracts of the index (VIX legs); ``"budget"``: spend
  ``budget`` x NAV (ex hedge) a year, i.e. ``budget x NAV x holding period`` at each roll.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate

__all__ = [
    "MONTH_DAYS",
    "ProtectivePut",
    "PutSpread",
    "RatioSpread",
    "Collar",
    "VixCall",
    "CombinedProgram",
    "NoHedge",
    "HedgeProgram",
    "ProgramTable",
    "compile_programs",
    "program_label",
]

#: trading days per month
MONTH_DAYS = 21

Sizing = Literal["notional", "budget"]
RollRule = Literal["remaining", "calendar"]


def _check_schedule(obj: _Schedule) -> None:
    tenor = obj.tenor_months
    roll = obj.roll_months
    rule = obj.roll_rule
    if rule == "remaining" and roll >= tenor:
        raise ParameterError(
            describe_bad_value(
                "roll_months", roll, f"less than tenor_months={tenor} (roll with that much life left)"
            )
        )
    if rule == "calendar" and (roll > tenor or roll <= 0):
        raise ParameterError(
            describe_bad_value(
                "tenor_months",
                tenor,
                f"at least roll_months={roll} (a calendar roll cannot outlive the option)",
            )
        )


def _check_sizing(obj: _Schedule) -> None:
    if obj.sizing == "budget" and obj.budget <= 0.0:
        raise ParameterError(describe_bad_value("budget", obj.budget, "> 0 with sizing='budget'"))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Schedule:
    tenor_months: float = param(
        3.0, ge=0.25, le=24.0, doc="option tenor at purchase, months (21 trading days)"
    )
    roll_months: float = param(
        1.0, ge=0.0, le=24.0, doc="roll with this much life left (or every this many months)"
    )
    roll_rule: Literal["remaining", "calendar"] = param(
        "remaining", choices=("remaining", "calendar"), doc="'remaining' or 'calendar'"
    )
    sizing: Literal["notional", "budget"] = param(
        "notional", choices=("notional", "budget"), doc="'notional' hedge ratio or premium 'budget'"
    )
    hedge_ratio: float = param(1.0, ge=0.0, le=5.0, doc="notional hedged per unit of equity held")
    budget: float = param(0.005, ge=0.0, le=0.2, doc="premium budget, fraction of NAV a year")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtectivePut(_Schedule):
    """Long puts struck at ``moneyness`` x spot, rolled and sized by the schedule fields.

    Parameters
    ----------
    moneyness : float, default=0.9
        Strike / spot at purchase, > 0.
    tenor_months, roll_months, roll_rule, sizing, hedge_ratio, budget
        See the module docstring.
    """

    moneyness: float = param(0.9, gt=0.0, le=2.0, doc="strike / spot at purchase")

    def __post_init__(self) -> None:
        validate(self)
        _check_schedule(self)
        _check_sizing(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class PutSpread(_Schedule):
    """Long a put at ``long_moneyness``, short a put at ``short_moneyness`` < ``long_moneyness``."""

    long_moneyness: float = param(0.95, gt=0.0, le=2.0, doc="long put strike / spot")
    short_moneyness: float = param(0.80, gt=0.0, le=2.0, doc="short put strike / spot (below the long)")

    def __post_init__(self) -> None:
        validate(self)
        if self.short_moneyness >= self.long_moneyness:
            raise ParameterError(
                describe_bad_value(
                    "short_moneyness", self.short_moneyness, f"below long_moneyness={self.long_moneyness}"
                )
            )
        _check_schedule(self)
        _check_sizing(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class RatioSpread(_Schedule):
    """``long_ratio`` puts at ``long_moneyness`` against ``short_ratio`` puts at ``short_moneyness``.

    With the long strike below the short one and ``long_ratio > short_ratio`` this is the tail
    spread (put backspread): cheap or a credit, paying only in a deep fall.
    """

    long_moneyness: float = param(0.85, gt=0.0, le=2.0, doc="long put strike / spot")
    short_moneyness: float = param(0.95, gt=0.0, le=2.0, doc="short put strike / spot")
    long_ratio: float = param(2.0, gt=0.0, le=10.0, doc="long puts per unit")
    short_ratio: float = param(1.0, gt=0.0, le=10.0, doc="short puts per unit")

    def __post_init__(self) -> None:
        validate(self)
        if self.short_moneyness == self.long_moneyness:
            raise ParameterError(
                describe_bad_value(
                    "short_moneyness", self.short_moneyness, "a strike different from long_moneyness"
                )
            )
        _check_schedule(self)
        _check_sizing(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Collar(_Schedule):
    """Long a put at ``put_moneyness`` financed by a short call at ``call_moneyness``.

    ``call_moneyness=0`` solves the call strike at each roll so that the call's bid pays the
    put's ask (zero-cost collar). Collars are sized by notional (a zero-cost structure has no
    premium to budget).
    """

    put_moneyness: float = param(0.9, gt=0.0, le=2.0, doc="put strike / spot")
    call_moneyness: float = param(0.0, ge=0.0, le=5.0, doc="call strike / spot (0: solved for zero cost)")

    def __post_init__(self) -> None:
        validate(self)
        if self.call_moneyness != 0.0 and self.call_moneyness <= self.put_moneyness:
            raise ParameterError(
                describe_bad_value(
                    "call_moneyness",
                    self.call_moneyness,
                    f"0 (solve for zero cost) or a short call strike above put_moneyness={self.put_moneyness}",
                )
            )
        if self.sizing != "notional":
            raise ParameterError(describe_bad_value("sizing", self.sizing, "'notional' for a collar"))
        _check_schedule(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class VixCall(_Schedule):
    """Long calls on the vol index struck at ``moneyness`` x the VIX future of their expiry."""

    moneyness: float = param(1.3, gt=0.0, le=5.0, doc="strike / VIX future at purchase")
    tenor_months: float = param(2.0, ge=0.25, le=24.0, doc="option tenor at purchase, months")
    roll_months: float = param(
        1.0, ge=0.0, le=24.0, doc="roll with this much life left (or every this many months)"
    )
    sizing: Literal["notional", "budget"] = param(
        "budget", choices=("notional", "budget"), doc="'notional' hedge ratio or premium 'budget'"
    )

    def __post_init__(self) -> None:
        validate(self)
        _check_schedule(self)
        _check_sizing(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoHedge:
    """The unhedged baseline (no options)."""

    def __post_init__(self) -> None:
        validate(self)


SingleProgram: TypeAlias = ProtectivePut | PutSpread | RatioSpread | Collar | VixCall | NoHedge


@dataclass(frozen=True, slots=True, kw_only=True)
class CombinedProgram:
    """Programs held side by side, e.g. 70% of the budget in puts and 30% in VIX calls.

    Parameters
    ----------
    parts : tuple of programs
        The programs (each keeps its own schedule); at least one.
    weights : tuple of float
        Share of each part's size (hedge ratio or budget) used, >= 0, summing to 1.
    """

    parts: tuple[SingleProgram, ...] = field(default=())
    weights: tuple[float, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.parts or any(not isinstance(p, SingleProgram) for p in self.parts):
            raise ParameterError(
                describe_bad_value("parts", self.parts, "one or more single programs (no nesting)")
            )
        if len(self.weights) != len(self.parts):
            raise ParameterError(describe_bad_value("weights", self.weights, f"{len(self.parts)} weights"))
        w = np.asarray(self.weights, dtype=float)
        if not np.all(np.isfinite(w)) or np.any(w < 0) or abs(float(w.sum()) - 1.0) > 1e-9:
            raise ParameterError(describe_bad_value("weights", self.weights, "weights >= 0 summing to 1"))


HedgeProgram: TypeAlias = SingleProgram | CombinedProgram


def program_label(program: HedgeProgram) -> str:
    """Short human label, e.g. ``"put 90% 3m"`` or ``"70% put 90% 3m + 30% VIX call 130% 2m"``."""
    if isinstance(program, CombinedProgram):
        return " + ".join(f"{w:.0%} {program_label(p)}" for p, w in zip(program.parts, program.weights))
    if isinstance(program, NoHedge):
        return "no hedge"
    size = f"{program.budget:.2%}/yr" if program.sizing == "budget" else f"x{program.hedge_ratio:g}"
    tenor = f"{program.tenor_months:g}m"
    if isinstance(program, ProtectivePut):
        return f"put {program.moneyness:.0%} {tenor} {size}"
    if isinstance(program, PutSpread):
        return f"put spread {program.long_moneyness:.0%}/{program.short_moneyness:.0%} {tenor} {size}"
    if isinstance(program, RatioSpread):
        return (
            f"ratio {program.long_ratio:g}x{program.long_moneyness:.0%}/"
            f"{program.short_ratio:g}x{program.short_moneyness:.0%} {tenor} {size}"
        )
    if isinstance(program, Collar):
        call = "zero-cost" if program.call_moneyness == 0 else f"{program.call_moneyness:.0%}"
        return f"collar {program.put_moneyness:.0%}/{call} {tenor} {size}"
    return f"VIX call {program.moneyness:.0%} {tenor} {size}"


@dataclass(frozen=True, slots=True)
class ProgramTable:
    """Programs compiled to the flat arrays the marking kernel reads (see ``_kernels``)."""

    labels: tuple[str, ...]
    weight: np.ndarray
    sleeve_start: np.ndarray
    leg_start: np.ndarray
    tenor: np.ndarray
    hold: np.ndarray
    sizing: np.ndarray
    size: np.ndarray
    underlying: np.ndarray
    sign: np.ndarray
    moneyness: np.ndarray
    ratio: np.ndarray
    leg_program: np.ndarray
    leg_names: tuple[str, ...]

    @property
    def n_programs(self) -> int:
        """Number of programs."""
        return len(self.labels)

    def to_frame(self) -> pd.DataFrame:
        """One row per leg: program, leg name, underlying, option type, moneyness, ratio."""
        return pd.DataFrame(
            {
                "program": [self.labels[g] for g in self.leg_program],
                "leg": list(self.leg_names),
                "underlying": np.where(self.underlying == 0, "equity", "vix"),
                "type": np.where(self.sign > 0, "call", "put"),
                "moneyness": self.moneyness,
                "ratio": self.ratio,
            }
        )


def _legs(program: SingleProgram) -> list[tuple[int, float, float, float, str]]:
    """(underlying, sign, moneyness, ratio, name) of each leg."""
    if isinstance(program, ProtectivePut):
        return [(0, -1.0, program.moneyness, 1.0, f"put {program.moneyness:.0%}")]
    if isinstance(program, PutSpread):
        return [
            (0, -1.0, program.long_moneyness, 1.0, f"long put {program.long_moneyness:.0%}"),
            (0, -1.0, program.short_moneyness, -1.0, f"short put {program.short_moneyness:.0%}"),
        ]
    if isinstance(program, RatioSpread):
        return [
            (0, -1.0, program.long_moneyness, program.long_ratio, f"long put {program.long_moneyness:.0%}"),
            (
                0,
                -1.0,
                program.short_moneyness,
                -program.short_ratio,
                f"short put {program.short_moneyness:.0%}",
            ),
        ]
    if isinstance(program, Collar):
        call = "zero-cost" if program.call_moneyness == 0 else f"{program.call_moneyness:.0%}"
        return [
            (0, -1.0, program.put_moneyness, 1.0, f"long put {program.put_moneyness:.0%}"),
            (0, 1.0, program.call_moneyness, -1.0, f"short call {call}"),
        ]
    if isinstance(program, VixCall):
        return [(1, 1.0, program.moneyness, 1.0, f"VIX call {program.moneyness:.0%}")]
    return []


def _steps(program: SingleProgram) -> tuple[int, int]:
    tenor = max(1, round(program.tenor_months * MONTH_DAYS))  # type: ignore[union-attr]  # SingleProgram is a union of frozen dataclasses that all define it
    roll = round(program.roll_months * MONTH_DAYS)  # type: ignore[union-attr]  # SingleProgram is a union of frozen dataclasses that all define it
    hold = tenor - roll if program.roll_rule == "remaining" else roll  # type: ignore[union-attr]  # SingleProgram is a union of frozen dataclasses that all define it
    return tenor, max(1, min(hold, tenor))


def compile_programs(
    programs: list[HedgeProgram] | tuple[HedgeProgram, ...], weights: object
) -> ProgramTable:
    """Compile programs (and each one's equity weight) into the kernel's flat arrays.

    Parameters
    ----------
    programs : sequence of HedgeProgram, length n_programs
        The programs.
    weights : float or array_like of shape (n_programs,)
        Equity weight of each program's portfolio (1: fully invested; > 1: levered, financed
        at the cash rate; the rest in cash).

    Returns
    -------
    ProgramTable
    """
    programs = list(programs)
    if not programs:
        raise ParameterError(describe_bad_value("programs", programs, "at least one program"))
    w = np.broadcast_to(np.asarray(weights, dtype=np.float64), (len(programs),)).copy()
    if not np.all(np.isfinite(w)) or np.any(w <= 0) or np.any(w > 5):
        raise ParameterError(describe_bad_value("weights", w.tolist(), "equity weights in (0, 5]"))
    sleeve_start, leg_start = [0], [0]
    tenor, hold, sizing, size = [], [], [], []
    underlying, sign, moneyness, ratio, leg_program, names = [], [], [], [], [], []
    for g, program in enumerate(programs):
        if isinstance(program, CombinedProgram):
            parts = list(zip(program.parts, program.weights))
        elif isinstance(program, SingleProgram):
            parts = [(program, 1.0)]
        else:
            raise ParameterError(describe_bad_value("programs", type(program).__name__, "a hedge program"))
        for part, share in parts:
            legs = _legs(part)
            if not legs:
                continue
            t, h = _steps(part)
            tenor.append(t)
            hold.append(h)
            budget = part.sizing == "budget"  # type: ignore[union-attr]  # SingleProgram is a union of frozen dataclasses that all define it
            sizing.append(1 if budget else 0)
            size.append(share * (part.budget if budget else part.hedge_ratio))  # type: ignore[union-attr]  # SingleProgram is a union of frozen dataclasses that all define it
            for u, sg, m, rt, name in legs:
                underlying.append(u)
                sign.append(sg)
                moneyness.append(m)
                ratio.append(rt)
                leg_program.append(g)
                names.append(name)
            leg_start.append(len(underlying))
        sleeve_start.append(len(tenor))
    i64 = np.int64
    return ProgramTable(
        labels=tuple(program_label(p) for p in programs),
        weight=w,
        sleeve_start=np.asarray(sleeve_start, dtype=i64),
        leg_start=np.asarray(leg_start, dtype=i64),
        tenor=np.asarray(tenor, dtype=i64),
        hold=np.asarray(hold, dtype=i64),
        sizing=np.asarray(sizing, dtype=i64),
        size=np.asarray(size, dtype=np.float64),
        underlying=np.asarray(underlying, dtype=i64),
        sign=np.asarray(sign, dtype=np.float64),
        moneyness=np.asarray(moneyness, dtype=np.float64),
        ratio=np.asarray(ratio, dtype=np.float64),
        leg_program=np.asarray(leg_program, dtype=i64),
        leg_names=tuple(names),
    )
