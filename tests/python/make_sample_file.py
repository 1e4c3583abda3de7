"""Write regsim-shaped HDF5 files with h5py, in exactly the layout of docs/output.md.

The analysis tests use these files until `regsim run` exists (conftest.py switches to the real
binary when REGSIM_BINARY is set). Three writers:

- `write_run(path, ...)`: the layout itself, from arrays you give it (hand-made cases);
- `make_sample_run(path)`: a small Sahel-like world (4 states, G5S / ECOWAS / latent AES,
  one patron, 50 replicates, 36 monthly steps from 2022-01) with status trajectories and an
  event log that agree with each other;
- `make_sample_sweep(path)`: the provisional sweep shape (docs/analysis.md, "sweep").

Run as a script to write a sample: `/usr/bin/python3 tests/python/make_sample_file.py out.h5`.
"""

import json
import sys

import h5py
import numpy as np

STATUS = ["none", "member", "suspended", "withdrawing", "withdrawn"]
KINDS = (
    "announce rescind exit suspend reinstate sanction lift_sanction dissolve found join coup "
    "transition patron_engagement institution_param force_exit force_join"
).split()
CAUSES = (
    "scheduled utility joint_declaration democracy_clause notice_elapsed quorum dissolution "
    "founding"
).split()
NONE, MEMBER, SUSPENDED, WITHDRAWING, WITHDRAWN = range(5)
K = {name: i for i, name in enumerate(KINDS)}
C = {name: i for i, name in enumerate(CAUSES)}

_STR = h5py.string_dtype("utf-8")
_PHONY = "This is a netCDF dimension but not a netCDF variable.%10d"


def _flags(dset, names):
    dset.attrs["flag_values"] = np.arange(len(names), dtype=dset.dtype)
    dset.attrs["flag_meanings"] = " ".join(names)


def _data(f, name, data, dims, dtype, compress=True):
    data = np.asarray(data, dtype=dtype)
    kw = {}
    if compress and data.size:
        chunks = list(data.shape)
        if dims and dims[0] in ("replicate", "point") and len(chunks) > 1:
            chunks[0] = 1
        kw = dict(chunks=tuple(max(c, 1) for c in chunks), compression="gzip",
                  compression_opts=4, shuffle=True)
    d = f.create_dataset(name, data=data, **kw)
    for axis, dim in enumerate(dims):
        d.dims[axis].attach_scale(f[dim])
    return d


def _coord(f, name, values, dtype):
    d = f.create_dataset(name, data=np.asarray(values, dtype=dtype))
    d.make_scale(name)
    return d


