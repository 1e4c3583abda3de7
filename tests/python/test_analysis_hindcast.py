"""`hindcast` on a hand-made file and observed CSV whose answer is worked out by hand."""

import numpy as np
import pandas as pd
import pytest
from make_sample_file import write_run

from analysis.cli import main

R = 20


@pytest.fixture
def hand_case(tmp_path):
    """2 states (AAA, BBB), institutions X and latent Y, 20 replicates, 12 steps from 2020-01.
    r0: announce AAA X @2, found Y @3, join AAA Y @3, exit AAA X @5
    r1: announce AAA X @4, exit AAA X @7
    r2: announce BBB X @1, rescind BBB X @3, coup BBB @0
    r4: announce BBB X @6
    others: nothing."""
    ev = [
        dict(replicate=0, step=2, kind="announce", cause="utility", state=0, institution=0),
        dict(replicate=0, step=3, kind="found", cause="founding", institution=1),
        dict(replicate=0, step=3, kind="join", cause="founding", state=0, institution=1),
        dict(replicate=0, step=5, kind="exit", cause="notice_elapsed", state=0, institution=0),
        dict(replicate=1, step=4, kind="announce", cause="utility", state=0, institution=0),
        dict(replicate=1, step=7, kind="exit", cause="notice_elapsed", state=0, institution=0),
        dict(replicate=2, step=0, kind="coup", cause="scheduled", state=1),
        dict(replicate=2, step=1, kind="announce", cause="utility", state=1, institution=0),
        dict(replicate=2, step=3, kind="rescind", cause="utility", state=1, institution=0),
        dict(replicate=4, step=6, kind="announce", cause="utility", state=1, institution=0),
    ]
    S, I = 2, 2
    ann = np.full((R, S, I), -1)
    ext = np.full((R, S, I), -1)
    ann[0, 0, 0], ann[1, 0, 0], ann[2, 1, 0], ann[4, 1, 0] = 2, 4, 1, 6
    ext[0, 0, 0], ext[1, 0, 0] = 5, 7
    fnd = np.tile([0, -1], (R, 1))
    fnd[0, 1] = 3
    path = tmp_path / "hand.h5"
    write_run(path, states=[("AAA", "A"), ("BBB", "B")], institutions=[("X", "X"), ("Y", "Y")],
              steps=12, start_month="2020-01", replicates=R, announce_step=ann, exit_step=ext,
              final_status=np.ones((R, S, I)), dissolve_step=np.full((R, I), -1),
              found_step=fnd, cascade_size=(ext >= 0).sum(axis=1), events=ev,
              attrs=dict(scenario_name="hand"))
    obs = tmp_path / "observed.csv"
    obs.write_text(
        "date,kind,state,institution,source\n"
        "2020-03,announce,AAA,X,test\n"          # step 2
        "2020-06-15,exit,AAA,X,test\n"           # step 5
        "2020-05,found,,Y,test\n"                # step 4
        "2020-02,dissolve,,X,test\n"             # never simulated
        "2021-06,announce,AAA,Y,test\n"          # after the run's end
    )
    return path, obs


def test_hindcast_table_matches_hand_count(hand_case, tmp_path, capsys):
    path, obs = hand_case
    out_csv = tmp_path / "h.csv"
    assert main(["hindcast", str(path), str(obs), "--csv", str(out_csv)]) == 0
    text = capsys.readouterr().out
    assert "history did not have" in text
    df = pd.read_csv(out_csv, keep_default_na=False)
    o = df[df.section == "observed"].reset_index(drop=True)
    assert list(o["kind"]) == ["announce", "exit", "found", "dissolve", "announce"]
    # P(by date): AAA announces X by 2020-03 only in r0 (r1 in 2020-05) -> 1/20
    assert o["P(by date)"].astype(float).tolist() == [0.05, 0.05, 0.05, 0.0, 0.0]
    assert o["P(ever)"].astype(float).tolist() == [0.10, 0.10, 0.05, 0.0, 0.0]
    # medians over replicates that did it, inverted-CDF: {2, 4} -> 2 (2020-03), 90%: 2..4
    assert o["sim median"].tolist() == ["2020-03", "2020-06", "2020-04", "", ""]
    assert o["sim 90%"].tolist() == ["2020-03..2020-05", "2020-06..2020-08",
                                     "2020-04..2020-04", "", ""]
    assert o["note"].tolist() == ["", "", "", "", "after end"]
    # not in history: BBB announces X in r2 and r4 (2/20 = 10%, kept); BBB rescinds X in
    # r2 only (5%, dropped); join and coup are not hindcast kinds.
    n = df[df.section == "not_observed"].reset_index(drop=True)
    assert len(n) == 1
    assert (n.loc[0, "kind"], n.loc[0, "state"], n.loc[0, "institution"]) == \
        ("announce", "BBB", "X")
    assert float(n.loc[0, "P(ever)"]) == 0.10
    assert n.loc[0, "sim median"] == "2020-02"
    assert n.loc[0, "sim 90%"] == "2020-02..2020-07"


