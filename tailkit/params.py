"""Parameter sets: frozen dataclasses with declared ranges, loaded from and saved to YAML.

A parameter class is a ``@dataclass(frozen=True, slots=True, kw_only=True)`` whose fields
are declared with :func:`param`, giving each field its allowed range. ``validate`` (called
from ``__post_init__``) checks every field and raises :class:`~tailkit.errors.ParameterError`
naming the field, the value and the allowed range. :func:`load_parameters` turns a YAML file
into its dataclass and, on a bad file, names the file too.

Notebook parameter sets live in ``parameters/<notebook-stem>/*.yaml``;
:data:`tailkit.studies.NOTEBOOK_PARAMETERS` maps each notebook stem to its dataclass.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, slots=True, kw_only=True)
... class Demo:
...     vol: float = param(0.2, gt=0.0, le=5.0, doc="volatility, decimal per year")
...     def __post_init__(self) -> None:
...         validate(self)
>>> Demo(vol=0.3).vol
0.3
"""

from __future__ import annotations

import dataclasses
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin, get_type_hints

import yaml

from tailkit.errors import ParameterError, describe_bad_value

__all__ = [
    "param",
    "validate",
    "load_parameters",
    "save_parameters",
    "parameters_to_dict",
    "parameters_from_dict",
    "atomic_write_text",
    "field_doc",
    "field_spec",
    "parameters_from_namespace",
    "param_like",
]

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")  # a parameter dataclass

_META = "tailkit"


def param(
    default: Any = dataclasses.MISSING,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    choices: Sequence[Any] | None = None,
    doc: str = "",
    default_factory: Any = dataclasses.MISSING,
    percent: bool = False,
) -> Any:
    """Declare a dataclass field with its allowed range.

    Parameters
    ----------
    default : Any, optional
        Default value.
    ge, gt, le, lt : float, optional
        Inclusive/exclusive bounds for numbers (applied to every element of a list).
    choices : sequence, optional
        Allowed values (for strings and enumerations; applied to every element of a list).
    doc : str, default=""
        One line with meaning and units, shown in widgets and error messages.
    default_factory : callable, optional
        Factory for mutable-looking defaults (use tuples where possible).
    percent : bool, default=False
        The field is a decimal a person thinks of as a percentage (IV, confidence, profit
        target): front ends read what is typed with :func:`tailkit.inputs.parse_percent`
        (``"20"``, ``"20%"`` and ``"0.20"`` all mean 0.20) and show what they understood.

    Returns
    -------
    dataclasses.Field
    """
    meta = {_META: {"ge": ge, "gt": gt, "le": le, "lt": lt, "choices": choices, "doc": doc}}
    if percent:
        meta[_META]["percent"] = True
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def _allowed_text(spec: Mapping[str, Any]) -> str:
    parts = []
    if spec.get("choices") is not None:
        parts.append("one of " + ", ".join(repr(c) for c in spec["choices"]))
    lo = []
    if spec.get("ge") is not None:
        lo.append(f">= {spec['ge']}")
    if spec.get("gt") is not None:
        lo.append(f"> {spec['gt']}")
    if spec.get("le") is not None:
        lo.append(f"<= {spec['le']}")
    if spec.get("lt") is not None:
        lo.append(f"< {spec['lt']}")
    if lo:
        parts.append("a number " + " and ".join(lo))
    return " ".join(parts) if parts else "a value of the declared type"


def _check_scalar(name: str, value: Any, spec: Mapping[str, Any], full: Any) -> None:
    choices = spec.get("choices")
    if choices is not None and value not in choices:
        raise ParameterError(describe_bad_value(name, full, _allowed_text(spec)))
    if any(spec.get(k) is not None for k in ("ge", "gt", "le", "lt")):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(describe_bad_value(name, full, _allowed_text(spec)))
        v = float(value)
        bad = math.isnan(v)
        bad |= spec.get("ge") is not None and not v >= spec["ge"]
        bad |= spec.get("gt") is not None and not v > spec["gt"]
        bad |= spec.get("le") is not None and not v <= spec["le"]
        bad |= spec.get("lt") is not None and not v < spec["lt"]
        if bad:
            raise ParameterError(describe_bad_value(name, full, _allowed_text(spec)))


