"""Command-line options generated from parameter dataclasses (the one parameter source).

A command's options are the fields of its frozen parameter dataclass (declared with
:func:`tailkit.params.param`): the option name is the field name with ``-`` for ``_`` (or
``rename``), the default is the field's default (a field without a default is a required
option), the help text is the field's ``doc`` and the argparse ``type`` follows the field's
type. Ranges are checked by the dataclass itself (:func:`params_from_args`), and its error
messages are rewritten to name the options the user typed (:func:`option_message`).

Sub-command parsers are built lazily (:class:`LazyParser`): ``tailkit --help`` and
``tailkit --version`` import no study module and so no numerical code.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin

from tailkit.errors import ParameterError

__all__ = [
    "LazyParser",
    "add_dataclass_options",
    "params_from_args",
    "option_message",
    "populate_all",
    "OPTION_NAMES",
    "SOURCES",
    "walk",
]

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")  # a parameter dataclass

#: attribute of the parsed namespace mapping field names to the option strings shown to the user
OPTION_NAMES = "_option_names"
#: attribute of a parser mapping each generated option's ``dest`` to its parameter dataclass
SOURCES = "_tailkit_sources"


class LazyParser(argparse.ArgumentParser):
    """An argument parser whose arguments are added on first use.

    ``populate`` (set by the command module) adds the arguments; it runs before the parser
    parses, prints help or usage. Keeps ``tailkit --help`` free of study imports.
    """

    populate: Callable[[argparse.ArgumentParser], None] | None = None

    def ensure(self) -> None:
        """Add the arguments now (once)."""
        fill, self.populate = self.populate, None
        if fill is not None:
            fill(self)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self.ensure()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self.ensure()
        return super().format_help()

    def format_usage(self) -> str:
        self.ensure()
        return super().format_usage()


def populate_all(parser: argparse.ArgumentParser) -> None:
    """Populate every lazy sub-parser below ``parser`` (for tests and documentation)."""
    for _ in walk(parser):
        pass


def walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Yield ``(command path, parser)`` for ``parser`` and every sub-command below it, populated."""
    if isinstance(parser, LazyParser):
        parser.ensure()
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, (*path, name))


def _float_list(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one number")
    return values


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of integers") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one integer")
    return values


def _str_list(text: str) -> tuple[str, ...]:
    values = tuple(v.strip() for v in text.split(",") if v.strip())
    if not values:
        raise argparse.ArgumentTypeError("expected at least one value")
    return values


_LIST_TYPES: dict[Any, Callable[[str], Any]] = {float: _float_list, int: _int_list, str: _str_list}
_SCALAR_TYPES: dict[Any, Callable[[str], Any]] = {float: float, int: int, str: str}


def _unoptional(hint: Any) -> tuple[Any, bool]:
    args = get_args(hint)
    if get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            return inner[0], True
    return hint, False


def _help_text(doc: str, hint: Any) -> str:
    text = doc.replace("%", "%%")  # argparse %-formats help strings
    if get_origin(hint) is tuple:
        text += " (comma list)"
    return text


