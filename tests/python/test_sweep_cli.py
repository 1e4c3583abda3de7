"""`regsim sweep` and `regsim merge` end to end: one process, shards + merge (copied and
virtual) and thread counts give identical datasets; merge refuses shards that do not make one
sweep; a sweep killed with SIGKILL at random moments resumes to the same file; xarray opens
sweep files with named dimensions; bad sweep files exit 2 with file:line:column."""
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

ROOT = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("REGSIM_BINARY", ROOT / "build" / "regsim"))
SCENARIO = ROOT / "scenarios" / "west_africa.toml"

pytestmark = pytest.mark.skipif(not BINARY.exists(), reason=f"regsim not built at {BINARY}")

TIMING_ATTRS = {"started_at", "finished_at", "command_line"}


def regsim(*args, check=False, cwd=None):
    proc = subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"regsim {args} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def sweep_text(replicates=4, record="summary", extra=""):
    return f"""
[sweep]
scenario = "{SCENARIO}"
replicates = {replicates}
seed = 11
steps = 24
record = "{record}"
{extra}
[[parameter]]
key = "model.peer_weight"
low = 0.0
high = 1.0
steps = 5

[[parameter]]
key = "institution.ECOWAS.sovereignty_cost"
values = [0.3, 0.9]
"""


def datasets(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset)}


def assert_same_datasets(a, b):
    da, db = datasets(a), datasets(b)
    assert sorted(da) == sorted(db)
    for k in da:
        x, y = da[k], db[k]
        assert x.dtype == y.dtype and x.shape == y.shape, k
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), k
        else:
            assert np.array_equal(x, y), k


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    sw = d / "small.toml"
    sw.write_text(sweep_text(record="every:6"))
    one = d / "one.h5"
    regsim("sweep", sw, "-o", one, "--threads", "1", "--quiet", check=True)
    return d, sw, one


def test_layout_and_provenance(small):
    d, sw, one = small
    with h5py.File(one, "r") as f:
        assert f.attrs["complete"] == 1
        assert f.attrs["points_total"] == 10 and f.attrs["point_count"] == 10
        assert f.attrs["shard_count"] == 1 and f.attrs["design"] == "grid"
        assert len(f.attrs["sweep_hash"]) == 16
        assert [k.decode() if isinstance(k, bytes) else k for k in f["parameter"][()]] == [
            "model.peer_weight", "institution.ECOWAS.sovereignty_cost"]
        assert f["point"].dtype == np.int64
        pv = f["point_values"][()]
        assert pv.shape == (10, 2)
        np.testing.assert_array_equal(f["param_model__peer_weight"][()], pv[:, 0])
        np.testing.assert_array_equal(pv[:, 0], np.repeat([0, 0.25, 0.5, 0.75, 1.0], 2))
        np.testing.assert_array_equal(pv[:, 1], np.tile([0.3, 0.9], 5))
        assert f["run_done"][()].all()
        assert f["cascade_size"].shape[:2] == (10, 4)
        assert f["status"].shape == (10, 4, 5, 17, 4)  # steps 0 6 12 18 24
        assert f["announce_step"].compression == "gzip" and f["announce_step"].shuffle
        assert (f["final_status"][()] != 255).all()
        assert "sweep_text" in f.attrs and "scenario_text" in f.attrs
        # Each point really ran with its own parameters: a point equals a plain run of the
        # scenario with the same --set overrides and the point's seed is not the run's seed,
        # so compare two points instead: different peer weights give different outcomes.
        assert not np.array_equal(f["exit_step"][0], f["exit_step"][8])


