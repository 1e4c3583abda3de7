#!/usr/bin/python3
"""Calibrate a few [J] coefficients of scenarios/sahel_2022.toml on the events up to 2024-12
(--fit-end; the out-of-sample window ends at --oos-end, 2025-12).

Method (docs/validation.md, "Calibration"):

1. **Objective** (in-sample, fit window = observed events dated up to and including FIT_END,
   --fit-end; TOL is --tolerance):
   score = sum over the observed events of the fit window of log P(the event happens within
   +-TOL months of its observed month)
         + sum over simulated (kind, state, institution) that history did not have by FIT_END
           (kinds announce, rescind, dissolve, found) of log P(it does not happen by FIT_END).
   P are shares of replicates n / R, smoothed as (n + 1/2) / (R + 1/2) so that no term is -inf
   while P = 1 still scores 0 (an event no replicate has adds nothing). Higher is better; 0
   would be a model that does exactly what history did, in every replicate. The
   events of the observed CSV count one row each (the three joint ECOWAS announcements are
   three terms). The exits that dissolution imposes (Chad's, Mauritania's G5 Sahel memberships)
   are not penalised: that is how the model records the dissolution history had.
2. **Screening**: one at a time, each candidate coefficient at the low and high end of its
   range (CANDIDATES), everything else shipped, same seed (common random numbers). The
   candidates are ranked by the largest change of the objective; the top `--top` are searched.
3. **Search**: a scrambled Sobol' design (scipy.stats.qmc.Sobol, `--design-seed`) of
   `--samples` points over the ranges of the selected coefficients, `--replicates` each, same
   simulation seed as the screening.
4. **Confirmation**: the `--confirm-top` best points of the search and the shipped point are
   re-run with `--confirm-replicates` replicates on a fresh seed (`--confirm-seed`), so the
   winner is not chosen on the noise of the search; the best in-sample score there wins.
   A paired bootstrap over replicates gives the uncertainty of the score difference.
5. **Out of sample**: for the shipped and the best point (confirmation runs), the events after
   FIT_END up to OOS_END (by default the ECOWAS exits, OIF announcements and exits, ICC
   announcements of 2025), which the objective never saw: the same window probability, P(by
   date), simulated median, and the events history did not have in that window.

Every regsim command is printed. The whole calibration is deterministic for given arguments.
Runtime with the defaults on 2 cores: 1-4 minutes (167 regsim runs; most of the time is
reading event logs). docs/validation.md ("Calibration") reports the default run, which set the
shipped values, and the larger search `--top 6 --samples 256`, which was not adopted.

    /usr/bin/python3 scripts/calibrate_sahel.py                 # everything, defaults
    /usr/bin/python3 scripts/calibrate_sahel.py --params model.hazard_cap,model.peer_weight
                                                                # skip screening, search these
    /usr/bin/python3 scripts/calibrate_sahel.py --evaluate model.hazard_cap=0.29,...
                                                                # one point against the shipped
"""

import argparse
import concurrent.futures as cf
import json
import math
import re
import shlex
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.data import events as read_events  # noqa: E402
from analysis.data import month_label, month_step, quantile_steps  # noqa: E402
from analysis.hindcast import _first_steps, read_observed  # noqa: E402

SCENARIO = ROOT / "scenarios" / "sahel_2022.toml"
OBSERVED = ROOT / "scenarios" / "observed" / "sahel_2022.csv"
START = "2022-01"
# The windows and tolerance; main() sets them from --fit-end, --oos-end and --tolerance, whose
# defaults are the DEFAULT_ values (the calibration of docs/validation.md).
DEFAULT_FIT_END = "2024-12"  # last month of the fit window (inclusive)
DEFAULT_OOS_END = "2025-12"  # observations are known up to here (sahel-facts: ~Dec 2025)
DEFAULT_TOL = 2              # months either side of the observed month
FIT_END, OOS_END, TOL = DEFAULT_FIT_END, DEFAULT_OOS_END, DEFAULT_TOL
PENALISED = ("announce", "rescind", "dissolve", "found")

