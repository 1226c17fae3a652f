"""The progress bar the long-running commands share (tqdm on stderr, nothing with ``--quiet``)."""

from __future__ import annotations

import sys
from typing import Any


class _NullBar:
    """Stands in for a bar when the user asked for quiet (same methods, no output)."""

    def set_description(self, text: str) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, quiet: bool, unit: str = "stage") -> Any:
    """A tqdm bar of ``total`` steps on stderr, or a silent stand-in when ``quiet``.

    Parameters
    ----------
    total : int
        Number of steps the bar counts to.
    quiet : bool
        No output at all (``--quiet``).
    unit : str
        What one step is, shown next to the rate.
    """
    if quiet:
        return _NullBar()
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with the notebooks extra
        return _NullBar()
    return tqdm(total=total, file=sys.stderr, leave=False, unit=unit)
