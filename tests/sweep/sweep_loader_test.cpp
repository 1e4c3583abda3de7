// Sweep files: parsing, defaults, and errors with the sweep file's line and column.

#include "scenario/sweep_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace regsim {
namespace {

const std::string kScenario = std::string(REGSIM_SOURCE_DIR) + "/scenarios/west_africa.toml";

// The sweep text sits "in" the scenarios folder so that `scenario = "west_africa.toml"` resolves.
SweepSpec load(const std::string& text) {
    return loadSweepText(text, std::string(REGSIM_SOURCE_DIR) + "/scenarios/test_sweep.toml");
}

ScenarioError loadError(const std::string& text) {
    try {
        load(text);
    } catch (const ScenarioError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return ScenarioError("", 0, 0, "", "");
}

const std::string kHead = "[sweep]\nscenario = \"west_africa.toml\"\n";

TEST(SweepLoader, GridWithDefaults) {
    const auto s = load(kHead +
                        "[[parameter]]\nkey = \"model.peer_weight\"\nlow = 0.0\nhigh = 1.0\n"
                        "steps = 3\n[[parameter]]\nkey = \"institution.ECOWAS.benefit\"\n"
                        "values = [1.0, 2.0]\n");
    EXPECT_EQ(s.design.kind, DesignKind::grid);
    EXPECT_EQ(s.replicates, s.scenario.replicates);
    EXPECT_EQ(s.seed, s.scenario.seed);
    EXPECT_EQ(s.steps, s.scenario.steps);
    EXPECT_FALSE(s.record.trajectories);
    ASSERT_EQ(s.points.size(), 6u);
    EXPECT_EQ(s.points[1], (std::vector<double>{0.0, 2.0}));
    EXPECT_EQ(s.points[5], (std::vector<double>{1.0, 2.0}));
    const auto ov = pointOverrides(s, 2);
    ASSERT_EQ(ov.size(), 2u);
    EXPECT_EQ(ov[0], "model.peer_weight=0.5");
    EXPECT_EQ(ov[1], "institution.ECOWAS.benefit=1");
    const Scenario p = loadPointScenario(s, 2);
    EXPECT_DOUBLE_EQ(p.institutions[0].benefit, 1.0);
    EXPECT_EQ(sweepHash(s).size(), 16u);
    EXPECT_EQ(sweepHash(s), sweepHash(load(s.text)));
}

TEST(SweepLoader, OverridesRoundTripExactly) {
    const auto s = load(kHead +
                        "design = \"uniform\"\nsamples = 5\ndesign_seed = 3\n"
                        "[[parameter]]\nkey = \"model.peer_weight\"\nlow = 0.1\nhigh = 0.9\n");
    for (std::uint64_t p = 0; p < 5; ++p) {
        const Scenario sc = loadPointScenario(s, p);
        EXPECT_EQ(sc.model.peer_weight, s.points[p][0]) << "point " << p;  // bit for bit
    }
}

TEST(SweepLoader, RecordAndSettings) {
    const auto s = load(kHead +
                        "replicates = 3\nseed = 9\nsteps = 12\nrecord = \"every:4\"\n"
                        "design = \"sobol\"\nsamples = 8\nscramble = true\n[[parameter]]\n"
                        "key = \"state.MLI.sovereignty\"\nlow = 0.2\nhigh = 0.8\n");
    EXPECT_EQ(s.replicates, 3u);
    EXPECT_EQ(s.seed, 9u);
    EXPECT_EQ(s.steps, 12u);
    EXPECT_TRUE(s.record.trajectories);
    EXPECT_EQ(s.record.every, 4u);
    EXPECT_EQ(s.points.size(), 8u);
    EXPECT_NE(sweepDesignJson(s).find("\"design\":\"sobol\""), std::string::npos);
}

TEST(SweepLoader, UnknownKeyHasLineAndColumn) {
    const auto e = loadError(kHead +
                             "replicats = 3\n[[parameter]]\nkey = \"model.peer_weight\"\n"
                             "values = [1.0]\n");
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.column, 1);
    EXPECT_EQ(e.key, "sweep.replicats");
    EXPECT_NE(std::string(e.what()).find("test_sweep.toml:3:1: sweep.replicats"), std::string::npos)
        << e.what();
}

TEST(SweepLoader, UnknownKeyPathIsReportedAtTheKey) {
    const auto e =
        loadError(kHead + "[[parameter]]\nkey = \"model.peer_wieght\"\nvalues = [1.0]\n");
    EXPECT_EQ(e.line, 4);
    EXPECT_EQ(e.column, 7);
    EXPECT_EQ(e.key, "model.peer_wieght");
    EXPECT_NE(e.message.find("peer_weight"), std::string::npos) << e.message;  // suggestion
    const auto e2 =
        loadError(kHead + "[[parameter]]\nkey = \"state.XXX.sovereignty\"\nvalues = [0.5]\n");
    EXPECT_EQ(e2.line, 4);
    EXPECT_NE(e2.message.find("unknown state id"), std::string::npos) << e2.message;
}

TEST(SweepLoader, OutOfRangeValueIsReported) {
    const auto e =
        loadError(kHead + "[[parameter]]\nkey = \"state.MLI.sovereignty\"\nvalues = [0.5, 7.0]\n");
    EXPECT_EQ(e.line, 4);
    EXPECT_NE(e.message.find("value 7"), std::string::npos) << e.message;
}

TEST(SweepLoader, EveryGridValueIsCheckedBeforeTheSweep) {
    // Not only the first and last: a bad middle value used to stop the sweep half-way.
    const auto e = loadError(kHead +
                             "[[parameter]]\nkey = \"model.peer_weight\"\n"
                             "values = [0.1, -3.0, 0.5]\n");
    EXPECT_EQ(e.line, 4);
    EXPECT_EQ(e.key, "model.peer_weight");
    EXPECT_NE(e.message.find("(value -3)"), std::string::npos) << e.message;
}

TEST(SweepLoader, ParametersThatChangeTheNumberOfStatesAreRefused) {
    // Every run of a sweep is written into arrays shaped by the base scenario; network.states
    // used to pass the loader and stop the sweep at its first run, with a .part left behind.
    const std::string watts = "[sweep]\nscenario = \"validation/watts.toml\"\n";
    const auto grid = loadError(watts +
                                "[[parameter]]\nkey = \"network.states\"\n"
                                "values = [10000, 2000]\n");
    EXPECT_EQ(grid.line, 4);
    EXPECT_EQ(grid.column, 7);
    EXPECT_EQ(grid.key, "network.states");
    EXPECT_NE(grid.message.find("changes the number of states from 10000 to 2000 (value 2000)"),
              std::string::npos)
        << grid.message;
    const auto range = loadError(watts +
                                 "design = \"uniform\"\nsamples = 4\n[[parameter]]\n"
                                 "key = \"network.states\"\nlow = 10000\nhigh = 12000\n"
                                 "integer = true\n");
    EXPECT_EQ(range.key, "network.states");
    EXPECT_NE(range.message.find("to 12000"), std::string::npos) << range.message;
    // The base scenario's own value is no change; a parameter of the same network that keeps
    // its states is swept as any other.
    EXPECT_EQ(
        load(watts + "[[parameter]]\nkey = \"network.states\"\nvalues = [10000]\n").points.size(),
        1u);
    EXPECT_EQ(load(watts + "[[parameter]]\nkey = \"network.mean_degree\"\nvalues = [2, 4]\n")
                  .points.size(),
              2u);
}

TEST(SweepLoader, RangesMustBeFinite) {
    // A grid from 0 to inf used to abort (linspace threw outside the loader's checks).
    const auto inf = loadError(kHead +
                               "[[parameter]]\nkey = \"model.peer_weight\"\nlow = 0.0\n"
                               "high = inf\nsteps = 3\n");
    EXPECT_EQ(inf.line, 6);
    EXPECT_EQ(inf.key, "model.peer_weight.high");
    EXPECT_NE(inf.message.find("finite high"), std::string::npos) << inf.message;
    const auto nan = loadError(kHead +
                               "design = \"uniform\"\nsamples = 4\n[[parameter]]\n"
                               "key = \"model.peer_weight\"\nlow = nan\nhigh = 1\n");
    EXPECT_EQ(nan.line, 7);
    EXPECT_EQ(nan.key, "model.peer_weight.low");
}

TEST(SweepLoader, SampledIntegerKeyNeedsIntegerTrue) {
    // Integer ends pass; the fractional points drawn between them would fail mid-sweep.
    const std::string head = kHead +
                             "design = \"latin_hypercube\"\nsamples = 20\n[[parameter]]\n"
                             "key = \"institution.ECOWAS.notice_months\"\nlow = 0\n"
                             "high = 24\n";
    const auto e = loadError(head);
    EXPECT_EQ(e.line, 6);
    EXPECT_NE(e.message.find("add integer = true"), std::string::npos) << e.message;
    EXPECT_EQ(load(head + "integer = true\n").points.size(), 20u);
}

TEST(SweepLoader, KeysTheDesignIgnoresAreErrors) {
    const std::string param = "[[parameter]]\nkey = \"model.peer_weight\"\nvalues = [0.1]\n";
    for (const char* k : {"samples = 100", "design_seed = 3", "scramble = true"}) {
        const auto e = loadError(kHead + k + "\n" + param);
        EXPECT_EQ(e.line, 3) << k;
        EXPECT_NE(e.message.find("does not apply to the grid design"), std::string::npos)
            << e.message;
    }
    const auto e = loadError(kHead +
                             "design = \"uniform\"\nsamples = 4\nscramble = true\n"
                             "[[parameter]]\nkey = \"model.peer_weight\"\nlow = 0\nhigh = 1\n");
    EXPECT_EQ(e.line, 5);
    EXPECT_NE(e.message.find("sobol and saltelli designs only"), std::string::npos) << e.message;
    // Sobol' points are fixed: design_seed only scrambles them.
    const std::string sobol = kHead +
                              "design = \"sobol\"\nsamples = 4\ndesign_seed = 5\n"
                              "[[parameter]]\nkey = \"model.peer_weight\"\nlow = 0\n"
                              "high = 1\n";
    const auto s = loadError(sobol);
    EXPECT_EQ(s.line, 5);
    EXPECT_NE(s.message.find("no effect on an unscrambled sobol design"), std::string::npos)
        << s.message;
    const std::string scrambled = kHead +
                                  "design = \"sobol\"\nsamples = 4\ndesign_seed = 5\n"
                                  "scramble = true\n[[parameter]]\nkey = \"model.peer_weight\"\n"
                                  "low = 0\nhigh = 1\n";
    EXPECT_EQ(load(scrambled).points.size(), 4u);
}

TEST(SweepLoader, EmptyRange) {
    const auto e = loadError(kHead +
                             "design = \"uniform\"\nsamples = 4\n[[parameter]]\n"
                             "key = \"model.peer_weight\"\nlow = 0.5\nhigh = 0.5\n");
    EXPECT_EQ(e.line, 5);  // the [[parameter]] table
    EXPECT_NE(e.message.find("empty range"), std::string::npos) << e.message;
    const auto g = loadError(kHead + "[[parameter]]\nkey = \"model.peer_weight\"\nvalues = []\n");
    EXPECT_EQ(g.line, 5);
    EXPECT_NE(g.message.find("empty values"), std::string::npos);
}

TEST(SweepLoader, TooManyPoints) {
    const auto e = loadError(kHead +
                             "design = \"uniform\"\nsamples = 100\nmax_points = 10\n"
                             "[[parameter]]\nkey = \"model.peer_weight\"\nlow = 0\n"
                             "high = 1\n");
    EXPECT_EQ(e.line, 4);  // samples
    EXPECT_EQ(e.column, 11);
    EXPECT_NE(e.message.find("too many points"), std::string::npos) << e.message;
    // A grid has no samples: at max_points.
    const auto g = loadError(kHead +
                             "max_points = 2\n[[parameter]]\nkey = \"model.peer_weight\"\n"
                             "values = [0.1, 0.2, 0.3]\n");
    EXPECT_EQ(g.line, 3);
    EXPECT_EQ(g.column, 14);
    EXPECT_NE(g.message.find("too many points"), std::string::npos) << g.message;
}

TEST(SweepLoader, OtherErrors) {
    EXPECT_EQ(loadError(kHead + "design = \"lhs\"\n").line, 3);
    EXPECT_EQ(loadError(kHead + "record = \"every:0\"\n[[parameter]]\nkey = \"model.peer_weight\"\n"
                                "values = [1.0]\n")
                  .line,
              3);
    EXPECT_NE(loadError(kHead).message.find("no [[parameter]]"), std::string::npos);
    EXPECT_EQ(loadError(kHead + "[[parameter]]\nkey = \"scenario.steps\"\nvalues = [3]\n").line, 4);
    EXPECT_EQ(loadError("[sweep]\nscenario = \"nope.toml\"\n").line, 2);
    EXPECT_EQ(loadError(kHead + "[[parameter]]\nkey = \"model.peer_weight\"\nvalues = [1.0]\n"
                                "[[parameter]]\nkey = \"model.peer_weight\"\nvalues = [2.0]\n")
                  .line,
              7);
    EXPECT_EQ(loadError("[sweep\n").line, 1);
}

}  // namespace
}  // namespace regsim
