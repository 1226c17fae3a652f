"""``tailkit book ...``: the position book on the command line.

Every sub-command takes ``--db PATH`` (default ``$TAILKIT_BOOK`` or ``~/.tailkit/book.sqlite``)
and ``--actor NAME`` (written to the audit log). Errors print one line and exit with status 2;
nothing is written by a rejected command.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

import pandas as pd

from tailkit.cli.book_menu import register_desk

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter


def _open(args: argparse.Namespace) -> Any:
    from tailkit.book.store import Book

    return Book(args.db, actor=args.actor)


def _print_frame(frame: pd.DataFrame, empty: str) -> None:
    if frame.empty:
        print(empty)
        return
    with pd.option_context("display.width", 200, "display.max_columns", 40, "display.max_colwidth", 60):
        print(frame.to_string(index=False))


def _init(args: argparse.Namespace) -> int:
    with _open(args) as book:
        print(f"book {book.path}: schema version {book.version}, integrity {book.integrity_check()}")
    return 0


def _order_from(args: argparse.Namespace) -> Any:
    from tailkit.book.positions import spread_order

    return spread_order(
        strategy=args.strategy,
        short_strike=args.short,
        long_strike=args.long,
        expiry=args.expiry,
        contracts=args.contracts,
        credit=args.credit,
        underlying=args.underlying,
        entry_underlying=args.entry_underlying,
        entry_iv=args.entry_iv,
        entry_delta=args.entry_delta,
        commission=args.commission,
        tag=args.tag,
    )


def _add(args: argparse.Namespace) -> int:
    from tailkit.book.positions import add_spread

    order = _order_from(args)
    with _open(args) as book:
        pid = add_spread(book, order, reason=args.reason)
    print(
        f"position {pid}: {order.strategy} {order.short_strike_cents / 100:g}/{order.long_strike_cents / 100:g} "
        f"{order.expiry} x{order.contracts} for {order.credit_cents / 100:.2f} credit"
    )
    return 0


def _close(args: argparse.Namespace) -> int:
    from tailkit.book.positions import close_position

    with _open(args) as book:
        pnl = close_position(
            book,
            args.position,
            exit_price=args.price,
            exit_reason=args.exit_reason,
            commission=args.commission,
            reason=args.reason,
        )
    print(f"position {args.position} closed at {args.price}: realized P&L {pnl / 100:+,.2f}")
    return 0


def _roll(args: argparse.Namespace) -> int:
    from tailkit.book.positions import roll_position

    order = _order_from(args)
    with _open(args) as book:
        pid = roll_position(book, args.position, exit_price=args.price, order=order, reason=args.reason)
    print(f"position {args.position} rolled into position {pid}")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    from tailkit.book.market import add_snapshot

    with _open(args) as book:
        add_snapshot(
            book,
            underlying_price=args.price,
            time=args.time,
            yield_20y=args.yield_20y,
            yield_30y=args.yield_30y,
            underlying=args.underlying,
            reason=args.reason,
        )
    print(f"snapshot: {args.underlying} {args.price}")
    return 0


def _import_chain(args: argparse.Namespace) -> int:
    from tailkit.book.market import import_chain

    with _open(args) as book:
        result = import_chain(book, args.file, underlying=args.underlying, reason=args.reason)
    print(result.summary())
    return 0


def _mark(args: argparse.Namespace) -> int:
    from tailkit.book.marks import mark_book

    with _open(args) as book:
        marks = mark_book(book, as_of=args.as_of, save=args.save, reason=args.reason)
    if args.json:
        print(json.dumps(marks.to_dict(), indent=1, default=str))
        return 0
    cols = ["position_id", "strategy", "contracts", "expiry", "dte", "credit", "value_mid", "value_exec"]
    cols += ["pnl_mid", "pnl_exec", "delta", "theta", "vega", "signal"]
    print(f"marks as of {marks.as_of} (valuation date {marks.valuation_date})")
    _print_frame(marks.positions[cols].round(4), "no open positions")
    for r in marks.positions.itertuples():
        if r.signal:
            print(f"  EXIT position {r.position_id}: {r.signal}: {r.message}")
    t = marks.totals
    print(
        f"unrealized P&L {t.unrealized_mid:+,.2f} at mid, {t.unrealized_exec:+,.2f} at bid/ask; "
        f"realized {t.realized_pnl:+,.2f}; income to date {t.income:+,.2f}"
    )
    print(
        f"open risk {t.open_risk:,.2f}; delta {t.delta:+,.1f} sh, theta {t.theta:+,.2f}/day, vega {t.vega:+,.2f}/pt"
    )
    if t.loss_budget is not None:
        print(
            f"loss budget {t.loss_budget:,.2f} (NAV {t.nav:,.2f}): used {t.loss_budget_used:.1%}, "
            f"open risk = {t.open_risk_to_budget:.1%} of it"
        )
    else:
        print("loss budget: no NAV yet (tailkit book nav set AMOUNT)")
    return 0


def _nav_set(args: argparse.Namespace) -> int:
    from tailkit.book.nav import set_nav

    with _open(args) as book:
        set_nav(book, args.amount, note=args.note, reason=args.reason)
    print(f"NAV set to {args.amount}")
    return 0


def _nav_show(args: argparse.Namespace) -> int:
    from tailkit.book.money import from_cents
    from tailkit.book.nav import nav_history

    with _open(args) as book:
        frame = nav_history(book)
    frame["nav"] = [f"{from_cents(c):,.2f}" for c in frame["nav_cents"]]
    _print_frame(frame[["time", "nav", "note"]], "no NAV recorded yet")
    return 0


def _size(args: argparse.Namespace) -> int:
    from tailkit.book.sizing import size_trade

    with _open(args) as book:
        result = size_trade(
            book,
            credit=args.credit,
            width=args.width,
            pop=args.pop,
            win_loss_ratio=args.win_loss,
            nav=args.nav,
            kelly_fraction=args.kelly_fraction,
            max_risk_pct=args.max_risk_pct,
        )
    print(result.summary())
    return 0


def _export(args: argparse.Namespace) -> int:
    from tailkit.book.transfer import export_book

    with _open(args) as book:
        print("exported " + export_book(book, args.path, fmt=args.format).summary())
    return 0


def _import(args: argparse.Namespace) -> int:
    from tailkit.book.transfer import import_book

    with _open(args) as book:
        print("imported " + import_book(book, args.path, reason=args.reason).summary())
    return 0


def _rules_set(args: argparse.Namespace) -> int:
    from tailkit.book.settings import get_exit_rules, set_exit_rules
    from tailkit.overlay.exits import ExitRules

    with _open(args) as book:
        old = get_exit_rules(book)
        changes = {
            k: v
            for k, v in (
                ("profit_target_pct", args.profit_target),
                ("loss_multiple", args.loss_multiple),
                ("dte_threshold", args.dte_close),
            )
            if v is not None
        }
        rules = set_exit_rules(book, ExitRules(**{**old.to_dict(), **changes}), reason=args.reason)
    print(f"exit rules: {rules.to_dict()}")
    return 0


def _rules_show(args: argparse.Namespace) -> int:
    from tailkit.book.settings import get_exit_rules, get_settings

    with _open(args) as book:
        print(f"exit rules: {get_exit_rules(book).to_dict()}")
        print(f"settings:   {dataclasses.asdict(get_settings(book))}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from tailkit.book.demo import make_demo_book
    from tailkit.book.positions import positions_frame

    book = make_demo_book(args.db, force=args.force)
    with book:
        n = len(positions_frame(book))
        print(f"demo book (SYNTHETIC data) written to {book.path}: {n} positions")
    return 0


def _positions(args: argparse.Namespace) -> int:
    from tailkit.book.positions import positions_frame

    with _open(args) as book:
        frame = positions_frame(book, status=args.status)
    cols = ["id", "opened_at", "strategy", "tag", "contracts", "short_strike", "long_strike", "expiry"]
    cols += ["credit", "status", "exit_price", "exit_reason", "realized_pnl"]
    _print_frame(frame[cols], "no positions")
    return 0


def _audit(args: argparse.Namespace) -> int:
    with _open(args) as book:
        frame = pd.read_sql_query(
            "SELECT id, time, actor, action, object, reason, payload FROM audit ORDER BY id DESC LIMIT ?",
            book.conn,
            params=(args.limit,),
        )
    _print_frame(frame.iloc[::-1], "no audit events")
    return 0


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", default=None, help="book file (default: $TAILKIT_BOOK or ~/.tailkit/book.sqlite)"
    )
    common.add_argument("--actor", default=None, help="name written to the audit log (default: OS user)")
    common.add_argument("--reason", default="", help="why, for the audit log")
    return common


def _order_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strategy", required=True, choices=["bull_put", "bear_call"], help="spread type")
    p.add_argument("--short", required=True, help="short strike")
    p.add_argument("--long", required=True, help="long strike")
    p.add_argument("--expiry", required=True, help="expiry date YYYY-MM-DD")
    p.add_argument("--contracts", required=True, help="number of spreads")
    p.add_argument("--credit", required=True, help="credit per share, e.g. 0.62")
    p.add_argument("--underlying", default="TLT", help="ticker")
    p.add_argument("--entry-underlying", default=None, help="underlying price at entry")
    p.add_argument("--entry-iv", default=None, help="short leg IV at entry, decimal")
    p.add_argument("--entry-delta", default=None, help="short leg delta at entry")
    p.add_argument("--commission", default="0", help="commissions paid, dollars")
    p.add_argument("--tag", default="", help="strategy tag")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``book`` and its sub-commands to the ``tailkit`` command line."""
    common = _common()
    book = sub.add_parser("book", help="the live position book (SQLite)", formatter_class=_FMT)
    bsub = book.add_subparsers(dest="book_command", metavar="BOOK_COMMAND")
    bsub.required = False  # no sub-command: the menu on a terminal, else the list of sub-commands

    def add(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p = bsub.add_parser(name, help=help_text, parents=[common], formatter_class=_FMT)
        p.set_defaults(func=func)
        return p

    add("init", _init, "create (or migrate) the book and check it")
    p = add("add", _add, "open a credit spread")
    _order_args(p)
    p = add("close", _close, "close an open position")
    p.add_argument("position", type=int, help="position id")
    p.add_argument("--price", required=True, help="price paid per share to close")
    p.add_argument(
        "--exit-reason",
        default="manual",
        choices=["manual", "profit_target", "loss_limit", "dte_threshold", "expiration"],
        help="exit rule",
    )
    p.add_argument("--commission", default="0", help="commissions paid, dollars")
    p = add("roll", _roll, "close a position and open its replacement (one transaction)")
    p.add_argument("position", type=int, help="position id to roll")
    p.add_argument("--price", required=True, help="price paid per share to close the old position")
    _order_args(p)
    p = add("snapshot", _snapshot, "record the underlying price and yields by hand")
    p.add_argument("--price", required=True, help="underlying price")
    p.add_argument("--time", default=None, help="time (default now, UTC)")
    p.add_argument("--yield-20y", default=None, help="20y yield, decimal")
    p.add_argument("--yield-30y", default=None, help="30y yield, decimal")
    p.add_argument("--underlying", default="TLT", help="ticker")
    p = add("import-chain", _import_chain, "import an option-chain CSV (idempotent)")
    p.add_argument("file", help="option-chain CSV")
    p.add_argument("--underlying", default="TLT", help="ticker of the chain")
    p = add("mark", _mark, "mark open positions: P&L, Greeks, DTE, exit signals, loss budget")
    p.add_argument("--as-of", default=None, help="valuation date (default today, UTC)")
    p.add_argument("--save", action="store_true", help="store the marks in the book")
    p.add_argument("--json", action="store_true", help="print JSON")

    nav = bsub.add_parser("nav", help="set or show the NAV", formatter_class=_FMT)
    nsub = nav.add_subparsers(dest="nav_command", metavar="NAV_COMMAND")
    nsub.required = True
    p = nsub.add_parser("set", help="record the NAV", parents=[common], formatter_class=_FMT)
    p.add_argument("amount", help="NAV in dollars, e.g. 1000000")
    p.add_argument("--note", default="", help="note stored with the value")
    p.set_defaults(func=_nav_set)
    p = nsub.add_parser("show", help="NAV history", parents=[common], formatter_class=_FMT)
    p.set_defaults(func=_nav_show)

    p = add("size", _size, "contracts for a new spread: fractional Kelly capped by max % of NAV at risk")
    p.add_argument("--credit", required=True, help="credit per share")
    p.add_argument("--width", required=True, help="strike width per share")
    p.add_argument("--pop", required=True, type=float, help="probability of profit, 0..1")
    p.add_argument(
        "--win-loss", type=float, default=None, help="win/loss ratio (default credit/(width-credit))"
    )
    p.add_argument("--nav", default=None, help="NAV (default: the book's latest)")
    p.add_argument(
        "--kelly-fraction", type=float, default=None, help="fraction of Kelly (default: book setting)"
    )
    p.add_argument(
        "--max-risk-pct", type=float, default=None, help="cap, fraction of NAV (default: book setting)"
    )

    p = add("export", _export, "export positions, marks and the audit log")
    p.add_argument("path", help="JSON file or CSV folder")
    p.add_argument("--format", default="json", choices=["json", "csv"], help="format")
    p = add("import", _import, "import an export into an empty book")
    p.add_argument("path", help="JSON file or CSV folder written by export")

    rules = bsub.add_parser("rules", help="set or show the exit rules", formatter_class=_FMT)
    rsub = rules.add_subparsers(dest="rules_command", metavar="RULES_COMMAND")
    rsub.required = True
    p = rsub.add_parser("set", help="change exit rules", parents=[common], formatter_class=_FMT)
    p.add_argument("--profit-target", type=float, default=None, help="fraction of max profit")
    p.add_argument("--loss-multiple", type=float, default=None, help="multiple of the credit")
    p.add_argument("--dte-close", type=int, default=None, help="close at this many days to expiry")
    p.set_defaults(func=_rules_set)
    p = rsub.add_parser("show", help="exit rules and book settings", parents=[common], formatter_class=_FMT)
    p.set_defaults(func=_rules_show)

    p = add("demo", _demo, "make a demo book from the bundled SYNTHETIC data")
    p.add_argument("--force", action="store_true", help="add to a book that already holds records")
    p = add("positions", _positions, "list positions")
    p.add_argument("--status", default=None, choices=["open", "closed", "rolled"], help="filter")
    p = add("audit", _audit, "show the audit log")
    p.add_argument("--limit", type=int, default=50, help="last N events")
    book.set_defaults(func=register_desk(bsub))  # menu, quote, market, import-legacy, export-legacy
