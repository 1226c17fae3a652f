"""The book-review panel: a view over :mod:`tailkit.book` for the Voila app.

Dashboard (NAV, open risk, loss budget used, realized and unrealized P&L, income to date),
open positions with their marks (exit signals highlighted), closed positions, charts of P&L
over time and open risk by expiry, and forms: set NAV (asked first on an empty book), add a
credit spread, close a position, upload an option-chain CSV (imported, then the book is
marked and the marks saved), edit the exit rules. Every button calls one function of
:mod:`tailkit.book` (each one transaction with its audit event); callbacks only format.
A rejected operation shows its message in ``tailkit-error`` and writes nothing.

Headless use (tests)::

    panel = BookReviewPanel(BookReviewParams(db_path=":memory:"))
    panel.nav_input.value = "1000000"; panel.nav_button.click()
    panel.review.marks.totals.nav

Stable CSS classes for browser tests: ``tailkit-panel``, ``tailkit-dashboard`` (cells carry
``data-metric``), ``tailkit-nav-prompt``, ``tailkit-positions`` (rows ``data-position``, rows
with an exit signal ``tailkit-signal``), ``tailkit-closed``, ``tailkit-message``,
``tailkit-error``, ``tailkit-chart-pnl``, ``tailkit-chart-risk``, ``tailkit-add-<field>``,
``tailkit-add-button``, ``tailkit-close-position``, ``tailkit-close-price``,
``tailkit-close-button``, ``tailkit-upload``, ``tailkit-nav-input``, ``tailkit-nav-button``,
``tailkit-control-<rule>``, ``tailkit-rules-button``.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from tailkit.book.market import import_chain
from tailkit.book.marks import mark_book
from tailkit.book.nav import set_nav
from tailkit.book.positions import EXIT_REASONS, add_spread, close_position, spread_order
from tailkit.book.settings import set_exit_rules
from tailkit.charts.book import pnl_over_time_chart, risk_by_expiry_chart
from tailkit.errors import TailkitError
from tailkit.overlay.exits import ExitRules
from tailkit.studies.book_review import BookReview, BookReviewParams, book_review, open_review_book
from widgets.controls import controls_for, params_from_controls
from widgets.display import ChartView
from widgets.panel import error_html
from widgets.tables import table_html

__all__ = ["BookReviewPanel", "BOOK_CSS"]

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
</style>
"""

_STYLE = {"description_width": "110px"}
_LAYOUT = {"width": "260px"}


def _money(x: float | None, signed: bool = False) -> str:
    if x is None or pd.isna(x):
        return "–"
    return f"{x:+,.2f}" if signed else f"{x:,.2f}"


def _pct(x: float | None) -> str:
    return "–" if x is None or pd.isna(x) else f"{x:.1%}"


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
        ("unrealized_mid", "Unrealized P&L (mid)", _money(t.unrealized_mid, True)),
        ("unrealized_exec", "Unrealized P&L (bid/ask)", _money(t.unrealized_exec, True)),
        ("income", "Income to date", _money(t.income, True)),
        ("n_signals", "Exit signals", str(t.n_signals)),
    ]
    cells = "".join(
        f'<div class="tailkit-kpi"><div class="label">{html.escape(label)}</div>'
        f'<div class="value" data-metric="{key}">{html.escape(value)}</div></div>'
        for key, label, value in kpis
    )
    greeks = (
        f"Greeks of the open positions: delta {t.delta:+,.1f} shares, gamma {t.gamma:+,.2f}, "
        f"theta {t.theta:+,.2f} USD/day, vega {t.vega:+,.2f} USD/vol pt. Marked as of {review.marks.as_of}."
    )
    return f'<div class="tailkit-kpis">{cells}</div><div class="tailkit-note">{html.escape(greeks)}</div>'


