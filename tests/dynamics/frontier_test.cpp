// The frontier cascade engine against the general per-step engine: on every scenario where
// frontierApplies holds, both give the same RunResult bit for bit (summaries, trajectories and
// the event log in order), for several seeds and replicates and for any thread count.

#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <vector>

#include "core/rng.hpp"
#include "dynamics/frontier_cascade.hpp"
#include "dynamics/simulation.hpp"
#include "graph/generators.hpp"
#include "graph/topology.hpp"
#include "same_result.hpp"
#include "world_builder.hpp"

namespace regsim {
namespace {

using namespace regsim::testing;

// scenarios/validation/watts.toml, built in code (N states, mean degree z).
Scenario watts(std::uint32_t n, double z, std::uint64_t seed) {
    auto sc = emptyScenario(200);
    sc.seed = seed;
    sc.model.peer_weight = 1.0;
    std::vector<StateIndex> all;
    for (std::uint32_t k = 0; k < n; ++k) all.push_back(addState(sc, "S" + std::to_string(k)));
    RandomStream rng(RngKey{seed, 0, 0, 0, Purpose::network});
    sc.ties = generateErdosRenyi(n, z, 1.0, rng);
    addInstitution(sc, "NORM", all, 0.179999999);
    ScheduledEvent ev;
    ev.step = 0;
    ev.kind = EventKind::force_exit;
    ev.institution = 0;
    ev.random_state = true;
    sc.events.push_back(ev);
    return sc;
}

// Granovetter: a complete graph, thresholds spread by per-membership benefits; some states
// leave with no peer gone, and one is forced out later. With exact_ties, n - 1 = 32 peers and
// benefits in 32nds make U exactly 0 at the threshold count: only U < 0 leaves.
Scenario granovetter(std::uint32_t n, std::uint64_t seed, bool exact_ties = false) {
    if (exact_ties) n = 33;
    auto sc = emptyScenario(40);
    sc.seed = seed;
    sc.model.peer_weight = 1.0;
    RandomStream rng(RngKey{seed, 1, 0, 0, Purpose::network});
    std::vector<StateIndex> all;
    for (std::uint32_t k = 0; k < n; ++k) all.push_back(addState(sc, "G" + std::to_string(k)));
    for (std::uint32_t a = 0; a < n; ++a)
        for (std::uint32_t b = a + 1; b < n; ++b) tie(sc, a, b);
    addInstitution(sc, "NORM", all, 0.5);
    for (std::uint32_t k = 0; k < n; ++k) {
        MembershipSpec ms;
        ms.state = k;
        ms.institution = 0;
        ms.benefit = exact_ties ? double(k % 6) / 32.0                          // ties
                                : double(k % 7 == 0 ? -1 : 1) * rng.uniform();  // in [0, 1)
        sc.memberships.push_back(ms);
    }
    schedule(sc, 3, EventKind::force_exit, StateIndex(rng.below(n)), 0);
    return sc;
}

// A random world with several institutions, weighted or unit ties, and every constant term of
// U: costs, alignment, sanctions, suspended and never-joined memberships, bias.
Scenario randomWorld(std::uint64_t seed, bool weighted) {
    RandomStream rng(RngKey{seed, 2, 0, 0, Purpose::network});
    auto sc = emptyScenario(30);
    sc.seed = seed;
    sc.axes = {"west", "south"};
    const auto n = 40 + std::uint32_t(rng.below(80));
    for (std::uint32_t k = 0; k < n; ++k) {
        addState(sc, "R" + std::to_string(k), rng.uniform(), 2 * rng.uniform() - 1);
        sc.states.listed().back().alignment[1] = 2 * rng.uniform() - 1;
    }
    for (std::uint32_t e = 0; e < 3 * n; ++e) {
        const auto a = StateIndex(rng.below(n)), b = StateIndex(rng.below(n));
        tie(sc, a, b, weighted ? 0.3 + 2 * rng.uniform() : 1.0);  // self-ties and repeats too
    }
    const auto J = 1 + std::uint32_t(rng.below(3));
    for (std::uint32_t j = 0; j < J; ++j) {
        std::vector<StateIndex> members;
        for (StateIndex i = 0; i < n; ++i)
            if (rng.uniform() < 0.8) members.push_back(i);
        const auto inst = addInstitution(sc, "I" + std::to_string(j), members, rng.uniform());
        sc.institutions[inst].orientation = {2 * rng.uniform() - 1, 2 * rng.uniform() - 1};
        sc.institutions[inst].sovereignty_cost = 0.3 * rng.uniform();
        for (int k = 0; k < 4; ++k) {  // overrides: suspended, sanctioned, or never joined
            MembershipSpec ms;
            ms.state = StateIndex(rng.below(n));
            ms.institution = inst;
            const bool listed = std::any_of(
                sc.memberships.begin(), sc.memberships.end(), [&](const MembershipSpec& o) {
                    return o.state == ms.state && o.institution == ms.institution;
                });
            if (listed) continue;
            ms.status = k % 2 == 0 ? MembershipStatus::suspended : MembershipStatus::member;
            ms.sanction = rng.uniform();
            if (k == 3) ms.benefit = rng.uniform();
            sc.memberships.push_back(ms);
        }
    }
    for (int k = 0; k < 5; ++k) {
        ScheduledEvent ev;
        ev.step = std::uint32_t(rng.below(12));
        ev.kind = EventKind::force_exit;
        ev.institution = InstitutionIndex(rng.below(J));
        ev.random_state = k % 2 == 0;
        ev.state = ev.random_state ? kNone : StateIndex(rng.below(n));
        sc.events.push_back(ev);
    }
    std::stable_sort(sc.events.begin(), sc.events.end(),
                     [](const auto& x, const auto& y) { return x.step < y.step; });
    auto& p = sc.model;
    p.peer_weight = 0.5 + rng.uniform();
    p.alignment_cost = 0.2 * rng.uniform();
    p.sanction_benefit_cut = rng.uniform();
    p.status_quo_bias = 0.1 * rng.uniform() - 0.02;
    p.linkage_weight = 0.3;  // irrelevant: no links
    return sc;
}

// Runs both engines on replicates 0..replicates-1 with two record configurations; returns the
// largest cascade seen so callers can check the case was not trivial.
std::int32_t compareEngines(const Scenario& sc, std::uint32_t replicates) {
    EXPECT_TRUE(frontierApplies(sc));
    const auto topo = buildTopology(sc);
    Simulation general(sc, topo, Engine::general);
    FrontierCascade frontier(sc, topo);
    std::int32_t largest = 0;
    for (const RecordConfig rc :
         {RecordConfig{true, 1}, RecordConfig{true, 7}, RecordConfig{false, 1}}) {
        for (std::uint32_t r = 0; r < replicates; ++r) {
            SCOPED_TRACE("replicate " + std::to_string(r));
            RunResult a, b;
            general.run(sc.seed, r, sc.steps, rc, a);
            frontier.run(sc.seed, r, sc.steps, rc, b);
            expectSameResult(a, b);
            for (const auto c : a.cascade_size) largest = std::max(largest, c);
        }
    }
    return largest;
}

TEST(FrontierCascadeTest, WattsMatchesTheGeneralEngine) {
    std::int32_t largest = 0;
    for (const double z : {3.0, 4.0}) {
        for (const std::uint64_t seed : {2002u, 7u}) {
            SCOPED_TRACE("z " + std::to_string(z) + " seed " + std::to_string(seed));
            const auto sc = watts(3000, z, seed);
            largest = std::max(largest, compareEngines(sc, 4));
        }
    }
    EXPECT_GT(largest, 300);  // at least one global cascade was compared
}

TEST(FrontierCascadeTest, GranovetterCompleteGraphsMatch) {
    for (const std::uint64_t seed : {1u, 2u, 3u, 4u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        EXPECT_GT(compareEngines(granovetter(30 + 10 * std::uint32_t(seed), seed), 2), 0);
        EXPECT_GT(compareEngines(granovetter(0, seed, true), 2), 1);
    }
}

TEST(FrontierCascadeTest, RandomWeightedAndUnitWorldsMatch) {
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        for (const bool weighted : {false, true}) {
            SCOPED_TRACE("seed " + std::to_string(seed) + (weighted ? " weighted" : " unit"));
            const auto sc = randomWorld(seed, weighted);
            compareEngines(sc, 3);
            const auto topo = buildTopology(sc);
            EXPECT_EQ(FrontierCascade(sc, topo).unitWeights(), !weighted);
        }
    }
}

TEST(FrontierCascadeTest, LargeFrontiersGiveTheSameResultOnAnyThreadCount) {
    // Rounds of >= 8192 leavers take the parallel path when two threads are allowed (the
    // default split needs millions of memberships).
    const auto sc = watts(200000, 4.0, 11);
    const auto topo = buildTopology(sc);
    FrontierCascade frontier(sc, topo);
    frontier.setParallelSplit({8192, 0});
    const RecordConfig rc{false, 1};
    RunResult one, two, general;
    {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
        frontier.run(sc.seed, 0, sc.steps, rc, one);
    }
    {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
        frontier.run(sc.seed, 0, sc.steps, rc, two);
        ASSERT_GT(frontier.parallelRounds(), 0u);
    }
    ASSERT_GT(one.cascade_size[0], 100000);
    expectSameResult(one, two);
    Simulation(sc, topo, Engine::general).run(sc.seed, 0, sc.steps, rc, general);
    expectSameResult(general, one);
    // More parts than this machine has cores (each part owns a range of counters; the ranges'
    // ends fall in the middle of rows): still the same.
    for (int parts : {3, 5}) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, parts);
        tbb::task_arena arena(parts);
        RunResult more;
        arena.execute([&] { frontier.run(sc.seed, 0, sc.steps, rc, more); });
        ASSERT_GT(frontier.parallelRounds(), 0u);
        expectSameResult(one, more);
    }
}

