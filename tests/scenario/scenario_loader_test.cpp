#include "scenario/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "scenario_test_util.hpp"

namespace regsim {
namespace {

using scenario_test::kHeader;
using scenario_test::loadError;

const std::string kFull = R"([scenario]
name = "west"
description = "test world"
start = "2022-03"
steps = 36
replicates = 5
seed = 42
axes = ["west", "russia"]

[model]
peer_weight = 0.5
decision_sharpness = inf
hazard_cap = 1
military_alignment_shift = [-0.5, 0.4]
linkage_counts_announcements = true

[[state]]
id = "MLI"
name = "Mali"
sovereignty = 0.7
alignment = [0.1, -0.2]
regime = "military"
weight = 2.5

[[state]]
id = "SEN"
sovereignty = 0.4
sovereignty_baseline = 0.3
alignment_baseline = [0.5, 0.5]

[[state]]
id = "BFA"
regime = "military"

[[institution]]
id = "ECOWAS"
name = "Economic Community"
orientation = [0.5, -0.1]
benefit = 1.2
sovereignty_cost = 0.3
notice_months = 12
democracy_clause = true
sanction = 0.6
quorum = 2
members = "all"

[[institution]]
id = "AES"
kind = "alliance"
coordinated_exit = true
coordination_share = 0.75
latent = true
founding = { candidates = ["MLI", "BFA"], min_founders = 2, require_connected = false }

[[institution]]
id = "G5"
members = ["BFA", "MLI"]

[[membership]]
state = "MLI"
institution = "ECOWAS"
status = "suspended"
sanction = 0.5
benefit = -1

[[membership]]
state = "BFA"
institution = "AES"
sovereignty_cost = 0.1

[[tie]]
a = "MLI"
b = "BFA"
weight = 2

[[tie]]
a = "SEN"
b = "MLI"

[[link]]
from = "G5"
to = "ECOWAS"
weight = 0.5

[[substitution]]
alternative = "AES"
replaces = "ECOWAS"

[[patron]]
id = "RUS"
name = "Russia"
orientation = [-1, 1]
engagement = { MLI = 0.8, BFA = 0.5 }

[[patron]]
id = "FRA"

[[event]]
date = "2023-03"
kind = "force_exit"
state = "random"
institution = "G5"

[[event]]
step = 2
kind = "coup"
state = "BFA"

[[event]]
date = "2022-05"
kind = "sanction"
state = "BFA"
institution = "ECOWAS"

[[event]]
step = 12
kind = "institution_param"
institution = "ECOWAS"
param = "notice_months"
value = 6

[[event]]
step = 2
kind = "patron_engagement"
patron = "RUS"
state = "BFA"
value = 0.9

[[event]]
date = "2025-02"
kind = "force_join"
state = "SEN"
institution = "AES"

[[event]]
step = 30
kind = "lift_sanction"
state = "BFA"
institution = "ECOWAS"

[[event]]
step = 31
kind = "transition"
state = "MLI"

[[event]]
step = 31
kind = "institution_param"
institution = "G5"
param = "democracy_clause"
value = true
)";

TEST(ScenarioLoaderTest, FullScenarioFillsEveryField) {
    const Scenario sc = loadScenarioText(kFull, "dir/full.toml");
    EXPECT_EQ(sc.name, "west");
    EXPECT_EQ(sc.description, "test world");
    EXPECT_EQ(sc.start_year, 2022);
    EXPECT_EQ(sc.start_month, 3);
    EXPECT_EQ(sc.steps, 36u);
    EXPECT_EQ(sc.replicates, 5u);
    EXPECT_EQ(sc.seed, 42u);
    EXPECT_EQ(sc.axes, (std::vector<std::string>{"west", "russia"}));
    EXPECT_EQ(sc.source.path, "dir/full.toml");
    EXPECT_EQ(sc.source.text, kFull);
    EXPECT_FALSE(sc.network.has_value());

    // Model: given values, inf, integer for a float, defaults for the rest.
    EXPECT_DOUBLE_EQ(sc.model.peer_weight, 0.5);
    EXPECT_TRUE(std::isinf(sc.model.decision_sharpness));
    EXPECT_DOUBLE_EQ(sc.model.hazard_cap, 1.0);
    EXPECT_EQ(sc.model.military_alignment_shift, (std::vector<double>{-0.5, 0.4}));
    EXPECT_TRUE(sc.model.linkage_counts_announcements);
    EXPECT_DOUBLE_EQ(sc.model.linkage_weight, 0.0);
    EXPECT_TRUE(std::isinf(sc.model.confidence_bound));

    ASSERT_EQ(sc.states.size(), 3u);
    const auto& mli = sc.states[0];
    EXPECT_EQ(sc.states.id(0), "MLI");
    EXPECT_EQ(sc.states.name(0), "Mali");
    EXPECT_DOUBLE_EQ(mli.sovereignty, 0.7);
    EXPECT_DOUBLE_EQ(mli.sovereignty_baseline, 0.7);  // defaults to sovereignty
    EXPECT_EQ(mli.alignment, (std::vector<double>{0.1, -0.2}));
    EXPECT_EQ(mli.alignment_baseline, mli.alignment);  // defaults to alignment
    EXPECT_EQ(mli.regime, Regime::military);
    EXPECT_DOUBLE_EQ(mli.weight, 2.5);
    const auto& sen = sc.states[1];
    EXPECT_EQ(sc.states.name(1), "SEN");
    EXPECT_DOUBLE_EQ(sen.sovereignty_baseline, 0.3);
    EXPECT_EQ(sen.alignment, (std::vector<double>{0.0, 0.0}));
    EXPECT_EQ(sen.alignment_baseline, (std::vector<double>{0.5, 0.5}));
    EXPECT_EQ(sen.regime, Regime::civilian);
    EXPECT_DOUBLE_EQ(sen.weight, 1.0);
    EXPECT_DOUBLE_EQ(sc.states[2].sovereignty, 0.5);

    ASSERT_EQ(sc.institutions.size(), 3u);
    const auto& eco = sc.institutions[0];
    EXPECT_EQ(eco.name, "Economic Community");
    EXPECT_EQ(eco.kind, "regional");
    EXPECT_EQ(eco.orientation, (std::vector<double>{0.5, -0.1}));
    EXPECT_DOUBLE_EQ(eco.benefit, 1.2);
    EXPECT_DOUBLE_EQ(eco.sovereignty_cost, 0.3);
    EXPECT_EQ(eco.notice_months, 12u);
    EXPECT_TRUE(eco.democracy_clause);
    EXPECT_DOUBLE_EQ(eco.sanction, 0.6);
    EXPECT_EQ(eco.quorum, 2u);
    EXPECT_FALSE(eco.latent);
    EXPECT_EQ(eco.members, (std::vector<StateIndex>{0, 1, 2}));  // "all"
    const auto& aes = sc.institutions[1];
    EXPECT_EQ(aes.kind, "alliance");
    EXPECT_TRUE(aes.coordinated_exit);
    EXPECT_DOUBLE_EQ(aes.coordination_share, 0.75);
    EXPECT_TRUE(aes.latent);
    EXPECT_TRUE(aes.members.empty());
    EXPECT_EQ(aes.founding.candidates, (std::vector<StateIndex>{0, 2}));
    EXPECT_EQ(aes.founding.min_founders, 2u);
    EXPECT_TRUE(aes.founding.require_military);
    EXPECT_TRUE(aes.founding.require_suspended);
    EXPECT_FALSE(aes.founding.require_connected);
    const auto& g5 = sc.institutions[2];
    EXPECT_EQ(g5.members, (std::vector<StateIndex>{2, 0}));
    EXPECT_DOUBLE_EQ(g5.coordination_share, 0.5);
    EXPECT_EQ(g5.orientation, (std::vector<double>{0.0, 0.0}));

    ASSERT_EQ(sc.memberships.size(), 2u);
    EXPECT_EQ(sc.memberships[0].state, 0u);
    EXPECT_EQ(sc.memberships[0].institution, 0u);
    EXPECT_EQ(sc.memberships[0].status, MembershipStatus::suspended);
    EXPECT_DOUBLE_EQ(sc.memberships[0].sanction, 0.5);
    EXPECT_EQ(sc.memberships[0].benefit, -1.0);
    EXPECT_FALSE(sc.memberships[0].sovereignty_cost.has_value());
    EXPECT_EQ(sc.memberships[1].institution, 1u);
    EXPECT_EQ(sc.memberships[1].status, MembershipStatus::member);
    EXPECT_EQ(sc.memberships[1].sovereignty_cost, 0.1);

    ASSERT_EQ(sc.ties.size(), 2u);
    EXPECT_EQ(sc.ties[0].a, 0u);
    EXPECT_EQ(sc.ties[0].b, 2u);
    EXPECT_DOUBLE_EQ(sc.ties[0].weight, 2.0);
    EXPECT_EQ(sc.ties[1].a, 1u);
    EXPECT_DOUBLE_EQ(sc.ties[1].weight, 1.0);
    ASSERT_EQ(sc.links.size(), 1u);
    EXPECT_EQ(sc.links[0].from, 2u);
    EXPECT_EQ(sc.links[0].to, 0u);
    EXPECT_DOUBLE_EQ(sc.links[0].weight, 0.5);
    ASSERT_EQ(sc.substitutions.size(), 1u);
    EXPECT_EQ(sc.substitutions[0].alternative, 1u);
    EXPECT_EQ(sc.substitutions[0].replaces, 0u);
    EXPECT_DOUBLE_EQ(sc.substitutions[0].weight, 1.0);

    ASSERT_EQ(sc.patrons.size(), 2u);
    EXPECT_EQ(sc.patrons[0].name, "Russia");
    EXPECT_EQ(sc.patrons[0].orientation, (std::vector<double>{-1.0, 1.0}));
    EXPECT_EQ(sc.patrons[0].engagement, (std::vector<double>{0.8, 0.0, 0.5}));
    EXPECT_EQ(sc.patrons[1].name, "FRA");
    EXPECT_EQ(sc.patrons[1].engagement, (std::vector<double>{0.0, 0.0, 0.0}));

    // Sorted by step; file order within a step.
    ASSERT_EQ(sc.events.size(), 9u);
    const auto& ev = sc.events;
    EXPECT_EQ(ev[0].kind, EventKind::coup);
    EXPECT_EQ(ev[0].step, 2u);
    EXPECT_EQ(ev[0].state, 2u);
    EXPECT_EQ(ev[0].institution, kNone);
    EXPECT_EQ(ev[1].kind, EventKind::sanction);
    EXPECT_EQ(ev[1].step, 2u);  // 2022-05 from a 2022-03 start
    EXPECT_EQ(ev[1].institution, 0u);
    EXPECT_DOUBLE_EQ(ev[1].value, 0.6);  // the institution's sanction
    EXPECT_EQ(ev[2].kind, EventKind::patron_engagement);
    EXPECT_EQ(ev[2].patron, 0u);
    EXPECT_EQ(ev[2].state, 2u);
    EXPECT_DOUBLE_EQ(ev[2].value, 0.9);
    EXPECT_EQ(ev[3].kind, EventKind::force_exit);
    EXPECT_EQ(ev[3].step, 12u);
    EXPECT_TRUE(ev[3].random_state);
    EXPECT_EQ(ev[3].state, kNone);
    EXPECT_EQ(ev[3].institution, 2u);
    EXPECT_EQ(ev[4].kind, EventKind::institution_param);
    EXPECT_EQ(ev[4].param, InstitutionParam::notice_months);
    EXPECT_DOUBLE_EQ(ev[4].value, 6.0);
    EXPECT_EQ(ev[5].kind, EventKind::lift_sanction);
    EXPECT_EQ(ev[5].step, 30u);
    EXPECT_EQ(ev[6].kind, EventKind::transition);
    EXPECT_EQ(ev[6].state, 0u);
    EXPECT_EQ(ev[7].kind, EventKind::institution_param);
    EXPECT_EQ(ev[7].param, InstitutionParam::democracy_clause);
    EXPECT_DOUBLE_EQ(ev[7].value, 1.0);
    EXPECT_EQ(ev[8].kind, EventKind::force_join);
    EXPECT_EQ(ev[8].step, 35u);  // 2025-02 is the last month
    EXPECT_EQ(ev[8].state, 1u);
    EXPECT_EQ(ev[8].institution, 1u);
}

TEST(ScenarioLoaderTest, MinimalScenarioUsesDefaults) {
    const Scenario sc = loadScenarioText(kHeader, "min.toml");
    EXPECT_EQ(sc.replicates, 1u);
    EXPECT_EQ(sc.seed, 1u);
    EXPECT_EQ(sc.axes, (std::vector<std::string>{"west"}));
    EXPECT_EQ(sc.description, "");
    EXPECT_TRUE(sc.states.empty());
    EXPECT_TRUE(sc.events.empty());
    EXPECT_EQ(sc.model.validate(1), "");
}

TEST(ScenarioLoaderTest, ResolvedParametersJsonIsCompleteAndDeterministic) {
    const Scenario a = loadScenarioText(kFull, "full.toml");
    const Scenario b = loadScenarioText(kFull, "full.toml");
    const std::string json = resolvedParametersJson(a);
    EXPECT_EQ(json, resolvedParametersJson(b));
    for (const char* part : {
             R"("scenario":{"name":"west","description":"test world","start":"2022-03")",
             R"("axes":["west","russia"])",
             R"("peer_weight":0.5)",
             R"("decision_sharpness":"inf")",
             R"("military_alignment_shift":[-0.5,0.4])",
             R"("state_count":3)",
             R"({"id":"MLI","name":"Mali","sovereignty":0.7)",
             R"("members":["MLI","SEN","BFA"])",
             R"("founding":{"candidates":["MLI","BFA"],"min_founders":2)",
             R"("engagement":{"MLI":0.8,"BFA":0.5})",
             R"({"step":12,"date":"2023-03","kind":"force_exit","state":"random")",
             R"("param":"notice_months","value":6)",
             R"("network":null)",
         }) {
        EXPECT_NE(json.find(part), std::string::npos) << part << "\n" << json;
    }
    // Key order is fixed: scenario first, events last.
    EXPECT_EQ(json.rfind("{\"scenario\":", 0), 0u);
    EXPECT_LT(json.find("\"model\""), json.find("\"institutions\""));
    EXPECT_LT(json.find("\"patrons\""), json.find("\"events\""));
}

TEST(ScenarioLoaderTest, DescribeSummarisesCountsAndEvents) {
    const std::string text = describeScenario(loadScenarioText(kFull, "full.toml"));
    EXPECT_NE(text.find("States: 3 (2 under military rule)"), std::string::npos) << text;
    EXPECT_NE(text.find("ECOWAS (Economic Community) [regional]: 3 members"), std::string::npos)
        << text;
    EXPECT_NE(text.find("AES [alliance]: latent"), std::string::npos) << text;
    EXPECT_NE(text.find("2022-05 (step 2): coup BFA; sanction BFA ECOWAS = 0.6;"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("2025-02 (step 35): force_join SEN AES;"), std::string::npos) << text;
}

TEST(ScenarioLoaderTest, GeneratedNetworkAddsStatesAndTies) {
    const std::string text = kHeader + R"(
[state_defaults]
sovereignty = 0.8
regime = "military"

[[state]]
id = "MLI"

[[tie]]
a = "MLI"
b = "S3"

[network]
kind = "small_world"
states = 10
mean_degree = 4
rewiring = 0

[[institution]]
id = "ALL"
members = "all"
)";
    const Scenario sc = loadScenarioText(text, "net.toml");
    ASSERT_EQ(sc.states.size(), 11u);
    EXPECT_EQ(sc.states.id(0), "MLI");
    EXPECT_EQ(sc.states[0].regime, Regime::civilian);  // listed: defaults don't apply
    EXPECT_EQ(sc.states.generatedCount(), 10u);        // generated: implied ids, shared attributes
    EXPECT_EQ(sc.states.id(1), "S0");
    EXPECT_EQ(sc.states.name(1), "S0");
    EXPECT_DOUBLE_EQ(sc.states[1].sovereignty, 0.8);
    EXPECT_DOUBLE_EQ(sc.states[1].sovereignty_baseline, 0.8);
    EXPECT_EQ(sc.states[1].regime, Regime::military);
    EXPECT_EQ(sc.states.id(10), "S9");
    EXPECT_EQ(sc.institutions[0].members.size(), 11u);
    ASSERT_TRUE(sc.network.has_value());
    EXPECT_EQ(sc.network->kind, NetworkKind::small_world);
    EXPECT_EQ(sc.network->states, 10u);
    // Listed tie first, then the ring lattice: 10 * 4 / 2 ties, all between new states.
    ASSERT_EQ(sc.ties.size(), 21u);
    EXPECT_EQ(sc.ties[0].a, 0u);
    EXPECT_EQ(sc.ties[0].b, 4u);
    for (std::size_t i = 1; i < sc.ties.size(); ++i) {
        EXPECT_GE(sc.ties[i].a, 1u);
        EXPECT_GE(sc.ties[i].b, 1u);
    }
    // Same seed, same graph.
    const Scenario again = loadScenarioText(text, "net.toml");
    EXPECT_EQ(resolvedParametersJson(sc), resolvedParametersJson(again));
}

TEST(ScenarioLoaderTest, GeneratedStatesAreNamedLikeListedOnes) {
    const std::string text = kHeader + R"(
[network]
kind = "erdos_renyi"
states = 20

[[institution]]
id = "CLUB"
members = ["S3", "S7", "S19"]

[[membership]]
state = "S7"
institution = "CLUB"
status = "suspended"

[[patron]]
id = "P"
engagement = { S19 = 0.5 }

[[event]]
step = 1
kind = "coup"
state = "S3"
)";
    const Scenario sc = loadScenarioText(text, "gen.toml");
    ASSERT_EQ(sc.states.size(), 20u);
    EXPECT_TRUE(sc.states.listed().empty());
    EXPECT_EQ(sc.institutions[0].members, (std::vector<StateIndex>{3, 7, 19}));
    EXPECT_EQ(sc.memberships.at(0).state, 7u);
    EXPECT_DOUBLE_EQ(sc.patrons.at(0).engagement.at(19), 0.5);
    EXPECT_EQ(sc.events.at(0).state, 3u);
    EXPECT_NE(describeScenario(sc).find("coup S3"), std::string::npos);
    EXPECT_NE(resolvedParametersJson(sc).find("{\"S19\":0.5}"), std::string::npos)
        << resolvedParametersJson(sc);
}

