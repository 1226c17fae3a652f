"""Options books and their full Black-Scholes revaluation in many scenarios.

A scenario moves each underlying's spot by a simple return and its implied vols by an
absolute shift, and lets ``horizon_days / 252`` years pass; every option is repriced with
Black-Scholes-Merton (a fused numba kernel, checked against :func:`tailkit.pricing.bs_price`
in the tests; today's values use the pricing package's kernel) and the book's P&L is ``quantity * (V_scenario - V_today)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D
from tailkit._validation import as_float_array, check_finite, check_range, kind_to_sign
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.pricing._kernels import bs_price_array_serial
from tailkit.risk import _kernels
from tailkit.risk.var import VaRResult, historical_var_es_arrays

__all__ = ["OptionBook", "RevaluationResult", "full_revaluation", "book_var_es"]

_BOOK_COLUMNS = ("underlying", "kind", "strike", "expiry", "vol", "quantity")


@dataclass(frozen=True, slots=True)
class OptionBook:
    """European options on one or more underlyings.

    Attributes
    ----------
    spot : dict of str to float
        Today's price of each underlying.
    underlying : tuple of str
        Underlying of each option (a key of ``spot``).
    sign : ndarray of shape (n_options,)
        +1 call, -1 put.
    strike, expiry, vol : ndarray of shape (n_options,)
        Strike, years to expiry, implied vol (decimal).
    quantity : ndarray of shape (n_options,)
        Signed number of units (contracts x multiplier); negative = short.
    rate, dividend : ndarray of shape (n_options,)
        Continuously compounded rate and dividend yield (decimals).
    names : tuple of str
        Option labels.
    """

    spot: dict[str, float]
    underlying: tuple[str, ...]
    sign: Float1D = field(repr=False)
    strike: Float1D = field(repr=False)
    expiry: Float1D = field(repr=False)
    vol: Float1D = field(repr=False)
    quantity: Float1D = field(repr=False)
    rate: Float1D = field(repr=False)
    dividend: Float1D = field(repr=False)
    names: tuple[str, ...] = ()

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, spot: Mapping[str, float], *, rate: float = 0.0, dividend: float = 0.0
    ) -> OptionBook:
        """Build a book from a table with columns underlying, kind, strike, expiry, vol, quantity.

        Optional columns ``rate``, ``dividend`` and ``name`` override the scalar defaults.

        Parameters
        ----------
        frame : DataFrame
            One row per option.
        spot : mapping of str to float
            Today's price per underlying.
        rate, dividend : float, default=0.0
            Rate and dividend yield for rows without their own.

        Returns
        -------
        OptionBook
        """
        missing = [c for c in _BOOK_COLUMNS if c not in frame.columns]
        if missing:
            raise DataError(f"option book is missing column(s) {missing}; required: {list(_BOOK_COLUMNS)}")
        n = len(frame)
        if n == 0:
            raise DataError("option book has no rows")
        und = tuple(str(u) for u in frame["underlying"])
        spots = {str(k): float(v) for k, v in spot.items()}
        unknown = sorted(set(und) - set(spots))
        if unknown:
            raise DataError(f"no spot price for underlying(s) {unknown}; spot has {sorted(spots)}")
        spot_arr = as_float_array("spot", list(spots.values()))
        check_range("spot", spot_arr, gt=0.0)
        sign = np.asarray(kind_to_sign(frame["kind"].astype(str).to_numpy(), "kind"), dtype=float)
        strike = as_float_array("strike", frame["strike"].to_numpy())
        expiry = as_float_array("expiry", frame["expiry"].to_numpy())
        vol = as_float_array("vol", frame["vol"].to_numpy())
        qty = as_float_array("quantity", frame["quantity"].to_numpy())
        check_range("strike", strike, gt=0.0)
        check_range("expiry", expiry, ge=0.0)
        check_range("vol", vol, gt=0.0)
        check_finite("quantity", qty)
        r = as_float_array("rate", frame["rate"].to_numpy()) if "rate" in frame else np.full(n, float(rate))
        q = (
            as_float_array("dividend", frame["dividend"].to_numpy())
            if "dividend" in frame
            else np.full(n, dividend)
        )
        check_finite("rate", r)
        check_finite("dividend", q)
        if "name" in frame:
            names = tuple(str(x) for x in frame["name"])
        else:
            names = tuple(
                f"{u} {'C' if s > 0 else 'P'} {k:g} {t:.2f}y" for u, s, k, t in zip(und, sign, strike, expiry)
            )
        return cls(spots, und, sign, strike, expiry, vol, qty, r, q, names)

    @property
    def underlyings(self) -> tuple[str, ...]:
        """Underlying names in the order of ``spot``."""
        return tuple(self.spot)

    def underlying_index(self) -> np.ndarray:
        """Index of each option's underlying in :attr:`underlyings`, shape (n_options,)."""
        pos = {u: i for i, u in enumerate(self.spot)}
        return np.array([pos[u] for u in self.underlying], dtype=np.int64)

    def spot_array(self) -> Float1D:
        """Spots in the order of :attr:`underlyings`, shape (n_underlyings,)."""
        return np.array(list(self.spot.values()), dtype=float)

    def values(self) -> Float1D:
        """Today's value of each position (``quantity * price``), shape (n_options,)."""
        s = self.spot_array()[self.underlying_index()]
        px = np.empty(len(self.strike))
        # the pricing package's Black-Scholes-Merton kernel (one implementation, vectorised)
        bs_price_array_serial(
            *(np.ascontiguousarray(a, dtype=np.float64) for a in (self.sign, s, self.strike, self.expiry)),
            *(np.ascontiguousarray(a, dtype=np.float64) for a in (self.rate, self.dividend, self.vol)),
            px,
        )
        return self.quantity * px

    def to_frame(self) -> pd.DataFrame:
        """One row per option with today's value."""
        return pd.DataFrame(
            {
                "underlying": self.underlying,
                "kind": np.where(self.sign > 0, "call", "put"),
                "strike": self.strike,
                "expiry": self.expiry,
                "vol": self.vol,
                "quantity": self.quantity,
                "value": self.values(),
            },
            index=pd.Index(self.names, name="option"),
        )


