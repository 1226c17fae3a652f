"""Inputs of the overlay studies: the bundled SYNTHETIC files or the user's, and simulation settings.

``history_file`` / ``chain_file`` / ``calibration_file`` take a path, or ``"synthetic"`` for the
bundled SYNTHETIC files of :mod:`tailkit.data.synthetic` (made by :mod:`tailkit.synthetic`;
then every table and chart title says so), or ``"none"`` where a file is optional.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tailkit.data import read_history, read_option_chain
from tailkit.data.history import as_date
from tailkit.data.synthetic import synthetic_paths
from tailkit.overlay import (
    OverlayCalibration,
    SimulationSettings,
    calibrate_overlay,
    read_calibration,
)

__all__ = [
    "SYNTHETIC",
    "NONE",
    "check_date",
    "data_label",
    "load_history_input",
    "load_chain_input",
    "load_calibration_input",
    "simulation_settings",
    "spread_kinds",
]

#: the keyword that selects the bundled SYNTHETIC files
SYNTHETIC = "synthetic"
#: the keyword for "no file" where a file is optional
NONE = "none"


def check_date(name: str, value: str) -> pd.Timestamp:
    """``value`` as a date; a :class:`~tailkit.errors.ParameterError` naming ``name`` otherwise."""
    return as_date(name, value)


def data_label(source: str) -> str:
    """Return the label shown in titles: ``"SYNTHETIC data"`` or the file's name.

    Parameters
    ----------
    source : str
        ``"synthetic"`` or a path.

    Returns
    -------
    str
    """
    if source.strip().lower() == SYNTHETIC:
        return "SYNTHETIC data"
    return f"data: {source.replace(chr(92), '/').rsplit('/', 1)[-1]}"


def load_history_input(
    history_file: str,
    *,
    date_col: str = "date",
    yield_20y_col: str = "yield_20y",
    yield_30y_col: str = "yield_30y",
    tlt_col: str = "tlt_close",
) -> pd.DataFrame:
    """Read the overlay history: the bundled SYNTHETIC file for ``"synthetic"``, else the path.

    Parameters
    ----------
    history_file : str
        ``"synthetic"`` or a CSV/Parquet path (``date,yield_20y,yield_30y,tlt_close``).
    date_col, yield_20y_col, yield_30y_col, tlt_col : str
        Column names in a user's file.

    Returns
    -------
    DataFrame of shape (n_days, 3)
        :func:`tailkit.data.read_history` output (decimal yields).
    """
    if history_file.strip().lower() == SYNTHETIC:
        return read_history(synthetic_paths().history, yield_units="percent")
    return read_history(
        history_file,
        date_col=date_col,
        yield_20y_col=yield_20y_col,
        yield_30y_col=yield_30y_col,
        tlt_col=tlt_col,
    )


def load_chain_input(chain_file: str) -> pd.DataFrame | None:
    """Read an option chain: the bundled SYNTHETIC chain, a path, or ``None`` for ``"none"``/``""``.

    Parameters
    ----------
    chain_file : str
        ``"synthetic"``, ``"none"`` (or empty) or a path to an option-chain CSV.

    Returns
    -------
    DataFrame or None
        ``read_option_chain(...).chain`` (IV in decimals); rejected rows are reported by the
        reader's warning.
    """
    key = chain_file.strip().lower()
    if key in (NONE, ""):
        return None
    if key == SYNTHETIC:
        return read_option_chain(synthetic_paths().chain, iv_units="percent").chain
    return read_option_chain(chain_file).chain


def load_calibration_input(calibration_file: str) -> OverlayCalibration:
    """Return a calibration: fitted on the SYNTHETIC history for ``"synthetic"``, else read from JSON.

    ``"synthetic"`` fits the bundled SYNTHETIC history with ``tailkit calibrate``'s defaults.

    Parameters
    ----------
    calibration_file : str
        ``"synthetic"`` or a path written by ``tailkit calibrate``.

    Returns
    -------
    OverlayCalibration
    """
    if calibration_file.strip().lower() == SYNTHETIC:
        return calibrate_overlay(load_history_input(SYNTHETIC))
    return read_calibration(calibration_file)


def simulation_settings(p: Any) -> SimulationSettings:
    """The Monte Carlo settings of a notebook-08/09 parameter set."""
    return SimulationSettings(
        n_paths=p.n_paths,
        seed=p.seed,
        risk_free_rate=p.risk_free_rate,
        dividend_yield=p.dividend_yield,
        residual_noise=p.residual_noise,
    )


def spread_kinds(spread_types: str) -> tuple[str, ...]:
    """The spread kinds ``"put"`` / ``"call"`` / ``"both"`` stands for."""
    return ("put", "call") if spread_types == "both" else (spread_types,)
