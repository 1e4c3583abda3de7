#!/usr/bin/env bash
# Regenerates the figures of docs/analysis.md (docs/img/*.png) from real runs:
#   1. build/regsim run scenarios/west_africa.toml (the default scenario),
#   2. every figure command of `python3 -m analysis` on it,
#   3. the hindcast of scenarios/sahel_2022.toml against scenarios/observed/sahel_2022.csv.
# Needs the simulator built in build/ (cmake -S . -B build && cmake --build build --target regsim).
# Usage: scripts/make_figures.sh [REPLICATES]     (default 200)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
regsim="${REGSIM_BINARY:-$root/build/regsim}"
py=/usr/bin/python3   # Debian's python3: the one with h5py, xarray, matplotlib
reps="${1:-200}"
out="$(mktemp -d)"   # runs and tables are scratch: the figures are what is kept
trap 'rm -rf "$out"' EXIT
img="$root/docs/img"

if [ ! -x "$regsim" ]; then
  echo "make_figures: $regsim not found; build it first:" >&2
  echo "  cmake -S $root -B $root/build && cmake --build $root/build -j2 --target regsim" >&2
  exit 1
fi
mkdir -p "$out" "$img"
analysis() { (cd "$root" && "$py" -m analysis "$@" --force); }  # regenerates: replaces

run="$out/west_africa.h5"
"$regsim" run "$root/scenarios/west_africa.toml" -o "$run" --replicates "$reps" --quiet

analysis summary "$run" --csv "$out/west_africa-summary.csv"
analysis timeline "$run" -o "$img/timeline.png"
analysis timeline "$run" --replicate 0 -o "$img/timeline-replicate0.png"
analysis trajectories "$run" --states MLI,BFA,NER,SEN -o "$img/trajectories.png"
analysis cascades "$run" -o "$img/cascades.png"
analysis network "$run" -o "$img/network.png"

sahel="$out/sahel_2022.h5"
if [ -f "$root/scenarios/sahel_2022.toml" ]; then
  "$regsim" run "$root/scenarios/sahel_2022.toml" -o "$sahel" --replicates "$reps" --quiet
  analysis hindcast "$sahel" "$root/scenarios/observed/sahel_2022.csv" \
    --csv "$out/sahel_2022-hindcast.csv"
  # The README's headline figure: the Sahel story as the share of replicates in each status.
  analysis timeline "$sahel" --states MLI,BFA,NER,TCD,MRT,SEN \
    --institutions G5S,AES,ECOWAS,OIF,ICC -o "$img/sahel_timeline.png"
fi
echo "make_figures: figures in $img"
