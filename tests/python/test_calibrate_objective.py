"""The objective of scripts/calibrate_sahel.py on a hand-made event table (no simulator)."""

import importlib.util
import math

import pandas as pd
import pytest

from conftest import REPO

spec = importlib.util.spec_from_file_location("calibrate_sahel",
                                              REPO / "scripts" / "calibrate_sahel.py")
cal = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cal)

R = 4
START = "2022-01"


def ev(rows):
    return pd.DataFrame(rows, columns=["replicate", "step", "kind", "cause", "state",
                                       "institution"])


@pytest.fixture
def case():
    """Observed: A announces X 2022-05 (step 4, in the fit window), AES founded 2023-09
    (step 20), A announces Y 2025-03 (step 38, out of sample).
    r0: A X @4 (hit), found @20 (hit), A Y @38 (hit, by date)
    r1: A X @7 (3 months late: miss), found @22 (hit, +2), B X @10 (history did not: penalty)
    r2: A X @2 (hit, -2), B X @30 and rescind B X @31 (penalty), A Y @40 (hit, not by date)
    r3: nothing; C Z announce @37 (2025: out-of-sample penalty)."""
    observed = pd.DataFrame(
        [("2022-05-15", "announce", "A", "X", ""), ("2023-09-16", "found", "", "AES", ""),
         ("2025-03-17", "announce", "A", "Y", "")],
        columns=["date", "kind", "state", "institution", "source"])
    table = ev([
        (0, 4, "announce", "utility", "A", "X"), (0, 20, "found", "founding", None, "AES"),
        (0, 38, "announce", "utility", "A", "Y"),
        (1, 7, "announce", "utility", "A", "X"), (1, 22, "found", "founding", None, "AES"),
        (1, 10, "announce", "utility", "B", "X"),
        (1, 10, "exit", "notice_elapsed", "B", "X"),     # exits are not penalised
        (2, 2, "announce", "utility", "A", "X"), (2, 30, "announce", "utility", "B", "X"),
        (2, 31, "rescind", "utility", "B", "X"), (2, 40, "announce", "utility", "A", "Y"),
        (3, 37, "announce", "utility", "C", "Z"),
    ])
    return cal.indicators(table, observed, R, start=START, fit_end="2024-12",
                          oos_end="2025-12", tol=2)


def lg(n):
    return math.log((n + 0.5) / (R + 0.5))


def test_fit_window_terms(case):
    assert case["fit_hit"].sum().to_dict() == {"2022-05 announce A X": 2,
                                               "2023-09 found - AES": 2}
    # B X announced in r1 and r2, rescinded in r2: both penalised; the exit is not.
    assert case["fit_extra"].sum().to_dict() == {"announce B X": 2, "rescind B X": 1}
    obs, pen = cal.score_parts(case)
    assert obs == pytest.approx(lg(2) + lg(2))
    assert pen == pytest.approx(lg(R - 2) + lg(R - 1))
    assert cal.score(case) == pytest.approx(obs + pen)


def test_out_of_sample_terms_are_not_in_the_objective(case):
    assert list(case["oos_hit"].columns) == ["2025-03 announce A Y"]
    assert case["oos_hit"].iloc[:, 0].tolist() == [1, 0, 1, 0]
    assert case["oos_bydate"].iloc[:, 0].tolist() == [1, 0, 0, 0]
    assert case["oos_extra"].sum().to_dict() == {"announce C Z": 1}
    hit, pen = cal.oos_score(case)
    assert hit == pytest.approx(lg(2))
    assert pen == pytest.approx(lg(R - 1))
    assert "announce C Z" not in case["fit_extra"]


