"""The readers never crash on garbage: a DataError or a clean result, nothing else."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tailkit.data import CHAIN_COLUMNS, read_history, read_option_chain, read_prices
from tailkit.errors import DataError

_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

_CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "nan",
            "#N/A",
            "put",
            "CALL",
            "c",
            "p",
            "2024-06-28",
            "2024-08-16",
            "2024-02-30",
            "1e309",
            "-0",
            "16.2",
            "0.4",
            "0.45",
            "-1",
            "0",
            "92.5",
            '"',
            "inf",
            "20240816",
            "2024-08-16T10:00:00+02:00",
        ]
    ),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
_ROW = st.lists(_CELL, min_size=0, max_size=len(CHAIN_COLUMNS) + 2).map(lambda cells: ",".join(cells))
_CHAIN_TEXT = st.lists(_ROW, max_size=8).map(lambda rows: "\n".join([",".join(CHAIN_COLUMNS), *rows]))


def _check_chain(path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            read = read_option_chain(path)
        except DataError:
            return
    chain = read.chain
    assert len(chain) > 0
    assert set(chain["option_type"]) <= {"put", "call"}
    assert (chain["strike"] > 0).all() and (chain["bid"] >= 0).all() and (chain["bid"] <= chain["ask"]).all()
    assert (chain["implied_vol"] > 0).all() and (chain["dte"] > 0).all()
    assert (
        np.isfinite(chain[["underlying_price", "strike", "bid", "ask", "implied_vol", "delta", "T", "mid"]])
        .all()
        .all()
    )
    assert chain["line"].is_unique and (chain["line"] >= 2).all()
    assert set(chain["line"]).isdisjoint(set(read.rejected["line"]))


@_SETTINGS
@given(raw=st.binary(max_size=400))
def test_chain_random_bytes(tmp_path, raw):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(raw)
    _check_chain(path)


@_SETTINGS
@given(text=_CHAIN_TEXT)
def test_chain_random_csv_text(tmp_path, text):
    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8")
    _check_chain(path)


@_SETTINGS
@given(raw=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_history_and_prices_random_input(tmp_path, raw):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(b"date,yield_20y,yield_30y,tlt_close\n" + raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for reader in (read_history, read_prices):
            try:
                frame = reader(path)
            except DataError:
                continue
            assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.is_unique
            assert frame.index.is_monotonic_increasing
