"""The ``Paths`` result every simulator returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D, Float3D
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["Paths", "time_grid"]

#: ``to_frame`` refuses to build more rows than this (use the arrays for big studies).
MAX_FRAME_ROWS = 2_000_000


def time_grid(n_steps: int, dt: float) -> Float1D:
    """Return the time grid ``0, dt, ..., n_steps * dt`` in years, shape (n_steps + 1,)."""
    return np.arange(n_steps + 1, dtype=np.float64) * dt


@dataclass(frozen=True, slots=True)
class Paths:
    """Simulated paths of one or several assets (or yields) and the latent state.

    Parameters
    ----------
    values : ndarray of shape (n_paths, n_steps + 1, n_assets)
        Prices (``kind="price"``), yields or index levels (``kind="level"``), decimals.
        ``values[:, 0, :]`` is the starting point.
    times : ndarray of shape (n_steps + 1,)
        Time grid in years.
    names : tuple of str, length n_assets
        Asset (or tenor) names.
    kind : {"price", "level"}
        ``"price"`` paths have log returns; ``"level"`` paths (yields, vol index) have changes.
    regimes : ndarray of shape (n_paths, n_steps + 1), optional
        Regime index in force at each time (regime-switching models); the regime at
        ``t`` governs the step from ``t`` to ``t + dt``.
    variance : ndarray of shape (n_paths, n_steps + 1, n_assets), optional
        Conditional variance per step (decimal, per step, not annualised) of GARCH models:
        ``variance[:, t]`` is the variance of the return from ``t`` to ``t + dt``.
    first_path : int
        Global index of the first path (chunked studies); paths are keyed by this index.
    """

    values: Float3D
    times: Float1D
    names: tuple[str, ...]
    kind: Literal["price", "level"] = "price"
    regimes: np.ndarray | None = None
    variance: Float3D | None = None
    first_path: int = 0

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return int(self.values.shape[0])

    @property
    def n_steps(self) -> int:
        """Number of time steps."""
        return int(self.values.shape[1] - 1)

    @property
    def n_assets(self) -> int:
        """Number of assets (or tenors)."""
        return int(self.values.shape[2])

    @property
    def dt(self) -> float:
        """Step length in years."""
        return float(self.times[1] - self.times[0]) if self.times.size > 1 else 0.0

    def returns(self) -> Float3D:
        """Per-step returns, shape (n_paths, n_steps, n_assets).

        Log returns for ``kind="price"``; first differences for ``kind="level"``.
        """
        if self.kind == "price":
            return np.diff(np.log(self.values), axis=1)
        return np.diff(self.values, axis=1)

    def terminal(self) -> Float2D:
        """Values at the last time, shape (n_paths, n_assets)."""
        return self.values[:, -1, :]

    def asset(self, name: str | int) -> Float2D:
        """Paths of one asset, shape (n_paths, n_steps + 1), by name or position."""
        if isinstance(name, str):
            if name not in self.names:
                raise ParameterError(describe_bad_value("name", name, "one of " + ", ".join(self.names)))
            name = self.names.index(name)
        return self.values[:, :, int(name)]

    def to_frame(self) -> pd.DataFrame:
        """Tidy frame with columns ``path, step, time, asset, value`` (+ ``regime``, ``variance``).

        Meant for small results (charts, inspection); refuses more than 2,000,000 rows.
        """
        n_p, n_t, n_a = self.values.shape
        rows = n_p * n_t * n_a
        if rows > MAX_FRAME_ROWS:
            raise ParameterError(
                describe_bad_value("rows", rows, f"at most {MAX_FRAME_ROWS} rows; slice the arrays instead")
            )
        path = np.repeat(np.arange(n_p) + self.first_path, n_t * n_a)
        step = np.tile(np.repeat(np.arange(n_t), n_a), n_p)
        asset = np.tile(np.asarray(self.names, dtype=object), n_p * n_t)
        frame = pd.DataFrame(
            {
                "path": path,
                "step": step,
                "time": self.times[step],
                "asset": asset,
                "value": self.values.reshape(-1),
            }
        )
        if self.regimes is not None:
            frame["regime"] = np.repeat(self.regimes.reshape(-1), n_a)
        if self.variance is not None:
            frame["variance"] = self.variance.reshape(-1)
        return frame

    def to_dict(self) -> dict[str, object]:
        """Shape summary (not the arrays): counts, names, kind, horizon."""
        return {
            "n_paths": self.n_paths,
            "n_steps": self.n_steps,
            "n_assets": self.n_assets,
            "names": list(self.names),
            "kind": self.kind,
            "horizon_years": float(self.times[-1]),
            "first_path": self.first_path,
        }
