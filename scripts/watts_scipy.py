#!/usr/bin/python3
"""Watts cascade as a vectorised numpy/scipy frontier (push) cascade: the honest baseline.

Reads the benchmark edge list (0-based "a,b" lines), builds a symmetric CSR with scipy.sparse,
and runs synchronous rounds: the rows of the nodes that left last round are gathered with one
fancy index, the hits per node are summed (np.bincount for large rounds, np.unique for small
ones) and the nodes whose count reached need = ceil(phi k) leave next. Exact integer
thresholds: need = ceil(pct k / 100) in integers (phi = 0.18 -> pct = 18); isolated nodes
never leave. Only the cascade is timed. Prints one key=value line.

    /usr/bin/python3 scripts/watts_scipy.py EDGES.csv N SEED_NODE [REPEATS]
"""
import resource
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

PHI_PERCENT = 18


def load(path, n):
    e = pd.read_csv(path, header=None, names=["a", "b"], dtype=np.int32, engine="c").to_numpy()
    a, b = e[:, 0], e[:, 1]
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    g = sp.csr_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n, n))
    return g.indptr.astype(np.int64), g.indices.astype(np.int32)


def cascade(indptr, indices, need, seed):
    n = need.size
    count = np.zeros(n, dtype=np.int32)
    gone = np.zeros(n, dtype=bool)
    gone[seed] = True
    frontier = np.array([seed], dtype=np.int64)
    rounds = 0
    visits = 0
    while frontier.size:
        starts = indptr[frontier]
        lens = indptr[frontier + 1] - starts
        total = int(lens.sum())
        visits += total
        if total == 0:
            break
        # positions starts[f] .. starts[f] + lens[f] of every frontier row, in one array
        shift = np.repeat(starts - np.cumsum(lens) + lens, lens)
        nbrs = indices[shift + np.arange(total)]
        if total > n // 16:
            hits = np.bincount(nbrs, minlength=n).astype(np.int32)
            count += hits
            touched = np.flatnonzero(hits)
        else:
            touched, hits = np.unique(nbrs, return_counts=True)
            count[touched] += hits.astype(np.int32)
        new = touched[(count[touched] >= need[touched]) & ~gone[touched]]
        gone[new] = True
        frontier = new.astype(np.int64)
        rounds += 1
    return int(gone.sum()), rounds, visits


def main():
    asked = len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help")
    if asked or len(sys.argv) < 4:
        print(__doc__.strip() + "\n\nusage: " + sys.argv[0] + " EDGES.csv N SEED [REPEATS]",
              file=sys.stdout if asked else sys.stderr)
        return 0 if asked else 2
    path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    t0 = time.perf_counter()
    indptr, indices = load(path, n)
    deg = np.diff(indptr)
    need = np.where(deg > 0, (PHI_PERCENT * deg + 99) // 100, np.iinfo(np.int32).max)
    need = need.astype(np.int32)
    build = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        left, rounds, visits = cascade(indptr, indices, need, seed)
        times.append(time.perf_counter() - t)
    times.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"left={left} rounds={rounds} visits={visits} best_s={times[0]:.6f} "
          f"median_s={times[len(times) // 2]:.6f} build_s={build:.2f} peak_rss={rss}")


if __name__ == "__main__":
    sys.exit(main())