# Candidate [J] coefficients (docs/data-sources.md 6.1, 6.2): shipped value, searched range.
# Ranges are about half to one and a half times the judgement (wider where the judgement was a
# round guess); `log` samples the range on a log scale.
CANDIDATES = {
    "model.decision_sharpness": dict(base=15.0, low=7.5, high=30.0, log=True),
    "model.hazard_cap": dict(base=0.3, low=0.15, high=0.6, log=True),
    "model.status_quo_bias": dict(base=0.2, low=0.1, high=0.3),
    "model.alignment_cost": dict(base=0.25, low=0.15, high=0.35),
    "model.peer_weight": dict(base=0.3, low=0.0, high=0.6),
    "model.linkage_weight": dict(base=0.6, low=0.3, high=0.9),
    "model.patron_opposition_weight": dict(base=0.8, low=0.5, high=1.1),
    "model.substitution_weight": dict(base=1.0, low=0.7, high=1.3),
    "model.club_exponent": dict(base=1.0, low=0.0, high=2.0),
    "model.rescind_margin": dict(base=0.2, low=0.1, high=0.4),
    "model.alignment_noise": dict(base=0.02, low=0.01, high=0.04, log=True),
    "model.rally": dict(base=0.03, low=0.015, high=0.06, log=True),
    "model.military_sovereignty_shift": dict(base=0.3, low=0.15, high=0.45),
    "model.patron_pull": dict(base=0.05, low=0.025, high=0.1, log=True),
    "institution.G5S.benefit": dict(base=0.45, low=0.35, high=0.55),
    "institution.ECOWAS.benefit": dict(base=1.2, low=1.0, high=1.4),
}


# ------------------------------------------------------------------ objective (pure)

def _smoothed(n, r):
    return math.log((n + 0.5) / (r + 0.5))


def indicators(ev, observed, replicates, start=START, fit_end=None, oos_end=None, tol=None):
    """Per-replicate 0/1 columns from which every score below is computed.

    Returns a dict with DataFrames (rows = replicates):
      fit_hit   one column per observed event dated <= fit_end: it happened within +-tol months
      fit_extra one column per simulated (kind, state, institution) of a PENALISED kind that
                history did not have by fit_end: it happened by fit_end
      oos_hit   as fit_hit for the observed events after fit_end (up to oos_end)
      oos_bydate  for the same events: happened by the observed month
      oos_extra as fit_extra for events history did not have at all, happening in
                (fit_end, oos_end]
    and `oos_first`: the first step of each out-of-sample event per replicate (-1 never)."""
    fit_end = FIT_END if fit_end is None else fit_end
    oos_end = OOS_END if oos_end is None else oos_end
    tol = TOL if tol is None else tol
    end = month_step(start, fit_end)
    oend = month_step(start, oos_end)
    obs = observed.copy()
    obs["step"] = [month_step(start, d) for d in obs["date"]]
    out = {k: pd.DataFrame(index=range(replicates)) for k in
           ("fit_hit", "fit_extra", "oos_hit", "oos_bydate", "oos_extra", "oos_first")}

    def label(o):
        return f"{str(o['date'])[:7]} {o['kind']} {o['state'] or '-'} {o['institution']}"

    for _, o in obs.iterrows():
        first = _first_steps(ev, replicates, o["kind"], o["state"], o["institution"])
        hit = (first >= 0) & (np.abs(first - o["step"]) <= tol)
        if o["step"] <= end:
            out["fit_hit"][label(o)] = hit.astype(np.int8)
        elif o["step"] <= oend:
            out["oos_hit"][label(o)] = hit.astype(np.int8)
            out["oos_bydate"][label(o)] = ((first >= 0) & (first <= o["step"])).astype(np.int8)
            out["oos_first"][label(o)] = first

    def extras(seen_rows, lo, hi):
        seen = {(o["kind"], o["state"], o["institution"]) for _, o in seen_rows.iterrows()}
        any_state = {(k, i) for k, s, i in seen if not s}
        sim = ev[ev["kind"].isin(PENALISED) & (ev["step"] > lo) & (ev["step"] <= hi)]
        sim = sim.assign(state=sim["state"].fillna(""), institution=sim["institution"].fillna(""))
        cols = {}
        for (kind, state, inst), g in sim.groupby(["kind", "state", "institution"]):
            if (kind, state, inst) in seen or (kind, inst) in any_state:
                continue
            col = np.zeros(replicates, np.int8)
            reps = g["replicate"].to_numpy()
            col[reps[(reps >= 0) & (reps < replicates)]] = 1
            cols[f"{kind} {state or '-'} {inst}"] = col
        return pd.DataFrame(cols, index=range(replicates))

    out["fit_extra"] = extras(obs[obs["step"] <= end], -10**9, end)
    out["oos_extra"] = extras(obs, end, oend)
    return out


