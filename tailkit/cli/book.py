"""``tailkit book ...``: the position book on the command line.

Every sub-command takes ``--db PATH`` (default ``$TAILKIT_BOOK`` or ``~/.tailkit/book.sqlite``),
``--actor NAME`` and ``--reason TEXT`` (written to the audit log). Options are generated from the
parameter dataclasses of :mod:`tailkit.book.params`. Errors print one line and exit with status 2;
nothing is written by a rejected command.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from tailkit.cli._options import OPTION_NAMES, LazyParser, add_dataclass_options, params_from_args
from tailkit.cli.book_menu import register_desk

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter


def _open(args: argparse.Namespace) -> Any:
    from tailkit.book.params import BookAccess
    from tailkit.book.store import Book

    access = params_from_args(BookAccess, args)
    return Book(access.db, actor=access.actor)


def _print_frame(frame: pd.DataFrame, empty: str) -> None:
    import pandas as pd

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
    from tailkit.book.params import OrderParams
    from tailkit.book.positions import spread_order

    o = params_from_args(OrderParams, args)
    return spread_order(
        strategy=o.strategy,
        short_strike=o.short_strike,
        long_strike=o.long_strike,
        expiry=o.expiry,
        contracts=o.contracts,
        credit=o.credit,
        underlying=o.underlying,
        entry_underlying=o.entry_underlying,
        entry_iv=o.entry_iv,
        entry_delta=o.entry_delta,
        commission=o.commission,
        tag=o.tag,
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
    from tailkit.book.params import CloseParams
    from tailkit.book.positions import close_position

    c = params_from_args(CloseParams, args)
    with _open(args) as book:
        pnl = close_position(
            book,
            c.position,
            exit_price=c.price,
            exit_reason=c.exit_reason,
            commission=c.commission,
            reason=args.reason,
        )
    print(f"position {c.position} closed at {c.price}: realized P&L {pnl / 100:+,.2f}")
    return 0


def _roll(args: argparse.Namespace) -> int:
    from tailkit.book.params import RollParams
    from tailkit.book.positions import roll_position

    r = params_from_args(RollParams, args)
    order = _order_from(args)
    with _open(args) as book:
        pid = roll_position(book, r.position, exit_price=r.price, order=order, reason=args.reason)
    print(f"position {r.position} rolled into position {pid}")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    from tailkit.book.market import add_snapshot
    from tailkit.book.params import SnapshotParams

    s = params_from_args(SnapshotParams, args)
    with _open(args) as book:
        add_snapshot(
            book,
            underlying_price=s.price,
            time=s.time,
            yield_20y=s.yield_20y,
            yield_30y=s.yield_30y,
            underlying=s.underlying,
            reason=args.reason,
        )
    print(f"snapshot: {s.underlying} {s.price}")
    return 0


def _import_chain(args: argparse.Namespace) -> int:
    from tailkit.book.market import import_chain
    from tailkit.book.params import ImportChainParams

    p = params_from_args(ImportChainParams, args)
    with _open(args) as book:
        result = import_chain(book, p.file, underlying=p.underlying, reason=args.reason)
    print(result.summary())
    return 0


def _mark(args: argparse.Namespace) -> int:
    from tailkit.book.marks import mark_book
    from tailkit.book.params import MarkParams

    p = params_from_args(MarkParams, args)
    with _open(args) as book:
        marks = mark_book(book, as_of=p.as_of, save=p.save, reason=args.reason)
    if p.json:
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
    from tailkit.book.params import NavSetParams

    p = params_from_args(NavSetParams, args)
    with _open(args) as book:
        set_nav(book, p.amount, note=p.note, reason=args.reason)
    print(f"NAV set to {p.amount}")
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
    from tailkit.book.params import SizeParams
    from tailkit.book.sizing import size_trade

    p = params_from_args(SizeParams, args)
    with _open(args) as book:
        result = size_trade(
            book,
            credit=p.credit,
            width=p.width,
            pop=p.pop,
            win_loss_ratio=p.win_loss,
            nav=p.nav,
            kelly_fraction=p.kelly_fraction,
            max_risk_pct=p.max_risk_pct,
        )
    print(result.summary())
    return 0


def _export(args: argparse.Namespace) -> int:
    from tailkit.book.params import ExportParams
    from tailkit.book.transfer import export_book

    p = params_from_args(ExportParams, args)
    with _open(args) as book:
        print("exported " + export_book(book, p.path, fmt=p.format).summary())
    return 0


def _import(args: argparse.Namespace) -> int:
    from tailkit.book.params import ImportParams
    from tailkit.book.transfer import import_book

    p = params_from_args(ImportParams, args)
    with _open(args) as book:
        print("imported " + import_book(book, p.path, reason=args.reason).summary())
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from tailkit.book.migration import copy_book
    from tailkit.book.params import BookAccess, MigrateParams
    from tailkit.book.store import Book

    p = params_from_args(MigrateParams, args)
    actor = params_from_args(BookAccess, args).actor
    with Book(p.source, actor=actor) as source, Book(p.target, actor=actor) as target:
        result = copy_book(source, target, reason=args.reason)
    print(result.summary())
    for table, n in result.rows.items():
        print(f"  {table}: {n}")
    return 0


def _alerts(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from tailkit.book.alerts import acknowledge, open_alerts, raise_alerts, run_rules
    from tailkit.book.marks import mark_book
    from tailkit.book.notify import deliver_pending, notifiers_for
    from tailkit.book.params import AlertRuleParams, AlertsParams, NotifyParams

    p = params_from_args(AlertsParams, args)
    rules = params_from_args(AlertRuleParams, args)
    notifiers = notifiers_for(params_from_args(NotifyParams, args))
    failures: tuple[str, ...] = ()
    with _open(args) as book:
        if p.ack is not None:
            acknowledge(book, p.ack, reason=args.reason)
            print(f"alert {p.ack} acknowledged")
        else:
            marks = mark_book(book, as_of=p.as_of)
            now = datetime.now(UTC).replace(tzinfo=None)
            results = run_rules(book, marks, rules, now=now)
            new = raise_alerts(book, list(results.alerts), reason=args.reason)
            failures = deliver_pending(book, notifiers).failures
            print(f"{len(new)} new alert(s)")
            for note in results.notes:
                print(note)
        _print_frame(open_alerts(book), "no open alerts")
    for f in failures:
        print(f"notification failed (retried next time): {f}", file=sys.stderr)
    return 1 if failures else 0


def _watch(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    from tailkit.book.notify import notifiers_for
    from tailkit.book.params import AlertRuleParams, NotifyParams, WatchParams
    from tailkit.book.watch import parse_interval, watch

    p = params_from_args(WatchParams, args)
    interval = parse_interval(p.every)
    rules = params_from_args(AlertRuleParams, args)
    notifiers = notifiers_for(params_from_args(NotifyParams, args))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def finish(signum: int, frame: object) -> None:
        logging.getLogger("tailkit.book.watch").info(
            "%s: finishing the current cycle, then exiting", signal.Signals(signum).name
        )
        stop.set()
        signal.signal(signum, signal.SIG_DFL)  # a second signal ends at once

    old = {s: signal.signal(s, finish) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        failed = watch(
            lambda: _open(args),
            interval=interval,
            rules=rules,
            notifiers=notifiers,
            chains=p.chains,
            settle=p.settle,
            underlying=p.underlying,
            save_marks=p.save_marks,
            watcher=p.watcher,
            reason=args.reason,
            once=p.once,
            max_backoff=p.max_backoff,
            stop=stop,
        )
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    print("watch stopped", flush=True)
    return 1 if (p.once and failed) else 0


def _health(args: argparse.Namespace) -> int:
    from tailkit.book.health import check_health
    from tailkit.book.params import BookAccess, HealthParams

    p = params_from_args(HealthParams, args)
    from tailkit.book.store import book_location

    report = check_health(
        book_location(params_from_args(BookAccess, args).db),
        watcher=p.watcher,
        max_cycle_age=p.max_cycle_age,
        stale_minutes=p.stale_minutes,
        underlying=p.underlying,
        min_free_mb=p.min_free_mb,
        check_watch=not p.no_watch,
    )
    if p.json:
        print(json.dumps(report.to_dict(), indent=1, default=str))
    else:
        print("\n".join(report.lines()))
    return report.exit_code


def _backup(args: argparse.Namespace) -> int:
    from tailkit.book.backup import backup_book
    from tailkit.book.params import BackupParams

    p = params_from_args(BackupParams, args)
    with _open(args) as book:
        print(backup_book(book, p.to, reason=args.reason, fmt=p.format).summary())
    return 0


def _restore(args: argparse.Namespace) -> int:
    from tailkit.book.backup import restore_book
    from tailkit.book.params import RestoreParams

    p = params_from_args(RestoreParams, args)
    with _open(args) as book:
        print(restore_book(p.source, book, reason=args.reason).summary())
    return 0


def _rules_set(args: argparse.Namespace) -> int:
    from tailkit.book.params import RulesUpdate
    from tailkit.book.settings import get_exit_rules, set_exit_rules
    from tailkit.overlay.exits import ExitRules

    changes = params_from_args(RulesUpdate, args).changes()
    with _open(args) as book:
        old = get_exit_rules(book)
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
    from tailkit.book.params import BookAccess, DemoParams
    from tailkit.book.positions import positions_frame

    book = make_demo_book(
        params_from_args(BookAccess, args).db, force=params_from_args(DemoParams, args).force
    )
    with book:
        n = len(positions_frame(book))
        print(f"demo book (SYNTHETIC data) written to {book.path}: {n} positions")
    return 0


def _positions(args: argparse.Namespace) -> int:
    from tailkit.book.params import PositionsParams
    from tailkit.book.positions import positions_frame

    p = params_from_args(PositionsParams, args)
    with _open(args) as book:
        frame = positions_frame(book, status=p.status)
    cols = ["id", "opened_at", "strategy", "tag", "contracts", "short_strike", "long_strike", "expiry"]
    cols += ["credit", "status", "exit_price", "exit_reason", "realized_pnl"]
    _print_frame(frame[cols], "no positions")
    return 0


def _audit(args: argparse.Namespace) -> int:

    from tailkit.book.params import AuditParams

    p = params_from_args(AuditParams, args)
    with _open(args) as book:
        frame = book.frame(
            "SELECT id, time, actor, action, object, reason, payload FROM audit ORDER BY id DESC LIMIT ?",
            (p.limit,),
        )
    _print_frame(frame.iloc[::-1], "no audit events")
    return 0


#: names the book's functions use in messages -> what the user typed
_MESSAGE_NAMES = {"position_id": "position", "underlying_price": "--price", "exit_price": "--price"}


def _options(cls_name: str, **kwargs: Any) -> Any:
    """A ``populate`` callback adding the options of ``tailkit.book.params.<cls_name>``."""

    def fill(p: argparse.ArgumentParser) -> None:
        from tailkit.book import params

        shown = add_dataclass_options(p, getattr(params, cls_name), **kwargs)
        p.set_defaults(**{OPTION_NAMES: {**(p.get_default(OPTION_NAMES) or {}), **_MESSAGE_NAMES, **shown}})

    return fill


def _each(*fills: Any) -> Any:
    """A ``populate`` callback running several (options of several dataclasses on one command)."""

    def fill(p: argparse.ArgumentParser) -> None:
        for f in fills:
            f(p)

    return fill


_ORDER = {"rename": {"short_strike": "short", "long_strike": "long"}}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``book`` and its sub-commands to the ``tailkit`` command line (options built on first use)."""
    book = sub.add_parser("book", help="the live position book (SQLite)", formatter_class=_FMT)
    bsub = book.add_subparsers(dest="book_command", metavar="BOOK_COMMAND")
    bsub.required = False  # no sub-command: the menu on a terminal, else the list of sub-commands

    def add(
        name: str, func: Any, help_text: str, fill: Any = None, under: Any = None
    ) -> argparse.ArgumentParser:
        # argparse %-formats help strings: "max % of NAV" must reach it as "max %% of NAV"
        p = (under or bsub).add_parser(
            name, help=help_text.replace("%", "%%"), description=help_text, formatter_class=_FMT
        )

        def populate(parser: argparse.ArgumentParser) -> None:
            _options("BookAccess")(parser)  # --db, --actor, --reason on every sub-command
            if fill is not None:
                fill(parser)

        _lazy(p, populate)
        p.set_defaults(func=func)
        return p

    add("init", _init, "create (or migrate) the book and check it")
    add("add", _add, "open a credit spread", _options("OrderParams", **_ORDER))
    add("close", _close, "close an open position", _options("CloseParams", positional=("position",)))
    add(
        "roll",
        _roll,
        "close a position and open its replacement (one transaction)",
        _options("RollParams", positional=("position",), **_ORDER),
    )
    add("snapshot", _snapshot, "record the underlying price and yields by hand", _options("SnapshotParams"))
    add(
        "import-chain",
        _import_chain,
        "import an option-chain CSV (idempotent)",
        _options("ImportChainParams", positional=("file",)),
    )
    add(
        "mark",
        _mark,
        "mark open positions: P&L, Greeks, DTE, exit signals, loss budget",
        _options("MarkParams"),
    )

    nav = bsub.add_parser("nav", help="set or show the NAV", formatter_class=_FMT)
    nsub = nav.add_subparsers(dest="nav_command", metavar="NAV_COMMAND")
    nsub.required = True
    add("set", _nav_set, "record the NAV", _options("NavSetParams", positional=("amount",)), nsub)
    add("show", _nav_show, "NAV history", None, nsub)

    add(
        "size",
        _size,
        "contracts for a new spread: fractional Kelly capped by max % of NAV at risk",
        _options("SizeParams"),
    )
    add(
        "export",
        _export,
        "export positions, marks and the audit log",
        _options("ExportParams", positional=("path",)),
    )
    add(
        "import",
        _import,
        "import an export into an empty book",
        _options("ImportParams", positional=("path",)),
    )

    add(
        "alerts",
        _alerts,
        "evaluate the alert rules, notify new alerts and list the open ones (--ack ID acknowledges)",
        _each(_options("AlertsParams"), _options("AlertRuleParams"), _options("NotifyParams")),
    )
    add(
        "watch",
        _watch,
        "every --every: import new chain files, mark, evaluate the alert rules, notify (SIGTERM ends cleanly)",
        _each(_options("WatchParams"), _options("AlertRuleParams"), _options("NotifyParams")),
    )
    add(
        "health",
        _health,
        "check the book, the watch loop, quotes, alerts and disk; exit 0 ok, 1 warning, 2 critical",
        _options("HealthParams"),
    )
    add(
        "backup",
        _backup,
        "back up the book to one file with a manifest (writers may run)",
        _options("BackupParams"),
    )
    add(
        "restore",
        _restore,
        "restore a backup into an empty book and verify it against the manifest",
        _options("RestoreParams", rename={"source": "from"}),
    )
    add(
        "migrate",
        _migrate,
        "copy a book with its audit trail to another backend (SQLite <-> PostgreSQL) and verify it",
        _options("MigrateParams", rename={"source": "from", "target": "to"}),
    )

    rules = bsub.add_parser("rules", help="set or show the exit rules", formatter_class=_FMT)
    rsub = rules.add_subparsers(dest="rules_command", metavar="RULES_COMMAND")
    rsub.required = True
    add("set", _rules_set, "change exit rules", _options("RulesUpdate"), rsub)
    add("show", _rules_show, "exit rules and book settings", None, rsub)

    add("demo", _demo, "make a demo book from the bundled SYNTHETIC data", _options("DemoParams"))
    add("positions", _positions, "list positions", _options("PositionsParams"))
    add("audit", _audit, "show the audit log", _options("AuditParams"))
    book.set_defaults(func=register_desk(add, _options, bsub))  # menu, quote, market, legacy folders


def _lazy(parser: argparse.ArgumentParser, populate: Any) -> None:
    if isinstance(parser, LazyParser):
        parser.populate = populate
    else:
        populate(parser)
