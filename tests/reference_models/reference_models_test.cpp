// The model's reference cases, run from the shipped scenario files (scenarios/validation/):
// Granovetter's riot holds exactly; Watts's global cascades land on the right side of the
// cascade window.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "dynamics/simulation.hpp"
#include "graph/topology.hpp"
#include "scenario/scenario_loader.hpp"

namespace regsim {
namespace {

std::string scenarioPath(const std::string& name) {
    return std::string(REGSIM_SOURCE_DIR) + "/scenarios/validation/" + name;
}

RunResult runOnce(const Scenario& sc, std::uint32_t replicate, bool trajectories) {
    const auto topo = buildTopology(sc);
    Simulation sim(sc, topo);
    RunResult r;
    RecordConfig rc;
    rc.trajectories = trajectories;
    sim.run(sc.seed, replicate, sc.steps, rc, r);
    return r;
}

TEST(GranovetterTest, UniformThresholdsGiveAFullCascadeOneExitPerStep) {
    const auto sc = loadScenarioFile(scenarioPath("granovetter.toml"));
    ASSERT_EQ(sc.states.size(), 100u);
    const auto r = runOnce(sc, 0, false);
    EXPECT_EQ(r.cascade_size[0], 100);
    // State S_k has threshold k and leaves at step k.
    for (std::size_t k = 0; k < 100; ++k) {
        const auto& listed = sc.states.listed();
        const auto i = std::size_t(
            std::find_if(listed.begin(), listed.end(),
                         [&](const auto& s) { return s.id == "S" + std::to_string(k); }) -
            listed.begin());
        EXPECT_EQ(r.exit_step[i], int(k)) << "S" << k;
    }
}

TEST(GranovetterTest, ReplacingThresholdOneByTwoStopsAfterTheFirstExit) {
    const auto sc = loadScenarioFile(scenarioPath("granovetter_one_exit.toml"));
    const auto r = runOnce(sc, 0, false);
    EXPECT_EQ(r.cascade_size[0], 1);
}

// Share of replicates with a global cascade (> 10% of states) at mean degree z.
double globalCascadeFrequency(double z, std::uint32_t replicates) {
    const auto sc =
        loadScenarioFile(scenarioPath("watts.toml"), {"network.mean_degree=" + std::to_string(z)});
    const auto topo = buildTopology(sc);
    Simulation sim(sc, topo);
    RecordConfig rc;
    rc.trajectories = false;
    int global = 0;
    for (std::uint32_t rep = 0; rep < replicates; ++rep) {
        RunResult r;
        sim.run(sc.seed, rep, sc.steps, rc, r);
        if (r.cascade_size[0] > int(sc.states.size() / 10)) ++global;
    }
    return double(global) / replicates;
}

// Watts (2002), eq. (4) with Poisson degrees: for phi = 0.18 global cascades are possible for
// 1.02 < z < 5.76 (scripts/validate_watts.py computes the window).
TEST(WattsTest, GlobalCascadesInsideTheWindowNotOutside) {
    const double inside = globalCascadeFrequency(3.0, 80);
    const double outside = globalCascadeFrequency(10.0, 80);
    EXPECT_GT(inside, 0.3) << "z = 3 lies inside the cascade window";
    EXPECT_LT(outside, 0.05) << "z = 10 lies above the cascade window";
}

}  // namespace
}  // namespace regsim
