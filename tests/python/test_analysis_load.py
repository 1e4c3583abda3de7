"""analysis.load / analysis.events against the raw file read with h5py."""

import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.data import month_dates, month_step, quantile_steps


def test_load_has_named_dims_and_calendar_dates(run_file):
    ds = analysis.load(run_file)
    assert set(ds["status"].dims) == {"replicate", "time", "state", "institution"}
    assert ds["date"].dims == ("time",)
    assert np.issubdtype(ds["date"].dtype, np.datetime64)
    start = ds.attrs["start_month"]
    t0 = int(ds["time"][0])
    expected = (np.datetime64(start, "M") + np.timedelta64(t0, "M")).astype("datetime64[ns]")
    assert ds["date"].values[0] == expected
    # date agrees with the stored YYYY-MM month coordinate, step by step
    months = [str(m) for m in ds["month"].values]
    assert [str(d)[:7] for d in ds["date"].values.astype("datetime64[M]")] == months
    assert isinstance(ds["state"].values[0], str)
    ds.status.sel(state=str(ds.state.values[0]), institution=str(ds.institution.values[0]))


def test_month_helpers():
    assert str(month_dates("2022-11", [0, 1, 2, 14])[3])[:10] == "2024-01-01"
    assert month_step("2022-11", "2024-01-15") == 14
    assert month_step("2022-11", "2022-10") == -1
    assert quantile_steps(np.array([2, 4])) == [2.0, 2.0, 4.0]
    assert all(np.isnan(quantile_steps(np.array([], int))))


def test_events_match_raw_datasets(run_file):
    ev = analysis.events(run_file)
    assert list(ev.columns) == ["replicate", "step", "date", "kind", "cause", "state",
                                "institution", "patron", "value"]
    with h5py.File(run_file, "r") as f:
        n = f["event_step"].shape[0]
        kinds = f["event_kind"].attrs["flag_meanings"]
        kinds = (kinds.decode() if isinstance(kinds, bytes) else kinds).split()
        states = [s.decode() if isinstance(s, bytes) else s for s in f["state"][()]]
        assert len(ev) == n
        np.testing.assert_array_equal(ev["step"], f["event_step"][()])
        assert list(ev["kind"]) == [kinds[k] for k in f["event_kind"][()]]
        raw_state = f["event_state"][()]
        assert [s is None for s in ev["state"]] == list(raw_state < 0)
        assert [s for s in ev["state"] if s is not None] == [states[i] for i in raw_state
                                                             if i >= 0]
    assert pd.api.types.is_datetime64_any_dtype(ev["date"])
    # ordered by replicate, then step
    key = ev["replicate"].to_numpy() * 100000 + ev["step"].to_numpy()
    assert (np.diff(key) >= 0).all()


def test_events_consistent_with_summaries(run_file):
    """Every exit by decision or force matches exit_step (the first one per membership);
    memberships ended by a dissolution are logged as exits with cause "dissolution" and are
    not exits in exit_step (docs/model.md)."""
    ds = analysis.load(run_file)
    ev = analysis.events(run_file)
    chosen = ((ev.kind == "exit") & (ev.cause != "dissolution")) | (ev.kind == "force_exit")
    ex = ev[chosen].groupby(["replicate", "state", "institution"])["step"].min()
    table = ds["exit_step"].to_series()
    table = table[table >= 0]
    assert len(table) == len(ex)
    assert (table.sort_index() == ex.reindex(table.sort_index().index)).all()


def test_load_refuses_incomplete(incomplete_file):
    with pytest.raises(analysis.IncompleteFileError):
        analysis.load(incomplete_file)
    assert analysis.load(incomplete_file, allow_incomplete=True).sizes["replicate"] == 3


def test_cli_refuses_incomplete_with_exit_2(incomplete_file, repo_root):
    # one real `python3 -m analysis` process: the exit status and message users see
    p = subprocess.run([sys.executable, "-m", "analysis", "summary", str(incomplete_file)],
                       cwd=repo_root, capture_output=True, text=True)
    assert p.returncode == 2
    assert "not a complete regsim file" in p.stderr
    assert "--allow-incomplete" in p.stderr

    from analysis.cli import main

    assert main(["summary", str(incomplete_file), "--allow-incomplete"]) == 0


