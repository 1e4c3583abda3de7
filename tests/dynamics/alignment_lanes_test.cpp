// Phase 3 in SIMD lanes (dynamics/alignment_lanes.hpp) against the scalar update, state by state
// and bit for bit, in worlds chosen to reach every select the lanes make: states without
// neighbours or memberships, weighted and unit ties, neighbours in and out of the confidence
// bound, zero and nonzero engagements, inactive memberships, military regimes with and without
// a shift, one to three axes, and state counts that leave a tail for the scalar update.

#include <gtest/gtest.h>

#include <cstring>

#include "core/rng.hpp"
#include "dynamics/lane_width.hpp"
#include "dynamics/phases.hpp"
#include "dynamics/simulation.hpp"
#include "graph/generators.hpp"
#include "graph/topology.hpp"
#include "world_builder.hpp"

namespace regsim {
namespace {

using namespace regsim::testing;

struct Variant {
    std::uint32_t axes;
    std::uint32_t states;
    bool weighted;
    double confidence_bound;
    bool shifted;  // a military alignment shift
    double noise;
};

Scenario world(const Variant& v, std::uint64_t seed) {
    auto sc = emptyScenario(4);
    sc.axes.clear();
    for (std::uint32_t d = 0; d < v.axes; ++d) sc.axes.push_back("axis" + std::to_string(d));
    sc.seed = seed;
    RandomStream rng(RngKey{seed, 0, 0, 0, Purpose::network});
    std::vector<StateIndex> all, some;
    for (std::uint32_t i = 0; i < v.states; ++i) {
        const auto s = addState(sc, "S" + std::to_string(i), rng.uniform(), 0.0,
                                rng.uniform() < 0.2 ? Regime::military : Regime::civilian);
        auto& spec = sc.states.listed().back();
        for (auto& a : spec.alignment) a = 2 * rng.uniform() - 1;
        for (auto& a : spec.alignment_baseline) a = 2 * rng.uniform() - 1;
        all.push_back(s);
        if (rng.uniform() < 0.7) some.push_back(s);  // the rest belong only to I0
    }
    // Mean degree 3: about 5% of states have no neighbour, some have many.
    auto ties = generateErdosRenyi(v.states, 3.0, 1.0, rng);
    if (v.weighted)
        for (auto& t : ties) t.weight = 0.25 + rng.uniform();
    sc.ties = ties;
    for (int j = 0; j < 3; ++j) {
        const auto inst = addInstitution(
            sc, "I" + std::to_string(j),
            j == 0 ? std::vector<StateIndex>(all.begin(), all.end() - 9) : some, 1.0);
        auto& orientation = sc.institutions[inst].orientation;
        for (auto& o : orientation) o = 2 * rng.uniform() - 1;
    }
    PatronSpec patron;
    patron.id = "P";
    patron.orientation.assign(v.axes, 0.0);
    for (auto& o : patron.orientation) o = 2 * rng.uniform() - 1;
    patron.engagement.assign(v.states, 0.0);
    for (auto& e : patron.engagement)
        if (rng.uniform() < 0.4) e = rng.uniform();
    sc.patrons.push_back(patron);
    auto& p = sc.model;
    p.peer_alignment_rate = 0.3;
    p.confidence_bound = v.confidence_bound;
    p.patron_pull = 0.1;
    p.institution_pull = 0.07;
    p.alignment_reversion = 0.05;
    p.alignment_noise = v.noise;
    if (v.shifted)
        for (std::uint32_t d = 0; d < v.axes; ++d) p.military_alignment_shift.push_back(0.9);
    return sc;
}

// next.alignment after phase 3 on lanes of `width` (0: scalar), with a fifth of the memberships
// made inactive (withdrawn or withdrawing) first.
std::vector<double> alignmentAfterPhase3(const Scenario& sc, const Topology& topo, int width) {
    Simulation sim(sc, topo);
    WorldState now = sim.initialState(), next = now;
    RandomStream rng(RngKey{sc.seed, 1, 0, 0, Purpose::network});
    for (auto& s : now.status) {
        const double u = rng.uniform();
        if (u < 0.1)
            s = std::uint8_t(MembershipStatus::withdrawn);
        else if (u < 0.2)
            s = std::uint8_t(MembershipStatus::withdrawing);
    }
    StepScratch scratch;
    scratch.allocate(topo);
    RunTracker tracker;
    tracker.allocate(topo);
    StepContext ctx{sc, topo, sc.seed, 0, 3, now, next, scratch, tracker};
    EXPECT_TRUE(forceLaneWidth(width));
    updateAlignment(ctx);
    forceLaneWidth(-1);
    return next.alignment;
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(AlignmentLanesTest, LanesGiveTheScalarBitsStateByState) {
    const Variant variants[] = {
        {2, 1003, false, 0.8, false, 0.05},    {2, 1003, true, 0.8, true, 0.05},
        {1, 517, false, kInfinity, true, 0.0}, {1, 517, true, 0.3, false, 0.02},
        {3, 777, false, 1.1, true, 0.02},      {3, 777, true, kInfinity, false, 0.0},
    };
    int compared = 0;
    for (const auto& v : variants) {
        const auto sc = world(v, 11 + v.axes + v.states);
        const auto topo = buildTopology(sc);
        const auto scalar = alignmentAfterPhase3(sc, topo, 0);
        for (int width : {4, 8}) {
            if (!forceLaneWidth(width)) continue;  // this CPU lacks the instructions
            forceLaneWidth(-1);
            const auto lanes = alignmentAfterPhase3(sc, topo, width);
            ASSERT_EQ(lanes.size(), scalar.size());
            for (std::size_t k = 0; k < scalar.size(); ++k)
                ASSERT_TRUE(sameBits(lanes[k], scalar[k]))
                    << "width " << width << ", axes " << v.axes << ", state " << k / v.axes
                    << ", axis " << k % v.axes << ": " << lanes[k] << " vs " << scalar[k];
            ++compared;
        }
    }
    if (compared == 0) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
}

TEST(AlignmentLanesTest, ForcingAWidthThisCpuLacksChangesNothing) {
    EXPECT_TRUE(forceLaneWidth(0));
    EXPECT_FALSE(forceLaneWidth(5));
    EXPECT_TRUE(forceLaneWidth(-1));
}

}  // namespace
}  // namespace regsim
