"""`summary`: the table's numbers against counts made independently from the raw datasets."""

import h5py
import numpy as np
import pandas as pd

import analysis
from analysis import summary
from analysis.cli import main

# event_kind / event_cause flag values (docs/output.md).
EXIT, FORCE_EXIT, DISSOLUTION = 2, 14, 6


def _raw(run_file):
    with h5py.File(run_file, "r") as f:
        def ids(name):
            return [x.decode() if isinstance(x, bytes) else x for x in f[name][()]]

        start = f.attrs["start_month"]
        start = start.decode() if isinstance(start, bytes) else str(start)
        return dict(states=ids("state"), insts=ids("institution"), start=start,
                    steps=int(f.attrs["steps"]), status=f["status"][()],
                    exit_step=f["exit_step"][()], announce=f["announce_step"][()],
                    time=f["time"][()], dissolve=f["dissolve_step"][()],
                    cascade=f["cascade_size"][()],
                    events={k: f["event_" + k][()] for k in
                            ("replicate", "step", "kind", "cause", "state", "institution")})


def test_probabilities_equal_independent_counts(run_file):
    raw = _raw(run_file)
    ds = analysis.load(run_file)
    table = summary.membership_table(ds)
    assert len(table) > 0
    y0, m0 = (int(x) for x in raw["start"].split("-"))
    R = raw["exit_step"].shape[0]
    for _, row in table.iterrows():
        s, i = raw["states"].index(row["state"]), raw["insts"].index(row["institution"])
        for col in table.columns:
            if not col.startswith("P("):
                continue
            year = int(col.split()[-1])
            # last recorded step in that calendar year
            months = y0 * 12 + m0 - 1 + raw["time"]
            in_year = raw["time"][months // 12 <= year]
            t_end = in_year[-1]
            if col.startswith("P(exit)"):
                # Independent counts: 1, the exit_step dataset; 2, the event log (exits by
                # decision or force; a dissolution ends memberships without an exit by
                # decision); 3, the status trajectory: an exit in step t is visible at time
                # t + 1 (docs/model.md), so withdrawn there bounds the count from above.
                by_step = np.sum((raw["exit_step"][:, s, i] >= 0)
                                 & (raw["exit_step"][:, s, i] <= t_end))
                ev = raw["events"]
                chosen = (((ev["kind"] == EXIT) & (ev["cause"] != DISSOLUTION)) | (ev["kind"] == FORCE_EXIT)) \
                    & (ev["state"] == s) & (ev["institution"] == i) & (ev["step"] <= t_end)
                by_events = len(np.unique(ev["replicate"][chosen]))
                assert by_step == by_events
                k = int(np.flatnonzero(raw["time"] == t_end)[0])
                k = min(k + 1, len(raw["time"]) - 1)
                by_status = np.sum(raw["status"][:, k, s, i] == 4)
                assert by_step <= by_status
                assert row[col] == by_step / R, (row["state"], row["institution"], col)
            else:
                n = np.sum((raw["announce"][:, s, i] >= 0) & (raw["announce"][:, s, i] <= t_end))
                assert row[col] == n / R


def test_median_exit_month_and_interval(run_file):
    raw = _raw(run_file)
    table = summary.membership_table(analysis.load(run_file))
    row = table[table["exit median"] != ""].iloc[0]
    s, i = raw["states"].index(row["state"]), raw["insts"].index(row["institution"])
    steps = np.sort(raw["exit_step"][:, s, i][raw["exit_step"][:, s, i] >= 0])
    n = len(steps)
    # inverted-CDF quantiles: the smallest observed step with F >= q
    med = steps[int(np.ceil(0.5 * n)) - 1]
    lo, hi = steps[int(np.ceil(0.05 * n)) - 1], steps[int(np.ceil(0.95 * n)) - 1]
    base = np.datetime64(raw["start"], "M")
    assert row["exit median"] == str(base + np.timedelta64(int(med), "M"))
    assert row["exit 90%"] == f"{base + np.timedelta64(int(lo), 'M')}.." \
                              f"{base + np.timedelta64(int(hi), 'M')}"


def test_institution_table(run_file):
    raw = _raw(run_file)
    inst = summary.institution_table(analysis.load(run_file), all_rows=True)
    assert list(inst["institution"]) == raw["insts"]
    np.testing.assert_allclose(inst["P(dissolved)"], (raw["dissolve"] >= 0).mean(axis=0))
    np.testing.assert_allclose(inst["cascade mean"], raw["cascade"].mean(axis=0))
    np.testing.assert_allclose(inst["cascade max"], raw["cascade"].max(axis=0))


def test_activity_filter_and_all(run_file):
    raw = _raw(run_file)
    ds = analysis.load(run_file)
    active = ((raw["announce"] >= 0) | (raw["exit_step"] >= 0)).any(axis=0)
    assert len(summary.membership_table(ds)) == int(active.sum())
    ever = (raw["status"] > 0).any(axis=(0, 1))
    assert len(summary.membership_table(ds, all_rows=True)) == int((ever | active).sum())


def test_cli_summary_prints_and_writes_tidy_csv(run_file, tmp_path, capsys):
    out_csv = tmp_path / "s.csv"
    assert main(["summary", str(run_file), "--csv", str(out_csv)]) == 0
    text = capsys.readouterr().out
    assert "P(exit)" in text and "Institutions" in text
    df = pd.read_csv(out_csv, keep_default_na=False)
    assert list(df.columns) == ["table", "state", "institution", "measure", "year", "value"]
    assert {"p_exit_by_year_end", "p_announce_by_year_end", "exit_median",
            "p_dissolved", "cascade_mean"} <= set(df["measure"])
    table = summary.membership_table(analysis.load(run_file))
    r = table.iloc[0]
    year = [c for c in table.columns if c.startswith("P(exit)")][0]
    hit = df[(df.state == r["state"]) & (df.institution == r["institution"])
             & (df.measure == "p_exit_by_year_end") & (df.year.astype(str) == year.split()[-1])]
    assert float(hit["value"].iloc[0]) == r[year]
    out_txt = tmp_path / "s.txt"
    assert main(["summary", str(run_file), "--all", "-o", str(out_txt)]) == 0
    assert "Memberships (all memberships)" in out_txt.read_text()
