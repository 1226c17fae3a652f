"""Static rendering of altair charts: the one chart -> SVG path (vl-convert, fully offline).

Used by batch notebook runs (``TAILKIT_CHARTS=static``), the standalone HTML tearsheet and
reports, so every exported chart is inline SVG that needs no network to show.
"""

from __future__ import annotations

from typing import Any

__all__ = ["chart_to_svg"]


def chart_to_svg(chart: Any) -> str:
    """Render an altair chart to an SVG string with vl-convert (offline).

    Parameters
    ----------
    chart : altair.TopLevelMixin
        Any top-level altair chart.

    Returns
    -------
    str
        The SVG document, vega-lite version matched to the installed altair's schema. Data of
        any size is inlined (altair's 5,000-row limit is lifted for this call only).
    """
    import altair as alt
    import vl_convert as vlc

    version = "_".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    # a static SVG inlines its data whatever its size, so altair's 5,000-row guard (meant for
    # notebooks that would embed a huge JSON) does not apply here
    with alt.data_transformers.disable_max_rows():
        spec = chart.to_dict()
    return str(vlc.vegalite_to_svg(spec, vl_version=version))
