#!/usr/bin/env bash
# The main job on the shipped default scenario: set up, build, simulate, plot.
# Writes out/sahel_2022.h5 and out/sahel_2022_timeline.png. An existing output file is never
# overwritten: delete it (or pass -o another path) to simulate again.
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
