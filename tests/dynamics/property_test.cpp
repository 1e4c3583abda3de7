// Property tests over random scenarios: statuses follow only legal transitions, values stay in
// range, no membership survives in a dissolved institution, and a run is a pure function of
// (scenario, seed, replicate).

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "dynamics/phases.hpp"
#include "dynamics/simulation.hpp"
#include "graph/topology.hpp"
#include "same_result.hpp"
#include "world_builder.hpp"

namespace regsim {
namespace {

using namespace regsim::testing;
using S = MembershipStatus;

bool legal(S from, S to) {
    if (from == to) return true;
    switch (from) {
        case S::none:
            return to == S::member;  // founding or forced join
        case S::member:
            return to == S::suspended || to == S::withdrawing || to == S::withdrawn;
        case S::suspended:
            return to == S::member || to == S::withdrawing || to == S::withdrawn;
        case S::withdrawing:
            return to == S::member || to == S::suspended || to == S::withdrawn;
        case S::withdrawn:
            return to == S::member;  // forced rejoin
    }
    return false;
}

Scenario randomScenario(std::uint64_t seed) {
    RandomStream rng(RngKey{seed, 0, 0, 0, Purpose::network});
    auto sc = emptyScenario(36);
    sc.seed = seed;
    const int n = 5 + int(rng.below(20));
    std::vector<StateIndex> all;
    for (int k = 0; k < n; ++k) {
        all.push_back(addState(sc, "S" + std::to_string(k), rng.uniform(), 2 * rng.uniform() - 1,
                               rng.uniform() < 0.3 ? Regime::military : Regime::civilian));
        sc.states.listed().back().weight = 0.5 + rng.uniform();
    }
    for (int e = 0; e < 2 * n; ++e) {
        const auto a = StateIndex(rng.below(n)), b = StateIndex(rng.below(n));
        if (a != b) tie(sc, a, b, 0.5 + rng.uniform());
    }
    const int J = 2 + int(rng.below(3));
    for (int j = 0; j < J; ++j) {
        std::vector<StateIndex> members;
        for (auto i : all)
            if (rng.uniform() < 0.7) members.push_back(i);
        if (members.empty()) members.push_back(all[0]);
        const auto inst = addInstitution(sc, "I" + std::to_string(j), members, rng.uniform() - 0.2);
        auto& spec = sc.institutions[inst];
        spec.orientation = {2 * rng.uniform() - 1};
        spec.sovereignty_cost = rng.uniform() * 0.5;
        spec.notice_months = std::uint32_t(rng.below(6));
        spec.democracy_clause = rng.uniform() < 0.5;
        spec.sanction = rng.uniform();
        spec.quorum = rng.uniform() < 0.3 ? std::uint32_t(members.size() / 2) : 0;
        spec.coordinated_exit = j == 0 && rng.uniform() < 0.5;
    }
    InstitutionSpec bloc;
    bloc.id = "BLOC";
    bloc.orientation = {-1.0};
    bloc.latent = true;
    bloc.founding.min_founders = 2;
    sc.institutions.push_back(bloc);
    sc.links.push_back(LinkSpec{0, 1, 1.0});
    sc.substitutions.push_back(SubstitutionSpec{InstitutionIndex(J), 0, 1.0});
    for (int k = 0; k < 6; ++k) {
        const auto kind = rng.uniform() < 0.5 ? EventKind::coup : EventKind::transition;
        schedule(sc, std::uint32_t(rng.below(sc.steps)), kind, StateIndex(rng.below(n)));
    }
    std::stable_sort(sc.events.begin(), sc.events.end(),
                     [](const auto& x, const auto& y) { return x.step < y.step; });
    auto& p = sc.model;
    p.peer_alignment_rate = rng.uniform() * 0.3;
    p.alignment_noise = rng.uniform() * 0.2;
    p.alignment_reversion = rng.uniform() * 0.2;
    p.sovereignty_reversion = rng.uniform() * 0.2;
    p.rally = rng.uniform() * 0.2;
    p.military_sovereignty_shift = rng.uniform() * 0.3;
    p.club_exponent = rng.uniform();
    p.alignment_cost = rng.uniform() * 0.5;
    p.peer_weight = rng.uniform() * 0.5;
    p.linkage_weight = rng.uniform() * 0.5;
    p.substitution_weight = rng.uniform() * 0.5;
    p.status_quo_bias = rng.uniform() * 0.2;
    p.decision_sharpness = 1 + 10 * rng.uniform();
    p.hazard_cap = rng.uniform() * 0.3;
    p.rescind_margin = rng.uniform() * 0.2;
    p.confidence_bound = rng.uniform() < 0.5 ? 0.2 + rng.uniform() : kInfinity;
    return sc;
}

class PropertyTest : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(PropertyTest, LegalTransitionsRangesAndNoMembershipInDissolvedInstitutions) {
    const auto sc = randomScenario(GetParam());
    const auto topo = buildTopology(sc);
    Simulation sim(sc, topo);
    RunResult r;
    sim.run(sc.seed, 0, sc.steps, RecordConfig{}, r);
    const std::size_t N = sc.states.size(), J = sc.institutions.size();
    for (std::size_t t = 0; t <= sc.steps; ++t) {
        for (std::size_t i = 0; i < N; ++i) {
            ASSERT_GE(r.sovereignty[t * N + i], 0.0);
            ASSERT_LE(r.sovereignty[t * N + i], 1.0);
            ASSERT_GE(r.alignment[t * N + i], -1.0);
            ASSERT_LE(r.alignment[t * N + i], 1.0);
            for (std::size_t j = 0; j < J; ++j) {
                const auto s = S(r.status[(t * N + i) * J + j]);
                if (t > 0) {
                    const auto before = S(r.status[((t - 1) * N + i) * J + j]);
                    ASSERT_TRUE(legal(before, s)) << "t=" << t << " i=" << i << " j=" << j << " "
                                                  << int(before) << "->" << int(s);
                }
                if (r.dissolve_step[j] >= 0 && t > std::size_t(r.dissolve_step[j])) {
                    ASSERT_TRUE(s == S::withdrawn || s == S::none);
                }
            }
        }
    }
    // Same inputs, same outputs; another replicate, another history (checked on the events).
    RunResult again;
    sim.run(sc.seed, 0, sc.steps, RecordConfig{}, again);
    EXPECT_EQ(again.status, r.status);
    EXPECT_EQ(again.alignment, r.alignment);
    EXPECT_EQ(again.events.size(), r.events.size());
}

// Two topologies of the same scenario give the same runs, bit for bit.
void expectSameRuns(const Scenario& sc, const Topology& a_topo, const Topology& b_topo) {
    Simulation a(sc, a_topo, Engine::general), b(sc, b_topo, Engine::general);
    for (std::uint32_t rep = 0; rep < 3; ++rep) {  // a reused Simulation starts each run afresh
        RunResult ra, rb;
        a.run(sc.seed, rep, sc.steps, RecordConfig{}, ra);
        b.run(sc.seed, rep, sc.steps, RecordConfig{}, rb);
        expectSameResult(ra, rb);
    }
}

// A Simulation reused for several replicates gives each the run a fresh Simulation gives it
// (each run starts from copies of phase 5's counts for the initial world, not a recount).
TEST_P(PropertyTest, AReusedSimulationGivesTheRunsOfFreshOnes) {
    const auto sc = randomScenario(GetParam());
    const auto topo = buildTopology(sc);
    Simulation reused(sc, topo, Engine::general);
    for (std::uint32_t rep = 0; rep < 3; ++rep) {
        Simulation fresh(sc, topo, Engine::general);
        RunResult a, b;
        reused.run(sc.seed, rep, sc.steps, RecordConfig{}, a);
        fresh.run(sc.seed, rep, sc.steps, RecordConfig{}, b);
        expectSameResult(a, b);
    }
}

// With unit tie weights phase 5 reads peer shares from PeerCounts, kept up to date from status
// changes; the summed path over every peer must give the same run, bit for bit, whatever
// changed the statuses (events, clause reactions, announcements, exits, rescinds, founding).
TEST_P(PropertyTest, CountedPeerSharesGiveTheSameRunAsSummedOnes) {
    auto sc = randomScenario(GetParam());
    for (std::size_t k = 0; k < sc.ties.size(); ++k) sc.ties.setWeight(k, 1.0);
    const auto counted = buildTopology(sc);
    ASSERT_TRUE(counted.peers_unit_weight);
    auto summed = counted;
    summed.peers_unit_weight = false;
    expectSameRuns(sc, counted, summed);
}

// Unit-weight graphs store no weights (graph/csr.hpp) and their readers use 1.0. Doubling
// every tie weight scales every weighted sum, and both sides of every ratio, by exactly 2, so
// the same world with ties of weight 2 runs on stored weights and must give the same bits: the
// influence pull (phase 3) and the summed peer shares (phase 5) read as they did when unit
// weights were stored. The links and substitutions here have weight 1, so they are stored
// without weights too. And without membership overrides the override arrays are empty; filled
// with NaN, as they used to be, they give the same run.
TEST_P(PropertyTest, UnstoredUnitWeightsAndOverridesGiveTheSameRunAsStoredOnes) {
    auto sc = randomScenario(GetParam());
    for (std::size_t k = 0; k < sc.ties.size(); ++k) sc.ties.setWeight(k, 1.0);
    auto unit = buildTopology(sc);
    ASSERT_TRUE(unit.influence.unitWeight());
    ASSERT_TRUE(unit.links_into.unitWeight());
    ASSERT_TRUE(unit.membership_benefit.empty());
    ASSERT_TRUE(unit.membership_cost.empty());
    unit.peers_unit_weight = false;  // the summed path, over unstored weights
    auto doubled_sc = sc;
    for (std::size_t k = 0; k < doubled_sc.ties.size(); ++k) doubled_sc.ties.setWeight(k, 2.0);
    auto doubled = buildTopology(doubled_sc);
    ASSERT_FALSE(doubled.influence.unitWeight());
    ASSERT_FALSE(doubled.peers_unit_weight);
    doubled.membership_benefit.assign(doubled.membershipCount(), kNaN);
    doubled.membership_cost.assign(doubled.membershipCount(), kNaN);
    doubled.any_benefit_override = doubled.any_cost_override = true;
    expectSameRuns(sc, unit, doubled);
}

// Phase 6 computes the U of an individual draw only when its uniform is below h, and phase 5
// stores U only for what phase 7 and the joint decisions read (dynamics/utility_kernel.hpp).
// Every U stored and read, as before, must give the same run, bit for bit: also with beta =
// inf (phase 6 then needs the U of every active membership) and h = 0 (of none). The scenarios
// have alliances with coordinated exits, rescissions, linkage, substitution and the clause.
TEST_P(PropertyTest, UtilitiesComputedWhenNeededGiveTheRunOfEveryUtilityStored) {
    struct EagerUtilities {  // the reference path, reset even when an expectation fails
        EagerUtilities() { forceEagerUtilities(true); }
        ~EagerUtilities() { forceEagerUtilities(false); }
    };
    auto sc = randomScenario(GetParam());
    const auto topo = buildTopology(sc);
    const double beta = sc.model.decision_sharpness, h = sc.model.hazard_cap;
    for (const auto& [b, cap] : {std::pair{beta, h}, {kInfinity, h}, {beta, 0.0}}) {
        sc.model.decision_sharpness = b;
        sc.model.hazard_cap = cap;
        SCOPED_TRACE("beta " + std::to_string(b) + ", h " + std::to_string(cap));
        Simulation lazy(sc, topo, Engine::general);
        RunResult when_needed, every;
        lazy.run(sc.seed, 1, sc.steps, RecordConfig{}, when_needed);
        {
            const EagerUtilities eager;
            Simulation all(sc, topo, Engine::general);
            all.run(sc.seed, 1, sc.steps, RecordConfig{}, every);
        }
        expectSameResult(when_needed, every);
    }
}

// The comparison above means something only if the random worlds reach what reads phase 5's
// stored utilities: rescissions (individual and joint) and joint declarations.
TEST(PropertyWorlds, ReachRescissionsAndJointDeclarations) {
    std::size_t rescinds = 0, joint_announcements = 0, joint_rescinds = 0;
    for (std::uint64_t seed = 1; seed < 41; ++seed) {
        const auto sc = randomScenario(seed);
        const auto topo = buildTopology(sc);
        Simulation sim(sc, topo, Engine::general);
        RunResult out;
        sim.run(sc.seed, 1, sc.steps, RecordConfig{}, out);
        for (const auto& e : out.events) {
            const bool joint = e.cause == EventCause::joint_declaration;
            rescinds += e.kind == EventKind::rescind && !joint;
            joint_announcements += e.kind == EventKind::announce && joint;
            joint_rescinds += e.kind == EventKind::rescind && joint;
        }
    }
    EXPECT_GT(rescinds, 0u);
    EXPECT_GT(joint_announcements, 0u);
    EXPECT_GT(joint_rescinds, 0u);
}

// Generated states share one row of the per-state values (Topology::stateRow) and one set of
// attributes in the scenario (StateTable). The same world with those states listed one by one,
// each with its own row, must run the same, bit for bit: baselines (reversion, military shifts)
// and club weights (summed exactly when integral, in order otherwise) read the shared row.
TEST_P(PropertyTest, GeneratedStatesRunAsTheirListedCopies) {
    auto listed = randomScenario(GetParam());
    RandomStream rng(RngKey{GetParam(), 1, 0, 0, Purpose::network});
    StateAttributes g;
    g.sovereignty = rng.uniform();
    g.sovereignty_baseline = rng.uniform();
    g.alignment = {2 * rng.uniform() - 1};
    g.alignment_baseline = {2 * rng.uniform() - 1};
    g.regime = rng.uniform() < 0.5 ? Regime::military : Regime::civilian;
    g.weight = GetParam() % 2 ? 2.0 : 0.5 + rng.uniform();
    const auto first = StateIndex(listed.states.size());
    const std::uint32_t extra = 30;
    auto generated = listed;
    generated.states.addGenerated(extra, g);
    for (std::uint32_t k = 0; k < extra; ++k) {
        StateSpec s;
        static_cast<StateAttributes&>(s) = g;
        s.id = s.name = "G" + std::to_string(k);
        listed.states.push_back(s);
    }
    // The new states join institutions and get ties, the same ones in both worlds.
    for (std::uint32_t k = 0; k < extra; ++k) {
        const auto i = first + k;
        for (std::size_t j = 0; j + 1 < listed.institutions.size(); ++j) {  // not the latent bloc
            if (rng.uniform() < 0.6) continue;
            listed.institutions[j].members.push_back(i);
            generated.institutions[j].members.push_back(i);
        }
        for (int e = 0; e < 2; ++e) {
            const TieSpec t{i, StateIndex(rng.below(first + extra)), 1.0};
            if (t.a == t.b) continue;
            listed.ties.push_back(t);
            generated.ties.push_back(t);
        }
    }
    const auto listed_topo = buildTopology(listed);
    const auto generated_topo = buildTopology(generated);
    ASSERT_EQ(listed_topo.state_weight.size(), first + extra);
    ASSERT_EQ(generated_topo.state_weight.size(), first + 1);
    EXPECT_EQ(listed_topo.state_weights_integral, generated_topo.state_weights_integral);
    Simulation a(listed, listed_topo, Engine::general),
        b(generated, generated_topo, Engine::general);
    for (std::uint32_t rep = 0; rep < 2; ++rep) {
        RunResult ra, rb;
        a.run(listed.seed, rep, listed.steps, RecordConfig{}, ra);
        b.run(generated.seed, rep, generated.steps, RecordConfig{}, rb);
        expectSameResult(ra, rb);
    }
}

INSTANTIATE_TEST_SUITE_P(RandomScenarios, PropertyTest, ::testing::Range<std::uint64_t>(1, 41));

}  // namespace
}  // namespace regsim
