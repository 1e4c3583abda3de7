#!/usr/bin/python3
"""Write a random-graph edge list (0-based integer ids, no header) for benchmarks.

The graph is G(n, m) with m = round(n * mean_degree / 2) distinct undirected pairs, drawn
with numpy: close to G(n, p) at benchmark sizes, and not the regsim generator (use
[network] kind = "erdos_renyi" for that). Example, 4e7 lines:

    /usr/bin/python3 scripts/make_er_edge_list.py --states 10000000 --mean-degree 8 er.csv
"""
import argparse

import numpy as np


def sample_pairs(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """m distinct keys a * n + b with a < b."""
    keys = np.empty(0, dtype=np.int64)
    while keys.size < m:
        need = int((m - keys.size) * 1.05) + 16
        a = rng.integers(0, n, need, dtype=np.int64)
        b = rng.integers(0, n, need, dtype=np.int64)
        ok = a != b
        lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
        keys = np.unique(np.concatenate([keys, lo * n + hi]))
    return rng.permutation(keys)[:m]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("output")
    p.add_argument("--states", type=int, default=1_000_000)
    p.add_argument("--mean-degree", type=float, default=4.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--weights", action="store_true", help="add a third column of weights")
    args = p.parse_args()
    n = args.states
    m = int(round(n * args.mean_degree / 2))
    rng = np.random.default_rng(args.seed)
    keys = sample_pairs(n, m, rng)
    cols = [keys // n, keys % n]
    fmt = "%d,%d"
    if args.weights:
        cols.append(np.round(rng.uniform(0.5, 2.0, m), 3))
        fmt += ",%g"
    table = np.column_stack(cols) if args.weights else np.column_stack(cols).astype(np.int64)
    with open(args.output, "w") as out:
        chunk = 1_000_000
        for start in range(0, m, chunk):
            block = table[start:start + chunk]
            if args.weights:
                out.write("\n".join(fmt % tuple(row) for row in block.tolist()) + "\n")
            else:
                out.write("\n".join(f"{a},{b}" for a, b in block.tolist()) + "\n")


if __name__ == "__main__":
    main()
