"""widgets.display: charts render with no network in both modes."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from widgets import display as disp


def _chart() -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})).mark_line().encode(x="x:Q", y="y:Q")


def test_interactive_chart_view_uses_bundled_javascript(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "interactive")
    view = disp.ChartView(_chart())
    assert isinstance(view.widget, alt.JupyterChart)
    assert "tailkit-chart" in view.widget._dom_classes
    esm = view.widget._esm
    # online JupyterChart imports vega-embed from esm.sh: blank without network (Voila, offline Lab)
    assert "esm.sh" not in esm and "cdn.jsdelivr" not in esm
    assert len(esm) > 100_000  # vega + vega-lite + vega-embed bundled by vl-convert
    view.update(_chart().mark_point())
    assert view.widget.spec["mark"]["type"] == "point"


def test_static_chart_view_renders_svg(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")
    view = disp.ChartView(_chart())
    assert view.mode == "static"
    assert view.widget.value.lstrip().startswith("<svg")
    first = view.widget.value
    view.update(_chart().mark_point())
    assert view.widget.value != first


@pytest.mark.parametrize("mode", ["static", "STATIC ", "interactive", "", "anything"])
def test_chart_mode(monkeypatch, mode):
    monkeypatch.setenv("TAILKIT_CHARTS", mode)
    assert disp.chart_mode() == ("static" if mode.strip().lower() == "static" else "interactive")
