#!/usr/bin/env bash
# Submit a regsim sweep to Slurm as a job array of N shards plus a merge job
# (docs/cluster.md).
#
#   scripts/slurm/submit_sweep.sh SWEEP.toml --tasks N [-o OUT.h5] [--threads T] [--force] [sbatch options...]
#
# Array task K (0..N-1) runs `regsim sweep SWEEP.toml --shard auto --resume -o OUT.shardK.h5`,
# so a requeued or resubmitted task continues its own .part file (its log is appended to).
# When every task succeeded, a job with --dependency=afterok:<array id> runs `regsim merge`
# into OUT.h5. An existing OUT.h5 is refused unless --force (then the merge replaces it).
# Any other option goes to both sbatch calls (e.g. --partition=short --time=2:00:00).
# The regsim binary: $REGSIM, else build/regsim of this repository, else `regsim` on PATH.
# Prints "array_job=ID merge_job=ID" on its last line.
set -euo pipefail

usage() {  # the header comment; exit 0 when asked for it, 2 on a usage error
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&"$((${1:-2} == 0 ? 1 : 2))"
    exit "${1:-2}"
}

[[ $# -ge 1 ]] || usage
sweep=""
tasks=""
out=""
threads=""
force=""
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --tasks) tasks="${2:-}"; shift 2 ;;
        --tasks=*) tasks="${1#*=}"; shift ;;
        -o|--output) out="${2:-}"; shift 2 ;;
        --output=*) out="${1#*=}"; shift ;;
        --threads) threads="${2:-}"; shift 2 ;;
        --threads=*) threads="${1#*=}"; shift ;;
        --force) force=" --force"; shift ;;
        -h|--help) usage 0 ;;
        *)
            if [[ -z "$sweep" && "$1" != -* ]]; then sweep="$1"; else extra+=("$1"); fi
            shift ;;
    esac
done
[[ -n "$sweep" && -f "$sweep" ]] || { echo "submit_sweep.sh: no sweep file '$sweep'" >&2; exit 2; }
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || { echo "submit_sweep.sh: --tasks N (N >= 1) is required" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "submit_sweep.sh: sbatch not found" >&2; exit 2; }

here="$(cd "$(dirname "$0")/../.." && pwd)"
regsim="${REGSIM:-}"
if [[ -z "$regsim" ]]; then
    if [[ -x "$here/build/regsim" ]]; then regsim="$here/build/regsim"; else regsim="$(command -v regsim || true)"; fi
fi
[[ -n "$regsim" && -x "$regsim" ]] || { echo "submit_sweep.sh: regsim binary not found (set REGSIM)" >&2; exit 2; }
regsim="$(cd "$(dirname "$regsim")" && pwd)/$(basename "$regsim")"

sweep="$(cd "$(dirname "$sweep")" && pwd)/$(basename "$sweep")"
[[ -n "$out" ]] || out="out/$(basename "${sweep%.toml}").h5"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
base="${out%.h5}"
if [[ -e "$out" && -z "$force" ]]; then
    echo "submit_sweep.sh: $out exists; use --force to replace it with this sweep's merge" >&2
    exit 2
fi

# Threads per task: --threads, else the CPUs Slurm gives the task, else 1.
if [[ -n "$threads" ]]; then
    [[ "$threads" =~ ^[0-9]+$ ]] || { echo "submit_sweep.sh: --threads takes an integer" >&2; exit 2; }
    thr="$threads"
else
    thr='${SLURM_CPUS_PER_TASK:-1}'
fi

q() { printf '%q' "$1"; }
shard_cmd="exec $(q "$regsim") sweep $(q "$sweep") -o $(q "$base").shard\${SLURM_ARRAY_TASK_ID}.h5 --shard auto --resume --threads $thr"
array_job=$(sbatch --parsable --array="0-$((tasks - 1))" --job-name=regsim-sweep --requeue \
    --open-mode=append --output="$base.shard%a.log" "${extra[@]}" --wrap "$shard_cmd")
array_job="${array_job%%;*}"

shards=""
for ((k = 0; k < tasks; ++k)); do shards+=" $(q "$base.shard$k.h5")"; done
merge_cmd="exec $(q "$regsim") merge$shards -o $(q "$out")$force"
merge_job=$(sbatch --parsable --dependency="afterok:$array_job" --job-name=regsim-merge \
    --output="$base.merge.log" "${extra[@]}" --wrap "$merge_cmd")
merge_job="${merge_job%%;*}"

echo "submitted $tasks shard tasks (job $array_job) and a merge (job $merge_job) -> $out" >&2
echo "array_job=$array_job merge_job=$merge_job"
