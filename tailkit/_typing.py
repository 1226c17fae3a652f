"""Shaped array aliases and ``Literal`` option types used across tailkit.

The aliases document shapes in signatures; numpy does not check them at run time.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "ArrayLike",
    "Float64Array",
    "Float1D",
    "Float2D",
    "Float3D",
    "Int64Array",
    "BoolArray",
    "FloatOrArray",
    "OptionKind",
    "OptionKindLike",
    "SeedLike",
    "SpreadType",
]

ArrayLike: TypeAlias = npt.ArrayLike
Float64Array: TypeAlias = npt.NDArray[np.float64]
#: ndarray of shape (n,)
Float1D: TypeAlias = npt.NDArray[np.float64]
#: ndarray of shape (n, m)
Float2D: TypeAlias = npt.NDArray[np.float64]
#: ndarray of shape (n_paths, n_steps + 1, n_assets)
Float3D: TypeAlias = npt.NDArray[np.float64]
Int64Array: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
FloatOrArray: TypeAlias = float | npt.NDArray[np.float64]

OptionKind: TypeAlias = Literal["call", "put"]
#: accepted spellings; normalised to ``OptionKind`` at the API boundary
OptionKindLike: TypeAlias = Literal["call", "put", "c", "p", "C", "P", "Call", "Put", "CALL", "PUT"]
SpreadType: TypeAlias = Literal["put", "call"]
SeedLike: TypeAlias = int | np.random.Generator | np.random.SeedSequence | None
