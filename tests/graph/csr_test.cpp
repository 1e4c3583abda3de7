// WeightedCsr: rows in the order of a stable sort of (source, target) pairs (repeated edges in
// input order, weights carried along), from unsorted edges or from prebuilt rows; graphs whose
// weights are all 1 store none and give the same rows. The influence and peer graphs Topology
// builds in place equal the ones built from explicit edge lists, memberships come out sorted
// and unique, and override arrays exist only when something overrides.

#include "graph/csr.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/rng.hpp"
#include "graph/topology.hpp"

namespace regsim {
namespace {

using Edges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

struct Rows {
    std::vector<std::uint32_t> offsets, targets;
    std::vector<double> weights;
};

Rows rowsOf(const WeightedCsr& g) {
    const auto v = g.view();
    Rows r;
    r.offsets.assign(v.offsets, v.offsets + g.vertexCount() + 1);
    r.targets.assign(v.targets, v.targets + g.edgeCount());
    EXPECT_EQ(v.unitWeight(), g.unitWeight());
    for (std::uint64_t e = 0; e < g.edgeCount(); ++e) r.weights.push_back(v.weight(e));
    return r;
}

// The definition: a stable sort of edge indices by (source, target).
Rows reference(std::uint32_t n, const Edges& edges, const std::vector<double>& weights) {
    std::vector<std::size_t> order(edges.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return edges[a] < edges[b]; });
    Rows r;
    r.offsets.assign(n + 1, 0);
    for (auto k : order) {
        ++r.offsets[edges[k].first + 1];
        r.targets.push_back(edges[k].second);
        r.weights.push_back(weights[k]);
    }
    for (std::uint32_t v = 0; v < n; ++v) r.offsets[v + 1] += r.offsets[v];
    return r;
}

// Offsets, targets and weights one by one, so a failure says which differs.
void expectSameRows(const Rows& got, const Rows& want) {
    EXPECT_EQ(got.offsets, want.offsets);
    EXPECT_EQ(got.targets, want.targets);
    EXPECT_EQ(got.weights, want.weights);
}

TEST(WeightedCsrTest, RowsAreAStableSortOfSourceTargetPairs) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        RandomStream rng(RngKey{seed, 0, 0, 0, Purpose::network});
        const auto n = std::uint32_t(1 + rng.below(50));
        Edges edges;
        std::vector<double> weights;
        for (int k = 0; k < 400; ++k) {  // many repeats: weights tell them apart
            edges.emplace_back(std::uint32_t(rng.below(n)), std::uint32_t(rng.below(n)));
            weights.push_back(rng.uniform());
        }
        // One hub row long enough for the buffered sort.
        for (int k = 0; k < 100; ++k) {
            edges.emplace_back(0, std::uint32_t(rng.below(n)));
            weights.push_back(rng.uniform());
        }
        const auto got = rowsOf(WeightedCsr(n, edges, weights));
        const auto want = reference(n, edges, weights);
        expectSameRows(got, want);
    }
}

// Random edges with many repeats and one hub row; weights 1 unless `weight` says otherwise.
Edges randomEdges(RandomStream& rng, std::uint32_t n) {
    Edges edges;
    for (int k = 0; k < 400; ++k)
        edges.emplace_back(std::uint32_t(rng.below(n)), std::uint32_t(rng.below(n)));
    for (int k = 0; k < 100; ++k) edges.emplace_back(0, std::uint32_t(rng.below(n)));
    return edges;
}

TEST(WeightedCsrTest, UnitWeightGraphsStoreNoWeightsAndGiveTheSameRows) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        RandomStream rng(RngKey{seed, 0, 0, 0, Purpose::network});
        const auto n = std::uint32_t(1 + rng.below(50));
        const auto edges = randomEdges(rng, n);
        const std::vector<double> ones(edges.size(), 1.0);
        const WeightedCsr g(n, edges, ones);
        EXPECT_TRUE(g.unitWeight());
        EXPECT_EQ(g.view().weights, nullptr);
        EXPECT_TRUE(std::holds_alternative<UnitCsrGraph>(g.boostGraph()));
        const auto got = rowsOf(g);
        const auto want = reference(n, edges, ones);
        expectSameRows(got, want);  // read back as 1.0
        EXPECT_EQ(boost::num_vertices(std::get<UnitCsrGraph>(g.boostGraph())), n);
        EXPECT_EQ(boost::num_edges(std::get<UnitCsrGraph>(g.boostGraph())), edges.size());

        // Prebuilt rows whose weights are all 1 drop them too; without weights they are 1.
        auto offsets = want.offsets, targets = want.targets;
        std::vector<EdgeWeight> stored(targets.size());
        const auto rows = WeightedCsr::fromSortedRows(n, std::move(offsets), std::move(targets),
                                                      std::move(stored));
        EXPECT_TRUE(rows.unitWeight());
        EXPECT_EQ(rowsOf(rows).targets, want.targets);
        offsets = want.offsets, targets = want.targets;
        const auto bare = WeightedCsr::fromSortedRows(n, std::move(offsets), std::move(targets));
        EXPECT_TRUE(bare.unitWeight());
        EXPECT_EQ(rowsOf(bare).offsets, want.offsets);
    }
    EXPECT_TRUE(WeightedCsr().unitWeight());
    EXPECT_EQ(WeightedCsr().edgeCount(), 0u);
}

