"""Portfolio optimizers: tailkit against peers and plain-scipy references, in the same run.

tailkit solves min-CVaR as the LP dual with clarabel and the mean-variance problems as QPs with
clarabel, both called directly (no modelling layer).

Problems (long-only, fully invested; synthetic fat-tailed returns, fixed seed):

* min-CVaR(95%) on 20 assets x 5,000 scenarios and 50 assets x 10,000 scenarios;
* min-variance and max-Sharpe (r_f = 0) at 20 and 500 assets (1,000 daily observations).

References written here: the Rockafellar-Uryasev primal LP through ``scipy.optimize.linprog``
(HiGHS) and SLSQP for the mean-variance problems (20 assets only; at 500 it takes seconds to
minutes). Peers (benchmark-only dependencies, each through cvxpy + CLARABEL): PyPortfolioOpt,
skfolio, riskfolio-lib. Every solution is scored with the same objective function; ``rel.obj``
is its relative difference to tailkit's (positive = worse than tailkit). Times are the best
of a few repeats with ``OPENBLAS_NUM_THREADS=1``.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog, minimize

import tailkit.portfolio as tp
from tailkit.portfolio import scenario_cvar

ALPHA = 0.95


def _returns(n_obs: int, n_assets: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = 5
    load = rng.normal(0.0, 1.0, (n_assets, k)) * 0.006
    f = rng.standard_t(4, size=(n_obs, k))
    eps = rng.standard_t(4, size=(n_obs, n_assets)) * rng.uniform(0.006, 0.015, n_assets)
    mu = rng.uniform(-0.0002, 0.0009, n_assets)
    return pd.DataFrame(f @ load.T + eps + mu, columns=[f"a{i:03d}" for i in range(n_assets)])


def _time(fn: Callable[[], np.ndarray], repeats: int) -> tuple[float, np.ndarray | None, str]:
    best = np.inf
    w = None
    note = ""
    for _ in range(repeats):
        t0 = time.perf_counter()
        try:
            w = np.asarray(fn(), dtype=np.float64)
        except Exception as exc:  # a peer failing is a result, not a crash
            return float("nan"), None, f"failed: {type(exc).__name__}"
        best = min(best, time.perf_counter() - t0)
    return best, w, note


# ---------------------------------------------------------------- references written here
def _ref_cvar_primal(r: np.ndarray) -> np.ndarray:
    s, n = r.shape
    k = (1 - ALPHA) * s
    c = np.r_[np.zeros(n), 1.0, np.full(s, 1 / k)]
    a = sp.hstack([sp.csr_matrix(-r), sp.csr_matrix(-np.ones((s, 1))), -sp.identity(s)], format="csr")
    res = linprog(
        c,
        A_ub=a,
        b_ub=np.zeros(s),
        A_eq=np.r_[np.ones(n), 0.0, np.zeros(s)][None, :],
        b_eq=[1.0],
        bounds=[(0, 1)] * n + [(None, None)] + [(0, None)] * s,
        method="highs",
    )
    return res.x[:n]


def _ref_slsqp(fun: Callable[[np.ndarray], tuple[float, np.ndarray]], n: int) -> np.ndarray:
    res = minimize(
        fun,
        np.full(n, 1 / n),
        jac=True,
        method="SLSQP",
        bounds=[(0, 1)] * n,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    return res.x


# ---------------------------------------------------------------- peers
def _pypfopt_cvar(r: pd.DataFrame) -> np.ndarray:
    from pypfopt import EfficientCVaR

    ef = EfficientCVaR(r.mean(), r, beta=ALPHA, solver="CLARABEL")
    return np.array(list(ef.min_cvar().values()))


def _skfolio(r: pd.DataFrame, kind: str) -> np.ndarray:
    from skfolio import RiskMeasure
    from skfolio.optimization import MeanRisk, ObjectiveFunction

    if kind == "cvar":
        m = MeanRisk(risk_measure=RiskMeasure.CVAR, cvar_beta=ALPHA, solver="CLARABEL")
    elif kind == "minvar":
        m = MeanRisk(risk_measure=RiskMeasure.VARIANCE, solver="CLARABEL")
    else:
        m = MeanRisk(
            risk_measure=RiskMeasure.VARIANCE,
            objective_function=ObjectiveFunction.MAXIMIZE_RATIO,
            solver="CLARABEL",
        )
    m.fit(r.to_numpy())
    return m.weights_


def _riskfolio(r: pd.DataFrame, kind: str) -> np.ndarray:
    import riskfolio as rp

    port = rp.Portfolio(returns=r)
    port.assets_stats(method_mu="hist", method_cov="hist")
    port.solvers = ["CLARABEL"]
    port.alpha = 1 - ALPHA
    rm = "CVaR" if kind == "cvar" else "MV"
    obj = "Sharpe" if kind == "sharpe" else "MinRisk"
    w = port.optimization(model="Classic", rm=rm, obj=obj, rf=0, l=0, hist=True)
    return w.to_numpy().ravel()


def _pypfopt_mv(mu: np.ndarray, cov: np.ndarray, kind: str) -> np.ndarray:
    from pypfopt import EfficientFrontier

    ef = EfficientFrontier(mu, cov, weight_bounds=(0, 1), solver="CLARABEL")
    w = ef.min_volatility() if kind == "minvar" else ef.max_sharpe(risk_free_rate=0.0)
    return np.array(list(w.values()))


# ---------------------------------------------------------------- table
def _row(
    rows: list[dict], problem: str, who: str, t: float, w: np.ndarray | None, score, t_ref: float, note: str
):
    obj = float("nan") if w is None else score(w)
    rows.append(
        {
            "problem": problem,
            "implementation": who,
            "seconds": t,
            "objective": obj,
            "note": note,
            "t_tk": t_ref,
        }
    )


def _finish(rows: list[dict], sense: int) -> None:
    # sense +1: minimise, -1: maximise; rel.obj > 0 means worse than tailkit
    tk = rows[0]["objective"]
    for r in rows:
        r["rel.obj"] = sense * (r["objective"] - tk) / abs(tk)
        r["x tailkit"] = r["seconds"] / rows[0]["seconds"]


def main() -> None:
    warnings.filterwarnings("ignore")
    all_rows: list[dict] = []

    # warm up numba/clarabel/HiGHS
    tp.min_cvar(tp.PortfolioInputs.from_scenarios(_returns(300, 5, 0)))
    for n, s in ((20, 5000), (50, 10000)):
        r = _returns(s, n, 1)
        x = r.to_numpy()
        rep = 3 if s <= 5000 else 2

        def score(w: np.ndarray, x: np.ndarray = x) -> float:
            return scenario_cvar(-(x @ w), ALPHA)

        rows: list[dict] = []
        name = f"min-CVaR95 {n}x{s}"
        inp = tp.PortfolioInputs.from_scenarios(r)
        for who, fn in (
            ("tailkit (clarabel, LP dual)", lambda inp=inp: tp.min_cvar(inp, ALPHA).weights.to_numpy()),
            ("reference: primal LP, scipy HiGHS", lambda x=x: _ref_cvar_primal(x)),
            ("PyPortfolioOpt (CLARABEL)", lambda r=r: _pypfopt_cvar(r)),
            ("skfolio (CLARABEL)", lambda r=r: _skfolio(r, "cvar")),
            ("riskfolio-lib (CLARABEL)", lambda r=r: _riskfolio(r, "cvar")),
        ):
            t, w, note = _time(fn, rep)
            _row(rows, name, who, t, w, score, 0.0, note)
        _finish(rows, +1)
        all_rows += rows

    for n in (20, 500):
        r = _returns(1000, n, 2)
        inp = tp.PortfolioInputs.from_returns(r)
        mu, cov = inp.mu, inp.cov
        rep = 5 if n == 20 else 2
        for kind in ("minvar", "sharpe"):
            if kind == "minvar":

                def score(w: np.ndarray, cov: np.ndarray = cov) -> float:
                    return float(w @ cov @ w)

                tk = lambda inp=inp: tp.min_variance(inp).weights.to_numpy()  # noqa: E731

                def f_ref(w: np.ndarray, cov: np.ndarray = cov) -> tuple[float, np.ndarray]:
                    return float(w @ cov @ w), 2 * cov @ w

                name, sense = f"min-variance {n}", +1
            else:

                def score(w: np.ndarray, cov: np.ndarray = cov, mu: np.ndarray = mu) -> float:
                    return float(mu @ w / np.sqrt(w @ cov @ w))

                tk = lambda inp=inp: tp.max_sharpe(inp).weights.to_numpy()  # noqa: E731

                def f_ref(
                    w: np.ndarray, cov: np.ndarray = cov, mu: np.ndarray = mu
                ) -> tuple[float, np.ndarray]:
                    v = cov @ w
                    s = np.sqrt(w @ v)
                    m = mu @ w
                    return -m / s, -(mu / s - m * v / s**3)

                name, sense = f"max-Sharpe {n}", -1
            rows = []
            cands = [
                ("tailkit (clarabel QP)", tk),
                ("PyPortfolioOpt (CLARABEL)", lambda mu=mu, cov=cov, kind=kind: _pypfopt_mv(mu, cov, kind)),
                ("skfolio (CLARABEL)", lambda r=r, kind=kind: _skfolio(r, kind)),
                ("riskfolio-lib (CLARABEL)", lambda r=r, kind=kind: _riskfolio(r, kind)),
            ]
            if n == 20:
                cands.insert(1, ("reference: SLSQP", lambda f_ref=f_ref, n=n: _ref_slsqp(f_ref, n)))
            for who, fn in cands:
                t, w, note = _time(fn, rep)
                _row(rows, name, who, t, w, score, 0.0, note)
            _finish(rows, sense)
            all_rows += rows

    df = pd.DataFrame(all_rows)
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_colwidth", 40):
        out = df[["problem", "implementation", "seconds", "x tailkit", "objective", "rel.obj", "note"]].copy()
        out["seconds"] = out["seconds"].map(lambda v: f"{v:.4f}")
        out["x tailkit"] = out["x tailkit"].map(lambda v: f"{v:.2f}")
        out["objective"] = out["objective"].map(lambda v: f"{v:.10g}")
        out["rel.obj"] = out["rel.obj"].map(lambda v: f"{v:+.1e}")
        print(out.to_string(index=False))
    print("x tailkit = time / tailkit's time (>1: tailkit faster); rel.obj > 0: worse objective than tailkit")


if __name__ == "__main__":
    main()