def _coerce(name: str, value: Any, hint: Any) -> Any:
    """Coerce YAML scalars to the annotated type (int -> float, list -> tuple)."""
    origin = get_origin(hint)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if origin is tuple and isinstance(value, list | tuple):
        args = get_args(hint)
        inner = args[0] if args else Any
        return tuple(_coerce(name, v, inner) for v in value)
    if origin is not None and type(None) in get_args(hint) and value is not None:
        inner = [a for a in get_args(hint) if a is not type(None)]
        if len(inner) == 1:
            return _coerce(name, value, inner[0])
    return value


def _type_ok(value: Any, hint: Any) -> bool:
    origin = get_origin(hint)
    if hint is Any:
        return True
    if hint is float:
        return isinstance(value, float | int) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is bool:
        return isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        args = get_args(hint)
        inner = args[0] if args else Any
        return isinstance(value, tuple) and all(_type_ok(v, inner) for v in value)
    if origin is not None and str(origin).endswith("Literal"):
        return value in get_args(hint)
    args = get_args(hint)
    if args and origin is not None and not isinstance(origin, type):  # Union / Optional
        return any(_type_ok(value, a) for a in args)
    if args and type(None) in args:
        return any(_type_ok(value, a) for a in args)
    if hint is type(None):
        return value is None
    try:
        return isinstance(value, hint)
    except TypeError:
        return True


def validate(obj: Any) -> None:
    """Check every field of a parameter dataclass against its type and declared range.

    Integers given for float fields and lists given for tuple fields are coerced in place
    (via ``object.__setattr__``; the instance stays frozen to its users).

    Raises
    ------
    ParameterError
        Naming the field, the bad value and what is allowed.
    """
    hints = get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        hint = hints.get(f.name, Any)
        coerced = _coerce(f.name, value, hint)
        if coerced is not value:
            object.__setattr__(obj, f.name, coerced)
            value = coerced
        spec = f.metadata.get(_META, {})
        if not _type_ok(value, hint):
            allowed = _allowed_text(spec) if spec else ""
            tname = getattr(hint, "__name__", str(hint))
            raise ParameterError(
                describe_bad_value(f.name, value, f"type {tname}" + (f", {allowed}" if allowed else ""))
            )
        if not spec or value is None:
            continue
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            _check_scalar(f.name, item, spec, value)


def field_doc(cls: type, name: str) -> str:
    """Return the ``doc`` text declared for field ``name`` of parameter class ``cls``."""
    for f in dataclasses.fields(cls):
        if f.name == name:
            return str(f.metadata.get(_META, {}).get("doc", ""))
    raise ParameterError(describe_bad_value("field", name, f"a field of {cls.__name__}"))


def param_like(cls: type, name: str, default: Any = dataclasses.MISSING, *, doc: str | None = None) -> Any:
    """Declare a field with the range of field ``name`` of parameter class ``cls`` (one range, many classes).

    ``default`` (when given) and ``doc`` (when given) replace that field's default and doc.
    """
    spec = field_spec(cls, name)
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    return param(
        f.default if default is dataclasses.MISSING else default,
        ge=spec.get("ge"),
        gt=spec.get("gt"),
        le=spec.get("le"),
        lt=spec.get("lt"),
        choices=spec.get("choices"),
        doc=str(spec.get("doc", "")) if doc is None else doc,
    )


def field_spec(cls: type, name: str) -> dict[str, Any]:
    """Return the declared range (``ge``, ``gt``, ``le``, ``lt``, ``choices``, ``doc``) of a field.

    A field declared with ``percent=True`` also has ``"percent": True``.
    """
    for f in dataclasses.fields(cls):
        if f.name == name:
            return dict(f.metadata.get(_META, {}))
    raise ParameterError(describe_bad_value("field", name, f"a field of {cls.__name__}"))