def test_xarray_opens_with_named_dims(small):
    xr = pytest.importorskip("xarray")
    d, sw, one = small
    with xr.open_dataset(one, engine="h5netcdf") as ds:
        assert ds["exit_step"].dims == ("point", "replicate", "state", "institution")
        assert ds["status"].dims == ("point", "replicate", "time", "state", "institution")
        assert ds["point_values"].dims == ("point", "parameter")
        assert list(ds["time"].values) == [0, 6, 12, 18, 24]
        assert ds["cascade_size"].sel(institution="ECOWAS").shape == (10, 4)
        assert ds["point_values"].sel(parameter="model.peer_weight").values[2] == 0.25
        # The same units as run files (test_output_xarray.py), time still integer steps.
        assert ds["time"].attrs["units"] == "month" and ds["time"].dtype.kind == "i"
        assert ds["exit_step"].attrs["units"] == "month"
        assert ds["sovereignty"].attrs["units"] == "1" and "units" not in ds["status"].attrs


def test_threads_shards_and_merges_are_identical(small):
    d, sw, one = small
    two = d / "two.h5"
    regsim("sweep", sw, "-o", two, "--threads", "2", "--quiet", check=True)
    assert_same_datasets(one, two)
    shards = []
    for k in range(3):
        out = d / f"s{k}.h5"
        regsim("sweep", sw, "-o", out, "--shard", f"{k}/3", "--threads", "2", "--quiet",
               check=True)
        shards.append(out)
    with h5py.File(shards[1], "r") as f:
        assert (f.attrs["point_first"], f.attrs["point_count"]) == (3, 3)
        assert list(f["point"][()]) == [3, 4, 5]
    merged = d / "merged.h5"
    regsim("merge", *reversed(shards), "-o", merged, "--quiet", check=True)
    assert_same_datasets(one, merged)
    sub = d / "sub"
    sub.mkdir()
    virtual = sub / "virtual.h5"
    regsim("merge", *shards, "-o", virtual, "--virtual", "--quiet", check=True)
    with h5py.File(virtual, "r") as f:
        assert f["exit_step"].is_virtual
        assert f["exit_step"].virtual_sources()[0].file_name.startswith("../")
    assert_same_datasets(one, virtual)
    # Relative sources resolve against the master's folder, whatever the working directory.
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(virtual, engine="h5netcdf") as ds:
        assert int((ds["exit_step"] == -2**31).sum()) == 0
    # Shard via the environment, as in a Slurm array (task ids 5..7).
    env = dict(os.environ, SLURM_ARRAY_TASK_ID="6", SLURM_ARRAY_TASK_MIN="5",
               SLURM_ARRAY_TASK_COUNT="3")
    auto = d / "auto.h5"
    subprocess.run([str(BINARY), "sweep", str(sw), "-o", str(auto), "--shard", "auto",
                    "--quiet"], env=env, check=True)
    assert_same_datasets(shards[1], auto)


def test_merge_takes_paths_with_commas(small):
    d, sw, one = small
    folder = d / "a,b"
    folder.mkdir()
    for k in range(2):
        regsim("sweep", sw, "-o", folder / f"s{k}.h5", "--shard", f"{k}/2", "--quiet", check=True)
    regsim("merge", folder / "s0.h5", folder / "s1.h5", "-o", d / "c.h5", check=True)
    assert_same_datasets(one, d / "c.h5")


def test_merge_refuses_bad_shard_sets(small):
    d, sw, one = small
    shards = []
    for k in range(2):
        out = d / f"h{k}.h5"
        regsim("sweep", sw, "-o", out, "--shard", f"{k}/2", "--quiet", check=True)
        shards.append(out)
    out = d / "bad.h5"
    p = regsim("merge", shards[0], "-o", out)
    assert p.returncode == 2 and "missing shard 1/2" in p.stderr
    p = regsim("merge", shards[0], shards[0], shards[1], "-o", out)
    assert p.returncode == 2 and "overlaps" in p.stderr
    # Over an unfinished file of the output's name: refused without --force.
    part = Path(str(out) + ".part")
    part.write_bytes(b"flushed blocks")
    p = regsim("merge", *shards, "-o", out)
    assert p.returncode == 2 and ".part exists" in p.stderr and part.read_bytes() == b"flushed blocks"
    part.unlink()
    # Into one of its own shards: refused even with --force (virtual or copied).
    before = shards[1].read_bytes()
    for extra in ([], ["--virtual"]):
        p = regsim("merge", *shards, "-o", shards[1], "--force", *extra)
        assert p.returncode == 2 and "is one of the shards" in p.stderr
    assert shards[1].read_bytes() == before
    p = regsim("merge", shards[0], d / "nope.h5", "-o", out)
    assert p.returncode == 2 and "nope.h5" in p.stderr
    third = d / "t1.h5"
    regsim("sweep", sw, "-o", third, "--shard", "1/3", "--quiet", check=True)
    p = regsim("merge", shards[0], third, "-o", out)
    assert p.returncode == 2 and "shard_count" in p.stderr
    other = d / "other.toml"
    other.write_text(sweep_text(replicates=4, extra="max_points = 999"))
    o1 = d / "o1.h5"
    regsim("sweep", other, "-o", o1, "--shard", "1/2", "--quiet", check=True)
    p = regsim("merge", shards[0], o1, "-o", out)
    assert p.returncode == 2 and "another sweep" in p.stderr
    # An unfinished shard: only its .part exists.
    shards[1].rename(str(shards[1]) + ".part")
    p = regsim("merge", *shards, "-o", out)
    assert p.returncode == 2 and "not finished" in p.stderr
    assert not out.exists()