TEST(WeightedCsrTest, AnyWeightOtherThanOneKeepsThemAll) {
    RandomStream rng(RngKey{11, 0, 0, 0, Purpose::network});
    const std::uint32_t n = 30;
    const auto edges = randomEdges(rng, n);
    std::vector<double> weights(edges.size(), 1.0);
    weights[edges.size() / 2] = 0.5;
    const WeightedCsr g(n, edges, weights);
    EXPECT_FALSE(g.unitWeight());
    EXPECT_NE(g.view().weights, nullptr);
    EXPECT_TRUE(std::holds_alternative<CsrGraph>(g.boostGraph()));
    const auto got = rowsOf(g);
    const auto want = reference(n, edges, weights);
    expectSameRows(got, want);
    EXPECT_EQ(std::count(got.weights.begin(), got.weights.end(), 0.5), 1);
}

TEST(WeightedCsrTest, RejectsBadInput) {
    EXPECT_THROW(WeightedCsr(3, Edges{{0, 3}}, {1.0}), std::invalid_argument);
    EXPECT_THROW(WeightedCsr(3, Edges{{0, 1}}, {}), std::invalid_argument);
    const auto rows = [](std::vector<std::uint32_t> offsets, std::vector<std::uint32_t> targets) {
        std::vector<EdgeWeight> w(targets.size());
        return WeightedCsr::fromSortedRows(2, std::move(offsets), std::move(targets), std::move(w));
    };
    EXPECT_NO_THROW(rows({0, 2, 3}, {0, 1, 1}));
    EXPECT_THROW(rows({0, 2, 3}, {1, 0, 1}), std::invalid_argument);  // row not sorted
    EXPECT_THROW(rows({0, 2, 3}, {0, 1, 2}), std::invalid_argument);  // target out of range
    EXPECT_THROW(rows({0, 2}, {0, 1}), std::invalid_argument);        // offsets too short
    EXPECT_THROW(rows({0, 3, 2}, {0, 1, 1}), std::invalid_argument);  // offsets decrease
    const auto bare = [](std::vector<std::uint32_t> offsets, std::vector<std::uint32_t> targets) {
        return WeightedCsr::fromSortedRows(2, std::move(offsets), std::move(targets));
    };
    EXPECT_NO_THROW(bare({0, 2, 3}, {0, 1, 1}));
    EXPECT_THROW(bare({0, 2, 3}, {1, 0, 1}), std::invalid_argument);
    EXPECT_THROW(bare({0, 3, 2}, {0, 1, 1}), std::invalid_argument);  // offsets decrease
    const auto buckets = [](std::vector<std::uint32_t> offsets, std::vector<std::uint32_t> targets,
                            std::vector<EdgeWeight> w) {
        return WeightedCsr::fromBuckets(2, std::move(offsets), std::move(targets), std::move(w));
    };
    EXPECT_NO_THROW(buckets({0, 2, 3}, {1, 0, 1}, {}));  // rows need not be sorted
    EXPECT_THROW(buckets({0, 2, 3}, {1, 0, 2}, {}), std::invalid_argument);
    EXPECT_THROW(buckets({0, 2, 3}, {1, 0, 1}, {{1.0}}), std::invalid_argument);  // one weight
}

// Ties listed both ways, (a, b) then (b, a), self-ties dropped: the edge list the influence
// graph used to be built from.
void influenceEdges(const Scenario& sc, Edges& edges, std::vector<double>& weights) {
    for (const auto& t : sc.ties) {
        if (t.a == t.b) continue;
        edges.emplace_back(t.a, t.b);
        weights.push_back(t.weight);
        edges.emplace_back(t.b, t.a);
        weights.push_back(t.weight);
    }
}

