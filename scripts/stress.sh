#!/usr/bin/env bash
# The scheduled checks: longer than CI's time allows, for a nightly job or before a release.
# Not part of scripts/test.sh. Exits non-zero on the first failing stage.
#
#   bash scripts/stress.sh                      every stage (about 25 minutes on 2 cores)
#   STAGES="scale" bash scripts/stress.sh       some of them: sanitize, scale
#
# sanitize  every ctest case and every pytest case, on a build with AddressSanitizer and
#           UBSan (build-asan/, -DREGSIM_SANITIZE=address,undefined); then the dynamics and
#           draw tests again on each other draw path this CPU runs (REGSIM_DRAW_PATH). Any
#           report fails it (-fno-sanitize-recover).
# scale     the general engine on a world large enough for its parallel loops (300,000 generated
#           states, ER z = 4): `regsim run` with trajectories on 1 and on 2 threads must write
#           identical datasets, and a two-point sweep with trajectories run in one process on
#           1 thread must equal the same sweep run as two shards on 2 threads and merged.
#
# Needs what scripts/test.sh needs (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
stages=${STAGES:-sanitize scale}
jobs=$(nproc 2>/dev/null || echo 2)
python=/usr/bin/python3  # Debian's, which sees Debian's h5py (a python3 earlier on PATH may not)

sanitize() {
  echo "== sanitize: build-asan (AddressSanitizer + UBSan)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DREGSIM_SANITIZE=address,undefined -DREGSIM_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-asan -j"$jobs"
  # verify_asan_link_order=0: the kill tests preload their write() interposer
  # (tests/kill_at_write) ahead of the ASan runtime, which ASan otherwise refuses.
  export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:check_initialization_order=1:verify_asan_link_order=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j"$jobs")
  REGSIM_BINARY="$PWD/build-asan/regsim" REGSIM_BUILD_DIR="$PWD/build-asan" \
    REGSIM_SOURCE_DIR="$PWD" "$python" -m pytest tests/python -q -p no:cacheprovider
  local path
  for path in scalar avx2 avx512; do
    # A path the CPU cannot run falls back to the widest it can (core/draw_batch.hpp); the
    # tests then say which one ran.
    echo "== sanitize: dynamics and draws on REGSIM_DRAW_PATH=$path"
    (cd build-asan && REGSIM_DRAW_PATH=$path ctest --output-on-failure -j"$jobs" \
      -R 'Draw|Alignment|Utilit|Pinned|Phase|Property|Decision|Notice')
  done
}

# Every dataset of two complete files equal (scripts/same_datasets.py), and the world moved.
same_datasets() {
  "$python" - "$@" <<'PY'
import sys
import h5py
for path in sys.argv[1:3]:
    with h5py.File(path, "r") as f:
        assert f.attrs["complete"] == 1, f"{path} is not complete"
        announced = int((f["announce_step"][()] >= 0).sum())
        assert announced > 1000, f"{path}: the world hardly moved: the check proves little"
PY
  "$python" scripts/same_datasets.py "$1" "$2"
}

scale() {
  echo "== scale: 300,000 states on 1 and 2 threads; a sweep in one process and in two shards"
  bash scripts/build.sh
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  # A generated world with phases 3-7 at work (alignment noise, a notice, a club term), so
  # that the general engine runs (not the frontier cascade) and its parallel loops split
  # (N > 4 x 16384).
  cat >"$work/world.toml" <<'EOF'
[scenario]
name = "stress_scale"
start = "2000-01"
steps = 24
replicates = 2
seed = 11
axes = ["west", "south"]

[model]
peer_weight = 0.5
peer_alignment_rate = 0.1
alignment_noise = 0.05
alignment_cost = 0.3
sovereignty_reversion = 0.05
club_exponent = 0.5
decision_sharpness = 8
hazard_cap = 0.2

[network]
kind = "erdos_renyi"
states = 300000
mean_degree = 4.0
seed = 11

[state_defaults]
sovereignty = 0.5

[[institution]]
id = "NORM"
orientation = [0.5, 0.0]
benefit = 0.3
sovereignty_cost = 0.2
notice_months = 3
members = "all"

[[institution]]
id = "BLOC"
orientation = [-0.3, 0.6]
benefit = 0.2
members = "all"

[[event]]
step = 0
kind = "force_exit"
state = "random"
institution = "NORM"
EOF
  local threads
  for threads in 1 2; do
    build/regsim run "$work/world.toml" --threads $threads --quiet -o "$work/run$threads.h5"
  done
  same_datasets "$work/run1.h5" "$work/run2.h5"

  # Two points, two replicates each, full trajectories: one process on 1 thread, and two
  # shards on 2 threads merged.
  printf '[sweep]\nscenario = "world.toml"\nrecord = "full"\n[[parameter]]\n%s\n%s\n' \
    'key = "model.hazard_cap"' 'values = [0.2, 0.3]' >"$work/sweep.toml"
  build/regsim sweep "$work/sweep.toml" --threads 1 --quiet -o "$work/single.h5"
  local k
  for k in 0 1; do
    build/regsim sweep "$work/sweep.toml" --shard "$k/2" --threads 2 --quiet \
      -o "$work/shard$k.h5"
  done
  build/regsim merge "$work/shard0.h5" "$work/shard1.h5" -o "$work/merged.h5" --quiet
  same_datasets "$work/single.h5" "$work/merged.h5"
}

for stage in $stages; do
  case $stage in
    sanitize | scale) "$stage" ;;
    *) echo "unknown stage '$stage' (known: sanitize scale)" >&2; exit 2 ;;
  esac
done
echo "stress: all stages passed ($stages)"
