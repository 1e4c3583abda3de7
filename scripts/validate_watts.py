#!/usr/bin/env python3
"""Watts (2002) cascade window: runs scenarios/validation/watts.toml for z = 1..10 and prints
the frequency and mean size of global cascades next to the analytic window.

Usage: /usr/bin/python3 scripts/validate_watts.py [--replicates 200] [--phi 0.18]
Output: a markdown table (docs/validation.md shows one).
The analytic window (Watts 2002, eq. 4 with Poisson degrees): global cascades are possible
when sum_k k (k - 1) rho_k p_k > z, where rho_k = 1 for vulnerable degrees 1 <= k <= 1/phi.
"""
import argparse
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def cascade_condition(z: float, phi: float) -> float:
    """Left side minus right side of Watts's condition; > 0 inside the window."""
    kmax = math.floor(1 / phi)
    total = sum(k * (k - 1) * math.exp(-z) * z**k / math.factorial(k) for k in range(1, kmax + 1))
    return total - z


def window(phi: float) -> tuple[float, float]:
    grid = np.linspace(0.5, 20, 19501)
    inside = [z for z in grid if cascade_condition(z, phi) > 0]
    return (min(inside), max(inside)) if inside else (math.nan, math.nan)


def main() -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--phi", type=float, default=0.18)
    parser.add_argument("--binary", default=str(ROOT / "build" / "regsim"))
    args = parser.parse_args()
    lo, hi = window(args.phi)
    rows, n = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for z in range(1, 11):
            out = Path(tmp) / f"w{z}.h5"
            subprocess.run([args.binary, "run", str(ROOT / "scenarios/validation/watts.toml"),
                            "-o", str(out), "--replicates", str(args.replicates), "--no-trajectories",
                            "--quiet", "--set", f"network.mean_degree={z}",
                            "--set", f"institution.NORM.benefit={args.phi - 1e-9!r}"], check=True)
            with h5py.File(out, "r") as f:
                n = f["state"].shape[0]
                sizes = f["cascade_size"][:, 0] / n
            global_ = sizes > 0.1
            # No global cascade: its mean size is undefined, not 0.
            mean = f"{sizes[global_].mean():.3f}" if global_.any() else "-"
            inside = "yes" if lo < z < hi else "no"
            rows.append(f"| {z} | {inside} | {global_.mean():.3f} | {mean} |")
    print(f"phi = {args.phi}, N = {n} (the scenario's), {args.replicates} replicates per z; "
          f"analytic cascade window: {lo:.2f} < z < {hi:.2f}\n")
    print("| z | inside window | global cascades (share of replicates) | mean size of global cascades (share of N) |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
