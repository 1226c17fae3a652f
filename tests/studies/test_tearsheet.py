"""One-call tearsheet: metrics + charts, exported as one standalone offline HTML file."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tailkit.studies.tearsheet import tearsheet


@pytest.mark.slow
def test_tearsheet_html_is_standalone(tmp_path: Path, stock_returns: pd.DataFrame) -> None:
    r = stock_returns[["IBM", "MSFT"]].dropna().iloc[-500:]
    ts = tearsheet(r, title="IBM and MSFT")
    assert list(ts.to_frame().columns) == ["IBM", "MSFT", "S&P 500"]
    out = tmp_path / "sheet.html"
    text = ts.to_html(out)
    assert out.read_text(encoding="utf-8") == text
    assert text.count("<svg") == len(ts.charts) >= 6
    assert "<script" not in text  # no JavaScript, nothing loaded from a CDN
    assert not re.search(r"(src|href)=\"https?://", text)
    assert "sharpe ratio" in text and "S&amp;P 500" in text


def test_tearsheet_without_benchmark_builds_charts() -> None:
    idx = pd.bdate_range("2020-01-01", periods=300)
    r = pd.Series(np.random.default_rng(0).normal(0, 0.01, 300), index=idx, name="synthetic")
    ts = tearsheet(r, benchmark=False, notes=("synthetic data",))
    assert ts.report.benchmark_name is None
    assert "synthetic data" in ts.notes
    for chart in ts.charts.values():
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