def score_parts(ind, rows=None):
    """(observed-term sum, penalty sum) of the fit window for replicates `rows` (all if None)."""
    hit = ind["fit_hit"] if rows is None else ind["fit_hit"].iloc[rows]
    extra = ind["fit_extra"] if rows is None else ind["fit_extra"].iloc[rows]
    r = len(hit)
    obs_term = sum(_smoothed(int(n), r) for n in hit.sum(axis=0))
    pen_term = sum(_smoothed(r - int(n), r) for n in extra.sum(axis=0))
    return obs_term, pen_term


def score(ind, rows=None):
    """The in-sample objective (higher is better)."""
    a, b = score_parts(ind, rows)
    return a + b


def oos_score(ind, rows=None):
    """Same form on the out-of-sample events: window log-probabilities plus the penalty for
    events history did not have after FIT_END (up to OOS_END)."""
    hit = ind["oos_hit"] if rows is None else ind["oos_hit"].iloc[rows]
    extra = ind["oos_extra"] if rows is None else ind["oos_extra"].iloc[rows]
    r = len(hit)
    return (sum(_smoothed(int(n), r) for n in hit.sum(axis=0)),
            sum(_smoothed(r - int(n), r) for n in extra.sum(axis=0)))


def paired_bootstrap(ind_a, ind_b, fn, n_boot=500, seed=1):
    """Mean and 90% interval of fn(b) - fn(a) over replicate resamples (same indices for both:
    the two runs share the seed, so replicate i of each uses the same random streams)."""
    r = len(ind_a["fit_hit"])
    rng = np.random.default_rng(seed)
    d = []
    for _ in range(n_boot):
        rows = rng.integers(0, r, r)
        d.append(fn(ind_b, rows) - fn(ind_a, rows))
    d = np.array(d)
    return float(d.mean()), float(np.quantile(d, 0.05)), float(np.quantile(d, 0.95))


# ------------------------------------------------------------------ running regsim

def fmt_value(v):
    return f"{v:.6g}"


def command(regsim, overrides, replicates, seed, out, threads, scenario=SCENARIO):
    cmd = [str(regsim), "run", str(scenario), "-o", str(out), "--quiet", "--no-trajectories",
           "--force", "--replicates", str(replicates), "--seed", str(seed),
           "--threads", str(threads)]
    for k, v in overrides.items():
        cmd += ["--set", f"{k}={fmt_value(v)}"]
    return cmd


class RegsimFailed(Exception):
    """A regsim run of the calibration failed: its command, exit status and message."""

    def __init__(self, cmd, returncode, stderr):
        self.returncode = returncode
        detail = stderr.strip() or f"exit status {returncode}"
        super().__init__(f"regsim failed (exit status {returncode}): {detail}\n  $ "
                         + shlex.join(str(c) for c in cmd))


