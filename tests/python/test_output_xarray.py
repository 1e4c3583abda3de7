"""The run file opens in xarray (engine h5netcdf) exactly as docs/output.md promises.

Runs the C++ helper tests/output/write_sample_run_file (built by CMake) to write the sample
run of tests/output/sample_run.cpp, then reads it back. Set REGSIM_BUILD_DIR to the CMake
build folder (default /work/main/build). Run with Debian's /usr/bin/python3 -m pytest.
"""

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

xr = pytest.importorskip("xarray")
h5netcdf = pytest.importorskip("h5netcdf")
pd = pytest.importorskip("pandas")

BUILD_DIR = Path(os.environ.get("REGSIM_BUILD_DIR", "/work/main/build"))
HELPER = BUILD_DIR / "tests" / "output" / "write_sample_run_file"

# The sample run (tests/output/sample_run.hpp): 5 replicates, steps 0..6 recorded every 2.
REPLICATES = 5
TIMES = [0, 2, 4, 6]
STATES = ["MLI", "BFA", "NER"]
INSTITUTIONS = ["ECOWAS", "AES"]
AXES = ["west", "russia"]


def _write(folder, *args):
    if not HELPER.is_file():
        pytest.skip(
            f"{HELPER} not built: build target write_sample_run_file and set "
            "REGSIM_BUILD_DIR to the CMake build folder"
        )
    out = folder / "sample.h5"
    subprocess.run([str(HELPER), str(out), *args], check=True, timeout=60)
    assert out.is_file()
    assert not Path(str(out) + ".part").exists()
    return out


@pytest.fixture(scope="module")
def sample_run_file(tmp_path_factory):
    return _write(tmp_path_factory.mktemp("run"))


@pytest.fixture()
def ds(sample_run_file):
    with xr.open_dataset(sample_run_file, engine="h5netcdf") as dataset:
        yield dataset


def test_dimensions_and_coordinates(ds):
    assert dict(ds.sizes) == {
        "replicate": REPLICATES,
        "time": len(TIMES),
        "state": len(STATES),
        "institution": len(INSTITUTIONS),
        "axis": len(AXES),
        "patron": 1,
        "event": sum(range(1, REPLICATES + 1)),
    }
    assert not [d for d in ds.dims if d.startswith("phony_dim")]
    assert ds.replicate.values.tolist() == list(range(REPLICATES))
    assert ds.time.values.tolist() == TIMES
    assert ds.axis.values.tolist() == AXES
    assert ds.patron.values.tolist() == ["RUS"]
    # Auxiliary coordinates are coordinates, not data variables.
    for name in ("month", "state_name", "institution_name"):
        assert name in ds.coords and name not in ds.data_vars
    assert ds.month.values.tolist() == ["2022-11", "2023-01", "2023-03", "2023-05"]
    assert ds.institution_name.values.tolist()[1] == "Alliance des États du Sahel"
    # The event dimension has no coordinate values.
    assert "event" not in ds.coords and "event" not in ds.data_vars


def test_string_ids_select(ds):
    assert ds.state.values.tolist() == STATES
    assert all(isinstance(s, str) for s in ds.state.values)
    assert ds.institution.values.tolist() == INSTITUTIONS
    mli = ds.status.sel(state="MLI", institution="ECOWAS")
    assert mli.dims == ("replicate", "time")
    # status(r, t, s, i) = (r + t_index + 2 s + i) % 5 in sample_run.cpp
    expected = [[(r + t) % 5 for t in range(len(TIMES))] for r in range(REPLICATES)]
    assert mli.values.tolist() == expected
    ner = ds.sovereignty.sel(state="NER", replicate=3, time=4)
    assert float(ner) == pytest.approx(0.5 + 0.3 + 0.02 + 0.002)
    assert ds.alignment.sel(axis="russia").dims == ("replicate", "time", "state")


def test_variables_types_and_flags(ds):
    assert ds.sovereignty.dims == ("replicate", "time", "state")
    assert ds.status.dtype == np.uint8
    assert ds.status.attrs["flag_meanings"] == "none member suspended withdrawing withdrawn"
    assert list(ds.status.attrs["flag_values"]) == [0, 1, 2, 3, 4]
    assert ds.regime.attrs["flag_meanings"] == "civilian military"
    assert ds.event_kind.attrs["flag_meanings"].split()[:3] == ["announce", "rescind", "exit"]
    assert ds.exit_step.dtype == np.int32
    assert ds.exit_step.dims == ("replicate", "state", "institution")
    assert ds.cascade_size.sel(institution="AES").values.tolist() == [
        r + 1 for r in range(REPLICATES)
    ]


