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

TEST(PeerCountsTest, IncrementalCountsEqualAFreshCountAfterEveryChange) {
    RandomStream rng(RngKey{11, 0, 0, 0, Purpose::network});
    auto sc = emptyScenario();
    const std::uint32_t n = 60;
    std::vector<StateIndex> all;
    for (std::uint32_t k = 0; k < n; ++k) all.push_back(addState(sc, "S" + std::to_string(k)));
    for (std::uint32_t e = 0; e < 3 * n; ++e)
        tie(sc, StateIndex(rng.below(n)), StateIndex(rng.below(n)));  // repeats, self-ties
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
        PeerCounts fresh;
        fresh.update(topo, status);
        for (std::uint32_t m = 0; m < topo.membershipCount(); ++m)
            ASSERT_EQ(kept.shareGap(m), fresh.shareGap(m)) << "round " << round << " m " << m;
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
    const std::uint32_t n = 3000;
    std::vector<StateIndex> all;
    for (std::uint32_t k = 0; k < n; ++k) all.push_back(addState(sc, "S" + std::to_string(k)));
    for (std::uint32_t e = 0; e < 2 * n; ++e)
        tie(sc, StateIndex(rng.below(n)), StateIndex(rng.below(n)));
    addInstitution(sc, "A", all);
    const auto topo = buildTopology(sc);
    std::vector<std::uint8_t> status(topo.membershipCount());
    randomStatuses(status, rng);
    PeerCounts kept;
    kept.update(topo, status);
    for (int round = 0; round < 3; ++round) {
        randomStatuses(status, rng);  // about 2400 of the 3000 change
        kept.update(topo, status);
        PeerCounts fresh;
        fresh.update(topo, status);
        for (std::uint32_t m = 0; m < topo.membershipCount(); ++m)
            ASSERT_EQ(kept.shareGap(m), fresh.shareGap(m)) << "round " << round << " m " << m;
    }
}

}  // namespace
}  // namespace regsim