TEST(FrontierCascadeTest, BareCascadeMatchesTheScenarioEngine) {
    const auto sc = watts(5000, 4.0, 5);
    const auto topo = buildTopology(sc);
    RunResult r;
    FrontierCascade(sc, topo).run(sc.seed, 1, sc.steps, RecordConfig{false, 1}, r);
    ASSERT_FALSE(r.events.empty());
    const auto peers = topo.peers.view();
    std::vector<std::uint32_t> offsets(peers.offsets, peers.offsets + topo.membershipCount() + 1);
    std::vector<std::uint32_t> targets(peers.targets, peers.targets + topo.peers.edgeCount());
    std::vector<std::int32_t> need(topo.membershipCount());
    for (std::uint32_t m = 0; m < need.size(); ++m)
        need[m] = exitThreshold(0.179999999, 1.0, 0.0, offsets[m + 1] - offsets[m]);
    FrontierCascade bare(std::move(offsets), std::move(targets), std::move(need));
    const std::uint32_t seed = r.events.front().state;  // one state, one membership each
    EXPECT_EQ(bare.cascade({&seed, 1}, sc.steps), std::uint64_t(r.cascade_size[0]));
    EXPECT_EQ(bare.exitSteps(), r.exit_step);
    EXPECT_EQ(bare.cascade({&seed, 1}, sc.steps), std::uint64_t(r.cascade_size[0]));  // reset
}

