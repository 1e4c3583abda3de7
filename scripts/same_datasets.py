#!/usr/bin/env python3
"""Whether two regsim files hold the same datasets: the same names, and each the same dtype,
shape and values (NaN equal to NaN), attributes aside. The check behind "the same seed gives
the same datasets" wherever a script makes it (scripts/stress.sh, tests/slurm).

Usage: /usr/bin/python3 scripts/same_datasets.py A.h5 B.h5
Exit status 0 and one line with the count when they are the same; 1 naming the first
difference otherwise; 2 for bad usage.
"""
import sys

import h5py
import numpy as np


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset)
                     else None)
    return out


def difference(a, b):
    """The first difference between two {name: array} dicts, or None."""
    if a.keys() != b.keys():
        return f"dataset names differ: {sorted(a.keys() ^ b.keys())}"
    for name in sorted(a):
        x, y = a[name], b[name]
        if x.dtype != y.dtype or x.shape != y.shape:
            return f"{name}: {x.dtype}{x.shape} against {y.dtype}{y.shape}"
        if not np.array_equal(x, y, equal_nan=(x.dtype.kind == "f")):
            return f"{name}: values differ"
    return None


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    a, b = datasets(argv[1]), datasets(argv[2])
    diff = difference(a, b)
    if diff is not None:
        print(f"{argv[1]} and {argv[2]}: {diff}", file=sys.stderr)
        return 1
    print(f"identical: {argv[1]} and {argv[2]} ({len(a)} datasets)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
