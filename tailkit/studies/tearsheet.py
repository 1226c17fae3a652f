"""One-call tearsheet: metrics table and altair charts, exportable as one standalone HTML file.

The HTML file carries every chart as inline SVG rendered by vl-convert (no JavaScript, no
CDN, opens offline) and the metrics table as plain HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tailkit.charts.render import chart_to_svg
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import atomic_write_text
from tailkit.risk.metrics import PerformanceReport, performance_report, rolling_metrics

__all__ = ["Tearsheet", "tearsheet", "chart_to_svg"]

_PERCENT = {
    "total_return",
    "annual_return",
    "cagr",
    "annual_volatility",
    "downside_risk",
    "max_drawdown",
    "ulcer_index",
    "time_under_water",
    "value_at_risk",
    "cvar",
    "alpha",
    "tracking_error",
    "hit_rate",
    "best_period",
    "worst_period",
    "avg_win",
    "avg_loss",
}

_CSS = """
body { font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart { margin: 12px 0; }
.note { color: #666; font-size: 12px; }
"""


def _fmt(metric: str, value: float) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if metric in _PERCENT:
        return f"{value:.2%}"
    if metric == "max_drawdown_duration":
        return f"{value:,.0f}"
    return f"{value:.3f}"


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
    """

    title: str
    report: PerformanceReport = field(repr=False)
    charts: dict[str, Any] = field(repr=False)
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The metrics table (metrics x strategies)."""
        return self.report.to_frame()

    def metrics_html(self) -> str:
        """The metrics table as an HTML ``<table>`` with formatted numbers."""
        t = self.report.table
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in t.columns)
        rows = []
        for metric, vals in t.iterrows():
            cells = "".join(f"<td>{_fmt(str(metric), v)}</td>" for v in vals)
            rows.append(f"<tr><td>{html.escape(str(metric).replace('_', ' '))}</td>{cells}</tr>")
        return f'<table class="metrics"><tr><th>metric</th>{head}</tr>{"".join(rows)}</table>'

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
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        parts += [f'<p class="note">{html.escape(n)}</p>' for n in self.notes]
        parts += ["<h2>Metrics</h2>", self.metrics_html()]
        for name, chart in self.charts.items():
            parts += [f"<h2>{html.escape(name)}</h2>", f'<div class="chart">{chart_to_svg(chart)}</div>']
        parts.append("</body></html>")
        text = "\n".join(parts)
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
    k = max(int(np.ceil(round(len(r0) * 0.05, 9))), 1)
    losses = np.sort(-r0.to_numpy())[::-1]
    charts: dict[str, Any] = {
        "Growth of 1": cumulative_returns_chart(shown),
        "Drawdown": drawdown_chart(shown),
        f"Rolling volatility ({window} days)": rolling_metric_chart(rolling_vol, "annual_volatility"),
        f"Rolling Sharpe ratio ({window} days)": rolling_metric_chart(rolling_sharpe, "sharpe_ratio"),
        f"Daily returns of {first} with 95% VaR/ES": return_distribution_chart(
            r0, var=float(losses[k - 1]), es=float(losses[:k].mean()), title=f"{first}: daily returns"
        ),
        f"Monthly returns of {first}": monthly_returns_chart(frame[first]),
    }
    sample = f"sample {report.start} to {report.end}"
    bench_note = f"benchmark: {report.benchmark_name}" if report.benchmark_name else "no benchmark"
    return Tearsheet(
        title, report, charts, (f"{sample}; {bench_note}; daily returns, 252 days a year", *notes)
    )