def write_run(path, *, states, institutions, steps, start_month="2022-01", axes=("west",),
              patrons=(), replicates, status=None, sovereignty=None, alignment=None,
              regime=None, announce_step, exit_step, final_status, dissolve_step, found_step,
              cascade_size, events=(), attrs=None, complete=True, record_every=1):
    """Write one run file. `events` is a list of dicts with keys replicate, step, kind, cause
    (names) and optional state, institution, patron (indices, -1 none) and value; they are
    sorted by (replicate, step) keeping the given order within a step."""
    times = list(range(0, steps + 1, record_every))
    if times[-1] != steps:
        times.append(steps)
    y0, m0 = (int(x) for x in start_month.split("-"))
    months = [f"{y0 + (m0 - 1 + t) // 12:04d}-{(m0 - 1 + t) % 12 + 1:02d}" for t in times]
    events = sorted(enumerate(events), key=lambda p: (p[1]["replicate"], p[1]["step"], p[0]))
    events = [e for _, e in events]
    with h5py.File(path, "w") as f:
        _coord(f, "replicate", np.arange(replicates), np.int32)
        _coord(f, "time", times, np.int32)
        _coord(f, "state", [s[0] for s in states], _STR)
        _coord(f, "institution", [i[0] for i in institutions], _STR)
        _coord(f, "axis", list(axes), _STR)
        if patrons:
            _coord(f, "patron", [p[0] for p in patrons], _STR)
        ev = f.create_dataset("event", data=np.zeros(len(events), dtype=np.float32))
        ev.make_scale(_PHONY % len(events))
        _data(f, "month", months, ["time"], _STR, compress=False)
        _data(f, "state_name", [s[1] for s in states], ["state"], _STR, compress=False)
        _data(f, "institution_name", [i[1] for i in institutions], ["institution"], _STR,
              compress=False)
        if status is not None:
            _data(f, "sovereignty", sovereignty, ["replicate", "time", "state"], np.float64)
            _data(f, "alignment", alignment, ["replicate", "time", "state", "axis"], np.float64)
            _flags(_data(f, "regime", regime, ["replicate", "time", "state"], np.uint8),
                   ["civilian", "military"])
            _flags(_data(f, "status", status, ["replicate", "time", "state", "institution"],
                         np.uint8), STATUS)
        rsi = ["replicate", "state", "institution"]
        _data(f, "announce_step", announce_step, rsi, np.int32)
        _data(f, "exit_step", exit_step, rsi, np.int32)
        _flags(_data(f, "final_status", final_status, rsi, np.uint8), STATUS)
        _data(f, "dissolve_step", dissolve_step, ["replicate", "institution"], np.int32)
        _data(f, "found_step", found_step, ["replicate", "institution"], np.int32)
        _data(f, "cascade_size", cascade_size, ["replicate", "institution"], np.int32)

        def col(key, default):
            return [e.get(key, default) for e in events]

        _data(f, "event_replicate", col("replicate", 0), ["event"], np.int32, False)
        _data(f, "event_step", col("step", 0), ["event"], np.int32, False)
        _flags(_data(f, "event_kind", [K[k] for k in col("kind", "")], ["event"], np.uint8,
                     False), KINDS)
        _flags(_data(f, "event_cause", [C[c] for c in col("cause", "utility")], ["event"],
                     np.uint8, False), CAUSES)
        _data(f, "event_state", col("state", -1), ["event"], np.int32, False)
        _data(f, "event_institution", col("institution", -1), ["event"], np.int32, False)
        _data(f, "event_patron", col("patron", -1), ["event"], np.int32, False)
        _data(f, "event_value", col("value", 0.0), ["event"], np.float64, False)

        a = dict(scenario_name="sample", scenario_path="scenarios/sample.toml",
                 scenario_text="# synthetic sample written by tests/python/make_sample_file.py\n",
                 parameters=json.dumps({"replicates": replicates, "steps": steps}),
                 seed=np.uint64(12345), replicates=np.uint32(replicates),
                 steps=np.uint32(steps), start_month=start_month,
                 record_every=np.uint32(record_every), regsim_version="0.0.0-sample",
                 git_commit="0000000", command_line="make_sample_file.py",
                 started_at="2024-01-01T00:00:00Z", finished_at="2024-01-01T00:00:01Z")
        a.update(attrs or {})
        for key, value in a.items():
            f.attrs[key] = value
        if complete:
            f.attrs["complete"] = np.int32(1)


SAMPLE_SCENARIO = """\
name = "sample_sahel"
description = "Synthetic Sahel-like world for the analysis tests"
start = "2022-01"
steps = 36

[[state]]
id = "MLI"
[[state]]
id = "BFA"
[[state]]
id = "NER"
[[state]]
id = "SEN"

[[tie]]
a = "MLI"
b = "BFA"
[[tie]]
a = "BFA"
b = "NER"
[[tie]]
a = "NER"
b = "MLI"
[[tie]]
a = "MLI"
b = "SEN"
"""