TEST(ScenarioLoaderTest, NetworkFilePathIsRelativeToTheScenario) {
    const auto dir = std::filesystem::temp_directory_path() / "regsim_scenario_net_test";
    std::filesystem::create_directories(dir);
    { std::ofstream(dir / "edges.csv") << "a,b\nMLI,NER\nNER,BFA\n"; }
    const auto path = (dir / "s.toml").string();
    {
        std::ofstream(path) << kHeader << "[[state]]\nid = \"MLI\"\n"
                            << "[network]\nkind = \"edge_list\"\npath = \"edges.csv\"\n";
    }
    const Scenario sc = loadScenarioFile(path);
    EXPECT_EQ(sc.network->path, (dir / "edges.csv").string());
    ASSERT_EQ(sc.states.size(), 3u);
    EXPECT_EQ(sc.states.id(0), "MLI");
    EXPECT_EQ(sc.ties.size(), 2u);
    std::filesystem::remove_all(dir);
}

TEST(ScenarioLoaderTest, NetworkBuilderFailureIsAScenarioError) {
    const auto err =
        loadError(kHeader + "[network]\nkind = \"edge_list\"\npath = \"no_such_edges.csv\"\n");
    // [network] is line 5; path's value starts at line 7, column 8.
    EXPECT_SCENARIO_ERROR(err, "w.toml", 7, 8, "network.path", "no_such_edges.csv");
}

