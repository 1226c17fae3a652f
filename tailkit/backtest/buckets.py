"""Asset buckets: ``bucket: [tickers]`` from a user YAML file, and the default examples.

A bucket file maps bucket names to ticker lists::

    Risk Assets: [AAPL, MSFT, NVDA]
    Defensive Assets: [XLU, XLP]

A ticker may sit in one bucket only. :data:`DEFAULT_BUCKET_NAMES` are the original system's
bucket names, used by the SYNTHETIC demo universe (:mod:`tailkit.synthetic.universe`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["DEFAULT_BUCKET_NAMES", "load_buckets", "check_buckets", "select_buckets"]

DEFAULT_BUCKET_NAMES: tuple[str, ...] = (
    "Risk Assets",
    "Defensive Assets",
    "International",
    "Commodities",
    "Fixed Income",
)


def check_buckets(data: Any, source: str = "buckets") -> dict[str, tuple[str, ...]]:
    """Validate a ``{bucket: [tickers]}`` mapping (non-empty, each ticker in one bucket)."""
    if not isinstance(data, Mapping) or not data:
        raise DataError(f"{source}: expected a non-empty mapping 'bucket: [tickers]'")
    out: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for name, tickers in data.items():
        if not isinstance(tickers, Sequence) or isinstance(tickers, str) or not tickers:
            raise DataError(
                f"{source}: bucket {name!r}: expected a non-empty list of tickers, got {tickers!r}"
            )
        clean = []
        for t in tickers:
            t = str(t).strip()
            if t in seen:
                raise DataError(f"{source}: ticker {t!r} is in bucket {seen[t]!r} and in bucket {name!r}")
            seen[t] = str(name)
            clean.append(t)
        out[str(name)] = tuple(clean)
    return out


def load_buckets(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Read a bucket YAML file."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"{p}: cannot read the bucket file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise DataError(f"{p}: not valid YAML: {exc}") from None
    return check_buckets(data, str(p))


def select_buckets(
    buckets: Mapping[str, tuple[str, ...]], names: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """The buckets ``names`` (all when empty), in file order."""
    if not names:
        return dict(buckets)
    unknown = [n for n in names if n not in buckets]
    if unknown:
        raise ParameterError(
            describe_bad_value("buckets", unknown[0], "one of " + ", ".join(map(repr, buckets)))
        )
    return {k: v for k, v in buckets.items() if k in names}
