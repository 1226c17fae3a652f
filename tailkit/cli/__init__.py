"""The ``tailkit`` command.

The top layer of the library: each module of this package adds the sub-commands of one area
through ``register(subparsers)`` (:data:`COMMAND_MODULES`). Command handlers call the same
study and domain functions the notebooks call, imported inside the handler, so ``import
tailkit`` and ``tailkit --help`` stay light.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tailkit.errors import TailkitError

__all__ = ["main", "build_parser", "COMMAND_MODULES"]

#: modules providing ``register(subparsers)``; each adds its sub-commands
COMMAND_MODULES: tuple[str, ...] = (
    "tailkit.cli.notebooks",
    "tailkit.cli.book",
    "tailkit.cli.overlay",
    "tailkit.cli.backtest",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``tailkit`` argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="tailkit",
        description="tailkit: tail-risk hedging and options-overlay research",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    from tailkit import __version__

    parser.add_argument("--version", action="version", version=f"tailkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (errors: one line on stderr, exit 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except TailkitError as exc:
        print(f"tailkit {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"tailkit {args.command}: interrupted", file=sys.stderr)
        return 130