TEST(ScenarioLoaderTest, FileRoundTrip) {
    const auto path = std::filesystem::temp_directory_path() / "regsim_scenario_file_test.toml";
    { std::ofstream(path) << kFull; }
    const Scenario sc = loadScenarioFile(path.string());
    EXPECT_EQ(sc.source.text, kFull);
    EXPECT_EQ(sc.source.path, path.string());
    std::filesystem::remove(path);
}

TEST(ScenarioLoaderTest, ShippedScenariosLoad) {
    const std::filesystem::path dir = std::filesystem::path(REGSIM_SOURCE_DIR) / "scenarios";
    ASSERT_TRUE(std::filesystem::exists(dir / "west_africa.toml"));
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.path().extension() != ".toml") continue;
        ++count;
        try {
            const Scenario sc = loadScenarioFile(entry.path().string());
            EXPECT_FALSE(sc.states.empty()) << entry.path();
            EXPECT_FALSE(sc.institutions.empty()) << entry.path();
            EXPECT_FALSE(resolvedParametersJson(sc).empty());
        } catch (const ScenarioError& e) {
            ADD_FAILURE() << e.what();
        }
    }
    EXPECT_GE(count, 1u);
}

TEST(ScenarioLoaderTest, DocumentedExampleLoads) {
    std::ifstream in(std::filesystem::path(REGSIM_SOURCE_DIR) / "docs" / "scenarios.md");
    ASSERT_TRUE(in);
    std::string line, toml;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!inside && line == "```toml") {
            inside = true;
        } else if (inside && line == "```") {
            break;
        } else if (inside) {
            toml += line + "\n";
        }
    }
    ASSERT_FALSE(toml.empty());
    const Scenario sc = loadScenarioText(toml, "docs/scenarios.md");
    EXPECT_EQ(sc.name, "sahel_small");
    EXPECT_EQ(sc.states.size(), 3u);
    EXPECT_EQ(sc.events.size(), 2u);
}

