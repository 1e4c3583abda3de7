// Every kind of bad input gives a ScenarioError with the exact file, line, column and key.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/params.hpp"
#include "scenario/scenario_loader.hpp"
#include "scenario_test_util.hpp"

namespace regsim {
namespace {

using scenario_test::kHeader;
using scenario_test::loadError;

// Two states, one institution and a patron on lines 5..14; tests append from line 15 on.
const std::string kWorld = kHeader + R"([[state]]
id = "MLI"
[[state]]
id = "SEN"
[[institution]]
id = "ECOWAS"
members = ["MLI", "SEN"]
[[patron]]
id = "RUS"
# line 14
)";

TEST(ScenarioErrorTest, WhatHasFileLineColumnKeyMessage) {
    const ScenarioError e("west.toml", 12, 11, "institution[2].quorum",
                          "-1 is outside [0, 4294967295]");
    EXPECT_STREQ(e.what(), "west.toml:12:11: institution[2].quorum: -1 is outside [0, 4294967295]");
    const ScenarioError nofile("x.toml", 0, 0, "", "cannot read");
    EXPECT_STREQ(nofile.what(), "x.toml: cannot read");
}

TEST(ScenarioErrorTest, TomlSyntaxError) {
    const auto err = loadError(kHeader + "seed = = 3\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 5, 8, "", "TOML syntax error");
}

TEST(ScenarioErrorTest, MissingFile) {
    try {
        loadScenarioFile("/nonexistent/dir/x.toml");
        FAIL() << "no error";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.file, "/nonexistent/dir/x.toml");
        EXPECT_EQ(e.line, 0);
        EXPECT_EQ(e.column, 0);
        EXPECT_EQ(e.key, "");
        EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos);
    }
}

