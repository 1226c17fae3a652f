"""Build ipywidgets controls from a parameter dataclass and read them back.

A panel never hand-writes a control per field: :func:`controls_for` reads each field's type
and declared range (:func:`tailkit.params.param`) and makes the matching control, and
:func:`read_controls` / :func:`params_from_controls` validate the current values through the
dataclass itself, so a bad combination is reported with the same message a YAML file would get.

Numbers are typed in a :class:`TypedText`, never a bounded widget: a bounded widget clamps
(an IV of 20 became the bound 3) or silently puts the old value back ("abc"), before any code
sees what was typed. The text is read by :mod:`tailkit.inputs` (percent-like fields, declared
``param(..., percent=True)``, accept "20", "20%" and "0.20") and refusals quote it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar, get_args, get_origin, get_type_hints

import ipywidgets as w
from traitlets import Unicode

from tailkit.errors import ParameterError
from tailkit.inputs import ParsedInput, format_percent, parse_number, parse_percent
from tailkit.params import field_spec

__all__ = [
    "TypedText",
    "ControlsReading",
    "controls_for",
    "read_controls",
    "params_from_controls",
    "control_box",
]

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")  # a parameter dataclass

_STYLE = {"description_width": "150px"}
_LAYOUT = {"width": "380px"}


def _label(name: str) -> str:
    return name.replace("_", " ")


class _TypedValue(Unicode):
    """A ``Unicode`` trait that also takes numbers set from code and shows them as text."""

    def validate(self, obj: Any, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = _number_text(value, percent=bool(getattr(obj, "percent", False)))
        return super().validate(obj, value)


def _number_text(value: float, *, percent: bool = False) -> str:
    """How a number shows in a text control: ``0.2`` as ``"20%"`` for a percent field."""
    if percent:
        return format_percent(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    return repr(float(value))


class TypedText(w.Text):
    """A text control for a number: its value is exactly what the person typed.

    Unlike ``BoundedFloatText`` it never clamps (20 stays 20, not the bound 3) and never puts
    the old value back when the text is not a number ("abc", ""); :func:`read_controls` reads
    the text with :mod:`tailkit.inputs` and the parameter dataclass refuses what is out of
    range, quoting the typed text. Setting a number from code (``ctl.value = 0.35``) shows it
    as text (as a percentage in a ``percent`` field).

    Attributes
    ----------
    kind : {"float", "int"}
        What the field holds.
    percent : bool
        The field is percent-like (:func:`tailkit.inputs.parse_percent`).
    """

    value = _TypedValue("", help="the text typed").tag(sync=True)

    def __init__(self, *, kind: str = "float", percent: bool = False, **kwargs: Any) -> None:
        self.kind = kind
        self.percent = percent
        kwargs.setdefault("continuous_update", False)  # read on Enter / focus out, not per keystroke
        super().__init__(**kwargs)


def _make_control(
    name: str, value: Any, hint: Any, spec: dict[str, Any], label: str | None = None
) -> w.Widget:
    desc = label or _label(name)
    tip = spec.get("doc", "")
    choices = spec.get("choices")
    common = {"description": desc, "style": _STYLE, "layout": _LAYOUT, "description_allow_html": False}
    if choices is not None and not isinstance(value, tuple):
        ctl: w.Widget = w.Dropdown(options=list(choices), value=value, **common)
    elif hint is bool:
        ctl = w.Checkbox(value=bool(value), indent=False, description=desc, layout=_LAYOUT)
    elif hint is int or hint is float:
        percent = bool(spec.get("percent"))
        ctl = TypedText(kind="int" if hint is int else "float", percent=percent, **common)
        ctl.value = value
        ctl.add_class("tailkit-number")
        if percent:
            ctl.add_class("tailkit-percent")
            ctl.placeholder = "e.g. 20%"
    elif hint is str:
        ctl = w.Text(value=value, **common)
    elif get_origin(hint) is tuple:
        ctl = w.Text(value=", ".join(str(v) for v in value), **common)
    else:
        ctl = w.Text(value=str(value), **common)
    ctl.tooltip = tip
    return ctl


def controls_for(
    cls: type,
    params: Any | None = None,
    *,
    include: list[str] | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, w.Widget]:
    """Return one control per field of parameter class ``cls``, keyed by field name.

    Parameters
    ----------
    cls : type
        A parameter dataclass (fields declared with :func:`tailkit.params.param`).
    params : cls instance, optional
        Initial values; defaults to ``cls()``.
    include : list of str, optional
        Field names to build controls for (in this order); default all fields.
    labels : dict of str to str, optional
        Words (with units) for fields whose name is not a label; default the name with spaces.

    Returns
    -------
    dict of str to ipywidgets.Widget
    """
    params = params if params is not None else cls()
    hints = get_type_hints(cls)
    names = include if include is not None else [f.name for f in dataclasses.fields(cls)]
    words = labels or {}
    return {
        n: _make_control(n, getattr(params, n), hints.get(n), field_spec(cls, n), words.get(n)) for n in names
    }


def _parse_tuple(text: str, hint: Any) -> tuple[Any, ...]:
    args = get_args(hint)
    inner = args[0] if args else float
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    return tuple(inner(t) if inner in (int, float, str) else t for t in items)


@dataclass(frozen=True, slots=True)
class ControlsReading(Generic[T]):
    """The parameters read from the controls and what was understood of the typed text.

    Attributes
    ----------
    params : parameter dataclass
        Validated parameters.
    notes : list of str
        One line per field whose text was interpreted (``"IV 20% (read 20 as percent)"``).
    """

    params: T
    notes: list[str] = field(default_factory=list)


def _read_typed(name: str, ctl: TypedText) -> ParsedInput:
    if ctl.percent:
        return parse_percent(name, ctl.value, label=ctl.description)
    return parse_number(name, ctl.value, integer=ctl.kind == "int")


def read_controls(cls: type[T], controls: dict[str, w.Widget], base: T | None = None) -> ControlsReading[T]:
    """Read the controls through :mod:`tailkit.inputs` and the dataclass ``cls``.

    Text of a number control is parsed (never clamped); the dataclass then checks ranges and
    combinations. A refusal quotes the text exactly as typed.

    Returns
    -------
    ControlsReading

    Raises
    ------
    tailkit.errors.ParameterError
        When a text is not a number, or a value or combination is not allowed.
    """
    hints = get_type_hints(cls)
    values = dataclasses.asdict(base) if base is not None else {}
    typed: dict[str, tuple[str, ParsedInput]] = {}
    for name, ctl in controls.items():
        value = ctl.value
        if isinstance(ctl, TypedText):
            parsed = _read_typed(name, ctl)
            shown = format_percent(parsed.value) if ctl.percent else ""
            where = f"{ctl.description} (read as {shown}{_percent_range(field_spec(cls, name))})"
            typed[name] = (where if shown else ctl.description, parsed)
            value = parsed.value
        elif get_origin(hints.get(name)) is tuple and isinstance(value, str):
            value = _parse_tuple(value, hints[name])
        values[name] = value
    try:
        params = cls(**values)
    except ParameterError as exc:
        raise ParameterError(_quote_typed(str(exc), typed)) from None
    notes = [p.note for _, p in typed.values() if "(read " in p.note]
    return ControlsReading(params, notes)


def _percent_range(spec: dict[str, Any]) -> str:
    """``"; allowed above 0% up to 300%"`` for a percent field's declared bounds."""
    lo = spec.get("ge") if spec.get("ge") is not None else spec.get("gt")
    hi = spec.get("le") if spec.get("le") is not None else spec.get("lt")
    if lo is None or hi is None:
        return ""
    low = f"from {format_percent(lo)}" if spec.get("ge") is not None else f"above {format_percent(lo)}"
    high = f"up to {format_percent(hi)}" if spec.get("le") is not None else f"below {format_percent(hi)}"
    return f"; allowed {low} {high}"


def _quote_typed(message: str, typed: dict[str, tuple[str, ParsedInput]]) -> str:
    """Prefix a dataclass refusal with what was typed in the field it names."""
    for name, (where, parsed) in typed.items():
        if message.startswith(f"{name}="):
            return f"you typed {parsed.typed!r} in {where}: {message}"
    return message


def params_from_controls(cls: type[T], controls: dict[str, w.Widget], base: T | None = None) -> T:
    """Build and validate ``cls`` from the controls' current values (other fields from ``base``).

    Raises
    ------
    tailkit.errors.ParameterError
        When a value or a combination is not allowed.
    """
    return read_controls(cls, controls, base).params


def control_box(controls: dict[str, w.Widget], title: str | None = None) -> w.VBox:
    """Stack controls vertically under an optional bold title."""
    children: list[w.Widget] = []
    if title:
        children.append(w.HTML(f"<b>{title}</b>"))
    children.extend(controls.values())
    return w.VBox(children)