def test_hindcast_min_share(hand_case, tmp_path):
    path, obs = hand_case
    out_csv = tmp_path / "h.csv"
    assert main(["hindcast", str(path), str(obs), "--csv", str(out_csv),
                 "--min-share", "0.05"]) == 0
    n = pd.read_csv(out_csv, keep_default_na=False).query("section == 'not_observed'")
    assert sorted(n["kind"]) == ["announce", "rescind"]


def test_hindcast_rejects_bad_csv(hand_case, tmp_path, capsys):
    path, _ = hand_case
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,state,institution,source\n2020-01,leave,AAA,X,x\n")
    assert main(["hindcast", str(path), str(bad)]) == 2
    assert "unknown kind" in capsys.readouterr().err


def test_hindcast_runs_on_run_file(run_file, tmp_path):
    import analysis

    ev = analysis.events(run_file)
    first = ev[ev.kind == "announce"].iloc[0]
    obs = tmp_path / "o.csv"
    obs.write_text("date,kind,state,institution,source\n"
                   f"{str(first.date)[:7]},announce,{first.state},{first.institution},x\n")
    assert main(["hindcast", str(run_file), str(obs), "-o", str(tmp_path / "h.txt")]) == 0
    assert "Observed events" in (tmp_path / "h.txt").read_text()


def test_given_until_keeps_the_replicates_that_agree_with_history(tmp_path, capsys):
    """4 replicates, 10 steps from 2020-01; history: AAA announces X in 2020-03 (step 2) and
    exits in 2020-07 (step 6). Cut-off 2020-05 (step 4), window 1 month:
    r0 announce @2, exit @6: agrees.      r1 announce @3, exit @5: agrees (one month late).
    r2 announce @2, exit @3: the exit came before the cut-off, history had none yet: out.
    r3 announce @2, exit @8, and BBB announces X @1, which history lacks: out."""
    ev, ann, ext = [], np.full((4, 2, 1), -1), np.full((4, 2, 1), -1)
    for r, (a, x) in enumerate([(2, 6), (3, 5), (2, 3), (2, 8)]):
        ev += [dict(replicate=r, step=a, kind="announce", cause="utility", state=0,
                    institution=0),
               dict(replicate=r, step=x, kind="exit", cause="notice_elapsed", state=0,
                    institution=0)]
        ann[r, 0, 0], ext[r, 0, 0] = a, x
    ev.append(dict(replicate=3, step=1, kind="announce", cause="utility", state=1,
                   institution=0))
    ann[3, 1, 0] = 1
    ev.sort(key=lambda e: (e["replicate"], e["step"]))
    path = tmp_path / "g.h5"
    write_run(path, states=[("AAA", "A"), ("BBB", "B")], institutions=[("X", "X")], steps=10,
              start_month="2020-01", replicates=4, announce_step=ann, exit_step=ext,
              final_status=np.ones((4, 2, 1)), dissolve_step=np.full((4, 1), -1),
              found_step=np.zeros((4, 1), int), cascade_size=(ext >= 0).sum(axis=1), events=ev,
              attrs=dict(scenario_name="given"))
    obs = tmp_path / "o.csv"
    obs.write_text("date,kind,state,institution,source\n2020-03,announce,AAA,X,t\n"
                   "2020-07,exit,AAA,X,t\n")
    csv = tmp_path / "g.csv"
    assert main(["hindcast", str(path), str(obs), "--given-until", "2020-05", "--window", "1",
                 "--csv", str(csv)]) == 0
    assert "given history to 2020-05: 2 of 4 replicates agree" in capsys.readouterr().out
    o = pd.read_csv(csv, keep_default_na=False)
    o = o[o.section == "observed"]
    # announce by 2020-03: r0 only of {r0, r1}; exit by 2020-07: both.
    assert o["P(by date)"].astype(float).tolist() == [0.5, 1.0]
    # An exact window keeps r0 alone; a cut-off after the run's end is an error.
    assert main(["hindcast", str(path), str(obs), "--given-until", "2020-04", "--window", "0"
                 ]) == 0
    assert "1 of 4 replicates agree" in capsys.readouterr().out
    assert main(["hindcast", str(path), str(obs), "--given-until", "2021-05"]) == 2
    assert "outside the run" in capsys.readouterr().err


