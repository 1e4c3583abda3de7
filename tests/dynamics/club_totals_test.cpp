// ClubTotals kept up to date from status changes equals a fresh sum after every change, with
// integer state weights other than 1 and institutions of different sizes.

#include "dynamics/club_totals.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"
#include "core/world.hpp"
#include "graph/topology.hpp"
#include "status_changes.hpp"
#include "world_builder.hpp"

namespace regsim {
namespace {

using namespace regsim::testing;

TEST(ClubTotalsTest, KeptTotalsEqualAFreshSumAfterEveryChange) {
    RandomStream rng(RngKey{12, 0, 0, 0, Purpose::network});
    auto sc = emptyScenario();
    const std::uint32_t n = 80;
    std::vector<StateIndex> all, some;
    for (std::uint32_t k = 0; k < n; ++k) {
        all.push_back(addState(sc, "S" + std::to_string(k)));
        sc.states.listed().back().weight = double(1 + rng.below(4));
        if (k % 3 != 0) some.push_back(all.back());
    }
    addInstitution(sc, "A", all);
    addInstitution(sc, "B", some);
    addInstitution(sc, "C", {all[0]});
    const auto topo = buildTopology(sc);
    ASSERT_TRUE(topo.state_weights_integral);

    std::vector<std::uint8_t> status(topo.membershipCount());
    randomStatuses(status, rng);
    ClubTotals kept;
    kept.update(topo, status);
    for (int round = 0; round < 200; ++round) {
        changeSomeStatuses(status, rng, round);
        kept.update(topo, status);
        for (InstitutionIndex j = 0; j < topo.institution_count; ++j) {
            double fresh = 0.0;
            for (auto k = topo.institution_first_membership[j];
                 k < topo.institution_first_membership[j + 1]; ++k) {
                const auto m = topo.institution_memberships[k];
                if (belongs(static_cast<MembershipStatus>(status[m])))
                    fresh += sc.states[topo.membership_state[m]].weight;
            }
            ASSERT_EQ(kept.active(j), fresh) << "round " << round << " institution " << j;
        }
    }
    kept.reset();  // a new run: sum afresh even if the status array is the same object
    status.assign(status.size(), std::uint8_t(MembershipStatus::withdrawn));
    kept.update(topo, status);
    for (InstitutionIndex j = 0; j < topo.institution_count; ++j) EXPECT_EQ(kept.active(j), 0.0);
}

}  // namespace
}  // namespace regsim
