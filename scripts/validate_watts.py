#!/usr/bin/env python3
"""Watts (2002) cascade window: runs scenarios/validation/watts.toml for z = 1..10 and prints
the frequency and mean size of global cascades next to the analytic window.

Usage: /usr/bin/python3 scripts/validate_watts.py [--replicates 200] [--phi 0.18]
           [--z 1:10:1] [--plot watts.png [--force]]
Output: a markdown table (docs/validation.md shows one); with --plot, also the paper's
figure 1 on the same axes: both quantities against z, with the analytic window shaded.
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
FIGURE_FORMATS = (".png", ".svg", ".pdf")


def cascade_condition(z: float, phi: float) -> float:
    """Left side minus right side of Watts's condition; > 0 inside the window."""
    kmax = math.floor(1 / phi)
    total = sum(k * (k - 1) * math.exp(-z) * z**k / math.factorial(k) for k in range(1, kmax + 1))
    return total - z


def window(phi: float) -> tuple[float, float]:
    grid = np.linspace(0.5, 20, 19501)
    inside = [z for z in grid if cascade_condition(z, phi) > 0]
    return (min(inside), max(inside)) if inside else (math.nan, math.nan)


def z_values(text: str) -> list[float]:
    """'START:STOP:STEP' (STOP included) as a list of mean degrees."""
    try:
        start, stop, step = (float(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected START:STOP:STEP, got '{text}'") from None
    if not (0 < start <= stop and step > 0):
        raise argparse.ArgumentTypeError(f"expected 0 < START <= STOP and STEP > 0, got '{text}'")
    count = int(math.floor((stop - start) / step + 1e-9)) + 1
    return [round(start + k * step, 10) for k in range(count)]


def plot(results, lo, hi, phi, n, replicates, out: Path) -> None:
    """Watts (2002) figure 1 on its axes: frequency and mean size of global cascades against
    the mean degree z, with the analytic window shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    z = np.array([r[0] for r in results])
    freq = np.array([r[1] for r in results])
    size = np.array([r[2] for r in results])  # NaN where no global cascade occurred
    fig, ax = plt.subplots(figsize=(7.0, 4.2), layout="constrained")
    ax.axvspan(lo, hi, color="0.85", label=f"analytic window ({lo:.2f} < z < {hi:.2f})")
    ax.plot(z, freq, "o-", color="C0", label="frequency of global cascades")
    ax.plot(z, size, "s--", color="C3", markerfacecolor="none",
            label="mean size of global cascades (share of N)")
    ax.set_xlim(0, max(10.0, float(z.max()) + 0.5))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("mean degree z")
    ax.set_ylabel("share")
    ax.set_title(f"Watts (2002) global cascades: phi = {phi:g}, N = {n}, "
                 f"{replicates} replicates per z", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.88), frameon=False, fontsize=9)
    fig.savefig(out, dpi=150)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--phi", type=float, default=0.18)
    parser.add_argument("--z", type=z_values, default=z_values("1:10:1"),
                        help="mean degrees START:STOP:STEP, STOP included (default 1:10:1)")
    parser.add_argument("--binary", default=str(ROOT / "build" / "regsim"))
    parser.add_argument("--plot", type=Path, help="also draw the figure (.png, .svg or .pdf)")
    parser.add_argument("--force", action="store_true", help="replace an existing --plot file")
    args = parser.parse_args()
    if args.replicates < 1 or not 0 < args.phi < 1:
        parser.error("--replicates must be >= 1 and --phi in (0, 1)")
    if args.plot is not None:
        if args.plot.suffix.lower() not in FIGURE_FORMATS:
            parser.error(f"--plot {args.plot}: the format follows the extension, one of "
                         f"{', '.join(FIGURE_FORMATS)}")
        if args.plot.exists() and not args.force:
            parser.error(f"--plot {args.plot} exists; use --force to replace it")
    if not Path(args.binary).is_file():
        parser.error(f"no regsim binary at {args.binary} (bash scripts/build.sh, or --binary)")
    lo, hi = window(args.phi)
    rows, results, n = [], [], None
    with tempfile.TemporaryDirectory() as tmp:
        for z in args.z:
            out = Path(tmp) / f"w{z}.h5"
            subprocess.run([args.binary, "run", str(ROOT / "scenarios/validation/watts.toml"),
                            "-o", str(out), "--replicates", str(args.replicates), "--no-trajectories",
                            "--quiet", "--set", f"network.mean_degree={z!r}",
                            "--set", f"institution.NORM.benefit={args.phi - 1e-9!r}"], check=True)
            with h5py.File(out, "r") as f:
                n = f["state"].shape[0]
                sizes = f["cascade_size"][:, 0] / n
            global_ = sizes > 0.1
            # No global cascade: its mean size is undefined, not 0.
            mean = sizes[global_].mean() if global_.any() else math.nan
            results.append((z, global_.mean(), mean))
            inside = "yes" if lo < z < hi else "no"
            shown = f"{mean:.3f}" if global_.any() else "-"
            rows.append(f"| {z:g} | {inside} | {global_.mean():.3f} | {shown} |")
    print(f"phi = {args.phi}, N = {n} (the scenario's), {args.replicates} replicates per z; "
          f"analytic cascade window: {lo:.2f} < z < {hi:.2f}\n")
    print("| z | inside window | global cascades (share of replicates) | mean size of global cascades (share of N) |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    if args.plot is not None:
        plot(results, lo, hi, args.phi, n, args.replicates, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