def test_cli_help_for_every_command(capsys):
    from analysis.cli import build_parser, main

    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"summary", "timeline", "trajectories", "cascades", "network", "sweep",
            "hindcast"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as e:
            main([name, "--help"])
        assert e.value.code == 0
        assert "usage:" in capsys.readouterr().out, name


def test_cli_missing_file_is_an_error(tmp_path, capsys):
    from analysis.cli import main

    assert main(["summary", str(tmp_path / "nope.h5")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_unfinished_run_reads_only_its_flushed_replicates(run_file, tmp_path):
    # A killed run's .part: replicates after the flushed prefix read as fill values, which the
    # tables would count as "never announced". load() keeps the prefix; labels say so.
    import shutil

    import h5py
    import numpy as np

    from analysis import summary

    part = tmp_path / "killed.h5.part"
    shutil.copy(run_file, part)
    with h5py.File(part, "r+") as f:
        total = f["cascade_size"].shape[0]
        n = total // 2
        for name in ("announce_step", "exit_step", "dissolve_step", "found_step",
                     "cascade_size"):
            f[name][n:] = np.iinfo(np.int32).min
        f["final_status"][n:] = 255
        f.attrs["complete"] = np.int32(0)
    ds = analysis.load(part, allow_incomplete=True)
    assert ds.sizes["replicate"] == n
    whole = analysis.load(run_file).isel(replicate=slice(0, n))
    got = summary.membership_table(ds, all_rows=True)
    expected = summary.membership_table(whole, all_rows=True)
    assert len(got) > 0
    assert got.equals(expected)
    assert summary.institution_table(ds, all_rows=True).equals(
        summary.institution_table(whole, all_rows=True))
    info = analysis.run_info(part)
    assert (info.replicates, info.planned) == (n, total)
    assert f"{n} of {total} replicates" in info.label
    assert (analysis.events(part, allow_incomplete=True)["replicate"] < n).all()
    empty = tmp_path / "empty.h5.part"
    shutil.copy(run_file, empty)
    with h5py.File(empty, "r+") as f:
        f["cascade_size"][:] = np.iinfo(np.int32).min
        f.attrs["complete"] = np.int32(0)
    with pytest.raises(analysis.IncompleteFileError, match="no replicate"):
        analysis.load(empty, allow_incomplete=True)


def test_cli_names_a_file_that_is_not_hdf5(tmp_path, capsys):
    from analysis.cli import main

    text = tmp_path / "scenario.toml"
    text.write_text("[scenario]\n")
    assert main(["summary", str(text)]) == 2
    assert f"{text}: not an HDF5 file" in capsys.readouterr().err


def test_outputs_are_never_the_input_and_not_replaced_without_force(run_file, tmp_path,
                                                                    capsys):
    import shutil

    from analysis.cli import main

    own = tmp_path / "run.h5"
    shutil.copy(run_file, own)
    before = own.read_bytes()
    # Writing the event CSV over the run itself: refused, even with --force.
    assert main(["events", str(own), "-o", str(own), "--force"]) == 2
    assert "is an input file" in capsys.readouterr().err
    assert own.read_bytes() == before
    # An existing table or figure: refused without --force, replaced with it.
    table = tmp_path / "t.txt"
    table.write_text("mine")
    assert main(["summary", str(own), "-o", str(table)]) == 2
    assert "use --force" in capsys.readouterr().err and table.read_text() == "mine"
    assert main(["summary", str(own), "-o", str(table), "--force"]) == 0
    assert table.read_text() != "mine"
    fig = tmp_path / "c.png"
    fig.write_bytes(b"mine")
    assert main(["cascades", str(own), "-o", str(fig)]) == 2
    assert fig.read_bytes() == b"mine"


def test_outputs_are_not_the_observed_input_nor_each_other(run_file, tmp_path, capsys):
    from analysis.cli import main

    observed = tmp_path / "obs.csv"
    observed.write_text("date,kind,state,institution,source\n")
    assert main(["hindcast", str(run_file), str(observed), "--csv", str(observed),
                 "--force"]) == 2
    assert "is an input file" in capsys.readouterr().err
    table = tmp_path / "t.txt"
    assert main(["summary", str(run_file), "-o", str(table), "--csv", str(table)]) == 2
    assert "two outputs are the same file" in capsys.readouterr().err
    assert not table.exists()
