"""scripts/cow_scenario.py on a hand-made slice of the COW IGO v3 files: the scenario it writes
(and that regsim accepts), and the observed withdrawal rate by the data's own definition."""

import gzip
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import cow_scenario  # noqa: E402

MEMBERSHIPS = """ccode,stateabb,year,ioname,status
1,AAA,2000,alpha,1
1,AAA,2001,alpha,1
1,AAA,2002,alpha,1
2,BBB,2000,alpha,1
2,BBB,2001,alpha,1
3,CCC,2000,alpha,1
3,CCC,2001,alpha,2
3,CCC,2002,alpha,2
1,AAA,2000,beta,1
2,BBB,2000,beta,1
2,BBB,2001,beta,1
3,CCC,2000,gamma,1
1,AAA,2000,delta,1
2,BBB,2000,delta,1
4,DDD,2000,alpha,1
"""
IGOS = """ioname,orgname,first_year,last_year
alpha,"Alpha Org, the first",1990,2014
beta,Beta Org,1990,2001
gamma,Gamma Org,1990,2014
delta,Delta Org,1990,2014
"""
STATES = ("ccode,stateabb,statenme,styear,endyear\n"
          "1,AAA,Aland,1900,2016\n"
          '2,BBB,"Bland ""the second""",1900,2016\n'
          "3,CCC,Cland,1900,2016\n"
          "4,DDD,Dland,1900,2016\n")


@pytest.fixture()
def cow(tmp_path):
    with gzip.open(tmp_path / "memberships.csv.gz", "wt") as fh:
        fh.write(MEMBERSHIPS)
    (tmp_path / "igos.csv").write_text(IGOS)
    (tmp_path / "states.csv").write_text(STATES)
    return tmp_path


def test_scenario_and_observed_rate(cow, tmp_path, capsys):
    out = tmp_path / "cow.toml"
    assert cow_scenario.main(["--cow", str(cow), "--states", "AAA,BBB,CCC", "--year", "2000",
                              "--years", "3", "--min-members", "2", "--model-from",
                              str(ROOT / "scenarios" / "west_africa.toml"), "-o",
                              str(out)]) == 0
    doc = tomllib.loads(out.read_text())
    assert doc["scenario"]["start"] == "2000-01" and doc["scenario"]["steps"] == 36
    assert [s["id"] for s in doc["state"]] == ["AAA", "BBB", "CCC"]
    assert doc["state"][1]["name"] == 'Bland "the second"'
    # gamma has one of the three, DDD is not among them: alpha, beta and delta remain.
    inst = {i["id"]: i for i in doc["institution"]}
    assert sorted(inst) == ["alpha", "beta", "delta"]
    assert inst["alpha"]["members"] == ["AAA", "BBB", "CCC"]
    assert inst["alpha"]["name"] == "Alpha Org, the first"
    with open(ROOT / "scenarios" / "west_africa.toml", "rb") as fh:
        assert doc["model"] == tomllib.load(fh)["model"]
    # The data end in 2002, and a year t needs t + 1 and t + 2: only 2000. At risk (IGO alive
    # and observed in 2001, the state in the data in 2001): AAA, BBB, CCC alpha (CCC's associate
    # membership in 2001 is no withdrawal); AAA beta (gone in 2001, beta has no row in 2002 to
    # be back in: a withdrawal); BBB beta. delta has no row for anyone in 2001: a gap in the
    # data, not two withdrawals. 5 years, 1 withdrawal.
    text = capsys.readouterr().out
    assert "observed 2000..2000" in text and "1 withdrawal in 5 membership-years" in text, text
    assert "3 IGOs, 7 memberships" in text


def test_a_one_year_absence_is_a_gap_not_a_withdrawal():
    import pandas as pd

    rows = [("X", "i", 2000, 1), ("X", "k", 2001, 3), ("X", "i", 2002, 1),  # a one-year gap
            ("Z", "i", 2000, 1), ("Z", "k", 2001, 3),                      # leaves i for good
            ("W", "i", 2000, 1),                                           # leaves the data
            ("Y", "i", 2000, 1), ("Y", "i", 2001, 1), ("Y", "i", 2002, 1), ("Y", "i", 2003, 1)]
    members = pd.DataFrame(rows, columns=["stateabb", "ioname", "year", "status"])
    igos = pd.DataFrame({"ioname": ["i", "k"], "last_year": [2014, 2014]})
    # Data end 2003: years 2000..2001. At risk: X, Z, Y in 2000 (W has no row anywhere in 2001:
    # a succession or a gap, not a withdrawal), Y in 2001. Z's is the one withdrawal.
    assert cow_scenario.observed_rate(members, igos, None, None, 2000, 2005) == (1, 4, 2001)


