"""Parameter sets: validation messages, YAML round trips, and every file under parameters/."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tailkit.errors import ParameterError
from tailkit.params import (
    atomic_write_text,
    load_parameters,
    param,
    parameters_from_dict,
    parameters_to_dict,
    save_parameters,
    validate,
)
from tailkit.studies import NOTEBOOK_PARAMETERS, load_notebook_parameters, parameter_class_for
from tailkit.sweep.grid import is_grid_file

ROOT = Path(__file__).resolve().parents[1]
# sweep grids (a top-level `axes`) live next to the parameter files; tests/sweep checks them
PARAMETER_FILES = sorted(p for p in (ROOT / "parameters").glob("*/*.yaml") if not is_grid_file(p))


@dataclass(frozen=True, slots=True, kw_only=True)
class Demo:
    vol: float = param(0.2, gt=0.0, le=5.0, doc="volatility, decimal per year")
    kind: str = param("put", choices=("put", "call"), doc="option kind")
    n_paths: int = param(1000, ge=1, le=10_000_000, doc="number of paths")
    strikes: tuple[float, ...] = param((90.0, 100.0), gt=0.0, doc="strikes")
    hedge: bool = param(False, doc="hedge on")

    def __post_init__(self) -> None:
        validate(self)


def test_defaults_and_coercion():
    d = Demo(vol=1, strikes=[95, 105])  # ints for floats, list for tuple (as YAML gives)
    assert d.vol == 1.0 and isinstance(d.vol, float)
    assert d.strikes == (95.0, 105.0)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"vol": -0.1}, "vol=-0.1 is not allowed: expected a number > 0.0 and <= 5.0"),
        ({"vol": float("nan")}, "vol=nan"),
        ({"kind": "straddle"}, "one of 'put', 'call'"),
        ({"n_paths": 0}, "n_paths=0"),
        ({"n_paths": 2.5}, "type int"),
        ({"strikes": (100.0, -5.0)}, "strikes=(100.0, -5.0)"),
        ({"hedge": "yes"}, "type bool"),
    ],
)
def test_bad_values_name_field_value_and_range(kwargs, fragment):
    with pytest.raises(ParameterError) as info:
        Demo(**kwargs)
    assert fragment in str(info.value)


def test_unknown_and_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("vol: 0.3\nvolatility: 0.2\n")
    with pytest.raises(ParameterError, match=r"bad\.yaml: unknown field\(s\) 'volatility'"):
        load_parameters(bad, Demo)
    out_of_range = tmp_path / "range.yaml"
    out_of_range.write_text("vol: 9.0\n")
    with pytest.raises(
        ParameterError, match=r"range\.yaml: vol=9\.0 is not allowed: expected a number > 0\.0"
    ):
        load_parameters(out_of_range, Demo)
    broken = tmp_path / "broken.yaml"
    broken.write_text("vol: [0.3\n")
    with pytest.raises(ParameterError, match=r"broken\.yaml: not valid YAML"):
        load_parameters(broken, Demo)
    with pytest.raises(ParameterError, match="cannot read parameter file"):
        load_parameters(tmp_path / "missing.yaml", Demo)


@given(
    vol=st.floats(min_value=1e-6, max_value=5.0),
    kind=st.sampled_from(["put", "call"]),
    n=st.integers(min_value=1, max_value=10_000_000),
    strikes=st.lists(st.floats(min_value=1e-3, max_value=1e6), max_size=5),
    hedge=st.booleans(),
)
def test_yaml_round_trip(tmp_path_factory, vol, kind, n, strikes, hedge):
    d = Demo(vol=vol, kind=kind, n_paths=n, strikes=tuple(strikes), hedge=hedge)
    path = tmp_path_factory.mktemp("rt") / "p.yaml"
    save_parameters(d, path)
    assert load_parameters(path, Demo) == d
    assert parameters_from_dict(Demo, parameters_to_dict(d)) == d


def test_unknown_notebook_stem():
    with pytest.raises(ParameterError, match="notebook='nope' is not allowed"):
        parameter_class_for("nope")


def test_every_parameter_folder_is_registered():
    folders = sorted({p.parent.name for p in PARAMETER_FILES})
    assert set(folders) <= set(NOTEBOOK_PARAMETERS), folders


@pytest.mark.parametrize("path", PARAMETER_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_parameter_file_loads_into_its_dataclass(path):
    obj = load_notebook_parameters(path)
    cls = parameter_class_for(path.parent.name)
    assert isinstance(obj, cls)
    # keys are exactly the fields: the file names no field the class lacks (checked by the
    # loader) and writing the object back gives the same values
    assert parameters_from_dict(cls, parameters_to_dict(obj)) == obj


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_atomic_write_gives_the_mode_a_plain_open_gives(tmp_path, umask: int) -> None:
    # reference: the mode open(path, "w") creates a file with under the same umask (0o666 & ~umask),
    # and keeps for an existing file; mkstemp's private 0o600 must not survive the rename
    old = os.umask(umask)
    try:
        plain = tmp_path / "plain.html"
        with open(plain, "w") as fh:
            fh.write("x")
        atomic = tmp_path / "atomic.html"
        atomic_write_text(atomic, "x")
        assert oct(atomic.stat().st_mode & 0o7777) == oct(plain.stat().st_mode & 0o7777)
        assert atomic.stat().st_mode & 0o7777 == 0o666 & ~umask
        atomic.chmod(0o640)
        atomic_write_text(atomic, "y")  # an existing file keeps its mode, as with open(..., "w")
        assert atomic.stat().st_mode & 0o7777 == 0o640
        assert atomic.read_text() == "y"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["atomic.html", "plain.html"]
    finally:
        os.umask(old)


def test_json_safe_makes_numpy_and_non_finite_values_plain(tmp_path):
    import json

    import numpy as np

    from tailkit.params import json_safe, write_json

    doc = {
        1: np.float64(1.5),
        "nan": float("nan"),
        "inf": np.float32("inf"),
        "flag": np.bool_(True),
        "n": np.int64(7),
        "rows": (np.float64(-np.inf), [np.int32(2)]),
    }
    plain = json_safe(doc)
    assert plain == {"1": 1.5, "nan": None, "inf": None, "flag": True, "n": 7, "rows": [None, [2]]}
    assert type(plain["flag"]) is bool and type(plain["n"]) is int
    write_json(tmp_path / "doc.json", doc)
    assert json.loads((tmp_path / "doc.json").read_text()) == plain
