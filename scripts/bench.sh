#!/usr/bin/env bash
# Benchmarks (not tests): prints every table of docs/performance.md, measured in one run on
# this machine (about 8 minutes).
#   First scripts/bench_watts.sh: the Watts cascade at N = 1e5, 1e6, 1e7 for regsim and two
#   peers on the same edge lists (time, ratios, edge visits/s, peak RSS per state and edge, the
#   log-log slope), and the full political model's time per step on 1 and 2 threads.
#   Then runs/s of the default scenario on 1 and 2 threads, with and without trajectories, the
#   share of wall time the writer thread was busy, and the CPU time a helper thread spent
#   compressing chunks for it as a share of wall time ("-" for a build without helpers); and
#   the writer thread's own CPU time (its busy time also counts waiting for a core).
#   Then runs/s of the Saltelli sweep sweeps/sahel_saltelli.toml with summaries and with full
#   trajectories, on 1 and 2 threads, with the same writer columns from `regsim sweep --timings`
#   ("-" where the binary does not report them).
# Usage: scripts/bench.sh [replicates]   (default 1000). Results go in docs/performance.md.
# Env: WATTS=0 skips bench_watts.sh (runs and sweeps only); GT_1E7=1 adds graph-tool at 1e7;
#      BUILD=dir the build folder (default build-bench); REGSIM_BINARY=path another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
replicates=${1:-1000}
# The binary of the build folder bench_watts.sh uses (BUILD, default build-bench), brought up to
# date first so that no table comes from a stale binary; REGSIM_BINARY=path measures another.
build=${BUILD:-build-bench}
if [ -z "${REGSIM_BINARY:-}" ]; then
  [ -f "$build/CMakeCache.txt" ] ||
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DREGSIM_BUILD_BENCHMARKS=ON \
          -DREGSIM_BUILD_TESTS=OFF > /dev/null
  cmake --build "$build" -j2 --target regsim > /dev/null
fi
bin=${REGSIM_BINARY:-$build/regsim}
scenario=scenarios/sahel_2022.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "${WATTS:-1}" != 0 ]; then
  echo "## Watts cascade and full model (scripts/bench_watts.sh)"
  bash scripts/bench_watts.sh
  printf '\n## Runs and sweeps\n\n'
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "regsim:  $($bin --version)"
echo "scenario: $scenario, $replicates replicates"
printf '\n| threads | output | wall (s) | runs/s | writer busy (%% of wall) | writer CPU (%% of wall) | compressing, CPU (%% of wall) |\n|---|---|---|---|---|---|---|\n'
for threads in 1 2; do
  for mode in trajectories summaries; do
    extra=()
    [ "$mode" = summaries ] && extra=(--no-trajectories)
    line=$($bin run "$scenario" -o "$tmp/b.h5" --force --quiet --timings \
           --replicates "$replicates" --threads "$threads" "${extra[@]}")
    # timings: load L s, build B s, simulate+write S s, write W s (P% of wall), R runs/s,
    #   compress C s CPU (Q% of wall)
    wall=$(echo "$line" | sed -E 's/.*simulate\+write ([0-9.]+) s.*/\1/')
    share=$(echo "$line" | sed -E 's/.*write [0-9.]+ s \(([0-9.]+)% of wall\).*/\1/')
    compress=-
    case "$line" in
      *compress*) compress=$(echo "$line" | sed -E 's/.*compress [0-9.]+ s CPU \(([0-9.]+)% of wall\).*/\1/') ;;
    esac
    rate=$(echo "$line" | sed -E 's/.*, ([0-9.]+) runs\/s.*/\1/')
    size=$(du -h "$tmp/b.h5" | cut -f1)
    wcpu=-
    case "$line" in
      *"write CPU"*) wcpu=$(echo "$line" | sed -E 's/.*write CPU [0-9.]+ s \(([0-9.]+)% of wall\).*/\1/') ;;
    esac
    printf '| %s | %s (%s) | %s | %s | %s | %s | %s |\n' "$threads" "$mode" "$size" "$wall" "$rate" \
      "$share" "$wcpu" "$compress"
  done
done

# Sweeps: the Saltelli design of sweeps/sahel_saltelli.toml (448 points x 10 replicates of the
# Sahel scenario), as shipped (summaries) and with full trajectories.
sweep=sweeps/sahel_saltelli.toml
sed -e '/^record = /d' -e '/^replicates = /a record = "full"' \
    -e "s|^scenario = \"\\.\\./|scenario = \"$PWD/|" "$sweep" > "$tmp/full.toml"
runs=$(( $(grep -m1 '^samples' "$sweep" | sed -E 's/[^0-9]*([0-9]+).*/\1/') * \
         ($(grep -c '^\[\[parameter\]\]' "$sweep") + 2) * \
         $(grep -m1 '^replicates' "$sweep" | sed -E 's/[^0-9]*([0-9]+).*/\1/') ))
printf '\nsweep: %s, %s runs\n\n| threads | output | wall (s) | runs/s | writer busy (%% of wall) | writer CPU (%% of wall) | compressing, CPU (%% of wall) |\n|---|---|---|---|---|---|---|\n' "$sweep" "$runs"
# A field of the sweep's --timings line ("-" if the binary does not print it).
field() {
  case "$1" in
    *"$2"*) echo "$1" | sed -E "s/$3/\1/" ;;
    *) echo - ;;
  esac
}
for threads in 1 2; do
  for mode in summaries trajectories; do
    file=$sweep
    [ "$mode" = trajectories ] && file=$tmp/full.toml
    timings=()
    case "$($bin sweep --help 2>&1 || true)" in *--timings*) timings=(--timings) ;; esac
    start=$(date +%s.%N)
    line=$($bin sweep "$file" -o "$tmp/s.h5" --force --quiet --threads "$threads" "${timings[@]}")
    end=$(date +%s.%N)
    size=$(du -h "$tmp/s.h5" | cut -f1)
    # timings: load L s, simulate+write S s, wall W s, write B s (P% of wall), R runs/s,
    #   compress C s CPU (Q% of wall), write CPU U s (V% of wall)
    busy=$(field "$line" "% of wall" '.*write [0-9.]+ s \(([0-9.]+)% of wall\).*')
    wcpu=$(field "$line" "write CPU" '.*write CPU [0-9.]+ s \(([0-9.]+)% of wall\).*')
    compress=$(field "$line" "compress" '.*compress [0-9.]+ s CPU \(([0-9.]+)% of wall\).*')
    wall=$(field "$line" ", wall " '.*, wall ([0-9.]+) s.*')
    # Wall from the timings line when there is one, else the process's own.
    awk -v t="$threads" -v m="$mode ($size)" -v a="$start" -v b="$end" -v w="$wall" -v n="$runs" \
        -v busy="$busy" -v wcpu="$wcpu" -v c="$compress" \
      'BEGIN {if (w == "-") w = b - a;
              printf "| %s | %s | %.2f | %.0f | %s | %s | %s |\n", t, m, w, n / w, busy, wcpu, c}'
  done
done
