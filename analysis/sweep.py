"""Sweep files as `regsim sweep` writes them (docs/sweeps.md, "Output"): a `point` dimension,
the design as `point_values(point, parameter)` with the key paths in the `parameter`
coordinate (and one `param_<key with . as __>(point)` dataset per parameter), summaries
(`exit_step`, `announce_step`, `cascade_size`, ...) with leading `point`, `replicate` axes.
Older hand-made layouts are still read: `param_<name>(point)` datasets or a `/points` group."""

import re

import h5py
import numpy as np

from .data import _plain, list_ids


def read_points(f):
    """{parameter key path: values over point}."""
    params = {}
    if "point_values" in f and "parameter" in f:
        keys = [_plain(k) for k in f["parameter"][()]]
        values = f["point_values"][()]
        return {k: values[:, d] for d, k in enumerate(keys)}
    if "points" in f and isinstance(f["points"], h5py.Group):
        for name, d in f["points"].items():
            if isinstance(d, h5py.Dataset) and d.ndim == 1:
                params[name] = d[()]
    for name, d in f.items():
        if name.startswith("param_") and isinstance(d, h5py.Dataset) and d.ndim == 1:
            params[name[len("param_"):].replace("__", ".")] = d[()]
    if not params:
        raise ValueError(f"{f.filename}: not a sweep file (no point_values, no "
                         "param_<name>(point) datasets): `sweep` and `sobol` read files of "
                         "`regsim sweep` or `regsim merge`; a file of `regsim run` is read by "
                         "summary, events, baserate, timeline, trajectories, cascades, network "
                         "and hindcast (docs/analysis.md)")
    return params


_METRICS = [
    (re.compile(r"^\s*P\(\s*(\S+)\s+loses\s*>=\s*(\d+)\s+members?\s*\)\s*$", re.I), "loses"),
    (re.compile(r"^\s*loses:([^:]+):(\d+)\s*$"), "loses"),
    (re.compile(r"^\s*P\(\s*(\S+)\s+exits\s+(\S+)\s*\)\s*$", re.I), "exit"),
    (re.compile(r"^\s*exit:([^:]+):([^:]+)\s*$"), "exit"),
    (re.compile(r"^\s*P\(\s*(\S+)\s+announces\s+(\S+)\s*\)\s*$", re.I), "announce"),
    (re.compile(r"^\s*announce:([^:]+):([^:]+)\s*$"), "announce"),
    (re.compile(r"^\s*cascade:([^:]+)\s*$"), "cascade"),
    (re.compile(r"^\s*exit_month:([^:]+):([^:]+)\s*$"), "exit_month"),
]
METRIC_HELP = ('"P(INST loses >= K members)" or loses:INST:K; "P(STATE exits INST)" or '
               'exit:STATE:INST; "P(STATE announces INST)" or announce:STATE:INST; '
               "cascade:INST (mean final cascade size); exit_month:STATE:INST (months from the "
               "start to the exit taking effect, `steps` when it does not: censored at the "
               "run's end)")


def _index(f, dim, name):
    ids = [_plain(x) for x in f[dim][()]]
    if name not in ids:
        raise ValueError(f"unknown {dim} {name!r}; the file has {list_ids(ids)}")
    return ids.index(name)


def _values(f, z):
    for rx, kind in _METRICS:
        m = rx.match(z)
        if not m:
            continue
        if kind == "loses":
            i = _index(f, "institution", m.group(1))
            return (f["cascade_size"][:, :, i] >= int(m.group(2))).astype(float), True
        if kind == "cascade":
            i = _index(f, "institution", m.group(1))
            return f["cascade_size"][:, :, i].astype(float), False
        s, i = _index(f, "state", m.group(1)), _index(f, "institution", m.group(2))
        if kind == "exit_month":
            if "steps" not in f.attrs:
                raise ValueError("exit_month needs the file's root attribute steps (the run "
                                 "length that a run without the exit is censored at)")
            e = f["exit_step"][:, :, s, i].astype(float)
            return np.where(e >= 0, e, float(f.attrs["steps"])), False
        ds = "exit_step" if kind == "exit" else "announce_step"
        return (f[ds][:, :, s, i] >= 0).astype(float), True
    raise ValueError(f"unknown metric {z!r}; use {METRIC_HELP}")


def metric_values(f, z):
    """(values[point, replicate], is_probability). Runs not yet in the file (`run_done` = 0
    in an unfinished sweep's .part) are NaN: their never-written summaries read as fill
    values, which would count as "never happened"."""
    values, is_p = _values(f, z)
    if "run_done" in f:
        values[f["run_done"][()] == 0] = np.nan
    return values, is_p


