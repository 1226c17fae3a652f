"""Sweep grids: a base parameter file plus axes, expanded into validated parameter sets.

A grid file is YAML with these top-level keys::

    base: default.yaml          # optional; a parameter file, relative to the grid file
    fixed:                      # optional; values applied to every set (override base)
      n_paths: 2000
    axes:                       # required; combined as a cartesian product of the blocks
      - cartesian:              # every combination of the listed values
          spread_type: [put, call]
          delta: [0.15, 0.20]
      - zip:                    # values taken together, position by position (equal lengths)
          width: [3.0, 5.0]
          expiration_days: [30, 60]
      - list:                   # explicit sets
          - {min_pop: 0.6, top: 5}
          - {min_pop: 0.8, top: 10}

The blocks of ``axes`` are combined as a cartesian product of blocks (a single block is the
whole grid). Every expanded set is validated against the notebook's parameter dataclass by
:func:`validate_sets` before anything runs; errors name the grid file, the set (its number
and its swept values), the field, the bad value and the allowed range.

A grid file is told apart from a parameter file by its ``axes`` key (no tailkit parameter
class has a field of that name): :func:`is_grid_file`.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import load_parameters, parameters_from_dict, parameters_to_dict

__all__ = ["Grid", "ParameterSet", "load_grid", "expand_grid", "validate_sets", "is_grid_file"]

_BLOCKS = ("cartesian", "zip", "list")
_TOP_KEYS = ("base", "fixed", "axes")


@dataclass(frozen=True, slots=True)
class Grid:
    """A parsed grid file.

    Attributes
    ----------
    source : str
        The grid file (or ``"<grid>"`` for a grid built in code), used in error messages.
    base : str or None
        Absolute path of the base parameter file; None uses the dataclass defaults.
    fixed : dict
        Values applied to every set (after ``base``, before the axes).
    axes : tuple of (str, object)
        The blocks, each ``("cartesian", {field: [values]})``, ``("zip", {field: [values]})``
        or ``("list", [{field: value}, ...])``.
    """

    source: str
    base: str | None
    fixed: dict[str, Any] = field(default_factory=dict)
    axes: tuple[tuple[str, Any], ...] = ()

    @property
    def swept_fields(self) -> tuple[str, ...]:
        """Names of the fields the axes vary, in the order they first appear."""
        names: list[str] = []
        for kind, body in self.axes:
            keys: list[str] = []
            if kind == "list":
                for item in body:
                    keys.extend(item)
            else:
                keys.extend(body)
            for k in keys:
                if k not in names:
                    names.append(k)
        return tuple(names)


@dataclass(frozen=True, slots=True)
class ParameterSet:
    """One expanded, validated set of a grid.

    Attributes
    ----------
    index : int
        Position in the expanded grid (0-based).
    swept : dict
        The values the axes set for this run (what tells the runs apart).
    values : dict
        Every field of the notebook's dataclass, validated (lists for tuples; JSON-friendly).
    """

    index: int
    swept: dict[str, Any]
    values: dict[str, Any]


def is_grid_file(path: str | os.PathLike[str]) -> bool:
    """Return True when ``path`` is a YAML mapping with an ``axes`` key (a sweep grid)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, Mapping) and "axes" in data


def _as_values(source: str, where: str, name: str, values: Any) -> list[Any]:
    if not isinstance(values, list) or not values:
        raise ParameterError(
            f"{source}: {where}: " + describe_bad_value(name, values, "a non-empty list of values")
        )
    return values


def _parse_block(source: str, i: int, block: Any) -> tuple[str, Any]:
    where = f"axes[{i}]"
    if not isinstance(block, Mapping) or len(block) != 1 or next(iter(block)) not in _BLOCKS:
        raise ParameterError(
            f"{source}: " + describe_bad_value(where, block, "a mapping with one key: " + ", ".join(_BLOCKS))
        )
    kind, body = next(iter(block.items()))
    if kind == "list":
        if not isinstance(body, list) or not body or not all(isinstance(b, Mapping) for b in body):
            raise ParameterError(
                f"{source}: {where}.list: "
                + describe_bad_value("list", body, "a non-empty list of mappings field -> value")
            )
        return kind, tuple(dict(b) for b in body)
    if not isinstance(body, Mapping) or not body:
        raise ParameterError(
            f"{source}: {where}.{kind}: "
            + describe_bad_value(kind, body, "a non-empty mapping field -> list of values")
        )
    parsed = {str(k): _as_values(source, f"{where}.{kind}", str(k), v) for k, v in body.items()}
    if kind == "zip":
        lengths = {k: len(v) for k, v in parsed.items()}
        if len(set(lengths.values())) != 1:
            raise ParameterError(
                f"{source}: {where}.zip: "
                + describe_bad_value("lengths", lengths, "lists of equal length (zipped axes)")
            )
    return kind, parsed


