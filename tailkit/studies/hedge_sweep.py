"""Notebook ``11_hedge_sweep``: the per-ticker hedge sweep with bounded scores and out-of-sample checks.

The honest version of the original hedge-sweep report: per ticker, every configuration of the
grid (re-hedging frequency x proportional cost x impact x exposure) is scored against targets
with bounded sigmoid components (:mod:`tailkit.sweep.scoring`), the best is chosen **in sample**
(before ``split_date``) and reported **out of sample** (after it) and in an anchored
walk-forward, with the deflated Sharpe ratio for the number of configurations tried, the
scores of its neighbours in the grid, each dimension's sensitivity and the winner re-scored at
realistic costs. Sub-daily frequencies are evaluated on simulated intraday paths
(``intraday=True``); every row says which data it came from.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import atomic_write_text, param, validate
from tailkit.sweep.hedge import DIMENSIONS, HedgeGrid, HedgeMarket, hedge_market
from tailkit.sweep.marks import OptionMarkModel, read_implied_vols
from tailkit.sweep.scoring import Targets, score_metrics, target_report
from tailkit.sweep.validation import (
    SplitResult,
    cost_reality_check,
    neighbour_stability,
    sensitivity,
    split_validation,
    walk_forward,
)

__all__ = ["HedgeSweepParams", "HedgeSweepStudy", "SP500", "hedge_sweep_study", "load_prices"]

#: the ticker of the bundled S&P 500 index (its closes join the bundled stocks when listed)
SP500 = "SPX"


@dataclass(frozen=True, slots=True, kw_only=True)
class HedgeSweepParams:
    """Parameters of notebook ``11_hedge_sweep``.

    The defaults are a quick daily grid on the four bundled tickers; the original system's
    grid (10 frequencies including 0.1 and 0.2 day, 6 costs, 5 impacts, 11 exposures) is
    ``notebooks/11_hedge_sweep.full_grid.yaml`` with ``intraday: true`` (kept out of
    ``parameters/``, whose files the notebook tests run: it takes about half a minute).
    """

    tickers: tuple[str, ...] = param(
        ("AAPL", "GOOG", "IBM", "MSFT"),
        doc="tickers to sweep (bundled: AAPL, GOOG, IBM, MSFT and SPX, the S&P 500)",
    )
    price_file: str = param(
        "", doc="your daily closes (wide date,TICKER,... or long date,ticker,close); '' = the bundled stocks"
    )
    family: str = param("protective", choices=("protective", "vol_target"), doc="strategy family")
    rebalance_days: tuple[float, ...] = param(
        (1.0, 5.0, 10.0, 20.0), gt=0.0, le=252.0, doc="days between re-hedges (below 1 needs intraday)"
    )
    costs: tuple[float, ...] = param((0.00002, 0.0002, 0.001), ge=0.0, le=0.1, doc="proportional costs")
    impacts: tuple[float, ...] = param((0.0, 1e-9), ge=0.0, le=1e-3, doc="impact coefficients, 1/$")
    exposures: tuple[float, ...] = param((0.2, 0.5, 1.0, 1.5), gt=0.0, le=10.0, doc="exposure scales")
    intraday: bool = param(False, doc="evaluate sub-daily frequencies on simulated intraday paths")
    steps_per_day: int = param(10, ge=2, le=100, doc="steps a day of the simulated intraday paths")
    seed: int = param(1, ge=0, doc="seed of the intraday simulation")
    split_date: str = param("2009-01-01", doc="first out-of-sample day")
    n_folds: int = param(3, ge=1, le=10, doc="walk-forward folds")
    target_sharpe: float = param(1.0, ge=-5.0, le=10.0, doc="target Sharpe ratio")
    target_return: float = param(0.30, ge=-1.0, le=10.0, doc="target annual return, decimal")
    max_drawdown: float = param(0.10, gt=0.0, lt=1.0, doc="largest acceptable drawdown, decimal")
    capital: float = param(1_000_000.0, gt=0.0, le=1e12, doc="starting capital, $ (scales the impact cost)")
    rate: float = param(0.02, ge=-0.1, le=1.0, doc="cash and option rate, decimal")
    put_moneyness: float = param(0.95, ge=0.5, le=1.5, doc="put strike over spot at each roll")
    put_days: int = param(63, ge=5, le=756, doc="put life, trading days")
    iv_premium: float = param(0.10, ge=-0.5, le=2.0, doc="implied over realised vol premium")
    skew: float = param(0.5, ge=-5.0, le=5.0, doc="implied vol slope in ln(S/K)")
    iv_file: str = param(
        "",
        doc="your at-the-money implied vols, decimal (wide date,TICKER,... or long date,ticker,iv); '' = the model",
    )
    heatmap_x: str = param("rebalance_days", choices=DIMENSIONS, doc="heatmap x dimension")
    heatmap_y: str = param("exposure", choices=DIMENSIONS, doc="heatmap y dimension")
    report_dir: str = param("", doc="write hedge_sweep_report.md/.html here ('' = do not write)")
    notebook_sweep_dir: str = param(
        "", doc="run the small notebook-09 sweep (minutes) into this folder ('' = show the command only)"
    )

    def __post_init__(self) -> None:
        validate(self)
        for name in ("tickers", "rebalance_days", "costs", "impacts", "exposures"):
            if not getattr(self, name):
                raise ParameterError(describe_bad_value(name, getattr(self, name), "at least one value"))
        if self.heatmap_x == self.heatmap_y:
            raise ParameterError(
                describe_bad_value("heatmap_y", self.heatmap_y, "a dimension other than heatmap_x")
            )
        try:
            pd.Timestamp(self.split_date)
        except ValueError:
            raise ParameterError(
                describe_bad_value("split_date", self.split_date, "a date such as 2009-01-01")
            ) from None
        if not self.intraday and min(self.rebalance_days) < 1.0:
            raise ParameterError(
                describe_bad_value(
                    "rebalance_days",
                    self.rebalance_days,
                    "values >= 1 day unless intraday is true (daily closes)",
                )
            )

    def grid(self) -> HedgeGrid:
        """The configuration grid."""
        return HedgeGrid(
            rebalance_days=self.rebalance_days, cost=self.costs, impact=self.impacts, exposure=self.exposures
        )

    def marks(self) -> OptionMarkModel:
        """The option-mark model (rate, put, implied-vol model)."""
        return OptionMarkModel(
            rate=self.rate, put_moneyness=self.put_moneyness, put_days=self.put_days,
            iv_premium=self.iv_premium, skew=self.skew,
        )  # fmt: skip

    def targets(self) -> Targets:
        """The scoring targets."""
        return Targets(
            sharpe=self.target_sharpe, ann_return=self.target_return, max_drawdown=self.max_drawdown
        )


def load_prices(p: HedgeSweepParams) -> tuple[pd.DataFrame, str]:
    """Daily closes of ``p.tickers`` and a description of where they come from."""
    if p.price_file:
        from tailkit.data.prices import read_prices

        frame = read_prices(p.price_file)
        source = f"user file {p.price_file}"
    else:
        from tailkit.data.stocks import load

        frame = load()
        source = "bundled daily closes (tailkit.data.stocks, 2000-03-01 to 2013-03-01)"
        if SP500 in p.tickers:
            from tailkit.data.sp500 import load as load_sp500

            frame = frame.join(load_sp500()["close"].rename(SP500), how="outer")
            source += (
                f"; {SP500}: bundled S&P 500 index closes (tailkit.data.sp500, 1999-01-04 to 2018-12-31)"
            )
    missing = [t for t in p.tickers if t not in frame.columns]
    if missing:
        raise ParameterError(
            describe_bad_value(
                "tickers",
                missing,
                f"tickers in the price data: {', '.join(map(str, frame.columns))}"
                + ("" if p.price_file or SP500 in frame.columns else f" or {SP500} (the S&P 500 index)"),
            )
            + (" (AMZN and META are not bundled: pass your own price_file)" if not p.price_file else "")
        )
    return frame[list(p.tickers)], source


@dataclass(frozen=True, slots=True)
class HedgeSweepStudy:
    """Everything notebook 11 shows.

    Attributes
    ----------
    params : HedgeSweepParams
        The inputs.
    data_source : str
        Where the closes came from.
    iv_source : str
        Where the implied vols of the option marks came from.
    results : tuple of SplitResult
        Per ticker (and per source when intraday): the in-sample choice and its out-of-sample record.
    table : pandas.DataFrame
        One row per result: ticker, source, configuration, in/out-of-sample score and metrics, DSR.
    walk_forward : pandas.DataFrame
        Walk-forward folds of every ticker (daily data).
    sensitivity : pandas.DataFrame
        Best and mean in-sample score per dimension value, per ticker and source.
    neighbours : pandas.DataFrame
        The chosen configuration's score and its grid neighbours' mean and lowest score.
    cost_check : pandas.DataFrame
        The chosen configuration re-scored at 0.0002 and 0.0005 costs (in and out of sample).
    targets : pandas.DataFrame
        Which targets each choice reaches out of sample, and the shortfall on the others.
    generated : str
        UTC time the study ran.
    """

    params: HedgeSweepParams
    data_source: str
    iv_source: str
    results: tuple[SplitResult, ...]
    table: pd.DataFrame
    walk_forward: pd.DataFrame
    sensitivity: pd.DataFrame
    neighbours: pd.DataFrame
    cost_check: pd.DataFrame
    targets: pd.DataFrame
    generated: str

    def heatmap_frame(self, ticker: str, x: str | None = None, y: str | None = None) -> pd.DataFrame:
        """Best in-sample score over two dimensions (the others free) for ``ticker``'s first result."""
        x = x or self.params.heatmap_x
        y = y or self.params.heatmap_y
        res = next((r for r in self.results if r.ticker == ticker), None)
        if res is None:
            raise ParameterError(
                describe_bad_value("ticker", ticker, "one of " + ", ".join(self.params.tickers))
            )
        frame = res.in_sample_sweep.to_frame()
        frame["score"] = score_metrics(res.in_sample_sweep.metrics, self.params.targets()).score
        return frame.groupby([x, y], as_index=False)["score"].max()

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers (the notebook's summary line)."""
        out: dict[str, Any] = {"n_configurations": int(self.results[0].n_trials), "generated": self.generated}
        for r in self.results:
            key = r.ticker if r.source == "daily" else f"{r.ticker}_intraday"
            out[f"{key}_is_score"] = round(r.in_sample["score"], 4)
            out[f"{key}_oos_score"] = round(r.out_of_sample["score"], 4)
            out[f"{key}_dsr"] = round(r.dsr, 4) if np.isfinite(r.dsr) else None
        return out

    def report_markdown(self) -> str:
        """The report: date, tickers, grid, data sources, results and what they do not show."""
        p = self.params
        lines = [
            "# Hedge sweep report",
            "",
            f"- Generated: {self.generated} (tailkit notebook 11_hedge_sweep)",
            f"- Tickers: {', '.join(p.tickers)}; strategy family: {p.family}",
            f"- Grid: rebalance days {list(p.rebalance_days)} x costs {list(p.costs)} x impacts {list(p.impacts)} "
            f"x exposures {list(p.exposures)} = {self.results[0].n_trials} configurations per ticker and source",
            f"- Data: {self.data_source}; sub-daily frequencies: "
            + (
                "simulated intraday paths (see the source column)"
                if p.intraday
                else "not evaluated (daily data)"
            ),
            f"- Option marks: Black-Scholes at {self.iv_source}",
            f"- Targets: Sharpe {p.target_sharpe}, annual return {p.target_return:.0%}, max drawdown "
            f"{p.max_drawdown:.0%}; scores in [0, 1] (sigmoid components weighted 40/30/20/10)",
            f"- Chosen in sample (before {p.split_date}), reported out of sample (from it)",
            "",
            "## Per ticker: in-sample choice, out-of-sample record",
            "",
            _md_table(self.table),
            "",
            "## Targets out of sample",
            "",
            _md_table(self.targets),
            "",
            "## Cost reality check (the chosen configuration at 0.0002 and 0.0005)",
            "",
            _md_table(self.cost_check),
            "",
            "## Stability of the chosen configuration's neighbours",
            "",
            _md_table(self.neighbours),
            "",
            "## Walk-forward",
            "",
            _md_table(self.walk_forward),
            "",
            "## Caveats",
            "",
            "- The deflated Sharpe ratio treats the configurations as independent trials; they are",
            "  correlated, so it is conservative.",
            (
                "- Option marks come from a realised-vol + skew implied-vol model, not traded quotes."
                if not p.iv_file
                else "- Option marks use the file's at-the-money vols plus the model's skew, not traded put quotes;"
                " simulated intraday paths use the model."
            ),
        ]
        return "\n".join(lines) + "\n"

    def report_html(self) -> str:
        """The same report as standalone HTML."""
        p = self.params
        head = "".join(
            f"<li>{html.escape(line[2:])}</li>"
            for line in self.report_markdown().split("\n\n## ")[0].splitlines()
            if line.startswith("- ")
        )
        sections = [
            ("Per ticker: in-sample choice, out-of-sample record", self.table),
            ("Targets out of sample", self.targets),
            ("Cost reality check", self.cost_check),
            ("Stability of the chosen configuration's neighbours", self.neighbours),
            ("Walk-forward", self.walk_forward),
        ]
        body = "".join(
            f"<h2>{html.escape(t)}</h2>{f.to_html(index=False, float_format=lambda v: f'{v:.4g}')}"
            for t, f in sections
        )
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Hedge sweep report</title></head><body>"
            f"<h1>Hedge sweep report</h1><ul>{head}</ul>{body}"
            f"<p>Tickers {html.escape(', '.join(p.tickers))}.</p></body></html>\n"
        )

    def write_report(self, folder: str | Path) -> tuple[Path, Path]:
        """Write ``hedge_sweep_report.md`` and ``.html`` into ``folder`` (atomically)."""
        d = Path(folder)
        md, page = d / "hedge_sweep_report.md", d / "hedge_sweep_report.html"
        atomic_write_text(md, self.report_markdown())
        atomic_write_text(page, self.report_html())
        return md, page


