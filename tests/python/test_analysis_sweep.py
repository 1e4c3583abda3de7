"""`sweep` figures on sampled designs: binning, log axes, what each mean pools, labels in
words, colour limits, unfinished files. A synthetic file in the layout of docs/sweeps.md
("Output") with a latin_hypercube design; a real one when REGSIM_BINARY is set."""

import os
import subprocess
from pathlib import Path

import h5py
import matplotlib.image as mpimg
import numpy as np
import pytest

from analysis import sweep
from analysis.cli import main

DPI = 50
KEYS = ["model.peer_weight", "model.decision_sharpness"]
SWEEP_TEXT = """[sweep]
scenario = "west_africa.toml"
replicates = 6
design = "latin_hypercube"
samples = 120

[[parameter]]
key = "model.peer_weight"
low = 0.0
high = 1.0

[[parameter]]
key = "model.decision_sharpness"
low = 2.0
high = 20.0
log = true
"""


def make_sampled_sweep(path, points=120, replicates=6, seed=5, done=None):
    """A latin_hypercube-like sweep: every point has its own float values (peer_weight
    uniform on [0, 1], decision_sharpness log-uniform on [2, 20]); ECOWAS's cascade size
    rises with peer_weight. `done` (point, replicate) bool marks an unfinished file."""
    rng = np.random.default_rng(seed)
    strata = np.stack([rng.permutation(points), rng.permutation(points)], axis=1)
    u = (strata + rng.random((points, 2))) / points  # a Latin hypercube
    pw = u[:, 0]
    ds = np.exp(np.log(2.0) + u[:, 1] * (np.log(20.0) - np.log(2.0)))
    sizes = rng.binomial(5, 0.1 + 0.8 * pw[:, None], (points, replicates)).astype(np.int32)
    str_t = h5py.string_dtype()
    with h5py.File(path, "w") as f:
        f["point"] = np.arange(points, dtype=np.int32)
        f["replicate"] = np.arange(replicates, dtype=np.int32)
        f["state"] = np.array(["MLI", "BFA", "NER", "SEN", "GHA"], dtype=object).astype(str_t)
        f["institution"] = np.array(["ECOWAS"], dtype=object).astype(str_t)
        f["parameter"] = np.array(KEYS, dtype=object).astype(str_t)
        f["point_values"] = np.stack([pw, ds], axis=1)
        c = sizes[:, :, None].copy()
        run_done = np.ones((points, replicates), np.uint8) if done is None else \
            done.astype(np.uint8)
        c[run_done == 0] = np.iinfo(np.int32).min
        f["cascade_size"] = c
        f["run_done"] = run_done
        ext = np.full((points, replicates, 5, 1), -1, np.int32)
        ext[:, :, 0, 0] = np.where(sizes > 0, 7, -1)
        f["exit_step"] = ext
        f["announce_step"] = np.where(ext >= 0, ext - 1, -1)
        for key, value in dict(scenario_name="sample_lhs", seed=np.uint64(seed),
                               replicates=np.uint32(replicates), steps=np.uint32(24),
                               start_month="2022-01", design="latin_hypercube",
                               points_total=np.uint64(points), sweep_text=SWEEP_TEXT).items():
            f.attrs[key] = value
        f.attrs["complete"] = np.int32(1 if done is None else 0)
    return path, pw, ds, sizes


@pytest.fixture(scope="module")
def sampled(tmp_path_factory):
    return make_sampled_sweep(tmp_path_factory.mktemp("lhs") / "lhs.h5")


def _png_shape(path):
    return mpimg.imread(str(path)).shape[:2]


def test_bin_edges():
    v = np.linspace(0.013, 0.987, 50)
    e = sweep.bin_edges(v, 10, "equal", span=(0.0, 1.0))
    np.testing.assert_allclose(e, np.linspace(0, 1, 11))
    e = sweep.bin_edges(v, 4, "quantile")
    counts = np.histogram(v, e)[0]
    assert len(e) == 5 and counts.max() - counts.min() <= 1
    e = sweep.bin_edges(np.array([2.0, 20.0]), 2, "equal", log=True)
    np.testing.assert_allclose(e, [2.0, np.sqrt(40.0), 20.0])
    assert len(sweep.bin_edges(np.full(8, 3.0), 5, "quantile")) == 2  # one value: one bin
    with pytest.raises(ValueError):
        sweep.bin_edges(v, 5, "kmeans")