def grid(params, values, x, y=None):
    """(Python API, on exact values; the `sweep` command bins sampled designs instead, with
    binned_grid / binned_line.) Mean of `values` (point, replicate) over replicates and over any parameter other than x
    (and y): (xs, ys, z[x, y]) or, without y, (xs, per-x pooled replicate values). NaN values
    (runs not in the file) are left out; a cell with none is NaN."""
    for name in (x, y):
        if name is not None and name not in params:
            raise ValueError(f"unknown parameter {name!r}; the file sweeps "
                             f"{', '.join(sorted(params))}")
    def present(v):
        v = v.ravel()
        return v[~np.isnan(v)]

    xs = np.unique(params[x])
    if y is None:
        return xs, [present(values[params[x] == v]) for v in xs]
    ys = np.unique(params[y])
    z = np.full((len(xs), len(ys)), np.nan)
    for a, xv in enumerate(xs):
        for b, yv in enumerate(ys):
            v = present(values[(params[x] == xv) & (params[y] == yv)])
            if v.size:
                z[a, b] = v.mean()
    return xs, ys, z


def line_bands(pooled, is_probability):
    """center, ((lo90, hi90), (lo50, hi50)): for probabilities the mean and Jeffreys
    intervals; otherwise the mean and quantiles over replicates."""
    from scipy import stats  # slow to import; only needed here

    center = np.array([v.mean() if v.size else np.nan for v in pooled])
    if is_probability:
        k = np.array([v.sum() for v in pooled])
        n = np.array([v.size for v in pooled])

        def iv(level):
            a = (1 - level) / 2
            # Brown, Cai & DasGupta (2001): lower 0 at k = 0, upper 1 at k = n
            lo = np.where(k == 0, 0.0, stats.beta.ppf(a, k + 0.5, n - k + 0.5))
            hi = np.where(k == n, 1.0, stats.beta.ppf(1 - a, k + 0.5, n - k + 0.5))
            return lo, hi

        return center, (iv(0.9), iv(0.5))
    q = np.array([np.quantile(v, [0.05, 0.95, 0.25, 0.75]) if v.size else np.full(4, np.nan)
                  for v in pooled])
    return center, ((q[:, 0], q[:, 1]), (q[:, 2], q[:, 3]))


# --- design, binning and labels for the figures -----------------------------------------------

SAMPLED_DESIGNS = ("uniform", "latin_hypercube", "sobol", "saltelli")
MAX_CATEGORIES = 12  # more distinct values than this on a non-grid axis are binned


def sweep_meta(f):
    """What the figures need to know about a sweep file beyond its numbers: the design (root
    attribute `design`; None in hand-made files), the parameters sampled on a log scale and the
    ranges (from the stored sweep text's [[parameter]] tables, else the `parameters` JSON),
    and how many runs are done (`run_done`) of how many."""
    import json
    import tomllib

    attrs = {k: _plain(v) for k, v in f.attrs.items()}
    specs = []
    try:
        specs = tomllib.loads(str(attrs.get("sweep_text", ""))).get("parameter", [])
    except tomllib.TOMLDecodeError:
        pass
    if not specs:
        try:
            specs = json.loads(str(attrs.get("parameters", "{}"))).get("parameters", [])
        except (json.JSONDecodeError, AttributeError):
            specs = []
    specs = [p for p in specs if isinstance(p, dict) and "key" in p]
    log = {p["key"] for p in specs if p.get("log") or p.get("log_scale")}
    ranges = {p["key"]: (float(p["low"]), float(p["high"])) for p in specs
              if "low" in p and "high" in p}
    points = f["point"].shape[0] if "point" in f else None
    replicates = f["replicate"].shape[0] if "replicate" in f else int(attrs.get("replicates", 0))
    if "run_done" in f:
        done = f["run_done"][()]
        runs_done, runs_total = int((done != 0).sum()), int(done.size)
    else:
        runs_total = runs_done = (points or 0) * replicates
    design = attrs.get("design")
    return dict(design=str(design) if design is not None else None, log=log, ranges=ranges,
                points=points, replicates=replicates, runs_done=runs_done,
                runs_total=runs_total, scenario=str(attrs.get("scenario_name", "sweep")),
                seed=attrs.get("seed", "?"), complete=str(attrs.get("complete", 0)) == "1")


def sweep_label(meta):
    """The provenance line of a sweep figure: design, points x replicates, seed, and for an
    unfinished file how many runs it holds ("20 replicates" alone would claim more)."""
    design = f"{meta['design']} design, " if meta["design"] else ""
    text = (f"{meta['scenario']} \u2014 {design}{meta['points']} points x "
            f"{meta['replicates']} replicates, seed {meta['seed']}")
    if meta["runs_done"] < meta["runs_total"] or not meta["complete"]:
        text += (f"; {meta['runs_done']} of {meta['runs_total']} runs done "
                 "(unfinished file)")
    return text


