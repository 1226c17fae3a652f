"""The book-review panel: a view over :mod:`tailkit.book` for the Voila app.

A provenance header (underlying, last price, quote time, data source, SYNTHETIC label),
dashboard (NAV, open risk, loss budget used, realized and unrealized P&L, income to date,
commissions, and the alerts: the rules of :mod:`tailkit.book.alerts` on the current marks and
the stored alerts not yet acknowledged), open positions with their marks (exit signals highlighted), closed positions
(P&L before and after commissions), charts of P&L over time and open risk by expiry, and
forms: set NAV (asked first on an empty book), add a credit spread, close a position (after
a confirmation), upload an option-chain CSV (imported, then the book is marked and the marks
saved), edit the exit rules. Every button calls one function of :mod:`tailkit.book` (each one
transaction with its audit event); callbacks only format. A rejected operation shows its
message next to its button and in ``tailkit-error``, and writes nothing.

Headless use (tests)::

    panel = BookReviewPanel(BookReviewParams(db_path=":memory:"))
    panel.nav_input.value = "1000000"; panel.nav_button.click()
    panel.review.marks.totals.nav

In a preheated Voila kernel the app builds the panel with ``open_book=False`` (imports, controls
and chart views, all before anybody asks), waits for the page request, and only then calls
:meth:`BookReviewPanel.open`, which opens and reads the book: the page shows the book as it is
when it is opened, never as it was when the kernel was started.

Stable CSS classes for browser tests: ``tailkit-panel``, ``tailkit-dashboard`` (cells carry
``data-metric``), ``tailkit-alerts`` inside it (live alerts are rows ``data-alert`` = the alert's
key with ``data-severity``; stored open alerts are rows ``data-open-alert`` = the alert id), ``tailkit-nav-prompt``, ``tailkit-positions`` (rows ``data-position``, rows
with an exit signal ``tailkit-signal``), ``tailkit-closed``, ``tailkit-message``,
``tailkit-error``, ``tailkit-chart-pnl``, ``tailkit-chart-risk``, ``tailkit-add-<field>``,
``tailkit-add-button``, ``tailkit-close-position``, ``tailkit-close-price``,
``tailkit-close-button``, ``tailkit-close-commission``, ``tailkit-close-confirm-button``,
``tailkit-close-cancel-button``, ``tailkit-add-confirm-button``, ``tailkit-add-cancel-button``,
``tailkit-upload``, ``tailkit-nav-input``, ``tailkit-nav-button``, ``tailkit-control-<rule>``,
``tailkit-rules-button``, ``tailkit-provenance`` (cells ``data-metric`` underlying, last_price,
quote_time, source, synthetic), ``tailkit-form-result`` and ``tailkit-<form>-result`` (nav, add,
close, upload, rules) under each form's button.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from tailkit.book.alerts import Alert
from tailkit.book.market import import_chain
from tailkit.book.marks import mark_book
from tailkit.book.nav import set_nav
from tailkit.book.positions import EXIT_REASONS, SpreadOrder, add_spread, close_position, spread_order
from tailkit.book.settings import set_exit_rules
from tailkit.book.store import Book
from tailkit.charts.book import pnl_over_time_chart, risk_by_expiry_chart
from tailkit.errors import TailkitError
from tailkit.inputs import format_percent, parse_iso_date, parse_number
from tailkit.overlay.exits import ExitRules
from tailkit.studies.book_review import (
    LOSS_BUDGET_ALERT_THRESHOLD,
    BookReview,
    BookReviewParams,
    book_review,
    open_review_book,
    order_warnings,
)
from widgets.controls import controls_for, read_controls
from widgets.display import ChartView
from widgets.formatting import MISSING, fmt_days, fmt_money, fmt_number, fmt_pct, fmt_time
from widgets.panel import error_html
from widgets.tables import table_html

__all__ = ["BookReviewPanel", "BOOK_CSS", "alerts_html", "alert_text"]

BOOK_CSS = """
<style>
.tailkit-panel table.tailkit-table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px 0; }
.tailkit-panel table.tailkit-table th, .tailkit-panel table.tailkit-table td {
  padding: 3px 9px; border-bottom: 1px solid #e3e3e3; text-align: right; }
.tailkit-panel table.tailkit-table thead th { border-bottom: 2px solid #bbb; }
.tailkit-panel tr.tailkit-signal td { background: #fff3cd; font-weight: 600; }
.tailkit-panel .tailkit-kpis { display: flex; flex-wrap: wrap; gap: 10px; }
.tailkit-panel .tailkit-kpi { border: 1px solid #ddd; border-radius: 6px; padding: 6px 12px; min-width: 130px; }
.tailkit-panel .tailkit-kpi .label { color: #666; font-size: 12px; }
.tailkit-panel .tailkit-kpi .value { font-size: 18px; font-weight: 600; }
.tailkit-panel .tailkit-error-banner { color: #8a1f11; background: #fdecea; border: 1px solid #f5c2bd;
  padding: 8px 10px; border-radius: 4px; }
.tailkit-panel .tailkit-ok-banner { color: #1e4620; background: #edf7ed; border: 1px solid #b7dfb9;
  padding: 6px 10px; border-radius: 4px; }
.tailkit-panel .tailkit-prompt-banner { color: #663c00; background: #fff4e5; border: 1px solid #ffd599;
  padding: 8px 10px; border-radius: 4px; font-weight: 600; }
.tailkit-panel .tailkit-note { color: #666; font-size: 12px; }
.tailkit-panel .tailkit-warn-banner { color: #663c00; background: #fff4e5; border: 1px solid #ffd599;
  padding: 6px 10px; border-radius: 4px; }
.tailkit-panel .tailkit-provenance { font-size: 13px; margin: 2px 0 6px 0; }
.tailkit-panel .tailkit-synthetic-label { color: #fff; background: #b26a00; font-weight: 700;
  padding: 1px 6px; border-radius: 3px; letter-spacing: 0.5px; }
.tailkit-panel .tailkit-form-result { max-width: 270px; }
.tailkit-panel .tailkit-alerts { margin: 6px 0 2px 0; }
.tailkit-panel .tailkit-alerts td.severity { font-weight: 700; text-align: left; }
.tailkit-panel .tailkit-alerts td.text { text-align: left; }
.tailkit-panel .tailkit-alerts tr[data-severity="critical"] td { background: #fdecea; }
.tailkit-panel .tailkit-alerts tr[data-severity="warning"] td { background: #fff4e5; }
.tailkit-panel .widget-button, .tailkit-panel .widget-upload { width: auto; min-width: 120px; }
</style>
"""

_STYLE = {"description_width": "110px"}
_LAYOUT = {"width": "260px"}


def _money(x: float | None, signed: bool = False) -> str:
    return fmt_money(x, signed=signed)


_pct = fmt_pct

#: strategies and exit reasons in words
STRATEGY_WORDS = {"bull_put": "bull put", "bear_call": "bear call"}
REASON_WORDS = {
    "manual": "manual",
    "profit_target": "profit target",
    "loss_limit": "loss limit",
    "dte_threshold": "days-to-expiry threshold",
    "expiration": "expiration",
    "roll": "roll",
}


def _words(value: object, table: dict[str, str]) -> str:
    return table.get(str(value), str(value).replace("_", " "))


def alert_text(alert: Alert) -> str:
    """One alert in words, from its numbers: ``"position 1: profit target reached (P&L at mid +820.00 USD, 30 days to expiry)"``."""
    p = alert.payload
    if alert.rule == "exit_signal":
        details = [f"P&L at mid {fmt_money(p.get('pnl_mid'), signed=True)} USD"]
        if p.get("dte") is not None:
            details.append(f"{fmt_days(p['dte'])} to expiry")
        return (
            f"position {p['position_id']}: {_words(p['signal'], REASON_WORDS)} reached ({', '.join(details)})"
        )
    if alert.rule == "loss_budget":
        return (
            f"loss budget used {fmt_pct(p['loss_budget_used'])} "
            f"(alert at {fmt_pct(p['threshold'], 0)} of the budget)"
        )
    return alert.message


def alerts_html(review: BookReview) -> str:
    """The alert rules on the current marks (most severe first) and the stored alerts still open."""
    threshold = fmt_pct(LOSS_BUDGET_ALERT_THRESHOLD, 0)
    head = (
        "<b>Alerts</b> <span class='tailkit-note'>(exit signals of the open positions; loss budget used "
        f"at or above {threshold}; the rules of <code>tailkit book alerts</code>)</span>"
    )
    if review.alerts:
        rows = [
            f'<tr data-alert="{html.escape(a.key)}" data-severity="{html.escape(a.severity)}">'
            f'<td class="severity">{html.escape(a.severity)}</td>'
            f'<td class="text">{html.escape(alert_text(a))}</td></tr>'
            for a in review.alerts
        ]
        live = table_html(rows, head=["severity", "alert"])
    else:
        live = (
            f"<div class='tailkit-note'>No alert: no exit signal, loss budget used below {threshold}.</div>"
        )
    stored = ""
    if len(review.open_alerts):
        rows = [
            f'<tr data-open-alert="{int(r.id)}"><td>{int(r.id)}</td><td>{html.escape(fmt_time(r.raised_at))}</td>'
            f'<td class="severity">{html.escape(str(r.severity))}</td>'
            f'<td class="text">{html.escape(str(r.message))}</td></tr>'
            for r in review.open_alerts.itertuples(index=False)
        ]
        stored = (
            "<div class='tailkit-note'>Raised and not yet acknowledged (acknowledge with "
            "<code>tailkit book alerts --ack ID</code>):</div>"
            + table_html(rows, head=["id", "raised at", "severity", "message"])
        )
    return f'<div class="tailkit-alerts">{head}{live}{stored}</div>'


def header_html(review: BookReview) -> str:
    """Underlying, last price, quote time, data source, and the SYNTHETIC label when it is."""
    h = review.header
    label = (
        '<span class="tailkit-synthetic-label" data-metric="synthetic">SYNTHETIC</span> '
        if h.synthetic
        else ""
    )
    if h.last_price is None:
        body = "No market data yet: upload an option-chain CSV to mark the book."
    else:
        body = (
            f'Underlying <b data-metric="underlying">{html.escape(h.underlying)}</b>, last price '
            f'<b data-metric="last_price">{fmt_money(h.last_price)}</b> USD at '
            f'<span data-metric="quote_time">{html.escape(fmt_time(h.quote_time))}</span>; source: '
            f'<span data-metric="source">{html.escape(h.source)}</span>'
        )
    note = " (made by tailkit's generators, not market data)" if h.synthetic else ""
    return f'<div class="tailkit-provenance">{label}{body}{html.escape(note)}</div>'


def _dashboard_html(review: BookReview) -> str:
    t = review.marks.totals
    s = review.settings
    kpis = [
        ("nav", "NAV", _money(t.nav)),
        ("open_risk", "Open risk (max loss)", _money(t.open_risk)),
        (
            "loss_budget",
            f"Loss budget ({s.loss_budget_fraction:.0%} x {s.base_yield:.2%} yield)",
            _money(t.loss_budget),
        ),
        ("loss_budget_used", "Loss budget used", _pct(t.loss_budget_used)),
        ("open_risk_to_budget", "Open risk / budget", _pct(t.open_risk_to_budget)),
        ("realized_pnl", "Realized P&L", _money(t.realized_pnl, True)),
        ("unrealized_mid", "Unrealized P&L at mid", _money(t.unrealized_mid, True)),
        ("unrealized_exec", "Unrealized P&L at bid/ask", _money(t.unrealized_exec, True)),
        ("income", "Income to date", _money(t.income, True)),
        ("commissions", "Commissions paid", _money(review.commissions)),
        ("n_signals", "Exit signals", str(t.n_signals)),
    ]
    cells = "".join(
        f'<div class="tailkit-kpi"><div class="label">{html.escape(label)}</div>'
        f'<div class="value" data-metric="{key}">{html.escape(value)}</div></div>'
        for key, label, value in kpis
    )
    greeks = (
        f"Greeks of the open positions: delta {fmt_number(t.delta, 1, signed=True)} shares, "
        f"gamma {fmt_number(t.gamma, 2, signed=True)}, "
        f"theta {fmt_number(t.theta, 2, signed=True)} USD/day, vega {fmt_number(t.vega, 2, signed=True)} "
        f"USD/vol pt. Marked as of {fmt_time(review.marks.as_of)}."
    )
    note = "All amounts in USD; realized P&L is after commissions."
    return (
        f'<div class="tailkit-kpis">{cells}</div><div class="tailkit-note">{html.escape(greeks)} {note}</div>'
        + alerts_html(review)
    )


def _positions_html(review: BookReview) -> str:
    p = review.marks.positions
    if p.empty:
        return "<b>Open positions</b><div class='tailkit-note'>No open positions.</div>"
    info = review.positions.set_index("id")
    head = [
        "id",
        "strategy",
        "tag",
        "strikes",
        "expiry",
        "days to expiry",
        "contracts",
        "credit (USD/share)",
        "mark at mid (USD/share)",
        "mark at bid/ask (USD/share)",
        "P&L at mid (USD)",
        "P&L at bid/ask (USD)",
        "commissions paid (USD)",
        "delta (shares)",
        "theta (USD/day)",
        "exit signal",
    ]
    rows = []
    for r in p.itertuples(index=False):
        pos = info.loc[r.position_id]
        strikes = f"{pos['short_strike']:g}/{pos['long_strike']:g}"
        signal = f"{r.signal}: {r.message}" if r.signal else (r.message or "")
        cls = ' class="tailkit-signal"' if r.signal else ""
        cells = [
            str(r.position_id),
            _words(r.strategy, STRATEGY_WORDS),
            str(pos["tag"] or ""),
            strikes,
            fmt_time(r.expiry),
            MISSING if pd.isna(r.dte) else fmt_days(r.dte),
            f"{int(r.contracts):,}",
            fmt_number(r.credit, 2),
            fmt_number(r.value_mid, 3),
            fmt_number(r.value_exec, 2),
            _money(r.pnl_mid, True),
            _money(r.pnl_exec, True),
            fmt_money(pos["commission_cents"] / 100.0),
            fmt_number(r.delta, 1, signed=True),
            fmt_number(r.theta, 2, signed=True),
            signal,
        ]
        tds = "".join(f'<td data-col="{i}">{html.escape(c)}</td>' for i, c in enumerate(cells))
        rows.append(f'<tr data-position="{r.position_id}"{cls}>{tds}</tr>')
    return (
        "<b>Open positions</b> (marks at the latest quote of each leg; P&L in USD for the whole position, "
        "before the commissions shown beside it)" + table_html(rows, head=head)
    )


def _closed_html(review: BookReview) -> str:
    c = review.positions[review.positions["status"] != "open"]
    if c.empty:
        return ""
    rows = (
        f'<tr data-position="{r.id}"><td>{r.id}</td><td>{html.escape(_words(r.strategy, STRATEGY_WORDS))}</td>'
        f"<td>{html.escape(str(r.tag or ''))}</td>"
        f"<td>{r.short_strike:g}/{r.long_strike:g}</td><td>{fmt_time(r.expiry)}</td><td>{int(r.contracts):,}</td>"
        f"<td>{fmt_number(r.credit, 2)}</td><td>{fmt_number(r.exit_price, 2)}</td>"
        f"<td>{html.escape(_words(r.exit_reason, REASON_WORDS))}</td>"
        f'<td data-col="before_commissions">{_money(r.realized_pnl + r.commission_cents / 100.0, True)}</td>'
        f'<td data-col="commissions">{fmt_money(r.commission_cents / 100.0)}</td>'
        f'<td data-col="realized">{_money(r.realized_pnl, True)}</td><td>{html.escape(str(r.status))}</td></tr>'
        for r in c.itertuples(index=False)
    )
    head = [
        "id",
        "strategy",
        "tag",
        "strikes",
        "expiry",
        "contracts",
        "credit (USD/share)",
        "exit price (USD/share)",
        "reason",
        "P&L before commissions (USD)",
        "commissions (USD)",
        "realized P&L (USD)",
        "status",
    ]
    return "<b>Closed positions</b>" + table_html(rows, head=head)


def _tag(widget: w.Widget, name: str) -> w.Widget:
    widget.add_class(f"tailkit-{name}")
    return widget


def _ok(message: str) -> str:
    return f'<div class="tailkit-ok-banner">{html.escape(message)}</div>'


def _warn(message: str) -> str:
    return f'<div class="tailkit-warn-banner">{html.escape(message)}</div>'


def rules_text(rules: ExitRules) -> str:
    """The exit rules in words: ``"profit target 50% of the maximum profit, ..."``."""
    d = rules.to_dict()
    parts = []
    for name, value in d.items():
        words = name.replace("_pct", "").replace("_", " ")
        if name == "profit_target_pct":
            parts.append(f"profit target {format_percent(value)} of the maximum profit")
        elif name == "dte_threshold":
            parts.append("no days-to-expiry exit" if value == 0 else f"close at {fmt_days(value)} to expiry")
        elif isinstance(value, bool):
            parts.append(f"{words} {'on' if value else 'off'}")
        elif isinstance(value, float):
            parts.append(f"{words} {value:g}")
        else:
            parts.append(f"{words} {value}")
    return ", ".join(parts)


class BookReviewPanel:
    """The book-review app: provenance header, dashboard, positions, charts and forms over one book.

    Each form shows its own result (success, warning or refusal) right under its button, and
    the page-level banner repeats it. A successful add clears the form. Closing a position asks
    for confirmation first (which position, price and reason); an order whose credit is far from
    the latest quotes' mid, or whose expiry is a weekend or an NYSE holiday, is shown with the
    warning and written only after "Add anyway".

    Parameters
    ----------
    params : BookReviewParams, optional
        Which book (default: ``$TAILKIT_BOOK`` or ``~/.tailkit/book.sqlite``) and audit actor.
    open_book : bool, default=True
        Open and read the book now. ``False`` builds only the controls and chart views (nothing
        touches the book, not even to create it); :meth:`open` reads it later. The Voila app
        does that so a preheated kernel reads the book only once the page is requested.

    Attributes
    ----------
    book : tailkit.book.Book
        The open book (set by :meth:`open`).
    review : BookReview
        What is shown (refreshed after every operation).
    message, error : str
        Last success message / last rejected operation's reason.
    widget : ipywidgets.Widget
        The layout to display.
    """

    book: Book
    review: BookReview

    def __init__(self, params: BookReviewParams | None = None, *, open_book: bool = True) -> None:
        self.params = params if params is not None else BookReviewParams()
        self.message = ""
        self.error = ""
        self._pending_order: SpreadOrder | None = None
        self.header = _tag(w.HTML(), "provenance")
        self.dashboard = _tag(w.HTML(), "dashboard")
        self.prompt = _tag(
            w.HTML(
                '<div class="tailkit-prompt-banner">This book has no NAV yet: enter the portfolio\'s NAV '
                "below to start (the loss budget and sizing are fractions of it).</div>"
            ),
            "nav-prompt",
        )
        self.positions = _tag(w.HTML(), "positions")
        self.closed = _tag(w.HTML(), "closed")
        self.message_box = _tag(w.HTML(), "message")
        self.error_box = _tag(w.HTML(), "error")
        self.error_box.layout.display = "none"
        self.pnl_chart = ChartView()
        self.pnl_chart.widget.add_class("tailkit-chart-pnl")
        self.risk_chart = ChartView()
        self.risk_chart.widget.add_class("tailkit-chart-risk")

        def result_box(name: str) -> w.HTML:
            box = _tag(_tag(w.HTML(), "form-result"), f"{name}-result")
            return box

        # NAV
        self.nav_input = _tag(
            w.Text(description="NAV (USD)", placeholder="1,000,000", style=_STYLE), "nav-input"
        )
        self.nav_button = _tag(w.Button(description="Set NAV", button_style="primary"), "nav-button")
        self.nav_result = result_box("nav")
        # add a spread
        self.add_fields: dict[str, w.Widget] = {
            "strategy": w.Dropdown(
                options=[("bull put", "bull_put"), ("bear call", "bear_call")], description="strategy"
            ),
            "short_strike": w.Text(description="short strike", placeholder="110"),
            "long_strike": w.Text(description="long strike", placeholder="105"),
            "expiry": w.Text(description="expiry", placeholder="YYYY-MM-DD"),
            "contracts": w.Text(description="contracts", value="1"),
            "credit": w.Text(description="credit", placeholder="1.00"),
            "commission": w.Text(description="commission", value="0"),
            "tag": w.Text(description="tag", value=""),
        }
        self._add_defaults = {name: ctl.value for name, ctl in self.add_fields.items()}
        for name, ctl in self.add_fields.items():
            ctl.style = _STYLE
            ctl.layout = w.Layout(**_LAYOUT)
            _tag(ctl, f"add-{name.replace('_', '-')}")
        self.add_button = _tag(w.Button(description="Add position", button_style="primary"), "add-button")
        self.add_confirm_button = _tag(
            w.Button(description="Add anyway", button_style="warning"), "add-confirm-button"
        )
        self.add_cancel_button = _tag(w.Button(description="Cancel"), "add-cancel-button")
        self.add_confirm = _tag(w.HBox([self.add_confirm_button, self.add_cancel_button]), "add-confirm")
        self.add_confirm.layout.display = "none"
        self.add_result = result_box("add")
        # close
        self.close_position = _tag(
            w.Dropdown(options=[], description="position", style=_STYLE), "close-position"
        )
        self.close_price = _tag(
            w.Text(description="exit price", placeholder="0.35", style=_STYLE), "close-price"
        )
        self.close_commission = _tag(
            w.Text(description="commission", value="0", style=_STYLE), "close-commission"
        )
        self.close_reason = _tag(
            w.Dropdown(
                options=[(_words(r, REASON_WORDS), r) for r in EXIT_REASONS if r != "roll"],
                description="exit reason",
                style=_STYLE,
            ),
            "close-reason",
        )
        self.close_button = _tag(
            w.Button(description="Close position…", button_style="warning"), "close-button"
        )
        self.close_confirm_button = _tag(
            w.Button(description="Confirm close", button_style="danger"), "close-confirm-button"
        )
        self.close_cancel_button = _tag(w.Button(description="Cancel"), "close-cancel-button")
        self.close_confirm = _tag(
            w.HBox([self.close_confirm_button, self.close_cancel_button]), "close-confirm"
        )
        self.close_confirm.layout.display = "none"
        self.close_result = result_box("close")
        # chain upload
        self.upload = _tag(
            w.FileUpload(accept=".csv", multiple=False, description="Upload chain CSV"), "upload"
        )
        self.upload_result = result_box("upload")
        # exit rules
        self.rule_controls = controls_for(
            ExitRules,
            labels={
                "profit_target_pct": "profit target",
                "loss_multiple": "loss multiple",
                "dte_threshold": "close at DTE",
            },
        )
        for name, ctl in self.rule_controls.items():
            _tag(ctl, f"control-{name.replace('_', '-')}")
        self.rules_button = _tag(w.Button(description="Save exit rules"), "rules-button")
        self.rules_result = result_box("rules")
        for ctl in [
            self.nav_input,
            self.close_position,
            self.close_price,
            self.close_commission,
            self.close_reason,
            *self.rule_controls.values(),
        ]:
            ctl.style = _STYLE
            ctl.layout = w.Layout(**_LAYOUT)

        self.nav_button.on_click(lambda _b: self._run(self._set_nav, self.nav_result))
        self.add_button.on_click(lambda _b: self._run(self._add, self.add_result))
        self.add_confirm_button.on_click(lambda _b: self._run(self._add_confirmed, self.add_result))
        self.add_cancel_button.on_click(lambda _b: self._cancel_add())
        self.close_button.on_click(lambda _b: self._run(self._ask_close, self.close_result))
        self.close_confirm_button.on_click(lambda _b: self._run(self._close, self.close_result))
        self.close_cancel_button.on_click(lambda _b: self._cancel_close())
        for ctl in (self.close_position, self.close_price, self.close_commission, self.close_reason):
            ctl.observe(lambda _c: self._cancel_close(quiet=True), names="value")
        self.rules_button.on_click(lambda _b: self._run(self._set_rules, self.rules_result))
        self.upload.observe(self._on_upload, names="value")

        def box(title: str, children: list[w.Widget], note: str = "") -> w.VBox:
            head = f"<b>{html.escape(title)}</b>" + (
                f"<div class='tailkit-note'>{note}</div>" if note else ""
            )
            b = w.VBox([w.HTML(head), *children])
            b.layout = w.Layout(border="1px solid #ddd", padding="6px", margin="4px", width="290px")
            return b

        forms = w.HBox(
            [
                box("Set NAV", [self.nav_input, self.nav_button, self.nav_result]),
                box(
                    "Add a credit spread",
                    [*self.add_fields.values(), self.add_button, self.add_confirm, self.add_result],
                    "strikes and credit in USD per share, commission in USD for the whole position; "
                    "expiry YYYY-MM-DD",
                ),
                box(
                    "Close a position",
                    [
                        self.close_position,
                        self.close_price,
                        self.close_commission,
                        self.close_reason,
                        self.close_button,
                        self.close_confirm,
                        self.close_result,
                    ],
                    "exit price in USD per share, commission in USD; you confirm the position, price and "
                    "reason before anything is written",
                ),
                box(
                    "Market data and rules",
                    [
                        self.upload,
                        self.upload_result,
                        *self.rule_controls.values(),
                        self.rules_button,
                        self.rules_result,
                    ],
                    "option-chain CSV (Bloomberg-style format); the book is marked after each import",
                ),
            ],
            layout=w.Layout(flex_flow="row wrap"),
        )
        self.title = w.HTML("<h3 style='margin:0 0 4px 0'>Position book review</h3>")
        charts = w.HBox(
            [self.pnl_chart.widget, self.risk_chart.widget], layout=w.Layout(flex_flow="row wrap")
        )
        self.widget = w.VBox(
            [
                w.HTML(BOOK_CSS),
                self.title,
                self.header,
                self.prompt,
                self.error_box,
                self.message_box,
                self.dashboard,
                self.positions,
                charts,
                forms,
                self.closed,
            ]
        ).add_class("tailkit-panel")
        if open_book:
            self.open()

    def open(self) -> None:
        """Open the book named by the parameters (creating it if need be), read it and draw everything."""
        self.book = open_review_book(self.params)
        self.title.value = (
            f"<h3 style='margin:0 0 4px 0'>Position book review</h3>"
            f"<div class='tailkit-note'>Book: {html.escape(str(self.book.path))} — every change is one "
            "transaction with its audit event.</div>"
            + (
                "<div class='tailkit-prompt-banner'>Demo book: every price, quote and position here is "
                "SYNTHETIC (made by tailkit's generators), not market data.</div>"
                if self.params.demo
                else ""
            )
        )
        self.refresh()

    # -- operations (one tailkit.book call each) -------------------------------------------------
    def _set_nav(self) -> str:
        nav = parse_number("nav", self.nav_input.value).value
        set_nav(self.book, f"{nav:.2f}", reason="set in the book-review app")
        self.nav_input.value = ""
        return f"NAV set to {fmt_money(nav)} USD"

    def _order(self) -> SpreadOrder:
        f = self.add_fields
        expiry = parse_iso_date("expiry", f["expiry"].value).value
        return spread_order(
            strategy=f["strategy"].value,
            short_strike=f["short_strike"].value,
            long_strike=f["long_strike"].value,
            expiry=expiry,
            contracts=f["contracts"].value,
            credit=f["credit"].value,
            commission=f["commission"].value,
            tag=f["tag"].value,
        )

    def _add(self) -> str:
        order = self._order()
        warnings = order_warnings(self.book, order)
        if warnings:
            self._pending_order = order
            self.add_confirm.layout.display = None
            raise _NeedsConfirmation("Check before adding: " + "; ".join(warnings) + ". Add anyway?")
        return self._write_order(order)

    def _add_confirmed(self) -> str:
        order = self._pending_order
        if order is None or order != self._order():
            self._cancel_add()
            return self._add()
        return self._write_order(order)

    def _write_order(self, order: SpreadOrder) -> str:
        pid = add_spread(self.book, order, reason="added in the book-review app")
        self._pending_order = None
        self.add_confirm.layout.display = "none"
        for name, ctl in self.add_fields.items():  # a successful add clears the form
            ctl.value = self._add_defaults[name]
        return (
            f"position {pid} added: {STRATEGY_WORDS[order.strategy]} "
            f"{order.short_strike_cents / 100:g}/{order.long_strike_cents / 100:g} expiring "
            f"{order.expiry.isoformat()}, {order.contracts:,} contracts at "
            f"{order.credit_cents / 100:.2f} USD/share"
        )

    def _cancel_add(self) -> None:
        self._pending_order = None
        self.add_confirm.layout.display = "none"
        self.add_result.value = ""

    def _close_request(self) -> tuple[int, float, float, str]:
        pid = self.close_position.value
        if pid is None:
            raise TailkitError("no open position to close")
        price = parse_number("exit_price", self.close_price.value).value
        commission = parse_number("commission", self.close_commission.value).value
        return int(pid), price, commission, str(self.close_reason.value)

    def _ask_close(self) -> str:
        pid, price, commission, reason = self._close_request()
        pos = self.review.positions.set_index("id").loc[pid]
        self.close_confirm.layout.display = None
        raise _NeedsConfirmation(
            f"Close position #{pid} ({_words(pos['strategy'], STRATEGY_WORDS)} "
            f"{pos['short_strike']:g}/{pos['long_strike']:g}, expiry {fmt_time(pos['expiry'])}, "
            f"{int(pos['contracts']):,} contracts) at {price:.2f} USD/share, reason "
            f"{_words(reason, REASON_WORDS)}, commission {fmt_money(commission)} USD? This cannot be undone."
        )

    def _close(self) -> str:
        pid, price, _commission, reason = self._close_request()
        pnl = close_position(
            self.book,
            pid,
            exit_price=self.close_price.value,
            commission=self.close_commission.value,
            exit_reason=reason,
            reason="closed in the book-review app",
        )
        self.close_confirm.layout.display = "none"
        paid = float(
            self.book.conn.execute("SELECT commission_cents FROM positions WHERE id = ?", (pid,)).fetchone()[
                0
            ]
        )
        realized = pnl / 100
        self.close_price.value = ""
        self.close_commission.value = "0"
        return (
            f"position {pid} closed at {price:.2f}: realized P&L {fmt_money(realized, signed=True)} "
            f"after {fmt_money(paid / 100)} of commissions "
            f"({fmt_money(realized + paid / 100, signed=True)} before commissions)"
        )

    def _cancel_close(self, quiet: bool = False) -> None:
        if self.close_confirm.layout.display == "none":
            return
        self.close_confirm.layout.display = "none"
        if not quiet or self.close_result.value:
            self.close_result.value = ""

    def _set_rules(self) -> str:
        reading = read_controls(ExitRules, self.rule_controls)
        set_exit_rules(self.book, reading.params, reason="edited in the book-review app")
        read = f" ({'; '.join(reading.notes)})" if reading.notes else ""
        return f"exit rules saved: {rules_text(reading.params)}{read}"

    def import_chain_bytes(self, name: str, content: bytes) -> str:
        """Import an uploaded chain (written to a temporary file), then mark and save the marks."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / (Path(name).name or "chain.csv")
            path.write_bytes(content)
            result = import_chain(self.book, path, reason="uploaded in the book-review app")
        marks = mark_book(self.book, save=True, reason="after a chain upload in the book-review app")
        return f"{result.summary().replace(str(path), Path(name).name)}; {marks.totals.n_marked} positions marked"

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        self._run(
            lambda: self.import_chain_bytes(str(item["name"]), bytes(item["content"])), self.upload_result
        )

    def _run(self, op: Callable[[], str], result: w.HTML | None = None) -> None:
        """Run one operation; show its outcome next to its button and in the page banner."""
        try:
            message = op()
        except _NeedsConfirmation as ask:
            self.error = ""
            self.error_box.value, self.error_box.layout.display = "", "none"
            self.message = str(ask)
            self.message_box.value = _warn(self.message)
            if result is not None:
                result.value = _warn(self.message)
            return
        except TailkitError as exc:
            self.error = str(exc)
            self.error_box.value = error_html(self.error, "Not done.")
            self.error_box.layout.display = None
            if result is not None:
                result.value = error_html(self.error, "Not done.")
            return
        self.error = ""
        self.error_box.value = ""
        self.error_box.layout.display = "none"
        self.message = message
        self.message_box.value = _ok(message)
        for box in (
            self.nav_result,
            self.add_result,
            self.close_result,
            self.upload_result,
            self.rules_result,
        ):
            box.value = ""
        if result is not None:
            result.value = _ok(message)
        self.refresh()

    # -- view -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the book and redraw everything."""
        self.review = review = book_review(self.book, demo=self.params.demo)
        self.header.value = header_html(review)
        self.dashboard.value = _dashboard_html(review)
        self.positions.value = _positions_html(review)
        self.closed.value = _closed_html(review)
        # the prompt goes only once the figures it waited for are on the page
        self.prompt.layout.display = None if review.needs_nav else "none"
        open_ids = (
            [int(i) for i in review.marks.positions["position_id"]] if len(review.marks.positions) else []
        )
        info = review.positions.set_index("id") if len(review.positions) else None
        self.close_position.options = (
            [
                (
                    f"#{i} {_words(info.loc[i, 'strategy'], STRATEGY_WORDS)} "
                    f"{info.loc[i, 'short_strike']:g}/{info.loc[i, 'long_strike']:g}",
                    i,
                )
                for i in open_ids
            ]
            if info is not None
            else []
        )
        self.close_position.value = open_ids[0] if open_ids else None
        for name, value in review.rules.to_dict().items():
            self.rule_controls[name].value = value
        self.close_confirm.layout.display = "none"
        self.pnl_chart.update(pnl_over_time_chart(review.pnl_history))
        self.risk_chart.update(risk_by_expiry_chart(review.risk_by_expiry))


class _NeedsConfirmation(Exception):
    """An operation stopped before writing: its message asks the user to confirm."""
