// "Nothing moves" (model brief, special cases): with every coefficient zero and no events,
// every trajectory is constant, whatever the seed.

#include <gtest/gtest.h>

#include "dynamics/simulation.hpp"
#include "graph/topology.hpp"
#include "world_builder.hpp"

namespace regsim {
namespace {

using namespace regsim::testing;

Scenario quietWorld() {
    auto sc = emptyScenario(24);
    sc.axes = {"west", "south"};
    std::vector<StateIndex> all;
    for (int k = 0; k < 12; ++k) {
        const auto i = addState(sc, "S" + std::to_string(k), 0.1 * (k % 10), 0.15 * (k % 5) - 0.3,
                                k % 3 == 0 ? Regime::military : Regime::civilian);
        sc.states.listed()[i].sovereignty_baseline = 0.9;  // would pull if rho were not zero
        all.push_back(i);
        if (k > 0) tie(sc, i, i - 1);
    }
    addInstitution(sc, "A", all, 0.5);
    addInstitution(sc, "B", {all[0], all[1], all[2]}, 0.5);
    sc.institutions[0].orientation = {1.0, -1.0};
    sc.institutions[1].orientation = {-1.0, 1.0};
    PatronSpec p;
    p.id = "P";
    p.orientation = {-1.0, 0.0};
    p.engagement.assign(sc.states.size(), 1.0);
    sc.patrons.push_back(p);
    sc.model = ModelParams{};           // every coefficient zero; benefit > 0 so U > 0
    sc.model.decision_sharpness = 4.0;  // stochastic rule: must still do nothing as U > 0 ...
    sc.model.hazard_cap = 0.0;          // ... and h = 0 makes it certain
    return sc;
}

class NothingMovesTest : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(NothingMovesTest, AllTrajectoriesAreConstant) {
    auto sc = quietWorld();
    sc.seed = GetParam();
    const auto topo = buildTopology(sc);
    Simulation sim(sc, topo);
    RunResult r;
    sim.run(sc.seed, 3, sc.steps, RecordConfig{}, r);
    const std::size_t N = sc.states.size(), J = sc.institutions.size(), D = sc.axisCount();
    for (std::size_t t = 1; t <= sc.steps; ++t) {
        for (std::size_t i = 0; i < N; ++i) {
            ASSERT_EQ(r.sovereignty[t * N + i], r.sovereignty[i]);
            ASSERT_EQ(r.regime[t * N + i], r.regime[i]);
            for (std::size_t d = 0; d < D; ++d)
                ASSERT_EQ(r.alignment[(t * N + i) * D + d], r.alignment[i * D + d]);
            for (std::size_t j = 0; j < J; ++j)
                ASSERT_EQ(r.status[(t * N + i) * J + j], r.status[i * J + j]);
        }
    }
    EXPECT_TRUE(r.events.empty());
    for (auto c : r.cascade_size) EXPECT_EQ(c, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, NothingMovesTest, ::testing::Values(0u, 1u, 42u, 987654321u));

}  // namespace
}  // namespace regsim