class Axis:
    """One figure axis over a swept parameter: exact values (a grid) or bins (a sampled
    design, whose every point has its own float value). `index[point]` is the cell of each
    point, `centers` the cells' positions (bins: the middle, geometric on a log axis), `edges`
    the bin edges (None for exact values)."""

    def __init__(self, key, values, log=False, bins=None, method="equal", span=None):
        self.key, self.log, self.method = key, bool(log), None
        v = np.asarray(values, dtype=float)
        if bins is None:
            self.centers = np.unique(v)
            self.index = np.searchsorted(self.centers, v)
            self.edges = None
            return
        self.method = method
        self.edges = bin_edges(v, bins, method, log, span)
        self.index = np.clip(np.searchsorted(self.edges, v, side="right") - 1, 0,
                             len(self.edges) - 2)
        lo, hi = self.edges[:-1], self.edges[1:]
        self.centers = np.sqrt(lo * hi) if self.log else (lo + hi) / 2

    @property
    def binned(self):
        return self.edges is not None

    def describe_bins(self):
        """'10 equal-width bins' / '8 quantile bins' (log: 'equal-width in log')."""
        n = len(self.edges) - 1
        kind = {"equal": "equal-width", "quantile": "quantile"}[self.method]
        if self.method == "equal" and self.log:
            kind += " (in log)"
        return f"{n} {kind} bins"


