"""End-to-end tests of the `regsim` command: bad input, clobbering, determinism across
thread counts, provenance, and a golden run."""
import json
import os
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

ROOT = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("REGSIM_BINARY", ROOT / "build" / "regsim"))
DEFAULT = ROOT / "scenarios" / "west_africa.toml"
GOLDEN = Path(__file__).with_name("golden_west_africa.json")

pytestmark = pytest.mark.skipif(not BINARY.exists(), reason=f"regsim not built at {BINARY}")


def regsim(*args, check=False):
    proc = subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"regsim {args} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


VALID = """
[scenario]
name = "tiny"
start = "2022-01"
steps = 6
replicates = 3
seed = 5

[model]
decision_sharpness = 4.0
hazard_cap = 0.2

[[state]]
id = "AAA"

[[state]]
id = "BBB"

[[institution]]
id = "CLUB"
benefit = 0.1
members = ["AAA", "BBB"]
"""


def line_of(text, fragment):
    """1-based line of the first line containing fragment."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def case(name, old, new, fragment, column, key):
    text = VALID.replace(old, new)
    return (name, text, line_of(text, fragment), column, key)


# (name, text, expected line, expected column or None, key fragment)
BAD = [
    case("syntax", 'id = "BBB"', 'id = "BBB', 'id = "BBB', None, ""),
    case("unknown_key", "benefit = 0.1", "benefit = 0.1\nquorom = 2", "quorom", 1, "quorom"),
    case("wrong_type", "steps = 6", 'steps = "six"', "steps", None, "scenario.steps"),
    case("out_of_range", "hazard_cap = 0.2", "hazard_cap = 1.5", "hazard_cap", None, "hazard_cap"),
    case("unknown_id", '["AAA", "BBB"]', '["AAA", "XXX"]', "members", None, "members"),
    # The second `id = "AAA"` (the line before `name = "dup"`) is the duplicate.
    (lambda t: ("duplicate_id", t, line_of(t, 'name = "dup"') - 1, None, "id"))(
        VALID.replace('id = "BBB"', 'id = "AAA"\nname = "dup"')),
    case("empty_members", '["AAA", "BBB"]', "[]", "members", None, "members"),
]


@pytest.mark.parametrize("name,text,line,column,key", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_location_and_leaves_no_file(tmp_path, name, text, line, column, key):
    scenario = tmp_path / "bad.toml"
    scenario.write_text(text)
    out = tmp_path / "out.h5"
    proc = regsim("run", scenario, "-o", out)
    assert proc.returncode == 2, proc.stderr
    message = proc.stderr.strip()
    assert message.count("\n") == 0, f"one message expected, got:\n{message}"
    prefix = f"{scenario}:{line}:"
    assert message.startswith(prefix), f"expected {prefix!r} in {message!r}"
    if column is not None:
        assert message.startswith(f"{prefix}{column}:"), message
    assert key in message
    assert not out.exists() and not Path(str(out) + ".part").exists()


# Command-line mistakes: exit 2, one message naming the flag or argument, no file.
CLI_MISTAKES = [
    ("unknown_option", ["--replicate", "3"], "unknown option --replicate; did you mean --replicates?"),
    ("extra_argument", ["extra.toml"], "unexpected argument 'extra.toml'"),
    ("replicates_not_integer", ["--replicates", "abc"], "--replicates: expected an integer"),
    ("steps_zero", ["--steps", "0"], "--steps: expected an integer in [1, "),
    ("threads_negative", ["--threads", "-1"], "--threads must be >= 0"),
]


@pytest.mark.parametrize("name,args,message", CLI_MISTAKES, ids=[c[0] for c in CLI_MISTAKES])
def test_command_line_mistakes_name_the_flag(tmp_path, name, args, message):
    out = tmp_path / "out.h5"
    proc = regsim("run", DEFAULT, "-o", out, *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "--set" not in proc.stderr, proc.stderr
    assert not out.exists() and not Path(str(out) + ".part").exists()


def test_flags_do_not_hide_the_files_own_error(tmp_path):
    # --replicates used to create the [scenario] table the file lacks, and the error blamed it.
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    proc = regsim("run", empty, "-o", tmp_path / "e.h5", "--replicates", 3)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{empty}:1:1: scenario: missing required table"), proc.stderr


def test_events_after_the_last_step_are_announced(tmp_path):
    text = VALID + '[[event]]\ndate = "2030-01"\nkind = "coup"\nstate = "AAA"\n'
    scenario = tmp_path / "late.toml"
    scenario.write_text(text)
    proc = regsim("run", scenario, "-o", tmp_path / "l.h5", check=True)
    assert "1 event is dated after the last step (2022-06) and left out" in proc.stderr
    quiet = regsim("run", scenario, "-o", tmp_path / "q.h5", "--quiet", check=True)
    assert quiet.stderr == ""


def test_run_reports_progress_in_a_log(tmp_path):
    # stderr is not a terminal here: plain lines, at least the final count.
    proc = regsim("run", DEFAULT, "-o", tmp_path / "p.h5", "--replicates", 7, check=True)
    assert "regsim run: 7/7 replicates (100.0%)" in proc.stderr, proc.stderr
    quiet = regsim("run", DEFAULT, "-o", tmp_path / "q.h5", "--replicates", 7, "--quiet",
                   check=True)
    assert quiet.stderr == ""


def test_check_accepts_the_default_scenario():
    proc = regsim("check", DEFAULT, check=True)
    assert "ok" in proc.stdout


def test_version():
    proc = regsim("--version", check=True)
    assert proc.stdout.startswith("regsim ")


def test_version_names_the_commit_the_binary_was_built_from():
    """Stamped at build time: the checkout's HEAD, with -dirty if tracked files were edited."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    head = git("rev-parse", "--short=12", "HEAD")
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip() != ""
    want = head.stdout.strip() + ("-dirty" if dirty else "")
    assert f"(commit {want})" in regsim("--version", check=True).stdout