class Runner:
    def __init__(self, regsim, jobs, workdir, observed, verbose=True, scenario=SCENARIO):
        self.regsim, self.jobs, self.workdir = regsim, jobs, Path(workdir)
        self.scenario = scenario
        self.observed = observed
        self.verbose = verbose
        self.count = 0
        self.printed_template = False

    def _one(self, tag, overrides, replicates, seed):
        out = self.workdir / f"{tag}.h5"
        cmd = command(self.regsim, overrides, replicates, seed, out, 1, self.scenario)
        if self.verbose:
            print("  $ " + shlex.join(cmd).replace(str(ROOT) + "/", ""), flush=True)
        # Its stderr is kept (runs are --quiet: only errors), so that a failure is reported as
        # regsim's own message, not a traceback.
        proc = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise RegsimFailed(cmd, proc.returncode, proc.stderr)
        ev = read_events(out)
        out.unlink()
        return indicators(ev, self.observed, replicates)

    def run(self, points, replicates, seed, tag):
        """points: list of override dicts. Returns their indicator dicts, in order."""
        with cf.ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futs = [pool.submit(self._one, f"{tag}{i}", p, replicates, seed)
                    for i, p in enumerate(points)]
            res = [f.result() for f in futs]
        self.count += len(points)
        return res


# ------------------------------------------------------------------ reporting

def fit_table(ind):
    r = len(ind["fit_hit"])
    rows = [(c, int(n) / r, _smoothed(int(n), r)) for c, n in ind["fit_hit"].sum().items()]
    pen = [(c, int(n) / r, _smoothed(r - int(n), r)) for c, n in ind["fit_extra"].sum().items()]
    return rows, pen


def print_fit(name, ind):
    rows, pen = fit_table(ind)
    print(f"\n{name}: in-sample score {score(ind):.2f}")
    print(f"  {'observed event (fit window)':32s} P(+-{TOL} mo)  log P")
    for c, p, lp in rows:
        print(f"  {c:32s} {p:10.2f} {lp:7.2f}")
    print("  events history did not have by " + FIT_END + " (P by then, log P(not)):")
    for c, p, lp in sorted(pen, key=lambda x: x[2]):
        if p >= 0.005:
            print(f"  {c:32s} {p:10.2f} {lp:7.2f}")


def oos_rows(ind):
    r = len(ind["oos_hit"])
    out = []
    for c in ind["oos_hit"].columns:
        first = ind["oos_first"][c].to_numpy()
        did = first[first >= 0]
        _, q50, _ = quantile_steps(did)
        out.append(dict(event=c, p_window=ind["oos_hit"][c].mean(),
                        p_by_date=ind["oos_bydate"][c].mean(), p_ever_by_end=did.size / r,
                        median=month_label(START, q50)))
    extra = [dict(event=c, p=float(v)) for c, v in ind["oos_extra"].mean().items() if v >= 0.01]
    return out, extra


def print_oos(name, ind):
    rows, extra = oos_rows(ind)
    a, b = oos_score(ind)
    print(f"\n{name}: out-of-sample (after {FIT_END}, not used in fitting): "
          f"window log score {a:.2f}, penalty to {OOS_END} {b:.2f}, total {a + b:.2f}")
    print(f"  {'observed event':32s} P(+-{TOL} mo) P(by date)  sim median")
    for row in rows:
        print(f"  {row['event']:32s} {row['p_window']:10.2f} {row['p_by_date']:10.2f}  "
              f"{row['median']}")
    if extra:
        print(f"  events history did not have, after {FIT_END} to {OOS_END} (share of replicates):")
        for e in sorted(extra, key=lambda e: -e["p"]):
            print(f"  {e['event']:32s} {e['p']:10.2f}")


def oos_total(ind, rows=None):
    return sum(oos_score(ind, rows))


