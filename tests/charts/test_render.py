"""charts.render: the one static chart -> SVG path (vl-convert, offline)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from tailkit.charts.render import chart_to_svg


def test_large_data_renders_and_the_row_guard_is_restored():
    # a daily tearsheet over 20 years holds more than altair's 5,000-row guard; a static SVG
    # inlines its data anyway, so rendering must not depend on a notebook having lifted it
    frame = pd.DataFrame({"day": np.arange(6000), "value": np.cumsum(np.ones(6000))})
    chart = alt.Chart(frame).mark_line().encode(x="day:Q", y="value:Q")
    # start from altair's own guard (another test in this process may have lifted it globally)
    with alt.data_transformers.enable("default", max_rows=5000):
        svg = chart_to_svg(chart)
        assert svg.lstrip().startswith("<svg") and "</svg>" in svg
        with pytest.raises(alt.MaxRowsError):
            chart.to_dict()
