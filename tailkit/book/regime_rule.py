"""The regime-transition rule on the underlying's daily closes stored in the book.

:func:`regime_check` reads the daily closes (:func:`~tailkit.book.risk_limits.daily_closes`,
the same closes the VaR rule uses: the last snapshot of each day), takes the latest
``window`` of them, fits a Gaussian Markov-switching model to their daily log returns with the
house regime filter (:func:`tailkit.calibration.fit_regimes`: Hamilton-filter EM) and applies
:func:`~tailkit.book.alerts.regime_transition_alert` to the filtered (causal) probabilities:
an alert when the most likely regime changed on the last close.

* At least :data:`~tailkit.book.params.MIN_REGIME_CLOSES` daily closes are needed; with fewer
  the rule raises nothing and says why in one line (:attr:`RegimeCheck.note`).
* The fit is deterministic: EM starts from the rolling-volatility ordering of the days and
  draws no random numbers, so the same closes give the same regimes (no seed to carry).
* Fits are cached in the process per (book, underlying, model, last close date, closes): a
  watch cycle in which no new close arrived reuses the last fit instead of refitting.
* A transition is one event: its alert (keyed by date and regimes) is raised once, and not
  again after it is acknowledged.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.book.alerts import Alert, regime_transition_alert
from tailkit.book.params import MIN_REGIME_CLOSES
from tailkit.book.risk_limits import daily_closes
from tailkit.book.store import Book
from tailkit.calibration.regimes import RegimeProbabilities, fit_regimes

__all__ = ["RegimeCheck", "regime_check", "regime_readiness", "clear_regime_cache"]

#: fits kept per process (one per book, underlying and model in practice)
CACHE_SIZE = 32
_FITS: OrderedDict[tuple[Any, ...], RegimeProbabilities] = OrderedDict()


@dataclass(frozen=True, slots=True)
class RegimeCheck:
    """What the regime rule found.

    Attributes
    ----------
    alerts : tuple of Alert
        Empty, or the one ``regime`` alert of a transition on the last close.
    note : str
        One line: the current regime, or why the rule did not run.
    n_closes : int
        Daily closes used (or found, when too few).
    last_close : str or None
        Day of the last close (``YYYY-MM-DD``).
    fitted : bool
        True when this call fitted the model (False: too few closes, or the cached fit).
    """

    alerts: tuple[Alert, ...]
    note: str
    n_closes: int
    last_close: str | None
    fitted: bool


def clear_regime_cache() -> None:
    """Forget the cached fits."""
    _FITS.clear()


def regime_readiness(book: Book, underlying: str, *, until: str) -> tuple[int, str]:
    """Daily closes of ``underlying`` up to ``until`` and one line saying whether the regime rule can run."""
    n = len(daily_closes(book, underlying, until=until))
    if n < MIN_REGIME_CLOSES:
        return n, (
            f"regime rule not run: {n} daily close(s) of {underlying} in the book, "
            f"it needs at least {MIN_REGIME_CLOSES}"
        )
    return n, f"regime rule runs on {n} daily closes of {underlying}"


def regime_check(
    book: Book,
    *,
    underlying: str = "TLT",
    until: str,
    n_regimes: int = 2,
    window: int = 750,
    min_probability: float = 0.5,
) -> RegimeCheck:
    """Run the regime-transition rule on the book's daily closes (see the module docstring).

    Parameters
    ----------
    book : Book
        The book.
    underlying : str, default="TLT"
        Ticker whose closes are used.
    until : str
        Latest time of a close used (``YYYY-MM-DDTHH:MM:SS``, UTC).
    n_regimes : int, default=2
        Regimes of the fitted model.
    window : int, default=750
        Latest daily closes used (at least :data:`~tailkit.book.params.MIN_REGIME_CLOSES`).
    min_probability : float, default=0.5
        Filtered probability the new regime needs for an alert.

    Returns
    -------
    RegimeCheck
    """
    closes = daily_closes(book, underlying, until=until).iloc[-int(window) :]
    n = len(closes)
    last = str(closes.index[-1]) if n else None
    if n < MIN_REGIME_CLOSES:
        return RegimeCheck((), regime_readiness(book, underlying, until=until)[1], n, last, False)
    values = closes.to_numpy(dtype=np.float64)
    key = (
        book.url,
        underlying,
        int(n_regimes),
        int(window),
        last,
        hashlib.sha256(values.tobytes()).hexdigest(),
    )
    probs = _FITS.get(key)
    fitted = probs is None
    if probs is None:
        returns = pd.Series(np.diff(np.log(values)), index=pd.DatetimeIndex(closes.index[1:]))
        probs = fit_regimes(returns, int(n_regimes)).probabilities
        _FITS[key] = probs
        while len(_FITS) > CACHE_SIZE:
            _FITS.popitem(last=False)
    else:
        _FITS.move_to_end(key)
    found = [
        a
        for a in regime_transition_alert(probs, min_probability=min_probability)
        if book.conn.execute("SELECT 1 FROM alerts WHERE key = ?", (a.key,)).fetchone() is None
    ]
    state = int(probs.most_likely(causal=True)[-1])
    note = (
        f"regime {probs.regime_names[state]} (filtered probability {float(probs.filtered[-1, state]):.1%}) "
        f"on {last}, fitted to {n} daily closes of {underlying}"
    )
    return RegimeCheck(tuple(found), note, n, last, fitted)