def test_default_bins():
    assert sweep.default_bins(40) == 10  # a line: always 10
    assert sweep.default_bins(120, 2) == 7 and sweep.default_bins(448, 2) == 10
    assert sweep.default_bins(20, 2) == 5


def test_axes_bin_sampled_designs_only(sampled):
    path, pw, ds, _ = sampled
    with h5py.File(path, "r") as f:
        params, meta = sweep.read_points(f), sweep.sweep_meta(f)
    assert meta["design"] == "latin_hypercube" and meta["log"] == {"model.decision_sharpness"}
    assert meta["ranges"]["model.decision_sharpness"] == (2.0, 20.0)
    xa = sweep.make_axis(params, "model.peer_weight", meta, bins=10)
    assert xa.binned and not xa.log and len(xa.centers) == 10
    np.testing.assert_allclose(xa.edges, np.linspace(0, 1, 11))
    # every point in the bin whose range holds it
    assert ((xa.edges[xa.index] <= pw) & (pw <= xa.edges[xa.index + 1])).all()
    la = sweep.make_axis(params, "model.decision_sharpness", meta, bins=8)
    assert la.binned and la.log and la.edges[0] == pytest.approx(2.0)
    np.testing.assert_allclose(np.diff(np.log(la.edges)), np.log(10) / 8)
    np.testing.assert_allclose(la.centers, np.sqrt(la.edges[:-1] * la.edges[1:]))
    # a grid keeps its exact values, and so does a sampled integer parameter with few values
    grid = dict(meta, design="grid")
    assert not sweep.make_axis(params, "model.peer_weight", grid).binned
    few = {"k": np.repeat([1.0, 2.0, 3.0], 40)}
    assert not sweep.make_axis(few, "k", meta, bins=10).binned
    # a file without `design` is binned only when nearly every point has its own value
    assert sweep.make_axis(params, "model.peer_weight", dict(meta, design=None)).binned
    with pytest.raises(ValueError, match="unknown parameter"):
        sweep.make_axis(params, "model.nope", meta)


def test_binned_means_and_pooling(sampled):
    path, pw, ds, sizes = sampled
    with h5py.File(path, "r") as f:
        params, meta = sweep.read_points(f), sweep.sweep_meta(f)
        values, is_p = sweep.metric_values(f, "cascade:ECOWAS")
    xa = sweep.make_axis(params, "model.peer_weight", meta, bins=6)
    ya = sweep.make_axis(params, "model.decision_sharpness", meta, bins=4)
    z, runs, points = sweep.binned_grid(values, xa, ya)
    for a in range(6):
        for b in range(4):
            sel = (xa.index == a) & (ya.index == b)
            assert points[a, b] == sel.sum() and runs[a, b] == 6 * sel.sum()
            if sel.any():
                assert z[a, b] == pytest.approx(sizes[sel].mean())
            else:
                assert np.isnan(z[a, b])
    pooled, npts = sweep.binned_line(values, xa)
    assert [v.size for v in pooled] == list(6 * npts) and npts.sum() == len(pw)
    note = sweep.pooling_note([v.size for v in pooled], npts, 6, [xa], ["other"], "bin")
    assert (npts == 20).all()  # a Latin hypercube: as many points in each equal-width bin
    assert "each bin: mean over 120 runs (6 replicates x 20 design points in the bin)" in note
    assert "peer_weight: 6 equal-width bins" in note
    # a grid line: each x pools the replicates of every value of the other parameter
    grid_axis = sweep.Axis("x", np.repeat([0.1, 0.2], 5))
    note = sweep.pooling_note([100, 100], [5, 5], 20, [grid_axis], ["cost"])
    assert note == ("each point: mean over 100 runs (20 replicates x 5 values of the other "
                    "parameter)")
    # unequal counts (runs missing in an unfinished file, uneven bins) show the range
    note = sweep.pooling_note([90, 100, 0], [5, 5, 0], 20, [grid_axis], ["a", "b"])
    assert "mean over 90\u2013100 runs (20 replicates x 5 combinations of the other " \
           "parameters)" in note