def load_implied_vols(p: HedgeSweepParams) -> pd.DataFrame | None:
    """The user's implied vols of ``p.tickers`` (``None`` without ``iv_file``)."""
    if not p.iv_file:
        return None
    frame = read_implied_vols(p.iv_file)
    missing = [t for t in p.tickers if t not in frame.columns]
    if missing:
        raise ParameterError(
            describe_bad_value(
                "tickers", missing, f"tickers in {p.iv_file}: {', '.join(map(str, frame.columns))}"
            )
        )
    return frame


def _markets(
    p: HedgeSweepParams, closes: pd.Series, ticker: str, vols: pd.DataFrame | None
) -> list[HedgeMarket]:
    marks = p.marks()
    if vols is None:
        markets = [hedge_market(closes, ticker=ticker, marks=marks)]
    else:
        markets = [
            hedge_market(
                closes,
                ticker=ticker,
                marks=marks,
                implied_vol=vols[ticker],
                iv_source=f"user file {p.iv_file}",
            )
        ]
    if p.intraday:
        from tailkit.sweep.intraday import intraday_hedge_market

        sim = intraday_hedge_market(
            closes, ticker=ticker, steps_per_day=p.steps_per_day, seed=p.seed, marks=marks
        )
        markets.append(sim)
    return markets