def test_codes_labels_and_the_global_rate(cow, tmp_path, capsys):
    out = tmp_path / "c.toml"
    # 1 and AAA name one state; numeric codes map to abbreviations.
    assert cow_scenario.main(["--cow", str(cow), "--states", "1,AAA,2,3", "--year", "2000",
                              "--years", "3", "--min-members", "2", "-o", str(out),
                              "--global-rate"]) == 0
    doc = tomllib.loads(out.read_text())
    assert [s["id"] for s in doc["state"]] == ["AAA", "BBB", "CCC"]
    assert {i["kind"] for i in doc["institution"]} == {"igo"}
    assert "all states and IGOs 1965..2000, same definition:" in capsys.readouterr().out


def test_bad_input_is_refused(cow, tmp_path):
    with pytest.raises(SystemExit):
        cow_scenario.main(["--cow", str(cow), "--states", "AAA,ZZZ", "--year", "2000", "-o",
                           str(tmp_path / "x.toml")])
    with pytest.raises(SystemExit):
        cow_scenario.main(["--cow", str(cow), "--states", "AAA,BBB", "--year", "1950", "-o",
                           str(tmp_path / "x.toml")])
    assert not (tmp_path / "x.toml").exists()
    kept = tmp_path / "kept.toml"
    kept.write_text("mine")
    with pytest.raises(SystemExit):
        cow_scenario.main(["--cow", str(cow), "--states", "AAA,BBB", "--year", "2000", "-o",
                           str(kept)])
    assert kept.read_text() == "mine"
    cow_scenario.main(["--cow", str(cow), "--states", "AAA,BBB", "--year", "2000",
                       "--min-members", "2", "-o", str(kept), "--force"])
    assert kept.read_text().startswith("# GENERATED")


def test_regsim_accepts_the_scenario(cow, tmp_path):
    binary = os.environ.get("REGSIM_BINARY", str(ROOT / "build" / "regsim"))
    if not os.path.isfile(binary):
        pytest.skip(f"regsim not built at {binary}")
    out = tmp_path / "cow.toml"
    cow_scenario.main(["--cow", str(cow), "--states", "AAA,BBB,CCC", "--year", "2000",
                       "--min-members", "2", "--model-from",
                       str(ROOT / "scenarios" / "sahel_2022.toml"), "-o", str(out)])
    check = subprocess.run([binary, "check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "Institutions: 3" in check.stdout


def test_missing_or_bad_files_are_usage_errors(cow, tmp_path, capsys):
    """A clear message and exit 2, never a traceback, and no output written."""
    out = tmp_path / "x.toml"
    base = ["--states", "AAA,BBB", "--year", "2000", "--min-members", "2", "-o", str(out)]
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "igos.csv").write_text(IGOS)
    (tmp_path / "nocol").mkdir()
    for name in ("memberships.csv.gz", "states.csv"):
        (tmp_path / "nocol" / name).write_bytes((cow / name).read_bytes())
    (tmp_path / "nocol" / "igos.csv").write_text("ioname,first_year\nalpha,1990\n")
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[model\n")
    odd_model = tmp_path / "odd.toml"
    odd_model.write_text("[model]\nx = { a = 1 }\n")
    cases = [
        (["--cow", str(tmp_path / "nonexistent")], "nonexistent: no such folder"),
        (["--cow", str(tmp_path / "partial")], "missing memberships.csv.gz, states.csv"),
        (["--cow", str(tmp_path / "nocol")], "igos.csv: missing column(s) orgname, last_year"),
        (["--cow", str(cow), "--model-from", str(tmp_path / "none.toml")],
         "none.toml: No such file or directory"),
        (["--cow", str(cow), "--model-from", str(bad_toml)], "bad.toml: not valid TOML"),
        (["--cow", str(cow), "--model-from", str(odd_model)], "cannot write {'a': 1}"),
        (["--cow", str(cow), "-o", str(tmp_path / "no" / "x.toml")],
         "its folder does not exist"),
    ]
    for extra, message in cases:
        with pytest.raises(SystemExit) as e:
            cow_scenario.main(base + extra)
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
        assert not out.exists()
