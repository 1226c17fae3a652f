"""Periodic risk and performance reports: one standalone HTML file and one Markdown summary per period.

A report covers the period that ends on its as-of date (the last trading day on or before
``as_of``; default the last day of the prices): ``daily`` = that day, ``weekly`` = the calendar
week to date (Monday-Friday), ``monthly`` = the month to date, ``quarterly`` = the quarter to
date. It shows

* **performance vs benchmark**: the period's compounded return of the portfolio (weights held
  constant, rebalanced daily) and of the benchmark, and trailing one-year metrics of both;
* **risk** as of the date: one-day historical VaR/ES with component ES on the last
  ``lookback_days`` days, historical and factor stress tests, the limit report (regime-scaled
  VaR/ES/gross limits plus the fixed concentration and liquidity limits), concentration and
  liquidity (:func:`tailkit.studies.risk_management.position_risk`);
* **attribution** of the period's return by position (Carino-linked, adding up to the total);
* **open alerts** of a position book when one is given (exit signals and positions without a
  price, from :func:`tailkit.book.marks.mark_book` as of the report date), and the book's
  **option spread cost**: half the bid-ask spread of each open leg's latest quote up to the
  report date, ``1/2 |quantity x contracts| x multiplier x (ask - bid)`` (Bangia's exogenous cost
  of one observed quote, :func:`tailkit.risk.liquidity.exogenous_liquidity_cost`).

Charts (growth of 1 vs the benchmark over the trailing year, component ES) are inline SVG
(:func:`tailkit.charts.render.chart_to_svg`): the HTML opens offline, no CDN. The page skeleton,
style sheet and tables are the tearsheet's (:mod:`tailkit.studies._document`).

The benchmark is the bundled S&P 500 unless a price file is given (its first column, or the
column ``benchmark_column``: e.g. the user's SPY or QQQ).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tailkit.allocation import Attribution, attribute
from tailkit.charts.render import chart_to_svg
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import atomic_write_text
from tailkit.risk.concentration import ConcentrationReport
from tailkit.risk.limits import LimitReport
from tailkit.risk.liquidity import LiquidityReport
from tailkit.risk.metrics import performance_report
from tailkit.risk.stress import (
    HISTORICAL_WINDOWS,
    STANDARD_SHOCKS,
    estimate_factor_betas,
    factor_stress,
    historical_stress,
    stress_table,
)
from tailkit.risk.var import VaRResult, var_es
from tailkit.studies._document import format_metric, frame_html, frame_markdown, html_page
from tailkit.studies.risk_management import (
    Portfolio,
    PortfolioRiskParams,
    load_portfolio,
    position_risk,
    study_params,
)

__all__ = ["PERIODS", "PeriodReport", "option_spread_costs", "period_report", "write_reports"]

PERIODS: tuple[str, ...] = ("daily", "weekly", "monthly", "quarterly")
_PERIOD_CODE = {"daily": "D", "weekly": "W-FRI", "monthly": "M", "quarterly": "Q"}
_PCT = ".2%"
_MONEY = ",.0f"


@dataclass(frozen=True, slots=True)
class PeriodReport:
    """One period's report (build with :func:`period_report`).

    Attributes
    ----------
    period : str
        ``daily``, ``weekly``, ``monthly`` or ``quarterly``.
    as_of, start : Timestamp
        Last and first trading day of the period.
    nav : float
        Net asset value (currency).
    performance : DataFrame
        Rows portfolio and benchmark: ``period_return``, and trailing-year ``annual_return``,
        ``annual_volatility``, ``sharpe_ratio``, ``max_drawdown``.
    var : VaRResult
        One-day historical VaR/ES with contributions, as of ``as_of``.
    stress : DataFrame
        Historical and factor stress rows.
    limits : LimitReport
    concentration : ConcentrationReport
    liquidity : LiquidityReport
    attribution : Attribution
        The period's return by position (``by_strategy``) and by month (``by_period``).
    alerts : DataFrame or None
        Open alerts of the book (``position_id``, ``alert``, ``message``); None without a book.
    option_liquidity : DataFrame or None
        Spread cost of the book's quoted open legs (:func:`option_spread_costs`); None without a book.
    charts : dict of str to altair chart
    notes : tuple of str
    """

    period: str
    as_of: pd.Timestamp
    start: pd.Timestamp
    nav: float
    performance: pd.DataFrame = field(repr=False)
    var: VaRResult = field(repr=False)
    stress: pd.DataFrame = field(repr=False)
    limits: LimitReport = field(repr=False)
    concentration: ConcentrationReport = field(repr=False)
    liquidity: LiquidityReport = field(repr=False)
    attribution: Attribution = field(repr=False)
    alerts: pd.DataFrame | None = field(repr=False)
    option_liquidity: pd.DataFrame | None = field(repr=False)
    charts: dict[str, Any] = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """``"<Period> risk report, <start> to <as_of>"``."""
        return f"{self.period.capitalize()} risk report, {self.start:%Y-%m-%d} to {self.as_of:%Y-%m-%d}"

    def summary(self) -> dict[str, Any]:
        """Headline numbers (JSON-friendly)."""
        perf = self.performance
        return {
            "period": self.period,
            "start": f"{self.start:%Y-%m-%d}",
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "period_return": float(perf.loc["portfolio", "period_return"]),
            "benchmark_return": float(perf.iloc[1]["period_return"]),
            "var": self.var.var,
            "es": self.var.es,
            "limit_status": self.limits.worst_severity,
            "breaches": [i.metric for i in self.limits.breaches()],
            "effective_n_risk": self.concentration.effective_n_risk,
            "lvar_endogenous": self.liquidity.lvar_endogenous,
            "open_alerts": 0 if self.alerts is None else len(self.alerts),
            "option_spread_cost": (
                None if self.option_liquidity is None else float(self.option_liquidity["spread_cost"].sum())
            ),
        }

    def _tables(self) -> list[tuple[str, pd.DataFrame, dict[str, Any], str | None]]:
        perf_fmt: dict[str, Any] = {c: (lambda v, c=c: format_metric(c, v)) for c in self.performance.columns}
        perf_fmt["period_return"] = _PCT
        limits = self.limits.to_frame()
        stress = self.stress[["kind", "pnl", "return"]]
        attr = self.attribution.by_strategy.to_frame("contribution")
        attr.loc["total"] = self.attribution.total
        liq_cols = ["value", "adv", "days_to_liquidate", "spread_mean", "spread_cost", "impact_cost"]
        liq_cols += ["stressed_days_to_liquidate", "stressed_spread_cost", "stressed_impact_cost"]
        lvar = pd.DataFrame(
            {"value": [self.liquidity.var, self.liquidity.lvar_exogenous, self.liquidity.lvar_endogenous,
                       self.liquidity.lvar_stressed]},
            index=["VaR (1 day)", "LVaR exogenous (Bangia)", "LVaR endogenous (+ impact)", "LVaR stressed"],
        )  # fmt: skip
        conc = self.concentration
        conc_head = pd.DataFrame(
            {"value": [conc.hhi_weight, conc.effective_n_weight, conc.hhi_risk, conc.effective_n_risk,
                       conc.largest_position_share, conc.largest_cluster_share]},
            index=["HHI by weight", "effective N by weight", "HHI by risk (component ES)", "effective N by risk",
                   f"largest position ({conc.largest_position})",
                   f"largest cluster ({', '.join(conc.largest_cluster)})"],
        )  # fmt: skip
        var_frame = self.var.to_frame()[["weight", "component_var", "component_es"]]
        var_head = pd.DataFrame(
            {"value": [self.var.var, self.var.es]},
            index=[f"VaR {self.var.confidence:.0%}, 1 day", f"ES {self.var.confidence:.0%}, 1 day"],
        )
        out: list[tuple[str, pd.DataFrame, dict[str, Any], str | None]] = [
            ("Performance vs benchmark", self.performance, perf_fmt, "strategy"),
            ("Value at Risk (historical)", var_head, {"value": _MONEY}, ""),
            ("Contributions", var_frame, {"weight": _MONEY, "component_var": _MONEY, "component_es": _MONEY}, None),
            ("Stress tests", stress, {"pnl": _MONEY, "return": _PCT}, "scenario"),
            ("Limits", limits, {"value": ".4g", "limit": ".4g", "utilization": _PCT}, None),
            ("Concentration", conc_head, {"value": ".4f"}, ""),
            ("Liquidity-adjusted VaR", lvar, {"value": _MONEY}, ""),
            ("Liquidity by position", self.liquidity.table[liq_cols], {
                "value": _MONEY, "adv": ",.3g", "days_to_liquidate": ".4f", "spread_mean": ".3%",
                "spread_cost": _MONEY, "impact_cost": _MONEY, "stressed_days_to_liquidate": ".4f",
                "stressed_spread_cost": _MONEY, "stressed_impact_cost": _MONEY}, None),
            ("Attribution by position", attr, {"contribution": ".3%"}, "position"),
        ]  # fmt: skip
        if self.alerts is not None:
            out.append(("Open alerts", self.alerts, {}, "position_id"))
        if self.option_liquidity is not None:
            fmt = {"bid": ".2f", "ask": ".2f", "relative_spread": ".2%", "spread_cost": ",.2f"}
            out.append(("Option book: spread cost at the quotes", self.option_liquidity, fmt, None))
        return out

    def to_html(self, path: str | Path | None = None) -> str:
        """The standalone HTML report (written atomically to ``path`` when given)."""
        sections = [(name, frame_html(t, fmt, index_name=ix)) for name, t, fmt, ix in self._tables()]
        sections += [
            (name, f'<div class="chart">{chart_to_svg(chart)}</div>') for name, chart in self.charts.items()
        ]
        text = html_page(self.title, self.notes, sections)
        if path is not None:
            atomic_write_text(path, text)
        return text

    def to_markdown(self, path: str | Path | None = None) -> str:
        """The Markdown summary: the same tables, no charts."""
        parts = [f"# {self.title}", "", *(f"_{n}_" for n in self.notes), ""]
        for name, t, fmt, ix in self._tables():
            parts += [f"## {name}", "", frame_markdown(t, fmt, index_name=ix), ""]
        text = "\n".join(parts)
        if path is not None:
            atomic_write_text(path, text)
        return text


def _benchmark(path: str | None, column: str | None) -> tuple[pd.Series, str]:
    if not path:
        from tailkit.data import load_sp500

        return load_sp500()["adj_close"].pct_change().dropna(), "S&P 500 (bundled)"
    from tailkit.data import read_prices

    prices = read_prices(path)
    name = column or str(prices.columns[0])
    if name not in prices.columns:
        raise DataError(f"{path}: no column {name!r} for the benchmark; columns: {list(prices.columns)}")
    return prices[name].pct_change(fill_method=None).dropna(), f"{name} ({path})"


def option_spread_costs(legs: pd.DataFrame) -> pd.DataFrame:
    """Half-spread cost of option legs at their quotes.

    Parameters
    ----------
    legs : DataFrame
        Rows of :func:`tailkit.book.marks.open_legs_with_quotes`: ``position_id``, ``kind``,
        ``strike_cents``, ``expiry``, ``quantity``, ``contracts``, ``multiplier``, ``bid_cents``,
        ``ask_cents`` (legs without a quote are skipped).

    Returns
    -------
    DataFrame
        One row per quoted leg: ``position_id``, ``leg``, ``bid``, ``ask``, ``relative_spread``,
        ``spread_cost`` (currency), ``1/2 |quantity x contracts| x multiplier x (ask - bid)``.
    """
    from tailkit.risk.liquidity import exogenous_liquidity_cost, quote_spreads

    quoted = legs[legs["bid_cents"].notna() & legs["ask_cents"].notna()]
    bid = quoted["bid_cents"].to_numpy(dtype=float) / 100.0
    ask = quoted["ask_cents"].to_numpy(dtype=float) / 100.0
    rel = quote_spreads(bid, ask)
    size = np.abs(quoted["quantity"].to_numpy(dtype=float) * quoted["contracts"].to_numpy(dtype=float))
    value = size * quoted["multiplier"].to_numpy(dtype=float) * 0.5 * (bid + ask)
    names = [
        f"{k} {s / 100:.2f} {e}" for k, s, e in zip(quoted["kind"], quoted["strike_cents"], quoted["expiry"])
    ]
    return pd.DataFrame(
        {
            "position_id": quoted["position_id"].astype(int).to_numpy(),
            "leg": names,
            "bid": bid,
            "ask": ask,
            "relative_spread": rel,
            "spread_cost": exogenous_liquidity_cost(value, rel, np.zeros(rel.size), spread_multiplier=0.0),
        }
    )


def _book_views(book_path: str, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    from tailkit.book.marks import mark_book, open_legs_with_quotes
    from tailkit.book.store import Book

    book = Book(book_path)
    try:
        rows = mark_book(book, as_of=as_of.date()).positions
        legs = open_legs_with_quotes(book, f"{as_of:%Y-%m-%d}T23:59:59")
    finally:
        book.close()
    return _alerts(rows), option_spread_costs(legs)


def _alerts(rows: pd.DataFrame) -> pd.DataFrame:
    out = []
    for r in rows.itertuples():
        if isinstance(r.signal, str) and r.signal:
            out.append((int(r.position_id), f"exit: {r.signal}", str(r.message)))
        if not bool(r.marked):
            out.append((int(r.position_id), "no price", "no quote for a leg up to the report date"))
    return pd.DataFrame(out, columns=["position_id", "alert", "message"]).set_index("position_id")


def period_report(
    params: PortfolioRiskParams,
    period: str,
    *,
    as_of: Any = None,
    benchmark_path: str | None = None,
    benchmark_column: str | None = None,
    book_path: str | None = None,
) -> PeriodReport:
    """Build one period's report for a portfolio (see the module docstring).

    Parameters
    ----------
    params : PortfolioRiskParams
        The portfolio (tickers, weights, NAV, price file), VaR settings and limits; study fields
        it lacks take their defaults.
    period : {"daily", "weekly", "monthly", "quarterly"}
    as_of : str or date, optional
        Report date (default the last date of the prices).
    benchmark_path : str, optional
        Price file of the benchmark (default the bundled S&P 500).
    benchmark_column : str, optional
        Its column (default the first).
    book_path : str, optional
        A position book (SQLite) whose open alerts the report lists.

    Returns
    -------
    PeriodReport
    """
    if period not in PERIODS:
        raise ParameterError(describe_bad_value("period", period, "one of " + ", ".join(PERIODS)))
    p = study_params(params)
    full = load_portfolio(p)
    dates = full.prices.index
    end = dates[-1] if as_of is None else pd.Timestamp(as_of)
    if end < dates[0] + pd.Timedelta(days=100):
        raise ParameterError(
            describe_bad_value(
                "as_of", str(as_of), f"a date from {dates[0] + pd.Timedelta(days=100):%Y-%m-%d} on"
            )
        )
    prices = full.prices.loc[:end]
    pf = Portfolio(prices, full.weights, full.nav, full.source)
    as_of_day = pf.as_of
    rets = pf.returns.dropna()
    w = pf.weights
    window = rets.iloc[-p.lookback_days :]
    one_day = var_es(window, w, confidence=p.confidence, method="historical")
    port = (rets * (w / pf.nav)).sum(axis=1).rename("portfolio")
    conc, liq, limits = position_risk(p, pf, window, one_day, port)
    bench, bench_name = _benchmark(benchmark_path, benchmark_column)
    bench = bench.loc[:as_of_day]
    hist = historical_stress(pf.returns, w, HISTORICAL_WINDOWS, benchmark=bench)
    fac = factor_stress(w, estimate_factor_betas(pf.returns), STANDARD_SHOCKS)
    stress = stress_table(hist, fac)

    label = as_of_day.to_period(_PERIOD_CODE[period])
    in_period = rets.index.to_period(_PERIOD_CODE[period]) == label
    period_rets = rets.loc[in_period]
    start = pd.Timestamp(period_rets.index[0])
    weights = pd.DataFrame(np.tile((w / pf.nav).to_numpy(), (len(period_rets), 1)), index=period_rets.index,
                           columns=w.index)  # fmt: skip
    attr = attribute(weights, period_rets[list(w.index)], period="month")
    bench_period = bench.reindex(period_rets.index).fillna(0.0)
    year = pd.DataFrame(
        {"portfolio": port.iloc[-252:], bench_name: bench.reindex(port.index[-252:]).fillna(0.0)}
    )
    trailing = performance_report(year, False).table
    performance = pd.DataFrame(
        {
            "period_return": [attr.total, float(np.prod(1.0 + bench_period.to_numpy()) - 1.0)],
            **{m: trailing.loc[m].to_numpy() for m in ("annual_return", "annual_volatility", "sharpe_ratio",
                                                        "max_drawdown")},
        },
        index=["portfolio", bench_name],
    )  # fmt: skip
    alerts, options = _book_views(book_path, as_of_day) if book_path else (None, None)
    from tailkit.charts.risk import contributions_chart, cumulative_returns_chart

    charts = {
        "Growth of 1 over the trailing year": cumulative_returns_chart(year),
        "Component ES by position": contributions_chart(one_day.to_frame(), title="Component ES (1 day)"),
    }
    notes = (
        f"portfolio: {pf.source}, NAV {pf.nav:,.0f}; prices to {as_of_day:%Y-%m-%d}; benchmark: {bench_name}",
        f"VaR/ES: historical, {p.confidence:.0%}, one day, last {len(window)} days; weights held constant "
        "over the period (daily rebalanced)",
    )
    return PeriodReport(
        period,
        as_of_day,
        start,
        pf.nav,
        performance,
        one_day,
        stress,
        limits,
        conc,
        liq,
        attr,
        alerts,
        options,
        charts,
        notes,
    )


def write_reports(
    params: PortfolioRiskParams,
    periods: tuple[str, ...] | list[str],
    output: str | Path,
    *,
    as_of: Any = None,
    benchmark_path: str | None = None,
    benchmark_column: str | None = None,
    book_path: str | None = None,
) -> list[Path]:
    """Write ``<period>_<as_of>.html`` and ``.md`` for each period into ``output``; return the paths."""
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for period in periods:
        rep = period_report(
            params,
            period,
            as_of=as_of,
            benchmark_path=benchmark_path,
            benchmark_column=benchmark_column,
            book_path=book_path,
        )
        stem = f"{period}_{rep.as_of:%Y-%m-%d}"
        rep.to_html(out / f"{stem}.html")
        rep.to_markdown(out / f"{stem}.md")
        paths += [out / f"{stem}.html", out / f"{stem}.md"]
    return paths