def compare(base_ind, best_ind, best):
    """Print and return the shipped-vs-best comparison (same seed and replicates)."""
    print("best point: " + " ".join(f"--set {k}={fmt_value(v)}" for k, v in best.items()))
    print_fit("shipped", base_ind)
    print_fit("best", best_ind)
    d, lo, hi = paired_bootstrap(base_ind, best_ind, score)
    print(f"\nin-sample difference best - shipped: {d:.2f} (paired bootstrap 90%: "
          f"{lo:.2f} .. {hi:.2f})")
    print_oos("shipped", base_ind)
    print_oos("best", best_ind)
    od, olo, ohi = paired_bootstrap(base_ind, best_ind, oos_total)
    print(f"\nout-of-sample difference best - shipped: {od:.2f} (paired bootstrap 90%: "
          f"{olo:.2f} .. {ohi:.2f})")
    return {"best": best,
            "in_sample": dict(shipped=score(base_ind), best=score(best_ind), diff=d,
                              diff_90=[lo, hi]),
            "out_of_sample": dict(shipped=oos_total(base_ind), best=oos_total(best_ind),
                                  diff=od, diff_90=[olo, ohi],
                                  shipped_rows=oos_rows(base_ind)[0],
                                  best_rows=oos_rows(best_ind)[0])}


def design_points(params, samples, design_seed):
    from scipy.stats import qmc

    u = qmc.Sobol(d=len(params), scramble=True, seed=design_seed).random(samples)
    pts = []
    for row in u:
        p = {}
        for k, x in zip(params, row):
            c = CANDIDATES[k]
            if c.get("log"):
                p[k] = math.exp(math.log(c["low"]) + x * (math.log(c["high"]) - math.log(c["low"])))
            else:
                p[k] = c["low"] + x * (c["high"] - c["low"])
            p[k] = float(fmt_value(p[k]))  # the value regsim gets
        pts.append(p)
    return pts


# ------------------------------------------------------------------ main

def parse_point(text):
    """--evaluate's KEY=VALUE,... as {key: float}; ValueError naming the bad item, before any
    run starts (a value that is not a number used to stop the script with a traceback after
    the shipped point's runs)."""
    point = {}
    for item in text.split(","):
        key, eq, value = (part.strip() for part in item.partition("="))
        if not eq or not key:
            raise ValueError(f"{item.strip()!r} is not KEY=VALUE (e.g. model.hazard_cap=0.29)")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{key}={value}: the value is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{key}={value}: the value is not a finite number")
        if key in point:
            raise ValueError(f"{key} is given twice")
        point[key] = number
    return point