def parameters_to_dict(obj: Any) -> dict[str, Any]:
    """Flat, YAML-friendly dict of a parameter dataclass (tuples become lists)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def parameters_from_dict(cls: type[T], data: Mapping[str, Any], *, source: str = "") -> T:
    """Build ``cls`` from a mapping whose keys are exactly its fields (missing keys take defaults).

    Parameters
    ----------
    cls : type
        A parameter dataclass.
    data : Mapping
        Field values.
    source : str, default=""
        Where the mapping came from (a file path), prefixed to error messages.

    Raises
    ------
    ParameterError
        Unknown keys, or a value out of range; the message names ``source`` and the field.
    """
    prefix = f"{source}: " if source else ""
    if not isinstance(data, Mapping):
        raise ParameterError(
            f"{prefix}expected a mapping of field names to values, got {type(data).__name__}"
        )
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise ParameterError(
            f"{prefix}unknown field(s) {', '.join(map(repr, unknown))} for {cls.__name__}; "
            f"allowed fields: {', '.join(names)}"
        )
    try:
        return cls(**dict(data))
    except ParameterError as exc:
        raise ParameterError(f"{prefix}{exc}") from None
    except TypeError as exc:
        raise ParameterError(f"{prefix}{cls.__name__}: {exc}") from None


def load_parameters(path: str | os.PathLike[str], cls: type[T]) -> T:
    """Load a YAML parameter file into its dataclass.

    Parameters
    ----------
    path : path-like
        ``parameters/<notebook-stem>/<name>.yaml``.
    cls : type
        The dataclass (:func:`tailkit.studies.load_notebook_parameters` looks it up from
        the file's folder name).

    Returns
    -------
    dataclass instance

    Raises
    ------
    ParameterError
        Naming the file, the field and the allowed range.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{p}: cannot read parameter file ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{p}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    return parameters_from_dict(cls, data, source=str(p))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file in the same folder, then rename).

    The file gets the permissions a plain ``open(path, "w")`` would give it: an existing
    file keeps its mode, a new one gets ``0o666`` minus the process umask (the temporary
    file's private ``0o600`` does not survive the rename).
    """

    def current_umask() -> int:
        # /proc/self/status reports the umask without changing it (Linux >= 4.7); elsewhere
        # read it by setting and restoring it straight away
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("Umask:"):
                        return int(line.split()[1], 8)
        except (OSError, ValueError):
            pass
        mask = os.umask(0o022)
        os.umask(mask)
        return mask

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = p.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_parameters(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write a parameter dataclass to YAML atomically; keys are exactly its fields."""
    atomic_write_text(path, yaml.safe_dump(parameters_to_dict(obj), sort_keys=False))


def parameters_from_namespace(cls: type[T], namespace: Mapping[str, Any]) -> T:
    """Build ``cls`` from the variables of a notebook's ``parameters`` cell.

    Every field of ``cls`` found in ``namespace`` (e.g. ``globals()``) is used; missing
    fields take their defaults. Lets a notebook's parameters cell mirror the dataclass.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    return parameters_from_dict(
        cls, {n: namespace[n] for n in names if n in namespace}, source="parameters cell"
    )


def json_safe(obj: Any) -> Any:
    """``obj`` with what JSON cannot hold made plain: NaN and ±inf become ``None``.

    numpy scalars become Python numbers (``.item()``), dict keys strings, tuples lists.
    """
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str | bytes) and getattr(obj, "ndim", None) == 0:
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def write_json(path: str | os.PathLike[str], document: Mapping[str, Any], indent: int = 2) -> None:
    """Write a JSON document atomically (:func:`atomic_write_text`; :func:`json_safe` first)."""
    import json

    atomic_write_text(path, json.dumps(json_safe(dict(document)), indent=indent, allow_nan=False) + "\n")