def test_labels_in_words():
    assert sweep.describe_metric("cascade:ECOWAS") == "mean final cascade size of ECOWAS"
    assert sweep.describe_metric("loses:ECOWAS:3") == "P(ECOWAS loses \u2265 3 members)"
    assert sweep.describe_metric("P(ECOWAS loses >= 3 members)") == \
        "P(ECOWAS loses \u2265 3 members)"
    assert sweep.describe_metric("exit:MLI:ECOWAS") == "P(MLI exits ECOWAS)"
    assert "withdrawal from ECOWAS" in sweep.describe_metric("announce:MLI:ECOWAS")
    assert sweep.metric_label("cascade:ECOWAS") == \
        "mean final cascade size of ECOWAS (cascade:ECOWAS)"
    assert sweep.metric_label("P(ECOWAS loses >= 3 members)") == \
        "P(ECOWAS loses \u2265 3 members)"  # already words: no repeat
    assert sweep.describe_param("institution.ECOWAS.sovereignty_cost") == \
        "sovereignty cost of ECOWAS"
    assert sweep.describe_param("model.peer_weight") == "peer weight"
    assert sweep.describe_param("institution.AES.founding.delay_months") == \
        "founding delay months of AES"
    assert sweep.param_label("model.decision_sharpness", log=True) == \
        "decision sharpness (model.decision_sharpness, log scale)"


def test_color_limits():
    assert sweep.color_limits(np.ones((3, 3)), True) == (0.0, 1.0)
    assert sweep.color_limits(np.array([[0.2, 0.4]]), True) == (0.0, 1.0)
    lo, hi = sweep.color_limits(np.full((2, 2), 3.0), False)
    assert lo < 3.0 < hi and hi - lo >= 1.0  # not matplotlib's 2.9 .. 3.1
    assert sweep.color_limits(np.zeros(4), False)[0] == 0.0  # sizes are never negative
    assert sweep.color_limits(np.array([1.0, np.nan, 4.0]), False) == (1.0, 4.0)


def test_sampled_figures(sampled, tmp_path):
    path, *_ = sampled
    out = tmp_path / "heat.png"
    assert main(["sweep", str(path), "--x", KEYS[0], "--y", KEYS[1], "--z",
                 "P(ECOWAS loses >= 3 members)", "-o", str(out), "--size", "6,4", "--dpi",
                 str(DPI)]) == 0
    assert _png_shape(out) == (200, 300)
    out = tmp_path / "line.png"
    for extra in ([], ["--binning", "quantile", "--bins", "8"]):
        assert main(["sweep", str(path), "--x", KEYS[1], "--z", "cascade:ECOWAS", "-o",
                     str(out), "--size", "6,4", "--dpi", str(DPI), "--force"] + extra) == 0
        assert _png_shape(out) == (200, 300)
    # log-scaled parameter: a log axis
    from analysis import figures

    with h5py.File(path, "r") as f:
        params, meta = sweep.read_points(f), sweep.sweep_meta(f)
        values, is_p = sweep.metric_values(f, "cascade:ECOWAS")
    xa = sweep.make_axis(params, KEYS[1], meta)
    pooled, _ = sweep.binned_line(values, xa)
    center, bands = sweep.line_bands(pooled, is_p)
    import matplotlib.pyplot as plt

    seen = {}
    real_save = figures.save

    def grab(fig, out, dpi):
        seen["scale"] = fig.axes[0].get_xscale()
        seen["title"] = fig._suptitle.get_text()
        seen["ylabel"] = fig.axes[0].get_ylabel()
        return real_save(fig, out, dpi)

    figures.save = grab
    try:
        figures.sweep_line(xa, center, bands, sweep.sweep_label(meta), tmp_path / "l.png",
                           "cascade:ECOWAS", is_p, "note", size=(6, 4), dpi=DPI)
    finally:
        figures.save = real_save
        plt.close("all")
    assert seen["scale"] == "log"
    assert "latin_hypercube design, 120 points x 6 replicates" in seen["title"]
    assert seen["ylabel"].replace("\n", " ") == \
        "mean final cascade size of ECOWAS (cascade:ECOWAS)"  # wrapped to the axis height


def test_unfinished_sweep_says_so(tmp_path):
    done = np.ones((120, 6), dtype=bool)
    done[100:] = False
    path, *_ = make_sampled_sweep(tmp_path / "part.h5", done=done)
    with h5py.File(path, "r") as f:
        meta = sweep.sweep_meta(f)
    assert (meta["runs_done"], meta["runs_total"]) == (600, 720)
    assert sweep.sweep_label(meta).endswith("; 600 of 720 runs done (unfinished file)")
    out = tmp_path / "p.png"
    assert main(["sweep", str(path), "--x", KEYS[0], "--z", "cascade:ECOWAS", "-o",
                 str(out)]) == 2  # refused without --allow-incomplete
    assert main(["sweep", str(path), "--allow-incomplete", "--x", KEYS[0], "--z",
                 "cascade:ECOWAS", "-o", str(out), "--size", "6,4", "--dpi", str(DPI)]) == 0
    assert _png_shape(out) == (200, 300)


