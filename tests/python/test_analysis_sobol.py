"""`sobol`: the estimator against the Ishigami function's and an additive model's analytic
indices and against a hand computation; on a real saltelli sweep, the file's design recovered
and checked with Ishigami, and the CLI's table, CSV and figure."""
import os
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
from scipy.stats import qmc

from analysis import sobol, sweep
from analysis.cli import main

ROOT = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("REGSIM_BINARY", ROOT / "build" / "regsim"))
SCENARIO = ROOT / "scenarios" / "west_africa.toml"


def sobol_design(k, n):
    return sobol.saltelli_rows(qmc.Sobol(2 * k, scramble=False).random_base2(int(np.log2(n))), k)


def test_ishigami_indices_match_the_analytic_ones():
    u = sobol_design(3, 8192)
    table, v = sobol.indices(sobol.ishigami(-np.pi + 2 * np.pi * u), 3, bootstrap=200, seed=1)
    s1, st = sobol.ishigami_analytic()
    np.testing.assert_allclose(table["S1"], s1, atol=0.03)
    np.testing.assert_allclose(table["ST"], st, atol=0.03)
    assert ((table["S1 low"] <= s1) & (s1 <= table["S1 high"])).all()
    assert ((table["ST low"] <= st) & (st <= table["ST high"])).all()
    # The C++ estimator's figures on the same design (docs/sweeps.md, "Check: the Ishigami
    # function"): the same formulas give the same point estimates.
    np.testing.assert_allclose(table["S1"], [0.3148, 0.4424, 0.0008], atol=5e-5)
    np.testing.assert_allclose(table["ST"], [0.5586, 0.4424, 0.2434], atol=5e-5)
    assert np.isclose(v, 13.84, atol=0.1)  # V of Ishigami = V1 + V2 + V13 = 13.845


def test_additive_model_first_order_equals_total():
    c = np.array([1.0, 2.0, 0.5, 0.0])
    u = sobol_design(4, 4096)
    table, _ = sobol.indices(u @ c, 4, bootstrap=0)
    share = c ** 2 / np.sum(c ** 2)
    np.testing.assert_allclose(table["S1"], share, atol=0.01)
    np.testing.assert_allclose(table["ST"], share, atol=0.01)
    assert table["S1 low"].isna().all()  # no bootstrap, no intervals


def test_estimator_by_hand():
    # k = 1, N = 2: rows (A, B, A_B) = (1, 3, 2), (2, 0, 0).
    y = [1.0, 3.0, 2.0, 2.0, 0.0, 0.0]
    table, v = sobol.indices(y, 1, bootstrap=0)
    fa, fb = np.array([1.0, 2.0]), np.array([3.0, 0.0])
    V = np.var([1.0, 2.0, 3.0, 0.0])  # 1.25
    assert v == V
    assert table["S1"][0] == ((3 * (2 - 1) + 0 * (0 - 2)) / 2) / V
    assert table["ST"][0] == (((1 - 2) ** 2 + (2 - 0) ** 2) / 4) / V
    with pytest.raises(ValueError, match="not a saltelli design"):
        sobol.indices(y[:5], 1)
    with pytest.raises(ValueError, match="no finite output"):
        sobol.indices(y[:5] + [np.nan], 1)


def run_saltelli(tmp_path, samples=512):
    text = f"""
[sweep]
scenario = "{SCENARIO}"
replicates = 2
steps = 24
design = "saltelli"
samples = {samples}

[[parameter]]
key = "model.peer_weight"
low = 0.0
high = 1.0

[[parameter]]
key = "model.decision_sharpness"
low = 2.0
high = 20.0
log = true

[[parameter]]
key = "institution.ECOWAS.sovereignty_cost"
low = 0.2
high = 1.2
"""
    sw = tmp_path / "s.toml"
    sw.write_text(text)
    out = tmp_path / "s.h5"
    subprocess.run([str(BINARY), "sweep", str(sw), "-o", str(out), "--quiet"], check=True,
                   timeout=300)
    return out


needs_binary = pytest.mark.skipif(not BINARY.exists(), reason=f"regsim not built at {BINARY}")


@needs_binary
def test_a_real_saltelli_sweep(tmp_path, capsys):
    out = run_saltelli(tmp_path)
    with h5py.File(out, "r") as f:
        keys, n, k = sobol.design_of(f)
        assert (n, k) == (512, 3)
        u = sobol.unit_coordinates(f, keys)
        steps = int(f.attrs["steps"])
        exit_step = f["exit_step"][()]
        mli = list(f["state"].asstr()[()]).index("MLI")
        ecowas = list(f["institution"].asstr()[()]).index("ECOWAS")
        months, is_p = sweep.metric_values(f, "exit_month:MLI:ECOWAS")
    # The design's unit coordinates, a log-scaled parameter among them, in [0, 1); the
    # A_B^(i) rows take column i from B and the rest from A.
    assert ((u >= -1e-12) & (u < 1 + 1e-12)).all()
    rows = u.reshape(n, k + 2, k)
    for i in range(k):
        np.testing.assert_allclose(rows[:, 2 + i, i], rows[:, 1, i], atol=1e-12)
        others = [d for d in range(k) if d != i]
        np.testing.assert_allclose(rows[:, 2 + i, others], rows[:, 0, others], atol=1e-12)
    # exit_month: the exit step, or the run's length when it never happens.
    e = exit_step[:, :, mli, ecowas]
    np.testing.assert_array_equal(months, np.where(e >= 0, e, steps))
    assert not is_p

    # The Ishigami check on the file's own design.
    assert main(["sobol", str(out), "--ishigami"]) == 0
    text = capsys.readouterr().out
    assert "the file's design: N = 512" in text and " NO" not in text

    # A metric of the model: table, CSV and figure.
    csv, png = tmp_path / "i.csv", tmp_path / "i.png"
    assert main(["sobol", str(out), "--z", "P(ECOWAS loses >= 1 members)", "--csv", str(csv),
                 "-o", str(png)]) == 0
    text = capsys.readouterr().out
    assert "saltelli design: N = 512 base rows, k = 3 parameters" in text
    table = np.genfromtxt(csv, delimiter=",", names=True, dtype=None, encoding="utf-8")
    assert list(table["parameter"]) == ["model.peer_weight", "model.decision_sharpness",
                                        "institution.ECOWAS.sovereignty_cost"]
    assert np.all(table["S1_low"] <= table["S1"]) and np.all(table["ST"] <= table["ST_high"])
    assert png.stat().st_size > 10_000


@needs_binary
def test_a_design_other_than_saltelli_is_refused(tmp_path, capsys):
    sw = tmp_path / "g.toml"
    sw.write_text(f'[sweep]\nscenario = "{SCENARIO}"\nreplicates = 1\nsteps = 6\n'
                  '[[parameter]]\nkey = "model.peer_weight"\nvalues = [0.1, 0.2]\n')
    out = tmp_path / "g.h5"
    subprocess.run([str(BINARY), "sweep", str(sw), "-o", str(out), "--quiet"], check=True)
    assert main(["sobol", str(out), "--z", "cascade:ECOWAS"]) == 2
    assert "saltelli design" in capsys.readouterr().err
