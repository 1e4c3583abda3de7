"""Every figure command writes a non-empty image of the requested pixel size."""

import os

import h5py
import matplotlib.image as mpimg
import numpy as np
import pytest

import analysis
from analysis.cli import main
from analysis.figures import (membership_label, network_graph, scenario_ties, spread_layout,
                              state_label, timeline_rows, timeline_size)

SIZE, DPI = (6.0, 4.0), 50  # small to keep the tests fast: 300 x 200 pixels


def _check_png(path, size=SIZE, dpi=DPI):
    img = mpimg.imread(str(path))
    assert img.shape[:2] == (round(size[1] * dpi), round(size[0] * dpi))
    rgb = img[..., :3]
    assert rgb.std() > 0.01  # something was drawn: not a blank canvas
    return img


@pytest.mark.parametrize("command,extra", [
    ("timeline", []),
    ("timeline", ["--replicate", "0", "--states", "MLI,BFA"]),
    ("trajectories", []),
    ("cascades", []),
    ("network", []),
])
def test_figure_png_size(run_file, tmp_path, command, extra, is_synthetic):
    if not is_synthetic and "--states" in extra:
        ds = analysis.load(run_file)
        extra = ["--replicate", "0", "--states", ",".join(map(str, ds.state.values[:2]))]
    out = tmp_path / f"{command}.png"
    args = [command, str(run_file), "-o", str(out), "--size", "6,4", "--dpi", str(DPI)]
    assert main(args + extra) == 0
    _check_png(out)


def test_default_sizes_and_vector_formats(run_file, tmp_path):
    out = tmp_path / "t.png"
    assert main(["timeline", str(run_file), "-o", str(out), "--dpi", "40"]) == 0
    img = mpimg.imread(str(out))
    assert img.shape[1] == 400  # default width 10 in
    for ext, magic in ((".svg", b"<?xml"), (".pdf", b"%PDF")):
        out = tmp_path / f"c{ext}"
        assert main(["cascades", str(run_file), "-o", str(out)]) == 0
        assert out.read_bytes()[:5].startswith(magic[:4])


def test_timeline_height_follows_rows(run_file, tmp_path):
    # A fixed part plus the same height per band: no empty gap however many rows.
    ds = analysis.load(run_file)
    rows = timeline_rows(ds)
    w, h = timeline_size(len(rows))
    w1, h1 = timeline_size(1)
    assert h - h1 == pytest.approx((len(rows) - 1) * (timeline_size(2)[1] - h1))
    assert timeline_size(90)[1] < 26  # 90 bands: about 0.26 in each, not 36 in
    out = tmp_path / "t.png"
    assert main(["timeline", str(run_file), "-o", str(out), "--dpi", "20"]) == 0
    assert mpimg.imread(str(out)).shape[:2] == (round(h * 20), round(w * 20))


def test_names_in_labels(run_file):
    ds = analysis.load(run_file)
    s, name = str(ds.state.values[0]), str(ds.state_name.values[0])
    i = str(ds.institution.values[0])
    assert state_label(ds, s) == name
    assert state_label(ds, s, "ids") == s
    assert membership_label(ds, s, i) == f"{name} \u2013 {i}"
    assert membership_label(ds, s, i, "ids") == f"{s} \u2013 {i}"
    g = network_graph(ds)
    assert g.nodes[s]["name"] == name
    # without name coordinates (hand-made files) the id stands in
    bare = ds.drop_vars("state_name")
    assert state_label(bare, s) == s


@pytest.mark.parametrize("labels", ["names", "ids"])
def test_label_choice_draws(run_file, tmp_path, labels):
    two = ",".join(map(str, analysis.load(run_file).state.values[:2]))  # 6 x 4 in: few rows
    for command, extra in (("timeline", []), ("trajectories", ["--states", two]),
                           ("network", [])):
        out = tmp_path / f"{command}-{labels}.png"
        assert main([command, str(run_file), "-o", str(out), "--size", "6,4", "--dpi",
                     str(DPI), "--labels", labels] + extra) == 0
        _check_png(out)


def test_spread_layout_separates_nodes():
    # four institutions on one spot, as Kamada-Kawai puts AU / ICC / OIF / ECOWAS
    pos = {"AU": (0.0, 0.0), "ICC": (0.0, 0.0), "OIF": (0.01, 0.0), "ECOWAS": (0.0, 0.01),
           "A": (1.0, 1.0), "B": (-1.0, 1.0), "C": (1.0, -1.0)}
    radius = {n: 0.4 for n in pos}
    out = spread_layout(pos, radius, (6.0, 5.0))
    xy = np.array([out[n] for n in pos])
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    d[np.diag_indices(len(pos))] = np.inf
    assert d.min() >= 0.8 - 1e-2
    assert (xy >= 0).all() and (xy[:, 0] <= 6.0).all() and (xy[:, 1] <= 5.0).all()
    assert spread_layout(pos, radius, (6.0, 5.0)) == out  # deterministic