// The resolved parameters of a world of `before` tables, 10001 generated states, then `after`.
std::string bigWorldJson(const std::string& before, const std::string& after) {
    return resolvedParametersJson(loadScenarioText(
        kHeader + before + "[network]\nkind = \"erdos_renyi\"\nstates = 10001\nmean_degree = 1\n" +
            after,
        "big.toml"));
}

TEST(ScenarioLoaderTest, LargeWorldsAreCountedNotListed) {
    const std::string json = bigWorldJson("[state_defaults]\nsovereignty = 0.25\n",
                                          "[[institution]]\nid = \"ALL\"\nmembers = \"all\"\n");
    EXPECT_NE(json.find("\"state_count\":10001,\"state_defaults\":{\"sovereignty\":0.25"),
              std::string::npos);
    EXPECT_EQ(json.find("\"states\":["), std::string::npos);
    EXPECT_NE(json.find("\"listed_states\":[]"), std::string::npos);
    EXPECT_EQ(json.find("\"ties\":["), std::string::npos);
    EXPECT_NE(json.find("\"member_count\":10001"), std::string::npos);
}

TEST(ScenarioLoaderTest, LargeWorldsStillListTheirListedStates) {
    const std::string json = bigWorldJson("[[state]]\nid = \"MLI\"\nsovereignty = 0.75\n", "");
    EXPECT_NE(json.find("\"state_count\":10002,\"state_defaults\":{\"sovereignty\":0.5"),
              std::string::npos)
        << json.substr(0, 2000);
    EXPECT_NE(json.find("\"listed_states\":[{\"id\":\"MLI\",\"name\":\"MLI\","
                        "\"sovereignty\":0.75"),
              std::string::npos)
        << json.substr(0, 2000);
}

}  // namespace
}  // namespace regsim
