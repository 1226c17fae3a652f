"""Execute notebooks headless with papermill and export them to standalone HTML.

Papermill changes the working directory of the whole process while a notebook runs, so
executions here are strictly sequential inside one process (never threads); parallel
sweeps run one process per notebook (Dask workers, later). Charts are rendered as static
SVG in batch runs (``TAILKIT_CHARTS=static``), so the executed notebook and its HTML carry
them with no widget state and no network.
"""

from __future__ import annotations

import os
import re
import time
import traceback
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import atomic_write_text, load_parameters, parameters_to_dict

__all__ = ["NotebookRun", "DemoReport", "execute_notebook", "objective_notebooks", "run_demo"]


@dataclass(frozen=True, slots=True)
class NotebookRun:
    """Outcome of one headless notebook execution.

    Attributes
    ----------
    notebook : str
        Source notebook path.
    output : str
        Executed ``.ipynb`` path.
    html : str or None
        Standalone HTML export, when requested and successful.
    parameters_file : str or None
        YAML file the parameters came from (None: notebook defaults).
    seconds : float
        Wall-clock execution time in seconds.
    summary : dict
        Headline numbers printed by the notebook's ``summary`` cell (empty on failure).
    error : str or None
        One-line error when the execution failed.
    traceback : str or None
        The failing cell's traceback (plain text, no terminal colours) when it failed.
    """

    notebook: str
    output: str
    html: str | None
    parameters_file: str | None
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        """True when the notebook ran to the end."""
        return self.error is None


@dataclass(frozen=True, slots=True)
class DemoReport:
    """All runs of ``make demo`` and where their outputs are."""

    run_dir: str
    runs: tuple[NotebookRun, ...]

    @property
    def ok(self) -> bool:
        """True when every notebook ran."""
        return all(r.ok for r in self.runs)

    def to_frame(self) -> pd.DataFrame:
        """One row per notebook: name, status, seconds, output paths."""
        return pd.DataFrame(
            {
                "notebook": [Path(r.notebook).stem for r in self.runs],
                "status": ["ok" if r.ok else "FAILED" for r in self.runs],
                "seconds": [round(r.seconds, 1) for r in self.runs],
                "html": [r.html or "" for r in self.runs],
            }
        )

    def summary_text(self) -> str:
        """Human-readable summary: headline numbers per notebook and where the files are."""
        lines = [f"tailkit demo: {len(self.runs)} notebooks -> {self.run_dir}"]
        for r in self.runs:
            status = "ok" if r.ok else "FAILED"
            lines.append(f"\n{Path(r.notebook).stem}  [{status}, {r.seconds:.1f} s]")
            if r.error:
                lines.append(f"  error: {r.error}")
            for key, value in r.summary.items():
                shown = f"{value:.6g}" if isinstance(value, float) else str(value)
                lines.append(f"  {key:<42} {shown}")
            lines.append(f"  notebook: {r.output}")
            if r.html:
                lines.append(f"  html:     {r.html}")
        return "\n".join(lines)


@contextmanager
def _batch_environment() -> Any:
    """Static charts and single-threaded BLAS for kernels started inside the block."""
    saved_env = {k: os.environ.get(k) for k in ("TAILKIT_CHARTS", "OPENBLAS_NUM_THREADS")}
    saved_cwd = os.getcwd()
    os.environ["TAILKIT_CHARTS"] = "static"
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