def test_timeline_filters(run_file, tmp_path, capsys):
    inst = str(analysis.load(run_file).institution.values[0])
    out = tmp_path / "t.png"
    assert main(["timeline", str(run_file), "-o", str(out), "--institutions", inst]) == 0
    assert main(["timeline", str(run_file), "-o", str(out), "--states", "NOPE", "--force"]) == 2
    assert "unknown id" in capsys.readouterr().err


def test_network_graph_structure(run_file):
    ds = analysis.load(run_file)
    g = network_graph(ds, str(ds.attrs.get("scenario_text", "")))
    ext = ds["exit_step"].values
    for k, s in enumerate(ds.state.values):
        assert g.nodes[str(s)]["p_exit"] == pytest.approx((ext[:, k, :] >= 0).any(axis=1).mean())
    member = (ds["status"] > 0).any(("replicate", "time")).values
    mem_edges = [e for e in g.edges(data=True) if e[2]["kind"] == "membership"]
    assert len(mem_edges) == int(member.sum())


def test_scenario_ties_parsing():
    assert scenario_ties('[[tie]]\na = "A"\nb = "B"\nweight = 2.0\n') == [("A", "B", 2.0)]
    assert scenario_ties("not toml [[[") == []
    assert scenario_ties("") == []


def test_sweep_heatmap_and_line(sweep_file, tmp_path):
    path, pw, sc, exited = sweep_file
    out = tmp_path / "heat.png"
    z = "P(ECOWAS loses >= 3 members)"
    assert main(["sweep", str(path), "--x", "model.peer_weight", "--y",
                 "institution.ECOWAS.sovereignty_cost", "--z", z, "-o", str(out),
                 "--size", "6,4", "--dpi", str(DPI)]) == 0
    _check_png(out)
    out = tmp_path / "line.png"
    assert main(["sweep", str(path), "--x", "model.peer_weight", "--z", "cascade:ECOWAS",
                 "-o", str(out), "--size", "6,4", "--dpi", str(DPI)]) == 0
    _check_png(out)


def test_sweep_grid_values(sweep_file, tmp_path):
    import h5py

    from analysis import sweep

    path, pw, sc, exited = sweep_file
    with h5py.File(path, "r") as f:
        params = sweep.read_points(f)
        values, is_p = sweep.metric_values(f, "P(ECOWAS loses >= 3 members)")
    assert is_p
    xs, ys, z = sweep.grid(params, values, "model.peer_weight",
                           "institution.ECOWAS.sovereignty_cost")
    expected = exited[:, :, :, 0].sum(axis=2) >= 3  # (point, replicate)
    for a, x in enumerate(xs):
        for b, y in enumerate(ys):
            sel = (pw == x) & (sc == y)
            assert z[a, b] == pytest.approx(expected[sel].mean())
    xs, pooled = sweep.grid(params, values, "model.peer_weight")
    center, ((lo90, hi90), (lo50, hi50)) = sweep.line_bands(pooled, True)
    assert np.all(lo90 <= lo50) and np.all(lo50 <= center) and np.all(center <= hi50)
    assert np.all(hi50 <= hi90)


def test_sweep_points_group_layout(tmp_path):
    import h5py
    import make_sample_file

    from analysis import sweep

    path, *_ = make_sample_file.make_sample_sweep(tmp_path / "g.h5", layout="group")
    with h5py.File(path, "r") as f:
        assert set(sweep.read_points(f)) == {"model.peer_weight",
                                             "institution.ECOWAS.sovereignty_cost"}


def test_sweep_refuses_plain_run(run_file, capsys):
    assert main(["sweep", str(run_file), "--z", "cascade:X", "-o", "/dev/null"]) == 2
    err = capsys.readouterr().err
    assert "not a sweep file" in err and str(run_file) in err
    assert main(["sobol", str(run_file), "--z", "cascade:X", "-o", "/dev/null"]) == 2
    assert str(run_file) in capsys.readouterr().err


@pytest.mark.parametrize("layout", ["point_values", "group", "param"])
def test_run_commands_refuse_a_sweep_file(tmp_path, capsys, layout):
    """The reverse of the above: summary on a sweep file failed with xarray's "('replicate',
    'state', 'institution') must be a permuted list of ..."; now it says what the file is and
    which commands read it, and writes nothing."""
    import make_sample_file

    path, *_ = make_sample_file.make_sample_sweep(
        tmp_path / "s.h5", layout="param" if layout == "point_values" else layout)
    if layout == "point_values":  # as regsim sweep writes it
        with h5py.File(path, "r+") as f:
            keys = [k for k in f if k.startswith("param_")]
            f["point_values"] = np.stack([f[k][()] for k in keys], axis=1)
            for k in keys:
                del f[k]
    out = tmp_path / "out"
    for command, extra in (("summary", ["-o", str(out)]), ("events", ["-o", str(out)]),
                           ("baserate", ["-o", str(out)]), ("timeline", ["-o", str(out)]),
                           ("trajectories", ["-o", str(out)]), ("cascades", ["-o", str(out)]),
                           ("network", ["-o", str(out)]),
                           ("hindcast", [str(tmp_path / "obs.csv"), "-o", str(out)])):
        (tmp_path / "obs.csv").write_text("date,kind,state,institution,source\n")
        assert main([command, str(path)] + extra) == 2, command
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert f"{path}: a sweep file" in err and f"`{command}` reads" in err
        assert "`analysis sweep`" in err and "`analysis sobol`" in err
        assert not out.exists()


