#!/usr/bin/env bash
# Regenerates every number in docs/validation.md (prints markdown to stdout):
# Granovetter, the Watts window over z = 1..10, and both hindcasts with the shipped parameters.
# Usage: scripts/make_validation.sh [replicates]   (default 1000 for the hindcasts)
#        COW_DIR=../shared/data/cow-igo-v3 scripts/make_validation.sh   (also the quiet-times
#        base rate, section 6, from the Correlates of War IGO files in that folder)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-1000}
bin=build/regsim
[ -x "$bin" ] || bash scripts/build.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3

echo "## Granovetter"
for f in granovetter granovetter_one_exit; do
  $bin run scenarios/validation/$f.toml -o "$tmp/$f.h5" --quiet --no-trajectories
  $py -c "import h5py,sys; f=h5py.File(sys.argv[1]); print(f'- {sys.argv[2]}: {int(f[\"cascade_size\"][0,0])} exits of 100')" "$tmp/$f.h5" $f
done
echo
echo "## Watts"
$py scripts/validate_watts.py --replicates 200
echo
for s in sahel_2022 icc_africa_2016; do
  echo "## Hindcast: $s ($reps replicates)"
  $bin run scenarios/$s.toml -o "$tmp/$s.h5" --quiet --replicates "$reps" --no-trajectories
  echo '```'
  $py -m analysis hindcast "$tmp/$s.h5" scenarios/observed/$s.csv
  echo '```'
done
echo
echo "## The Sahel from the 2024-12 cut-off (5000 replicates, those that agree with history)"
$bin run scenarios/sahel_2022.toml -o "$tmp/cut.h5" --quiet --replicates 5000 --no-trajectories
echo '```'
$py -m analysis hindcast "$tmp/cut.h5" scenarios/observed/sahel_2022.csv --given-until 2024-12
echo '```'
if [ -n "${COW_DIR:-}" ]; then
  echo
  echo "## Quiet times: exits per membership-year (P5)"
  for b in 1.0 0.6 0.5 0.4 0.3; do
    echo "### benefit $b"
    $py scripts/cow_scenario.py --cow "$COW_DIR" --min-members 5 --years 10 --year 2000 \
      --states BEN,BFO,CAP,CDI,GAM,GHA,GUI,GNB,LBR,MLI,NIR,NIG,SEN,SIE,TOG \
      --model-from scenarios/sahel_2022.toml --benefit "$b" -o "$tmp/cow.toml" --force
    $bin run "$tmp/cow.toml" -o "$tmp/cow.h5" --quiet --force
    echo '```'
    $py -m analysis baserate "$tmp/cow.h5" | grep -E '^ +all |^reference'
    echo '```'
  done
fi
