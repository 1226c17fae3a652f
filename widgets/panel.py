"""The plumbing every study panel shares: tagged controls, an error banner, show/hide of outputs.

A study panel reads its controls back through the parameter dataclass
(:func:`widgets.controls.params_from_controls`), calls one study function of tailkit and fills
its HTML tables and :class:`widgets.display.ChartView` charts. When the inputs are rejected it
hides the last valid figures and shows the message in a ``tailkit-error`` banner instead of
raising. :class:`StudyPanel` is that loop; a panel declares its parameter class, fields and
error types, builds its layout, and says how to compute and how to render a result.

Stable CSS classes: ``tailkit-panel``, ``tailkit-controls``, ``tailkit-control`` and
``tailkit-control-<field>`` on each control, ``tailkit-error`` (its banner
``tailkit-error-banner``), ``tailkit-note``, ``tailkit-input-notes`` (what was read from the
typed text, e.g. "IV 20% (read 20 as percent)"), ``tailkit-stale`` (on outputs while they are
being recomputed: greyed, never shown as if current).

Every panel lists its :attr:`StudyPanel.outputs`; :meth:`StudyPanel.start` refuses a panel that
lists none, so no panel can keep figures on screen for inputs that were refused.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar

import ipywidgets as w

from tailkit.errors import ParameterError
from widgets.controls import controls_for, read_controls

__all__ = ["PANEL_CSS", "panel_css", "tag_controls", "error_html", "controls_column", "StudyPanel"]

_CSS_RULES = """\
.tailkit-panel table.tailkit-table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px 0; }
.tailkit-panel table.tailkit-table th, .tailkit-panel table.tailkit-table td {
  padding: 3px 10px; border-bottom: 1px solid #e3e3e3; text-align: right; }
.tailkit-panel table.tailkit-table th:first-child, .tailkit-panel table.tailkit-table td:first-child {
  text-align: left; }
.tailkit-panel table.tailkit-table thead th { border-bottom: 2px solid #bbb; }
.tailkit-panel .tailkit-error-banner { color: #8a1f11; background: #fdecea; border: 1px solid #f5c2bd;
  padding: 8px 10px; border-radius: 4px; max-width: 560px; }
.tailkit-panel .tailkit-note { color: #666; font-size: 12px; }
.tailkit-panel .tailkit-input-notes { color: #1e4620; font-size: 12px; max-width: 380px; }
.tailkit-panel .tailkit-stale { opacity: 0.35; pointer-events: none; }
.tailkit-panel .tailkit-number input { text-align: right; }
"""


def panel_css(extra: str = "") -> str:
    """The panels' ``<style>`` block (tables, error banner, notes) followed by ``extra`` rules."""
    return f"\n<style>\n{_CSS_RULES}{extra}</style>\n"


#: styles shared by the study panels (tables, error banner, notes)
PANEL_CSS = panel_css()


def tag_controls(controls: dict[str, w.Widget], *, on_commit: bool = False) -> None:
    """Put ``tailkit-control`` and ``tailkit-control-<field>`` on each control.

    With ``on_commit`` a text control reports its value on Enter / focus out, not per keystroke.
    """
    for name, ctl in controls.items():
        if on_commit and hasattr(ctl, "continuous_update"):
            ctl.continuous_update = False
        ctl.add_class("tailkit-control")
        ctl.add_class(f"tailkit-control-{name.replace('_', '-')}")


def error_html(message: str, lead: str = "Invalid input.") -> str:
    """The error banner's markup: a bold ``lead`` then the escaped ``message``."""
    bold = f"<b>{html.escape(lead)}</b> " if lead else ""
    return f'<div class="tailkit-error-banner">{bold}{html.escape(message)}</div>'


def controls_column(controls: dict[str, w.Widget], min_width: str | None = "400px") -> w.VBox:
    """The controls stacked in a ``tailkit-controls`` column."""
    box = w.VBox(list(controls.values())).add_class("tailkit-controls")
    if min_width:
        box.layout.min_width = min_width
    return box


class StudyPanel:
    """Controls -> parameter dataclass -> study -> tables and charts; rejected inputs in a banner.

    A subclass sets :attr:`params_class` (and :attr:`fields`, :attr:`errors`,
    :attr:`error_lead`, :attr:`commit_on_enter` where the defaults do not fit), calls
    ``super().__init__(params)``, builds its outputs and :attr:`widget`, lists in
    :attr:`outputs` what must hide while the inputs are invalid, then calls :meth:`start`.
    It implements :meth:`compute` and :meth:`render` (and :meth:`draw` for what is drawn
    only once visible). Callbacks format; they compute nothing but the study call.

    Attributes
    ----------
    params : parameter dataclass
        The last valid parameters.
    controls : dict of str to ipywidgets.Widget
        One control per field in :attr:`fields` (every field when ``None``).
    result : Any or None
        The current result; ``None`` while the inputs are invalid.
    error : str
        The message of invalid inputs, ``""`` otherwise.
    error_box : ipywidgets.HTML
        The ``tailkit-error`` banner (hidden while there is no error).
    """

    params_class: ClassVar[type]
    fields: ClassVar[list[str] | None] = None
    errors: ClassVar[tuple[type[BaseException], ...]] = (ParameterError,)
    error_lead: ClassVar[str] = "Invalid input."
    commit_on_enter: ClassVar[bool] = False
    labels: ClassVar[dict[str, str]] = {}

    def __init__(self, params: Any | None) -> None:
        self.params = params if params is not None else self.params_class()
        self._base = self.params
        self.controls = controls_for(self.params_class, self.params, include=self.fields, labels=self.labels)
        tag_controls(self.controls, on_commit=self.commit_on_enter)
        self.result: Any = None
        self.error = ""
        self.error_box = w.HTML().add_class("tailkit-error")
        self.error_box.layout.display = "none"
        self.notes_box = w.HTML().add_class("tailkit-input-notes")
        self.notes: list[str] = []
        self.outputs: list[w.Widget] = []

    def controls_column(self, min_width: str | None = "400px") -> w.VBox:
        """The controls in a ``tailkit-controls`` column, with the notes of what was read below."""
        box = controls_column(self.controls, min_width)
        box.children = (*box.children, self.notes_box)
        return box

    def input_notes(self, params: Any) -> list[str]:
        """Lines about valid ``params`` the user must see (e.g. leverage); none by default."""
        return []

    def start(self, result: Any = None) -> None:
        """Observe the controls and show ``result`` if it is for :attr:`params`, else compute it.

        Raises
        ------
        TypeError
            The panel lists no :attr:`outputs` (its figures could not be hidden when the inputs
            are refused).
        """
        if not self.outputs:
            raise TypeError(
                f"{type(self).__name__} lists no outputs: set self.outputs to the tables and charts "
                "that must hide while the inputs are invalid"
            )
        for ctl in self.controls.values():
            ctl.observe(self._on_change, names="value")
        if result is not None and result.params == self.params:
            self._set_notes(
                read_controls(self.params_class, self.controls, base=self._base).notes, self.params
            )
            self.show(result)  # the notebook's own result: shown without computing it twice
        else:
            self.refresh()

    def _on_change(self, _change: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the controls, recompute and redraw; show the message of invalid inputs."""
        for out in self.outputs:
            out.add_class("tailkit-stale")  # greyed while the figures do not match the inputs
        try:
            reading = read_controls(self.params_class, self.controls, base=self._base)
            result = self.compute(reading.params)
        except self.errors as exc:
            self._set_notes([])
            self.show_error(str(exc))
            return
        self.params = reading.params
        self._set_notes(reading.notes, reading.params)
        self.show(result)

    def _set_notes(self, notes: list[str], params: Any = None) -> None:
        """Show what was read from the typed text (and :meth:`input_notes` of valid ``params``)."""
        self.notes = [*notes, *(self.input_notes(params) if params is not None else [])]
        self.notes_box.value = "".join(f"<div>{html.escape(n)}</div>" for n in self.notes)

    def show_error(self, message: str) -> None:
        """Hide the last valid figures, then show ``message`` in the banner."""
        self.result, self.error = None, message
        for out in self.outputs:
            out.layout.display = "none"
            out.remove_class("tailkit-stale")
        self.error_box.value = error_html(message, self.error_lead)
        self.error_box.layout.display = None

    def show(self, result: Any) -> None:
        """Fill the outputs from ``result``, then make them visible (never stale figures shown)."""
        self.result, self.error = result, ""
        self.render(result)
        self.error_box.layout.display = "none"
        self.error_box.value = ""
        for out in self.outputs:
            out.layout.display = None
            out.remove_class("tailkit-stale")
        self.draw(result)

    def compute(self, params: Any) -> Any:  # pragma: no cover - overridden
        """Run the study for ``params`` (raises one of :attr:`errors` for rejected inputs)."""
        raise NotImplementedError

    def render(self, result: Any) -> None:  # pragma: no cover - overridden
        """Fill the tables (and charts drawn while hidden) from ``result``."""
        raise NotImplementedError

    def draw(self, result: Any) -> None:
        """Update what is drawn once visible (charts); nothing by default."""
