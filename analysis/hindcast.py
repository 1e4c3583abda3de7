"""`hindcast`: compare the simulated event log with what history did (docs/analysis.md).

Observed CSV columns: date (YYYY-MM or YYYY-MM-DD), kind (announce|exit|rescind|dissolve|
found), state (id, empty for institution events or "any state"), institution (id), source.
"""

import numpy as np
import pandas as pd

from .data import month_label, month_problem, month_step, quantile_steps

KINDS = ("announce", "exit", "rescind", "dissolve", "found")


COLUMNS = ("date", "kind", "state", "institution", "source")


def read_observed(path):
    """The observed events as a DataFrame of strings (columns COLUMNS). Every error names the
    file, and for a bad row its line and column: `date` must be a real month (YYYY-MM or
    YYYY-MM-DD), `kind` one of KINDS, `institution` not empty."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            rows = [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except csv.Error as e:
        raise ValueError(f"{path}: not a readable CSV file: {e}") from None
    missing = {"date", "kind", "institution"} - set(header)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}; expected "
                         "date,kind,state,institution,source")
    records = []
    for line, row in rows:
        if len(row) > len(header):
            raise ValueError(f"{path}:{line}: {len(row)} fields, the header has "
                             f"{len(header)} ({','.join(header)}); quote a field that "
                             "holds a comma")
        rec = {c: "" for c in COLUMNS}
        rec.update({h: v.strip() for h, v in zip(header, row) if h in COLUMNS})
        problem = month_problem(rec["date"])
        if problem:
            raise ValueError(f"{path}:{line}: column date: {rec['date']!r}: {problem}")
        if rec["kind"] not in KINDS:
            raise ValueError(f"{path}:{line}: column kind: unknown kind {rec['kind']!r}; "
                             f"expected one of {'|'.join(KINDS)}")
        if not rec["institution"]:
            raise ValueError(f"{path}:{line}: column institution is empty")
        records.append(rec)
    return pd.DataFrame(records, columns=list(COLUMNS), dtype=object)


def _first_steps(ev, replicates, kind, state, institution):
    """First step of a matching event per replicate (-1 never). Empty state = any state."""
    m = (ev["kind"] == kind) & (ev["institution"] == institution)
    if state:
        m &= ev["state"] == state
    first = ev[m].groupby("replicate")["step"].min()
    out = np.full(replicates, -1, np.int64)
    idx = first.index.to_numpy()
    keep = (idx >= 0) & (idx < replicates)
    out[idx[keep]] = first.to_numpy()[keep]
    return out


# Kinds whose absence from history counts when conditioning (as in calibrate_sahel.py's
# objective): an exit history lacks may be one a dissolution imposed.
UNOBSERVED_KINDS = ("announce", "rescind", "dissolve", "found")


def consistent_replicates(ev, observed, start_month, replicates, until_step, window,
                          states=None, institutions=None):
    """Boolean mask of the replicates that agree with history as known at the end of step
    `until_step`: every observed event dated by then happened by then, within `window` months
    of its month; every observed event dated later had not happened by then; and no announce,
    rescind, dissolve or found that history lacks (by (kind, state, institution)) happened by
    then. Rows the run cannot have (dated before its start, or naming a state or institution
    it lacks; `states` / `institutions` are the run's ids) do not condition."""
    keep = np.ones(replicates, bool)
    seen = set()
    for _, o in observed.iterrows():
        seen.add((o["kind"], o["state"], o["institution"]))
        step = month_step(start_month, o["date"])
        if step < 0 or (institutions is not None and o["institution"] not in institutions) \
                or (states is not None and o["state"] and o["state"] not in states):
            continue
        first = _first_steps(ev, replicates, o["kind"], o["state"], o["institution"])
        happened = first >= 0
        if step <= until_step:  # known by the cut-off: it must have happened by then, too
            keep &= happened & (np.abs(first - step) <= window) & (first <= until_step)
        else:
            keep &= ~(happened & (first <= until_step))
    any_state = {(k, i) for k, s, i in seen if not s}
    early = ev[ev["kind"].isin(UNOBSERVED_KINDS) & (ev["step"] <= until_step)]
    for (kind, state, inst), rows in early.groupby(
            [early["kind"], early["state"].fillna(""), early["institution"].fillna("")]):
        if (kind, state, inst) in seen or (kind, inst) in any_state:
            continue
        r = rows["replicate"].to_numpy()
        keep[r[(r >= 0) & (r < replicates)]] = False
    return keep


# Below this many replicates kept by --given-until, hindcast warns (stderr and the table's
# header). With n replicates a share moves in steps of 1/n and its binomial standard error is
# up to 0.5 / sqrt(n): under 30 the steps exceed 3 percentage points and a 95% interval is
# wider than +-0.18, too coarse to tell 0.3 from 0.5; the usual rule of thumb for a normal
# approximation to hold is also about 30.
FEW_REPLICATES = 30


def few_replicates_warning(kept, total, until, window):
    """The warning for a conditioning that keeps fewer than FEW_REPLICATES replicates, or
    None."""
    if kept >= FEW_REPLICATES:
        return None
    return (f"only {kept} of {total} replicates agree with history to {until} (fewer than "
            f"{FEW_REPLICATES}): every share below is a count out of {kept} (steps of "
            f"{1 / kept:.2f}); run more replicates or widen --window (now {window})")


def condition(ev, keep):
    """The event log of the kept replicates, renumbered 0..n-1 in their order."""
    new_index = np.cumsum(keep) - 1
    r = ev["replicate"].to_numpy()
    valid = (r >= 0) & (r < len(keep))
    sub = ev[valid & keep[np.where(valid, r, 0)]].copy()
    sub["replicate"] = new_index[sub["replicate"].to_numpy()]
    return sub


def hindcast(ev, observed, start_month, replicates, last_step, min_share=0.10, states=None,
             institutions=None):
    """Returns (observed table, unobserved table).

    Observed: per observed event, the share of replicates in which it happened by the observed
    month (same month counts), the share in which it happened at all, and the simulated median
    month and 90% interval over replicates where it happened. Unobserved: simulated
    (kind, state, institution) of the same kinds that history does not have, in at least
    `min_share` of replicates. `states` / `institutions` (the run's ids) let the note say when
    an observed event involves an entity the scenario does not have."""
    rows = []
    for _, o in observed.iterrows():
        step = month_step(start_month, o["date"])
        first = _first_steps(ev, replicates, o["kind"], o["state"], o["institution"])
        did = first[first >= 0]
        q05, q50, q95 = quantile_steps(did)
        note = "before start" if step < 0 else ("after end" if step > last_step else "")
        if institutions is not None and o["institution"] not in institutions:
            note = "institution not in run"
        elif states is not None and o["state"] and o["state"] not in states:
            note = "state not in run"
        rows.append({
            "date": str(o["date"])[:7], "kind": o["kind"], "state": o["state"],
            "institution": o["institution"],
            "P(by date)": np.nan if step < 0 else float(np.mean((first >= 0) & (first <= step))),
            "P(ever)": float(did.size / replicates) if replicates else np.nan,
            "sim median": month_label(start_month, q50),
            "sim 90%": f"{month_label(start_month, q05)}..{month_label(start_month, q95)}"
            if did.size else "",
            "note": note, "source": o["source"],
        })
    obs_table = pd.DataFrame(rows, columns=["date", "kind", "state", "institution",
                                            "P(by date)", "P(ever)", "sim median", "sim 90%",
                                            "note", "source"])

    seen = {(o["kind"], o["state"], o["institution"]) for _, o in observed.iterrows()}
    any_state = {(k, i) for k, s, i in seen if not s}
    sim = ev[ev["kind"].isin(KINDS)].copy()
    sim["state"] = sim["state"].fillna("")
    sim["institution"] = sim["institution"].fillna("")
    firsts = sim.groupby(["kind", "state", "institution", "replicate"])["step"].min()
    extra = []
    for (kind, state, inst), steps in firsts.groupby(level=[0, 1, 2]):
        if (kind, state, inst) in seen or (kind, inst) in any_state:
            continue
        share = steps.size / replicates
        if share + 1e-12 < min_share:
            continue
        q05, q50, q95 = quantile_steps(steps.to_numpy())
        extra.append({"kind": kind, "state": state, "institution": inst, "P(ever)": share,
                      "sim median": month_label(start_month, q50),
                      "sim 90%": f"{month_label(start_month, q05)}.."
                                 f"{month_label(start_month, q95)}"})
    extra_table = pd.DataFrame(extra, columns=["kind", "state", "institution", "P(ever)",
                                               "sim median", "sim 90%"])
    extra_table = extra_table.sort_values(["P(ever)", "kind", "state", "institution"],
                                          ascending=[False, True, True, True],
                                          ignore_index=True)
    return obs_table, extra_table


def render(info, obs_table, extra_table, min_share, given=None, warning=None):
    def fmt(df):
        if not len(df):
            return "(none)"
        df = df.drop(columns=["source"], errors="ignore")  # long URLs: in the CSV only
        text = df.to_string(index=False, formatters={
            c: (lambda x: "" if isinstance(x, float) and np.isnan(x) else f"{x:.2f}")
            for c in ("P(by date)", "P(ever)") if c in df.columns})
        return "\n".join(line.rstrip() for line in text.splitlines())

    lines = [f"# Hindcast: {info.label}; start {info.start_month}, {info.steps} steps"]
    if given:
        lines.append(f"# {given}")
    if warning:
        lines.append(f"# WARNING: {warning}")
    return "\n".join(lines + [
        "## Observed events: P(by date) = share of replicates where it happened by the observed "
        "month; median / 90% over replicates where it happened",
        fmt(obs_table), "",
        f"## Simulated events history did not have (in >= {min_share:.0%} of replicates)",
        fmt(extra_table), "",
    ])


def tidy(obs_table, extra_table):
    a = obs_table.assign(section="observed")
    b = extra_table.assign(section="not_observed")
    cols = ["section", "date", "kind", "state", "institution", "P(by date)", "P(ever)",
            "sim median", "sim 90%", "note", "source"]
    return pd.concat([a, b], ignore_index=True).reindex(columns=cols)