def hedge_sweep_study(p: HedgeSweepParams) -> HedgeSweepStudy:
    """Run the hedge sweep of notebook 11 (and write the report when ``report_dir`` is set)."""
    prices, source = load_prices(p)
    vols = load_implied_vols(p)
    targets = p.targets()
    grid = p.grid()
    daily_grid = grid.restrict(1.0) if min(p.rebalance_days) < 1.0 else grid
    kw = {"family": p.family, "targets": targets, "capital": p.capital}
    results, folds, sens, neigh, costs, reached = [], [], [], [], [], []
    for ticker in p.tickers:
        for market in _markets(p, prices[ticker], ticker, vols):
            is_daily = market.steps_per_day == 1
            g = daily_grid if is_daily else grid
            if is_daily:
                split = p.split_date
            else:  # simulated days: the same share of days before the split as the history
                share = float(np.mean(prices[ticker].dropna().index < pd.Timestamp(p.split_date)))
                split = str(market.dates[round(share * market.n_days)].date())
            res = split_validation(market, g, split, **kw)  # type: ignore[arg-type]  # family validated by choices
            results.append(res)
            label = {"ticker": ticker, "source": market.source}
            s = sensitivity(res.in_sample_sweep, targets)
            sens.append(s.assign(**label))
            idx = int(np.argmax(score_metrics(res.in_sample_sweep.metrics, targets).score))
            nb = neighbour_stability(res.in_sample_sweep, idx, targets)
            neigh.append({**label, "score": nb.score, "neighbour_mean": nb.neighbour_mean,
                          "neighbour_min": nb.neighbour_min, "n_neighbours": nb.n_neighbours})  # fmt: skip
            config = res.in_sample_sweep.configs[idx]
            cut = int(market.dates.searchsorted(res.split))
            for period, part in (
                ("in sample", market.slice_days(0, cut)),
                ("out of sample", market.slice_days(cut, market.n_days)),
            ):
                check = cost_reality_check(part, config, family=p.family, targets=targets, capital=p.capital)  # type: ignore[arg-type]  # as above
                costs.append(check.assign(period=period, **label))
            oos_row = np.array([res.out_of_sample[m] for m in _metric_names()])
            rep = target_report(oos_row, targets).reset_index()
            reached.append(rep.assign(**label))
            if is_daily:
                wf = walk_forward(market, g, n_folds=p.n_folds, **kw)  # type: ignore[arg-type]  # as above
                folds.append(wf.assign(ticker=ticker))
    table = pd.DataFrame([r.to_dict() for r in results])
    keep = ["ticker", "source", *DIMENSIONS]
    keep += [f"{s}_{m}" for s in ("is", "oos") for m in ("score", "sharpe", "ann_return", "max_drawdown")]
    keep += ["dsr", "n_trials"]
    study = HedgeSweepStudy(
        params=p, data_source=source, iv_source=_iv_source(p), results=tuple(results), table=table[keep],
        walk_forward=pd.concat(folds, ignore_index=True), sensitivity=pd.concat(sens, ignore_index=True),
        neighbours=pd.DataFrame(neigh), cost_check=pd.concat(costs, ignore_index=True),
        targets=pd.concat(reached, ignore_index=True), generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )  # fmt: skip
    if p.report_dir:
        study.write_report(p.report_dir)
    return study


def _iv_source(p: HedgeSweepParams) -> str:
    """How the study names the implied vols of its option marks."""
    model = f"the realised-vol + skew model (rv x {1 + p.iv_premium:g} + {p.skew:g} ln(S/K))"
    if not p.iv_file:
        return model
    return f"the at-the-money vols of {p.iv_file} + {p.skew:g} ln(S/K) (daily data; simulated paths: {model})"


def _cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    return str(value).replace("|", "/")


def _md_table(frame: pd.DataFrame) -> str:
    """A Markdown table of ``frame`` (numbers to 4 significant digits)."""
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def _metric_names() -> tuple[str, ...]:
    from tailkit.sweep.hedge import METRICS

    return METRICS