def grid_from_dict(data: Mapping[str, Any], *, source: str = "<grid>", folder: Path | None = None) -> Grid:
    """Build a :class:`Grid` from a mapping shaped like a grid file.

    Parameters
    ----------
    data : Mapping
        Keys ``base`` (optional), ``fixed`` (optional) and ``axes`` (required).
    source : str, default="<grid>"
        Name used in error messages.
    folder : Path, optional
        Folder a relative ``base`` is resolved against (default: the working directory).

    Returns
    -------
    Grid
    """
    if not isinstance(data, Mapping):
        raise ParameterError(f"{source}: expected a mapping with keys {', '.join(_TOP_KEYS)}")
    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        raise ParameterError(
            f"{source}: " + describe_bad_value("keys", unknown, "only " + ", ".join(_TOP_KEYS))
        )
    if "axes" not in data:
        raise ParameterError(f"{source}: a grid needs 'axes' (a list of cartesian/zip/list blocks)")
    axes = data["axes"]
    if isinstance(axes, Mapping):
        axes = [axes]
    if not isinstance(axes, list) or not axes:
        raise ParameterError(f"{source}: " + describe_bad_value("axes", axes, "a non-empty list of blocks"))
    base = data.get("base")
    base_path: str | None = None
    if base not in (None, ""):
        p = Path(str(base))
        if not p.is_absolute():
            p = (folder or Path.cwd()) / p
        if not p.is_file():
            raise ParameterError(
                f"{source}: " + describe_bad_value("base", str(base), "an existing YAML file")
            )
        base_path = str(p.resolve())
    fixed = data.get("fixed") or {}
    if not isinstance(fixed, Mapping):
        raise ParameterError(f"{source}: " + describe_bad_value("fixed", fixed, "a mapping field -> value"))
    blocks = tuple(_parse_block(source, i, b) for i, b in enumerate(axes))
    return Grid(source=source, base=base_path, fixed=dict(fixed), axes=blocks)


def load_grid(path: str | os.PathLike[str]) -> Grid:
    """Read a grid file (see the module docstring for its shape).

    Raises
    ------
    ParameterError
        Unreadable file, bad YAML, unknown keys, empty or unequal axes; names the file.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{p}: cannot read grid file ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{p}: not valid YAML: {exc}") from None
    return grid_from_dict(data or {}, source=str(p), folder=p.parent)


def _block_sets(kind: str, body: Any) -> list[dict[str, Any]]:
    if kind == "list":
        return [dict(b) for b in body]
    names = list(body)
    if kind == "zip":
        return [dict(zip(names, vals)) for vals in zip(*(body[n] for n in names))]
    return [dict(zip(names, vals)) for vals in itertools.product(*(body[n] for n in names))]


def expand_grid(grid: Grid) -> list[dict[str, Any]]:
    """Return the swept values of every set, in grid order (no validation).

    The blocks are combined as a cartesian product; later blocks vary fastest.

    Returns
    -------
    list of dict
        One mapping ``field -> value`` per set (only the swept fields).
    """
    out: list[dict[str, Any]] = []
    for combo in itertools.product(*(_block_sets(k, b) for k, b in grid.axes)):
        merged: dict[str, Any] = {}
        for part in combo:
            merged.update(part)
        out.append(merged)
    return out


def validate_sets(grid: Grid, params_class: type) -> list[ParameterSet]:
    """Expand ``grid`` and validate every set against ``params_class`` before anything runs.

    Parameters
    ----------
    grid : Grid
        From :func:`load_grid` or :func:`grid_from_dict`.
    params_class : type
        The notebook's parameter dataclass (the CLI resolves it from the notebook stem).

    Returns
    -------
    list of ParameterSet
        In grid order; duplicates (the same full set twice) are rejected.

    Raises
    ------
    ParameterError
        Naming the grid file, the set (number and swept values), the field, the value and
        the allowed range.
    """
    base: dict[str, Any] = {}
    if grid.base is not None:
        base = parameters_to_dict(load_parameters(grid.base, params_class))
    try:
        parameters_from_dict(params_class, {**base, **grid.fixed}, source="fixed")
    except ParameterError as exc:
        raise ParameterError(f"{grid.source}: {exc}") from None
    sets: list[ParameterSet] = []
    seen: dict[str, int] = {}
    for i, swept in enumerate(expand_grid(grid)):
        label = ", ".join(f"{k}={v!r}" for k, v in swept.items())
        try:
            obj: Any = parameters_from_dict(params_class, {**base, **grid.fixed, **swept}, source="")
        except ParameterError as exc:
            raise ParameterError(f"{grid.source}: set {i} ({label}): {str(exc).removeprefix(': ')}") from None
        values = parameters_to_dict(obj)
        key = repr(sorted(values.items()))
        if key in seen:
            raise ParameterError(
                f"{grid.source}: set {i} ({label}) repeats set {seen[key]}; every set must differ"
            )
        seen[key] = i
        sets.append(ParameterSet(index=i, swept=swept, values=values))
    return sets


def sets_from_dicts(params_class: type, swept: Sequence[Mapping[str, Any]]) -> list[ParameterSet]:
    """Validate explicit sets (a grid of one ``list`` block, for callers building sets in code)."""
    return validate_sets(
        Grid(source="<sets>", base=None, axes=(("list", tuple(dict(s) for s in swept)),)), params_class
    )