def bin_edges(values, bins=10, method="equal", log=False, span=None):
    """Edges of `bins` bins over `values`: equal-width over `span` (the design's [low, high],
    else the values' range; equal in log(value) for a log-scaled parameter), or quantile bins
    (about as many points in each). Repeated quantile edges are merged, so there may be
    fewer bins than asked."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if method not in ("equal", "quantile"):
        raise ValueError(f"unknown binning {method!r}: use equal or quantile")
    if bins < 1:
        raise ValueError("bins must be at least 1")
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
    if span is not None:
        lo, hi = min(lo, span[0]), max(hi, span[1])
    log = log and lo > 0
    if method == "quantile":
        q = np.quantile(np.log(v) if log else v, np.linspace(0, 1, bins + 1))
        edges = np.exp(q) if log else q
        edges[0], edges[-1] = lo, hi
        edges = np.unique(edges)
    elif log:
        edges = np.geomspace(lo, hi, bins + 1)
    else:
        edges = np.linspace(lo, hi, bins + 1)
    if len(edges) < 2:
        edges = np.array([lo - 0.5, hi + 0.5]) if lo == hi else np.array([lo, hi])
    return edges


def default_bins(points, dims=1):
    """10 bins per axis; on a heatmap fewer (not under 5) when 10 x 10 cells would hold fewer
    than 2 design points each, as most cells would then be empty."""
    if dims == 1:
        return 10
    return int(min(10, max(5, np.floor(np.sqrt(points / 2)))))


def make_axis(params, key, meta, bins=10, method="equal"):
    """The Axis of `key`: binned for a sampled design (or, in a file that does not say its
    design, more than MAX_CATEGORIES distinct values on most points), exact otherwise, and
    always exact when there are no more distinct values than bins (integer parameters)."""
    if key not in params:
        raise ValueError(f"unknown parameter {key!r}; the file sweeps {', '.join(sorted(params))}")
    v = np.asarray(params[key], dtype=float)
    distinct = len(np.unique(v))
    design = meta.get("design")
    if design is None:
        sampled = distinct > MAX_CATEGORIES and distinct > v.size // 2
    else:
        sampled = design in SAMPLED_DESIGNS
    binned = sampled and distinct > bins
    return Axis(key, v, log=key in meta.get("log", ()), bins=bins if binned else None,
                method=method, span=meta.get("ranges", {}).get(key))


def cells(values, xa, ya=None):
    """Pool `values` (point, replicate) by cell: {(a,) or (a, b): replicate values without
    NaN (runs not in the file)} and the number of design points in each cell."""
    pooled, npoints = {}, {}
    idx = zip(xa.index) if ya is None else zip(xa.index, ya.index)
    for p, cell in enumerate(idx):
        pooled.setdefault(cell, []).append(values[p])
        npoints[cell] = npoints.get(cell, 0) + 1
    out = {}
    for cell, rows in pooled.items():
        v = np.concatenate([np.ravel(r) for r in rows])
        out[cell] = v[~np.isnan(v)]
    return out, npoints


def binned_line(values, xa):
    """Per x cell: (pooled replicate values, design points): empty for an empty bin."""
    pooled, npoints = cells(values, xa)
    n = len(xa.centers)
    return ([pooled.get((a,), np.array([])) for a in range(n)],
            np.array([npoints.get((a,), 0) for a in range(n)]))


def binned_grid(values, xa, ya):
    """z[x cell, y cell] (mean over the cell's runs; NaN for none), runs and points per cell."""
    pooled, npoints = cells(values, xa, ya)
    shape = (len(xa.centers), len(ya.centers))
    z, runs, pts = np.full(shape, np.nan), np.zeros(shape, int), np.zeros(shape, int)
    for (a, b), v in pooled.items():
        runs[a, b], pts[a, b] = v.size, npoints[(a, b)]
        if v.size:
            z[a, b] = v.mean()
    return z, runs, pts


def _span(counts):
    counts = np.asarray(counts)
    counts = counts[counts > 0]
    if not counts.size:
        return "0"
    lo, hi = int(counts.min()), int(counts.max())
    return f"{lo}" if lo == hi else f"{lo}\u2013{hi}"


def pooling_note(runs, points, replicates, axes, other_keys, what="point"):
    """What each plotted mean pools, e.g. 'each point: mean over 100 runs (20 replicates x 5
    values of the other parameters)': the replicates of a point alone are not the sample."""
    runs, points = np.asarray(runs).ravel(), np.asarray(points).ravel()
    if any(a.binned for a in axes):
        of = "design points in the bin" if len(axes) == 1 else "design points in the cell"
    elif other_keys:
        of = ("values of the other parameter" if len(other_keys) == 1
              else "combinations of the other parameters")
    else:
        of = "design point" if _span(points) == "1" else "design points"
    note = f"each {what}: mean over {_span(runs)} runs ({replicates} replicates x " \
           f"{_span(points)} {of})"
    binned = [a for a in axes if a.binned]
    if binned:
        note = "; ".join([f"{a.key.rsplit('.', 1)[-1]}: {a.describe_bins()}"
                          for a in binned] + [note])
    return note


def _parse_metric(z):
    """(kind, groups, typed as words) of a metric, or None when it is not one."""
    for rx, kind in _METRICS:
        m = rx.match(z)
        if m:
            return kind, m.groups(), z.strip().upper().startswith("P(")
    return None


def describe_metric(z):
    """A metric code in words for axis and colour bar labels, e.g. cascade:ECOWAS -> 'mean
    final cascade size of ECOWAS'."""
    parsed = _parse_metric(z)
    if parsed is None:
        return z
    kind, groups, _ = parsed
    a, b = groups[0], groups[1] if len(groups) > 1 else None
    return {
        "loses": f"P({a} loses \u2265 {b} member{'' if b == '1' else 's'})",
        "exit": f"P({a} exits {b})",
        "announce": f"P({a} announces withdrawal from {b})",
        "cascade": f"mean final cascade size of {a}",
        "exit_month": f"mean months until {a} exits {b} (run's end if never)",
    }[kind]


def metric_label(z):
    """Words, and a code in parentheses so that it can be typed again: the code as given, or
    for a metric given in words that differ from ours (announces withdrawal from) its code.
    Words as given ("P(ECOWAS loses >= 3 member)", any case or spacing) are not repeated."""
    parsed = _parse_metric(z)
    words = describe_metric(z)
    if parsed is None:
        return words
    kind, groups, as_words = parsed
    if not as_words:
        return f"{words} ({z.strip()})"
    if kind == "announce":
        return f"{words} (announce:{groups[0]}:{groups[1]})"
    return words


def describe_param(key):
    """A key path in words: institution.ECOWAS.sovereignty_cost -> 'sovereignty cost of
    ECOWAS', model.peer_weight -> 'peer weight'."""
    parts = key.split(".")
    name = parts[-1].replace("_", " ")
    if parts[0] in ("institution", "state", "patron") and len(parts) >= 3:
        middle = " ".join(p.replace("_", " ") for p in parts[2:-1])
        return f"{(middle + ' ') if middle else ''}{name} of {parts[1]}"
    if parts[0] == "state_defaults":
        return f"{name} (every state)"
    if parts[0] == "network":
        return f"network {name}"
    return name


def param_label(key, log=False):
    """'sovereignty cost of ECOWAS (institution.ECOWAS.sovereignty_cost)', '..., log scale'."""
    return f"{describe_param(key)} ({key}{', log scale' if log else ''})"


def color_limits(z, is_probability):
    """Colour scale: [0, 1] for probabilities, so that colours mean the same in every figure;
    otherwise the values' range, widened around a single value (matplotlib's default there is
    v +- 0.1, which suggests variation that is not there)."""
    if is_probability:
        return 0.0, 1.0
    finite = np.asarray(z, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    if hi > lo:
        return lo, hi
    pad = max(0.5, abs(lo) * 0.1)
    return (max(0.0, lo - pad) if lo >= 0 else lo - pad), hi + pad
