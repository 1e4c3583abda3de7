"""Sweep files as `regsim sweep` writes them (docs/sweeps.md, "Output"): a `point` dimension,
the design as `point_values(point, parameter)` with the key paths in the `parameter`
coordinate (and one `param_<key with . as __>(point)` dataset per parameter), summaries
(`exit_step`, `announce_step`, `cascade_size`, ...) with leading `point`, `replicate` axes.
Older hand-made layouts are still read: `param_<name>(point)` datasets or a `/points` group."""

import re

import h5py
import numpy as np

from .data import _plain


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
        raise ValueError("not a sweep file: no /points group and no param_<name>(point) "
                         "datasets (docs/analysis.md, 'sweep')")
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
        raise ValueError(f"unknown {dim} {name!r}; the file has {', '.join(ids)}")
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
    """Mean of `values` (point, replicate) over replicates and over any parameter other than x
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
