"""Returns-based factor regressions: OLS with Newey-West standard errors, rolling windows.

For returns ``y`` (n periods) and factor returns ``F`` (n x k), the regression is
``y_t = alpha + sum_j beta_j F_tj + e_t``, solved by least squares (``numpy.linalg.lstsq``).
The Newey-West (1987) covariance of the coefficients, with the design ``X = [1, F]``
(n x p, p = k + 1) and residuals ``e``:

``V = (X'X)^-1 S (X'X)^-1``, ``S = G_0 + sum_{l=1}^{L} (1 - l / (L + 1)) (G_l + G_l')``,
``G_l = sum_{t>l} e_t e_{t-l} x_t x_{t-l}'``,

times ``n / (n - p)`` when ``small_sample`` (statsmodels' default ``use_correction=True`` for
``cov_type="HAC"``). The default lag is ``floor(4 (n / 100)^(2/9))`` (Newey and West, 1994).
``r2 = 1 - SSR / SST`` (SST about the mean) and
``adj_r2 = 1 - (1 - r2) (n - 1) / (n - p)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["FactorRegression", "default_lags", "factor_regression", "newey_west_cov", "rolling_regression"]


def default_lags(n: int) -> int:
    """Newey-West (1994) rule of thumb ``floor(4 (n / 100)^(2/9))``."""
    return int(np.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))


def newey_west_cov(x: np.ndarray, resid: np.ndarray, lags: int, *, small_sample: bool = True) -> np.ndarray:
    """Newey-West covariance of OLS coefficients (module docstring).

    Parameters
    ----------
    x : ndarray of shape (n, p)
        Design matrix (with the constant column if any).
    resid : ndarray of shape (n,)
        OLS residuals.
    lags : int
        Bartlett-kernel lags ``L`` (>= 0).
    small_sample : bool, default=True
        Multiply by ``n / (n - p)``.

    Returns
    -------
    ndarray of shape (p, p)
    """
    n, p = x.shape
    u = x * resid[:, None]
    s = u.T @ u
    for lag in range(1, lags + 1):
        g = u[lag:].T @ u[:-lag]
        s += (1.0 - lag / (lags + 1.0)) * (g + g.T)
    bread = np.linalg.inv(x.T @ x)
    cov = bread @ s @ bread
    return cov * (n / (n - p)) if small_sample else cov


@dataclass(frozen=True, slots=True)
class FactorRegression:
    """A fitted factor regression.

    Parameters
    ----------
    params : Series
        ``alpha`` then one beta per factor (per period units for alpha).
    se : Series
        Newey-West standard errors, same index.
    r2, adj_r2 : float
    lags : int
        Newey-West lags used.
    fitted, resid : Series
        ``alpha + F beta`` and ``y - fitted``, per period.
    factors : DataFrame of shape (n, k)
        The factor returns used (aligned with ``fitted``).
    """

    params: pd.Series
    se: pd.Series
    r2: float
    adj_r2: float
    lags: int
    fitted: pd.Series
    resid: pd.Series
    factors: pd.DataFrame

    @property
    def tstat(self) -> pd.Series:
        """``params / se``."""
        return self.params / self.se

    @property
    def n_obs(self) -> int:
        """Periods used."""
        return len(self.fitted)

    def to_frame(self) -> pd.DataFrame:
        """Columns ``coef``, ``se``, ``t``; one row per coefficient."""
        return pd.DataFrame({"coef": self.params, "se": self.se, "t": self.tstat})


def _aligned(y: object, factors: object) -> tuple[pd.Series, pd.DataFrame]:
    if not isinstance(y, pd.Series):
        raise ParameterError(describe_bad_value("returns", type(y).__name__, "a Series of period returns"))
    if not isinstance(factors, pd.DataFrame) or factors.shape[1] == 0:
        raise ParameterError(
            describe_bad_value(
                "factors", type(factors).__name__, "a DataFrame with at least one factor column"
            )
        )
    if "alpha" in factors.columns:
        raise ParameterError(
            describe_bad_value("factors", "column 'alpha'", "factor names other than 'alpha'")
        )
    data = pd.concat([y.rename("__y__"), factors], axis=1, join="inner").astype(float).dropna()
    return data["__y__"].rename(y.name), data[factors.columns]


def _fit(y: pd.Series, f: pd.DataFrame, lags: int | None, small_sample: bool) -> FactorRegression:
    n, k = f.shape
    p = k + 1
    if n <= p:
        raise DataError(
            f"returns and factors share {n} complete periods; more than {p} are needed for {k} factors"
        )
    x = np.column_stack([np.ones(n), f.to_numpy()])
    yy = y.to_numpy()
    coef, *_ = np.linalg.lstsq(x, yy, rcond=None)
    fitted = x @ coef
    resid = yy - fitted
    L = default_lags(n) if lags is None else lags
    cov = newey_west_cov(x, resid, L, small_sample=small_sample)
    sst = float(np.sum((yy - yy.mean()) ** 2))
    r2 = 1.0 - float(resid @ resid) / sst if sst > 0 else float("nan")
    names = ["alpha", *map(str, f.columns)]
    return FactorRegression(
        params=pd.Series(coef, index=names),
        se=pd.Series(np.sqrt(np.diag(cov)), index=names),
        r2=r2,
        adj_r2=1.0 - (1.0 - r2) * (n - 1) / (n - p),
        lags=L,
        fitted=pd.Series(fitted, index=y.index, name="fitted"),
        resid=pd.Series(resid, index=y.index, name="resid"),
        factors=f,
    )


def _check_lags(lags: int | None) -> None:
    if lags is not None and (int(lags) != lags or lags < 0):
        raise ParameterError(
            describe_bad_value("lags", lags, "an integer >= 0 or None (the Newey-West rule)")
        )


def factor_regression(
    returns: pd.Series, factors: pd.DataFrame, *, lags: int | None = None, small_sample: bool = True
) -> FactorRegression:
    """Regress ``returns`` on ``factors`` with a constant (module docstring).

    Parameters
    ----------
    returns : Series of shape (n,)
        Period returns (decimal) on an index shared with ``factors``.
    factors : DataFrame of shape (n, k)
        Factor returns; rows are matched on the index, rows with a NaN dropped.
    lags : int, optional
        Newey-West lags (default :func:`default_lags`).
    small_sample : bool, default=True
        The ``n / (n - p)`` correction (statsmodels' default).

    Returns
    -------
    FactorRegression

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> f = pd.DataFrame({"mkt": [0.01, -0.02, 0.03, 0.0, 0.01]})
    >>> y = 0.001 + 1.5 * f["mkt"]
    >>> round(float(factor_regression(y, f).params["mkt"]), 12)
    1.5
    """
    _check_lags(lags)
    y, f = _aligned(returns, factors)
    return _fit(y, f, lags, small_sample)


def rolling_regression(
    returns: pd.Series,
    factors: pd.DataFrame,
    window: int,
    *,
    expanding: bool = False,
    lags: int | None = None,
) -> pd.DataFrame:
    """Factor regressions on rolling (or expanding) windows ending at each period.

    Parameters
    ----------
    returns : Series
    factors : DataFrame
    window : int
        Periods per window (the first window for ``expanding``); more than ``k + 1``.
    expanding : bool, default=False
        Windows from the first period instead of the last ``window`` periods.
    lags : int, optional

    Returns
    -------
    DataFrame
        One row per window end: the coefficients, ``r2`` and ``adj_r2``.
    """
    _check_lags(lags)
    y, f = _aligned(returns, factors)
    if int(window) != window or window <= f.shape[1] + 1 or window > len(y):
        raise ParameterError(
            describe_bad_value(
                "window", window, f"an integer in ({f.shape[1] + 1}, {len(y)}] (periods available)"
            )
        )
    rows = {}
    for end in range(int(window), len(y) + 1):
        start = 0 if expanding else end - int(window)
        fit = _fit(y.iloc[start:end], f.iloc[start:end], lags, True)
        rows[y.index[end - 1]] = {**fit.params.to_dict(), "r2": fit.r2, "adj_r2": fit.adj_r2}
    return pd.DataFrame.from_dict(rows, orient="index")
