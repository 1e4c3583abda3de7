#!/usr/bin/env bash
# A real one-node Slurm on this machine runs a 4-task array sweep submitted with
# scripts/slurm/submit_sweep.sh; the merged file must equal a single-process sweep dataset
# for dataset. Recipe: /work/shared/notes/slurm-localhost.md (docs/cluster.md, "Testing").
#
#   bash tests/slurm/test_slurm_sweep.sh        (needs root on Debian; else prints SKIPPED)
#
# REGSIM_BINARY: the regsim to use (default build/regsim). The daemons run with a private
# slurm.conf, ports and state folder under a temporary directory, and are stopped by PID on exit
# (munged too, if this script started it).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
skip() { echo "SKIPPED: $*"; exit 0; }

[[ "$(id -u)" == 0 ]] || skip "needs root (installs and starts slurm and munge)"
[[ -f /etc/debian_version ]] || skip "needs Debian (apt-get install slurm-wlm munge)"
regsim="${REGSIM_BINARY:-$root/build/regsim}"
[[ -x "$regsim" ]] || skip "regsim not built at $regsim"
python=/usr/bin/python3
"$python" -c "import h5py, numpy" 2>/dev/null || skip "python3-h5py is missing"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    echo "installing slurm-wlm and munge ..."
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends slurm-wlm munge >/tmp/regsim-slurm-apt.log 2>&1; then
        apt-get -o DPkg::Lock::Timeout=600 update >>/tmp/regsim-slurm-apt.log 2>&1 || true
        apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends slurm-wlm munge \
            >>/tmp/regsim-slurm-apt.log 2>&1 || skip "cannot install slurm-wlm munge (see /tmp/regsim-slurm-apt.log)"
    fi
fi

work="$(mktemp -d /tmp/regsim-slurm.XXXXXX)"
pids_to_stop=()
cleanup() {
    local status=$?
    for f in "$work/slurmd.pid" "$work/slurmctld.pid"; do
        if [[ -s "$f" ]]; then
            local pid; pid="$(cat "$f")"
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    for pid in "${pids_to_stop[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [[ $status -ne 0 ]]; then
        echo "--- logs ($work)"; tail -n 20 "$work"/*.log "$work"/out/*.log 2>/dev/null || true
    fi
    [[ -n "${KEEP_SLURM_WORK:-}" ]] || rm -rf "$work"
    exit $status
}
trap cleanup EXIT

# munge: reuse a running munged, else start one as the munge user.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    install -d -o munge -g munge -m 0755 /run/munge
    if [[ ! -s /etc/munge/munge.key ]]; then
        if command -v mungekey >/dev/null; then mungekey --create --force >/dev/null 2>&1 || true; fi
        [[ -s /etc/munge/munge.key ]] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null
        chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
    fi
    runuser -u munge -- munged
    sleep 0.3
    pid="$(cat /run/munge/munged.pid 2>/dev/null || pgrep -u munge -n munged || true)"
    [[ -n "$pid" ]] && pids_to_stop+=("$pid")
    munge -n | unmunge >/dev/null || { echo "FAIL: munged does not work"; exit 1; }
fi

host="$(hostname -s)"
node="$(slurmd -C | head -n 1)"
[[ "$node" == NodeName=* ]] || { echo "FAIL: slurmd -C printed '$node'"; exit 1; }
mkdir -p "$work/state" "$work/spool" "$work/out"
conf="$work/slurm.conf"
cat >"$conf" <<CONF
ClusterName=regsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
$node NodeAddr=127.0.0.1
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"

slurmctld -f "$conf" -c -i
slurmd -f "$conf"
for _ in $(seq 100); do
    state="$(sinfo -h -o %t 2>/dev/null | head -n 1 || true)"
    [[ "$state" == idle ]] && break
    sleep 0.2
done
[[ "$state" == idle ]] || { echo "FAIL: the node is not idle (state '$state')"; exit 1; }

# A small sweep: 12 points x 3 replicates of the West Africa scenario over 12 steps.
cat >"$work/small.toml" <<TOML
[sweep]
scenario = "$root/scenarios/west_africa.toml"
replicates = 3
seed = 5
steps = 12
record = "every:4"

[[parameter]]
key = "model.peer_weight"
low = 0.0
high = 1.0
steps = 4

[[parameter]]
key = "institution.ECOWAS.sovereignty_cost"
values = [0.2, 0.6, 1.0]
TOML

ids="$(REGSIM="$regsim" bash "$root/scripts/slurm/submit_sweep.sh" "$work/small.toml" --tasks 4 \
    -o "$work/out/small.h5" --threads 1 | tail -n 1)"
echo "submitted: $ids"
array_job="$(sed -n 's/.*array_job=\([0-9]*\).*/\1/p' <<<"$ids")"
merge_job="$(sed -n 's/.*merge_job=\([0-9]*\).*/\1/p' <<<"$ids")"
[[ -n "$array_job" && -n "$merge_job" ]] || { echo "FAIL: no job ids in '$ids'"; exit 1; }

empty=0
for _ in $(seq 900); do  # 180 s
    if [[ -z "$(squeue -h -r -j "$array_job,$merge_job" 2>/dev/null)" ]]; then
        empty=$((empty + 1)); [[ $empty -ge 2 ]] && break
    else
        empty=0
        if squeue -h -j "$merge_job" -o %r 2>/dev/null | grep -q DependencyNeverSatisfied; then
            echo "FAIL: a shard task failed (the merge can never run)"
            scancel "$merge_job" 2>/dev/null || true
            exit 1
        fi
    fi
    sleep 0.2
done
[[ $empty -ge 2 ]] || { echo "FAIL: jobs still queued after 180 s"; squeue; exit 1; }
[[ -f "$work/out/small.h5" ]] || { echo "FAIL: no merged file"; exit 1; }
for k in 0 1 2 3; do [[ -f "$work/out/small.shard$k.h5" ]] || { echo "FAIL: shard $k missing"; exit 1; }; done

"$regsim" sweep "$work/small.toml" -o "$work/single.h5" --threads 2 --quiet
"$python" "$root/scripts/same_datasets.py" "$work/single.h5" "$work/out/small.h5" \
  || { echo "FAIL: the merged file differs from the single-process sweep"; exit 1; }
"$python" - "$work/single.h5" "$work/out/small.h5" <<'PY'
import sys, h5py
a, b = sys.argv[1:3]
with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
    assert fb.attrs["complete"] == 1 and fb.attrs["points_total"] == 12
    assert fa.attrs["sweep_hash"] == fb.attrs["sweep_hash"]
print("merged file equals the single-process sweep")
PY
# A second submission must not replace the merged file without --force.
if REGSIM="$regsim" bash "$root/scripts/slurm/submit_sweep.sh" "$work/small.toml" --tasks 4 \
    -o "$work/out/small.h5" --threads 1 2>"$work/resubmit.err"; then
    echo "FAIL: resubmitting over an existing merged file was accepted"; exit 1
fi
grep -q "use --force" "$work/resubmit.err" || { echo "FAIL: no --force hint"; cat "$work/resubmit.err"; exit 1; }
echo "1 passed, 0 failed"