def test_info_names_the_shards_of_a_virtual_file_and_the_missing_ones(tmp_path):
    # HDF5 reads a missing source file as fill values, silently: `regsim info` must not call
    # such a file complete, though its complete attribute is 1.
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    sw = tmp_path / "sw.toml"
    sw.write_text(sweep_text(replicates=2))
    for k in range(2):
        regsim("sweep", sw, "-o", here / f"s{k}.h5", "--shard", f"{k}/2", "--quiet", check=True)
    virtual = here / "v.h5"
    regsim("merge", here / "s0.h5", here / "s1.h5", "-o", virtual, "--virtual", "--quiet",
           check=True)
    p = regsim("info", virtual, cwd=there)
    lines = p.stdout.splitlines()
    assert p.returncode == 0 and lines[1] == "complete", p.stdout
    assert lines[2:5] == ["shard files (read by virtual datasets):",
                          f"  s0.h5: {here / 's0.h5'}", f"  s1.h5: {here / 's1.h5'}"]
    for name in ("v.h5", "s1.h5"):
        (here / name).rename(there / name)
    moved = there / "v.h5"
    with h5py.File(moved, "r") as f:
        assert f.attrs["complete"] == 1 and (f["exit_step"][()] == -2**31).any()
    p = regsim("info", moved, cwd=tmp_path)
    lines = p.stdout.splitlines()
    assert p.returncode == 0, p.stderr
    assert lines[1].startswith("NOT complete: virtual datasets read 1 missing shard file: s0.h5 ")
    assert "merge without --virtual" in lines[1]
    assert lines[3:5] == ["  s0.h5: MISSING", f"  s1.h5: {there / 's1.h5'}"]


def test_clobber_part_and_resume_mismatch(small):
    d, sw, one = small
    p = regsim("sweep", sw, "-o", one)
    assert p.returncode == 2 and "exists" in p.stderr
    p = regsim("sweep", sw, "-o", one, "--resume")
    assert p.returncode == 0 and "already complete" in p.stderr
    part = d / "m.h5.part"
    regsim("sweep", sw, "-o", d / "x.h5", "--shard", "0/2", "--quiet", check=True)
    (d / "x.h5").rename(part)
    p = regsim("sweep", sw, "-o", d / "m.h5", "--shard", "1/2", "--resume")
    assert p.returncode == 2 and "shard 0/2" in p.stderr
    p = regsim("sweep", sw, "-o", d / "m.h5", "--shard", "1/2")
    assert p.returncode == 2 and "--resume" in p.stderr
    other = d / "other2.toml"
    other.write_text(sweep_text(replicates=4, extra="max_points = 1000"))
    p = regsim("sweep", other, "-o", d / "m.h5", "--shard", "0/2", "--resume")
    assert p.returncode == 2 and "another sweep" in p.stderr
    regsim("sweep", sw, "-o", d / "m.h5", "--shard", "1/2", "--force", "--quiet", check=True)
    # A finished output is "already complete" only for the same sweep and shard: else a
    # resubmitted array job would report success and a merge would take the old results.
    before = (d / "m.h5").read_bytes()
    p = regsim("sweep", other, "-o", d / "m.h5", "--shard", "1/2", "--resume")
    assert p.returncode == 2 and "another sweep" in p.stderr
    p = regsim("sweep", sw, "-o", d / "m.h5", "--shard", "0/2", "--resume")
    assert p.returncode == 2 and "shard 1/2" in p.stderr
    p = regsim("sweep", sw, "-o", d / "m.h5", "--shard", "1/2", "--resume")
    assert p.returncode == 0 and "already complete" in p.stderr
    assert (d / "m.h5").read_bytes() == before