@dataclass(frozen=True, slots=True)
class RevaluationResult:
    """P&L of an options book in every scenario.

    Attributes
    ----------
    pnl : ndarray of shape (n_scenarios,)
        Book P&L per scenario (currency).
    option_pnl : ndarray of shape (n_scenarios, n_options)
        P&L of each option position per scenario.
    names : tuple of str
        Option labels.
    """

    pnl: Float1D = field(repr=False)
    option_pnl: Float2D = field(repr=False)
    names: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Scenario x option P&L table with a ``total`` column."""
        df = pd.DataFrame(self.option_pnl, columns=list(self.names))
        df["total"] = self.pnl
        df.index.name = "scenario"
        return df


def _scenario_array(name: str, value: Any, book: OptionBook, n_scen: int | None) -> Float2D:
    if isinstance(value, pd.DataFrame):
        missing = [u for u in book.underlyings if u not in value.columns]
        if missing:
            raise DataError(f"{name} has no column for underlying(s) {missing}")
        value = value[list(book.underlyings)].to_numpy(dtype=float)
    arr = as_float_array(name, value)
    if arr.ndim == 1:
        arr = arr[:, None] if len(book.underlyings) == 1 else arr[None, :]
    if (
        arr.ndim != 2
        or arr.shape[1] != len(book.underlyings)
        or (n_scen is not None and arr.shape[0] != n_scen)
    ):
        want = f"shape ({n_scen if n_scen is not None else 'n_scenarios'}, {len(book.underlyings)})"
        raise ParameterError(describe_bad_value(name, arr.shape, want))
    check_finite(name, arr)
    return np.ascontiguousarray(arr)


def full_revaluation(
    book: OptionBook, spot_returns: Any, vol_shifts: Any | None = None, *, horizon_days: float = 0.0
) -> RevaluationResult:
    """Reprice every option of ``book`` in every scenario (numba, parallel over scenarios).

    Parameters
    ----------
    book : OptionBook
        The options.
    spot_returns : DataFrame or ndarray of shape (n_scenarios, n_underlyings)
        Simple return of each underlying in each scenario (columns named by underlying
        for a DataFrame, else in the order of ``book.underlyings``).
    vol_shifts : DataFrame or ndarray of shape (n_scenarios, n_underlyings), optional
        Absolute change of every implied vol on each underlying (0.05 = +5 vol points);
        default no change. Shocked vols are floored at 1e-4.
    horizon_days : float, default=0.0
        Trading days that pass in the scenario (time decay), ``/ 252`` years.

    Returns
    -------
    RevaluationResult

    Examples
    --------
    >>> import pandas as pd
    >>> book = OptionBook.from_frame(
    ...     pd.DataFrame({"underlying": ["SPX"], "kind": ["put"], "strike": [90.0], "expiry": [0.5],
    ...                   "vol": [0.2], "quantity": [100.0]}), {"SPX": 100.0})
    >>> res = full_revaluation(book, [[-0.2], [0.0]])
    >>> bool(res.pnl[0] > 0.0 and abs(res.pnl[1]) < 1e-9)
    True
    """
    sr = _scenario_array("spot_returns", spot_returns, book, None)
    check_range("spot_returns", sr, gt=-1.0)
    vs = (
        np.zeros_like(sr)
        if vol_shifts is None
        else _scenario_array("vol_shifts", vol_shifts, book, sr.shape[0])
    )
    h = float(horizon_days)
    if not np.isfinite(h) or h < 0:
        raise ParameterError(describe_bad_value("horizon_days", horizon_days, "a float >= 0"))
    out = np.empty((sr.shape[0], len(book.strike)))
    _kernels.revalue_options(
        book.spot_array(),
        sr,
        vs,
        book.underlying_index(),
        book.strike,
        book.expiry,
        book.vol,
        book.rate,
        book.dividend,
        book.sign,
        book.quantity,
        h / 252.0,
        out,
    )
    return RevaluationResult(out.sum(axis=1), out, book.names)


def book_var_es(
    book: OptionBook,
    spot_returns: Any,
    vol_shifts: Any | None = None,
    *,
    confidence: float = 0.99,
    horizon_days: float = 1.0,
) -> VaRResult:
    """Full-revaluation VaR/ES of an options book with per-option component VaR/ES.

    Parameters
    ----------
    book : OptionBook
        The options.
    spot_returns : DataFrame or ndarray of shape (n_scenarios, n_underlyings)
        Horizon returns of the underlyings (historical or simulated).
    vol_shifts : DataFrame or ndarray of shape (n_scenarios, n_underlyings), optional
        Implied-vol shifts per scenario.
    confidence : float, default=0.99
        VaR level.
    horizon_days : float, default=1.0
        Horizon of the scenarios in trading days (time decay applied).

    Returns
    -------
    VaRResult
        ``weights`` are ones (components are per option position, in currency).
    """
    rev = full_revaluation(book, spot_returns, vol_shifts, horizon_days=horizon_days)
    ones = np.ones(rev.option_pnl.shape[1])
    out = historical_var_es_arrays(rev.option_pnl, ones, confidence)
    return VaRResult(
        "full_revaluation",
        float(out.confidence[0]),
        max(round(horizon_days), 1),
        float(out.var[0]),
        float(out.es[0]),
        book.names,
        ones,
        out.marginal_var[0],
        out.marginal_es[0],
        out.component_var[0],
        out.component_es[0],
        rev.option_pnl.shape[0],
    )
