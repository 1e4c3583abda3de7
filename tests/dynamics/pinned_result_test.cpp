// A full-model world large enough for the parallel loops (N > 4 x the grain), every phase 3-7
// term on, run on 1 and 2 threads: the result's fingerprint is pinned. An optimisation that
// changes any bit of any result fails here. Change the pinned value only for a deliberate
// model change, and say so in the commit. History: 0x89d215cc46e2fc81 from the step loop
// before the performance work of docs/performance.md ("Full model step") through regsim 0.1.0;
// 0x46524c2c506a2b60 from 0.2.0 (portable math, Box-Muller pairs: docs/model.md,
// "Stochasticity"). CMake also runs this test with glibc's non-FMA math forced. The same world
// with a coordinated alliance also checks that phase 6's utilities computed when needed give
// the run of every utility stored (the optimisation of "After run 11" there), at a size the
// small property-test worlds do not reach.

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "core/rng.hpp"
#include "dynamics/phases.hpp"
#include "dynamics/simulation.hpp"
#include "graph/generators.hpp"
#include "graph/topology.hpp"
#include "world_builder.hpp"

namespace regsim {
namespace {

using namespace regsim::testing;

Scenario fullModelWorld(std::uint32_t n) {
    auto sc = emptyScenario(8);
    sc.axes = {"west", "south"};
    sc.seed = 99;
    RandomStream rng(RngKey{sc.seed, 0, 0, 0, Purpose::network});
    std::vector<StateIndex> all;
    for (std::uint32_t i = 0; i < n; ++i) {
        all.push_back(addState(sc, "S" + std::to_string(i), rng.uniform(), 0.0,
                               rng.uniform() < 0.05 ? Regime::military : Regime::civilian));
        auto& s = sc.states.listed().back();
        s.alignment = {2 * rng.uniform() - 1, 2 * rng.uniform() - 1};
        s.alignment_baseline = s.alignment;
    }
    sc.ties = generateErdosRenyi(n, 4.0, 1.0, rng);
    for (int j = 0; j < 3; ++j) {
        const auto inst = addInstitution(sc, "I" + std::to_string(j), all, 1.0);
        auto& spec = sc.institutions[inst];
        spec.orientation = {j == 0 ? 0.5 : -0.3, j == 2 ? 0.6 : 0.0};
        spec.sovereignty_cost = 0.3;
        spec.notice_months = j == 0 ? 3 : 0;
        spec.democracy_clause = j == 0;
        spec.sanction = 0.5;
    }
    PatronSpec patron;
    patron.id = "P";
    patron.orientation = {-1.0, 0.0};
    patron.engagement.assign(n, 0.0);
    for (std::uint32_t i = 0; i < n; i += 10) patron.engagement[i] = 0.5;
    sc.patrons.push_back(patron);
    schedule(sc, 2, EventKind::coup, 7);
    auto& p = sc.model;
    p.peer_alignment_rate = 0.1;
    p.confidence_bound = 1.0;
    p.patron_pull = 0.05;
    p.institution_pull = 0.05;
    p.alignment_reversion = 0.05;
    p.alignment_noise = 0.02;
    p.sovereignty_reversion = 0.05;
    p.military_sovereignty_shift = 0.2;
    p.rally = 0.1;
    p.club_exponent = 0.5;
    p.sanction_benefit_cut = 0.5;
    p.alignment_cost = 0.3;
    p.peer_weight = 0.5;
    p.patron_opposition_weight = 0.2;
    p.status_quo_bias = 0.05;
    p.decision_sharpness = 5.0;
    p.hazard_cap = 0.05;
    p.rescind_margin = 0.1;
    return sc;
}

TEST(PinnedResultTest, FullModelWorldIsUnchangedOnAnyThreadCount) {
    const auto sc = fullModelWorld(70000);
    const auto topo = buildTopology(sc);
    for (std::size_t threads : {1, 2}) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        Simulation sim(sc, topo);
        RunResult out;
        sim.run(sc.seed, 3, sc.steps, RecordConfig{true, 1}, out);
        EXPECT_GT(out.events.size(), 1000u);  // decisions, exits and the clause all acted
        EXPECT_EQ(fingerprint(out), 0x46524c2c506a2b60ull)
            << "threads " << threads << ": " << std::hex << fingerprint(out);
    }
}

// Phase 6 computes the utilities it needs, phase 5 stores those phases 6 and 7 read
// (dynamics/utility_kernel.hpp); against every utility stored and read, on 2 threads, in a
// world large enough for many draw blocks and parallel ranges, with a coordinated alliance of
// a tenth of the states (vetoes, joint declarations and rescissions beside individual draws).
TEST(PinnedResultTest, UtilitiesComputedWhenNeededInALargeAlliedWorld) {
    auto sc = fullModelWorld(70000);
    std::vector<StateIndex> allies;
    for (StateIndex i = 0; i < 70000; i += 10) allies.push_back(i);
    const auto alliance = addInstitution(sc, "A", allies, 1.0);
    sc.institutions[alliance].orientation = {-0.5, 0.0};
    sc.institutions[alliance].coordinated_exit = true;
    sc.institutions[alliance].coordination_share = 0.01;
    // The joint draws are few (one per alliance, institution and step): more steps, a higher
    // cap and a cheaper I1 make some come up.
    sc.steps = 36;
    sc.model.hazard_cap = 0.3;
    sc.institutions[1].benefit = 0.3;
    const auto topo = buildTopology(sc);
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    RunResult when_needed, every;
    Simulation(sc, topo).run(sc.seed, 3, sc.steps, RecordConfig{true, 1}, when_needed);
    forceEagerUtilities(true);
    Simulation(sc, topo).run(sc.seed, 3, sc.steps, RecordConfig{true, 1}, every);
    forceEagerUtilities(false);
    std::size_t joint = 0, rescinds = 0;
    for (const auto& e : when_needed.events) {
        joint += e.cause == EventCause::joint_declaration;
        rescinds += e.kind == EventKind::rescind;
    }
    EXPECT_GT(joint, 0u);
    EXPECT_GT(rescinds, 0u);
    EXPECT_EQ(fingerprint(when_needed), fingerprint(every));
}

}  // namespace
}  // namespace regsim
