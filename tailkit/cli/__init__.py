"""The ``tailkit`` command.

The top layer of the library: each module of this package adds the sub-commands of one area
through ``register(subparsers)`` (:data:`COMMAND_MODULES`). Command handlers call the same
study and domain functions the notebooks call, imported inside the handler, and each
sub-command's options are generated from its parameter dataclass when that sub-command is
used (:mod:`tailkit.cli._options`), so ``import tailkit``, ``tailkit --help`` and
``tailkit --version`` import no numerical code.

Errors print one line naming the option the user typed and exit with status 2; a closed
output pipe (``tailkit book mark --json | head``) ends quietly with status 141, as a
process killed by SIGPIPE does.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from tailkit.cli._options import OPTION_NAMES, LazyParser, option_message
from tailkit.errors import TailkitError

__all__ = ["main", "build_parser", "COMMAND_MODULES", "EXIT_BROKEN_PIPE"]

#: exit status after the reader of stdout went away (128 + SIGPIPE, what a shell reports)
EXIT_BROKEN_PIPE = 141

#: modules providing ``register(subparsers)``; each adds its sub-commands
COMMAND_MODULES: tuple[str, ...] = (
    "tailkit.cli.notebooks",
    "tailkit.cli.book",
    "tailkit.cli.overlay",
    "tailkit.cli.report",
    "tailkit.cli.sweep",
    "tailkit.cli.hedge",
    "tailkit.cli.backtest",
    "tailkit.cli.system",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``tailkit`` argument parser with every registered sub-command."""
    parser = LazyParser(
        prog="tailkit",
        description="tailkit: tail-risk hedging and options-overlay research",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    from tailkit import __version__

    parser.add_argument("--version", action="version", version=f"tailkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=LazyParser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Errors print one line on stderr (exit 2) naming the user's options; a closed stdout pipe
    exits quietly with :data:`EXIT_BROKEN_PIPE`; Ctrl-C exits 130.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        try:
            code = int(args.func(args) or 0)
        except TailkitError as exc:
            print(f"tailkit {args.command}: error: {option_message(str(exc), getattr(args, OPTION_NAMES, None))}",
                  file=sys.stderr)  # fmt: skip
            return 2
        except KeyboardInterrupt:
            print(f"tailkit {args.command}: interrupted", file=sys.stderr)
            return 130
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
