#!/usr/bin/python3
"""Watts cascade with graph-tool's BinaryThresholdState, made exact (docs/performance.md).

graph-tool's rule is s_i(t+1) = [sum_j w_ij s_j(t) > h_i k_i] (strict, no absorbing state).
It computes the Watts cascade exactly when every vertex gets a self-loop of weight
W = max(need) + 1 (an undirected self-loop counts twice, so k becomes k + 2),
h_v = (need_v - 0.5) / (k_v + 2) with need_v = ceil(phi k_v), noise r = 0, and iterate_sync(1)
is called until it reports no flips. Isolated vertices get h = 1e9 (they never leave in Watts).
Only the iterations are timed. Prints one key=value line.

    OMP_NUM_THREADS=1 /usr/bin/python3 scripts/watts_graph_tool.py EDGES.csv N SEED_NODE
"""
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

# graph-tool warns on import when its drawing module lacks cairo; nothing here draws.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    import graph_tool.all as gt

PHI_PERCENT = 18


def main():
    asked = len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help")
    if asked or len(sys.argv) < 4:
        print(__doc__.strip() + "\n\nusage: " + sys.argv[0] + " EDGES.csv N SEED",
              file=sys.stdout if asked else sys.stderr)
        return 0 if asked else 2
    path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    t0 = time.perf_counter()
    e = pd.read_csv(path, header=None, names=["a", "b"], dtype=np.int64, engine="c").to_numpy()
    g = gt.Graph(directed=False)
    g.add_vertex(n)
    g.add_edge_list(e)
    k = g.degree_property_map("total").a.astype(np.int64)
    need = (PHI_PERCENT * k + 99) // 100
    big = int(need.max()) + 1
    loops = np.arange(n, dtype=np.int64)
    g.add_edge_list(np.column_stack([loops, loops]))
    w = g.new_edge_property("double")
    w.a[:] = 1.0
    w.a[e.shape[0]:] = big  # the self-loops were added last
    h = g.new_vertex_property("double")
    h.a[:] = np.where(k > 0, (need - 0.5) / (k + 2), 1e9)
    s = g.new_vertex_property("int32_t")
    s.a[:] = 0
    s.a[seed] = 1
    state = gt.BinaryThresholdState(g, w=w, h=h, r=0.0, s=s)
    build = time.perf_counter() - t0
    t = time.perf_counter()
    rounds = 0
    while True:
        flips = state.iterate_sync(niter=1)
        rounds += 1
        if flips == 0:
            break
    elapsed = time.perf_counter() - t
    left = int(state.get_state().a.sum())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"left={left} rounds={rounds} best_s={elapsed:.6f} median_s={elapsed:.6f} "
          f"build_s={build:.2f} peak_rss={rss}")


if __name__ == "__main__":
    sys.exit(main())