def make_sample_run(path, replicates=50, steps=36, seed=7, complete=True):
    """A small but realistic run: coups and suspensions, randomised announcements with a
    12-month notice (some rescinded), a joint declaration after a latent bloc is founded,
    dissolution of G5S below quorum, one patron's engagement. Status, summaries and the event
    log are all derived from the same per-replicate story, so they agree."""
    rng = np.random.default_rng(seed)
    states = [("MLI", "Mali"), ("BFA", "Burkina Faso"), ("NER", "Niger"), ("SEN", "Senegal")]
    insts = [("G5S", "G5 Sahel"), ("ECOWAS", "Economic Community of West African States"),
             ("AES", "Alliance of Sahel States")]
    G5S, ECO, AES = 0, 1, 2
    S, I, T = len(states), len(insts), steps + 1
    notice = {G5S: 6, ECO: 12}
    hazard = np.array([0.045, 0.03, 0.02, 0.002])  # monthly announcement hazard per state

    status = np.zeros((replicates, T, S, I), np.uint8)
    sov = np.zeros((replicates, T, S))
    ali = np.zeros((replicates, T, S, 1))
    reg = np.zeros((replicates, T, S), np.uint8)
    ann = np.full((replicates, S, I), -1, np.int32)
    ext = np.full((replicates, S, I), -1, np.int32)
    dis = np.full((replicates, I), -1, np.int32)
    fnd = np.array([[0, 0, -1]] * replicates, np.int32)
    events = []

    for r in range(replicates):
        def ev(step, kind, cause, state=-1, inst=-1, patron=-1, value=0.0):
            events.append(dict(replicate=r, step=step, kind=kind, cause=cause, state=state,
                               institution=inst, patron=patron, value=value))

        st = np.zeros((S, I), np.uint8)
        st[:3, G5S] = MEMBER
        st[:, ECO] = MEMBER
        military = np.array([True, False, False, False])
        coup = {1: 9, 2: int(rng.integers(12, 30)) if rng.random() < 0.8 else None}
        notice_end = {}  # (s, i) -> step the exit takes effect
        aes_step = None
        st[0, ECO] = SUSPENDED
        s_now = np.array([0.7, 0.5, 0.45, 0.3])
        a_now = np.array([-0.2, 0.1, 0.2, 0.5])
        for t in range(T):
            # The record at t is the state before step t (docs/model.md, "Timing convention");
            # the last record, t = steps, is the state after the last step, which runs none.
            status[r, t] = st
            sov[r, t] = s_now
            ali[r, t, :, 0] = a_now
            reg[r, t] = military
            if t == steps:
                break
            # scheduled events and clause reactions
            if t == 6:
                ev(t, "patron_engagement", "scheduled", state=0, patron=0, value=0.5)
            for s, when in coup.items():
                if when == t:
                    military[s] = True
                    ev(t, "coup", "scheduled", state=s)
                    if st[s, ECO] == MEMBER:
                        st[s, ECO] = SUSPENDED
                        ev(t, "suspend", "democracy_clause", state=s, inst=ECO)
            # decisions: joint declaration for AES members, otherwise own hazard
            for i in (G5S, ECO):
                if dis[r, i] >= 0:
                    continue
                joint = aes_step is not None and i == ECO and t >= aes_step + 2
                for s in range(S):
                    if st[s, i] not in (MEMBER, SUSPENDED):
                        continue
                    if ann[r, s, i] >= 0:
                        continue  # one announcement per membership in this toy story
                    in_aes = st[s, AES] == MEMBER
                    if (joint and in_aes) or (not in_aes and rng.random() < hazard[s]):
                        cause = "joint_declaration" if joint and in_aes else "utility"
                        st[s, i] = WITHDRAWING
                        ann[r, s, i] = t
                        notice_end[(s, i)] = t + notice[i]
                        ev(t, "announce", cause, state=s, inst=i)
            # rescinds during notice (not for joint declarations)
            for (s, i), end in list(notice_end.items()):
                if st[s, i] == WITHDRAWING and t > ann[r, s, i] and st[s, AES] != MEMBER \
                        and rng.random() < 0.03:
                    st[s, i] = SUSPENDED if (i == ECO and military[s]) else MEMBER
                    del notice_end[(s, i)]
                    ev(t, "rescind", "utility", state=s, inst=i)
            # notice elapsed
            for (s, i), end in list(notice_end.items()):
                if end == t and st[s, i] == WITHDRAWING:
                    st[s, i] = WITHDRAWN
                    ext[r, s, i] = t
                    del notice_end[(s, i)]
                    ev(t, "exit", "notice_elapsed", state=s, inst=i)
            # dissolution of G5S below quorum 2 (active = member, suspended; docs/model.md);
            # memberships it ends are not exits by decision: exit_step stays -1
            if dis[r, G5S] < 0:
                active = np.isin(st[:, G5S], (MEMBER, SUSPENDED))
                belonging = np.isin(st[:, G5S], (MEMBER, SUSPENDED, WITHDRAWING))
                if active.sum() < 2 and t > 0:
                    dis[r, G5S] = t
                    ev(t, "dissolve", "quorum", inst=G5S)
                    for s in np.flatnonzero(belonging):
                        st[s, G5S] = WITHDRAWN
                        notice_end.pop((s, G5S), None)
                        ev(t, "exit", "dissolution", state=int(s), inst=G5S)
            # founding of the latent AES: at least two military, suspended states
            if aes_step is None:
                cands = [s for s in range(3) if military[s] and st[s, ECO] == SUSPENDED]
                if len(cands) >= 2 and rng.random() < 0.15:
                    aes_step = t
                    fnd[r, AES] = t
                    ev(t, "found", "founding", inst=AES)
                    for s in cands:
                        st[s, AES] = MEMBER
                        ev(t, "join", "founding", state=s, inst=AES)
            s_now = np.clip(s_now + 0.05 * (0.5 + 0.3 * military - s_now)
                            + rng.normal(0, 0.02, S), 0, 1)
            a_now = np.clip(a_now - 0.01 * military + rng.normal(0, 0.03, S), -1, 1)
    cascade = (ext >= 0).sum(axis=1).astype(np.int32)
    write_run(path, states=states, institutions=insts, steps=steps, start_month="2022-01",
              patrons=[("RUS", "Russia")], replicates=replicates, status=status,
              sovereignty=sov, alignment=ali, regime=reg, announce_step=ann, exit_step=ext,
              final_status=status[:, -1], dissolve_step=dis, found_step=fnd,
              cascade_size=cascade, events=events, complete=complete,
              attrs=dict(scenario_name="sample_sahel", seed=np.uint64(seed),
                         scenario_text=SAMPLE_SCENARIO))
    return path


