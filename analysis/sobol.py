"""`sobol`: first-order and total Sobol' indices from a sweep run on a Saltelli design
(docs/sweeps.md, "Sobol' indices"), with percentile bootstrap intervals; and the Ishigami check
of the same estimator.

The estimator is the one `sim/sweep/sobol_indices.cpp` implements, on one output per design
row: the mean of a metric over the row's replicates. With f_A, f_B, f_ABi the outputs on rows
A_n, B_n, A_B^(i)_n (interleaved by base row n: A_n, B_n, A_B^(1)_n, ..., A_B^(k)_n) and V the
variance of the 2N outputs on A and B:
    S1_i = (1/N) sum_n f_B (f_ABi - f_A) / V       (Saltelli et al. 2010, Table 2 (b))
    ST_i = (1/2N) sum_n (f_A - f_ABi)^2 / V         (Jansen 1999; Saltelli et al. 2010 (f))
"""

import math

import numpy as np
import pandas as pd

from .data import _plain
from .sweep import sweep_meta

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def ishigami(x, a=ISHIGAMI_A, b=ISHIGAMI_B):
    """f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3 (Ishigami & Homma 1990)."""
    x = np.asarray(x, dtype=float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_analytic(a=ISHIGAMI_A, b=ISHIGAMI_B):
    """(S1, ST) of the Ishigami function, from its variance decomposition."""
    v1 = (1 + b * math.pi ** 4 / 5) ** 2 / 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1 / v, v2 / v, 0.0]), np.array([(v1 + v13) / v, v2 / v, v13 / v])


def saltelli_rows(u_ab, k):
    """The saltelli design's rows from N points of a 2k-dimensional sequence (A: the first k
    columns, B: the last k): A_n, B_n, A_B^(1)_n, ..., A_B^(k)_n per base row, the order of
    regsim's design (docs/sweeps.md)."""
    rows = []
    for a, b in zip(u_ab[:, :k], u_ab[:, k:]):
        rows += [a, b] + [np.where(np.arange(k) == i, b, a) for i in range(k)]
    return np.array(rows)


def _estimate(y):
    """(S1[k], ST[k], V) from outputs y[N, k + 2] (columns A, B, A_B^(1..k))."""
    fa, fb, fab = y[:, 0], y[:, 1], y[:, 2:]
    v = float(np.var(np.concatenate([fa, fb])))  # population variance, as the C++ estimator
    if not v > 0:
        nan = np.full(fab.shape[1], np.nan)
        return nan, nan, v
    s1 = np.mean(fb[:, None] * (fab - fa[:, None]), axis=0) / v
    st = np.mean((fa[:, None] - fab) ** 2, axis=0) / (2 * v)
    return s1, st, v


def indices(outputs, k, bootstrap=200, seed=1, level=0.95):
    """First-order and total indices with percentile bootstrap intervals (the N base rows
    resampled with replacement `bootstrap` times, numpy's PCG64 seeded by `seed`).
    `outputs`: one finite value per design row, N (k + 2) of them in the design's order.
    Returns (DataFrame with S1, S1 low, S1 high, ST, ST low, ST high per parameter index, V)."""
    y = np.asarray(outputs, dtype=float)
    if k < 1 or y.size % (k + 2) or y.size // (k + 2) < 2:
        raise ValueError(f"{y.size} outputs are not a saltelli design with k = {k} "
                         "(N (k + 2) rows, N >= 2)")
    if not np.all(np.isfinite(y)):
        bad = np.flatnonzero(~np.isfinite(y))
        raise ValueError(f"{bad.size} design rows have no finite output (first: point "
                         f"{bad[0]}); every point is needed")
    y = y.reshape(-1, k + 2)
    n = y.shape[0]
    s1, st, v = _estimate(y)
    los1 = his1 = lost = hist = np.full(k, np.nan)
    if bootstrap > 0 and v > 0:
        rng = np.random.default_rng(seed)
        b1, bt = [], []
        for _ in range(bootstrap):
            e1, et, ev = _estimate(y[rng.integers(0, n, n)])
            if ev > 0:  # all resampled outputs equal: no estimate
                b1.append(e1)
                bt.append(et)
        if b1:
            q = [(1 - level) / 2, (1 + level) / 2]
            los1, his1 = np.quantile(np.array(b1), q, axis=0)
            lost, hist = np.quantile(np.array(bt), q, axis=0)
    table = pd.DataFrame({"S1": s1, "S1 low": los1, "S1 high": his1,
                          "ST": st, "ST low": lost, "ST high": hist})
    return table, v


# --- sweep files ------------------------------------------------------------------------------

def design_of(f):
    """(parameter keys, N, k) of a sweep file written with the saltelli design."""
    design = _plain(f.attrs.get("design", ""))
    if design != "saltelli":
        raise ValueError(f"{f.filename}: Sobol' indices need a sweep on the saltelli design; "
                         f"this file's design is {design or 'unknown'!r} (docs/sweeps.md)")
    keys = [_plain(x) for x in f["parameter"][()]]
    k = len(keys)
    total = int(f.attrs["points_total"])
    if total % (k + 2) or int(f["point_values"].shape[0]) != total:
        raise ValueError(f"the file holds {f['point_values'].shape[0]} of {total} points; "
                         "a saltelli design needs all N (k + 2) of them (merge every shard)")
    return keys, total // (k + 2), k


def unit_coordinates(f, keys):
    """The design's unit-cube coordinates of every point, from the values and each
    parameter's low, high and log in the stored sweep text (sweep.sweep_meta reads them)."""
    meta = sweep_meta(f)
    values = f["point_values"][()]
    u = np.empty_like(values, dtype=float)
    for d, key in enumerate(keys):
        (lo, hi), x = meta["ranges"][key], values[:, d]
        if key in meta["log"]:
            lo, hi, x = math.log(lo), math.log(hi), np.log(x)
        u[:, d] = (x - lo) / (hi - lo)
    return u


def render(table, keys, v, what, n, k, replicates, bootstrap, level=0.95):
    shown = table.copy()
    shown.insert(0, "parameter", keys)
    pct = f"{100 * level:g}%"
    head = [f"# Sobol' indices of {what}",
            f"# saltelli design: N = {n} base rows, k = {k} parameters, {n * (k + 2)} points"
            + (f", {replicates} replicates each (output: their mean)" if replicates else ""),
            f"# V = {v:.6g}; [low, high] = {pct} percentile bootstrap over base rows "
            f"({bootstrap} resamples)"]
    fmt = {c: (lambda x: "" if np.isnan(x) else f"{x:.4f}") for c in table.columns}
    return "\n".join(head + [shown.to_string(index=False, formatters=fmt), ""])