def add_dataclass_options(
    parser: argparse.ArgumentParser,
    cls: type,
    fields: Iterable[str] | None = None,
    *,
    rename: Mapping[str, str] | None = None,
    aliases: Mapping[str, Sequence[str]] | None = None,
    required: Iterable[str] = (),
    negate: Mapping[str, str] | None = None,
    positional: Iterable[str] = (),
    spaced: Iterable[str] = (),
) -> dict[str, str]:
    """Add one option per field of parameter dataclass ``cls``.

    Parameters
    ----------
    parser : ArgumentParser
        The (sub-)command parser.
    cls : type
        Frozen parameter dataclass whose fields are declared with :func:`tailkit.params.param`.
    fields : iterable of str, optional
        Fields to expose, in order (default: every field).
    rename : mapping, optional
        Field name -> option name without dashes (default: the field name with ``-``); keys
        that are not fields of ``cls`` are ignored, so commands can share one mapping.
    aliases : mapping, optional
        Field name -> extra option strings, e.g. ``{"calibration_file": ["-c"]}``.
    required : iterable of str
        Fields that must be given on the command line although the dataclass has a default
        (a field without a default is always required).
    negate : mapping, optional
        Boolean field with default ``True`` -> name of the flag that sets it to ``False``
        (e.g. ``{"exclude_covid": "no-covid-exclusion"}``).
    positional : iterable of str
        Fields taken as positional arguments.
    spaced : iterable of str
        Tuple fields given as space-separated values (``--nav 1e6 1e7``) instead of a comma list.

    Returns
    -------
    dict
        Field name -> the option string shown to the user (also stored in the namespace as
        ``_option_names`` for :func:`option_message`).
    """
    rename = dict(rename or {})
    aliases = dict(aliases or {})
    negate = dict(negate or {})
    required = set(required)
    positional = set(positional)
    spaced = set(spaced)
    hints = typing.get_type_hints(cls)
    by_name = {f.name: f for f in dataclasses.fields(cls)}
    names = list(fields) if fields is not None else list(by_name)
    unknown = [n for n in (*names, *negate, *required, *positional, *spaced) if n not in by_name]
    if unknown:
        raise ParameterError(f"{cls.__name__} has no field(s) {', '.join(map(repr, unknown))}")
    shown: dict[str, str] = {}
    for name in names:
        f = by_name[name]
        spec = f.metadata.get("tailkit", {})
        hint, _ = _unoptional(hints[name])
        default = f.default if f.default is not dataclasses.MISSING else dataclasses.MISSING
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        help_text = _help_text(spec.get("doc", ""), hint)
        if name in positional:
            parser.add_argument(name, type=_SCALAR_TYPES.get(hint, str), help=help_text)
            shown[name] = name
            continue
        flag = "--" + rename.get(name, name.replace("_", "-"))
        strings = [*aliases.get(name, ()), flag]
        kwargs: dict[str, Any] = {"dest": name, "help": help_text}
        if hint is bool:
            if name in negate:
                # the flag turns the field off: say what it does, not what the field does by
                # default (the field's own "(default: True)" read as if the flag were on); left
                # out of the namespace when not given, so the dataclass default applies
                strings = [*aliases.get(name, ()), "--" + negate[name]]
                kwargs.update(
                    action="store_false",
                    default=argparse.SUPPRESS,
                    help=f"turn off what is on by default: {help_text or name.replace('_', ' ')}",
                )
            elif default is True:
                kwargs.update(action=argparse.BooleanOptionalAction, default=True)
            else:
                kwargs.update(
                    action="store_true",
                    default=bool(default) if default is not dataclasses.MISSING else False,
                )
            parser.add_argument(*strings, **kwargs)
            shown[name] = strings[-1]
            continue
        if get_origin(hint) is tuple and name in spaced:
            kwargs.update(type=_SCALAR_TYPES[get_args(hint)[0]], nargs="+")
            help_text = kwargs["help"] = help_text.removesuffix(" (comma list)")
        elif get_origin(hint) is tuple:
            kwargs["type"] = _LIST_TYPES[get_args(hint)[0]]
            kwargs["metavar"] = "LIST"
        else:
            kwargs["type"] = _SCALAR_TYPES.get(hint, str)
        if spec.get("choices") is not None and get_origin(hint) is not tuple:
            kwargs["choices"] = tuple(spec["choices"])
        if default is dataclasses.MISSING or name in required:
            kwargs.update(required=True, default=argparse.SUPPRESS)
        else:
            kwargs["default"] = default
        if "choices" not in kwargs:
            kwargs.setdefault("metavar", flag[2:].upper().replace("-", "_"))
        parser.add_argument(*strings, **kwargs)
        shown[name] = flag
    previous = dict(parser.get_default(OPTION_NAMES) or {})
    parser.set_defaults(**{OPTION_NAMES: {**previous, **shown}})
    sources = dict(getattr(parser, SOURCES, {}))
    sources.update({name: cls for name in shown})
    setattr(parser, SOURCES, sources)
    return shown


def params_from_args(
    cls: type[T], args: argparse.Namespace, fields: Iterable[str] | None = None, **extra: Any
) -> T:
    """Build ``cls`` from the parsed options (the dataclass validates every range).

    Parameters
    ----------
    cls : type
        The parameter dataclass the options were generated from.
    args : Namespace
        Parsed arguments.
    fields : iterable of str, optional
        Fields to take from ``args`` (default: every field present in ``args``).
    **extra
        Field values not given as options.

    Raises
    ------
    ParameterError
        From the dataclass, with field names replaced by the user's option names.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    take = list(fields) if fields is not None else [n for n in names if hasattr(args, n)]
    values = {n: getattr(args, n) for n in take}
    values.update(extra)
    try:
        return cls(**values)
    except ParameterError as exc:
        raise ParameterError(option_message(str(exc), getattr(args, OPTION_NAMES, None))) from None


def params_from_file_and_args(cls: type[T], args: argparse.Namespace, path: str | None) -> T:
    """Build ``cls`` from a parameter file overridden by the options the user changed.

    The file (YAML or JSON, :func:`tailkit.params.load_parameters`) is the base; an option left
    at its dataclass default takes the file's value, an option given with another value wins.
    Without a file this is :func:`params_from_args`.

    Parameters
    ----------
    cls : type
        The parameter dataclass the options were generated from.
    args : Namespace
        Parsed arguments.
    path : str or None
        The parameter file (``None`` or ``""``: none).
    """
    from tailkit.params import load_parameters, parameters_to_dict

    params = params_from_args(cls, args)
    if not path:
        return params
    base = parameters_to_dict(load_parameters(path, cls))
    given = parameters_to_dict(params)
    default = parameters_to_dict(cls())
    values = {k: (given[k] if given[k] != default[k] else base[k]) for k in given}
    names = {OPTION_NAMES: getattr(args, OPTION_NAMES, None)}
    return params_from_args(cls, argparse.Namespace(**values, **names))


_NUMPY_REPR = re.compile(r"np\.(?:float|int|uint|bool_)\w*\(([^()]*)\)")


def option_message(message: str, names: Mapping[str, str] | None) -> str:
    """Rewrite an error message for the command line.

    ``field=value`` becomes ``--option=value`` for every field the command maps to an
    option (longest field names first, whole words only), and numpy scalar reprs such as
    ``np.float64(-5.0)`` become plain numbers.
    """
    text = _NUMPY_REPR.sub(r"\1", message)
    for field, option in sorted((names or {}).items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<![\w-]){re.escape(field)}(?==)", option, text)
    return text