def test_subset_and_bootstrap(case):
    # replicate 0 alone: both fit events hit, no penalised event: a perfect score
    assert cal.score(case, rows=[0]) == pytest.approx(0.0)
    # identical runs: every paired difference is zero
    assert cal.paired_bootstrap(case, case, cal.score, n_boot=20) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("argv, message", [
    (["--fit-end", "2024-13"], "--fit-end '2024-13': expected a month YYYY-MM"),
    (["--oos-end", "2025"], "--oos-end '2025': expected a month YYYY-MM"),
    (["--fit-end", "2025-12", "--oos-end", "2025-06"], "must be from 2022-01"),
    (["--fit-end", "2021-12"], "must be from 2022-01"),
    (["--tolerance", "-1"], "expected 0 or more months"),
    (["--oos-end", "2027-01"], "--oos-end 2027-01 is after the scenario's last month (2026-12)"),
])
def test_bad_windows_are_usage_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        cal.main(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_windows_default_to_the_module_settings(case, monkeypatch):
    """indicators() without windows reads FIT_END, OOS_END and TOL when called, so that the
    values main() sets from the flags reach every call."""
    observed = pd.DataFrame([("2022-05-15", "announce", "A", "X", "")],
                            columns=["date", "kind", "state", "institution", "source"])
    table = ev([(0, 4, "announce", "utility", "A", "X")])
    monkeypatch.setattr(cal, "FIT_END", "2022-03")  # the observed event is now out of sample
    ind = cal.indicators(table, observed, 1, start=START)
    assert list(ind["fit_hit"].columns) == []
    assert list(ind["oos_hit"].columns) == ["2022-05 announce A X"]


def test_a_scenario_with_another_start_is_refused(tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text('[scenario]\nname = "x"\nstart = "2020-01"\nsteps = 120\n')
    with pytest.raises(SystemExit) as e:
        cal.main(["--scenario", str(other)])
    assert e.value.code == 2
    assert "starts at 2020-01" in capsys.readouterr().err


def test_main_does_not_carry_its_windows_into_the_next_call(monkeypatch):
    """main() sets the module's windows from its flags; a later call without flags gets the
    defaults again, not the last call's values."""
    for name in ("FIT_END", "OOS_END", "TOL"):
        monkeypatch.setattr(cal, name, getattr(cal, name))  # restored after the test
    seen = []

    class Stop(Exception):
        pass

    def stop(*args, **kwargs):
        seen.append((cal.FIT_END, cal.OOS_END, cal.TOL))
        raise Stop

    monkeypatch.setattr(cal, "read_observed", stop)
    for argv in (["--fit-end", "2023-06", "--oos-end", "2024-06", "--tolerance", "1"], []):
        with pytest.raises(Stop):
            cal.main(argv)
    assert seen == [("2023-06", "2024-06", 1), ("2024-12", "2025-12", 2)]


@pytest.mark.parametrize("value, message", [
    ("model.hazard_cap=abc", "--evaluate: model.hazard_cap=abc: the value is not a number"),
    ("model.hazard_cap", "'model.hazard_cap' is not KEY=VALUE"),
    ("=0.3", "'=0.3' is not KEY=VALUE"),
    ("model.hazard_cap=nan", "not a finite number"),
    ("model.rally=0.1,model.rally=0.2", "model.rally is given twice"),
])
def test_bad_evaluate_points_are_usage_errors(value, message, capsys, monkeypatch):
    """Refused before any run: the value used to raise a ValueError traceback after the
    shipped point's runs."""
    monkeypatch.setattr(cal, "read_observed", lambda *a: pytest.fail("got past the checks"))
    with pytest.raises(SystemExit) as e:
        cal.main(["--evaluate", value])
    assert e.value.code == 2
    assert message in capsys.readouterr().err
    assert cal.parse_point(" model.hazard_cap = 0.29,model.rally=3e-2") == {
        "model.hazard_cap": 0.29, "model.rally": 0.03}


def test_a_failed_regsim_run_is_its_message_not_a_traceback(tmp_path):
    """A run regsim refuses (an unknown --evaluate key reaches it as --set) used to end in a
    CalledProcessError traceback; now regsim's message and its exit status."""
    import subprocess

    fake = tmp_path / "regsim"
    fake.write_text("#!/bin/sh\necho \"--set:1:7: model.nope: unknown key 'nope'\" >&2\nexit 2\n")
    fake.chmod(0o755)
    proc = subprocess.run(["/usr/bin/python3", str(REPO / "scripts" / "calibrate_sahel.py"),
                           "--regsim", str(fake), "--evaluate", "model.nope=0.3",
                           "--replicates", "2", "--confirm-replicates", "2"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "regsim failed (exit status 2): --set:1:7: model.nope: unknown key" in proc.stderr
    assert "Traceback" not in proc.stderr
