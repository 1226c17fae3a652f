"""Build ipywidgets controls from a parameter dataclass and read them back.

A panel never hand-writes a slider per field: :func:`controls_for` reads each field's type
and declared range (:func:`tailkit.params.param`) and makes the matching control, and
:func:`params_from_controls` validates the current values through the dataclass itself, so
a bad combination is reported with the same message a YAML file would get.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

import ipywidgets as w

from tailkit.params import field_spec

__all__ = ["controls_for", "params_from_controls", "control_box"]

T = TypeVar("T")

_STYLE = {"description_width": "150px"}
_LAYOUT = {"width": "380px"}


def _label(name: str) -> str:
    return name.replace("_", " ")


def _float_step(lo: float, hi: float, value: float | None = None) -> float:
    """Arrow-key step: a tenth of the value's order of magnitude, never more than span/200.

    A strike of 95 with a declared range up to 1e6 steps by 1, not by 1000; an IV of 0.20
    steps by 0.01.
    """
    span = hi - lo
    by_span = 10 ** math.floor(math.log10(span / 200.0)) if span > 0 and math.isfinite(span) else 0.01
    if value is None or not math.isfinite(value) or value == 0:
        return by_span
    by_value = 10 ** math.floor(math.log10(abs(value))) / 10.0
    return min(by_span, by_value)


def _make_control(name: str, value: Any, hint: Any, spec: dict[str, Any]) -> w.Widget:
    desc = _label(name)
    tip = spec.get("doc", "")
    choices = spec.get("choices")
    common = {"description": desc, "style": _STYLE, "layout": _LAYOUT, "description_allow_html": False}
    if choices is not None and not isinstance(value, tuple):
        ctl: w.Widget = w.Dropdown(options=list(choices), value=value, **common)
    elif hint is bool:
        ctl = w.Checkbox(value=bool(value), indent=False, description=desc, layout=_LAYOUT)
    elif hint is int:
        lo = spec.get("ge") if spec.get("ge") is not None else spec.get("gt")
        hi = spec.get("le") if spec.get("le") is not None else spec.get("lt")
        lo = int(lo) + (1 if spec.get("ge") is None and lo is not None else 0) if lo is not None else None
        hi = int(hi) - (1 if spec.get("le") is None and hi is not None else 0) if hi is not None else None
        if lo is not None and hi is not None and hi - lo <= 1000:
            ctl = w.IntSlider(value=value, min=lo, max=hi, step=1, continuous_update=False, **common)
        else:
            ctl = w.BoundedIntText(
                value=value,
                min=lo if lo is not None else -(2**31),
                max=hi if hi is not None else 2**31,
                **common,
            )
    elif hint is float:
        lo = spec.get("ge") if spec.get("ge") is not None else spec.get("gt")
        hi = spec.get("le") if spec.get("le") is not None else spec.get("lt")
        if lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi):
            step = _float_step(float(lo), float(hi), float(value))
            ctl = w.BoundedFloatText(value=value, min=lo, max=hi, step=step, **common)
        else:
            ctl = w.FloatText(value=value, **common)
    elif hint is str:
        ctl = w.Text(value=value, **common)
    elif get_origin(hint) is tuple:
        ctl = w.Text(value=", ".join(str(v) for v in value), **common)
    else:
        ctl = w.Text(value=str(value), **common)
    ctl.tooltip = tip
    return ctl


def controls_for(
    cls: type, params: Any | None = None, *, include: list[str] | None = None
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

    Returns
    -------
    dict of str to ipywidgets.Widget
    """
    params = params if params is not None else cls()
    hints = get_type_hints(cls)
    names = include if include is not None else [f.name for f in dataclasses.fields(cls)]
    return {n: _make_control(n, getattr(params, n), hints.get(n), field_spec(cls, n)) for n in names}


def _parse_tuple(text: str, hint: Any) -> tuple[Any, ...]:
    args = get_args(hint)
    inner = args[0] if args else float
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    return tuple(inner(t) if inner in (int, float, str) else t for t in items)


def params_from_controls(cls: type[T], controls: dict[str, w.Widget], base: T | None = None) -> T:
    """Build and validate ``cls`` from the controls' current values (other fields from ``base``).

    Raises
    ------
    tailkit.errors.ParameterError
        When a value or a combination is not allowed.
    """
    hints = get_type_hints(cls)
    values = dataclasses.asdict(base) if base is not None else {}  # type: ignore[call-overload]
    for name, ctl in controls.items():
        value = ctl.value
        if get_origin(hints.get(name)) is tuple and isinstance(value, str):
            value = _parse_tuple(value, hints[name])
        values[name] = value
    return cls(**values)


def control_box(controls: dict[str, w.Widget], title: str | None = None) -> w.VBox:
    """Stack controls vertically under an optional bold title."""
    children: list[w.Widget] = []
    if title:
        children.append(w.HTML(f"<b>{title}</b>"))
    children.extend(controls.values())
    return w.VBox(children)
