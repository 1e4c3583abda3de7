"""`summary`: exit and announcement probabilities by calendar year, timing, dissolution,
founding and cascade sizes (docs/analysis.md, "summary")."""

import re

import numpy as np
import pandas as pd

from .data import exit_steps, month_label, names, quantile_steps, select_ids


def _year_end_steps(start_month, last_step):
    """{year: step of December of that year (or the last step for the final, partial year)}."""
    y0, m0 = (int(x) for x in str(start_month)[:7].split("-"))
    last_year = y0 + (m0 - 1 + int(last_step)) // 12
    return {y: min((y - y0) * 12 + 12 - m0, int(last_step)) for y in range(y0, last_year + 1)}


def _last_step(ds):
    """The run's last step, the last one an announcement or exit can take effect in (the time
    axis goes one further: its last record is the state after that step)."""
    if "steps" in ds.attrs:
        return int(ds.attrs["steps"]) - 1
    return int(ds["time"].values[-1]) - 1


def _membership_exists(ds):
    """(state, institution) bool: a membership at some time in some replicate."""
    ever = (ds["announce_step"] >= 0) | (ds["exit_step"] >= 0) | (ds["final_status"] > 0)
    ever = ever.any("replicate")
    if "status" in ds:
        ever = ever | (ds["status"] > 0).any(("replicate", "time"))
    return ever.values


def _timing(start, steps):
    q05, q50, q95 = quantile_steps(steps)
    return month_label(start, q50), f"{month_label(start, q05)}..{month_label(start, q95)}" \
        if steps.size else ""


def membership_table(ds, all_rows=False, states=None, institutions=None):
    """One row per state x institution: P(announced by end of year), P(exited by end of year),
    counting memberships ended by their institution's dissolution as exits (and how often that
    was how it ended), median and 90% interval of the announce / exit month over replicates
    that did it. `states` / `institutions`: only these ids (unknown ones are an error); the
    state's name beside its id, as ids alone are opaque to most readers."""
    start = ds.attrs.get("start_month", "2000-01")
    years = _year_end_steps(start, _last_step(ds))
    ann = ds["announce_step"].transpose("replicate", "state", "institution").values
    decided = exit_steps(ds, with_dissolution=False)
    ext = exit_steps(ds)
    keep = _membership_exists(ds) if all_rows else ((ann >= 0) | (ext >= 0)).any(axis=0)
    wanted_s = set(select_ids(ds, "state", states))
    wanted_i = set(select_ids(ds, "institution", institutions))
    state_names = names(ds, "state")
    rows = []
    for si, state in enumerate(ds["state"].values):
        for ii, inst in enumerate(ds["institution"].values):
            if not keep[si, ii] or str(state) not in wanted_s or str(inst) not in wanted_i:
                continue
            a, e = ann[:, si, ii], ext[:, si, ii]
            row = {"state": str(state), "name": state_names[str(state)],
                   "institution": str(inst)}
            for y, end in years.items():
                row[f"P(announce) {y}"] = float(np.mean((a >= 0) & (a <= end)))
            for y, end in years.items():
                row[f"P(exit) {y}"] = float(np.mean((e >= 0) & (e <= end)))
            row["P(by dissolution)"] = float(np.mean((e >= 0) & (decided[:, si, ii] < 0)))
            row["announce median"], row["announce 90%"] = _timing(start, a[a >= 0])
            row["exit median"], row["exit 90%"] = _timing(start, e[e >= 0])
            rows.append(row)
    cols = ["state", "name", "institution"] + [f"P(announce) {y}" for y in years] + \
        [f"P(exit) {y}" for y in years] + ["P(by dissolution)", "announce median", "announce 90%", "exit median",
                                           "exit 90%"]
    return pd.DataFrame(rows, columns=cols)


