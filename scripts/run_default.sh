#!/usr/bin/env bash
# The main job on the shipped default scenario: set up, build, simulate, plot.
# Writes out/sahel_2022.h5 and out/sahel_2022_timeline.png. An existing out/sahel_2022.h5 is
# kept and only redrawn: delete it to simulate again. Extra arguments go to `regsim run`
# (e.g. --replicates 2000 --threads 2), not -o: the file name is fixed here. A leftover
# out/sahel_2022.h5.part (a killed run) makes regsim refuse: delete it, or pass --force.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
scenario=scenarios/sahel_2022.toml
out=out/sahel_2022.h5
if [ -e "$out" ]; then
  echo "run_default: $out exists; keeping it (delete it to simulate again)"
else
  build/regsim run "$scenario" -o "$out" "$@"
fi
build/regsim info "$out" | sed -n '1,2p;/^attributes:/,$p'  # complete?, then how it was made
/usr/bin/python3 -m analysis timeline "$out" -o out/sahel_2022_timeline.png --force  # derived: redrawn each time
/usr/bin/python3 -m analysis summary "$out" | head -n 40
echo "run_default: wrote $out and out/sahel_2022_timeline.png"
