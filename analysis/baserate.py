"""`baserate`: exits per membership-year, the quantity of pattern P5 (docs/model.md: about 0.2%
of memberships a year in quiet times, Correlates of War IGO data), with exact Poisson intervals
(docs/analysis.md, "baserate").

A membership is at risk in month t when its status at t belongs (member, suspended,
withdrawing); it exits in month t when its `exit_step` is t (status withdrawn from t + 1 on).
Announcements are counted over the months a membership is active (member, suspended).
"""

import numpy as np
import pandas as pd

from .data import month_label, month_step, parse_month

# Correlates of War IGO v3 (Pevehouse et al. 2020), membership-years 1965-2013 with a next
# year: 901 withdrawals in 422,055 (../shared/data/cow-igo-v3/README.md; docs/data-sources.md).
COW_HAZARD = 0.00213

BELONGS = (1, 2, 3)  # member, suspended, withdrawing (flag_values of `status`)
ACTIVE = (1, 2)


def poisson_interval(events, exposure, level=0.9):
    """Exact (Garwood) interval for a rate events / exposure; (nan, nan) without exposure."""
    from scipy import stats  # slow to import; only needed here

    if exposure <= 0:
        return np.nan, np.nan
    a = (1 - level) / 2
    lo = stats.chi2.ppf(a, 2 * events) / 2 if events > 0 else 0.0
    hi = stats.chi2.ppf(1 - a, 2 * events + 2) / 2
    return lo / exposure, hi / exposure


def window(ds, start=None, end=None):
    """Steps [t0, t1) from 'YYYY-MM' months (inclusive start, exclusive end); the whole run by
    default. Raises ValueError for a month that is not one, --from not before --to, or a window
    outside the run."""
    times = ds["time"].values
    first, last = int(times[0]), int(times[-1])
    origin = ds.attrs.get("start_month", "2000-01")
    t0 = first if start is None else month_step(origin, parse_month(start, "--from"))
    t1 = last if end is None else month_step(origin, parse_month(end, "--to"))
    if start is not None and end is not None and t0 >= t1:
        raise ValueError(
            f"--from {start} is after --to {end}" if t0 > t1 else
            f"--from {start} and --to {end} leave no month (--to is the first month not "
            "counted)")
    if not first <= t0 < t1 <= last:
        raise ValueError(f"window {start or month_label(origin, t0)}.."
                         f"{end or month_label(origin, t1)} is not inside the run's months "
                         f"{month_label(origin, first)}..{month_label(origin, last)}")
    return t0, t1


def rates(ds, t0, t1, level=0.9):
    """One row per institution and a last row 'all': membership-years at risk, exits, exits per
    membership-year with its interval, and the same for announcements. Needs the `status`
    trajectories; a recorded month stands for the months until the next recorded one (K with
    record_every K), cut at t1."""
    if "point" in ds.dims:
        raise ValueError("baserate reads the file of one `regsim run`, not a sweep's")
    if "status" not in ds:
        raise ValueError("baserate needs the status trajectories: the file was written with "
                         "--no-trajectories")
    times = ds["time"].values.astype(np.int64)
    sampled = (times >= t0) & (times < t1)
    following = np.append(times[1:], times[-1] + 1)  # the last recorded month counts once
    months = (np.minimum(following, t1) - times)[sampled]  # what each sample stands for
    status = ds["status"].transpose("replicate", "time", "state", "institution").values[:, sampled]

    def years(flags):  # (replicate, time, state, institution) -> per institution
        return np.einsum("rtsj,t->j", flags.astype(np.float64), months) / 12.0

    at_risk = years(np.isin(status, BELONGS))
    active = years(np.isin(status, ACTIVE))
    ext = ds["exit_step"].transpose("replicate", "state", "institution").values
    ann = ds["announce_step"].transpose("replicate", "state", "institution").values
    exits = ((ext >= t0) & (ext < t1)).sum(axis=(0, 1))
    announcements = ((ann >= t0) & (ann < t1)).sum(axis=(0, 1))

    rows = []
    names = [str(x) for x in ds["institution"].values] + ["all"]
    per = list(zip(at_risk, exits, active, announcements))
    per.append((at_risk.sum(), exits.sum(), active.sum(), announcements.sum()))
    for name, (years, k, act_years, a) in zip(names, per):
        lo, hi = poisson_interval(int(k), years, level)
        alo, ahi = poisson_interval(int(a), act_years, level)
        rows.append({
            "institution": name,
            "membership-years": float(years),
            "exits": int(k),
            "exit rate": k / years if years > 0 else np.nan,
            "exit lo": lo, "exit hi": hi,
            "announcements": int(a),
            "announce rate": a / act_years if act_years > 0 else np.nan,
            "announce lo": alo, "announce hi": ahi,
        })
    return pd.DataFrame(rows)


def render(info, table, t0, t1, reference, level=0.9, source=None):
    """The table as text, with the reference rate compared; `source` says where the reference
    comes from (default: the Correlates of War base rate when it is COW_HAZARD, else "given
    with --reference")."""
    if source is None:
        source = ("Correlates of War IGO v3, 1965-2013" if reference == COW_HAZARD else
                  "given with --reference")
    start = info.start_month
    pct = f"{round(100 * level)}%"
    total = table.iloc[-1]
    lines = [
        f"# {info.label}; months {month_label(start, t0)}..{month_label(start, t1 - 1)} "
        f"({t1 - t0} months)",
        "## Exits per membership-year (at risk: member, suspended or withdrawing); "
        f"announcements per active membership-year; {pct} exact Poisson intervals",
    ]
    shown = table[(table["membership-years"] > 0) | (table["institution"] == "all")]
    fmt = shown.copy()
    for col in ("exit rate", "announce rate"):
        lo, hi = col.split()[0] + " lo", col.split()[0] + " hi"
        fmt[col] = [f"{r:.3g} ({a:.3g}..{b:.3g})" if np.isfinite(r) else ""
                    for r, a, b in zip(shown[col], shown[lo], shown[hi])]
    fmt["membership-years"] = [f"{y:.1f}" for y in shown["membership-years"]]
    cols = ["institution", "membership-years", "exits", "exit rate", "announcements",
            "announce rate"]
    lines.append(fmt[cols].to_string(index=False))
    rate, lo, hi = total["exit rate"], total["exit lo"], total["exit hi"]
    if np.isfinite(rate) and reference > 0:
        verdict = ("inside" if lo <= reference <= hi else
                   "above" if reference > hi else "below")
        lines.append(
            f"reference: {reference:.5f} exits per membership-year ({source}); "
            f"simulated / reference = {rate / reference:.3g}; "
            f"the reference is {verdict} the simulated {pct} interval")
    return "\n".join(lines) + "\n"