def institution_table(ds, all_rows=False, institutions=None):
    """One row per institution: P(dissolved) with median date and 90% interval, P(founded
    later) for latent ones, and the final cascade size (mean, 5/50/95% quantiles, max).
    `institutions`: only these ids."""
    start = ds.attrs.get("start_month", "2000-01")
    dis = ds["dissolve_step"].transpose("replicate", "institution").values
    fnd = ds["found_step"].transpose("replicate", "institution").values
    cas = ds["cascade_size"].transpose("replicate", "institution").values
    wanted = set(select_ids(ds, "institution", institutions))
    rows = []
    for ii, inst in enumerate(ds["institution"].values):
        d, f, c = dis[:, ii], fnd[:, ii], cas[:, ii]
        active = (d >= 0).any() or (f != 0).any() or (c > 0).any()
        if str(inst) not in wanted or not (all_rows or active):
            continue
        dmed, dint = _timing(start, d[d >= 0])
        latent = bool((f != 0).any())
        fmed, fint = _timing(start, f[f > 0])
        q05, q50, q95 = np.quantile(c, [0.05, 0.5, 0.95]) if c.size else (np.nan,) * 3
        rows.append({
            "institution": str(inst),
            "P(dissolved)": float(np.mean(d >= 0)),
            "dissolved median": dmed,
            "dissolved 90%": dint,
            "P(founded)": float(np.mean(f >= 0)) if latent else np.nan,
            "founded median": fmed if latent else "",
            "cascade mean": float(c.mean()) if c.size else np.nan,
            "cascade q05": float(q05),
            "cascade median": float(q50),
            "cascade q95": float(q95),
            "cascade max": int(c.max()) if c.size else 0,
            "P(cascade>=1)": float(np.mean(c >= 1)),
        })
    return pd.DataFrame(rows, columns=["institution", "P(dissolved)", "dissolved median",
                                       "dissolved 90%", "P(founded)", "founded median",
                                       "cascade mean", "cascade q05", "cascade median",
                                       "cascade q95", "cascade max", "P(cascade>=1)"])


def _measure(header):
    """Table header -> snake_case measure name for the CSV."""
    special = {"P(announce)": "p_announce_by_year_end", "P(exit)": "p_exit_by_year_end",
               "90%": "q05_q95", ">=1": "_ge_1"}
    if header in special:
        return special[header]
    for k, v in special.items():
        header = header.replace(k, v)
    return re.sub(r"[^a-z0-9_]+", "_", header.lower().replace("p(", "p_")).strip("_")


def tidy(memberships, institutions):
    """Both tables in long form: table, state, institution, measure, year, value, state_name
    (last, so that readers by position still find the first six)."""
    out = []
    for _, row in memberships.iterrows():
        name = row.get("name", row["state"])
        for col, value in row.items():
            if col in ("state", "name", "institution"):
                continue
            head, _, year = col.rpartition(" ")
            if not year.isdigit():
                head, year = col, ""
            out.append(("membership", row["state"], row["institution"], _measure(head), year,
                        value, name))
    for _, row in institutions.iterrows():
        for col, value in row.items():
            if col != "institution":
                out.append(("institution", "", row["institution"], _measure(col), "", value,
                            ""))
    return pd.DataFrame(out, columns=["table", "state", "institution", "measure", "year",
                                      "value", "state_name"])


def _fmt(df):
    def f(x):
        if isinstance(x, float):
            return "" if np.isnan(x) else f"{x:.2f}"
        return str(x)

    def p(x):
        # A probability that rounds to 0.00 or 1.00 but is not: say so (1 of 2000 replicates
        # announcing must not read as "never"); the CSV has the exact value.
        if isinstance(x, float) and 0 < x < 0.005:
            return "<0.01"
        if isinstance(x, float) and 0.995 <= x < 1:
            return ">0.99"
        return f(x)

    if not len(df):
        return "(no rows)"
    return df.to_string(index=False, na_rep="",
                        formatters={c: p if str(c).startswith("P(") else f for c in df.columns})


def render(info, memberships, institutions, all_rows, states=None, institutions_only=None):
    what = "all memberships" if all_rows else "memberships with any announcement or exit"
    if states:
        what += f"; states {', '.join(states)}"
    if institutions_only:
        what += f"; institutions {', '.join(institutions_only)}"
    return "\n".join([
        f"# {info.label}; start {info.start_month}, {info.steps} steps",
        f"## Memberships ({what}); P(...) YEAR = by the end of YEAR (or of the run); "
        "exits include memberships ended by the institution's dissolution (P(by dissolution)); "
        "median / 90% over replicates that did it",
        _fmt(memberships),
        "",
        "## Institutions: dissolution, founding (latent only), final cascade size (exits by "
        "decision or force)",
        _fmt(institutions),
        "",
    ])