def test_large_timeline_and_network_are_refused_unless_chosen(run_file, tmp_path, capsys,
                                                              monkeypatch):
    """Past TIMELINE_MAX_ROWS bands / NETWORK_MAX_NODES nodes the figures are refused (exit 2,
    no file) unless states or institutions are chosen; a choice of any size is drawn. The
    limits are lowered here to fit the small test file."""
    from analysis import figures

    ds = analysis.load(run_file)
    rows = len(timeline_rows(ds))
    nodes = ds.sizes["state"] + ds.sizes["institution"]
    assert (figures.TIMELINE_MAX_ROWS, figures.NETWORK_MAX_NODES) == (200, 500)
    monkeypatch.setattr(figures, "TIMELINE_MAX_ROWS", 1)
    monkeypatch.setattr(figures, "NETWORK_MAX_NODES", 2)
    s, i = str(ds.state.values[0]), str(ds.institution.values[0])
    fig = ["--size", "6,4", "--dpi", str(DPI)]
    for command, chosen in (("timeline", ["--states", ",".join(map(str, ds.state.values))]),
                            ("network", ["--institutions", i])):
        out = tmp_path / f"{command}.png"
        capsys.readouterr()
        assert main([command, str(run_file), "-o", str(out)] + fig) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--states" in err and "--institutions" in err
        assert (f"{rows}" if command == "timeline" else f"{nodes} nodes") in err
        assert not out.exists()
        assert main([command, str(run_file), "-o", str(out)] + fig + chosen) == 0
        _check_png(out)


def test_trajectories_of_many_states_are_refused_unless_chosen(run_file, tmp_path, capsys,
                                                               monkeypatch):
    """One row of panels per state: past TRAJECTORIES_MAX_STATES the figure is refused (exit 2,
    no file) unless --states chose them (the limit lowered to fit the small test file)."""
    from analysis import figures

    ds = analysis.load(run_file)
    assert figures.TRAJECTORIES_MAX_STATES == 50
    monkeypatch.setattr(figures, "TRAJECTORIES_MAX_STATES", 1)
    out = tmp_path / "t.png"
    fig = ["--size", "6,4", "--dpi", str(DPI)]
    capsys.readouterr()
    assert main(["trajectories", str(run_file), "-o", str(out)] + fig) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{ds.sizes['state']} states" in err and "--states" in err
    assert not out.exists()
    chosen = ["--states", ",".join(map(str, ds.state.values[:2]))]
    assert main(["trajectories", str(run_file), "-o", str(out)] + fig + chosen) == 0
    _check_png(out)


def test_network_selection(run_file):
    ds = analysis.load(run_file)
    member = (ds["status"] > 0).any(("replicate", "time")).transpose("state",
                                                                     "institution").values
    sts, ins = [str(x) for x in ds.state.values], [str(x) for x in ds.institution.values]
    g = network_graph(ds, states=[sts[0]])  # the state and its institutions
    assert {n for n, d in g.nodes(data=True) if d["kind"] == "state"} == {sts[0]}
    assert {n for n, d in g.nodes(data=True) if d["kind"] == "institution"} == \
        {i for k, i in enumerate(ins) if member[0, k]}
    g = network_graph(ds, institutions=[ins[0]])  # the institution and its members
    assert {n for n, d in g.nodes(data=True) if d["kind"] == "state"} == \
        {s for k, s in enumerate(sts) if member[k, 0]}
    g = network_graph(ds, states=[sts[0]], institutions=[ins[-1]])
    assert set(g.nodes) == {sts[0], ins[-1]}


BINARY = os.environ.get("REGSIM_BINARY", "")


@pytest.mark.skipif(not (BINARY and os.path.isfile(BINARY)), reason="REGSIM_BINARY not set")
def test_ten_thousand_states_are_refused_quickly(tmp_path, capsys):
    """The QA case: a 10,000-state run (Watts's network) ran for more than 11 minutes."""
    import subprocess
    import time
    from pathlib import Path

    source = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
    run = tmp_path / "w.h5"
    subprocess.run([BINARY, "run", str(source / "scenarios" / "validation" / "watts.toml"),
                    "-o", str(run), "--replicates", "3", "--steps", "12", "--quiet"],
                   check=True, timeout=300)
    for command in ("timeline", "network"):
        t0 = time.monotonic()
        assert main([command, str(run), "-o", str(tmp_path / f"{command}.png")]) == 2
        assert time.monotonic() - t0 < 20
        assert "10000" in capsys.readouterr().err
    out = tmp_path / "some.png"
    assert main(["network", str(run), "-o", str(out), "--states", "S1,S2,S3"]) == 0
    assert main(["timeline", str(run), "-o", str(out), "--states", "S1,S2,S3", "--force"]) == 0