// The bare cascade by definition, one synchronous round at a time: at step 0 the seeds are gone;
// at step t every node still in whose row has at least need entries gone leaves; then all who
// left count as gone. Rows may repeat a peer (each entry counts) or hold the node itself.
std::vector<std::int32_t> referenceCascade(const std::vector<std::uint32_t>& offsets,
                                           const std::vector<std::uint32_t>& targets,
                                           const std::vector<std::int32_t>& need,
                                           const std::vector<std::uint32_t>& seeds) {
    const auto n = std::uint32_t(need.size());
    std::vector<std::int32_t> exit(n, -1);
    std::vector<char> gone(n, 0);
    for (const auto s : seeds) {
        exit[s] = 0;
        gone[s] = 1;
    }
    for (std::int32_t t = 0;; ++t) {
        bool moved = false;
        for (std::uint32_t v = 0; v < n; ++v) {
            if (exit[v] >= 0) continue;
            std::int64_t count = 0;
            for (auto e = offsets[v]; e < offsets[v + 1]; ++e) count += gone[targets[e]];
            if (count >= need[v]) {
                exit[v] = t;
                moved = true;
            }
        }
        if (!moved) return exit;
        for (std::uint32_t v = 0; v < n; ++v) gone[v] = exit[v] >= 0;
    }
}