def _positions_html(review: BookReview) -> str:
    p = review.marks.positions
    if p.empty:
        return "<b>Open positions</b><div class='tailkit-note'>No open positions.</div>"
    info = review.positions.set_index("id")
    head = [
        "id",
        "strategy",
        "strikes",
        "expiry",
        "DTE",
        "contracts",
        "credit",
        "mark (mid)",
        "mark (bid/ask)",
        "P&L mid",
        "P&L bid/ask",
        "delta",
        "theta/day",
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
            str(r.strategy),
            strikes,
            str(r.expiry),
            str(r.dte),
            str(r.contracts),
            f"{r.credit:.2f}",
            "–" if pd.isna(r.value_mid) else f"{r.value_mid:.3f}",
            "–" if pd.isna(r.value_exec) else f"{r.value_exec:.2f}",
            _money(r.pnl_mid, True),
            _money(r.pnl_exec, True),
            "–" if pd.isna(r.delta) else f"{r.delta:+,.1f}",
            "–" if pd.isna(r.theta) else f"{r.theta:+,.2f}",
            signal,
        ]
        tds = "".join(f'<td data-col="{i}">{html.escape(c)}</td>' for i, c in enumerate(cells))
        rows.append(f'<tr data-position="{r.position_id}"{cls}>{tds}</tr>')
    return (
        "<b>Open positions</b> (marks at the latest quote of each leg; P&L in USD for the whole position)"
        + table_html(rows, head=head)
    )


def _closed_html(review: BookReview) -> str:
    c = review.positions[review.positions["status"] != "open"]
    if c.empty:
        return ""
    rows = (
        f'<tr data-position="{r.id}"><td>{r.id}</td><td>{html.escape(r.strategy)}</td>'
        f"<td>{r.short_strike:g}/{r.long_strike:g}</td><td>{r.expiry}</td><td>{r.contracts}</td>"
        f"<td>{r.credit:.2f}</td><td>{r.exit_price:.2f}</td><td>{html.escape(str(r.exit_reason))}</td>"
        f"<td>{_money(r.realized_pnl, True)}</td><td>{html.escape(str(r.status))}</td></tr>"
        for r in c.itertuples(index=False)
    )
    head = [
        "id",
        "strategy",
        "strikes",
        "expiry",
        "contracts",
        "credit",
        "exit",
        "reason",
        "realized",
        "status",
    ]
    return "<b>Closed positions</b>" + table_html(rows, head=head)


def _tag(widget: w.Widget, name: str) -> w.Widget:
    widget.add_class(f"tailkit-{name}")
    return widget