def test_existing_output_is_refused_without_force(tmp_path):
    out = tmp_path / "keep.h5"
    out.write_bytes(b"precious")
    proc = regsim("run", DEFAULT, "-o", out, "--replicates", 2, "--quiet")
    assert proc.returncode == 2
    assert "--force" in proc.stderr
    assert out.read_bytes() == b"precious"
    regsim("run", DEFAULT, "-o", out, "--replicates", 2, "--quiet", "--force", check=True)
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 1


def test_an_unfinished_part_is_refused_without_force(tmp_path):
    # A killed run's .part holds its flushed replicates: a new run must not silently drop it.
    out = tmp_path / "k.h5"
    part = Path(str(out) + ".part")
    part.write_bytes(b"flushed replicates")
    proc = regsim("run", DEFAULT, "-o", out, "--replicates", 2, "--quiet")
    assert proc.returncode == 2 and "--force" in proc.stderr and ".part exists" in proc.stderr
    assert part.read_bytes() == b"flushed replicates" and not out.exists()
    regsim("run", DEFAULT, "-o", out, "--replicates", 2, "--quiet", "--force", check=True)
    assert out.exists() and not part.exists()


def test_an_input_is_never_the_output_even_with_force(tmp_path):
    # --force replaces an old output, never what the run reads (by any path to it).
    scenario = tmp_path / "same.toml"
    scenario.write_text(VALID)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.toml").symlink_to(scenario)
    for out in (scenario, tmp_path / "sub" / ".." / "same.toml", tmp_path / "link.toml"):
        proc = regsim("run", scenario, "-o", out, "--force", "--quiet")
        assert proc.returncode == 2, out
        assert f"{out} is the scenario file; write the output to another file" in proc.stderr
        assert scenario.read_text() == VALID
    assert not Path(str(scenario) + ".part").exists()
    edges = tmp_path / "edges.csv"
    edges.write_text("AAA,BBB\n")
    net = tmp_path / "net.toml"
    network = '[network]\nkind = "edge_list"\npath = "edges.csv"\n\n[[state]]'
    net.write_text(VALID.replace("[[state]]", network, 1))
    proc = regsim("run", net, "-o", edges, "--force", "--quiet")
    assert proc.returncode == 2 and "is the network file" in proc.stderr
    assert edges.read_text() == "AAA,BBB\n"


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def storage(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, (obj.dtype, obj.chunks, obj.compression, obj.compression_opts, obj.shuffle)) if isinstance(obj, h5py.Dataset) else None)
    return out