def test_grid_file_keeps_exact_values(sweep_file, tmp_path):
    path, pw, sc, exited = sweep_file
    with h5py.File(path, "r") as f:
        params, meta = sweep.read_points(f), sweep.sweep_meta(f)
    assert meta["design"] is None  # a hand-made file: the values decide
    xa = sweep.make_axis(params, "model.peer_weight", meta)
    assert not xa.binned and list(xa.centers) == [0.0, 0.25, 0.5, 0.75]
    assert sweep.sweep_label(meta) == "sample_sweep \u2014 12 points x 20 replicates, seed 3"


BINARY = os.environ.get("REGSIM_BINARY", "")


@pytest.mark.skipif(not (BINARY and os.path.isfile(BINARY)), reason="REGSIM_BINARY not set")
def test_real_latin_hypercube_sweep(tmp_path):
    source = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
    scenario = source / "scenarios" / "west_africa.toml"
    sw = tmp_path / "lhs.toml"
    sw.write_text(SWEEP_TEXT.replace('"west_africa.toml"', f'"{scenario}"')
                  .replace("samples = 120", "samples = 40")
                  .replace("replicates = 6", "replicates = 3\nsteps = 12\nseed = 4"))
    out = tmp_path / "lhs.h5"
    subprocess.run([BINARY, "sweep", str(sw), "-o", str(out), "--threads", "1", "--quiet"],
                   check=True, timeout=300)
    with h5py.File(out, "r") as f:
        params, meta = sweep.read_points(f), sweep.sweep_meta(f)
    assert meta["design"] == "latin_hypercube" and meta["log"] == {"model.decision_sharpness"}
    xa = sweep.make_axis(params, "model.decision_sharpness", meta, bins=8)
    assert xa.binned and xa.log and len(xa.centers) == 8
    assert np.bincount(xa.index, minlength=8).tolist() == [5] * 8  # a Latin hypercube
    png = tmp_path / "h.png"
    assert main(["sweep", str(out), "--x", KEYS[0], "--y", KEYS[1], "--z", "cascade:ECOWAS",
                 "-o", str(png), "--size", "6,4", "--dpi", str(DPI)]) == 0
    assert _png_shape(png) == (200, 300)