TEST(FrontierCascadeTest, BareCascadeMatchesTheDefinitionForAnyRowLength) {
    // Rows of every length 0..20 (notifyRows handles the first 8 entries of a row without a
    // loop and the rest in one), repeated peers and self-ties, short rows at the very end of
    // the entries (the unconditional 8-entry copy must not read past them), thresholds of 0,
    // 1, up to the degree and never, and one hub wide enough for 2- or 4-byte counters; on 1
    // and 2 threads (rounds above 8192 leavers take the parallel path).
    for (const std::uint32_t n : {3000u, 40000u}) {
        for (const std::uint32_t hub : {0u, 300u, 70000u}) {
            SCOPED_TRACE("n " + std::to_string(n) + " hub " + std::to_string(hub));
            RandomStream rng(RngKey{n, hub, 0, 0, Purpose::network});
            std::vector<std::uint32_t> stubs;  // a configuration model: symmetric rows
            for (std::uint32_t v = 0; v < n; ++v) {
                const auto degree =
                    v + 8 >= n ? 1 + std::uint32_t(rng.below(3)) : std::uint32_t(rng.below(21));
                stubs.insert(stubs.end(), degree, v);
            }
            stubs.insert(stubs.end(), hub, 0);  // node 0 is the hub
            if (stubs.size() % 2 != 0) stubs.push_back(n - 1);
            for (std::size_t k = stubs.size(); k > 1; --k)
                std::swap(stubs[k - 1], stubs[rng.below(k)]);
            std::vector<std::vector<std::uint32_t>> rows(n);
            for (std::size_t k = 0; k + 1 < stubs.size(); k += 2) {
                rows[stubs[k]].push_back(stubs[k + 1]);
                if (stubs[k] != stubs[k + 1]) rows[stubs[k + 1]].push_back(stubs[k]);
            }
            std::vector<std::uint32_t> offsets{0}, targets;
            std::vector<std::int32_t> need(n);
            for (std::uint32_t v = 0; v < n; ++v) {
                targets.insert(targets.end(), rows[v].begin(), rows[v].end());
                offsets.push_back(std::uint32_t(targets.size()));
                const auto degree = std::uint32_t(rows[v].size());
                const auto draw = rng.below(20);
                need[v] = draw == 0   ? 0
                          : draw == 1 ? kNeverLeaves
                          : v + 8 >= n || draw < 8
                              ? 1
                              : std::int32_t(1 + rng.below(std::max<std::uint32_t>(degree, 1)));
            }
            ASSERT_GT(offsets[n] - offsets[n - 1], 0u);
            FrontierCascade engine(offsets, targets, need);
            for (const std::vector<std::uint32_t>& seeds :
                 {std::vector<std::uint32_t>{1}, std::vector<std::uint32_t>{n - 1},
                  std::vector<std::uint32_t>{n / 2, n / 3, n - 2, 0}}) {
                const auto expected = referenceCascade(offsets, targets, need, seeds);
                const auto left = std::uint64_t(
                    std::count_if(expected.begin(), expected.end(), [](auto s) { return s >= 0; }));
                for (const std::size_t threads : {1u, 2u}) {
                    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                              threads);
                    EXPECT_EQ(engine.cascade(seeds, 100000), left);
                    EXPECT_EQ(engine.exitSteps(), expected);
                }
                EXPECT_GT(left, seeds.size());
                EXPECT_LT(left, n);
            }
        }
    }
}