def test_thread_count_leaves_every_dataset_identical(tmp_path):
    # 300 replicates: the trajectories span several chunks (119-136 replicates each, written
    # whole as they fill) and a partial last chunk.
    a, b = tmp_path / "t1.h5", tmp_path / "t2.h5"
    regsim("run", DEFAULT, "-o", a, "--replicates", 300, "--threads", 1, "--quiet", check=True)
    regsim("run", DEFAULT, "-o", b, "--replicates", 300, "--threads", 2, "--quiet", check=True)
    da, db = datasets(a), datasets(b)
    assert da.keys() == db.keys()
    assert "status" in da and "event_kind" in da
    for name in da:
        assert np.array_equal(da[name], db[name]), name
    assert storage(a) == storage(b)
    with h5py.File(a, "r") as f:
        assert f["alignment"].chunks[0] < 300 and f["alignment"].compression == "gzip"
    # And the run did something: the default scenario is not a quiet world.
    assert len(da["event_kind"]) > 0


EVENT_COLUMNS = ("event_replicate", "event_step", "event_kind", "event_cause", "event_state",
                 "event_institution", "event_patron", "event_value")


def check_killed_part(part, expected):
    """Checks the .part of a killed `regsim run` against `expected` (datasets of a finished run
    of its first replicates) and returns n, the replicates it holds (its flushed prefix)."""
    # A killed writer leaves its superblock saying "open for writing": a plain open is refused,
    # SWMR read access opens it (docs/output.md).
    with pytest.raises(OSError, match="already open for write"):
        h5py.File(part, "r")
    with h5py.File(part, "r", swmr=True) as f:
        done = f["cascade_size"][:, 0] != np.iinfo(np.int32).min
        n, total = int(done.sum()), len(done)
        assert done[:n].all()  # flushed replicates are a prefix
        # Events: those of the flushed replicates, all of them, first; after them, if the kill
        # came inside a flush, those of the replicates that flush was writing (cascade_size,
        # the marker of flushed replicates, reaches the file after the rest of a flush).
        replicate = f["event_replicate"][:]
        own = int((replicate < n).sum())
        assert (replicate[:own] < n).all() and (replicate[own:] >= n).all()
        # Every chunk written so far (the rest were never allocated): a corrupt one fails
        # to inflate, a chunk index past the end of the file's allocated space cannot be read.
        got = {}
        for name, obj in f.items():
            if isinstance(obj, h5py.Dataset):
                end = obj.shape[0] if name.startswith("event") or not obj.chunks else \
                    min(obj.shape[0], n + 2 * obj.chunks[0])
                got[name] = obj[:end]
    # `regsim info` says how many made it.
    info = regsim("info", part, check=True).stdout
    assert f"replicates written: {n} of {total}" in info, info
    k = min(n, len(expected["replicate"]))
    for name in ("sovereignty", "alignment", "status", "regime", "announce_step", "exit_step",
                 "final_status", "dissolve_step", "found_step", "cascade_size"):
        assert np.array_equal(got[name][:k], expected[name][:k], equal_nan=True), name
    # The events of the flushed replicates, in every column (a column may be longer, by
    # events of the interrupted flush, if the kill came while the columns grew).
    theirs = int((expected["event_replicate"] < k).sum())
    mine = int((replicate < k).sum())
    for name in EVENT_COLUMNS:
        assert np.array_equal(got[name][:mine], expected[name][:theirs]), name
        assert len(got[name]) >= own, name
    return n


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """The datasets of a finished 300-replicate run of the default scenario: what the kill tests
    compare each killed run's flushed replicates with (computed once for all of them)."""
    ref = tmp_path_factory.mktemp("finished") / "ref.h5"
    regsim("run", DEFAULT, "-o", ref, "--replicates", 300, "--threads", 1, "--quiet", check=True)
    return datasets(ref)


