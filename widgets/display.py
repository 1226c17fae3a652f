"""Show altair charts with no network, interactively or as static SVG.

Two modes, chosen by the ``TAILKIT_CHARTS`` environment variable:

``interactive`` (default)
    altair's ``jupyter`` renderer in offline mode: an anywidget ``JupyterChart`` whose
    vega JavaScript is bundled (no CDN). Works in JupyterLab and in Voila.
``static``
    the chart rendered to SVG by vl-convert inside the kernel and displayed as an image.
    Used by papermill batch runs (``make demo`` and the notebook tests set it), so the
    executed notebook and its HTML export carry the charts without widget state.

This module lives in ``widgets`` because it imports IPython; ``tailkit`` never does.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal

import altair as alt
import ipywidgets as w
from IPython.display import SVG, display

from tailkit.charts.render import chart_to_svg

if TYPE_CHECKING:
    from altair.typing import ChartType

__all__ = ["chart_mode", "setup_charts", "show", "ChartView"]

_ENABLED = False
_OFFLINE = False


def chart_mode() -> Literal["interactive", "static"]:
    """Return the chart mode from ``TAILKIT_CHARTS`` (``interactive`` or ``static``)."""
    mode = os.environ.get("TAILKIT_CHARTS", "interactive").strip().lower()
    return "static" if mode == "static" else "interactive"


def setup_charts() -> None:
    """Prepare altair for the current mode (idempotent; cheap to call before every chart).

    Both modes lift altair's 5,000-row limit. Interactive mode enables the ``jupyter`` renderer
    with ``offline=True`` *and* switches ``alt.JupyterChart`` itself to the JavaScript bundled by
    vl-convert: the renderer only does that when a chart is displayed through it, so a
    ``JupyterChart`` built directly (as :class:`ChartView` and :func:`show` do) would otherwise
    import vega from esm.sh and stay blank without network (seen in Voila).
    """
    global _ENABLED, _OFFLINE
    if not _ENABLED:
        alt.data_transformers.disable_max_rows()
        _ENABLED = True
    if chart_mode() == "interactive" and not _OFFLINE:
        alt.renderers.enable("jupyter", offline=True)
        alt.JupyterChart.enable_offline(offline=True)
        _OFFLINE = True


def show(chart: ChartType) -> None:
    """Display ``chart`` in the current mode (interactive widget or static SVG)."""
    setup_charts()
    if chart_mode() == "static":
        display(SVG(chart_to_svg(chart)))
    else:
        display(alt.JupyterChart(chart))


class ChartView:
    """A chart slot a panel can refresh: an ``Output``-free widget whose chart can be replaced.

    In interactive mode it wraps one ``alt.JupyterChart`` and swaps its ``chart`` trait;
    in static mode it holds an ``ipywidgets.HTML`` with the SVG.

    Parameters
    ----------
    chart : altair chart, optional
        Initial chart.
    """

    def __init__(self, chart: ChartType | None = None) -> None:
        setup_charts()
        self.mode = chart_mode()
        if self.mode == "static":
            self.widget: w.Widget = w.HTML()
        else:
            self.widget = alt.JupyterChart(chart if chart is not None else alt.Chart().mark_point())
        self.widget.add_class("tailkit-chart")
        self.chart: ChartType | None = None
        if chart is not None:
            self.update(chart)

    def update(self, chart: ChartType) -> None:
        """Replace the chart shown."""
        self.chart = chart
        if self.mode == "static":
            self.widget.value = chart_to_svg(chart)
        else:
            self.widget.chart = chart
