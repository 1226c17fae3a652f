"""Parameters of the book's operations (the options of ``tailkit book ...``).

One frozen dataclass per operation; the command line's options are generated from them. Money,
strikes and prices are kept as the text the user typed: the book parses them to whole cents
exactly (:mod:`tailkit.book.money`) and names the bad input when it cannot. Days are calendar
days, the day count of the whole overlay (``tailkit evaluate --expiration``, ``optimize-exits``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay.exits import ExitRules
from tailkit.params import param, param_like, validate

__all__ = [
    "BookAccess",
    "OrderParams",
    "CloseParams",
    "RollParams",
    "SnapshotParams",
    "ImportChainParams",
    "MarkParams",
    "NavSetParams",
    "SizeParams",
    "ExportParams",
    "ImportParams",
    "RulesUpdate",
    "DemoParams",
    "PositionsParams",
    "AuditParams",
    "AlertsParams",
    "AlertRuleParams",
    "NotifyParams",
    "WatchParams",
    "HealthParams",
    "BackupParams",
    "RestoreParams",
    "MigrateParams",
    "MenuParams",
    "QuoteParams",
    "MarketParams",
    "LegacyImportParams",
    "LegacyExportParams",
    "LEGACY_BOOK_NAME",
    "STRATEGIES",
    "EXIT_REASONS",
    "MIN_REGIME_CLOSES",
]

#: spread types of the book
STRATEGIES: tuple[str, ...] = ("bull_put", "bear_call")
#: why a position was closed
EXIT_REASONS: tuple[str, ...] = ("manual", "profit_target", "loss_limit", "dte_threshold", "expiration")
#: daily closes of the underlying the regime rule needs (a year of trading days); fewer: no regime rule
MIN_REGIME_CLOSES = 250


@dataclass(frozen=True, slots=True, kw_only=True)
class BookAccess:
    """Which book, and who writes to it."""

    db: str | None = param(
        None,
        doc="book: FILE, sqlite:///FILE or postgresql://user@host/dbname (default: $TAILKIT_BOOK or ~/.tailkit/book.sqlite)",
    )
    actor: str | None = param(None, doc="name written to the audit log (default: OS user)")
    reason: str = param("", doc="why, for the audit log")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderParams:
    """A credit-spread order (:func:`tailkit.book.positions.spread_order` validates it)."""

    strategy: str = param(doc="spread type", choices=STRATEGIES)
    short_strike: str = param(doc="short strike")
    long_strike: str = param(doc="long strike")
    expiry: str = param(doc="expiry date YYYY-MM-DD")
    contracts: str = param(doc="number of spreads")
    credit: str = param(doc="credit per share, e.g. 0.62")
    underlying: str = param("TLT", doc="ticker")
    entry_underlying: str | None = param(None, doc="underlying price at entry")
    entry_iv: str | None = param(None, doc="short leg IV at entry, decimal")
    entry_delta: str | None = param(None, doc="short leg delta at entry")
    commission: str = param("0", doc="commissions paid, dollars")
    tag: str = param("", doc="strategy tag")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseParams:
    """Close an open position."""

    position: int = param(ge=1, doc="position id")
    price: str = param(doc="price paid per share to close")
    exit_reason: str = param("manual", choices=EXIT_REASONS, doc="exit rule")
    commission: str = param("0", doc="commissions paid, dollars")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class RollParams(OrderParams):
    """Close a position and open its replacement."""

    position: int = param(ge=1, doc="position id to roll")
    price: str = param(doc="price paid per share to close the old position")


@dataclass(frozen=True, slots=True, kw_only=True)
class SnapshotParams:
    """The underlying's price and yields entered by hand."""

    price: str = param(doc="underlying price")
    time: str | None = param(None, doc="time (default now, UTC)")
    yield_20y: str | None = param(None, doc="20y yield, decimal")
    yield_30y: str | None = param(None, doc="30y yield, decimal")
    underlying: str = param("TLT", doc="ticker")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportChainParams:
    """Import an option-chain CSV."""

    file: str = param(doc="option-chain CSV")
    underlying: str = param("TLT", doc="ticker of the chain")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class MarkParams:
    """Mark the open positions."""

    as_of: str | None = param(None, doc="valuation date (default today, UTC)")
    save: bool = param(False, doc="store the marks in the book")
    json: bool = param(False, doc="print JSON")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class NavSetParams:
    """Record the NAV."""

    amount: str = param(doc="NAV in dollars, e.g. 1000000")
    note: str = param("", doc="note stored with the value")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class SizeParams:
    """Contracts for a new spread: fractional Kelly capped by a maximum share of NAV at risk."""

    credit: str = param(doc="credit per share")
    width: str = param(doc="strike width per share")
    pop: float = param(ge=0.0, le=1.0, doc="probability of profit, 0..1")
    win_loss: float | None = param(None, gt=0.0, doc="win/loss ratio (default credit/(width-credit))")
    nav: str | None = param(None, doc="NAV (default: the book's latest)")
    kelly_fraction: float | None = param(
        None, gt=0.0, le=1.0, doc="fraction of Kelly (default: book setting)"
    )
    max_risk_pct: float | None = param(
        None, gt=0.0, le=1.0, doc="cap, fraction of NAV at risk (default: book setting)"
    )

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportParams:
    """Export the book."""

    path: str = param(doc="JSON file or CSV folder")
    format: str = param("json", choices=("json", "csv"), doc="format")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportParams:
    """Import an export into an empty book."""

    path: str = param(doc="JSON file or CSV folder written by export")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrateParams:
    """Copy a book to another backend (``--from`` and ``--to``: a file, ``sqlite:///FILE`` or ``postgresql://``)."""

    source: str = param(doc="the book to copy: FILE, sqlite:///FILE or postgresql://user@host/dbname")
    target: str = param(doc="an empty book to copy into (same forms; the PostgreSQL database must exist)")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class RulesUpdate:
    """Change the book's exit rules; fields left ``None`` keep their value (ranges of :class:`ExitRules`)."""

    profit_target: float | None = param_like(
        ExitRules, "profit_target_pct", None, doc="fraction of max profit"
    )
    loss_multiple: float | None = param_like(ExitRules, "loss_multiple", None, doc="multiple of the credit")
    dte_close: int | None = param_like(
        ExitRules, "dte_threshold", None, doc="close at this many calendar days to expiry or fewer (0 = off)"
    )

    def __post_init__(self) -> None:
        validate(self)

    def changes(self) -> dict[str, float | int]:
        """The :class:`ExitRules` fields this update sets."""
        pairs = (
            ("profit_target_pct", self.profit_target),
            ("loss_multiple", self.loss_multiple),
            ("dte_threshold", self.dte_close),
        )
        return {k: v for k, v in pairs if v is not None}


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoParams:
    """Make a demo book."""

    force: bool = param(False, doc="add to a book that already holds records")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionsParams:
    """List positions."""

    status: str | None = param(None, choices=("open", "closed", "rolled"), doc="filter")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditParams:
    """Show the audit log."""

    limit: int = param(50, ge=1, doc="last N events")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRuleParams:
    """Thresholds of the alert rules (shared by ``tailkit book alerts`` and ``tailkit book watch``)."""

    loss_budget_threshold: float = param(
        0.8, gt=0.0, le=1.0, doc="alert when this fraction of the loss budget is used"
    )
    stale_minutes: float | None = param(
        None,
        gt=0.0,
        doc="alert when the newest quote is older than this many minutes of trading time (default: no check)",
    )
    stale_underlying: str = param("TLT", doc="ticker whose quotes the stale-quote rule watches")
    var_limit: float | None = param(
        None, gt=0.0, doc="alert when the book's one-day VaR exceeds this many dollars (default: no check)"
    )
    es_limit: float | None = param(
        None, gt=0.0, doc="alert when the book's one-day ES exceeds this many dollars (default: no check)"
    )
    exposure_limit: float | None = param(
        None, gt=0.0, doc="alert when the open risk (sum of max losses) exceeds this many dollars"
    )
    confidence: float = param(0.99, gt=0.5, lt=1.0, doc="VaR/ES confidence level")
    no_regime: bool = param(False, doc="do not run the regime-transition rule")
    regime_underlying: str = param("TLT", doc="ticker whose daily closes in the book feed the regime rule")
    regime_states: int = param(2, ge=2, le=3, doc="regimes of the model fitted to the daily closes (2 or 3)")
    regime_window: int = param(
        750,
        ge=MIN_REGIME_CLOSES,
        doc=f"latest daily closes the regime model is fitted to (the rule needs at least {MIN_REGIME_CLOSES})",
    )
    regime_min_probability: float = param(
        0.5, gt=0.0, lt=1.0, doc="alert only when the new regime's filtered probability is at least this"
    )

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyParams:
    """Where new alerts are delivered (always to the log; also a webhook and/or e-mail)."""

    webhook: str | None = param(None, doc="POST new alerts as JSON to this URL")
    smtp_host: str | None = param(None, doc="e-mail new alerts through this SMTP server")
    smtp_port: int = param(25, ge=1, le=65535, doc="SMTP port")
    smtp_from: str = param("tailkit@localhost", doc="sender address of the alert e-mails")
    smtp_to: tuple[str, ...] = param((), doc="recipients of the alert e-mails")
    smtp_timeout: float = param(10.0, gt=0.0, doc="SMTP timeout, seconds")

    def __post_init__(self) -> None:
        validate(self)
        if self.smtp_host and not self.smtp_to:
            raise ParameterError(
                describe_bad_value("smtp_to", self.smtp_to, "at least one recipient when smtp_host is set")
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertsParams:
    """Evaluate the alert rules, notify new alerts, list the open ones (or acknowledge one)."""

    as_of: str | None = param(None, doc="valuation date for the marks (default today, UTC)")
    ack: int | None = param(None, ge=1, doc="acknowledge this alert id instead of evaluating")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchParams:
    """The watch loop: import new chain files, mark, evaluate the alert rules, notify, sleep."""

    chains: str | None = param(None, doc="folder watched for new option-chain files (*.csv)")
    every: str = param("60s", doc="time between cycle starts: seconds, or a number with s, m or h (60s, 5m)")
    once: bool = param(False, doc="run one cycle and exit (status 1 if it failed)")
    underlying: str = param("TLT", doc="ticker of the chain files")
    settle: float = param(2.0, ge=0.0, doc="import a file only once it is unchanged for this many seconds")
    save_marks: bool = param(False, doc="store each cycle's marks in the book")
    watcher: str = param("watch", doc="name of this loop in the health report")
    max_backoff: float = param(60.0, gt=0.0, doc="longest wait between reconnection attempts, seconds")

    def __post_init__(self) -> None:
        validate(self)
        if not self.watcher.strip():
            raise ParameterError(describe_bad_value("watcher", self.watcher, "a non-empty name"))


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthParams:
    """Is the book healthy? For cron, systemd or a container health check."""

    watcher: str = param("watch", doc="the watch loop whose last cycle is checked")
    max_cycle_age: float = param(
        300.0, gt=0.0, doc="unhealthy when the last watch cycle finished longer ago, seconds"
    )
    stale_minutes: float = param(
        60.0, gt=0.0, doc="unhealthy when the newest quote is older, minutes of trading time"
    )
    underlying: str = param("TLT", doc="ticker whose quotes are checked")
    min_free_mb: float = param(500.0, ge=0.0, doc="unhealthy below this free disk space (SQLite), MB")
    no_watch: bool = param(False, doc="do not check the watch loop (no loop runs for this book)")
    json: bool = param(False, doc="print JSON")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupParams:
    """Back up the book to one file (SQLite: online backup; PostgreSQL: pg_dump) with a manifest."""

    to: str = param(doc="backup file to write (its manifest is FILE.manifest.json)")
    format: str | None = param(
        None,
        choices=("pg_dump", "sqlite"),
        doc="pg_dump (custom format; PostgreSQL books) or sqlite (one SQLite book file, restores onto "
        "either backend); default: sqlite for a SQLite book, pg_dump for a PostgreSQL book",
    )

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class RestoreParams:
    """Restore a backup into an empty book and verify it against the backup's manifest."""

    source: str = param(doc="backup file written by tailkit book backup")

    def __post_init__(self) -> None:
        validate(self)


#: book file next to the original tool's files when ``--data-dir`` is given without ``--db``
LEGACY_BOOK_NAME = "tailkit_book.sqlite"


@dataclass(frozen=True, slots=True, kw_only=True)
class MenuParams:
    """Open the interactive menu of the original portfolio manager."""

    data_dir: str | None = param(
        None,
        doc=f"the original tool's data folder: imported on open, exported on quit "
        f"(book: DIR/{LEGACY_BOOK_NAME} unless --db)",
    )

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteParams:
    """An option quote typed by hand (checked by :func:`tailkit.book.quotes.manual_quote`)."""

    contract: str | None = param(
        None, doc="contract, e.g. 'TLT 2025-02-21 P 88' (or --kind/--strike/--expiry)"
    )
    kind: str | None = param(None, choices=("put", "call"), doc="option type")
    strike: str | None = param(None, doc="strike")
    expiry: str | None = param(None, doc="expiry date YYYY-MM-DD")
    underlying: str = param("TLT", doc="ticker (with --kind/--strike/--expiry)")
    bid: str = param(doc="bid per share")
    ask: str = param(doc="ask per share")
    iv: str | None = param(None, doc="implied vol, decimal (default: implied from the mid)")
    delta: str | None = param(None, doc="delta")
    underlying_price: str | None = param(None, doc="underlying price (default: the latest snapshot)")
    time: str | None = param(None, doc="quote time (default now, UTC)")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketParams:
    """Show the market data: latest snapshot, snapshot history and option quotes."""

    underlying: str = param("TLT", doc="ticker")
    contract: str | None = param(None, doc="show every quote of this contract (its history)")
    limit: int = param(20, ge=1, doc="snapshot history rows shown")
    json: bool = param(False, doc="print JSON (everything)")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyImportParams:
    """Import the original tool's data folder (idempotent)."""

    data_dir: str = param(doc="folder with positions.json, market_data.json, portfolio_nav.json")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyExportParams:
    """Write the book in the original tool's data-folder layout."""

    data_dir: str = param(doc="folder to write the three JSON files to")

    def __post_init__(self) -> None:
        validate(self)
