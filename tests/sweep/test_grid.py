"""Sweep grids, run ids, the results store and the CLI's checks before anything runs (no cluster)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tailkit.errors import ParameterError
from tailkit.studies import parameter_class_for
from tailkit.sweep.grid import expand_grid, grid_from_dict, is_grid_file, load_grid, validate_sets
from tailkit.sweep.store import RunRecord, records_frame, run_id, sweep_lock, write_record

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _light import LightParams, write_light_notebook

ROOT = Path(__file__).resolve().parents[2]
GRID_FILES = sorted(p for p in (ROOT / "parameters").glob("*/*.yaml") if is_grid_file(p))


def test_cartesian_zip_and_list_blocks_combine_as_a_product():
    grid = grid_from_dict(
        {
            "axes": [
                {"cartesian": {"x": [1, 2], "label": ["a", "b"]}},
                {"zip": {"sleep": [0.0, 0.5], "fail": [False, True]}},
                {"list": [{"x": 3}]},
            ]
        }
    )
    sets = expand_grid(grid)
    assert len(sets) == 2 * 2 * 2 * 1
    # zipped fields move together, never crossed
    assert {(s["sleep"], s["fail"]) for s in sets} == {(0.0, False), (0.5, True)}
    # a later block overrides an earlier one's field (the list sets x=3 everywhere)
    assert {s["x"] for s in sets} == {3}
    assert grid.swept_fields == ("x", "label", "sleep", "fail")


def test_counts_and_order_of_a_cartesian_grid():
    grid = grid_from_dict({"axes": {"cartesian": {"x": [1, 2, 3], "label": ["a", "b"]}}})
    sets = expand_grid(grid)
    assert [(s["x"], s["label"]) for s in sets] == [
        (1, "a"),
        (1, "b"),
        (2, "a"),
        (2, "b"),
        (3, "a"),
        (3, "b"),
    ]


def test_every_set_is_validated_and_the_error_names_set_field_value_and_range():
    grid = grid_from_dict({"axes": [{"cartesian": {"x": [1.0, 250.0], "label": ["a"]}}]}, source="g.yaml")
    with pytest.raises(ParameterError) as info:
        validate_sets(grid, LightParams)
    msg = str(info.value)
    assert msg.startswith("g.yaml: set 1 (x=250.0, label='a'): x=250.0 is not allowed")
    assert "<= 100.0" in msg


def test_unknown_fields_and_bad_choices_are_rejected():
    with pytest.raises(ParameterError, match=r"set 0 \(colour='red'\): unknown field\(s\) 'colour'"):
        validate_sets(grid_from_dict({"axes": [{"list": [{"colour": "red"}]}]}), LightParams)
    with pytest.raises(ParameterError, match="label='z' is not allowed: expected one of 'a', 'b', 'c'"):
        validate_sets(grid_from_dict({"axes": [{"cartesian": {"label": ["a", "z"]}}]}), LightParams)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"axes": [{"zip": {"x": [1, 2], "label": ["a"]}}]}, "lists of equal length"),
        ({"axes": [{"cartesian": {"x": []}}]}, "x=[] is not allowed"),
        ({"axes": [{"grid": {"x": [1]}}]}, "one key: cartesian, zip, list"),
        ({"axes": []}, "axes=[] is not allowed"),
        ({"fixed": {"x": 1}}, "a grid needs 'axes'"),
        ({"axes": [{"list": [{"x": 1}]}], "extra": 1}, "keys=['extra']"),
        ({"base": "missing.yaml", "axes": [{"list": [{"x": 1}]}]}, "base='missing.yaml'"),
    ],
)
def test_malformed_grids_are_rejected(data, fragment):
    with pytest.raises(
        ParameterError, match=fragment.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")
    ):
        validate_sets(grid_from_dict(data), LightParams)


def test_base_and_fixed_fill_every_set_and_duplicates_are_rejected(tmp_path):
    (tmp_path / "base.yaml").write_text("x: 5.0\nlabel: c\n")
    grid_file = tmp_path / "grid.yaml"
    grid_file.write_text(
        "base: base.yaml\nfixed: {sleep: 0.25}\naxes:\n  - cartesian: {fail: [false, true]}\n"
    )
    sets = validate_sets(load_grid(grid_file), LightParams)
    assert [s.values for s in sets] == [
        {"x": 5.0, "label": "c", "sleep": 0.25, "fail": False},
        {"x": 5.0, "label": "c", "sleep": 0.25, "fail": True},
    ]
    assert is_grid_file(grid_file) and not is_grid_file(tmp_path / "base.yaml")
    with pytest.raises(ParameterError, match=r"set 1 \(x=1\) repeats set 0"):
        validate_sets(grid_from_dict({"axes": [{"list": [{"x": 1.0}, {"x": 1}]}]}), LightParams)


@pytest.mark.parametrize("path", GRID_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_grid_under_parameters_expands_into_valid_sets(path):
    sets = validate_sets(load_grid(path), parameter_class_for(path.parent.name))
    assert len(sets) >= 2


def test_the_small_09_grid_is_two_spread_types_by_three_deltas():
    sets = validate_sets(
        load_grid(ROOT / "parameters/09_exit_optimization/sweep_small.yaml"),
        parameter_class_for("09_exit_optimization"),
    )
    assert sorted((s.values["spread_type"], s.values["delta"]) for s in sets) == sorted(
        (t, d) for t in ("put", "call") for d in (0.15, 0.20, 0.25)
    )


def test_run_id_depends_on_notebook_parameters_and_version_only():
    values = {"x": 1.0, "label": "a"}
    rid = run_id(b"nb", values, "1.0")
    assert len(rid) == 16 and int(rid, 16) >= 0
    assert run_id(b"nb", {"label": "a", "x": 1.0}, "1.0") == rid  # key order does not matter
    assert run_id(b"nb2", values, "1.0") != rid
    assert run_id(b"nb", {"x": 2.0, "label": "a"}, "1.0") != rid
    assert run_id(b"nb", values, "1.1") != rid


def _record(rid: str, status: str) -> RunRecord:
    return RunRecord(
        run_id=rid, index=0, notebook="n.ipynb", swept={"x": 1}, parameters={"x": 1.0, "t": [1, 2]},
        status=status, seconds=1.5, started="s", finished="f", summary={"y": 2.0},
    )  # fmt: skip


def test_a_rewritten_record_replaces_the_old_one(tmp_path):
    write_record(tmp_path, _record("a" * 16, "failed"))
    write_record(tmp_path, _record("a" * 16, "ok"))
    frame = records_frame(tmp_path, ["a" * 16, "b" * 16])
    assert frame["status"].tolist() == ["ok", "pending"]
    assert json.loads(frame["parameters"][0]) == {"t": [1, 2], "x": 1.0}


def test_one_driver_per_sweep_folder(tmp_path):
    with sweep_lock(tmp_path), pytest.raises(ParameterError, match="no other running sweep"):
        with sweep_lock(tmp_path):
            pass
    with sweep_lock(tmp_path):  # released when the holder leaves
        pass


def test_importing_tailkit_sweep_loads_no_dask():
    code = (
        "import sys, tailkit, tailkit.sweep, tailkit.sweep.notebook_sweep, tailkit.sweep.execution;"
        "import tailkit.cli.sweep;"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'papermill'});"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "tailkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_cli_rejects_a_bad_grid_before_starting_anything(tmp_path):
    grid = tmp_path / "bad.yaml"
    grid.write_text("axes:\n  - cartesian: {delta: [0.2, 1.5]}\n")
    out = tmp_path / "out"
    run = _cli("sweep", "notebooks/09_exit_optimization.ipynb", "--grid", str(grid), "--out", str(out))
    assert run.returncode == 2
    assert f"{grid}: set 1 (delta=1.5): delta=1.5 is not allowed" in run.stderr
    assert not out.exists()  # nothing ran, nothing written


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("sweep", "status"), "DIR=None is not allowed"),
        (("sweep", "notebooks/01_option_pricing.ipynb"), "--grid=None is not allowed"),
        (("sweep", "README.md", "--grid", "g.yaml"), "NOTEBOOK='README.md' is not allowed"),
        (("sweep", "status", "/nonexistent/folder"), "a sweep folder (holding sweep.json)"),
    ],
)
def test_cli_forms_are_told_apart(args, fragment):
    run = _cli(*args)
    assert run.returncode == 2 and fragment in run.stderr, run.stderr


def test_status_and_collect_read_a_sweep_folder(tmp_path):
    from tailkit.sweep.notebook_sweep import collect_sweep, sweep_status
    from tailkit.sweep.store import SweepManifest, write_manifest

    nb = write_light_notebook(tmp_path / "light.ipynb")
    ids = ("a" * 16, "b" * 16, "c" * 16)
    write_manifest(tmp_path, SweepManifest(str(nb), "g.yaml", ("x",), ids, "0"))
    write_record(tmp_path, _record(ids[0], "ok"))
    failed = _record(ids[1], "failed")
    write_record(
        tmp_path,
        RunRecord(
            **{**failed.to_dict(), "parameters": {"x": 2.0, "t": [1, 2]}, "summary": {}, "error": "E: boom"}
        ),
    )
    status = sweep_status(tmp_path)
    assert (status.total, status.ok, status.failed, status.pending) == (3, 1, 1, 1)
    assert status.errors == {ids[1]: "E: boom"}
    table = collect_sweep(tmp_path)
    assert table.columns.tolist() == ["run_id", "status", "seconds", "x", "y", "error"]
    assert table["x"].tolist() == [1.0, 2.0] and table["y"].tolist()[0] == 2.0
    assert (tmp_path / "collected.parquet").is_file() and (tmp_path / "collected.csv").is_file()
    run = _cli("sweep", "status", str(tmp_path))
    assert run.returncode == 1 and "3 runs: 1 ok, 1 failed, 1 pending" in run.stdout
    run = _cli("sweep", "collect", str(tmp_path))
    assert run.returncode == 0 and ids[0] in run.stdout
