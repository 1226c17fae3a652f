"""A progress bar that appears only when a run takes more than a second (tqdm, lazily imported)."""

from __future__ import annotations

import sys
from typing import Any


class _Null:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, description: str, enabled: bool) -> Any:
    """Return a tqdm bar on stderr shown after 1 s, or a no-op when disabled or tqdm is missing."""
    if not enabled:
        return _Null()
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with the notebooks extra
        return _Null()
    return tqdm(total=total, desc=description, file=sys.stderr, delay=1.0, leave=False, unit="spread")