def test_given_until_ignores_rows_the_run_cannot_have(tmp_path, capsys):
    """A row dated before the run or naming a state the run lacks must not condition (it would
    reject every replicate)."""
    ev = [dict(replicate=r, step=2, kind="announce", cause="utility", state=0, institution=0)
          for r in range(3)]
    ann = np.full((3, 1, 1), -1)
    ann[:, 0, 0] = 2
    path = tmp_path / "u.h5"
    write_run(path, states=[("AAA", "A")], institutions=[("X", "X")], steps=10,
              start_month="2020-01", replicates=3, announce_step=ann,
              exit_step=np.full((3, 1, 1), -1), final_status=np.ones((3, 1, 1)),
              dissolve_step=np.full((3, 1), -1), found_step=np.zeros((3, 1), int),
              cascade_size=np.zeros((3, 1), int), events=ev, attrs=dict(scenario_name="u"))
    obs = tmp_path / "o.csv"
    obs.write_text("date,kind,state,institution,source\n2019-06,announce,AAA,X,t\n"
                   "2020-02,announce,ZZZ,X,t\n2020-03,announce,AAA,X,t\n")
    assert main(["hindcast", str(path), str(obs), "--given-until", "2020-05"]) == 0
    assert "3 of 3 replicates agree" in capsys.readouterr().out
    assert main(["hindcast", str(path), str(obs), "--given-until", "2020-05", "--window",
                 "-1"]) == 2
    assert "--window must be >= 0" in capsys.readouterr().err


@pytest.mark.parametrize("row, message", [
    ("2024-13,exit,AAA,X,x", "line 3: column date: '2024-13': month 13 is not 01..12"),
    ("2024-02-30,exit,AAA,X,x", "line 3: column date: '2024-02-30': day 30 is not a day of"),
    ("March 2024,exit,AAA,X,x", "line 3: column date: 'March 2024': expected YYYY-MM"),
    (",exit,AAA,X,x", "line 3: column date: '': expected YYYY-MM or YYYY-MM-DD"),
    ("2024-01,leave,AAA,X,x", "line 3: column kind: unknown kind 'leave'"),
    ("2024-01,exit,AAA,,x", "line 3: column institution is empty"),
    ("2024-01,exit,AAA,X,a,b", "line 3: 6 fields, the header has 5"),
])
def test_bad_observed_rows_name_file_line_and_column(hand_case, tmp_path, capsys, row,
                                                     message):
    """A month like 2024-13 used to give numpy's 'Month out of range in datetime string' with
    no file or line. (A blank line is skipped but still counted.)"""
    path, _ = hand_case
    bad = tmp_path / "bad.csv"
    bad.write_text(f"date,kind,state,institution,source\n\n{row}\n2024-01,exit,AAA,X,x\n")
    out = tmp_path / "h.txt"
    assert main(["hindcast", str(path), str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{bad}:{message.replace('line ', '')}" in err
    assert not out.exists()


def test_bad_given_until_names_the_option(hand_case, capsys):
    path, obs = hand_case
    assert main(["hindcast", str(path), str(obs), "--given-until", "2020-13"]) == 2
    assert "--given-until '2020-13': month 13 is not 01..12" in capsys.readouterr().err


@pytest.mark.parametrize("agree, warned", [(2, True), (29, True), (30, False)])
def test_few_agreeing_replicates_are_flagged(tmp_path, capsys, agree, warned):
    """--given-until keeping 2 of 200 replicates reported shares over 2 with no warning: under
    FEW_REPLICATES (30) a warning with the count goes to stderr and into the table's header."""
    from analysis.hindcast import FEW_REPLICATES

    assert FEW_REPLICATES == 30
    reps = 40
    steps = [2 if r < agree else 8 for r in range(reps)]  # history: announced in 2020-03
    ev = [dict(replicate=r, step=a, kind="announce", cause="utility", state=0, institution=0)
          for r, a in enumerate(steps)]
    ann = np.array(steps).reshape(reps, 1, 1)
    path = tmp_path / "f.h5"
    write_run(path, states=[("AAA", "A")], institutions=[("X", "X")], steps=10,
              start_month="2020-01", replicates=reps, announce_step=ann,
              exit_step=np.full((reps, 1, 1), -1), final_status=np.ones((reps, 1, 1)),
              dissolve_step=np.full((reps, 1), -1), found_step=np.zeros((reps, 1), int),
              cascade_size=np.zeros((reps, 1), int), events=ev, attrs=dict(scenario_name="f"))
    obs = tmp_path / "o.csv"
    obs.write_text("date,kind,state,institution,source\n2020-03,announce,AAA,X,t\n")
    out = tmp_path / "h.txt"
    assert main(["hindcast", str(path), str(obs), "--given-until", "2020-05", "--window", "0",
                 "-o", str(out)]) == 0
    err, text = capsys.readouterr().err, out.read_text()
    assert f"given history to 2020-05: {agree} of {reps} replicates agree" in text
    if warned:
        assert err.startswith(f"analysis: warning: only {agree} of {reps} replicates agree "
                              "with history to 2020-05 (fewer than 30)")
        assert f"a count out of {agree}" in err and err.count("\n") == 1
        assert f"# WARNING: only {agree} of {reps} replicates agree" in text
    else:
        assert err == "" and "WARNING" not in text