def test_an_input_is_never_the_output_even_with_force(tmp_path):
    # --force replaces an old output, never the sweep file or the scenario it reads.
    base = tmp_path / "base.toml"
    base.write_text(SCENARIO.read_text())
    sw = tmp_path / "sw.toml"
    sw.write_text(sweep_text().replace(str(SCENARIO), "base.toml"))
    sweep_before = sw.read_text()
    for out, role in ((sw, "sweep file"), (f"{tmp_path}/./base.toml", "sweep's base scenario")):
        for extra in ([], ["--force"], ["--resume"]):
            p = regsim("sweep", sw, "-o", out, "--quiet", *extra)
            assert p.returncode == 2 and f"{out} is the {role}" in p.stderr, p.stderr
    assert sw.read_text() == sweep_before and base.read_text() == SCENARIO.read_text()
    assert not list(tmp_path.glob("*.part"))


def test_bad_sweep_files_exit_2(tmp_path):
    sw = tmp_path / "bad.toml"
    sw.write_text(sweep_text().replace('key = "model.peer_weight"', 'key = "model.peer_wieght"'))
    p = regsim("sweep", sw, "-o", tmp_path / "o.h5")
    assert p.returncode == 2
    assert f"{sw}:10:7: model.peer_wieght:" in p.stderr
    sw.write_text(f'[sweep]\nscenario = "{SCENARIO}"\ndesign = "uniform"\nsamples = 50\n'
                  'max_points = 20\n[[parameter]]\nkey = "model.peer_weight"\nlow = 0\nhigh = 1\n')
    p = regsim("sweep", sw, "-o", tmp_path / "o.h5")
    assert p.returncode == 2 and "too many points" in p.stderr
    p = regsim("sweep", sw, "-o", tmp_path / "o.h5", "--shard", "3/3")
    assert p.returncode == 2 and "0-based" in p.stderr
    assert not list(tmp_path.glob("*.h5*"))


def runs_done_in_killed_part(part):
    """Opens a killed sweep's .part, checks that the runs it marks done hold their data (no
    fill values), and returns how many there are. SWMR read access: the killed writer's .part
    still says "open for writing", which plain opens refuse (docs/output.md)."""
    with h5py.File(part, "r", swmr=True) as f:
        done = f["run_done"][()]
        assert (f["exit_step"][()][done == 1] != -2**31).all()
        assert (f["status"][()][done == 1] != 255).all()
        return int(done.sum())


def test_resume_after_sigkill_gives_the_same_file(tmp_path):
    sw = tmp_path / "kill.toml"
    # 40 points x 400 replicates with trajectories: about a second on two cores here (40
    # replicates took 0.15 s after the faster draws and deflate, and every kill then landed
    # before the first flush).
    replicates = 400
    sw.write_text(sweep_text(replicates=replicates, record="every:3")
                  .replace("steps = 5", "steps = 20").replace("steps = 24", "steps = 48"))
    full = tmp_path / "full.h5"
    t0 = time.monotonic()
    regsim("sweep", sw, "-o", full, "--threads", "2", "--quiet", check=True)
    duration = time.monotonic() - t0
    total = 40 * replicates
    out = tmp_path / "k.h5"
    part = Path(str(out) + ".part")
    rng = random.Random(5)
    done_counts = []
    for kill in range(12):
        proc = subprocess.Popen([str(BINARY), "sweep", str(sw), "-o", str(out), "--threads", "2",
                                 "--resume", "--quiet", "--flush-interval", "0.05"])
        # Wait until the .part exists, then kill at a random moment.
        deadline = time.monotonic() + 30
        while not part.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.1, 0.5) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if out.exists():
            break
        done_counts.append(runs_done_in_killed_part(part))
        if len(done_counts) >= 4 and 0 < done_counts[-1] < total:
            break
    # The kills did land mid-sweep, with some runs already flushed and never lost later.
    assert any(0 < c < total for c in done_counts), done_counts
    assert done_counts == sorted(done_counts)
    regsim("sweep", sw, "-o", out, "--threads", "1", "--resume", check=True)
    assert out.exists() and not part.exists()
    assert_same_datasets(full, out)
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 1


