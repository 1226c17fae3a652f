"""The :class:`Greeks` result: price and first-order sensitivities (plus gamma) of an option."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from tailkit._typing import FloatOrArray

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Greeks"]


@dataclass(frozen=True, slots=True)
class Greeks:
    """Price and Greeks of an option or a position, in model units.

    Each field is a Python float (scalar inputs) or an ndarray of the broadcast input shape.

    Attributes
    ----------
    price : float or ndarray
        Present value, in price units of the underlying.
    delta : float or ndarray
        dV/dS (per 1.00 of underlying price; w.r.t. the forward for Black-76).
    gamma : float or ndarray
        d2V/dS2 (per 1.00 of underlying price, squared).
    vega : float or ndarray
        dV/dsigma per 1.00 of volatility (i.e. per 100 vol points); see :meth:`vega_per_point`.
    theta : float or ndarray
        dV/dt per year of calendar time passing (negative for a long option, usually);
        see :meth:`theta_per_day`.
    rho : float or ndarray
        dV/dr per 1.00 of the continuously compounded rate; see :meth:`rho_per_bp`.
    div_rho : float or ndarray
        dV/dq per 1.00 of the continuous dividend yield (0 for Black-76).
    """

    price: FloatOrArray
    delta: FloatOrArray
    gamma: FloatOrArray
    vega: FloatOrArray
    theta: FloatOrArray
    rho: FloatOrArray
    div_rho: FloatOrArray

    def vega_per_point(self) -> FloatOrArray:
        """Vega per one volatility point (0.01 of vol), i.e. ``vega / 100``.

        Returns
        -------
        float or ndarray
            Price change for a +1 vol-point move.
        """
        return self.vega / 100.0

    def theta_per_day(self, days_per_year: float = 365.0) -> FloatOrArray:
        """Theta per calendar day, ``theta / days_per_year``.

        Parameters
        ----------
        days_per_year : float, default=365.0
            Days in a year (365 calendar; use 252 for trading days).

        Returns
        -------
        float or ndarray
            Price change for one day passing.
        """
        return self.theta / days_per_year

    def rho_per_bp(self) -> FloatOrArray:
        """Rho per basis point (0.0001 of rate), i.e. ``rho / 10_000``.

        Returns
        -------
        float or ndarray
            Price change for a +1 bp move of the rate.
        """
        return self.rho / 10_000.0

    def to_dict(self) -> dict[str, FloatOrArray]:
        """Return the fields as a dict (floats or arrays).

        Returns
        -------
        dict
            ``{"price": ..., "delta": ..., ...}``.
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """Return a tidy table: one row per option (flattened), one column per field.

        Returns
        -------
        pandas.DataFrame
            Columns ``price, delta, gamma, vega, theta, rho, div_rho``.
        """
        import pandas as pd

        cols = {name: np.atleast_1d(np.asarray(v, dtype=np.float64)) for name, v in self.to_dict().items()}
        shape = np.broadcast_shapes(*(c.shape for c in cols.values()))
        return pd.DataFrame({k: np.broadcast_to(v, shape).ravel() for k, v in cols.items()})

    def scaled(self, factor: FloatOrArray) -> Greeks:
        """Return every field multiplied by ``factor`` (e.g. a signed quantity).

        Parameters
        ----------
        factor : float or ndarray
            Multiplier.

        Returns
        -------
        Greeks
            The scaled Greeks.
        """
        return Greeks(*(getattr(self, f.name) * factor for f in fields(self)))

    def __add__(self, other: Greeks) -> Greeks:
        if not isinstance(other, Greeks):
            return NotImplemented
        return Greeks(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))