TEST(FrontierCascadeTest, ThresholdsUseTheEnginesOwnArithmetic) {
    // Watts: leave iff share gone >= 0.18 (b = phi - 1e-9).
    EXPECT_EQ(exitThreshold(0.179999999, 1.0, 0.0, 4), 1);
    EXPECT_EQ(exitThreshold(0.179999999, 1.0, 0.0, 50), 9);    // 9/50 = 0.18 exactly
    EXPECT_EQ(exitThreshold(0.179999999, 1.0, 0.0, 100), 18);  // 18/100
    EXPECT_EQ(exitThreshold(0.179999999, 1.0, 0.0, 0), kNeverLeaves);
    EXPECT_EQ(exitThreshold(-0.1, 1.0, 0.0, 5), 0);  // leaves with no peer gone
    EXPECT_EQ(exitThreshold(0.5, 0.0, 0.0, 5), kNeverLeaves);
    EXPECT_EQ(exitThreshold(1.5, 1.0, 0.0, 5), kNeverLeaves);  // even all gone is not enough
    EXPECT_EQ(exitThreshold(0.5, 1.0, 0.0, 2), 2);             // U = 0 at one gone: not < 0
}

TEST(FrontierCascadeTest, AppliesOnlyToMonotoneThresholdCascades) {
    const auto base = watts(50, 4.0, 1);
    EXPECT_TRUE(frontierApplies(base));
    const auto rejects = [&](auto change) {
        auto sc = base;
        change(sc);
        return !frontierApplies(sc);
    };
    EXPECT_TRUE(rejects([](Scenario& s) { s.model.alignment_noise = 0.1; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.model.peer_alignment_rate = 0.1; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.model.sovereignty_reversion = 0.1; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.model.rally = 0.1; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.model.institution_pull = 0.1; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.model.decision_sharpness = 5.0; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.model.hazard_cap = 0.0; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.model.club_exponent = 1.0; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.institutions[0].notice_months = 12; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.institutions[0].democracy_clause = true; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.institutions[0].quorum = 3; }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.institutions[0].coordinated_exit = true; }));
    EXPECT_TRUE(rejects([](Scenario& s) {
        InstitutionSpec bloc;
        bloc.latent = true;
        s.institutions.push_back(bloc);
    }));
    EXPECT_TRUE(rejects([](Scenario& s) {
        s.links.push_back(LinkSpec{0, 0, 1.0});
        s.model.linkage_weight = 0.5;
    }));
    EXPECT_TRUE(rejects([](Scenario& s) {
        s.substitutions.push_back(SubstitutionSpec{0, 0, 1.0});
        s.model.substitution_weight = 0.5;
    }));
    EXPECT_TRUE(rejects([](Scenario& s) {
        s.patrons.push_back(PatronSpec{});
        s.model.patron_opposition_weight = 0.5;
    }));
    EXPECT_TRUE(rejects([](Scenario& s) { schedule(s, 2, EventKind::coup, 0); }));
    EXPECT_TRUE(rejects([](Scenario& s) { schedule(s, 2, EventKind::sanction, 0, 0, 0.5); }));
    EXPECT_TRUE(rejects([](Scenario& s) { schedule(s, 2, EventKind::force_join, 0, 0); }));
    EXPECT_TRUE(rejects([](Scenario& s) { s.axes.clear(); }));
    // Irrelevant coefficients do not matter.
    EXPECT_FALSE(rejects([](Scenario& s) { s.model.linkage_weight = 0.5; }));
    EXPECT_FALSE(rejects([](Scenario& s) { s.model.rescind_margin = 0.5; }));
    EXPECT_FALSE(rejects([](Scenario& s) { s.model.alignment_cost = 0.5; }));
    const auto topo = buildTopology(base);
    auto noisy = base;
    noisy.model.alignment_noise = 0.1;
    EXPECT_THROW(FrontierCascade(noisy, topo), std::invalid_argument);
}

}  // namespace
}  // namespace regsim