KILL_AT_WRITE = Path(os.environ.get("REGSIM_BUILD_DIR", ROOT / "build")) / "tests" / \
    "libregsim_kill_at_write.so"


def test_resume_after_kills_before_chosen_writes(tmp_path):
    # tests/kill_at_write SIGKILLs each sweep right before its Nth write to the .part (N drawn
    # over its creation and its flushes, one every block with --flush-interval 0): each .part
    # opens, its runs marked done hold their data, and resuming them all gives the file of an
    # uninterrupted sweep (resume must not write over what a killed flush left).
    assert KILL_AT_WRITE.exists(), f"{KILL_AT_WRITE} not built (target regsim_kill_at_write)"
    sw = tmp_path / "kill.toml"
    sw.write_text(sweep_text(replicates=100, record="every:3")
                  .replace("steps = 5", "steps = 20").replace("steps = 24", "steps = 48"))
    full = tmp_path / "full.h5"
    regsim("sweep", sw, "-o", full, "--threads", "2", "--quiet", check=True)
    out = tmp_path / "k.h5"
    part = Path(str(out) + ".part")
    rng = random.Random(17)
    done_counts = []
    for at in [10] + [rng.randint(40, 150) for _ in range(7)]:
        env = dict(os.environ, LD_PRELOAD=str(KILL_AT_WRITE), REGSIM_KILL_AT_WRITE=str(at))
        proc = subprocess.run([str(BINARY), "sweep", str(sw), "-o", str(out), "--threads", "2",
                               "--resume", "--quiet", "--flush-interval", "0"], env=env)
        if proc.returncode == 0:
            break
        assert proc.returncode == -9, (at, proc.returncode)
        if not part.exists():  # killed while created: only PART.new, which holds nothing
            assert Path(str(part) + ".new").exists()
            continue
        done_counts.append(runs_done_in_killed_part(part))
    assert done_counts == sorted(done_counts) and 0 < max(done_counts) < 40 * 100, done_counts
    regsim("sweep", sw, "-o", out, "--threads", "1", "--resume", check=True)
    assert_same_datasets(full, out)