TEST(ScenarioErrorTest, UnknownKeySuggestsTheClosest) {
    const auto err = loadError(kWorld + "[[institution]]\nid = \"AES\"\nquorom = 3\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 17, 1, "institution.AES.quorom", "did you mean 'quorum'?");
    EXPECT_NE(err->message.find("valid keys: id, name, kind"), std::string::npos);
}

TEST(ScenarioErrorTest, UnknownKeyWithoutCloseMatchListsValidKeys) {
    const auto err = loadError(kHeader + "colour = \"red\"\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 5, 1, "scenario.colour", "valid keys: name,");
    EXPECT_EQ(err->message.find("did you mean"), std::string::npos);
}

TEST(ScenarioErrorTest, UnknownTopLevelTable) {
    const auto err = loadError(kHeader + "[modle]\npeer_weight = 1\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 5, 2, "modle", "did you mean 'model'?");
}

TEST(ScenarioErrorTest, UnknownModelKey) {
    const auto err = loadError(kHeader + "[model]\npeer_wieght = 1\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 6, 1, "model.peer_wieght", "did you mean 'peer_weight'?");
}

TEST(ScenarioErrorTest, WrongType) {
    const auto err = loadError(kHeader + "[[state]]\nid = \"MLI\"\nsovereignty = \"high\"\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 7, 15, "state.MLI.sovereignty",
                          "expected a float, got a string");
}

TEST(ScenarioErrorTest, FloatWhereIntegerExpected) {
    const auto err = loadError("[scenario]\nname = \"t\"\nstart = \"2022-01\"\nsteps = 1.5\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 4, 9, "scenario.steps",
                          "expected an integer, got a float");
}

TEST(ScenarioErrorTest, OutOfRangeInteger) {
    const auto err = loadError(kWorld +
                               "[[institution]]\nid = \"AES\"\nmembers = \"all\"\n"
                               "quorum = -1\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 18, 10, "institution.AES.quorum",
                          "-1 is outside [0, 4294967295]");
}

TEST(ScenarioErrorTest, OutOfRangeFloat) {
    const auto err = loadError(kHeader + "[[state]]\nid = \"MLI\"\nweight = 0\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 7, 10, "state.MLI.weight", "0 is outside (0, inf)");
}

TEST(ScenarioErrorTest, InfinityIsOutsideRangesOpenAtInfinity) {
    // (0, inf) excludes inf: an infinite weight would make club shares inf / inf = NaN.
    const auto weight = loadError(kHeader + "[[state]]\nid = \"MLI\"\nweight = inf\n");
    EXPECT_SCENARIO_ERROR(weight, "w.toml", 7, 10, "state.MLI.weight", "inf is outside (0, inf)");
    const auto degree =
        loadError(kHeader + "[network]\nkind = \"erdos_renyi\"\nstates = 5\nmean_degree = inf\n");
    EXPECT_SCENARIO_ERROR(degree, "w.toml", 8, 15, "network.mean_degree",
                          "inf is outside (0, inf)");
    const auto benefit = loadError(kWorld +
                                   "[[institution]]\nid = \"G\"\nmembers = \"all\"\n"
                                   "benefit = -inf\n");
    EXPECT_SCENARIO_ERROR(benefit, "w.toml", 18, 11, "institution.G.benefit",
                          "-inf is outside (-inf, inf)");
    // [model] ranges that include inf say so, in the same number format.
    const auto cap = loadError(kHeader + "[model]\nhazard_cap = 1.5\n");
    EXPECT_SCENARIO_ERROR(cap, "w.toml", 6, 14, "model.hazard_cap", "1.5 is outside [0, 1]");
    const auto sharp = loadError(kHeader + "[model]\ndecision_sharpness = -inf\n");
    EXPECT_SCENARIO_ERROR(sharp, "w.toml", 6, 22, "model.decision_sharpness",
                          "-inf is outside (0, inf]");
}

// nan is outside every range; the message names the range that holds (docs/scenarios.md),
// whether nan is written in the file or given with --set.
TEST(ScenarioErrorTest, NanInModelNamesTheRealRange) {
    const std::map<std::string, std::string> ranges = {
        {"peer_alignment_rate", "[0, 1]"},
        {"confidence_bound", "(0, inf]"},
        {"patron_pull", "[0, 1]"},
        {"institution_pull", "[0, 1]"},
        {"alignment_reversion", "[0, 1]"},
        {"alignment_noise", "[0, 10]"},
        {"sovereignty_reversion", "[0, 1]"},
        {"rally", "[0, 1]"},
        {"military_sovereignty_shift", "[-1, 1]"},
        {"club_exponent", "[0, 100]"},
        {"sanction_benefit_cut", "[0, 1]"},
        {"alignment_cost", "[0, 1e+06]"},
        {"peer_weight", "[0, 1e+06]"},
        {"linkage_weight", "[0, 1e+06]"},
        {"patron_opposition_weight", "[0, 1e+06]"},
        {"substitution_weight", "[0, 1e+06]"},
        {"status_quo_bias", "[-1e+06, 1e+06]"},
        {"decision_sharpness", "(0, inf]"},
        {"hazard_cap", "[0, 1]"},
        {"rescind_margin", "[0, 1e+06]"},
    };
    ASSERT_EQ(ranges.size(), modelFloatKeys().size());
    for (const auto& f : modelFloatKeys()) {
        const std::string key = f.key;
        ASSERT_EQ(ranges.count(key), 1u) << key;
        const std::string message = "nan is outside " + ranges.at(key);
        const auto in_file = loadError(kHeader + "[model]\n" + key + " = nan\n");
        EXPECT_SCENARIO_ERROR(in_file, "w.toml", 6, int(key.size()) + 4, "model." + key, message);
        EXPECT_EQ(in_file->message, message);
        const auto in_set = loadError(kHeader, {"model." + key + "=nan"});
        EXPECT_SCENARIO_ERROR(in_set, "--set", 1, int(key.size()) + 8, "model." + key, message);
        EXPECT_EQ(in_set->message, message);
    }
    const auto shift = loadError(kHeader + "[model]\nmilitary_alignment_shift = [nan]\n");
    EXPECT_SCENARIO_ERROR(shift, "w.toml", 6, 29, "model.military_alignment_shift[0]",
                          "nan is outside [-2, 2]");
    const auto big = loadError(kHeader + "[model]\nmilitary_alignment_shift = [3]\n");
    EXPECT_SCENARIO_ERROR(big, "w.toml", 6, 29, "model.military_alignment_shift[0]",
                          "3 is outside [-2, 2]");
}

// A month is the string "YYYY-MM"; unquoted, TOML reads 2024-03-01 as a date (and 2024-03 as
// a broken one): the message says how to write it.
TEST(ScenarioErrorTest, UnquotedMonthSaysMonthsAreStrings) {
    const std::string events = R"([[state]]
id = "MLI"
[[institution]]
id = "E"
members = ["MLI"]
[[event]]
kind = "coup"
state = "MLI"
)";  // lines 5..12; the event's date on line 13
    const auto start =
        loadError("[scenario]\nname = \"t\"\nstart = 2022-01-01\nsteps = 24\n" + events);
    EXPECT_SCENARIO_ERROR(start, "w.toml", 3, 9, "scenario.start",
                          "expected a string, got a date; months are written as strings "
                          "\"YYYY-MM\" (e.g. start = \"2022-01\")");
    const auto date = loadError(kHeader + events + "date = 2024-03-01\n");
    EXPECT_SCENARIO_ERROR(date, "w.toml", 13, 8, "event[0].date",
                          "got a date; months are written as strings \"YYYY-MM\" (e.g. date = "
                          "\"2024-03\")");
    const auto date_time = loadError(kHeader + events + "date = 2024-05-01T10:00:00\n");
    EXPECT_SCENARIO_ERROR(date_time, "w.toml", 13, 8, "event[0].date",
                          "got a date-time; months are written as strings \"YYYY-MM\" (e.g. "
                          "date = \"2024-05\")");
    const auto time = loadError(kHeader + events + "date = 10:00:00\n");
    EXPECT_SCENARIO_ERROR(time, "w.toml", 13, 8, "event[0].date",
                          "got a time; months are written as strings \"YYYY-MM\"");
    const auto broken = loadError(kHeader + events + "date = 2024-03\n");
    EXPECT_SCENARIO_ERROR(broken, "w.toml", 13, 15, "", "TOML syntax error");
    EXPECT_SCENARIO_ERROR(broken, "w.toml", 13, 15, "",
                          "; months are written as strings \"YYYY-MM\" (e.g. start = \"2024-03\")");
    // Only where a month belongs, and only for a date-like value.
    const auto name = loadError(kHeader + "[[state]]\nid = \"MLI\"\nname = 2024-03-01\n");
    EXPECT_SCENARIO_ERROR(name, "w.toml", 7, 8, "state.MLI.name", "expected a string, got a date");
    EXPECT_EQ(name->message.find("months"), std::string::npos) << name->what();
    const auto number = loadError(kHeader + events + "date = 202403\n");
    EXPECT_SCENARIO_ERROR(number, "w.toml", 13, 8, "event[0].date", "got an integer");
    EXPECT_EQ(number->message.find("months"), std::string::npos) << number->what();
}

TEST(ScenarioErrorTest, AtMostSixteenAxes) {
    std::string axes = "axes = [";
    for (int k = 0; k < 17; ++k) axes += (k ? ", \"a" : "\"a") + std::to_string(k) + "\"";
    const auto err = loadError(kHeader + axes + "]\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 5, 8, "scenario.axes", "17 axes; at most 16");
}

TEST(ScenarioErrorTest, AlignmentNeedsOneValuePerAxis) {
    const auto err = loadError(kHeader + "[[state]]\nid = \"MLI\"\nalignment = [0.1, 0.2]\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 7, 13, "state.MLI.alignment",
                          "expected 1 values (one per axis: west), got 2");
    const auto elem = loadError(kHeader + "[[state]]\nid = \"MLI\"\nalignment = [1.5]\n");
    EXPECT_SCENARIO_ERROR(elem, "w.toml", 7, 14, "state.MLI.alignment[0]",
                          "1.5 is outside [-1, 1]");
}

TEST(ScenarioErrorTest, ModelValidateIsMappedToTheKey) {
    const auto err = loadError(kHeader + "[model]\nhazard_cap = 2\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 6, 14, "model.hazard_cap", "outside");
    const auto shift = loadError(kHeader + "[model]\nmilitary_alignment_shift = [0.1, 0.2]\n");
    EXPECT_SCENARIO_ERROR(shift, "w.toml", 6, 28, "model.military_alignment_shift", "one per axis");
    const auto sharp = loadError(kHeader + "[model]\ndecision_sharpness = 0\n");
    EXPECT_SCENARIO_ERROR(sharp, "w.toml", 6, 22, "model.decision_sharpness",
                          "0 is outside (0, inf]");
}

TEST(ScenarioErrorTest, UnknownMemberId) {
    const auto err =
        loadError(kWorld + "[[institution]]\nid = \"AES\"\nmembers = [\"MLI\", \"XXX\"]\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 17, 19, "institution.AES.members[1]",
                          "unknown state 'XXX'");
    const auto close = loadError(kWorld + "[[institution]]\nid = \"AES\"\nmembers = [\"MLU\"]\n");
    EXPECT_SCENARIO_ERROR(close, "w.toml", 17, 12, "institution.AES.members[0]",
                          "did you mean 'MLI'?");
}

TEST(ScenarioErrorTest, DuplicateIds) {
    const auto state = loadError(kWorld + "[[state]]\nid = \"MLI\"\n");
    EXPECT_SCENARIO_ERROR(state, "w.toml", 16, 6, "state[2].id", "duplicate state id 'MLI'");
    const auto inst = loadError(kWorld + "[[institution]]\nid = \"ECOWAS\"\nmembers = \"all\"\n");
    EXPECT_SCENARIO_ERROR(inst, "w.toml", 16, 6, "institution[1].id",
                          "duplicate institution id 'ECOWAS'");
    const auto bad = loadError(kHeader + "[[state]]\nid = \"M L\"\n");
    EXPECT_SCENARIO_ERROR(bad, "w.toml", 6, 6, "state[0].id", "not a valid id");
    const auto twice =
        loadError(kWorld + "[[institution]]\nid = \"A\"\nmembers = [\"MLI\", \"MLI\"]\n");
    EXPECT_SCENARIO_ERROR(twice, "w.toml", 17, 19, "institution.A.members[1]", "listed twice");
}

TEST(ScenarioErrorTest, EmptyMemberList) {
    const auto err = loadError(kWorld + "[[institution]]\nid = \"AES\"\nmembers = []\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 17, 11, "institution.AES.members", "empty member list");
}

TEST(ScenarioErrorTest, MissingRequiredKeys) {
    const auto steps = loadError("[scenario]\nname = \"t\"\nstart = \"2022-01\"\n");
    EXPECT_SCENARIO_ERROR(steps, "w.toml", 1, 1, "scenario.steps", "missing required key 'steps'");
    const auto scenario = loadError("[model]\n");
    EXPECT_SCENARIO_ERROR(scenario, "w.toml", 1, 1, "scenario", "missing required table");
    // An array-of-tables element is located at its [[header]].
    const auto id = loadError(kWorld + "\n[[state]]\nname = \"Mali\"\n");
    EXPECT_SCENARIO_ERROR(id, "w.toml", 16, 1, "state[2].id", "missing required key 'id'");
    const auto members = loadError(kWorld + "[[institution]]\nid = \"AES\"\n");
    EXPECT_SCENARIO_ERROR(members, "w.toml", 15, 1, "institution.AES.members",
                          "missing required key 'members'");
}

TEST(ScenarioErrorTest, StartMustBeAMonth) {
    const auto err = loadError("[scenario]\nname = \"t\"\nstart = \"2022-13\"\nsteps = 2\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 3, 9, "scenario.start", "YYYY-MM");
}

TEST(ScenarioErrorTest, ArrayOfTablesExpected) {
    const auto err = loadError(kHeader + "[state]\nid = \"MLI\"\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 5, 1, "state", "expected an array of tables ([[state]])");
}

TEST(ScenarioErrorTest, LatentRules) {
    const auto members =
        loadError(kWorld + "[[institution]]\nid = \"AES\"\nlatent = true\nmembers = [\"MLI\"]\n");
    EXPECT_SCENARIO_ERROR(members, "w.toml", 18, 11, "institution.AES.members", "latent");
    const auto founding = loadError(kWorld +
                                    "[[institution]]\nid = \"AES\"\nmembers = \"all\"\n"
                                    "founding = { min_founders = 2 }\n");
    EXPECT_SCENARIO_ERROR(founding, "w.toml", 18, 12, "institution.AES.founding",
                          "only allowed when latent");
    const auto sub = loadError(kWorld +
                               "[[institution]]\nid = \"AES\"\nlatent = true\n"
                               "founding = { min_founder = 2 }\n");
    EXPECT_SCENARIO_ERROR(sub, "w.toml", 18, 14, "institution.AES.founding.min_founder",
                          "did you mean 'min_founders'?");
    // An empty list would read as "every state", the default of leaving the key out.
    const auto none = loadError(kWorld +
                                "[[institution]]\nid = \"AES\"\nlatent = true\n"
                                "founding = { candidates = [] }\n");
    EXPECT_SCENARIO_ERROR(none, "w.toml", 18, 27, "institution.AES.founding.candidates",
                          "needs at least one state");
    // A candidate is outside the bloc until it is founded: no initial status or sanction.
    const std::string latent = kWorld + "[[institution]]\nid = \"AES\"\nlatent = true\n";
    for (const char* key : {"status = \"suspended\"", "sanction = 0.5"}) {
        const auto err = loadError(latent +
                                   "[[membership]]\nstate = \"MLI\"\ninstitution = "
                                   "\"AES\"\n" +
                                   key + "\n");
        const std::string k(key, std::string(key).find(' '));
        EXPECT_SCENARIO_ERROR(err, "w.toml", 21, int(k.size()) + 4, "membership[0]." + k,
                              "outside latent 'AES' until it is founded");
    }
}

TEST(ScenarioErrorTest, MembershipRules) {
    const std::string base = kWorld + "[[institution]]\nid = \"G5\"\nmembers = [\"MLI\"]\n";
    // lines 15..17 above; membership from line 18.
    const auto not_member =
        loadError(base + "[[membership]]\nstate = \"SEN\"\ninstitution = \"G5\"\n");
    EXPECT_SCENARIO_ERROR(not_member, "w.toml", 19, 9, "membership[0].state",
                          "'SEN' is not a member of 'G5'");
    const auto dup = loadError(base + "[[membership]]\nstate = \"MLI\"\ninstitution = \"G5\"\n" +
                               "[[membership]]\nstate = \"MLI\"\ninstitution = \"G5\"\n");
    EXPECT_SCENARIO_ERROR(dup, "w.toml", 21, 1, "membership[1]", "duplicate membership");
    const auto status = loadError(base + "[[membership]]\nstate = \"MLI\"\ninstitution = \"G5\"\n" +
                                  "status = \"withdrawn\"\n");
    EXPECT_SCENARIO_ERROR(status, "w.toml", 21, 10, "membership[0].status",
                          "is not one of member, suspended");
}

TEST(ScenarioErrorTest, TieLinkSubstitutionRules) {
    const auto tie = loadError(kWorld + "[[tie]]\na = \"MLI\"\nb = \"MLI\"\n");
    EXPECT_SCENARIO_ERROR(tie, "w.toml", 17, 5, "tie[0].b", "two distinct states");
    const auto link = loadError(kWorld + "[[link]]\nfrom = \"ECOWAS\"\nto = \"AU\"\n");
    EXPECT_SCENARIO_ERROR(link, "w.toml", 17, 6, "link[0].to", "unknown institution 'AU'");
    const auto sub = loadError(kWorld + "[[substitution]]\nalternative = \"ECOWAS\"\n");
    EXPECT_SCENARIO_ERROR(sub, "w.toml", 15, 1, "substitution[0].replaces", "missing required key");
    const auto weight =
        loadError(kWorld + "[[link]]\nfrom = \"ECOWAS\"\nto = \"ECOWAS\"\nweight = -1\n");
    EXPECT_SCENARIO_ERROR(weight, "w.toml", 17, 6, "link[0].to", "two distinct institutions");
}

TEST(ScenarioErrorTest, PatronEngagementNamesStates) {
    const auto err =
        loadError(kWorld + "[[patron]]\nid = \"FRA\"\nengagement = { SEN = 1, XXX = 2 }\n");
    EXPECT_SCENARIO_ERROR(err, "w.toml", 17, 25, "patron.FRA.engagement.XXX",
                          "unknown state 'XXX'");
    const auto neg = loadError(kWorld + "[[patron]]\nid = \"FRA\"\nengagement = { SEN = -1 }\n");
    EXPECT_SCENARIO_ERROR(neg, "w.toml", 17, 22, "patron.FRA.engagement.SEN", "outside [0, inf)");
    const auto dup = loadError(kWorld + "[[patron]]\nid = \"RUS\"\n");
    EXPECT_SCENARIO_ERROR(dup, "w.toml", 16, 6, "patron[1].id", "duplicate patron id 'RUS'");
}

TEST(ScenarioErrorTest, EventDateBeforeTheRunIsAnErrorAfterItIsDropped) {
    const auto before =
        loadError(kWorld + "[[event]]\ndate = \"2021-12\"\nkind = \"coup\"\nstate = \"MLI\"\n");
    EXPECT_SCENARIO_ERROR(before, "w.toml", 16, 8, "event[0].date",
                          "2021-12 is before the run's start 2022-01");
    const auto negative =
        loadError(kWorld + "[[event]]\nstep = -1\nkind = \"coup\"\nstate = \"MLI\"\n");
    EXPECT_SCENARIO_ERROR(negative, "w.toml", 16, 8, "event[0].step", "outside [0,");
    // After the horizon (a run shortened with --steps): validated, counted, not run.
    const auto after = loadScenarioText(
        kWorld + "[[event]]\ndate = \"2024-01\"\nkind = \"coup\"\nstate = \"MLI\"\n" +
            "[[event]]\nstep = 3\nkind = \"coup\"\nstate = \"MLI\"\n",
        "w.toml");
    ASSERT_EQ(after.events.size(), 1u);
    EXPECT_EQ(after.events[0].step, 3u);
    EXPECT_EQ(after.events_after_horizon, 1u);
    const auto bad_after =
        loadError(kWorld + "[[event]]\ndate = \"2024-01\"\nkind = \"coup\"\nstate = \"XXX\"\n");
    EXPECT_SCENARIO_ERROR(bad_after, "w.toml", 18, 9, "event[0].state", "unknown state 'XXX'");
    const auto both = loadError(kWorld +
                                "[[event]]\nstep = 1\ndate = \"2022-02\"\nkind = \"coup\"\n"
                                "state = \"MLI\"\n");
    EXPECT_SCENARIO_ERROR(both, "w.toml", 16, 8, "event[0].step", "not both");
    const auto none = loadError(kWorld + "[[event]]\nkind = \"coup\"\nstate = \"MLI\"\n");
    EXPECT_SCENARIO_ERROR(none, "w.toml", 15, 1, "event[0].date", "missing 'date'");
}

TEST(ScenarioErrorTest, EventKindRules) {
    const auto missing = loadError(kWorld + "[[event]]\nstep = 1\nkind = \"coup\"\n");
    EXPECT_SCENARIO_ERROR(missing, "w.toml", 15, 1, "event[0].state",
                          "missing required key 'state'");
    const auto extra = loadError(kWorld +
                                 "[[event]]\nstep = 1\nkind = \"coup\"\nstate = \"MLI\"\n"
                                 "institution = \"ECOWAS\"\n");
    EXPECT_SCENARIO_ERROR(extra, "w.toml", 19, 1, "event[0].institution",
                          "unknown key 'institution' in a 'coup' event");
    const auto kind = loadError(kWorld + "[[event]]\nstep = 1\nkind = \"copu\"\n");
    EXPECT_SCENARIO_ERROR(kind, "w.toml", 17, 8, "event[0].kind", "did you mean 'coup'?");
    const auto no_kind = loadError(kWorld + "[[event]]\nstep = 1\n");
    EXPECT_SCENARIO_ERROR(no_kind, "w.toml", 15, 1, "event[0].kind", "missing required key 'kind'");
    const auto value = loadError(kWorld +
                                 "[[event]]\nstep = 1\nkind = \"patron_engagement\"\n"
                                 "patron = \"RUS\"\nstate = \"MLI\"\n");
    EXPECT_SCENARIO_ERROR(value, "w.toml", 15, 1, "event[0].value", "missing required key 'value'");
    const auto param = loadError(kWorld +
                                 "[[event]]\nstep = 1\nkind = \"institution_param\"\n"
                                 "institution = \"ECOWAS\"\nparam = \"quorum\"\n"
                                 "value = 1.5\n");
    EXPECT_SCENARIO_ERROR(param, "w.toml", 20, 9, "event[0].value", "expected an integer");
    const auto sanction = loadError(kWorld +
                                    "[[event]]\nstep = 1\nkind = \"sanction\"\n"
                                    "institution = \"ECOWAS\"\nstate = \"MLI\"\n"
                                    "value = 2\n");
    EXPECT_SCENARIO_ERROR(sanction, "w.toml", 20, 9, "event[0].value", "2 is outside [0, 1]");
    const auto patron = loadError(kWorld +
                                  "[[event]]\nstep = 1\nkind = \"patron_engagement\"\n"
                                  "patron = \"CHN\"\nstate = \"MLI\"\nvalue = 1\n");
    EXPECT_SCENARIO_ERROR(patron, "w.toml", 18, 10, "event[0].patron", "unknown patron 'CHN'");
    // A sanction, lift or forced exit of a pair that never is a membership does nothing.
    const std::string small = kWorld + "[[institution]]\nid = \"ICC\"\nmembers = [\"SEN\"]\n";
    for (const char* kind : {"sanction", "lift_sanction", "force_exit"}) {
        const auto none = loadError(small + "[[event]]\nstep = 1\nkind = \"" + kind +
                                    "\"\ninstitution = \"ICC\"\nstate = \"MLI\"\n");
        EXPECT_SCENARIO_ERROR(none, "w.toml", 22, 9, "event[0].state",
                              "'MLI' is never a member of 'ICC'");
    }
    // ... but a force_join target (even one joined later in the file) is.
    EXPECT_FALSE(loadError(small +
                           "[[event]]\nstep = 1\nkind = \"sanction\"\ninstitution = \"ICC\"\n"
                           "state = \"MLI\"\n[[event]]\nstep = 2\nkind = \"force_join\"\n"
                           "institution = \"ICC\"\nstate = \"MLI\"\n")
                     .has_value());
}

TEST(ScenarioErrorTest, NetworkRules) {
    const auto kind = loadError(kHeader + "[network]\nkind = \"random\"\nstates = 5\n");
    EXPECT_SCENARIO_ERROR(kind, "w.toml", 6, 8, "network.kind", "is not one of erdos_renyi");
    const auto states = loadError(kHeader + "[network]\nkind = \"erdos_renyi\"\n");
    EXPECT_SCENARIO_ERROR(states, "w.toml", 5, 1, "network.states", "missing required key");
    const auto small = loadError(kHeader + "[network]\nkind = \"erdos_renyi\"\nstates = 1\n");
    EXPECT_SCENARIO_ERROR(small, "w.toml", 7, 10, "network.states", "1 is outside [2, 4294967295]");
    // A key of another kind would be ignored: an error naming the kind's own keys.
    const auto rewiring =
        loadError(kHeader + "[network]\nkind = \"erdos_renyi\"\nstates = 5\nrewiring = 0.5\n");
    EXPECT_SCENARIO_ERROR(rewiring, "w.toml", 8, 12, "network.rewiring",
                          "not used by kind 'erdos_renyi'; it uses states, mean_degree, weight, "
                          "seed");
    const auto degree =
        loadError(kHeader + "[network]\nkind = \"edge_list\"\npath = \"e.csv\"\nmean_degree = 7\n");
    EXPECT_SCENARIO_ERROR(degree, "w.toml", 8, 15, "network.mean_degree",
                          "not used by kind 'edge_list'");
    const auto path = loadError(kHeader + "[network]\nkind = \"graphml\"\n");
    EXPECT_SCENARIO_ERROR(path, "w.toml", 5, 1, "network.path", "missing required key 'path'");
    // Generated ids run S0..S4: S5 and S05 are unknown, and the message names the range.
    for (const char* id : {"S5", "S05"}) {
        const auto unknown = loadError(kHeader +
                                       "[network]\nkind = \"erdos_renyi\"\nstates = 5\n"
                                       "[[institution]]\nid = \"I\"\nmembers = [\"S0\", \"" +
                                       id + "\"]\n");
        EXPECT_SCENARIO_ERROR(unknown, "w.toml", 10, 18, "institution.I.members[1]",
                              std::string("unknown state '") + id + "'");
        EXPECT_NE(unknown->message.find("S0..S4"), std::string::npos) << unknown->what();
    }
}

}  // namespace
}  // namespace regsim
