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
        The SVG document, vega-lite version matched to the installed altair's schema.
    """
    import altair as alt
    import vl_convert as vlc

    version = "_".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return str(vlc.vegalite_to_svg(chart.to_dict(), vl_version=version))