def test_sigterm_leaves_a_resumable_part(tmp_path):
    sw = tmp_path / "term.toml"
    # About 2 s on one core here; the signal goes 0.1 s after the .part appears, whatever the
    # machine's speed (a fixed delay let a fast machine finish first and skip the test).
    sw.write_text(sweep_text(replicates=2000).replace("steps = 24", "steps = 48"))
    out = tmp_path / "t.h5"
    part = Path(str(out) + ".part")
    proc = subprocess.Popen([str(BINARY), "sweep", str(sw), "-o", str(out), "--threads", "1",
                             "--flush-interval", "0"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not part.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0, "the sweep finished before SIGTERM: lengthen it"
    assert proc.returncode == 130 and "--resume" in err
    with h5py.File(part, "r", swmr=True) as f:
        done, runs = int(f["run_done"][()].sum()), f["run_done"].size
    assert f"runs written: {done} of {runs}" in regsim("info", part, check=True).stdout
    regsim("sweep", sw, "-o", out, "--resume", "--quiet", check=True)
    ref = tmp_path / "ref.h5"
    regsim("sweep", sw, "-o", ref, "--quiet", check=True)
    assert_same_datasets(ref, out)


def test_progress_plain_lines(tmp_path):
    sw = tmp_path / "p.toml"
    sw.write_text(sweep_text())
    p = regsim("sweep", sw, "-o", tmp_path / "p.h5")
    assert "10" in p.stderr and "runs" in p.stderr and "\r" not in p.stderr
    p = regsim("sweep", sw, "-o", tmp_path / "q.h5", "--quiet")
    assert p.stderr == ""


def test_analysis_reads_real_sweep_files(small, tmp_path):
    import sys

    sys.path.insert(0, str(ROOT))
    from analysis import sweep as asweep

    d, sw, one = small
    with h5py.File(one, "r") as f:
        params = asweep.read_points(f)
        assert set(params) == {"model.peer_weight", "institution.ECOWAS.sovereignty_cost"}
        values, is_p = asweep.metric_values(f, "P(ECOWAS loses >= 1 members)")
        assert is_p and values.shape == (10, 4)
        xs, ys, z = asweep.grid(params, values, "model.peer_weight",
                                "institution.ECOWAS.sovereignty_cost")
        assert list(xs) == [0, 0.25, 0.5, 0.75, 1.0] and list(ys) == [0.3, 0.9]
        expected = (f["cascade_size"][()][:, :, 0] >= 1).mean(axis=1).reshape(5, 2)
        np.testing.assert_allclose(z, expected)

    # An unfinished sweep: runs not yet written (run_done = 0) read as fill values; they are
    # left out of every mean instead of counting as "ECOWAS lost no member".
    import shutil

    part = tmp_path / "unfinished.h5.part"
    shutil.copy(one, part)
    with h5py.File(part, "r+") as f:
        done = np.ones((10, 4), dtype=bool)
        done[3, 1:] = False
        done[7, :] = False  # a point with no run yet
        f["run_done"][...] = done.astype(np.uint8)
        sizes = f["cascade_size"][()]
        sizes[~done] = np.iinfo(np.int32).min
        f["cascade_size"][...] = sizes
        f.attrs["complete"] = np.int32(0)
        full = f["cascade_size"][()]
    with h5py.File(part, "r") as f:
        params = asweep.read_points(f)
        values, _ = asweep.metric_values(f, "P(ECOWAS loses >= 1 members)")
        assert np.isnan(values[~done]).all() and not np.isnan(values[done]).any()
        xs, ys, z = asweep.grid(params, values, "model.peer_weight",
                                "institution.ECOWAS.sovereignty_cost")
        hit = full[:, :, 0] >= 1
        expected = np.array([hit[p][done[p]].mean() if done[p].any() else np.nan
                             for p in range(10)]).reshape(5, 2)
        np.testing.assert_allclose(z, expected)
        assert np.isnan(z.ravel()[7])
        xs, pooled = asweep.grid(params, values, "model.peer_weight")
        assert sum(v.size for v in pooled) == done.sum()
        center, bands = asweep.line_bands(pooled, True)
        assert np.isfinite(center).all()


def parse_timings(stdout):
    """The one `timings:` line of --timings as {field: (seconds, % of wall or None)}."""
    import re

    lines = [l for l in stdout.splitlines() if l.startswith("timings: ")]
    assert len(lines) == 1, stdout
    line = lines[0]
    out = {}
    for name in ("load", "simulate+write", "wall"):
        m = re.search(rf"(?:^timings: |, ){re.escape(name)} ([0-9.]+) s(?:,|$)", line)
        assert m, (name, line)
        out[name] = (float(m.group(1)), None)
    share = r"([0-9.]+) s \(([0-9.]+)% of wall\)"
    for name, pattern in (("write", ", write " + share),
                          ("write CPU", ", write CPU " + share),
                          ("compress", r", compress ([0-9.]+) s CPU \(([0-9.]+)% of wall\)")):
        m = re.search(pattern, line)
        if m:
            out[name] = (float(m.group(1)), float(m.group(2)))
    m = re.search(r", ([0-9.]+) runs/s", line)
    assert m, line
    out["runs/s"] = (float(m.group(1)), None)
    return out


@pytest.mark.parametrize("record", ["summary", "full"])
def test_timings_line(tmp_path, record):
    sw = tmp_path / "t.toml"
    sw.write_text(sweep_text(record=record))
    p = regsim("sweep", sw, "-o", tmp_path / "t.h5", "--quiet", "--timings", check=True)
    assert p.stderr == ""
    t = parse_timings(p.stdout)
    wall = t["wall"][0]
    assert wall > 0
    assert wall >= t["simulate+write"][0] and wall >= t["load"][0]
    assert t["runs/s"][0] > 0
    for name in ("write", "write CPU"):
        seconds, share = t[name]
        assert 0 <= seconds <= wall * 1.01 + 0.01, (name, t)
        # Printed rounded: seconds to 0.1 ms, shares to 0.1%.
        low = 100 * max(0.0, seconds - 5e-5) / (wall + 5e-5) - 0.05
        high = 100 * (seconds + 5e-5) / (wall - 5e-5) + 0.05
        assert low <= share <= high, (name, t)
    if "compress" in t:
        assert t["compress"][0] >= 0
    # Without --timings: nothing on stdout.
    p = regsim("sweep", sw, "-o", tmp_path / "t.h5", "--quiet", "--force", check=True)
    assert p.stdout == ""


def test_chunks_are_plain_shuffle_deflate(small):
    """Every stored chunk of every data variable decodes with zlib and HDF5's byte shuffle
    alone (what the file's filter list says), to the values h5py reads: the chunks regsim
    encodes itself are ordinary shuffle + deflate chunks."""
    import zlib

    d, sw, one = small
    with h5py.File(one, "r") as f:
        for name in ("sovereignty", "alignment", "status", "announce_step", "exit_step",
                     "final_status", "dissolve_step", "found_step", "cascade_size"):
            ds = f[name]
            assert ds.shuffle and ds.compression == "gzip" and ds.compression_opts == 1, name
            values = ds[()]
            dsid = ds.id
            assert dsid.get_num_chunks() > 0, name
            for k in range(dsid.get_num_chunks()):
                info = dsid.get_chunk_info(k)
                mask, raw = dsid.read_direct_chunk(info.chunk_offset)
                assert mask == 0, name  # every filter applied
                data = zlib.decompress(raw)
                n = int(np.prod(ds.chunks))
                size = ds.dtype.itemsize
                assert len(data) == n * size, name
                if size > 1:
                    data = np.frombuffer(data, np.uint8).reshape(size, n).T.copy().tobytes()
                chunk = np.frombuffer(data, ds.dtype).reshape(ds.chunks)
                sel = tuple(slice(o, min(o + c, s))
                            for o, c, s in zip(info.chunk_offset, ds.chunks, ds.shape))
                inside = chunk[tuple(slice(0, s.stop - s.start) for s in sel)]
                expected = values[sel]
                if ds.dtype.kind == "f":
                    assert np.array_equal(inside, expected, equal_nan=True), name
                else:
                    assert np.array_equal(inside, expected), name


def test_a_world_without_institutions_sweeps(tmp_path):
    # Per-run variables of size zero (no institution): nothing to copy, and nothing breaks.
    (tmp_path / "s.toml").write_text('[scenario]\nname = "empty"\nstart = "2022-01"\nsteps = 3\n'
                                     '[[state]]\nid = "A"\n[[state]]\nid = "B"\n')
    (tmp_path / "w.toml").write_text('[sweep]\nscenario = "s.toml"\nreplicates = 2\n'
                                     'record = "full"\n[[parameter]]\nkey = "model.peer_weight"\n'
                                     'values = [0.1, 0.2]\n')
    regsim("sweep", tmp_path / "w.toml", "-o", tmp_path / "o.h5", "--quiet", check=True)
    with h5py.File(tmp_path / "o.h5", "r") as f:
        assert f["status"].shape == (2, 2, 4, 2, 0) and f.attrs["complete"] == 1
