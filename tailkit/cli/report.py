"""``tailkit report``: periodic risk and performance reports (HTML + Markdown) for a portfolio."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

__all__ = ["register"]

_FMT = argparse.ArgumentDefaultsHelpFormatter


def _report(args: argparse.Namespace) -> int:
    from tailkit.params import load_parameters
    from tailkit.studies.report import period_report
    from tailkit.studies.risk_management import RiskStudyParams

    params = load_parameters(args.portfolio, RiskStudyParams)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    for period in args.period:
        t0 = time.perf_counter()
        rep = period_report(
            params,
            period,
            as_of=args.as_of,
            benchmark_path=args.benchmark,
            benchmark_column=args.benchmark_column,
            book_path=args.book,
        )
        stem = f"{period}_{rep.as_of:%Y-%m-%d}"
        rep.to_html(out / f"{stem}.html")
        rep.to_markdown(out / f"{stem}.md")
        seconds = time.perf_counter() - t0
        print(f"{period}: {out / stem}.html and .md ({seconds:.2f} s)")
        if args.json:
            print(json.dumps(rep.summary()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``report`` to the ``tailkit`` command line."""
    p = sub.add_parser(
        "report",
        help="write periodic risk reports (standalone HTML + Markdown)",
        description="One report per period: performance vs benchmark, VaR/ES, stress, limits, "
        "concentration, liquidity, attribution and (with --book) open alerts.",
        formatter_class=_FMT,
    )
    p.add_argument(
        "--portfolio",
        required=True,
        help="portfolio parameter YAML (fields of notebook 10's RiskStudyParams, e.g. "
        "parameters/10_risk_management/default.yaml)",
    )
    p.add_argument(
        "--period",
        required=True,
        nargs="+",
        choices=("daily", "weekly", "monthly", "quarterly"),
        help="one or more periods",
    )
    p.add_argument("--as-of", default=None, help="report date YYYY-MM-DD (default: last date of the prices)")
    p.add_argument("--output", required=True, help="folder for <period>_<date>.html and .md")
    p.add_argument("--benchmark", default=None, help="benchmark price file (default: bundled S&P 500)")
    p.add_argument("--benchmark-column", default=None, help="benchmark column (default: the file's first)")
    p.add_argument("--book", default=None, help="position book (SQLite) whose open alerts to list")
    p.add_argument("--json", action="store_true", help="also print each report's summary as JSON")
    p.set_defaults(func=_report)
