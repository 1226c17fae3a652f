"""HTML exports stand alone: no CDN script, widget outputs rendered statically, zero requests.

``export_html`` (behind ``make demo``) renders an executed notebook with nbconvert's lab
template minus require.js and the widget manager (both CDN scripts), with MathJax only when
the notebook has math, and every widget output replaced by a static rendering of its saved
initial state. The browser test opens an export from ``file://`` in headless Chromium with
every request routed and counted: the page must make none beyond its own document.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tailkit.sweep.runner import export_html

CHROMIUM = Path("/usr/bin/chromium")

#: a panel like the notebooks' (HTML metrics, a number box, a dropdown, a hidden error banner)
PANEL_CELL = """
import ipywidgets as w
from IPython.display import display
error = w.HTML("<b>stale error</b>", layout=w.Layout(display="none"))
panel = w.VBox([
    w.HTML('<table class="tailkit-metrics"><tr><td data-metric="credit">1.2345</td></tr></table>'),
    w.HBox([w.FloatText(value=0.2, description="IV"), w.Dropdown(options=["put", "call"], value="call", description="kind")]),
    error,
])
display(panel)
"""


def _executed_notebook(tmp_path: Path, markdown: str = "# A study\\n\\nNo formulas here.") -> Path:
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell(PANEL_CELL)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True).execute()
    assert "widgets" in nb.metadata  # the saved widget state the export renders
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("export")
    html = tmp / "executed.html"
    export_html(_executed_notebook(tmp), html)
    return html


def test_export_loads_no_script_or_stylesheet_from_the_network(export):
    text = export.read_text()
    external = re.findall(r"""<(?:script|link|img|iframe)[^>]*(?:src|href)=["'](https?:)?//[^"']+""", text)
    assert not external, external
    for cdn in ("cdnjs.cloudflare.com", "unpkg.com", "require.min.js", "MathJax", "html-manager"):
        assert cdn not in text, cdn


def test_export_shows_the_widgets_initial_state(export):
    text = export.read_text()
    assert 'data-metric="credit">1.2345<' in text  # the HTML widget's value
    assert "<b>IV</b> 0.2" in text and "<b>kind</b> call" in text  # the controls as set
    assert "<b>stale error</b>" not in text  # hidden widgets stay hidden (the source shows escaped)
    assert "application/vnd.jupyter.widget-view+json" not in text


def test_export_keeps_mathjax_only_for_math(tmp_path):
    html = tmp_path / "math.html"
    export_html(_executed_notebook(tmp_path, "VaR at level $\\\\alpha$ costs $5 and $10."), html)
    assert "MathJax" in html.read_text()


@pytest.mark.browser
@pytest.mark.slow
def test_export_opened_from_file_makes_no_request(export):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (make browser installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    requests: list[str] = []
    url = export.resolve().as_uri()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()

            def route(r) -> None:
                requests.append(r.request.url)
                if r.request.url == url:
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            page.goto(url, wait_until="load")
            page.wait_for_timeout(1000)  # scripts that fetch after load
            assert page.locator("[data-metric='credit']").inner_text() == "1.2345"
        finally:
            browser.close()
    assert requests == [url], f"the export requested {len(requests) - 1} more: {requests[1:]}"
