"""The live position book: one SQLite file of positions, quotes, marks, NAV and audit events.

Open a book with :class:`Book` (``--db`` / ``$TAILKIT_BOOK`` / ``~/.tailkit/book.sqlite``);
every change is one transaction with its audit event. Positions: :func:`spread_order`
(validation) then :func:`add_spread`, :func:`close_position`, :func:`roll_position`. Market
data: :func:`import_chain` (idempotent), :func:`add_snapshot`. Marks: :func:`mark_book`. NAV:
:func:`set_nav`. Sizing: :func:`size_trade`. Configuration: :func:`set_exit_rules`,
:func:`set_settings`. Export/import: :func:`export_book`, :func:`import_book`. Demo:
:func:`make_demo_book`.
"""

from tailkit.book.market import ChainImport, add_snapshot, import_chain
from tailkit.book.marks import BookMarks, MarkTotals, mark_book, marks_history
from tailkit.book.money import from_cents, to_cents
from tailkit.book.nav import latest_nav, nav_history, set_nav
from tailkit.book.positions import (
    STRATEGIES,
    SpreadOrder,
    add_spread,
    close_position,
    contract_key,
    positions_frame,
    roll_position,
    spread_order,
)
from tailkit.book.schema import SCHEMA_VERSION
from tailkit.book.settings import BookSettings, get_exit_rules, get_settings, set_exit_rules, set_settings
from tailkit.book.store import BOOK_ENV, DEFAULT_BOOK, Book, book_path

__all__ = [
    "BOOK_ENV",
    "Book",
    "BookMarks",
    "BookSettings",
    "ChainImport",
    "DEFAULT_BOOK",
    "MarkTotals",
    "SCHEMA_VERSION",
    "STRATEGIES",
    "SpreadOrder",
    "add_snapshot",
    "add_spread",
    "book_path",
    "close_position",
    "contract_key",
    "from_cents",
    "get_exit_rules",
    "get_settings",
    "import_chain",
    "latest_nav",
    "mark_book",
    "marks_history",
    "nav_history",
    "positions_frame",
    "roll_position",
    "set_exit_rules",
    "set_nav",
    "set_settings",
    "spread_order",
    "to_cents",
]
