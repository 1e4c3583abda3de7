"""Checks of the shipped real-world scenarios against the facts they claim.

Run: /usr/bin/python3 -m pytest tests/python/test_scenario_data.py
The expected lists below are copied from /work/shared/data/sahel-facts.md
(section 3) and docs/data-sources.md; a change to a scenario's facts must change
both, on purpose.
"""

import csv
import pathlib
import re
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
OBSERVED = SCENARIOS / "observed"
DOCS = ROOT / "docs" / "data-sources.md"

FLAGSHIPS = ["sahel_2022", "icc_africa_2016"]
ALL_SCENARIOS = FLAGSHIPS + ["west_africa"]

# sahel-facts 3.1: ECOWAS before 29 Jan 2025.
ECOWAS_2022 = {"BEN", "BFA", "CPV", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR",
               "MLI", "NER", "NGA", "SEN", "SLE", "TGO"}
# sahel-facts 3.2.
G5_SAHEL = {"BFA", "MLI", "MRT", "NER", "TCD"}
# sahel-facts 3.4.
UEMOA = {"BEN", "BFA", "CIV", "GNB", "MLI", "NER", "SEN", "TGO"}
# sahel-facts 3.5 (COW IGO v3 acct-2014 full members among the scenario's states).
OIF_2022 = {"BEN", "BFA", "CPV", "CIV", "GIN", "GNB", "MLI", "MRT", "NER",
            "SEN", "TGO", "TCD", "GAB"}
# sahel-facts 3.6: the 33 African states parties of today plus Burundi (party
# from 2004 until 27 Oct 2017) = 34 in October 2016.
ICC_AFRICA_2016 = {"BEN", "BWA", "BFA", "CPV", "CAF", "TCD", "COM", "COG", "CIV",
                   "COD", "DJI", "GAB", "GMB", "GHA", "GIN", "KEN", "LSO", "LBR",
                   "MDG", "MWI", "MLI", "MUS", "NAM", "NER", "NGA", "SEN", "SYC",
                   "SLE", "ZAF", "TZA", "TUN", "UGA", "ZMB", "BDI"}
# Non-parties among the Sahel scenario's states: Togo, Guinea-Bissau, Mauritania (3.6).
ICC_NON_PARTIES_SAHEL = {"TGO", "GNB", "MRT"}

OBSERVED_KINDS = {"announce", "exit", "rescind", "dissolve", "found"}
EVENT_KINDS = {"coup", "transition", "patron_engagement", "sanction", "lift_sanction",
               "institution_param", "force_exit", "force_join"}


