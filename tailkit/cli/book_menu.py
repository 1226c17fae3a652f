"""The interactive book menu and the desk sub-commands of ``tailkit book``.

``tailkit book`` with no sub-command on a terminal (or ``tailkit book menu``) opens the
original portfolio manager's menu over the same :mod:`tailkit.book` API and the same SQLite
book as the sub-commands:

 1. Dashboard (summary + alerts)      7. View all positions
 2. Add new position                  8. View market data
 3. Update market data (yields + TLT) 9. Import Bloomberg CSV (option chain)
 4. Update option prices (by hand)   10. Configure exit rules
 5. Mark positions to market         11. Set portfolio NAV
 6. Close position                    Q. Quit

The NAV is asked for on the first run (a book with no NAV). Every entry collects its inputs,
validates them with the same functions as the sub-commands and only then writes, in one
transaction with its audit event; a rejected entry prints the reason and writes nothing.
Ctrl-C during an entry cancels it (nothing of it is written) and returns to the menu;
Ctrl-C or Ctrl-D at the menu prompt quits. Yields and IVs are typed in percent, as in the
original (``4.38``, ``16.8``), and stored as decimals.

``--data-dir DIR`` opens a folder of the original tool (``positions.json``,
``market_data.json``, ``portfolio_nav.json``): it is imported into the book (idempotent,
:func:`tailkit.book.legacy.import_legacy`) when the menu opens and exported back to the folder
when it quits; without ``--db`` the book is ``DIR/tailkit_book.sqlite``.

Sub-commands added here (:func:`register_desk`): ``menu``, ``quote`` (a manual option quote),
``market`` (latest market data and its history), ``import-legacy`` and ``export-legacy``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["register_desk", "run_menu", "MENU"]


MENU: tuple[tuple[str, str], ...] = (
    ("1", "Dashboard (summary + alerts)"),
    ("2", "Add new position"),
    ("3", "Update market data (yields + TLT)"),
    ("4", "Update option prices"),
    ("5", "Mark positions to market"),
    ("6", "Close position"),
    ("7", "View all positions"),
    ("8", "View market data"),
    ("9", "Import Bloomberg CSV"),
    ("10", "Configure exit rules"),
    ("11", "Set portfolio NAV"),
    ("Q", "Quit"),
)


class _Cancel(Exception):
    """The user left an entry (typed ``cancel``)."""


def _print_frame(frame: Any, empty: str) -> None:
    import pandas as pd

    if frame.empty:
        print(empty)
        return
    with pd.option_context("display.width", 200, "display.max_columns", 40, "display.max_colwidth", 40):
        print(frame.to_string(index=False))


class _Session:
    """One menu session over an open book (the prompts and the entries)."""

    def __init__(self, book: Any, ask: Callable[[str], str] = input) -> None:
        self.book = book
        self._input = ask

    # -- prompts --------------------------------------------------------------------------------
    def ask(self, label: str, default: Any = None) -> str:
        """Prompt; blank gives ``default`` (shown in brackets); ``cancel`` leaves the entry."""
        shown = f" [{default}]" if default not in (None, "") else ""
        text = self._input(f"{label}{shown}: ").strip()
        if text.lower() == "cancel":
            raise _Cancel
        if not text and default is not None:
            return str(default)
        return text

    def confirm(self, label: str) -> bool:
        return self.ask(f"{label} (y/n)", "y").lower() in ("y", "yes")

    @staticmethod
    def percent(name: str, text: str) -> float | None:
        """A percent typed by the user as a decimal (``"4.38"`` -> 0.0438); blank -> None."""
        from tailkit.errors import ParameterError, describe_bad_value

        if not text:
            return None
        try:
            return float(text.replace("%", "")) / 100.0
        except ValueError:
            raise ParameterError(describe_bad_value(name, text, "a number in percent, e.g. 4.38")) from None

    # -- entries --------------------------------------------------------------------------------
    def first_run(self) -> None:
        from tailkit.book.nav import latest_nav, set_nav

        if latest_nav(self.book) is not None:
            return
        print("\nNo portfolio NAV is set yet (it sizes positions and the loss budget).")
        amount = self.ask("Portfolio NAV in dollars, e.g. 5,000,000 (blank to skip)", "").lstrip("$")
        if amount:
            set_nav(self.book, amount, note="first run")
            print(f"NAV set to ${float(amount.replace(',', '')):,.2f}")

    def dashboard(self) -> None:
        from tailkit.book.market import market_data
        from tailkit.book.marks import mark_book
        from tailkit.book.positions import positions_frame

        marks = mark_book(self.book)
        t = marks.totals
        market = market_data(self.book)
        frame = positions_frame(self.book)
        print("\n" + "=" * 72 + "\nPORTFOLIO SUMMARY\n" + "=" * 72)
        print(f"\nPortfolio NAV: {'not set' if t.nav is None else f'${t.nav:,.2f}'}")
        snap = market.latest
        if snap is None:
            print("\nMarket data: none yet (entry 3 or 9)")
        else:
            print(f"\nMarket data ({snap['time'][:16]}):\n  TLT: ${snap['underlying_price']:,.2f}")
            y = market.latest_yields
            if y is not None:
                print(f"  20Y: {_pct(y['yield_20y'])}  |  30Y: {_pct(y['yield_30y'])}  ({y['time'][:16]})")
        print(f"\nPositions:\n  Open: {t.n_open}\n  Closed: {int((frame['status'] != 'open').sum())}")
        open_rows = frame[frame["status"] == "open"]
        credit = float((open_rows["credit"] * open_rows["contracts"] * open_rows["multiplier"]).sum())
        print("\nOpen Position Totals:")
        print(f"  Total Credit Received: ${credit:,.2f}")
        print(f"  Total Max Loss: ${t.open_risk:,.2f}")
        print(f"  Unrealized P&L: {t.unrealized_mid:+,.2f} at mid, {t.unrealized_exec:+,.2f} at bid/ask")
        print(f"  Realized P&L: {t.realized_pnl:+,.2f}")
        if t.loss_budget is not None:
            print(f"  Loss budget: ${t.loss_budget:,.2f}, used {t.loss_budget_used:.1%}")
        self._alerts(marks)
        self._stored_alerts()

    def _stored_alerts(self) -> None:
        """The open alerts stored in the book (raised by ``tailkit book watch`` or ``alerts``)."""
        from tailkit.book.alerts import open_alerts

        stored = open_alerts(self.book)
        if stored.empty:
            print("\nOpen alerts: none")
            return
        print(f"\nOpen alerts ({len(stored)}; acknowledge with: tailkit book alerts --ack ID):")
        for r in stored.itertuples():
            print(f"  [{r.severity}] #{r.id} {r.raised_at[:16]} {r.message}")

    @staticmethod
    def _alerts(marks: Any) -> None:
        rows = marks.positions
        signals = rows[rows["signal"].notna()] if len(rows) else rows
        if len(signals):
            print(f"\n!! {len(signals)} position(s) with exit signals:")
            for r in signals.itertuples():
                print(f"  EXIT position {r.position_id}: {r.signal}: {r.message}")
        unmarked = rows[~rows["marked"].astype(bool)] if len(rows) else rows
        if len(unmarked):
            ids = ", ".join(str(int(i)) for i in unmarked["position_id"])
            print(f"\nPositions missing option prices (entry 4): {ids}")

    def add_position(self) -> None:
        from tailkit.book.market import market_data
        from tailkit.book.positions import _today, add_spread, spread_order

        print("\n--- ADD NEW POSITION ---  (type 'cancel' to leave)\n")
        kind = self.ask("Option type (put/call)", "put").lower()
        strategy = {"put": "bull_put", "p": "bull_put", "call": "bear_call", "c": "bear_call"}.get(kind, kind)
        short = self.ask("Short strike")
        long_ = self.ask("Long strike")
        expiry = self.ask("Expiration date (YYYY-MM-DD)")
        credit = self.ask("Entry credit per share, e.g. 0.72")
        contracts = self.ask("Number of contracts", "1")
        latest = market_data(self.book).latest
        underlying = self.ask(
            "TLT price at entry", None if latest is None else f"{latest['underlying_price']:.2f}"
        )
        iv = self.percent("entry_iv", self.ask("Short strike IV (%, optional)", ""))
        delta = self.ask("Short strike delta (optional)", "")
        today = _today().isoformat()
        entry_date = self.ask("Entry date", today)
        notes = self.ask("Notes (optional)", "")
        order = spread_order(
            strategy=strategy,
            short_strike=short,
            long_strike=long_,
            expiry=expiry,
            contracts=contracts,
            credit=credit,
            entry_underlying=underlying or None,
            entry_iv=iv,
            entry_delta=delta or None,
            tag=notes,
            trade_date=entry_date,
        )
        print(
            f"\n{order.strategy} {order.short_strike_cents / 100:g}/{order.long_strike_cents / 100:g} "
            f"exp {order.expiry} x{order.contracts} for {order.credit_cents / 100:.2f} credit: "
            f"max profit ${order.credit_cents * order.contracts:,.2f}, max loss ${order.max_loss_cents * order.contracts:,.2f}"
        )
        if not self.confirm("Save this position?"):
            print("Not saved.")
            return
        opened_at = None if entry_date == today else f"{order_date(entry_date)}T00:00:00Z"
        pid = add_spread(self.book, order, opened_at=opened_at)
        print(f"Position added: {pid}")

    def update_market(self) -> None:
        from tailkit.book.market import add_snapshot, market_data

        print("\n--- UPDATE MARKET DATA ---  (type 'cancel' to leave)\n")
        market = market_data(self.book)
        if market.latest is not None:
            print(f"Current TLT ${market.latest['underlying_price']:,.2f} ({market.latest['time'][:16]})")
        price = self.ask("TLT price")
        y20 = self.percent("yield_20y", self.ask("20Y yield (%)"))
        y30 = self.percent("yield_30y", self.ask("30Y yield (%)"))
        add_snapshot(self.book, underlying_price=price, yield_20y=y20, yield_30y=y30)
        print(f"Market snapshot saved: TLT {price}, 20Y {_pct(y20)}, 30Y {_pct(y30)}")

    def option_prices(self) -> None:
        from tailkit.book.positions import legs_frame
        from tailkit.book.quotes import add_quotes, manual_quote

        print("\n--- UPDATE OPTION PRICES ---  (type 'cancel' to leave; nothing is saved until the end)\n")
        quotes = []
        contracts = list(dict.fromkeys(legs_frame(self.book)["contract"]))
        if contracts:
            print("Legs of the open positions (blank bid skips a leg):")
        for contract in contracts:
            bid = self.ask(f"{contract}  bid", "")
            if not bid:
                continue
            ask = self.ask(f"{contract}  ask")
            iv = self.percent("iv", self.ask(f"{contract}  IV (%, blank = implied from mid)", ""))
            quotes.append(manual_quote(self.book, contract=contract, bid=bid, ask=ask, iv=iv))
            print(f"  {quotes[-1].summary()}")
        while True:
            kind = self.ask("Other contract: option type (put/call), blank when done", "")
            if not kind:
                break
            expiry = self.ask("  Expiration date (YYYY-MM-DD)")
            strike = self.ask("  Strike")
            bid = self.ask("  Bid")
            ask = self.ask("  Ask")
            iv = self.percent("iv", self.ask("  IV (%, blank = implied from mid)", ""))
            delta = self.ask("  Delta (optional)", "")
            quotes.append(
                manual_quote(
                    self.book, kind=kind, expiry=expiry, strike=strike, bid=bid, ask=ask, iv=iv, delta=delta
                )
            )
            print(f"  {quotes[-1].summary()}")
        if not quotes:
            print("No prices entered.")
            return
        add_quotes(self.book, quotes)
        print(f"{len(quotes)} option price(s) saved.")

    def mark(self) -> None:
        from tailkit.book.marks import mark_book

        marks = mark_book(self.book, save=True)
        cols = ["position_id", "strategy", "contracts", "expiry", "dte", "credit", "value_mid", "value_exec"]
        cols += ["pnl_mid", "pnl_exec", "signal"]
        print(f"\nMarks as of {marks.as_of}")
        _print_frame(marks.positions[cols].round(4), "No open positions.")
        t = marks.totals
        print(f"Unrealized P&L {t.unrealized_mid:+,.2f} at mid, {t.unrealized_exec:+,.2f} at bid/ask")
        self._alerts(marks)

    def close(self) -> None:
        from tailkit.book.marks import mark_book
        from tailkit.book.positions import EXIT_REASONS, close_position, positions_frame

        print("\n--- CLOSE POSITION ---  (type 'cancel' to leave)\n")
        open_rows = positions_frame(self.book, status="open")
        if open_rows.empty:
            print("No open positions.")
            return
        for r in open_rows.itertuples():
            print(
                f"  [{r.id}] {r.strategy} {r.short_strike:g}/{r.long_strike:g} exp {r.expiry} "
                f"x{r.contracts} credit {r.credit:.2f}"
            )
        pid = _int("position_id", self.ask("Position id to close"))
        marks = mark_book(self.book).positions
        row = marks[marks["position_id"] == pid] if len(marks) else marks
        price_default = None
        reason_default = "manual"
        if len(row) and bool(row["marked"].iloc[0]):
            r = row.iloc[0]
            print(
                f"Current mark: {r['value_mid']:.2f} at mid, {r['value_exec']:.2f} at bid/ask (P&L {r['pnl_exec']:+,.2f})"
            )
            price_default = f"{r['value_exec']:.2f}"
            reason_default = r["signal"] or "manual"
        price = self.ask("Exit price paid per share", price_default)
        reason = self.ask(f"Exit reason ({', '.join(EXIT_REASONS[:5])})", reason_default)
        commission = self.ask("Commission paid to close, dollars", "0")
        if not self.confirm(f"Close position {pid} at {price}?"):
            print("Not closed.")
            return
        pnl = close_position(self.book, pid, exit_price=price, exit_reason=reason, commission=commission)
        print(f"Position {pid} closed at {price}: realized P&L {pnl / 100:+,.2f}")

    def view_positions(self) -> None:
        from tailkit.book.positions import positions_frame

        frame = positions_frame(self.book)
        cols = ["id", "strategy", "contracts", "short_strike", "long_strike", "expiry", "credit", "status"]
        cols += ["exit_price", "exit_reason", "realized_pnl"]
        print("\n--- POSITIONS ---")
        _print_frame(frame[cols], "No positions.")

    def view_market(self) -> None:
        from tailkit.book.market import market_data

        show_market(market_data(self.book), limit=10)

    def import_chain(self) -> None:
        from tailkit.book.market import import_chain

        path = self.ask("Path to the option-chain CSV (Bloomberg format)")
        print(import_chain(self.book, Path(path).expanduser()).summary())

    def exit_rules(self) -> None:
        from tailkit.book.settings import get_exit_rules, set_exit_rules
        from tailkit.overlay.exits import ExitRules

        old = get_exit_rules(self.book)
        print(
            f"\nCurrent exit rules: profit target {old.profit_target_pct:.0%} of max profit, "
            f"loss limit {old.loss_multiple:g}x credit, close at {old.dte_threshold} days to expiry"
        )
        target = self.percent(
            "profit_target_pct",
            self.ask("Profit target (% of max profit)", f"{old.profit_target_pct * 100:g}"),
        )
        loss = self.ask("Loss limit (multiple of the credit)", f"{old.loss_multiple:g}")
        dte = self.ask("DTE threshold (days, 0 = off)", str(old.dte_threshold))
        rules = ExitRules(
            profit_target_pct=old.profit_target_pct if target is None else target,
            loss_multiple=_float("loss_multiple", loss),
            dte_threshold=_int("dte_threshold", dte),
        )
        set_exit_rules(self.book, rules)
        print(f"Exit rules saved: {rules.to_dict()}")

    def nav(self) -> None:
        from tailkit.book.nav import latest_nav, set_nav

        current = latest_nav(self.book)
        print(f"\nCurrent NAV: {'not set' if current is None else f'${current:,.2f}'}")
        amount = self.ask("New NAV in dollars").lstrip("$")
        set_nav(self.book, amount)
        print(f"NAV set to {amount}")


def order_date(text: str) -> str:
    """``YYYY-MM-DD`` of a typed date (already validated by :func:`spread_order`)."""
    from tailkit.book.positions import parse_date

    return parse_date("trade_date", text).isoformat()


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3%}"


def _float(name: str, text: str) -> float:
    from tailkit.errors import ParameterError, describe_bad_value

    try:
        return float(text)
    except ValueError:
        raise ParameterError(describe_bad_value(name, text, "a number")) from None


def _int(name: str, text: str) -> int:
    from tailkit.errors import ParameterError, describe_bad_value

    try:
        return int(text)
    except ValueError:
        raise ParameterError(describe_bad_value(name, text, "a whole number")) from None


def show_market(market: Any, *, limit: int = 20) -> None:
    """Print a :class:`~tailkit.book.market.MarketData`: latest snapshot, history, quotes."""
    print(f"\n--- MARKET DATA ({market.underlying}) ---")
    latest = market.latest
    if latest is None:
        print("No market snapshots yet.")
    else:
        print(
            f"Latest: {latest['time']}  {market.underlying} ${latest['underlying_price']:,.2f} ({latest['source']})"
        )
        y = market.latest_yields
        if y is not None:
            print(f"Yields: 20Y {_pct(y['yield_20y'])}  30Y {_pct(y['yield_30y'])}  ({y['time']})")
        print(f"\nSnapshot history (last {min(limit, len(market.snapshots))} of {len(market.snapshots)}):")
        _print_frame(market.snapshots.tail(limit), "")
    print(f"\nOption quotes ({len(market.quotes)}):")
    cols = ["contract", "quote_time", "bid", "ask", "mid", "iv", "underlying_price", "source", "n_quotes"]
    _print_frame(market.quotes[cols].round(4), "No option quotes yet.")


def run_menu(book: Any, *, data_dir: str | None = None, ask: Callable[[str], str] = input) -> int:
    """Run the menu on an open book until the user quits; return the exit code.

    Parameters
    ----------
    book : tailkit.book.Book
        The open book.
    data_dir : str, optional
        A legacy data folder: imported first, exported back on quit.
    ask : callable, default=input
        The prompt function (tests may pass their own).

    Returns
    -------
    int
        0.
    """
    from tailkit.errors import TailkitError

    session = _Session(book, ask)
    actions: dict[str, Callable[[], None]] = {
        "1": session.dashboard,
        "2": session.add_position,
        "3": session.update_market,
        "4": session.option_prices,
        "5": session.mark,
        "6": session.close,
        "7": session.view_positions,
        "8": session.view_market,
        "9": session.import_chain,
        "10": session.exit_rules,
        "11": session.nav,
    }
    if data_dir is not None:
        _import_folder(book, data_dir)
    print(f"tailkit book: {book.path}")
    try:
        _guarded(session.first_run)
        while True:
            print("\n" + "=" * 50 + "\nTLT OPTIONS PORTFOLIO MANAGER (tailkit book)\n" + "=" * 50 + "\n")
            for key, label in MENU:
                print(f"{key:>3}. {label}")
            choice = ask("\nEnter choice: ").strip().upper()
            if choice == "Q":
                break
            action = actions.get(choice)
            if action is None:
                print("Invalid choice. Please try again.")
                continue
            _guarded(action)
    except (KeyboardInterrupt, EOFError):
        print()
    finally:
        if data_dir is not None:
            try:
                print(_export_folder(book, data_dir))
            except TailkitError as exc:
                print(f"error: {exc}")
    print("Goodbye.")
    return 0


def _guarded(action: Callable[[], None]) -> None:
    """Run one entry: a bad input or Ctrl-C ends the entry with nothing written."""
    from tailkit.errors import TailkitError

    try:
        action()
    except _Cancel:
        print("Cancelled: nothing written.")
    except KeyboardInterrupt:
        print("\nCancelled (Ctrl-C): nothing written.")
    except EOFError:
        raise
    except TailkitError as exc:
        print(f"error: {exc}\nNothing written.")


def _import_folder(book: Any, data_dir: str) -> None:
    from tailkit.book.legacy import LEGACY_FILES, import_legacy

    folder = Path(data_dir).expanduser()
    if any((folder / name).is_file() for name in LEGACY_FILES):
        print(import_legacy(book, folder).summary())
    else:
        print(f"{folder}: no legacy files yet; they are written when the menu quits")


def _export_folder(book: Any, data_dir: str) -> str:
    from tailkit.book.legacy import export_legacy

    return export_legacy(book, data_dir).summary()


# -- command line ---------------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> Any:
    from tailkit.book.store import Book

    db = getattr(args, "db", None)
    data_dir = getattr(args, "data_dir", None)
    if db is None and data_dir is not None and args.book_command == "menu":
        from tailkit.book.params import LEGACY_BOOK_NAME

        db = str(Path(data_dir).expanduser() / LEGACY_BOOK_NAME)
    return Book(db, actor=getattr(args, "actor", None))


def _menu(args: argparse.Namespace) -> int:
    with _open(args) as book:
        return run_menu(book, data_dir=getattr(args, "data_dir", None))


def _quote(args: argparse.Namespace) -> int:
    from tailkit.book.quotes import add_quote, manual_quote

    with _open(args) as book:
        quote = manual_quote(
            book,
            contract=args.contract,
            kind=args.kind,
            strike=args.strike,
            expiry=args.expiry,
            underlying=args.underlying,
            bid=args.bid,
            ask=args.ask,
            iv=args.iv,
            delta=args.delta,
            underlying_price=args.underlying_price,
            time=args.time,
        )
        add_quote(book, quote, reason=args.reason)
    print(quote.summary())
    return 0


def _market(args: argparse.Namespace) -> int:
    from tailkit.book.market import market_data

    with _open(args) as book:
        market = market_data(book, underlying=args.underlying, contract=args.contract)
    if args.json:
        print(json.dumps(market.to_dict(), indent=1, default=str))
    else:
        show_market(market, limit=args.limit)
    return 0


def _import_legacy(args: argparse.Namespace) -> int:
    from tailkit.book.legacy import import_legacy

    with _open(args) as book:
        print(import_legacy(book, args.data_dir, reason=args.reason).summary())
    return 0


def _export_legacy(args: argparse.Namespace) -> int:
    from tailkit.book.legacy import export_legacy

    with _open(args) as book:
        print(export_legacy(book, args.data_dir).summary())
    return 0


def register_desk(
    add: Callable[..., argparse.ArgumentParser],
    options: Callable[[str], Any],
    book_subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> Callable[[argparse.Namespace], int]:
    """Add ``menu``, ``quote``, ``market``, ``import-legacy`` and ``export-legacy`` to ``tailkit book``.

    Parameters
    ----------
    add : callable
        ``tailkit book``'s sub-command adder (``add(name, handler, help, options)``; it adds
        ``--db``, ``--actor`` and ``--reason`` to every sub-command).
    options : callable
        ``options("QuoteParams")``: the options generated from a dataclass of
        :mod:`tailkit.book.params`.
    book_subparsers : argparse._SubParsersAction
        The sub-parsers of ``tailkit book`` (listed when there is no terminal).

    Returns
    -------
    callable
        The handler of ``tailkit book`` with no sub-command: the menu when stdin and stdout
        are a terminal, else the list of sub-commands (exit status 2).
    """
    add("menu", _menu, "the interactive menu of the original portfolio manager", options("MenuParams"))
    add(
        "quote",
        _quote,
        "record an option quote by hand (stored like an imported chain row)",
        options("QuoteParams"),
    )
    add("market", _market, "latest market data, snapshot history and option quotes", options("MarketParams"))
    add(
        "import-legacy",
        _import_legacy,
        "import the original tool's data folder (idempotent)",
        options("LegacyImportParams"),
    )
    add(
        "export-legacy",
        _export_legacy,
        "write the book in the original tool's data-folder layout",
        options("LegacyExportParams"),
    )

    def no_command(args: argparse.Namespace) -> int:
        if sys.stdin.isatty() and sys.stdout.isatty():
            args.book_command = "menu"
            return _menu(args)
        print("usage: tailkit book BOOK_COMMAND ... (on a terminal, `tailkit book` opens the menu)\n")
        print("book commands:")
        for action in book_subparsers._choices_actions:
            print(f"  {action.dest:<15} {action.help}")
        return 2

    return no_command
