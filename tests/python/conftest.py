"""Shared fixtures for the Python tests (analysis and output).

`run_file` is the path of one finished regsim run. By default it is a synthetic file written by
make_sample_file.py in exactly the layout of docs/output.md. When REGSIM_BINARY names an
existing file, the real simulator writes it instead:
    $REGSIM_BINARY run $REGSIM_SOURCE_DIR/scenarios/west_africa.toml -o TMP/out.h5 \
        --replicates 40 --quiet
(REGSIM_SOURCE_DIR defaults to this repository; the test is skipped if the scenario is missing).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))  # the analysis package

import make_sample_file  # noqa: E402


def _real_binary():
    binary = os.environ.get("REGSIM_BINARY", "")
    return binary if binary and os.path.isfile(binary) else None


@pytest.fixture(scope="session")
def run_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out.h5"
    binary = _real_binary()
    if binary:
        source = Path(os.environ.get("REGSIM_SOURCE_DIR", str(REPO)))
        scenario = source / "scenarios" / "west_africa.toml"
        if not scenario.is_file():
            pytest.skip(f"REGSIM_BINARY set but {scenario} is missing")
        subprocess.run([binary, "run", str(scenario), "-o", str(out), "--replicates", "40",
                        "--quiet"], check=True, timeout=300)
        return out
    return make_sample_file.make_sample_run(out)


@pytest.fixture(scope="session")
def is_synthetic():
    return _real_binary() is None


@pytest.fixture(scope="session")
def incomplete_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("incomplete") / "crashed.h5"
    return make_sample_file.make_sample_run(out, replicates=3, complete=False)


@pytest.fixture(scope="session")
def sweep_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "sweep.h5"
    return make_sample_file.make_sample_sweep(out)


@pytest.fixture(scope="session")
def repo_root():
    return REPO
