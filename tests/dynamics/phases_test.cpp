// Each phase on a hand-computed case, and a focused deterministic test per mechanism
// (docs/model.md, "Submodels").

#include "dynamics/phases.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "dynamics/simulation.hpp"
#include "graph/topology.hpp"
#include "world_builder.hpp"

namespace regsim {
namespace {

using namespace regsim::testing;

struct Trial {
    Scenario sc;
    Topology topo;
    RunResult result;

    explicit Trial(Scenario s, std::uint32_t replicate = 0)
        : sc(std::move(s)), topo(buildTopology(sc)) {
        Simulation sim(sc, topo);
        sim.run(sc.seed, replicate, sc.steps, RecordConfig{}, result);
    }
    std::size_t N() const { return sc.states.size(); }
    std::size_t J() const { return sc.institutions.size(); }
    MembershipStatus status(std::uint32_t t, StateIndex i, InstitutionIndex j) const {
        return MembershipStatus(result.status[(t * N() + i) * J() + j]);
    }
    double sovereignty(std::uint32_t t, StateIndex i) const {
        return result.sovereignty[t * N() + i];
    }
    double alignment(std::uint32_t t, StateIndex i, AxisIndex d = 0) const {
        return result.alignment[(t * N() + i) * sc.axisCount() + d];
    }
    int count(EventKind kind) const {
        int n = 0;
        for (const auto& e : result.events) n += e.kind == kind;
        return n;
    }
};

TEST(AlignmentTest, PeerPullIsTheWeightedMeanDifference) {
    auto sc = emptyScenario(1);
    const auto a = addState(sc, "A", 0.5, 0.0);
    const auto b = addState(sc, "B", 0.5, 1.0);
    const auto c = addState(sc, "C", 0.5, -0.5);
    tie(sc, a, b, 3.0);
    tie(sc, a, c, 1.0);
    sc.model.peer_alignment_rate = 0.5;
    Trial run(sc);
    // A: 0 + 0.5 * (3 * (1 - 0) + 1 * (-0.5 - 0)) / 4 = 0.3125
    EXPECT_DOUBLE_EQ(run.alignment(1, a), 0.3125);
    // B: 1 + 0.5 * (0 - 1) = 0.5; C: -0.5 + 0.5 * (0 + 0.5) = -0.25
    EXPECT_DOUBLE_EQ(run.alignment(1, b), 0.5);
    EXPECT_DOUBLE_EQ(run.alignment(1, c), -0.25);
}

TEST(AlignmentTest, BoundedConfidenceIgnoresDistantNeighbours) {
    auto sc = emptyScenario(1);
    const auto a = addState(sc, "A", 0.5, 0.0);
    const auto b = addState(sc, "B", 0.5, 0.2);
    const auto c = addState(sc, "C", 0.5, -0.9);
    tie(sc, a, b);
    tie(sc, a, c);
    sc.model.peer_alignment_rate = 0.5;
    sc.model.confidence_bound = 0.5;
    Trial run(sc);
    EXPECT_DOUBLE_EQ(run.alignment(1, a), 0.1);  // only B counts
}

// The bound test without a square root decides exactly as sqrt(d2) < epsilon, also for the
// d2 within a few ulps of epsilon^2 where rounding could differ.
TEST(AlignmentTest, SquaredBoundDecidesExactlyAsTheSquareRoot) {
    RandomStream rng(RngKey{4, 0, 0, 0, Purpose::network});
    for (int k = 0; k < 2000; ++k) {
        const double eps = k < 4 ? std::vector<double>{1.0, 0.1, 1e-170, 1e160}[k]
                                 : std::ldexp(rng.uniform() + 0.5, int(rng.below(40)) - 30);
        const double bound2 = squaredBound(eps);
        double d2 = eps * eps;
        for (int u = 0; u < 4; ++u) d2 = std::nextafter(d2, 0.0);
        for (int u = 0; u < 8; ++u, d2 = std::nextafter(d2, kInfinity))
            ASSERT_EQ(std::sqrt(d2) < eps, d2 < bound2) << "eps " << eps << " d2 " << d2;
    }
}

TEST(AlignmentTest, PatronEngagementMovesAlignmentTowardThePatron) {
    auto sc = emptyScenario(3);
    const auto a = addState(sc, "A", 0.5, 0.4);
    PatronSpec p;
    p.id = "RUS";
    p.orientation = {-1.0};
    p.engagement = {0.0};
    sc.patrons.push_back(p);
    sc.model.patron_pull = 0.25;
    ScheduledEvent ev;
    ev.step = 1;
    ev.kind = EventKind::patron_engagement;
    ev.state = a;
    ev.patron = 0;
    ev.value = 2.0;
    sc.events.push_back(ev);
    Trial run(sc);
    EXPECT_DOUBLE_EQ(run.alignment(1, a), 0.4);  // no engagement in step 0
    // Step 1: 0.4 + 0.25 * 2 * (-1 - 0.4) = -0.3; step 2: -0.3 + 0.5 * (-0.7) = -0.65
    EXPECT_DOUBLE_EQ(run.alignment(2, a), 0.4 + 0.5 * (-1.4));
    EXPECT_DOUBLE_EQ(run.alignment(3, a), -0.3 + 0.5 * (-0.7));
    EXPECT_EQ(run.count(EventKind::patron_engagement), 1);
}

TEST(SovereigntyTest, MeanReversionAndRallyUnderSanctions) {
    auto sc = emptyScenario(2);
    const auto a = addState(sc, "A", 0.8);
    sc.states.listed()[a].sovereignty_baseline = 0.4;
    const auto b = addState(sc, "B", 0.2);
    const auto j = addInstitution(sc, "ECO", {a, b}, 1.0);
    sc.model.sovereignty_reversion = 0.25;
    sc.model.rally = 0.1;
    schedule(sc, 0, EventKind::sanction, b, j, 0.5);
    Trial run(sc);
    EXPECT_DOUBLE_EQ(run.sovereignty(1, a), 0.8 + 0.25 * (0.4 - 0.8));
    // B is sanctioned from step 0: 0.2 + 0.25 * 0 + 0.1 * 0.8 = 0.28
    EXPECT_DOUBLE_EQ(run.sovereignty(1, b), 0.28);
}

TEST(UtilityTest, EveryTermHandComputedDecidesTheExit) {
    // U = b - s*c - lambda*|a - o| + kappa*(share - 1) - chi*link - omega*subst + zeta.
    auto sc = emptyScenario(1);
    const auto a = addState(sc, "A", 0.5, 0.2);
    const auto b = addState(sc, "B", 0.5, 0.0);
    const auto c = addState(sc, "C", 0.5, 0.0);
    tie(sc, a, b);
    tie(sc, a, c);
    const auto j = addInstitution(sc, "J", {a, b, c}, 1.0);
    sc.institutions[j].sovereignty_cost = 0.4;
    sc.institutions[j].orientation = {1.0};
    sc.model.alignment_cost = 0.5;
    sc.model.peer_weight = 0.3;
    sc.model.status_quo_bias = 0.1;
    // Force B out at step 0 so that A sees half of its peers gone in the same step's utility.
    schedule(sc, 0, EventKind::force_exit, b, j);
    // A: 1 - 0.5*0.4 - 0.5*0.8 + 0.3*(0.5 - 1) + 0.1 = 1 - 0.2 - 0.4 - 0.15 + 0.1 = 0.35 > 0
    Trial stay(sc);
    EXPECT_EQ(stay.status(1, a, j), MembershipStatus::member);
    // Without zeta U = 0.25: with zeta = -0.26, U = -0.01 < 0 and A leaves.
    sc.model.status_quo_bias = -0.26;
    Trial leave(sc);
    EXPECT_EQ(leave.status(1, a, j), MembershipStatus::withdrawn);
    sc.model.status_quo_bias = -0.24;  // U = +0.01
    Trial stay2(sc);
    EXPECT_EQ(stay2.status(1, a, j), MembershipStatus::member);
}

TEST(UtilityTest, LinkageAndSubstitutionMakeLeavingEasier) {
    auto sc = emptyScenario(3);
    const auto a = addState(sc, "A");
    const auto k = addInstitution(sc, "K", {a}, 1.0);
    const auto j = addInstitution(sc, "J", {a}, 0.5);
    const auto alt = addInstitution(sc, "ALT", {a}, 1.0);
    sc.links.push_back(LinkSpec{k, j, 1.0});
    sc.substitutions.push_back(SubstitutionSpec{alt, j, 1.0});
    sc.model.linkage_weight = 0.3;
    sc.model.substitution_weight = 0.3;
    // J: 0.5 - 0.3 (ALT substitutes) = 0.2 > 0; after K is left: 0.2 - 0.3 < 0.
    schedule(sc, 1, EventKind::force_exit, a, k);
    Trial run(sc);
    // The forced exit acts in place at the start of step 1, so J's utility in step 1 already
    // counts it: A leaves J in step 1, visible at t = 2.
    EXPECT_EQ(run.status(1, a, j), MembershipStatus::member);
    EXPECT_EQ(run.status(2, a, j), MembershipStatus::withdrawn);
    EXPECT_EQ(run.result.exit_step[j], 1);
}

TEST(DecisionTest, HazardCapZeroMeansNobodyLeaves) {
    auto sc = emptyScenario(5);
    const auto a = addState(sc, "A");
    addInstitution(sc, "J", {a}, -1.0);
    sc.model.hazard_cap = 0.0;
    sc.model.decision_sharpness = 3.0;
    Trial run(sc);
    EXPECT_EQ(run.count(EventKind::announce), 0);
}

TEST(DecisionTest, StochasticRateMatchesTheLogisticHazard) {
    // U = -0.2, beta = 5, h = 0.1: P = 0.1 / (1 + exp(-1)) = 0.0731 per step.
    auto sc = emptyScenario(1);
    for (int k = 0; k < 4000; ++k) addState(sc, "S" + std::to_string(k));
    std::vector<StateIndex> all(sc.states.size());
    for (StateIndex i = 0; i < all.size(); ++i) all[i] = i;
    addInstitution(sc, "J", all, -0.2);
    sc.model.decision_sharpness = 5.0;
    sc.model.hazard_cap = 0.1;
    Trial run(sc);
    const double p = 0.1 / (1 + std::exp(-1.0));
    const double share = run.count(EventKind::announce) / 4000.0;
    EXPECT_NEAR(share, p, 4 * std::sqrt(p * (1 - p) / 4000));
}

TEST(NoticeTest, ExitTakesEffectAfterTheNoticePeriod) {
    auto sc = emptyScenario(6);
    const auto a = addState(sc, "A");
    const auto j = addInstitution(sc, "J", {a}, -1.0);
    sc.institutions[j].notice_months = 3;
    Trial run(sc);
    // Announced in step 0 (visible at t=1), takes effect in step 3 (visible at t=4).
    EXPECT_EQ(run.status(1, a, j), MembershipStatus::withdrawing);
    EXPECT_EQ(run.status(3, a, j), MembershipStatus::withdrawing);
    EXPECT_EQ(run.status(4, a, j), MembershipStatus::withdrawn);
    EXPECT_EQ(run.result.announce_step[0], 0);
    EXPECT_EQ(run.result.exit_step[0], 3);
}

TEST(NoticeTest, RescindBeforeTheNoticeEndsKeepsTheMembership) {
    auto sc = emptyScenario(8);
    const auto a = addState(sc, "A");
    const auto j = addInstitution(sc, "J", {a}, -1.0);
    sc.institutions[j].notice_months = 12;
    // Benefit raised in step 2: U = 1 > margin 0.5 -> rescind in step 2.
    ScheduledEvent ev;
    ev.step = 2;
    ev.kind = EventKind::institution_param;
    ev.institution = j;
    ev.param = InstitutionParam::benefit;
    ev.value = 1.0;
    sc.events.push_back(ev);
    sc.model.rescind_margin = 0.5;
    Trial run(sc);
    EXPECT_EQ(run.status(2, a, j), MembershipStatus::withdrawing);
    EXPECT_EQ(run.status(3, a, j), MembershipStatus::member);
    EXPECT_EQ(run.status(8, a, j), MembershipStatus::member);
    EXPECT_EQ(run.count(EventKind::rescind), 1);
    EXPECT_EQ(run.result.exit_step[0], -1);
}

TEST(ReactionTest, CoupUnderDemocracyClauseSuspendsWithinTheSameStep) {
    auto sc = emptyScenario(4);
    const auto a = addState(sc, "A");
    const auto j = addInstitution(sc, "J", {a}, 1.0);
    sc.institutions[j].democracy_clause = true;
    sc.institutions[j].sanction = 0.6;
    schedule(sc, 1, EventKind::coup, a);
    schedule(sc, 3, EventKind::transition, a);
    Trial run(sc);
    EXPECT_EQ(run.status(1, a, j), MembershipStatus::member);
    EXPECT_EQ(run.status(2, a, j), MembershipStatus::suspended);
    EXPECT_EQ(run.status(4, a, j), MembershipStatus::member);
    bool suspend_in_step_1 = false;
    for (const auto& e : run.result.events)
        if (e.kind == EventKind::suspend && e.step == 1) suspend_in_step_1 = true;
    EXPECT_TRUE(suspend_in_step_1);
    EXPECT_EQ(run.count(EventKind::reinstate), 1);
    EXPECT_EQ(run.count(EventKind::sanction), 1);
    EXPECT_EQ(run.count(EventKind::lift_sanction), 1);
}

TEST(CoordinationTest, JointDeclarationMovesAllAllianceMembersAtOnce) {
    auto sc = emptyScenario(2);
    const auto a = addState(sc, "A");
    const auto b = addState(sc, "B");
    const auto c = addState(sc, "C");
    const auto j = addInstitution(sc, "J", {a, b, c}, 0.1);
    const auto al = addInstitution(sc, "AL", {a, b, c}, 1.0);
    sc.institutions[al].coordinated_exit = true;
    sc.institutions[al].coordination_share = 0.6;
    // A and B would leave J (U < 0), C would not; 2/3 >= 0.6: all three announce.
    sc.memberships.push_back(MembershipSpec{a, j, -0.5, std::nullopt});
    sc.memberships.push_back(MembershipSpec{b, j, -0.5, std::nullopt});
    Trial run(sc);
    for (auto i : {a, b, c}) EXPECT_EQ(run.status(1, i, j), MembershipStatus::withdrawn);
    int joint = 0;
    for (const auto& e : run.result.events)
        joint += e.kind == EventKind::announce && e.cause == EventCause::joint_declaration;
    EXPECT_EQ(joint, 3);
    // Below the share: A alone would leave, and the alliance vetoes a solo exit.
    sc.memberships.pop_back();
    Trial veto(sc);
    for (auto i : {a, b, c}) EXPECT_EQ(veto.status(2, i, j), MembershipStatus::member);
}

TEST(DissolutionTest, BelowQuorumEndsEveryMembership) {
    auto sc = emptyScenario(3);
    const auto a = addState(sc, "A");
    const auto b = addState(sc, "B");
    const auto c = addState(sc, "C");
    const auto j = addInstitution(sc, "G5", {a, b, c}, 1.0);
    sc.institutions[j].quorum = 3;
    schedule(sc, 1, EventKind::force_exit, a, j);
    Trial run(sc);
    EXPECT_EQ(run.status(1, b, j), MembershipStatus::member);
    for (auto i : {a, b, c}) EXPECT_EQ(run.status(2, i, j), MembershipStatus::withdrawn);
    EXPECT_EQ(run.result.dissolve_step[j], 1);
    EXPECT_EQ(run.count(EventKind::dissolve), 1);
    // Exits by dissolution are not decisions: only A counts in the cascade.
    EXPECT_EQ(run.result.cascade_size[j], 1);
}

TEST(FoundingTest, LatentBlocIsFoundedExactlyWhenItsConditionFirstHolds) {
    auto sc = emptyScenario(6);
    const auto a = addState(sc, "A", 0.5, 0.0, Regime::military);
    const auto b = addState(sc, "B");
    const auto c = addState(sc, "C");
    const auto d = addState(sc, "D", 0.5, 0.0, Regime::military);  // not connected
    tie(sc, a, b);
    tie(sc, b, c);
    const auto eco = addInstitution(sc, "ECO", {a, b, c, d}, 1.0);
    sc.institutions[eco].democracy_clause = true;
    InstitutionSpec aes;
    aes.id = "AES";
    aes.orientation = {0.0};
    aes.latent = true;
    aes.founding.candidates = {a, b, c, d};
    aes.founding.min_founders = 3;
    sc.institutions.push_back(aes);
    const InstitutionIndex bloc = 1;
    schedule(sc, 1, EventKind::coup, b);
    schedule(sc, 3, EventKind::coup, c);
    Trial run(sc);
    EXPECT_EQ(run.result.found_step[bloc], 3);
    EXPECT_EQ(run.status(3, a, bloc), MembershipStatus::none);
    for (auto i : {a, b, c}) EXPECT_EQ(run.status(4, i, bloc), MembershipStatus::member);
    EXPECT_EQ(run.status(4, d, bloc), MembershipStatus::none);  // military, suspended, isolated
    EXPECT_EQ(run.count(EventKind::found), 1);
    EXPECT_EQ(run.count(EventKind::join), 3);
}

TEST(FoundingTest, DelayMonthsWaitsForTheConditionToHoldThatLong) {
    auto sc = emptyScenario(8);
    const auto a = addState(sc, "A", 0.5, 0.0, Regime::military);
    const auto b = addState(sc, "B", 0.5, 0.0, Regime::military);
    const auto c = addState(sc, "C");
    tie(sc, a, b);
    tie(sc, b, c);
    const auto eco = addInstitution(sc, "ECO", {a, b, c}, 1.0);
    sc.institutions[eco].democracy_clause = true;
    InstitutionSpec aes;
    aes.id = "AES";
    aes.orientation = {0.0};
    aes.latent = true;
    aes.founding.min_founders = 3;
    aes.founding.delay_months = 2;
    sc.institutions.push_back(aes);
    // The condition first holds in step 1, breaks in step 2 (C's transition), holds again
    // from step 3: founded in step 3 + 2 = 5.
    schedule(sc, 1, EventKind::coup, c);
    schedule(sc, 2, EventKind::transition, c);
    schedule(sc, 3, EventKind::coup, c);
    Trial run(sc);
    EXPECT_EQ(run.result.found_step[1], 5);
}

// A scenario built in code whose per-axis vectors do not match its axes is refused before a
// run could read past them (the loader checks files; this is the C++ API's check). Empty
// vectors stay the defaults.
TEST(TopologyTest, PerAxisVectorsOfTheWrongLengthAreRefused) {
    auto sc = emptyScenario();
    sc.axes = {"west", "south"};
    const auto a = addState(sc, "A");
    const auto b = addState(sc, "B");
    addInstitution(sc, "I", {a, b});
    EXPECT_NO_THROW(buildTopology(sc));
    sc.states.listed()[1].alignment.clear();
    sc.institutions[0].orientation.clear();
    EXPECT_NO_THROW(buildTopology(sc));
    sc.states.listed()[1].alignment = {0.1, 0.2, 0.3};
    EXPECT_THROW(buildTopology(sc), std::invalid_argument);
    sc.states.listed()[1].alignment = {0.1, 0.2};
    sc.institutions[0].orientation = {0.5};
    EXPECT_THROW(buildTopology(sc), std::invalid_argument);
    sc.institutions[0].orientation = {};
    sc.model.military_alignment_shift = {0.2};
    EXPECT_THROW(buildTopology(sc), std::invalid_argument);
}

}  // namespace
}  // namespace regsim
