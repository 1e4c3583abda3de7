"""`baserate`: exits per membership-year (pattern P5), on a hand-made case and on a run file
against a direct count over its raw arrays."""

import math

import h5py
import numpy as np
import pytest
import xarray as xr

import analysis
from analysis import baserate
from analysis.cli import main


def one_membership(status, exit_step, announce_step, every=1):
    """A run of one replicate, one state, one institution with the given status per recorded
    month (times 0, every, 2 every, ...)."""
    times = np.arange(len(status)) * every
    return xr.Dataset(
        {
            "status": (("replicate", "time", "state", "institution"),
                       np.array(status, dtype=np.uint8).reshape(1, -1, 1, 1)),
            "exit_step": (("replicate", "state", "institution"),
                          np.array(exit_step, dtype=np.int32).reshape(1, 1, 1)),
            "announce_step": (("replicate", "state", "institution"),
                              np.array(announce_step, dtype=np.int32).reshape(1, 1, 1)),
        },
        coords={"time": times, "state": ["S"], "institution": ["I"]},
        attrs={"start_month": "2000-01"},
    )


def test_definitions_on_a_hand_made_membership():
    # Member in months 0-5, announces in month 6 (withdrawing 6-11), exits in month 11: status
    # withdrawn from month 12 on. At risk 12 months, active 6.
    ds = one_membership([1] * 6 + [3] * 6 + [4] * 3, exit_step=11, announce_step=6)
    t0, t1 = baserate.window(ds)
    assert (t0, t1) == (0, 14)
    row = baserate.rates(ds, t0, t1).set_index("institution").loc["I"]
    assert row["membership-years"] == 1.0 and row["exits"] == 1 and row["exit rate"] == 1.0
    assert row["announcements"] == 1 and row["announce rate"] == 2.0
    # A window that ends before the exit: 6 months at risk, no exit, the announcement counted.
    t0, t1 = baserate.window(ds, "2000-01", "2000-07")
    row = baserate.rates(ds, t0, t1).set_index("institution").loc["all"]
    assert (row["membership-years"], row["exits"], row["announcements"]) == (0.5, 0, 0)
    t0, t1 = baserate.window(ds, "2000-04", "2000-12")
    row = baserate.rates(ds, t0, t1).set_index("institution").loc["all"]
    assert (row["membership-years"], row["exits"], row["announcements"]) == (8 / 12, 0, 1)
    with pytest.raises(ValueError, match="not inside"):
        baserate.window(ds, "1999-01", "2000-06")
    # Recorded every 3 months: each sample stands for 3 months, cut at the window's end.
    ds3 = one_membership([1, 1, 3, 3, 4], exit_step=11, announce_step=6, every=3)
    row = baserate.rates(ds3, 0, 12).set_index("institution").loc["I"]
    assert row["membership-years"] == 1.0 and row["exits"] == 1
    row = baserate.rates(ds3, 0, 10).set_index("institution").loc["I"]
    assert row["membership-years"] == 10 / 12 and row["exits"] == 0


def test_exact_poisson_interval():
    lo, hi = baserate.poisson_interval(0, 10.0)
    assert lo == 0 and math.isclose(hi, -math.log(0.05) / 10.0, rel_tol=1e-12)
    # Garwood: at the bounds, 25 or more events (lower) and 25 or fewer (upper) each have
    # probability 5%.
    from scipy import stats

    lo, hi = baserate.poisson_interval(25, 100.0)
    assert lo < 0.25 < hi
    assert math.isclose(stats.poisson.sf(24, lo * 100.0), 0.05, rel_tol=1e-9)
    assert math.isclose(stats.poisson.cdf(25, hi * 100.0), 0.05, rel_tol=1e-9)
    assert all(math.isnan(v) for v in baserate.poisson_interval(3, 0.0))


def test_rates_match_a_direct_count(run_file):
    ds = analysis.load(run_file)
    t0, t1 = baserate.window(ds)
    table = baserate.rates(ds, t0, t1).set_index("institution")
    with h5py.File(run_file, "r") as f:
        status = f["status"][()]  # replicate, time, state, institution
        times = f["time"][()]
        ext, ann = f["exit_step"][()], f["announce_step"][()]
        insts = [x.decode() if isinstance(x, bytes) else str(x) for x in f["institution"][()]]
    every = int(times[1] - times[0])
    for j, name in enumerate(insts):
        months = sum(every for r in range(status.shape[0]) for k, t in enumerate(times)
                     if t0 <= t < t1 for i in range(status.shape[2])
                     if status[r, k, i, j] in (1, 2, 3))
        exits = int(((ext[:, :, j] >= t0) & (ext[:, :, j] < t1)).sum())
        row = table.loc[name]
        assert math.isclose(row["membership-years"], months / 12, rel_tol=1e-12)
        assert row["exits"] == exits
        assert row["announcements"] == int(((ann[:, :, j] >= t0) & (ann[:, :, j] < t1)).sum())
    assert table.loc["all", "exits"] == table["exits"].drop("all").sum()


def test_files_it_cannot_read_are_clear_errors(tmp_path, capsys):
    ds = one_membership([1, 1, 4], exit_step=1, announce_step=1)
    with pytest.raises(ValueError, match="no-trajectories"):
        baserate.rates(ds.drop_vars("status"), 0, 2)
    with pytest.raises(ValueError, match="not a sweep"):
        baserate.rates(ds.expand_dims(point=2), 0, 2)


def test_cli_prints_the_reference(run_file, capsys, tmp_path):
    out = tmp_path / "rates.csv"
    assert main(["baserate", str(run_file), "--csv", str(out), "--reference", "0.01"]) == 0
    text = capsys.readouterr().out
    assert "exits per membership-year" in text.lower() and "reference: 0.01000" in text
    assert out.exists() and "exit rate" in out.read_text().splitlines()[0]


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "abc"])
def test_reference_must_be_a_positive_rate(run_file, capsys, value):
    """--reference -1 or 0 silently dropped the reference line (exit 0)."""
    with pytest.raises(SystemExit) as e:
        main(["baserate", str(run_file), f"--reference={value}"])
    assert e.value.code == 2
    assert "--reference: expected a rate > 0" in capsys.readouterr().err


def test_a_given_reference_is_labelled_as_such(run_file, capsys):
    assert main(["baserate", str(run_file), "--reference", "0.0016"]) == 0
    line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("reference:")][0]
    assert "(given with --reference)" in line and "Correlates of War" not in line
    assert main(["baserate", str(run_file)]) == 0
    line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("reference:")][0]
    assert line.startswith("reference: 0.00213 exits per membership-year (Correlates of War "
                           "IGO v3, 1965-2013);") and "unless" not in line


def test_from_after_to_says_so():
    ds = one_membership([1] * 15, exit_step=-1, announce_step=-1)
    with pytest.raises(ValueError, match=r"^--from 2000-09 is after --to 2000-03$"):
        baserate.window(ds, "2000-09", "2000-03")
    with pytest.raises(ValueError, match="leave no month"):
        baserate.window(ds, "2000-03", "2000-03")
    with pytest.raises(ValueError, match=r"^--to '2000-13': month 13 is not 01..12$"):
        baserate.window(ds, "2000-01", "2000-13")
    assert baserate.window(ds, "2000-02", "2000-03") == (1, 2)