#: nbconvert "lab" HTML without the CDN scripts: no require.js (nothing in the page uses it), no
#: widget manager (widget outputs are replaced by a static rendering of their initial state),
#: MathJax only when the notebook has math, mermaid.js only when it has a mermaid diagram
_STANDALONE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.tailkit_uses_math -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}
{%- if resources.tailkit_uses_mermaid -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_MATH = re.compile(r"\$\$|\\\(|\\\[|\\begin\{|(?<![\w$])\$[^\s$][^$\n]*?(?<!\s)\$(?![\w$])")
_CONTAINERS = frozenset(
    {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel", "AccordionModel", "TabModel", "StackModel"}
)


def _uses_math(nb: Any) -> bool:
    """True when a markdown cell or an output carries LaTeX math (the export then needs MathJax)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and _MATH.search(cell.source):
            return True
        for output in cell.get("outputs", []):
            if "text/latex" in output.get("data", {}):
                return True
    return False


def _uses_mermaid(nb: Any) -> bool:
    """True when a markdown cell or an output holds a mermaid diagram (it then needs mermaid.js)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "```mermaid" in cell.source:
            return True
        if any("text/vnd.mermaid" in o.get("data", {}) for o in cell.get("outputs", [])):
            return True
    return False


def _static_output_html(output: Mapping[str, Any]) -> str:
    import html

    data = output.get("data", {})
    if "text/html" in data:
        return "".join(data["text/html"])
    if "image/svg+xml" in data:
        return "".join(data["image/svg+xml"])
    if "image/png" in data:
        return f'<img src="data:image/png;base64,{"".join(data["image/png"]).strip()}">'
    text = output.get("text") or data.get("text/plain") or ""
    return f"<pre>{html.escape(''.join(text))}</pre>" if text else ""


def _static_widget_html(model_id: str, models: Mapping[str, Any], depth: int = 0) -> str:
    """HTML of widget ``model_id`` as the saved state shows it (no JavaScript, no network)."""
    import html

    model = models.get(model_id)
    if model is None or depth > 50:
        return ""
    name, state = model.get("model_name", ""), model.get("state", {})
    desc = html.escape(str(state.get("description", "") or ""))
    if state.get("layout") and str(state["layout"]).startswith("IPY_MODEL_"):
        layout = models.get(str(state["layout"])[10:], {}).get("state", {})
        if layout.get("display") == "none" or layout.get("visibility") == "hidden":
            return ""
    if name in _CONTAINERS:
        parts = [_static_widget_html(str(c)[10:], models, depth + 1) for c in state.get("children", [])]
        style = "display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start" if name == "HBoxModel" else ""
        return f'<div style="{style}">' + "".join(parts) + "</div>"
    if name in ("HTMLModel", "HTMLMathModel"):
        label = f"<span>{desc}</span> " if desc else ""
        return f"<div>{label}{state.get('value', '')}</div>"
    if name == "LabelModel":
        return f"<div>{html.escape(str(state.get('value', '')))}</div>"
    if name == "OutputModel":
        return "<div>" + "".join(_static_output_html(o) for o in state.get("outputs", [])) + "</div>"
    if name in ("ButtonModel", "FileUploadModel"):
        return f"<button disabled>{desc}</button>"
    if "_options_labels" in state:
        labels = list(state.get("_options_labels", []))
        index = state.get("index")
        picked = index if isinstance(index, list | tuple) else [index]
        value = ", ".join(str(labels[i]) for i in picked if isinstance(i, int) and 0 <= i < len(labels))
        return f"<div><b>{desc}</b> {html.escape(value)}</div>"
    if "value" in state:
        return f"<div><b>{desc}</b> {html.escape(str(state['value']))}</div>"
    return f"<div><i>{html.escape(name.removesuffix('Model') or 'widget')}: interactive only</i></div>"


def _widgets_to_static(nb: Any) -> None:
    """Replace every widget output of ``nb`` by a static rendering of its saved initial state."""
    state = nb.metadata.get("widgets", {}).get(_WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(_WIDGET_VIEW)
            if view is None:
                continue
            body = _static_widget_html(str(view.get("model_id", "")), state)
            if not body:
                body = "".join(output["data"].get("text/plain", "")) or "(interactive panel)"
                body = f"<pre>{body}</pre>"
            note = (
                "<p><i>Initial state of the interactive panel (static; run the notebook to use it).</i></p>"
            )
            output["data"] = {"text/html": note + body}
    nb.metadata.pop("widgets", None)


def export_html(executed: str | Path, html_path: str | Path) -> None:
    """Write a standalone HTML rendering of an executed notebook (atomically).

    The page loads nothing from the network: nbconvert's "lab" template without require.js
    and the widget manager (both from CDNs), MathJax only when the notebook contains math,
    mermaid.js only when it contains a mermaid diagram, and
    each widget output replaced by a static rendering of its saved initial state.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(executed), as_version=4)
    _widgets_to_static(nb)
    exporter = HTMLExporter(
        template_name="lab",
        template_file="tailkit_standalone.html.j2",
        extra_loaders=[jinja2.DictLoader({"tailkit_standalone.html.j2": _STANDALONE_TEMPLATE})],
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"tailkit_uses_math": _uses_math(nb), "tailkit_uses_mermaid": _uses_mermaid(nb)}
    )
    atomic_write_text(html_path, body)


def execute_notebook(
    notebook: str | Path,
    output: str | Path,
    *,
    parameters: Mapping[str, Any] | None = None,
    parameters_file: str | Path | None = None,
    params_class: type | None = None,
    html: bool = True,
    timeout: float = 900.0,
    kernel_name: str = "python3",
) -> NotebookRun:
    """Run ``notebook`` headless with papermill into ``output`` (and ``output``.html).

    Parameters
    ----------
    notebook : path-like
        Source ``.ipynb``.
    output : path-like
        Executed notebook to write.
    parameters : mapping, optional
        Values injected into the ``parameters`` cell (override ``parameters_file``).
    parameters_file : path-like, optional
        YAML parameter set; validated against ``params_class`` before running.
    params_class : type, optional
        The notebook's parameter dataclass (required with ``parameters_file``; the CLI looks
        it up with :func:`tailkit.studies.parameter_class_for`).
    html : bool, default=True
        Also export standalone HTML next to ``output``.
    timeout : float, default=900.0
        Per-cell timeout in seconds.
    kernel_name : str, default="python3"
        Jupyter kernel to run.

    Returns
    -------
    NotebookRun
        With ``error`` set (not raised) when the notebook fails, so a batch carries on.
    """
    import papermill as pm

    from tailkit.notebook_tools import read_summary

    nb_path = Path(notebook).resolve()
    if not nb_path.is_file():
        raise ParameterError(describe_bad_value("notebook", str(notebook), "an existing .ipynb file"))
    out_path = Path(output).resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    values: dict[str, Any] = {}
    if parameters_file is not None:
        if params_class is None:
            raise ParameterError(
                describe_bad_value(
                    "params_class",
                    None,
                    "the notebook's parameter dataclass when parameters_file is given "
                    "(tailkit.studies.parameter_class_for(stem))",
                )
            )
        values.update(parameters_to_dict(load_parameters(parameters_file, params_class)))
    values.update(parameters or {})
    html_path = out_path.with_suffix(".html") if html else None
    t0 = time.perf_counter()
    error: str | None = None
    trace: str | None = None
    with _batch_environment():
        try:
            pm.execute_notebook(
                str(nb_path),
                str(out_path),
                parameters=values,
                cwd=str(nb_path.parent),
                kernel_name=kernel_name,
                progress_bar=False,
                execution_timeout=timeout,
                log_output=False,
                # the kernel's start-up chatter (e.g. "running over TCP without encryption"
                # on loopback) is not news in a batch run; errors still show
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        except Exception as exc:  # a failing notebook is reported, the batch goes on
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
            trace = _plain_traceback(exc)
    seconds = time.perf_counter() - t0
    summary: dict[str, Any] = {}
    if error is None:
        try:
            summary = read_summary(out_path)
        except Exception as exc:
            error = str(exc)
    if html_path is not None and out_path.exists():
        try:
            export_html(out_path, html_path)
        except Exception as exc:
            html_path = None
            error = error or f"HTML export failed: {exc}"
    return NotebookRun(
        notebook=str(nb_path),
        output=str(out_path),
        html=str(html_path) if html_path is not None else None,
        parameters_file=str(parameters_file) if parameters_file is not None else None,
        seconds=seconds,
        summary=summary,
        error=error,
        traceback=trace,
    )


def objective_notebooks(root: str | Path = "notebooks") -> list[Path]:
    """Return the objective notebooks ``NN_topic.ipynb`` directly under ``root`` (not the apps)."""
    root = Path(root)
    if not root.is_dir():
        raise ParameterError(describe_bad_value("notebooks", str(root), "an existing folder of notebooks"))
    return sorted(p for p in root.glob("[0-9][0-9]_*.ipynb"))


def run_demo(
    out_root: str | Path = "runs",
    *,
    notebooks_dir: str | Path = "notebooks",
    only: Sequence[str] | None = None,
    html: bool = True,
    stamp: str | None = None,
) -> DemoReport:
    """Execute every objective notebook with its defaults into ``out_root/demo-<timestamp>/``.

    Parameters
    ----------
    out_root : path-like, default="runs"
        Parent folder of the run folder.
    notebooks_dir : path-like, default="notebooks"
        Where the objective notebooks are.
    only : sequence of str, optional
        Notebook stems (or prefixes such as ``"01"``) to run; default all.
    html : bool, default=True
        Export standalone HTML for each.
    stamp : str, optional
        Run-folder suffix; default the current time ``YYYYmmdd-HHMMSS``.

    Returns
    -------
    DemoReport
    """
    books = objective_notebooks(notebooks_dir)
    if only:
        books = [b for b in books if any(b.stem == o or b.stem.startswith(o) for o in only)]
        if not books:
            raise ParameterError(describe_bad_value("only", list(only), "stems or prefixes of notebooks"))
    stamp = stamp or datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = Path(out_root) / f"demo-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    runs = []
    for book in books:
        print(f"running {book.name} ...", flush=True)
        runs.append(execute_notebook(book, run_dir / book.name, html=html))
    report = DemoReport(run_dir=str(run_dir), runs=tuple(runs))
    report.to_frame().to_csv(run_dir / "runs.csv", index=False)
    return report


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _plain_traceback(exc: BaseException) -> str:
    """The notebook cell's traceback for a papermill error (else Python's), without colours."""
    cell_trace = getattr(exc, "traceback", None)
    if isinstance(cell_trace, list) and cell_trace:
        text = "\n".join(str(line) for line in cell_trace)
    else:
        text = "".join(traceback.format_exception(exc))
    return _ANSI.sub("", text)
