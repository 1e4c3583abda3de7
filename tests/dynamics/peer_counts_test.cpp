// PeerCounts kept up to date from status changes equals a fresh count after every change,
// including repeated ties, self-ties and memberships that never existed.

#include "dynamics/peer_counts.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "graph/topology.hpp"
#include "status_changes.hpp"
#include "world_builder.hpp"

namespace regsim {
namespace {

using namespace regsim::testing;

// n states tied at random by ties_per_state x n ties (repeats and self-ties among them).
std::vector<StateIndex> randomlyTiedStates(Scenario& sc, std::uint32_t n,
                                           std::uint32_t ties_per_state, RandomStream& rng) {
    std::vector<StateIndex> all;
    for (std::uint32_t k = 0; k < n; ++k) all.push_back(addState(sc, "S" + std::to_string(k)));
    for (std::uint32_t e = 0; e < ties_per_state * n; ++e)
        tie(sc, StateIndex(rng.below(n)), StateIndex(rng.below(n)));
    return all;
}

// Every share gap of `kept` equals a fresh count's of `status`.
void expectFreshCount(const Topology& topo, const std::vector<std::uint8_t>& status,
                      const PeerCounts& kept, int round) {
    PeerCounts fresh;
    fresh.update(topo, status);
    for (std::uint32_t m = 0; m < topo.membershipCount(); ++m)
        ASSERT_EQ(kept.shareGap(m), fresh.shareGap(m)) << "round " << round << " m " << m;
}

TEST(PeerCountsTest, IncrementalCountsEqualAFreshCountAfterEveryChange) {
    RandomStream rng(RngKey{11, 0, 0, 0, Purpose::network});
    auto sc = emptyScenario();
    const std::uint32_t n = 60;
    const auto all = randomlyTiedStates(sc, n, 3, rng);
    std::vector<StateIndex> half(all.begin(), all.begin() + n / 2);
    addInstitution(sc, "A", all);
    addInstitution(sc, "B", half);
    const auto topo = buildTopology(sc);
    ASSERT_TRUE(topo.peers_unit_weight);

    std::vector<std::uint8_t> status(topo.membershipCount());
    randomStatuses(status, rng);
    PeerCounts kept;
    kept.update(topo, status);
    for (int round = 0; round < 200; ++round) {
        changeSomeStatuses(status, rng, round);
        kept.update(topo, status);
        ASSERT_NO_FATAL_FAILURE(expectFreshCount(topo, status, kept, round));
    }
    kept.reset();  // a new run: recount even if the status array is the same object
    status.assign(status.size(), std::uint8_t(MembershipStatus::member));
    kept.update(topo, status);
    for (std::uint32_t m = 0; m < topo.membershipCount(); ++m) EXPECT_EQ(kept.shareGap(m), 0.0);
}

TEST(PeerCountsTest, MoreChangesThanOneBatchAtOnce) {
    // update() applies changes in batches of 1024 (peer_counts.cpp): thousands of changes in one
    // call cross several batch ends.
    RandomStream rng(RngKey{13, 0, 0, 0, Purpose::network});
    auto sc = emptyScenario();
    addInstitution(sc, "A", randomlyTiedStates(sc, 3000, 2, rng));
    const auto topo = buildTopology(sc);
    std::vector<std::uint8_t> status(topo.membershipCount());
    randomStatuses(status, rng);
    PeerCounts kept;
    kept.update(topo, status);
    for (int round = 0; round < 3; ++round) {
        randomStatuses(status, rng);  // about 2400 of the 3000 change
        kept.update(topo, status);
        ASSERT_NO_FATAL_FAILURE(expectFreshCount(topo, status, kept, round));
    }
}

}  // namespace
}  // namespace regsim