def main(argv=None):
    global FIT_END, OOS_END, TOL
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--regsim", default=str(ROOT / "build" / "regsim"))
    ap.add_argument("--scenario", default=str(SCENARIO),
                    help="the starting point (\"shipped\"); the calibration in docs/validation.md "
                         "started from the judgements: git show 6e59d4b:scenarios/sahel_2022.toml")
    ap.add_argument("--replicates", type=int, default=200, help="per point (screen, search)")
    ap.add_argument("--seed", type=int, default=20230916, help="simulation seed (screen, search)")
    ap.add_argument("--top", type=int, default=4, help="coefficients kept after screening")
    ap.add_argument("--params", default="", help="comma-separated keys: skip screening")
    ap.add_argument("--samples", type=int, default=128, help="Sobol' points (a power of 2)")
    ap.add_argument("--design-seed", type=int, default=20240128)
    ap.add_argument("--confirm-top", type=int, default=5)
    ap.add_argument("--confirm-replicates", type=int, default=1000)
    ap.add_argument("--confirm-seed", type=int, default=20250129)
    ap.add_argument("--jobs", type=int, default=2, help="regsim processes at once (1 thread each)")
    ap.add_argument("--json", default="", help="write the results here")
    ap.add_argument("--fit-end", default=DEFAULT_FIT_END, metavar="YYYY-MM",
                    help="last month of the fit window: observed events after it are out of "
                         "sample (default %(default)s)")
    ap.add_argument("--oos-end", default=DEFAULT_OOS_END, metavar="YYYY-MM",
                    help="last month of the out-of-sample window: observations are known up to "
                         "here (default %(default)s)")
    ap.add_argument("--tolerance", type=int, default=DEFAULT_TOL, metavar="MONTHS",
                    help="an observed event is matched within +-this many months "
                         "(default %(default)s)")
    ap.add_argument("--evaluate", default="",
                    help="KEY=VALUE,...: no search; compare this point with the shipped one "
                         "(confirmation replicates and seed), e.g. a rounded calibrated point")
    args = ap.parse_args(argv)
    for flag, value in (("--fit-end", args.fit_end), ("--oos-end", args.oos_end)):
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            ap.error(f"{flag} {value!r}: expected a month YYYY-MM")
    if not START <= args.fit_end < args.oos_end:
        ap.error(f"--fit-end {args.fit_end} must be from {START} (the scenario's start) and "
                 f"before --oos-end {args.oos_end}")
    if args.tolerance < 0:
        ap.error(f"--tolerance {args.tolerance}: expected 0 or more months")
    try:
        evaluate = parse_point(args.evaluate) if args.evaluate else None
    except ValueError as e:
        ap.error(f"--evaluate: {e}")
    try:
        with open(args.scenario, "rb") as f:
            head = tomllib.load(f).get("scenario", {})
    except (OSError, tomllib.TOMLDecodeError) as e:
        ap.error(f"--scenario {args.scenario}: {e}")
    if str(head.get("start", START)) != START:
        ap.error(f"--scenario {args.scenario} starts at {head.get('start')}; the observed "
                 f"events and windows here are counted from {START}")
    if isinstance(head.get("steps"), int) and head["steps"] > 0:
        last = month_label(START, head["steps"] - 1)
        if month_step(START, args.oos_end) > month_step(START, last):
            ap.error(f"--oos-end {args.oos_end} is after the scenario's last month ({last})")
    FIT_END, OOS_END, TOL = args.fit_end, args.oos_end, args.tolerance

    t0 = time.time()
    observed = read_observed(OBSERVED)
    print("# calibrate_sahel: " + shlex.join([sys.executable] + sys.argv))
    print(f"# scenario {args.scenario}, observed {OBSERVED.relative_to(ROOT)}")
    print(f"# fit window: observed events dated <= {FIT_END}; out of sample to {OOS_END}; "
          f"tolerance +-{TOL} months; "
          f"penalised kinds {', '.join(PENALISED)}")
    print(f"# {args.replicates} replicates per point, seed {args.seed}; confirmation "
          f"{args.confirm_replicates} replicates, seed {args.confirm_seed}")

    with tempfile.TemporaryDirectory(prefix="calibrate_sahel_") as work:
        runner = Runner(args.regsim, args.jobs, work, observed, scenario=args.scenario)
        result = {"args": vars(args), "fit_end": FIT_END, "oos_end": OOS_END, "tol": TOL}

        print("\n## Shipped point")
        if evaluate is not None:
            point = evaluate
            print(f"\n## Evaluate a given point against the shipped one, "
                  f"{args.confirm_replicates} replicates, seed {args.confirm_seed}")
            base_c, best_ind = runner.run([{}, point], args.confirm_replicates,
                                          args.confirm_seed, "eval")
            result.update(compare(base_c, best_ind, point))
            if args.json:
                Path(args.json).write_text(json.dumps(result, indent=1, default=float))
            return 0
        base = runner.run([{}], args.replicates, args.seed, "base")[0]
        s0 = score(base)
        print(f"in-sample score of the shipped point: {s0:.2f}")

        if args.params:
            params = [p.strip() for p in args.params.split(",") if p.strip()]
            unknown = [p for p in params if p not in CANDIDATES]
            if unknown:
                ap.error(f"unknown parameter(s) {unknown}; known: {list(CANDIDATES)}")
        else:
            print("\n## Screening: one at a time, low and high end of each range")
            keys = list(CANDIDATES)
            pts = [{k: CANDIDATES[k][end]} for k in keys for end in ("low", "high")]
            res = runner.run(pts, args.replicates, args.seed, "oat")
            screen = []
            for i, k in enumerate(keys):
                lo, hi = score(res[2 * i]), score(res[2 * i + 1])
                screen.append(dict(key=k, base=CANDIDATES[k]["base"], low=CANDIDATES[k]["low"],
                                   high=CANDIDATES[k]["high"], score_low=lo, score_high=hi,
                                   effect=max(abs(lo - s0), abs(hi - s0))))
            screen.sort(key=lambda d: -d["effect"])
            print(f"\n{'key':36s} {'base':>6s} {'low':>6s} {'high':>6s} {'S(low)':>8s} "
                  f"{'S(high)':>8s} {'effect':>7s}   (S(shipped) = {s0:.2f})")
            for d in screen:
                print(f"{d['key']:36s} {d['base']:6.3g} {d['low']:6.3g} {d['high']:6.3g} "
                      f"{d['score_low']:8.2f} {d['score_high']:8.2f} {d['effect']:7.2f}")
            params = [d["key"] for d in screen[:args.top]]
            result["screening"] = screen
        result["params"] = params
        print("\nsearched: " + ", ".join(
            f"{k} in [{CANDIDATES[k]['low']}, {CANDIDATES[k]['high']}]"
            + (" (log)" if CANDIDATES[k].get("log") else "") for k in params))

        print(f"\n## Search: scrambled Sobol' design, {args.samples} points, design seed "
              f"{args.design_seed}")
        pts = design_points(params, args.samples, args.design_seed)
        res = runner.run(pts, args.replicates, args.seed, "sobol")
        search = [dict(point=i, **p, score=score(r)) for i, (p, r) in enumerate(zip(pts, res))]
        table = pd.DataFrame(search)
        with pd.option_context("display.max_rows", None, "display.width", 200):
            print(table.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
        result["search"] = search

        print(f"\n## Confirmation: the {args.confirm_top} best points and the shipped point, "
              f"{args.confirm_replicates} replicates, seed {args.confirm_seed}")
        best_rows = table.sort_values("score", ascending=False).head(args.confirm_top)
        cands = [{k: float(r[k]) for k in params} for _, r in best_rows.iterrows()]
        res = runner.run([{}] + cands, args.confirm_replicates, args.confirm_seed, "confirm")
        base_c, res_c = res[0], res[1:]
        conf = [dict(**p, score=score(r), search_score=float(s))
                for p, r, s in zip(cands, res_c, best_rows["score"])]
        print(f"shipped: {score(base_c):.2f}")
        for c in conf:
            print("  " + ", ".join(f"{k}={fmt_value(c[k])}" for k in params)
                  + f": {c['score']:.2f} (search {c['search_score']:.2f})")
        ib = int(np.argmax([c["score"] for c in conf]))
        best, best_ind = conf[ib], res_c[ib]
        result["confirmation"] = dict(shipped=score(base_c), points=conf, best=ib)

        print("\n## Result (confirmation runs)")
        result.update(compare(base_c, best_ind, {k: best[k] for k in params}))
        result["runs"] = runner.count
        result["seconds"] = time.time() - t0
        print(f"\n# {runner.count} regsim runs in {time.time() - t0:.0f} s")
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=1, default=float))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RegsimFailed as e:  # bad overrides reach regsim as --set: its exit status 2
        print(f"calibrate_sahel: {e}", file=sys.stderr)
        sys.exit(e.returncode if e.returncode in (1, 2) else 1)