Scenario randomWorld(bool unit_ties) {
    RandomStream rng(RngKey{3, 0, 0, 0, Purpose::network});
    Scenario sc;
    const std::uint32_t n = 40;
    StateAttributes generated;
    generated.alignment = {0.0};
    sc.states.addGenerated(n, generated);
    for (int k = 0; k < 120; ++k)  // repeats and self-ties too
        sc.ties.push_back(
            TieSpec{StateIndex(rng.below(n)), StateIndex(rng.below(n)), 0.5 + rng.uniform()});
    for (int j = 0; j < 3; ++j) {
        InstitutionSpec inst;
        inst.orientation = {0.0};
        for (StateIndex i = 0; i < n; ++i)
            if (rng.uniform() < 0.6) inst.members.push_back(i);
        sc.institutions.push_back(inst);
    }
    if (unit_ties)
        for (std::size_t k = 0; k < sc.ties.size(); ++k) sc.ties.setWeight(k, 1.0);
    return sc;
}

void expectPeersAndInfluenceFromEdgeLists(const Scenario& sc, const Topology& topo) {
    {
        Edges edges;
        std::vector<double> weights;
        influenceEdges(sc, edges, weights);
        const auto got = rowsOf(topo.influence);
        const auto want = reference(topo.state_count, edges, weights);
        expectSameRows(got, want);
    }
    const auto inf = topo.influence.view();
    Edges edges;
    std::vector<double> weights;
    for (std::uint32_t m = 0; m < topo.membershipCount(); ++m) {
        const auto i = topo.membership_state[m], j = topo.membership_institution[m];
        for (auto e = inf.begin(i); e < inf.end(i); ++e) {
            const auto mk = topo.membershipIndex(inf.targets[e], j);
            if (mk == kNone) continue;
            edges.emplace_back(m, mk);
            weights.push_back(inf.weight(e));
        }
    }
    ASSERT_FALSE(edges.empty());
    const auto got = rowsOf(topo.peers);
    const auto want = reference(topo.membershipCount(), edges, weights);
    expectSameRows(got, want);
}

void expectUnitWeights(const Topology& topo, bool unit) {
    EXPECT_EQ(topo.influence.unitWeight(), unit);
    EXPECT_EQ(topo.peers.unitWeight(), unit);
    EXPECT_EQ(topo.peers_unit_weight, unit);
}

TEST(TopologyTest, PeersAndInfluenceEqualTheGraphsBuiltFromEdgeLists) {
    const auto sc = randomWorld(false);
    const auto topo = buildTopology(sc);
    expectPeersAndInfluenceFromEdgeLists(sc, topo);
    expectUnitWeights(topo, false);
}

TEST(TopologyTest, UnitTiesGiveGraphsWithoutStoredWeights) {
    auto sc = randomWorld(true);
    sc.ties.push_back(TieSpec{5, 5, 0.25});  // a self-tie is dropped, its weight with it
    const auto topo = buildTopology(sc);
    expectPeersAndInfluenceFromEdgeLists(sc, topo);
    expectUnitWeights(topo, true);

    // One tie of another weight between two members of an institution: both graphs keep
    // weights, though most rows are all 1.
    const auto& first = sc.institutions[0].members;
    const auto member = [&](StateIndex i) {
        return std::binary_search(first.begin(), first.end(), i);
    };
    std::size_t k = 0;
    while (k < sc.ties.size() &&
           !(sc.ties[k].a != sc.ties[k].b && member(sc.ties[k].a) && member(sc.ties[k].b)))
        ++k;
    ASSERT_LT(k, sc.ties.size());
    sc.ties.setWeight(k, 2.0);
    const auto weighted = buildTopology(sc);
    expectPeersAndInfluenceFromEdgeLists(sc, weighted);
    expectUnitWeights(weighted, false);
}