class BookReviewPanel:
    """The book-review app: dashboard, positions, charts and forms over one book.

    Parameters
    ----------
    params : BookReviewParams, optional
        Which book (default: ``$TAILKIT_BOOK`` or ``~/.tailkit/book.sqlite``) and audit actor.

    Attributes
    ----------
    book : tailkit.book.Book
        The open book.
    review : BookReview
        What is shown (refreshed after every operation).
    message, error : str
        Last success message / last rejected operation's reason.
    widget : ipywidgets.Widget
        The layout to display.
    """

    def __init__(self, params: BookReviewParams | None = None) -> None:
        self.params = params if params is not None else BookReviewParams()
        self.book = open_review_book(self.params)
        self.message = ""
        self.error = ""
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

        # NAV
        self.nav_input = _tag(
            w.Text(description="NAV (USD)", placeholder="1000000", style=_STYLE), "nav-input"
        )
        self.nav_button = _tag(w.Button(description="Set NAV", button_style="primary"), "nav-button")
        # add a spread
        self.add_fields: dict[str, w.Widget] = {
            "strategy": w.Dropdown(
                options=[("bull put", "bull_put"), ("bear call", "bear_call")], description="strategy"
            ),
            "short_strike": w.Text(description="short strike", placeholder="110"),
            "long_strike": w.Text(description="long strike", placeholder="105"),
            "expiry": w.Text(description="expiry", placeholder="YYYY-MM-DD"),
            "contracts": w.Text(description="contracts", value="1"),
            "credit": w.Text(description="credit/share", placeholder="1.00"),
            "tag": w.Text(description="tag", value=""),
        }
        for name, ctl in self.add_fields.items():
            ctl.style = _STYLE
            ctl.layout = w.Layout(**_LAYOUT)
            _tag(ctl, f"add-{name.replace('_', '-')}")
        self.add_button = _tag(w.Button(description="Add position", button_style="primary"), "add-button")
        # close
        self.close_position = _tag(
            w.Dropdown(options=[], description="position", style=_STYLE), "close-position"
        )
        self.close_price = _tag(
            w.Text(description="exit price", placeholder="0.35", style=_STYLE), "close-price"
        )
        self.close_reason = _tag(
            w.Dropdown(
                options=[r for r in EXIT_REASONS if r != "roll"], description="exit reason", style=_STYLE
            ),
            "close-reason",
        )
        self.close_button = _tag(
            w.Button(description="Close position", button_style="warning"), "close-button"
        )
        # chain upload
        self.upload = _tag(
            w.FileUpload(accept=".csv", multiple=False, description="Upload chain CSV"), "upload"
        )
        # exit rules
        self.rule_controls = controls_for(ExitRules)
        for name, ctl in self.rule_controls.items():
            _tag(ctl, f"control-{name.replace('_', '-')}")
        self.rules_button = _tag(w.Button(description="Save exit rules"), "rules-button")
        for ctl in [
            self.nav_input,
            self.close_position,
            self.close_price,
            self.close_reason,
            *self.rule_controls.values(),
        ]:
            ctl.style = _STYLE
            ctl.layout = w.Layout(**_LAYOUT)

        self.nav_button.on_click(lambda _b: self._run(self._set_nav))
        self.add_button.on_click(lambda _b: self._run(self._add))
        self.close_button.on_click(lambda _b: self._run(self._close))
        self.rules_button.on_click(lambda _b: self._run(self._set_rules))
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
                box("Set NAV", [self.nav_input, self.nav_button]),
                box(
                    "Add a credit spread",
                    [*self.add_fields.values(), self.add_button],
                    "strikes, credit in USD/share",
                ),
                box(
                    "Close a position",
                    [self.close_position, self.close_price, self.close_reason, self.close_button],
                ),
                box(
                    "Market data and rules",
                    [self.upload, *self.rule_controls.values(), self.rules_button],
                    "option-chain CSV (Bloomberg-style format); the book is marked after each import",
                ),
            ],
            layout=w.Layout(flex_flow="row wrap"),
        )
        title = w.HTML(
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
        charts = w.HBox(
            [self.pnl_chart.widget, self.risk_chart.widget], layout=w.Layout(flex_flow="row wrap")
        )
        self.widget = w.VBox(
            [
                w.HTML(BOOK_CSS),
                title,
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
        self.review: BookReview = book_review(self.book)
        self.refresh()

    # -- operations (one tailkit.book call each) -------------------------------------------------
    def _set_nav(self) -> str:
        set_nav(self.book, self.nav_input.value, reason="set in the book-review app")
        return f"NAV set to {self.nav_input.value}"

    def _add(self) -> str:
        f = self.add_fields
        order = spread_order(
            strategy=f["strategy"].value,
            short_strike=f["short_strike"].value,
            long_strike=f["long_strike"].value,
            expiry=f["expiry"].value,
            contracts=f["contracts"].value,
            credit=f["credit"].value,
            tag=f["tag"].value,
        )
        pid = add_spread(self.book, order, reason="added in the book-review app")
        return f"position {pid} added"

    def _close(self) -> str:
        pid = self.close_position.value
        if pid is None:
            raise TailkitError("no open position to close")
        pnl = close_position(
            self.book,
            pid,
            exit_price=self.close_price.value,
            exit_reason=self.close_reason.value,
            reason="closed in the book-review app",
        )
        return f"position {pid} closed: realized P&L {pnl / 100:+,.2f}"

    def _set_rules(self) -> str:
        rules = params_from_controls(ExitRules, self.rule_controls)
        set_exit_rules(self.book, rules, reason="edited in the book-review app")
        return f"exit rules saved: {rules.to_dict()}"

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
        self._run(lambda: self.import_chain_bytes(str(item["name"]), bytes(item["content"])))

    def _run(self, op: Callable[[], str]) -> None:
        try:
            message = op()
        except TailkitError as exc:
            self.error = str(exc)
            self.error_box.value = error_html(self.error, "Not done.")
            self.error_box.layout.display = None
            return
        self.error = ""
        self.error_box.value = ""
        self.error_box.layout.display = "none"
        self.message = message
        self.message_box.value = f'<div class="tailkit-ok-banner">{html.escape(message)}</div>'
        self.refresh()

    # -- view -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the book and redraw everything."""
        self.review = review = book_review(self.book)
        self.prompt.layout.display = None if review.needs_nav else "none"
        self.dashboard.value = _dashboard_html(review)
        self.positions.value = _positions_html(review)
        self.closed.value = _closed_html(review)
        open_ids = (
            [int(i) for i in review.marks.positions["position_id"]] if len(review.marks.positions) else []
        )
        self.close_position.options = [(f"#{i}", i) for i in open_ids]
        self.close_position.value = open_ids[0] if open_ids else None
        for name, value in review.rules.to_dict().items():
            self.rule_controls[name].value = value
        self.pnl_chart.update(pnl_over_time_chart(review.pnl_history))
        self.risk_chart.update(risk_by_expiry_chart(review.risk_by_expiry))
