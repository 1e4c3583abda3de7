#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing (scripts/setup.sh),
# builds, then runs every test: ctest (GoogleTest) and pytest (analysis, output, scenarios).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
status=0
(cd build && ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)") || status=1
# Debian's python3 sees Debian's packages; a python3 earlier on PATH may not.
REGSIM_BINARY="$PWD/build/regsim" REGSIM_BUILD_DIR="$PWD/build" REGSIM_SOURCE_DIR="$PWD" \
  /usr/bin/python3 -m pytest tests/python -q -p no:cacheprovider || status=1
# A real one-node Slurm cluster: a 4-task array sweep merged and compared with one process.
# Prints "SKIPPED: <reason>" (not a pass) where it cannot run (not root, not Debian).
bash tests/slurm/test_slurm_sweep.sh || status=1
exit $status