@pytest.mark.skipif(not (BINARY and os.path.isfile(BINARY)), reason="REGSIM_BINARY not set")
def test_virtual_merge_with_a_missing_shard_is_refused(tmp_path, monkeypatch, capsys):
    """A virtual merged file whose shards are not where it expects them reads fill values
    (P = 0, cascade sizes of -2.1e9): refused, naming the missing shard, exit 2, no figure."""
    import shutil

    source = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
    sw = tmp_path / "grid.toml"
    sw.write_text(f'[sweep]\nscenario = "{source / "scenarios" / "west_africa.toml"}"\n'
                  "replicates = 2\nseed = 3\nsteps = 6\n\n[[parameter]]\n"
                  'key = "model.peer_weight"\nlow = 0.0\nhigh = 1.0\nsteps = 4\n')
    shards = [tmp_path / f"s{k}.h5" for k in range(2)]
    for k, out in enumerate(shards):
        subprocess.run([BINARY, "sweep", str(sw), "-o", str(out), "--shard", f"{k}/2",
                        "--threads", "1", "--quiet"], check=True, timeout=300)
    (tmp_path / "merged").mkdir()
    virtual = tmp_path / "merged" / "v.h5"
    subprocess.run([BINARY, "merge", *map(str, shards), "-o", str(virtual), "--virtual",
                    "--quiet"], check=True, timeout=300)
    args = ["sweep", "--x", "model.peer_weight", "--z", "cascade:ECOWAS", "--size", "6,4",
            "--dpi", str(DPI)]
    png = tmp_path / "ok.png"
    assert main([args[0], str(virtual), *args[1:], "-o", str(png)]) == 0  # shards in place

    # The merged file and one shard copied elsewhere: the other shard is missing.
    away = tmp_path / "away"
    (away / "sub").mkdir(parents=True)
    shutil.copy(virtual, away / "sub" / "v.h5")
    shutil.copy(shards[0], away / "s0.h5")
    monkeypatch.chdir(away / "sub")  # HDF5 also looks relative to the working folder
    capsys.readouterr()
    png = tmp_path / "bad.png"
    assert main([args[0], str(away / "sub" / "v.h5"), *args[1:], "-o", str(png)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "sub/v.h5" in err and "../s1.h5" in err and "s0.h5" not in err
    assert "without --virtual" in err
    assert not png.exists()
    for cmd in (["sobol", str(away / "sub" / "v.h5"), "--z", "cascade:ECOWAS"],
                ["summary", str(away / "sub" / "v.h5")]):
        assert main(cmd) == 2 and "../s1.h5" in capsys.readouterr().err
    # HDF5_VDS_PREFIX names another folder to look in, as HDF5 itself does.
    monkeypatch.setenv("HDF5_VDS_PREFIX", str(tmp_path / "merged"))
    assert main([args[0], str(away / "sub" / "v.h5"), *args[1:], "-o", str(png)]) == 0


@pytest.mark.parametrize("z", ["exit_month:MLI:ECOWAS", "P(ECOWAS loses >= 3 member)",
                               "P(MLI announces ECOWAS)"])
@pytest.mark.parametrize("size", [None, (5.0, 3.5)])
def test_long_labels_stay_inside_the_figure(sampled, tmp_path, z, size):
    """A line of exit_month:MLI:ECOWAS cut its y label on the left and top ("onths until MLI
    exits ECOWAS (run's end if never) (exit_month:MLI:EC..."): every label is wrapped to its
    axis, the title to the figure, at the default size and at a small one."""
    import matplotlib.pyplot as plt

    from analysis import figures

    path, *_ = sampled
    seen = []
    real_save = figures.save

    def grab(fig, out, dpi):
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        ax = fig.axes[0]
        texts = [fig._suptitle, ax.xaxis.label, ax.yaxis.label] + \
            [a.yaxis.label for a in fig.axes[1:]]  # the colour bar's
        boxes = [t.get_window_extent(r) for t in texts if t.get_text()]
        seen.append((fig.bbox, ax.get_window_extent(r), boxes, ax.yaxis.label.get_text(),
                     [a.yaxis.label.get_text() for a in fig.axes[1:]]))
        return real_save(fig, out, dpi)

    figures.save = grab
    try:
        extra = ["--size", f"{size[0]},{size[1]}"] if size else []
        for y in ([], ["--y", KEYS[1]]):
            assert main(["sweep", str(path), "--x", KEYS[0], *y, "--z", z, "-o",
                         str(tmp_path / "f.png"), "--dpi", "60", "--force"] + extra) == 0
    finally:
        figures.save = real_save
        plt.close("all")
    for fig_box, ax_box, boxes, ylabel, cblabels in seen:
        for b in boxes:
            assert b.x0 >= fig_box.x0 - 1 and b.x1 <= fig_box.x1 + 1, b
            assert b.y0 >= fig_box.y0 - 1 and b.y1 <= fig_box.y1 + 1, b
        assert boxes[2].height <= ax_box.height + 2  # the y label: no taller than its axis
        for label in [ylabel] + cblabels:  # said once, as ours: no doubled "(P(...))"
            assert label.count("P(") <= 1 and "member)" not in label


def test_metric_words_are_not_repeated():
    assert sweep.metric_label("P(ECOWAS loses >= 3 member)") == "P(ECOWAS loses \u2265 3 members)"
    assert sweep.metric_label("P(ECOWAS loses >= 1 member)") == "P(ECOWAS loses \u2265 1 member)"
    assert sweep.metric_label("P(MLI exits ECOWAS)") == "P(MLI exits ECOWAS)"
    assert sweep.metric_label("P(MLI announces ECOWAS)") == \
        "P(MLI announces withdrawal from ECOWAS) (announce:MLI:ECOWAS)"  # typeable again
    assert sweep.metric_label("exit:MLI:ECOWAS") == "P(MLI exits ECOWAS) (exit:MLI:ECOWAS)"
    with pytest.raises(ValueError, match="unknown metric .*loses:INST:K"):
        sweep._values(None, "P(ECOWAS loses 3 members)")
