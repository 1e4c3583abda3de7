"""A scenario that reads its influence graph from a file: the file's path and content hash are
in every run and sweep file, and shards that read different graphs are not one sweep."""
import os
import subprocess
from pathlib import Path

import h5py
import pytest

ROOT = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("REGSIM_BINARY", ROOT / "build" / "regsim"))

pytestmark = pytest.mark.skipif(not BINARY.exists(), reason=f"regsim not built at {BINARY}")

SCENARIO = """
[scenario]
name = "filegraph"
start = "2022-01"
steps = 6
replicates = 4
seed = 3

[model]
peer_weight = 2.0
decision_sharpness = 6.0

[network]
kind = "edge_list"
path = "edges.csv"

[[institution]]
id = "CLUB"
benefit = 0.4
members = "all"

[[event]]
step = 0
kind = "force_exit"
state = "S0"
institution = "CLUB"
"""

SWEEP = """
[sweep]
scenario = "s.toml"
replicates = 3
[[parameter]]
key = "institution.CLUB.benefit"
values = [0.2, 0.4, 0.6, 0.8]
"""


def regsim(*args, cwd):
    return subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


@pytest.fixture
def world(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("".join(f"{i},{(i + 1) % 30}\n{i},{(i + 7) % 30}\n" for i in range(30)))
    (tmp_path / "s.toml").write_text(SCENARIO)
    (tmp_path / "sw.toml").write_text(SWEEP)
    return tmp_path


def test_run_records_the_network_file(world):
    assert regsim("run", "s.toml", "-o", "r.h5", "--quiet", cwd=world).returncode == 0
    with h5py.File(world / "r.h5", "r") as f:
        assert Path(f.attrs["network_path"]).resolve() == (world / "edges.csv").resolve()
        assert f.attrs["network_hash"] == fnv1a64((world / "edges.csv").read_bytes())


def test_shards_of_different_graphs_do_not_merge(world):
    assert regsim("sweep", "sw.toml", "-o", "a.h5", "--shard", "0/2", "--quiet",
                  cwd=world).returncode == 0
    with h5py.File(world / "a.h5", "r") as f:
        assert f.attrs["network_hash"] == fnv1a64((world / "edges.csv").read_bytes())
    # The same sweep and scenario text, another graph: another sweep.
    with open(world / "edges.csv", "a") as e:
        e.write("3,17\n")
    assert regsim("sweep", "sw.toml", "-o", "b.h5", "--shard", "1/2", "--quiet",
                  cwd=world).returncode == 0
    p = regsim("merge", "a.h5", "b.h5", "-o", "m.h5", cwd=world)
    assert p.returncode == 2 and "another sweep" in p.stderr
    assert not (world / "m.h5").exists()
    # ... and --resume of the finished shard 0 with the new graph is refused too.
    p = regsim("sweep", "sw.toml", "-o", "a.h5", "--shard", "0/2", "--resume", cwd=world)
    assert p.returncode == 2 and "another sweep" in p.stderr