// One institution every state belongs to: the peer graph is the influence graph, and the two
// share their rows. One state short of that, the peer graph is built as usual.
TEST(TopologyTest, OneInstitutionOfEveryStateSharesTheInfluenceRows) {
    for (const bool unit : {true, false}) {
        SCOPED_TRACE(unit ? "unit ties" : "weighted ties");
        auto sc = randomWorld(unit);
        sc.institutions.resize(1);
        auto& members = sc.institutions[0].members;
        members.clear();
        for (StateIndex i = sc.states.size(); i-- > 0;) members.push_back(i);  // any order
        const auto everyone = buildTopology(sc);
        expectPeersAndInfluenceFromEdgeLists(sc, everyone);
        expectUnitWeights(everyone, unit);
        EXPECT_EQ(everyone.peers.view().targets, everyone.influence.view().targets);

        members.erase(members.begin() + 7);
        const auto all_but_one = buildTopology(sc);
        expectPeersAndInfluenceFromEdgeLists(sc, all_but_one);
        EXPECT_NE(all_but_one.peers.view().targets, all_but_one.influence.view().targets);
    }
}

// Every pair from members, latent blocs (all states or the candidates), membership specs and
// forced joins, sorted by (state, institution), each once.
TEST(TopologyTest, MembershipsAreEveryPossiblePairSortedOnce) {
    RandomStream rng(RngKey{5, 0, 0, 0, Purpose::network});
    Scenario sc;
    const std::uint32_t n = 30;
    sc.states.addGenerated(n, {});
    std::vector<std::pair<StateIndex, InstitutionIndex>> pairs;
    for (InstitutionIndex j = 0; j < 4; ++j) {
        InstitutionSpec inst;
        for (int k = 0; k < 20; ++k) {  // repeats, unsorted
            inst.members.push_back(StateIndex(rng.below(n)));
            pairs.emplace_back(inst.members.back(), j);
        }
        sc.institutions.push_back(inst);
    }
    InstitutionSpec everyone, some;
    everyone.latent = some.latent = true;
    some.founding.candidates = {9, 3, 27};
    sc.institutions.push_back(everyone);
    sc.institutions.push_back(some);
    for (StateIndex i = 0; i < n; ++i) pairs.emplace_back(i, 4);
    for (StateIndex i : some.founding.candidates) pairs.emplace_back(i, 5);
    for (int k = 0; k < 10; ++k) {
        MembershipSpec ms;
        ms.state = StateIndex(rng.below(n));
        ms.institution = InstitutionIndex(rng.below(4));
        sc.memberships.push_back(ms);
        pairs.emplace_back(ms.state, ms.institution);
    }
    ScheduledEvent join;
    join.kind = EventKind::force_join;
    join.state = 0;
    join.institution = 5;
    sc.events.push_back(join);
    pairs.emplace_back(0, 5);
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());

    const auto topo = buildTopology(sc);
    ASSERT_EQ(topo.membershipCount(), pairs.size());
    for (std::uint32_t m = 0; m < pairs.size(); ++m) {
        EXPECT_EQ(topo.membership_state[m], pairs[m].first);
        EXPECT_EQ(topo.membership_institution[m], pairs[m].second);
        EXPECT_EQ(topo.membershipIndex(pairs[m].first, pairs[m].second), m);
    }
    for (StateIndex i = 0; i < n; ++i)
        EXPECT_EQ(
            topo.state_first_membership[i + 1] - topo.state_first_membership[i],
            std::count_if(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == i; }));
    EXPECT_EQ(topo.membership_institution.capacity(), pairs.size());  // repeats' room returned
}

// Without overrides no per-membership arrays exist (Simulation then gives the run it gave with
// NaN-filled ones: tests/dynamics/property_test.cpp); with one, only its own array is filled.
TEST(TopologyTest, OverrideArraysOnlyWhenSomethingOverrides) {
    auto sc = randomWorld(true);
    MembershipSpec listed;  // listed, no override
    listed.state = 2;
    listed.institution = 1;
    sc.memberships.push_back(listed);
    const auto none = buildTopology(sc);
    EXPECT_FALSE(none.any_benefit_override);
    EXPECT_FALSE(none.any_cost_override);
    EXPECT_TRUE(none.membership_benefit.empty());
    EXPECT_TRUE(none.membership_cost.empty());

    sc.memberships.back().benefit = 0.25;
    const auto one = buildTopology(sc);
    EXPECT_TRUE(one.any_benefit_override);
    EXPECT_FALSE(one.any_cost_override);
    ASSERT_EQ(one.membership_benefit.size(), one.membershipCount());
    EXPECT_TRUE(one.membership_cost.empty());
    const auto m = one.membershipIndex(2, 1);
    for (std::uint32_t k = 0; k < one.membershipCount(); ++k)
        EXPECT_EQ(std::isnan(one.membership_benefit[k]), k != m);
    EXPECT_EQ(one.membership_benefit[m], 0.25);
}

}  // namespace
}  // namespace regsim