def kill_a_run(out, flush_interval, delay):
    """Starts a long run of the default scenario into OUT, SIGKILLs it DELAY seconds after its
    .part appears, and waits for it to die."""
    import signal
    import time
    part = Path(str(out) + ".part")
    proc = subprocess.Popen([str(BINARY), "run", str(DEFAULT), "-o", str(out), "--replicates",
                             "100000", "--threads", "2", "--quiet", "--flush-interval",
                             str(flush_interval)])
    while not part.exists():
        time.sleep(0.005)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("interval,wait", [(0.25, 0.6), (60, 2.5)], ids=["flushes", "no_flush"])
def test_killed_run_leaves_every_flushed_chunk_readable(tmp_path, finished_run, interval, wait):
    # Chunks are written whole when full and partly at each flush; a rewritten chunk frees its
    # old space, which HDF5 must not reuse while the last flush's index still names it (the
    # files never reuse freed space). Killed at random moments (every 0.25 s a flush; or
    # never, with a 60 s interval, while full chunks are still written and HDF5 may evict
    # metadata), the .part must read entirely, with the flushed replicates and their events
    # equal to those of a finished run. A kill inside a flush is covered too (SWMR writing:
    # before it, about one kill in 25 here left a chunk index past the superblock's end of
    # allocated space, "addr overflow"); test_kills_inside_flushes aims at those.
    import random
    rng = random.Random(11)
    flushed = []
    for kill in range(8):
        out = tmp_path / f"k{kill}.h5"
        part = Path(str(out) + ".part")
        kill_a_run(out, interval, wait + rng.random())
        n = check_killed_part(part, finished_run)
        assert n > 0 or interval > 1  # with no flush the .part shows its first state
        flushed.append(n)
    if interval < 1:
        assert max(flushed) > 300  # the kills came after chunks had filled and been rewritten


KILL_AT_WRITE = Path(os.environ.get("REGSIM_BUILD_DIR", ROOT / "build")) / "tests" / \
    "libregsim_kill_at_write.so"


def test_kill_before_any_write_leaves_a_readable_part(tmp_path, finished_run):
    # tests/kill_at_write/kill_at_write.c SIGKILLs regsim right before its Nth write to the
    # .part: every state a kill can leave the file in is one of these (but a kill in the middle
    # of a write that Linux cuts short). With a flush after every replicate, about 50 writes a
    # flush, the N drawn here land at every point of creation and of the flushes.
    import random
    assert KILL_AT_WRITE.exists(), f"{KILL_AT_WRITE} not built (target regsim_kill_at_write)"
    rng = random.Random(31)
    out = tmp_path / "k.h5"
    part = Path(str(out) + ".part")
    new = Path(str(part) + ".new")
    flushed = []
    for at in [1, 20, 40] + sorted(rng.sample(range(50, 6000), 21)):
        env = dict(os.environ, LD_PRELOAD=str(KILL_AT_WRITE), REGSIM_KILL_AT_WRITE=str(at))
        proc = subprocess.run([str(BINARY), "run", str(DEFAULT), "-o", str(out), "--replicates",
                               "100000", "--threads", "2", "--quiet", "--flush-interval", "0"],
                              env=env)
        assert proc.returncode == -9, (at, proc.returncode)
        if part.exists():
            flushed.append(check_killed_part(part, finished_run))
            part.unlink()  # about 0.5 MB per flushed replicate
        else:  # killed while the file was created: only PART.new, which holds nothing
            assert new.exists() and at < 100, at
            flushed.append(0)
        new.unlink(missing_ok=True)
    assert flushed[0] == 0 and max(flushed) > 100, flushed


def test_kills_inside_flushes(tmp_path, finished_run):
    # --flush-interval 0 flushes after every replicate: the run then spends about 97% of its
    # time inside flushes (5.9 s for 1000 replicates, against 0.19 s without them), so nearly
    # every kill lands inside one, at a random point of HDF5's metadata writes; real SIGKILLs,
    # which may also cut a write short.
    import random
    rng = random.Random(23)
    flushed = []
    for kill in range(12):
        out = tmp_path / "k.h5"
        part = Path(str(out) + ".part")
        kill_a_run(out, 0, 0.2 + 0.8 * rng.random())
        flushed.append(check_killed_part(part, finished_run))
        part.unlink()  # about 0.5 MB per flushed replicate
    # Some kill landed after many flushes (about 170 a second on a quiet machine, half that
    # with another build on the same two cores).
    assert min(flushed) > 0 and max(flushed) > 30, flushed