def make_sample_sweep(path, replicates=20, seed=3, layout="param"):
    """A sweep-shaped file (provisional format, docs/analysis.md): a `point` dimension,
    parameters as `param_<name>(point)` datasets (layout="param") or as datasets in a
    `/points` group (layout="group"), summaries with a leading `point` axis. A 4 x 3 grid over
    model.peer_weight and institution.ECOWAS.sovereignty_cost."""
    rng = np.random.default_rng(seed)
    pw, sc = np.meshgrid([0.0, 0.25, 0.5, 0.75], [0.1, 0.3, 0.5], indexing="ij")
    pw, sc = pw.ravel(), sc.ravel()
    P, R, S, I = len(pw), replicates, 5, 2
    p_exit = np.clip(0.1 + 0.8 * pw * sc / 0.375, 0, 1)  # rises with both parameters
    exited = rng.random((P, R, S, I)) < p_exit[:, None, None, None]
    ext = np.where(exited, rng.integers(1, 24, (P, R, S, I)), -1).astype(np.int32)
    with h5py.File(path, "w") as f:
        _coord(f, "point", np.arange(P), np.int32)
        _coord(f, "replicate", np.arange(R), np.int32)
        _coord(f, "state", [f"S{k}" for k in range(S)], _STR)
        _coord(f, "institution", ["ECOWAS", "ICC"], _STR)
        names = {"model.peer_weight": pw, "institution.ECOWAS.sovereignty_cost": sc}
        if layout == "group":
            g = f.create_group("points")
            for name, v in names.items():
                g.create_dataset(name, data=v)
        else:
            for name, v in names.items():
                _data(f, f"param_{name}", v, ["point"], np.float64, False)
        rsi = ["point", "replicate", "state", "institution"]
        _data(f, "exit_step", ext, rsi, np.int32)
        _data(f, "announce_step", np.where(ext >= 0, ext - 1, -1), rsi, np.int32)
        _data(f, "cascade_size", exited.sum(axis=2), ["point", "replicate", "institution"],
              np.int32)
        for key, value in dict(scenario_name="sample_sweep", seed=np.uint64(seed),
                               replicates=np.uint32(R), steps=np.uint32(24),
                               start_month="2022-01", record_every=np.uint32(1)).items():
            f.attrs[key] = value
        f.attrs["complete"] = np.int32(1)
    return path, pw, sc, exited


if __name__ == "__main__":
    make_sample_run(sys.argv[1] if len(sys.argv) > 1 else "sample.h5")
