"""One-call tearsheet: metrics table and altair charts, exportable as one standalone HTML file.

The HTML file carries every chart as inline SVG rendered by vl-convert (no JavaScript, no
CDN, opens offline) and the metrics table as plain HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tailkit._tail import tail_risk
from tailkit.charts.render import chart_to_svg
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import atomic_write_text
from tailkit.risk.metrics import PerformanceReport, performance_report, rolling_metrics
from tailkit.studies._document import format_metric, frame_html, html_page

__all__ = ["Tearsheet", "tearsheet", "chart_to_svg", "metrics_table_html"]


def metrics_table_html(report: PerformanceReport) -> str:
    """A performance report's table (metrics x strategies) as HTML, metric names spelled out."""
    t = report.table
    shown = t.copy()
    shown.index = [str(m).replace("_", " ") for m in t.index]
    cells = pd.DataFrame(
        [[format_metric(str(m), v) for v in row] for m, row in t.iterrows()],
        index=shown.index,
        columns=t.columns,
    )
    return frame_html(cells, {str(c): str for c in t.columns}, index_name="metric", css_class="metrics")


@dataclass(frozen=True, slots=True)
class Tearsheet:
    """Metrics and charts of one or more strategies.

    Attributes
    ----------
    title : str
    report : PerformanceReport
        The metrics table (metrics x strategies).
    charts : dict of str to altair chart
        Section title -> chart, in display order.
    notes : tuple of str
        Lines printed under the title (sample, benchmark, data labels).
    tables : dict of str to DataFrame
        Extra tables shown after the metrics (e.g. :meth:`RiskStudy.risk_tables
        <tailkit.studies.risk_management.RiskStudy.risk_tables>`: concentration, liquidity).
    """

    title: str
    report: PerformanceReport = field(repr=False)
    charts: dict[str, Any] = field(repr=False)
    notes: tuple[str, ...] = ()
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The metrics table (metrics x strategies)."""
        return self.report.to_frame()

    def metrics_html(self) -> str:
        """The metrics table as an HTML ``<table>`` with formatted numbers."""
        return metrics_table_html(self.report)

    def to_html(self, path: str | Path | None = None) -> str:
        """Standalone HTML: title, notes, metrics table and every chart as inline SVG.

        Parameters
        ----------
        path : str or Path, optional
            Where to write the file (atomically). The HTML is returned either way.

        Returns
        -------
        str
        """
        sections = [("Metrics", self.metrics_html())]
        sections += [(name, frame_html(t)) for name, t in self.tables.items()]
        sections += [
            (name, f'<div class="chart">{chart_to_svg(chart)}</div>') for name, chart in self.charts.items()
        ]
        text = html_page(self.title, self.notes, sections)
        if path is not None:
            atomic_write_text(path, text)
        return text


def tearsheet(
    returns: pd.Series | pd.DataFrame,
    benchmark: pd.Series | bool | None = None,
    *,
    title: str = "Performance tearsheet",
    window: int = 126,
    risk_free: float = 0.0,
    notes: tuple[str, ...] = (),
    tables: dict[str, pd.DataFrame] | None = None,
) -> Tearsheet:
    """Build the tearsheet of one or several strategies in one call.

    Parameters
    ----------
    returns : Series or DataFrame
        Daily returns, one column per strategy (DatetimeIndex).
    benchmark : Series, False or None, default=None
        Benchmark returns (None = bundled S&P 500; False = none).
    title : str, default="Performance tearsheet"
        Heading.
    window : int, default=126
        Rolling window in days for the rolling charts.
    risk_free : float, default=0.0
        Per-period risk-free return for the Sharpe ratio.
    notes : tuple of str, default=()
        Extra lines under the title (e.g. "synthetic data").
    tables : dict of str to DataFrame, optional
        Extra tables after the metrics, in order (e.g. ``study.risk_tables()``).

    Returns
    -------
    Tearsheet
        ``.to_html(path)`` writes one standalone HTML file.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.bdate_range("2020-01-01", periods=300)
    >>> r = pd.Series(np.random.default_rng(0).normal(0, 0.01, 300), index=idx, name="synthetic")
    >>> ts = tearsheet(r, benchmark=False)
    >>> "Growth of 1" in ts.charts
    True
    """
    from tailkit.charts.risk import (
        cumulative_returns_chart,
        drawdown_chart,
        monthly_returns_chart,
        return_distribution_chart,
        rolling_metric_chart,
    )

    frame = returns.to_frame() if isinstance(returns, pd.Series) else returns.copy()
    if frame.shape[1] == 0 or frame.shape[0] < 2:
        raise ParameterError(describe_bad_value("returns", frame.shape, "at least 2 periods and 1 strategy"))
    frame.columns = [str(c) if c is not None else "strategy" for c in frame.columns]
    report = performance_report(frame, benchmark, risk_free=risk_free)
    shown = frame.copy()
    bench = None
    if report.benchmark_name is not None:
        bench_full = report.table.columns[-1]
        from tailkit.risk.metrics import default_benchmark

        bench = (
            default_benchmark()
            if benchmark is None or benchmark is True
            else pd.Series(benchmark, dtype=float)
        ).reindex(frame.index)
        if bench_full not in shown.columns:
            shown[bench_full] = bench
    first = frame.columns[0]
    rolling = {
        c: rolling_metrics(shown[c], window=window, metrics=("annual_volatility", "sharpe_ratio"))
        for c in shown
    }
    rolling_vol = pd.DataFrame({c: r["annual_volatility"] for c, r in rolling.items()})
    rolling_sharpe = pd.DataFrame({c: r["sharpe_ratio"] for c, r in rolling.items()})
    r0 = frame[first].dropna()
    tail = tail_risk(-r0.to_numpy(), confidence=0.95)
    charts: dict[str, Any] = {
        "Growth of 1": cumulative_returns_chart(shown),
        "Drawdown": drawdown_chart(shown),
        f"Rolling volatility ({window} days)": rolling_metric_chart(rolling_vol, "annual_volatility"),
        f"Rolling Sharpe ratio ({window} days)": rolling_metric_chart(rolling_sharpe, "sharpe_ratio"),
        f"Daily returns of {first} with 95% VaR/ES": return_distribution_chart(
            r0, var=tail.var, es=tail.es, title=f"{first}: daily returns"
        ),
        f"Monthly returns of {first}": monthly_returns_chart(frame[first]),
    }
    sample = f"sample {report.start} to {report.end}"
    bench_note = f"benchmark: {report.benchmark_name}" if report.benchmark_name else "no benchmark"
    return Tearsheet(
        title,
        report,
        charts,
        (f"{sample}; {bench_note}; daily returns, 252 days a year", *notes),
        dict(tables or {}),
    )
