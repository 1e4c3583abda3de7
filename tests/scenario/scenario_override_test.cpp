// --set overrides: applied to the parsed TOML before validation; bad paths are located in the
// override string (file "--set", line 1, column = where the bad part starts).
#include <gtest/gtest.h>

#include <cmath>

#include "scenario/scenario_loader.hpp"
#include "scenario_test_util.hpp"

namespace regsim {
namespace {

using scenario_test::kHeader;
using scenario_test::loadError;

const std::string kBase = kHeader + R"(
[model]
peer_weight = 0.1

[[state]]
id = "MLI"

[[state]]
id = "SEN"

[[institution]]
id = "ECOWAS"
members = "all"

[[institution]]
id = "AES"
latent = true

[[patron]]
id = "RUS"
)";

Scenario load(const std::vector<std::string>& overrides) {
    return loadScenarioText(kBase, "w.toml", overrides);
}

TEST(ScenarioOverrideTest, ValidOverridesChangeValues) {
    const Scenario sc = load({
        "model.peer_weight=0.3",
        "model.decision_sharpness=inf",
        "model.hazard_cap = 0.5",
        "scenario.steps=48",
        "scenario.axes=[\"west\", \"east\"]",
        "state.MLI.regime=\"military\"",
        "state.SEN.alignment=[0.1, -0.2]",
        "institution.ECOWAS.quorum=5",
        "institution.ECOWAS.benefit=2",
        "institution.AES.founding.min_founders=2",
        "patron.RUS.engagement.SEN=0.25",
        "patron.RUS.orientation=[1, 0]",
    });
    EXPECT_DOUBLE_EQ(sc.model.peer_weight, 0.3);
    EXPECT_TRUE(std::isinf(sc.model.decision_sharpness));
    EXPECT_DOUBLE_EQ(sc.model.hazard_cap, 0.5);
    EXPECT_EQ(sc.steps, 48u);
    EXPECT_EQ(sc.axes.size(), 2u);
    EXPECT_EQ(sc.states[0].regime, Regime::military);
    EXPECT_EQ(sc.states[1].alignment, (std::vector<double>{0.1, -0.2}));
    EXPECT_EQ(sc.institutions[0].quorum, 5u);
    EXPECT_DOUBLE_EQ(sc.institutions[0].benefit, 2.0);
    EXPECT_EQ(sc.institutions[1].founding.min_founders, 2u);
    EXPECT_EQ(sc.patrons[0].engagement, (std::vector<double>{0.0, 0.25}));
    EXPECT_EQ(sc.patrons[0].orientation, (std::vector<double>{1.0, 0.0}));
    // The recorded source text is the file's, unchanged.
    EXPECT_EQ(sc.source.text, kBase);
    // Later overrides win.
    EXPECT_DOUBLE_EQ(load({"model.rally=0.1", "model.rally=0.2"}).model.rally, 0.2);
}

TEST(ScenarioOverrideTest, AbsentTablesAndKeysCanBeSet) {
    const Scenario sc = load({"state_defaults.sovereignty=0.9", "network.kind=\"erdos_renyi\"",
                              "network.states=5", "scenario.seed=7"});
    ASSERT_TRUE(sc.network.has_value());
    EXPECT_EQ(sc.states.size(), 7u);
    EXPECT_DOUBLE_EQ(sc.states[6].sovereignty, 0.9);
    EXPECT_EQ(sc.seed, 7u);
    EXPECT_EQ(sc.institutions[0].members.size(), 7u);  // "all" includes generated states
}

TEST(ScenarioOverrideTest, UnknownTable) {
    const auto err = loadError(kBase, {"modle.peer_weight=1"});
    EXPECT_SCENARIO_ERROR(err, "--set", 1, 1, "modle.peer_weight", "did you mean 'model'?");
}

TEST(ScenarioOverrideTest, UnknownId) {
    const auto err = loadError(kBase, {"institution.XXX.quorum=3"});
    EXPECT_SCENARIO_ERROR(err, "--set", 1, 13, "institution.XXX.quorum",
                          "unknown institution id 'XXX'");
    const auto state = loadError(kBase, {"state.MLU.weight=3"});
    EXPECT_SCENARIO_ERROR(state, "--set", 1, 7, "state.MLU.weight", "did you mean 'MLI'?");
}

TEST(ScenarioOverrideTest, UnknownKey) {
    const auto err = loadError(kBase, {"institution.ECOWAS.quorom=3"});
    EXPECT_SCENARIO_ERROR(err, "--set", 1, 20, "institution.ECOWAS.quorom",
                          "did you mean 'quorum'?");
    const auto model = loadError(kBase, {"model.peer_wieght=3"});
    EXPECT_SCENARIO_ERROR(model, "--set", 1, 7, "model.peer_wieght", "did you mean 'peer_weight'?");
    const auto id = loadError(kBase, {"state.MLI.id=\"X\""});
    EXPECT_SCENARIO_ERROR(id, "--set", 1, 11, "state.MLI.id", "unknown key 'id'");
    const auto deep = loadError(kBase, {"state.MLI.weight.x=1"});
    EXPECT_SCENARIO_ERROR(deep, "--set", 1, 18, "state.MLI.weight.x", "has no sub-keys");
}

TEST(ScenarioOverrideTest, OutOfRangeValueIsLocatedInTheOverride) {
    const auto err = loadError(kBase, {"model.peer_weight=-1"});
    EXPECT_SCENARIO_ERROR(err, "--set", 1, 19, "model.peer_weight", "outside");
    const auto quorum = loadError(kBase, {"institution.ECOWAS.quorum=-1"});
    EXPECT_SCENARIO_ERROR(quorum, "--set", 1, 27, "institution.ECOWAS.quorum",
                          "-1 is outside [0, 4294967295]");
    const auto type = loadError(kBase, {"state.MLI.sovereignty=\"high\""});
    EXPECT_SCENARIO_ERROR(type, "--set", 1, 23, "state.MLI.sovereignty",
                          "expected a float, got a string");
    const auto steps = loadError(kBase, {"scenario.steps=0"});
    EXPECT_SCENARIO_ERROR(steps, "--set", 1, 16, "scenario.steps", "0 is outside [1, 4294967295]");
}

TEST(ScenarioOverrideTest, MalformedOverrides) {
    const auto no_eq = loadError(kBase, {"model.peer_weight"});
    EXPECT_SCENARIO_ERROR(no_eq, "--set", 1, 1, "model.peer_weight", "expected key.path=value");
    const auto bad_value = loadError(kBase, {"model.peer_weight=[1,"});
    EXPECT_SCENARIO_ERROR(bad_value, "--set", 1, 22, "model.peer_weight", "invalid value");
    const auto bare = loadError(kBase, {"state.MLI.regime=military"});
    EXPECT_SCENARIO_ERROR(bare, "--set", 1, 18, "state.MLI.regime", "invalid value");
    const auto empty = loadError(kBase, {"model..rally=1"});
    EXPECT_SCENARIO_ERROR(empty, "--set", 1, 7, "model..rally", "empty part");
    const auto short_path = loadError(kBase, {"state.MLI=1"});
    EXPECT_SCENARIO_ERROR(short_path, "--set", 1, 1, "state.MLI", "expected state.<ID>.<key>");
}

// A bare word that is no TOML value is most likely a string whose quotes were not typed (or
// were eaten by the shell): the message shows the override quoted.
TEST(ScenarioOverrideTest, BareWordValueSaysStringsNeedQuotes) {
    const auto regime = loadError(kBase, {"state.MLI.regime=military"});
    EXPECT_SCENARIO_ERROR(regime, "--set", 1, 18, "state.MLI.regime",
                          "; strings need quotes: --set 'state.MLI.regime=\"military\"'");
    const auto month = loadError(kBase, {"scenario.start = 2024-03 "});
    EXPECT_SCENARIO_ERROR(month, "--set", 1, 25, "scenario.start",
                          "; strings need quotes: --set 'scenario.start=\"2024-03\"'");
    const auto word = loadError(kBase, {"institution.ECOWAS.kind=trade_bloc"});
    EXPECT_SCENARIO_ERROR(word, "--set", 1, 27, "institution.ECOWAS.kind",
                          "--set 'institution.ECOWAS.kind=\"trade_bloc\"'");
    // Not a bare word: no guess.
    for (const char* o : {"model.peer_weight=[1,", "scenario.name=a b", "state.MLI.regime="}) {
        const auto err = loadError(kBase, {o});
        ASSERT_TRUE(err.has_value()) << o;
        EXPECT_EQ(err->message.find("need quotes"), std::string::npos) << err->what();
    }
}

TEST(ScenarioOverrideTest, OverridesApplyBeforeValidation) {
    // A file that is invalid alone is made valid by an override.
    const std::string bad = kHeader + "[model]\nhazard_cap = 3\n";
    EXPECT_TRUE(loadError(bad).has_value());
    EXPECT_DOUBLE_EQ(loadScenarioText(bad, "w.toml", {"model.hazard_cap=0.5"}).model.hazard_cap,
                     0.5);
}

// A ScenarioTemplate parses once and loads like loadScenarioText, point after point; an error
// from a template is located like one from loadScenarioText (the file's line, or the --set).
TEST(ScenarioTemplateTest, LoadsEqualLoadScenarioTextWithTheSameOverrides) {
    const ScenarioTemplate tmpl(kBase, "w.toml");
    const std::vector<std::vector<std::string>> points = {
        {},
        {"model.peer_weight=0.3", "institution.ECOWAS.benefit=2"},
        {"state.MLI.regime=\"military\"", "patron.RUS.engagement.SEN=0.25"},
        {"model.peer_weight=0.2"},
    };
    for (const auto& overrides : points) {
        const Scenario a = tmpl.load(overrides), b = load(overrides);
        EXPECT_EQ(resolvedParametersJson(a), resolvedParametersJson(b));
        EXPECT_EQ(a.source.text, b.source.text);
        EXPECT_EQ(a.source.path, b.source.path);
    }
    EXPECT_DOUBLE_EQ(tmpl.load().model.peer_weight, 0.1);  // earlier overrides did not stick

    const std::string bad_file = kHeader + "[model]\nhazard_cap = 3\n";
    const ScenarioTemplate bad(bad_file, "w.toml");
    try {
        (void)bad.load();
        FAIL() << "expected a ScenarioError";
    } catch (const ScenarioError& e) {
        const auto want = loadError(bad_file);
        ASSERT_TRUE(want.has_value());
        EXPECT_EQ(e.line, want->line);
        EXPECT_EQ(e.column, want->column);
        EXPECT_EQ(e.key, want->key);
        EXPECT_GT(e.line, 0);
    }
    try {
        (void)tmpl.load({"model.peer_weight=-1"});
        FAIL() << "expected a ScenarioError";
    } catch (const ScenarioError& e) {
        EXPECT_SCENARIO_ERROR(std::optional<ScenarioError>(e), "--set", 1, 19, "model.peer_weight",
                              "outside");
    }
    EXPECT_THROW(ScenarioTemplate("[model\n", "w.toml"), ScenarioError);
}

}  // namespace
}  // namespace regsim
