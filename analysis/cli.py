"""`python3 -m analysis <command> FILE.h5 [options]` (docs/analysis.md)."""

import argparse
import os
import sys

import numpy as np

from . import baserate, hindcast, sobol, summary, sweep
# figures (matplotlib, networkx) are imported by the commands that need them,
# so `--help` and the tables start quickly.
from .data import (IncompleteFileError, RefusedError, check_complete, events,
                   is_sweep_file, load, month_step, open_h5, parse_month, read_attrs,
                   run_info)


def _size(text):
    try:
        w, h = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected W,H in inches, e.g. 10,6") from None
    return (w, h)


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def _positive_rate(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a rate > 0, got {text!r}") from None
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(
            f"expected a rate > 0 (exits per membership-year), got {text}")
    return value


def _ids(text):
    return [t.strip() for t in text.split(",") if t.strip()]


def _default_out(args, ext=".png"):
    stem = os.path.splitext(os.path.basename(args.file))[0]
    return f"{stem}-{args.command}{ext}"


def _str(x):
    return x.decode("utf-8") if isinstance(x, bytes) else str(x)


def _emit(text, out):
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {out}")
    else:
        print(text, end="")


def cmd_summary(args):
    ds = load(args.file, allow_incomplete=True)
    info = run_info(args.file)
    mem = summary.membership_table(ds, all_rows=args.all, states=args.states,
                                   institutions=args.institutions)
    inst = summary.institution_table(ds, all_rows=args.all, institutions=args.institutions)
    _emit(summary.render(info, mem, inst, args.all, args.states, args.institutions),
          args.output)
    if args.csv:
        summary.tidy(mem, inst).to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")


def cmd_baserate(args):
    ds = load(args.file, allow_incomplete=True)
    info = run_info(args.file)
    t0, t1 = baserate.window(ds, args.start, args.end)
    table = baserate.rates(ds, t0, t1)
    given = args.reference is not None
    reference = args.reference if given else baserate.COW_HAZARD
    _emit(baserate.render(info, table, t0, t1, reference,
                          source="given with --reference" if given else None), args.output)
    if args.csv:
        table.to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")


def cmd_events(args):
    if args.kinds:
        from .data import EVENT_KINDS
        unknown = [k for k in args.kinds if k not in EVENT_KINDS]
        if unknown:
            raise ValueError(f"unknown event kind(s) {', '.join(unknown)}; kinds: "
                             f"{', '.join(EVENT_KINDS)}")
    ev = events(args.file, allow_incomplete=True)
    if args.kinds:
        ev = ev[ev["kind"].isin(args.kinds)]
    if args.output:
        ev.to_csv(args.output, index=False)
        print(f"wrote {args.output}")
    else:
        print(ev.to_string(index=False))


def cmd_hindcast(args):
    info = run_info(args.file)
    ev = events(args.file, allow_incomplete=True)
    obs = hindcast.read_observed(args.observed)
    with open_h5(args.file) as f:
        states = {_str(x) for x in f["state"][()]} if "state" in f else None
        insts = {_str(x) for x in f["institution"][()]} if "institution" in f else None
    replicates, given, warning = info.replicates, None, None
    if args.given_until:
        until = month_step(info.start_month, parse_month(args.given_until, "--given-until"))
        if not 0 <= until < info.steps:
            raise ValueError(f"--given-until {args.given_until} is outside the run "
                             f"({info.start_month} + {info.steps} months)")
        if args.window < 0:
            raise ValueError(f"--window must be >= 0, got {args.window}")
        keep = hindcast.consistent_replicates(ev, obs, info.start_month, replicates, until,
                                              args.window, states=states, institutions=insts)
        if not keep.any():
            raise ValueError(f"no replicate agrees with history to {args.given_until} (within "
                             f"{args.window} months): run more replicates or widen --window")
        ev, replicates = hindcast.condition(ev, keep), int(keep.sum())
        warning = hindcast.few_replicates_warning(replicates, info.replicates,
                                                  args.given_until, args.window)
        if warning:
            print(f"analysis: warning: {warning}", file=sys.stderr)
        given = (f"given history to {args.given_until}: {replicates} of {info.replicates} "
                 f"replicates agree (each observed event by then within {args.window} months "
                 "of its month, none of the later ones yet, no announce, rescind, dissolve or "
                 "found that history lacks); every share below is of those")
    a, b = hindcast.hindcast(ev, obs, info.start_month, replicates, info.steps - 1,
                             args.min_share, states=states, institutions=insts)
    _emit(hindcast.render(info, a, b, args.min_share, given, warning), args.output)
    if args.csv:
        hindcast.tidy(a, b).to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")


def _figure_done(path):
    print(f"wrote {path}")


def cmd_timeline(args):
    from . import figures

    ds = load(args.file, allow_incomplete=True)
    _figure_done(figures.timeline(ds, run_info(args.file), args.output or _default_out(args),
                                  replicate=args.replicate, states=args.states,
                                  institutions=args.institutions, size=args.size,
                                  dpi=args.dpi, labels=args.labels))


def cmd_trajectories(args):
    from . import figures

    ds = load(args.file, allow_incomplete=True)
    _figure_done(figures.trajectories(ds, run_info(args.file),
                                      args.output or _default_out(args), states=args.states,
                                      size=args.size, dpi=args.dpi, labels=args.labels))


def cmd_cascades(args):
    from . import figures

    ds = load(args.file, allow_incomplete=True)
    _figure_done(figures.cascades(ds, run_info(args.file), args.output or _default_out(args),
                                  institutions=args.institutions, size=args.size,
                                  dpi=args.dpi))


def cmd_network(args):
    from . import figures

    ds = load(args.file, allow_incomplete=True)
    text = str(read_attrs(args.file).get("scenario_text", ""))
    _figure_done(figures.network(ds, run_info(args.file), args.output or _default_out(args),
                                 scenario_text=text, size=args.size, dpi=args.dpi,
                                 labels=args.labels, states=args.states,
                                 institutions=args.institutions))


def cmd_sweep(args):
    from . import figures

    with open_h5(args.file) as f:
        params = sweep.read_points(f)
        values, is_p = sweep.metric_values(f, args.z)
        meta = sweep.sweep_meta(f)
    x = args.x or sorted(params)[0]
    for name in (x, args.y):
        if name is not None and name not in params:
            raise ValueError(f"unknown parameter {name!r}; the file sweeps "
                             f"{', '.join(sorted(params))}")
    out = args.output or _default_out(args)
    label = sweep.sweep_label(meta)
    bins = args.bins or sweep.default_bins(len(params[x]), 2 if args.y else 1)
    xa = sweep.make_axis(params, x, meta, bins, args.binning)
    if args.y:
        ya = sweep.make_axis(params, args.y, meta, bins, args.binning)
        z, runs, points = sweep.binned_grid(values, xa, ya)
        others = [k for k in params if k not in (x, args.y)]
        note = sweep.pooling_note(runs, points, meta["replicates"], [xa, ya], others, "cell")
        path = figures.sweep_heatmap(z, xa, ya, label, out, args.z, is_p, note, args.size,
                                     args.dpi)
    else:
        pooled, points = sweep.binned_line(values, xa)
        center, bands = sweep.line_bands(pooled, is_p)
        others = [k for k in params if k != x]
        what = "bin" if xa.binned else "point"
        note = sweep.pooling_note([v.size for v in pooled], points, meta["replicates"], [xa],
                                  others, what)
        dots = None
        if xa.binned:  # each design point's own mean, behind the bins (NaN: no run yet)
            n = (~np.isnan(values)).sum(axis=1)
            mean = np.nansum(values, axis=1) / np.where(n > 0, n, 1)
            dots = (np.asarray(params[x], float), np.where(n > 0, mean, np.nan))
        path = figures.sweep_line(xa, center, bands, label, out, args.z, is_p, note, dots,
                                  args.size, args.dpi)
    _figure_done(path)


def cmd_sobol(args):
    from . import figures

    if args.file is None:  # --ishigami on a design of scipy's Sobol' sequence
        from scipy.stats import qmc

        k, n = 3, args.samples
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns about n not a power of 2
            ab = qmc.Sobol(2 * k, scramble=False).random(n)
        _sobol_ishigami(sobol.saltelli_rows(ab, k), k, n, args,
                        "scipy's Sobol' sequence, unscrambled")
        return
    info = run_info(args.file)
    with open_h5(args.file) as f:
        keys, n, k = sobol.design_of(f)
        if args.ishigami:
            if k != 3:
                raise ValueError(f"--ishigami needs a design of 3 parameters; the file has {k}")
            _sobol_ishigami(sobol.unit_coordinates(f, keys), k, n, args, "the file's design")
            return
        if not args.z:
            raise ValueError("--z METRIC is required (or --ishigami)")
        values, _ = sweep.metric_values(f, args.z)
        replicates = values.shape[1]
    # A point with a run missing (NaN) has no output: indices() names it.
    table, v = sobol.indices(values.mean(axis=1), k, args.bootstrap, args.seed)
    _emit(sobol.render(table, keys, v, args.z, n, k, replicates, args.bootstrap), args.table)
    if args.csv:
        out = table.copy()
        out.insert(0, "parameter", keys)
        out.to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")
    _figure_done(figures.sobol_bars(table, keys, info, args.output or _default_out(args),
                                    args.z, size=args.size, dpi=args.dpi))


def _sobol_ishigami(u, k, n, args, where):
    """The Ishigami check: the estimator on f(-pi + 2 pi u) against the analytic indices."""
    x = -np.pi + 2 * np.pi * u
    table, v = sobol.indices(sobol.ishigami(x), k, args.bootstrap, args.seed)
    s1, st = sobol.ishigami_analytic()
    table.insert(3, "S1 exact", s1)
    table["ST exact"] = st
    inside = ((table["S1 low"] <= s1) & (s1 <= table["S1 high"]) &
              (table["ST low"] <= st) & (st <= table["ST high"]))
    table["exact inside both intervals"] = inside.map({True: "yes", False: "NO"})
    print(f"# Ishigami check (a = 7, b = 0.1 on [-pi, pi]^3), {where}: N = {n}, "
          f"{n * (k + 2)} points, {args.bootstrap} bootstrap resamples")
    fmt = {c: (lambda x: f"{x:.4f}") for c in table.columns if c != "exact inside both intervals"}
    shown = table.copy()
    shown.insert(0, "parameter", ["x1", "x2", "x3"])
    print(shown.to_string(index=False, formatters=fmt))
    err = max(np.max(np.abs(table["S1"] - s1)), np.max(np.abs(table["ST"] - st)))
    print(f"largest |estimate - exact|: {err:.4f}")


def build_parser():
    p = argparse.ArgumentParser(
        prog="/usr/bin/python3 -m analysis",
        description="Tables and figures from regsim HDF5 files (docs/output.md). Reads the "
        "file only; never runs the simulator.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("file", metavar="FILE.h5",
                        help="a file of `regsim run` (for `sweep`: of `regsim sweep` or "
                        "`regsim merge`)")
    common.add_argument("--allow-incomplete", action="store_true",
                        help="read a file without the root attribute complete = 1")
    common.add_argument("--force", action="store_true",
                        help="overwrite output files that exist (never the input)")
    fig = argparse.ArgumentParser(add_help=False)
    fig.add_argument("-o", "--output", metavar="OUT",
                     help="figure file; format from the extension: .png (default), .svg, "
                     ".pdf (default FILE-COMMAND.png in the current folder)")
    fig.add_argument("--size", type=_size, metavar="W,H",
                     help="figure size in inches (default depends on the figure)")
    fig.add_argument("--dpi", type=float, default=150, help="resolution (default 150)")
    named = argparse.ArgumentParser(add_help=False)
    named.add_argument("--labels", choices=("names", "ids"), default="names",
                       help="show states by name (the file's state_name, default) or by id "
                       "(shorter, where space is tight)")

    s = sub.add_parser("summary", parents=[common], help="exit probabilities and timing table",
                       description="Per state x institution: P(announced) and P(exited) by "
                       "the end of each calendar year (exits include memberships ended by a "
                       "dissolution), median and 90% interval of the "
                       "announce / exit month; per institution: P(dissolution), founding, "
                       "cascade size.")
    s.add_argument("-o", "--output", metavar="OUT", help="write the table text here")
    s.add_argument("--csv", metavar="OUT.csv", help="also write a tidy (long) CSV")
    s.add_argument("--all", action="store_true",
                   help="every membership and institution, not only those with activity")
    s.add_argument("--states", type=_ids, metavar="A,B",
                   help="only memberships of these states (ids)")
    s.add_argument("--institutions", type=_ids, metavar="X,Y",
                   help="only these institutions (ids), in both tables")
    s.set_defaults(func=cmd_summary)

    b = sub.add_parser("baserate", parents=[common], help="exits per membership-year (P5)",
                       description="Exits per membership-year at risk and announcements per "
                       "active membership-year, per institution and in all, with exact 90% "
                       "Poisson intervals, against the Correlates of War base hazard (pattern "
                       "P5 of docs/model.md). Needs the status trajectories.")
    b.add_argument("--from", dest="start", metavar="YYYY-MM",
                   help="first month counted (default: the run's first)")
    b.add_argument("--to", dest="end", metavar="YYYY-MM",
                   help="month after the last counted (default: the run's end)")
    b.add_argument("--reference", type=_positive_rate, metavar="RATE",
                   help="exits per membership-year to compare with, > 0 (default "
                   f"{baserate.COW_HAZARD}, COW IGO v3 1965-2013)")
    b.add_argument("-o", "--output", metavar="OUT", help="write the table text here")
    b.add_argument("--csv", metavar="OUT.csv", help="also write the table as CSV")
    b.set_defaults(func=cmd_baserate)

    e = sub.add_parser("events", parents=[common], help="the event log as a table or CSV",
                       description="Print the event log with names and calendar dates.")
    e.add_argument("-o", "--output", metavar="OUT.csv", help="write CSV instead of printing")
    e.add_argument("--kinds", type=_ids, metavar="K1,K2",
                   help="only these kinds (announce, rescind, exit, suspend, reinstate, sanction, "
                   "lift_sanction, dissolve, found, join, coup, transition, patron_engagement, "
                   "institution_param, force_exit, force_join)")
    e.set_defaults(func=cmd_events)

    t = sub.add_parser("timeline", parents=[common, fig, named], help="membership status over time",
                       description="One band per state x institution membership: share of "
                       "replicates that are member / suspended / withdrawing / withdrawn at "
                       "each month, or the status in one replicate.")
    t.add_argument("--replicate", type=int, metavar="K", help="show replicate K only")
    t.add_argument("--states", type=_ids, metavar="A,B", help="only these states")
    t.add_argument("--institutions", type=_ids, metavar="A,B", help="only these institutions")
    t.set_defaults(func=cmd_timeline)

    r = sub.add_parser("trajectories", parents=[common, fig, named],
                       help="sovereignty and alignment bands per state",
                       description="Median with 50% and 90% bands over replicates of "
                       "sovereignty and each alignment axis, one row per state.")
    r.add_argument("--states", type=_ids, metavar="A,B", help="only these states")
    r.set_defaults(func=cmd_trajectories)

    c = sub.add_parser("cascades", parents=[common, fig], help="cascade size distributions",
                       description="Histogram and complementary CDF of the final cascade "
                       "size per institution.")
    c.add_argument("--institutions", type=_ids, metavar="A,B", help="only these institutions")
    c.set_defaults(func=cmd_cascades)

    n = sub.add_parser("network", parents=[common, fig, named], help="institution graph",
                       description="States and institutions with membership edges, states "
                       "coloured by P(exit from at least one institution); influence ties "
                       "are drawn when the stored scenario text lists them.")
    n.add_argument("--states", type=_ids, metavar="A,B",
                   help="only these states and the institutions they belong to")
    n.add_argument("--institutions", type=_ids, metavar="X,Y",
                   help="only these institutions and their members (with --states: exactly "
                   "those states and institutions)")
    n.set_defaults(func=cmd_network)

    w = sub.add_parser("sweep", parents=[common, fig], help="sweep heatmap or line",
                       description="A file of `regsim sweep` (docs/sweeps.md). Heatmap of a "
                       "metric over two swept parameters (--x and --y) or a line with "
                       "50%/90% bands over one (--x).")
    w.add_argument("--x", metavar="PARAM",
                   help="swept parameter on the x axis (default: the first in name order)")
    w.add_argument("--y", metavar="PARAM", help="second parameter: draw a heatmap")
    w.add_argument("--z", metavar="METRIC", required=True, help=sweep.METRIC_HELP)
    w.add_argument("--bins", type=_positive_int, metavar="N",
                   help="bins per axis for a sampled design (uniform, latin_hypercube, sobol, "
                   "saltelli), whose points have their own values (default 10; a heatmap: "
                   "fewer, down to 5, when there are under 2 points per cell); grids keep "
                   "their exact values")
    w.add_argument("--binning", choices=("equal", "quantile"), default="equal",
                   help="equal-width bins over the design's range (equal in log for log "
                   "parameters; default) or quantile bins (as many points in each)")
    w.set_defaults(func=cmd_sweep)

    o = sub.add_parser("sobol", parents=[fig], help="Sobol' indices of a saltelli sweep",
                       description="First-order and total Sobol' indices of a metric (its mean "
                       "over each point's replicates) from a sweep on the saltelli design, with "
                       "95% percentile bootstrap intervals, as a table and a bar chart "
                       "(docs/sweeps.md, \"Sobol' indices\"). --ishigami checks the estimator "
                       "on the Ishigami function instead: on the file's design (3 parameters) "
                       "or, without a file, on scipy's Sobol' sequence.")
    o.add_argument("file", metavar="FILE.h5", nargs="?",
                   help="a complete sweep file of the saltelli design (merged if sharded)")
    o.add_argument("--allow-incomplete", action="store_true",
                   help="accepted for symmetry; an unfinished sweep has runs missing, which "
                   "sobol refuses")
    o.add_argument("--force", action="store_true",
                   help="overwrite output files that exist (never the input)")
    o.add_argument("--z", metavar="METRIC", help=sweep.METRIC_HELP)
    o.add_argument("--bootstrap", type=int, default=200, metavar="B",
                   help="bootstrap resamples (default 200; 0: no intervals)")
    o.add_argument("--seed", type=int, default=1, help="bootstrap seed (default 1)")
    o.add_argument("--table", metavar="OUT", help="write the table text here")
    o.add_argument("--csv", metavar="OUT.csv", help="also write the table as CSV")
    o.add_argument("--ishigami", action="store_true",
                   help="check the estimator on the Ishigami function")
    o.add_argument("--samples", type=int, default=8192, metavar="N",
                   help="--ishigami without a file: base rows N (default 8192)")
    o.set_defaults(func=cmd_sobol)

    h = sub.add_parser("hindcast", parents=[common], help="simulated vs observed events",
                       description="For each observed event: share of replicates in which it "
                       "happened by the observed month, simulated median month and 90% "
                       "interval; then simulated events history did not have.")
    h.add_argument("observed", metavar="OBSERVED.csv",
                   help="columns date,kind,state,institution,source")
    h.add_argument("-o", "--output", metavar="OUT", help="write the table text here")
    h.add_argument("--csv", metavar="OUT.csv", help="also write both tables as one CSV")
    h.add_argument("--given-until", metavar="YYYY-MM",
                   help="keep only the replicates that agree with history up to this month "
                   "(a forecast from that cut-off, conditioned on what was known then)")
    h.add_argument("--window", type=int, default=2, metavar="M",
                   help="with --given-until: months an event may miss its observed month by "
                   "(default 2)")
    h.add_argument("--min-share", type=float, default=0.10,
                   help="threshold for unobserved simulated events (default 0.10)")
    h.set_defaults(func=cmd_hindcast)
    return p


FIGURES = ("timeline", "trajectories", "cascades", "network", "sweep", "sobol")


class OutputExistsError(Exception):
    """An output file exists (and --force was not given), or is the input itself."""


def check_outputs(args):
    """Every file the command will write: never the input, and no existing file without
    --force (as `regsim run`: nothing a user had is replaced unasked)."""
    outs = [o for o in (getattr(args, a, None) for a in ("output", "csv", "table")) if o]
    draws = args.command in FIGURES and not getattr(args, "ishigami", False)
    if draws and not args.output and args.file:
        outs.append(_default_out(args))
    inputs = [p for p in (args.file, getattr(args, "observed", None))
              if p and os.path.exists(p)]
    real = [os.path.realpath(o) for o in outs]
    if len(set(real)) < len(real):
        raise OutputExistsError("two outputs are the same file: "
                                f"{', '.join(o for o, r in zip(outs, real) if real.count(r) > 1)}")
    for out in outs:
        if not os.path.isfile(out):  # absent, or /dev/null and the like
            continue
        if any(os.path.samefile(out, i) for i in inputs):
            raise OutputExistsError(f"{out} is an input file; write the output elsewhere")
        if not args.force:
            raise OutputExistsError(f"{out} exists; use --force to overwrite it")


SWEEP_COMMANDS = ("sweep", "sobol")


def check_run_file(args):
    """The commands other than sweep and sobol read the file of one `regsim run`: a sweep
    file's leading `point` axis would otherwise fail deep in xarray with a message about
    dimension order."""
    if args.command in SWEEP_COMMANDS:
        return
    with open_h5(args.file) as f:
        sweep_file = is_sweep_file(f)
    if sweep_file:
        raise ValueError(f"{args.file}: a sweep file (of `regsim sweep` or `regsim merge`), "
                         f"not the file of one `regsim run`, which `{args.command}` reads; "
                         "read it with `analysis sweep` (heatmap or line over the swept "
                         "parameters) or `analysis sobol` (docs/analysis.md)")


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.file is not None and not os.path.exists(args.file):
            raise FileNotFoundError(f"{args.file}: no such file")
        check_outputs(args)
        if args.file is None:  # sobol --ishigami without a file
            if not getattr(args, "ishigami", False):
                raise ValueError("FILE.h5 is required (or --ishigami)")
        else:
            check_complete(args.file, args.allow_incomplete)
            check_run_file(args)
        args.func(args)
    except BrokenPipeError:  # output piped into `head`
        sys.stdout = open(os.devnull, "w")
        return 0
    except (IncompleteFileError, OutputExistsError, RefusedError, ValueError, KeyError,
            OSError) as err:
        # Bad input, as regsim's exit status 2: an unfinished, missing, unreadable or wrong kind
        # of file, an unknown id, a bad CSV or option value. A failure of the code itself is not
        # caught: its traceback (exit status 1) is what a bug report needs.
        print(f"analysis: error: {err}", file=sys.stderr)
        return 2
    return 0
