"""Correlation matrices: checks, Cholesky factors and the nearest valid matrix (Higham 2002)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tailkit._typing import Float2D
from tailkit.errors import ConvergenceError, ParameterError, describe_bad_value

__all__ = ["nearest_correlation", "check_correlation", "correlation_cholesky", "as_matrix", "as_nested_tuple"]


def as_matrix(name: str, value: Any, n: int) -> Float2D:
    """Coerce ``value`` to an (n, n) float matrix, naming ``name`` when it has the wrong shape."""
    try:
        mat = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(describe_bad_value(name, value, f"an {n} x {n} matrix of numbers")) from None
    if mat.shape != (n, n):
        raise ParameterError(describe_bad_value(name, value, f"an {n} x {n} matrix (got shape {mat.shape})"))
    return mat


def as_nested_tuple(value: Any) -> tuple[tuple[float, ...], ...]:
    """Turn a matrix-like value into a tuple of row tuples of floats (YAML/dataclass friendly)."""
    mat = np.atleast_2d(np.asarray(value, dtype=np.float64))
    return tuple(tuple(float(x) for x in row) for row in mat)


def check_correlation(name: str, value: Any, n: int, *, tol: float = 1e-10) -> Float2D:
    """Validate a correlation matrix and return it as an array.

    Checks shape, symmetry, a unit diagonal, entries in [-1, 1] and positive
    semi-definiteness.

    Parameters
    ----------
    name : str
        Argument name for messages.
    value : array_like of shape (n, n)
        Candidate correlation matrix.
    n : int
        Expected dimension.
    tol : float, default=1e-10
        Tolerance for symmetry, the diagonal and the smallest eigenvalue.

    Returns
    -------
    ndarray of shape (n, n)

    Raises
    ------
    ParameterError
        Naming what is wrong; a matrix that is not positive semi-definite gets the hint
        to use :func:`nearest_correlation`.
    """
    mat = as_matrix(name, value, n)
    if not np.all(np.isfinite(mat)):
        raise ParameterError(describe_bad_value(name, value, "finite numbers"))
    if not np.allclose(mat, mat.T, atol=tol, rtol=0.0):
        raise ParameterError(describe_bad_value(name, mat.tolist(), "a symmetric matrix"))
    if not np.allclose(np.diag(mat), 1.0, atol=tol, rtol=0.0):
        raise ParameterError(describe_bad_value(name, mat.tolist(), "ones on the diagonal"))
    if np.any(np.abs(mat) > 1.0 + tol):
        raise ParameterError(describe_bad_value(name, mat.tolist(), "entries in [-1, 1]"))
    eig = np.linalg.eigvalsh(0.5 * (mat + mat.T))
    if eig[0] < -tol:
        raise ParameterError(
            f"{name} is not positive semi-definite (smallest eigenvalue {eig[0]:.4g}), so it is not a "
            f"valid correlation matrix; use tailkit.simulation.nearest_correlation({name}) for the "
            f"nearest valid one: {np.round(nearest_correlation(mat), 4).tolist()}"
        )
    return 0.5 * (mat + mat.T)


def correlation_cholesky(corr: Float2D) -> Float2D:
    """Lower Cholesky factor of a (possibly singular) correlation matrix.

    A singular but positive semi-definite matrix (e.g. perfect correlation) is factored
    through its eigen-decomposition into a lower-triangular factor via QR, so ``L @ L.T``
    reproduces ``corr`` to rounding.
    """
    try:
        return np.asarray(np.linalg.cholesky(corr), dtype=np.float64)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(corr)
        root = vecs * np.sqrt(np.clip(vals, 0.0, None))
        # root @ root.T == corr; make it lower triangular: root.T = Q R  =>  root = R.T Q.T
        _, r = np.linalg.qr(root.T)
        low = r.T
        signs = np.where(np.diag(low) < 0, -1.0, 1.0)
        return low * signs


def nearest_correlation(matrix: Any, *, tol: float = 1e-10, max_iter: int = 500) -> Float2D:
    """Nearest correlation matrix in the Frobenius norm (Higham 2002, alternating projections).

    Alternates projections onto the positive semi-definite cone and onto unit-diagonal
    symmetric matrices, with Dykstra's correction, until the iterates stop moving.

    Parameters
    ----------
    matrix : array_like of shape (n, n)
        A symmetric matrix with (approximately) unit diagonal.
    tol : float, default=1e-10
        Stop when successive iterates differ by less than ``tol`` (max abs).
    max_iter : int, default=500
        Iteration cap.

    Returns
    -------
    ndarray of shape (n, n)
        A valid correlation matrix (symmetric, unit diagonal, eigenvalues >= 0).

    Raises
    ------
    ConvergenceError
        When the projections have not converged after ``max_iter`` iterations.

    Examples
    --------
    >>> bad = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
    >>> fixed = nearest_correlation(bad)
    >>> bool(np.linalg.eigvalsh(fixed).min() > -1e-10)
    True
    """
    a = np.asarray(matrix, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ParameterError(describe_bad_value("matrix", matrix, "a square matrix"))
    y = 0.5 * (a + a.T)
    ds = np.zeros_like(y)
    for _ in range(max_iter):
        r = y - ds
        vals, vecs = np.linalg.eigh(r)
        x = (vecs * np.clip(vals, 0.0, None)) @ vecs.T
        ds = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        if np.max(np.abs(y_new - y)) < tol:
            y = y_new
            break
        y = y_new
    else:
        raise ConvergenceError(f"nearest_correlation did not converge in {max_iter} iterations")
    # final clean-up: tiny negative eigenvalues from rounding
    vals, vecs = np.linalg.eigh(y)
    if vals[0] < 0:
        y = (vecs * np.clip(vals, 0.0, None)) @ vecs.T
        d = np.sqrt(np.diag(y))
        y = y / np.outer(d, d)
    y = 0.5 * (y + y.T)
    np.fill_diagonal(y, 1.0)
    return y
