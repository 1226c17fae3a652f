"""Rebalance schedules: which bars are decision bars.

Every schedule is causal: whether bar ``t`` is a decision bar depends on the dates up to
``t`` only, so truncating the data never changes earlier decisions.

* ``daily``: every bar from ``start`` on;
* ``weekly`` / ``monthly``: the first bar of each calendar week (ISO) / month, from ``start``
  on (the first bar of a period is known when it arrives; the last is not);
* ``every_n``: bars ``start, start + n, start + 2n, ...``;
* ``threshold``: every bar from ``start`` is *checked*; the engine trades only when some
  weight has drifted more than the band from its target (see :class:`EngineParams`).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["SCHEDULES", "decision_bars"]

SCHEDULES: tuple[str, ...] = ("daily", "weekly", "monthly", "every_n", "threshold")

Schedule = Literal["daily", "weekly", "monthly", "every_n", "threshold"]


def decision_bars(index: Any, schedule: str, *, start: int = 0, every: int = 21) -> np.ndarray:
    """Boolean mask of decision bars.

    Parameters
    ----------
    index : DatetimeIndex or int
        Bar dates (``weekly``/``monthly`` need dates), or the number of bars.
    schedule : {"daily", "weekly", "monthly", "every_n", "threshold"}
        Rebalance schedule.
    start : int, default=0
        First bar that may be a decision bar (the warm-up, e.g. the lookback ``L``).
    every : int, default=21
        Period ``n`` of ``every_n``.

    Returns
    -------
    ndarray of bool, shape (n_bars,)

    Examples
    --------
    >>> decision_bars(10, "every_n", start=2, every=3).nonzero()[0]
    array([2, 5, 8])
    """
    if schedule not in SCHEDULES:
        raise ParameterError(describe_bad_value("schedule", schedule, "one of " + ", ".join(SCHEDULES)))
    if isinstance(start, bool) or not isinstance(start, int | np.integer) or start < 0:
        raise ParameterError(describe_bad_value("start", start, "an int >= 0"))
    if isinstance(every, bool) or not isinstance(every, int | np.integer) or every < 1:
        raise ParameterError(describe_bad_value("every", every, "an int >= 1"))
    n = int(index) if isinstance(index, int | np.integer) else len(index)
    mask = np.zeros(n, dtype=bool)
    if schedule in ("daily", "threshold"):
        mask[start:] = True
    elif schedule == "every_n":
        mask[start::every] = True
    else:
        if not isinstance(index, pd.DatetimeIndex):
            raise ParameterError(
                describe_bad_value(
                    "index", type(index).__name__, f"a DatetimeIndex for the {schedule} schedule"
                )
            )
        if schedule == "weekly":
            iso = index.isocalendar()
            key = (iso["year"].to_numpy() * 100 + iso["week"].to_numpy()).astype(np.int64)
        else:
            key = (index.year * 100 + index.month).to_numpy().astype(np.int64)
        first = np.ones(n, dtype=bool)
        first[1:] = key[1:] != key[:-1]
        mask = first
        mask[:start] = False
    return mask