def test_units_are_cf_and_leave_steps_as_integers(ds):
    # udunits spellings; never "months since <date>", which xarray would try to decode as a
    # calendar time: steps stay integers, months are the `month` labels.
    units = {name: ds[name].attrs.get("units") for name in ds.variables}
    for name in ("time", "announce_step", "exit_step", "dissolve_step", "found_step",
                 "event_step"):
        assert units[name] == "month", name
    for name in ("sovereignty", "alignment", "cascade_size"):
        assert units[name] == "1", name
    for name in ("status", "regime", "final_status", "event_kind", "month", "state"):
        assert units[name] is None, name
    assert ds["time"].dtype.kind == "i" and ds["exit_step"].dtype == np.int32


def test_provenance_attributes(ds):
    attrs = ds.attrs
    assert attrs["complete"] == 1
    assert attrs["scenario_name"] == "sample_sahel"
    assert isinstance(attrs["scenario_text"], str)
    assert attrs["scenario_text"].startswith('name = "sample_sahel"\n')
    assert attrs["parameters"].startswith("{")
    assert int(attrs["seed"]) == 18446744073709551557
    assert int(attrs["replicates"]) == REPLICATES
    assert int(attrs["steps"]) == 6
    assert int(attrs["record_every"]) == 2
    assert attrs["start_month"] == "2022-11"
    for key in ("regsim_version", "git_commit", "command_line", "started_at", "finished_at"):
        assert isinstance(attrs[key], str) and attrs[key], key
    assert attrs["finished_at"].endswith("Z")
    assert "coordinates" not in attrs  # consumed by xarray


def test_event_table_loads_into_pandas(ds):
    events = ds[[name for name in ds.data_vars if name.startswith("event_")]].to_dataframe()
    assert isinstance(events, pd.DataFrame)
    assert len(events) == sum(range(1, REPLICATES + 1))
    assert events.event_replicate.is_monotonic_increasing
    assert events.groupby("event_replicate").size().tolist() == list(
        range(1, REPLICATES + 1)
    )
    assert events.event_value.tolist()[:3] == [0.0, 1000.0, 1001.0]
    assert set(events.event_state.unique()) <= {-1, 0, 1, 2}
    kinds = ds.event_kind.attrs["flag_meanings"].split()
    assert [kinds[k] for k in events.event_kind[:3]] == ["announce", "announce", "rescind"]


def test_no_trajectories(tmp_path):
    out = _write(tmp_path, "--no-trajectories")
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        for name in ("sovereignty", "alignment", "regime", "status"):
            assert name not in ds.variables
        assert "month" in ds.coords
        assert ds.exit_step.sel(state="BFA").dims == ("replicate", "institution")
        assert ds.attrs["complete"] == 1


def test_killed_run_leaves_a_readable_part(tmp_path):
    if not HELPER.is_file():
        pytest.skip(f"{HELPER} not built")
    out = tmp_path / "killed.h5"
    part = Path(str(out) + ".part")
    proc = subprocess.run([str(HELPER), str(out), "--kill-after", "2"], timeout=60)
    assert proc.returncode == -9  # SIGKILL
    assert part.is_file() and not out.exists()
    # A killed writer's superblock still says "open for writing": a plain open is refused, one
    # with SWMR read access (docs/output.md) reads the replicates flushed before the kill.
    with pytest.raises(OSError, match="already open for write"):
        xr.open_dataset(part, engine="h5netcdf")
    store = xr.backends.H5NetCDFStore(h5netcdf.File(part, "r", swmr=True, decode_vlen_strings=True))
    with xr.open_dataset(store) as ds:
        assert "complete" not in ds.attrs and "finished_at" not in ds.attrs
        sov = ds.sovereignty.sel(state="MLI", time=0)
        assert float(sov.sel(replicate=1)) == pytest.approx(0.6)
        assert np.isnan(float(sov.sel(replicate=2)))  # never written: fill value
        assert ds.sizes["event"] == 1 + 2