def load(name):
    with open(SCENARIOS / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


def observed(name):
    with open(OBSERVED / f"{name}.csv", newline="") as f:
        return list(csv.DictReader(f))


def month_index(text):
    """'YYYY-MM' or 'YYYY-MM-DD' -> months since year 0."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    assert m, f"bad date {text!r}"
    year, month = int(m.group(1)), int(m.group(2))
    assert 1 <= month <= 12, text
    return year * 12 + month - 1


def window(scenario):
    start = month_index(scenario["scenario"]["start"])
    return start, start + scenario["scenario"]["steps"] - 1


def state_ids(scenario):
    return [s["id"] for s in scenario["state"]]


def institution_ids(scenario):
    return [i["id"] for i in scenario["institution"]]


def members(scenario, inst_id):
    inst = next(i for i in scenario["institution"] if i["id"] == inst_id)
    if inst.get("members") == "all":
        return set(state_ids(scenario))
    return set(inst.get("members", []))


@pytest.fixture(scope="module", params=ALL_SCENARIOS)
def any_scenario(request):
    return load(request.param)


# ------------------------------------------------------------------ parsing and run window

@pytest.mark.parametrize("name", ALL_SCENARIOS)
def test_scenario_parses_with_required_keys(name):
    sc = load(name)
    assert sc["scenario"]["name"] == name
    assert re.fullmatch(r"\d{4}-\d{2}", sc["scenario"]["start"])
    assert sc["scenario"]["steps"] >= 1
    assert sc["state"] and sc["institution"]


def test_run_windows():
    assert window(load("sahel_2022")) == (month_index("2022-01"), month_index("2026-12"))
    assert load("sahel_2022")["scenario"]["steps"] == 60
    assert load("west_africa")["scenario"]["steps"] == 48
    start, end = window(load("icc_africa_2016"))
    assert start <= month_index("2016-10") and end >= month_index("2017-10")


def test_ids_unique_and_states_iso3(any_scenario):
    sids, iids = state_ids(any_scenario), institution_ids(any_scenario)
    assert len(sids) == len(set(sids))
    assert len(iids) == len(set(iids))
    for sid in sids:
        assert re.fullmatch(r"[A-Z]{3}", sid), sid


def test_every_reference_is_defined(any_scenario):
    sc = any_scenario
    sids, iids = set(state_ids(sc)), set(institution_ids(sc))
    pids = {p["id"] for p in sc.get("patron", [])}
    for inst in sc["institution"]:
        if inst.get("members") != "all":
            assert set(inst.get("members", [])) <= sids, inst["id"]
        founding = inst.get("founding")
        if founding:
            assert inst.get("latent") is True
            assert set(founding.get("candidates", [])) <= sids
    for m in sc.get("membership", []):
        assert m["state"] in sids and m["institution"] in iids
        assert m["state"] in members(sc, m["institution"]), m
    for t in sc.get("tie", []):
        assert t["a"] in sids and t["b"] in sids and t["a"] != t["b"]
    for key, a, b in (("link", "from", "to"), ("substitution", "alternative", "replaces")):
        for e in sc.get(key, []):
            assert e[a] in iids and e[b] in iids, e
    for p in sc.get("patron", []):
        assert set(p.get("engagement", {})) <= sids, p["id"]
    for ev in sc.get("event", []):
        assert ev["kind"] in EVENT_KINDS, ev
        if "state" in ev and ev["state"] != "random":
            assert ev["state"] in sids, ev
        if "institution" in ev:
            assert ev["institution"] in iids, ev
        if "patron" in ev:
            assert ev["patron"] in pids, ev


def test_vectors_match_axes(any_scenario):
    d = len(any_scenario["scenario"].get("axes", ["west"]))
    for s in any_scenario["state"]:
        for key in ("alignment", "alignment_baseline"):
            if key in s:
                assert len(s[key]) == d and all(-1 <= x <= 1 for x in s[key])
        assert 0 <= s.get("sovereignty", 0.5) <= 1
    for obj in any_scenario["institution"] + any_scenario.get("patron", []):
        if "orientation" in obj:
            assert len(obj["orientation"]) == d


def test_event_dates_within_run(any_scenario):
    start, end = window(any_scenario)
    for ev in any_scenario.get("event", []):
        assert re.fullmatch(r"\d{4}-\d{2}", ev["date"]), ev
        assert start <= month_index(ev["date"]) <= end, ev


# ------------------------------------------------------------------ member lists vs facts

def test_sahel_member_lists_match_facts():
    sc = load("sahel_2022")
    assert members(sc, "ECOWAS") == ECOWAS_2022 and len(ECOWAS_2022) == 15
    assert members(sc, "G5S") == G5_SAHEL and len(G5_SAHEL) == 5
    assert members(sc, "UEMOA") == UEMOA and len(UEMOA) == 8
    assert members(sc, "OIF") == OIF_2022
    assert members(sc, "ICC") == set(state_ids(sc)) - ICC_NON_PARTIES_SAHEL
    assert members(sc, "ICC") <= ICC_AFRICA_2016
    assert members(sc, "AU") == set(state_ids(sc))
    assert set(state_ids(sc)) >= ECOWAS_2022 | G5_SAHEL


def test_sahel_rules_match_facts():
    sc = load("sahel_2022")
    inst = {i["id"]: i for i in sc["institution"]}
    assert inst["ECOWAS"]["notice_months"] == 12      # art. 91
    assert inst["ICC"]["notice_months"] == 12         # art. 127
    assert inst["OIF"]["notice_months"] == 6          # press-reported
    assert inst["G5S"]["notice_months"] == 0          # no withdrawal clause
    assert inst["G5S"]["quorum"] == 3                 # art. 20
    assert inst["ECOWAS"]["democracy_clause"] and inst["AU"]["democracy_clause"]
    aes = inst["AES"]
    assert aes["latent"] and aes["coordinated_exit"] and aes.get("members", []) == []
    assert set(aes["founding"]["candidates"]) == {"MLI", "BFA", "NER"}
    assert aes["founding"]["require_military"] and aes["founding"]["require_suspended"]
    assert aes["founding"]["require_connected"]


def test_sahel_initial_regimes_and_coups():
    sc = load("sahel_2022")
    regime = {s["id"]: s.get("regime", "civilian") for s in sc["state"]}
    assert {k for k, v in regime.items() if v == "military"} == {"MLI", "GIN"}
    coups = sorted((e["date"], e["state"]) for e in sc["event"] if e["kind"] == "coup")
    assert coups == [("2022-01", "BFA"), ("2022-09", "BFA"), ("2023-07", "NER"),
                     ("2023-08", "GAB")]


def test_west_africa_shape():
    sc = load("west_africa")
    assert len(sc["state"]) == 17
    assert members(sc, "ECOWAS") == ECOWAS_2022
    assert members(sc, "G5S") == G5_SAHEL
    assert members(sc, "ICC") == set(state_ids(sc)) - ICC_NON_PARTIES_SAHEL
    assert sc["scenario"]["replicates"] == 200
    model = sc["model"]
    assert 0 < model["decision_sharpness"] < float("inf")
    assert 0 < model["hazard_cap"] <= 0.1
    coups = sorted((e["date"], e["state"]) for e in sc["event"] if e["kind"] == "coup")
    assert coups == [("2022-01", "BFA"), ("2022-09", "BFA"), ("2023-07", "NER")]
    assert {p["id"] for p in sc["patron"]} == {"RUS", "FRA"}
    assert {(l["from"], l["to"]) for l in sc["link"]} == {("ECOWAS", "ICC")}


def test_icc_2016_states_parties():
    sc = load("icc_africa_2016")
    assert len(ICC_AFRICA_2016) == 34
    assert set(state_ids(sc)) == ICC_AFRICA_2016
    assert members(sc, "ICC") == ICC_AFRICA_2016
    inst = {i["id"]: i for i in sc["institution"]}
    assert inst["ICC"]["notice_months"] == 12
    assert members(sc, "AU") == ICC_AFRICA_2016


# ------------------------------------------------------------------ observations

@pytest.mark.parametrize("name", FLAGSHIPS)
def test_observed_rows_refer_to_the_scenario(name):
    sc = load(name)
    sids, iids = set(state_ids(sc)), set(institution_ids(sc))
    start, end = window(sc)
    rows = observed(name)
    assert rows
    for r in rows:
        assert list(r) == ["date", "kind", "state", "institution", "source"]
        assert r["kind"] in OBSERVED_KINDS, r
        assert r["institution"] in iids, r
        if r["kind"] in ("dissolve", "found"):
            assert r["state"] == "", r
        else:
            assert r["state"] in sids, r
            assert r["state"] in members(sc, r["institution"]), r
        assert start <= month_index(r["date"]) <= end, r
        assert r["source"].strip(), r


@pytest.mark.parametrize("name", FLAGSHIPS)
def test_observed_sequence_is_consistent(name):
    rows = observed(name)
    by_pair = {}
    for r in rows:
        if r["state"]:
            by_pair.setdefault((r["state"], r["institution"]), []).append(r)
    for pair, rs in by_pair.items():
        kinds = [r["kind"] for r in sorted(rs, key=lambda r: month_index(r["date"]))]
        assert kinds[0] == "announce", pair
        assert not ("exit" in kinds and "rescind" in kinds), pair


def test_observed_sahel_story():
    rows = observed("sahel_2022")
    exits = {(r["state"], r["institution"]) for r in rows if r["kind"] == "exit"}
    announced = {(r["state"], r["institution"]) for r in rows if r["kind"] == "announce"}
    aes = {"MLI", "BFA", "NER"}
    assert {s for s, i in announced if i == "ECOWAS"} == aes
    assert {s for s, i in announced if i == "ICC"} == aes
    assert {s for s, i in exits if i == "ECOWAS"} == aes
    assert [r["date"] for r in rows if r["kind"] == "found"] == ["2023-09-16"]
    assert [r["institution"] for r in rows if r["kind"] == "dissolve"] == ["G5S"]


def test_observed_icc_2016_story():
    rows = observed("icc_africa_2016")
    got = sorted((r["kind"], r["state"]) for r in rows)
    assert got == sorted([("announce", "ZAF"), ("announce", "BDI"), ("announce", "GMB"),
                          ("rescind", "GMB"), ("rescind", "ZAF"), ("exit", "BDI")])


@pytest.mark.parametrize("name", FLAGSHIPS)
def test_observed_exits_are_not_scheduled(name):
    """What the model must produce may not be put in as an input."""
    sc = load(name)
    observed_pairs = {(r["state"], r["institution"]) for r in observed(name) if r["state"]}
    observed_states = {s for s, _ in observed_pairs}
    for ev in sc.get("event", []):
        assert ev["kind"] not in ("force_exit", "announce", "exit", "rescind"), ev
        if ev["kind"] == "force_join":
            assert (ev["state"], ev["institution"]) not in observed_pairs, ev
    # No observed leaver starts the run outside an institution it is observed leaving.
    for state, inst in observed_pairs:
        assert state in members(sc, inst), (state, inst)
    assert observed_states  # the check above ran on something


# ------------------------------------------------------------------ documentation

@pytest.mark.parametrize("name", FLAGSHIPS)
def test_docs_mention_every_id(name):
    text = DOCS.read_text(encoding="utf-8")
    sc = load(name)
    ids = set(state_ids(sc)) | set(institution_ids(sc)) | {p["id"] for p in sc.get("patron", [])}
    missing = sorted(i for i in ids if not re.search(rf"\b{re.escape(i)}\b", text))
    assert not missing, f"docs/data-sources.md does not mention {missing}"