def test_command_line_re_splits_to_the_arguments_given(tmp_path):
    import shlex
    name = "state.MLI.name='Mali \"x\" $HOME'"
    out = tmp_path / "q.h5"
    regsim("run", DEFAULT, "-o", out, "--replicates", 1, "--steps", 2, "--quiet", "--set", name,
           check=True)
    with h5py.File(out, "r") as f:
        line = f.attrs["command_line"]
        cwd = f.attrs["working_directory"]
    line = line.decode() if isinstance(line, bytes) else str(line)
    assert shlex.split(line)[1:] == ["run", str(DEFAULT), "-o", str(out), "--replicates", "1",
                                     "--steps", "2", "--quiet", "--set", name]
    assert cwd == os.getcwd()


def test_provenance_is_recorded(tmp_path):
    out = tmp_path / "p.h5"
    regsim("run", DEFAULT, "-o", out, "--replicates", 2, "--seed", 99, "--set", "model.peer_weight=0.25",
           "--quiet", check=True)
    with h5py.File(out, "r") as f:
        attrs = dict(f.attrs)
    text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
    assert text(attrs["scenario_text"]) == DEFAULT.read_text()
    params = json.loads(text(attrs["parameters"]))
    assert json.dumps(params).count("0.25") >= 1
    assert int(attrs["seed"]) == 99
    assert "--set" in text(attrs["command_line"])
    assert text(attrs["regsim_version"]).startswith("regsim")
    for key in ("git_commit", "started_at", "finished_at"):
        assert text(attrs[key])
    info = regsim("info", out, check=True).stdout
    assert "complete" in info


def test_set_values_keep_their_commas(tmp_path):
    # cxxopts splits vector options at commas; an array, an inline table or a string with a
    # comma must reach the scenario loader whole (docs/scenarios.md's own examples).
    out = tmp_path / "s.h5"
    regsim("run", DEFAULT, "-o", out, "--replicates", 1, "--steps", 2, "--quiet",
           "--set", 'scenario.name="West, and Sahel"',
           "--set", "patron.RUS.engagement={ MLI = 0.5, BFA = 0.25 }", check=True)
    with h5py.File(out, "r") as f:
        params = json.loads(f.attrs["parameters"])
        command = f.attrs["command_line"]
    command = command.decode() if isinstance(command, bytes) else str(command)
    assert "{ MLI = 0.5, BFA = 0.25 }" in command
    assert "West, and Sahel" in json.dumps(params)
    rus = next(p for p in params["patrons"] if p["id"] == "RUS")
    assert rus["engagement"] == {"MLI": 0.5, "BFA": 0.25}
    checked = regsim("check", DEFAULT, "--set", 'scenario.name="a, b"', check=True).stdout
    assert "a, b" in checked


def summary_digest(path):
    with h5py.File(path, "r") as f:
        return {
            "announce_step": f["announce_step"][()].tolist(),
            "exit_step": f["exit_step"][()].tolist(),
            "cascade_size": f["cascade_size"][()].tolist(),
            "event_count": int(f["event_kind"].shape[0]),
            "sovereignty_sum": float(np.round(f["sovereignty"][()].sum(), 9)),
        }


def test_golden_run_of_the_default_scenario(tmp_path):
    """A fixed run of the default scenario must not change unless the model does; update
    deliberately with REGSIM_UPDATE_GOLDEN=1 and explain the change in the commit."""
    out = tmp_path / "golden.h5"
    regsim("run", DEFAULT, "-o", out, "--replicates", 8, "--seed", 123, "--quiet",
           check=True)
    digest = summary_digest(out)
    if os.environ.get("REGSIM_UPDATE_GOLDEN") == "1" or not GOLDEN.exists():
        if os.environ.get("CI") and not GOLDEN.exists():
            pytest.fail("golden file missing in CI")
        GOLDEN.write_text(json.dumps(digest, indent=1) + "\n")
    assert digest == json.loads(GOLDEN.read_text())
