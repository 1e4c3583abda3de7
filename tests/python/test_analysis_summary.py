"""`summary`: the table's numbers against counts made independently from the raw datasets."""

import h5py
import numpy as np
import pandas as pd
import pytest

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
                    cascade=f["cascade_size"][()], final_status=f["final_status"][()],
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
            if col == "P(by dissolution)":
                year = int(raw["start"][:4]) + 99  # the whole run
            else:
                year = int(col.split()[-1])
            # last recorded step in that calendar year
            months = y0 * 12 + m0 - 1 + raw["time"]
            in_year = raw["time"][months // 12 <= year]
            t_end = in_year[-1]
            ev = raw["events"]
            mine = (ev["state"] == s) & (ev["institution"] == i) & (ev["step"] <= t_end)
            if col.startswith("P(exit)"):
                # Independent counts: 1, the event log (every exit that took effect: by
                # decision, forced, or the institution's dissolution); 2, the status trajectory:
                # an exit in step t is visible at time t + 1 (docs/model.md), so withdrawn
                # there bounds the count from above.
                chosen = ((ev["kind"] == EXIT) | (ev["kind"] == FORCE_EXIT)) & mine
                by_events = len(np.unique(ev["replicate"][chosen]))
                k = int(np.flatnonzero(raw["time"] == t_end)[0])
                k = min(k + 1, len(raw["time"]) - 1)
                by_status = np.sum(raw["status"][:, k, s, i] == 4)
                assert by_events <= by_status
                assert row[col] == by_events / R, (row["state"], row["institution"], col)
            elif col == "P(by dissolution)":
                chosen = (ev["kind"] == EXIT) & (ev["cause"] == DISSOLUTION) & \
                    (ev["state"] == s) & (ev["institution"] == i)
                assert row[col] == len(np.unique(ev["replicate"][chosen])) / R
            else:
                n = np.sum((raw["announce"][:, s, i] >= 0) & (raw["announce"][:, s, i] <= t_end))
                assert row[col] == n / R


def test_year_columns_end_with_the_runs_last_step(run_file):
    # S steps from 2022-01 run months 2022-01 .. 2022-01 + S - 1; the time axis's last record
    # (2022-01 + S, the state after the last step) is in no year of the run.
    raw = _raw(run_file)
    table = summary.membership_table(analysis.load(run_file), all_rows=True)
    years = sorted({int(c.split()[-1]) for c in table.columns if c.split()[-1].isdigit()})
    y0, m0 = (int(x) for x in raw["start"].split("-"))
    last = y0 + (m0 - 1 + raw["steps"] - 1) // 12
    assert years == list(range(y0, last + 1))
    assert raw["time"][-1] == raw["steps"] and y0 + (m0 - 1 + raw["steps"]) // 12 > last


def test_dissolution_ends_memberships_as_exits(run_file):
    # exit_step holds exits by decision or force (docs/model.md, 7.8); the table counts a
    # membership its institution's dissolution ended as an exit at the dissolution's step.
    raw = _raw(run_file)
    ds = analysis.load(run_file)
    table = summary.membership_table(ds).set_index(["state", "institution"])
    R = raw["exit_step"].shape[0]
    ended = (raw["exit_step"] < 0) & (raw["dissolve"][:, None, :] >= 0) & \
        (raw["final_status"] == 4)
    assert ended.any(), "the sample should have memberships ended by dissolution"
    last = table.columns[[c.startswith("P(exit)") for c in table.columns]][-1]
    for s, i in zip(*np.nonzero(ended.any(axis=0))):
        row = table.loc[(raw["states"][s], raw["insts"][i])]
        by_decision = (raw["exit_step"][:, s, i] >= 0).sum()
        assert row[last] == (by_decision + ended[:, s, i].sum()) / R
        assert row["P(by dissolution)"] == ended[:, s, i].sum() / R


def test_median_exit_month_and_interval(run_file):
    raw = _raw(run_file)
    table = summary.membership_table(analysis.load(run_file))
    row = table[table["exit median"] != ""].iloc[0]
    s, i = raw["states"].index(row["state"]), raw["insts"].index(row["institution"])
    e = raw["exit_step"][:, s, i]
    ended = (e < 0) & (raw["dissolve"][:, i] >= 0) & (raw["final_status"][:, s, i] == 4)
    e = np.where(ended, raw["dissolve"][:, i], e)  # dissolution ends it at its step
    steps = np.sort(e[e >= 0])
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
    dissolved = (raw["dissolve"] >= 0)[:, None, :] & (raw["final_status"] == 4)
    active = ((raw["announce"] >= 0) | (raw["exit_step"] >= 0) | dissolved).any(axis=0)
    assert len(summary.membership_table(ds)) == int(active.sum())
    ever = (raw["status"] > 0).any(axis=(0, 1))
    assert len(summary.membership_table(ds, all_rows=True)) == int((ever | active).sum())


def test_cli_summary_prints_and_writes_tidy_csv(run_file, tmp_path, capsys):
    out_csv = tmp_path / "s.csv"
    assert main(["summary", str(run_file), "--csv", str(out_csv)]) == 0
    text = capsys.readouterr().out
    assert "P(exit)" in text and "Institutions" in text
    df = pd.read_csv(out_csv, keep_default_na=False)
    assert list(df.columns) == ["table", "state", "institution", "measure", "year", "value",
                                "state_name"]
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


def test_state_names_beside_ids(run_file):
    ds = analysis.load(run_file)
    names = dict(zip(map(str, ds.state.values), map(str, ds.state_name.values)))
    table = summary.membership_table(ds)
    assert list(table.columns[:3]) == ["state", "name", "institution"]
    assert all(table["name"] == table["state"].map(names))
    df = summary.tidy(table, summary.institution_table(ds))
    mem = df[df.table == "membership"]
    assert all(mem["state_name"] == mem["state"].map(names))
    assert "name" not in set(df["measure"])  # the name is no measure


def test_filters_select_rows(run_file):
    ds = analysis.load(run_file)
    full = summary.membership_table(ds, all_rows=True)
    s = str(full["state"].iloc[0])
    i = str(full["institution"].iloc[0])
    only_s = summary.membership_table(ds, all_rows=True, states=[s])
    assert set(only_s["state"]) == {s}
    assert len(only_s) == int((full["state"] == s).sum())
    both = summary.membership_table(ds, all_rows=True, states=[s], institutions=[i])
    assert list(zip(both["state"], both["institution"])) == [(s, i)]
    inst = summary.institution_table(ds, all_rows=True, institutions=[i])
    assert list(inst["institution"]) == [i]
    # the same rows as the unfiltered table, numbers unchanged
    pd.testing.assert_frame_equal(
        both.reset_index(drop=True),
        full[(full.state == s) & (full.institution == i)].reset_index(drop=True))


def test_cli_summary_filters(run_file, tmp_path, capsys):
    ds = analysis.load(run_file)
    s, i = str(ds.state.values[0]), str(ds.institution.values[0])
    out_csv = tmp_path / "f.csv"
    assert main(["summary", str(run_file), "--all", "--states", s, "--institutions", i,
                 "--csv", str(out_csv)]) == 0
    assert f"states {s}; institutions {i}" in capsys.readouterr().out
    df = pd.read_csv(out_csv, keep_default_na=False)
    assert set(df[df.table == "membership"]["state"]) <= {s}
    assert set(df["institution"]) == {i}
    assert main(["summary", str(run_file), "--states", f"{s},NOPE"]) == 2
    err = capsys.readouterr().err
    assert "unknown id(s) NOPE" in err and s in err  # names the valid ids
    assert main(["summary", str(run_file), "--institutions", "NOPE"]) == 2
    assert "unknown id(s) NOPE (institutions)" in capsys.readouterr().err


def test_rare_probabilities_do_not_print_as_never_or_always():
    table = pd.DataFrame({"state": ["GHA"], "P(announce) 2026": [1 / 2000],
                          "P(exit) 2026": [1999 / 2000], "cascade mean": [0.0004]})
    text = summary._fmt(table)
    assert "<0.01" in text and ">0.99" in text
    assert "0.00" in text  # not a probability: plain rounding


def test_unknown_id_message_stays_short():
    """A typo in a 10,000-state run named every one of the 10,000 ids on one line."""
    import xarray as xr

    from analysis.data import select_ids

    ds = xr.Dataset(coords={"state": [f"S{k}" for k in range(10000)]})
    with pytest.raises(ValueError) as err:
        select_ids(ds, "state", ["S1", "NOPE"])
    text = str(err.value)
    assert text.startswith("unknown id(s) NOPE (states); the file has S0, S1, ")
    assert text.endswith(", ... (10000 in all)") and len(text) < 400
    assert select_ids(ds, "state", ["S9", "S1"]) == ["S1", "S9"]
