#include "dynamics/club_totals.hpp"

#include <cstring>

#include "core/world.hpp"
#include "dynamics/parallel.hpp"

namespace regsim {

namespace {

double weightOf(const Topology& topo, std::uint32_t m) {
    return topo.state_weight[topo.stateRow(topo.membership_state[m])];
}

bool belongsByte(std::uint8_t s) { return belongs(static_cast<MembershipStatus>(s)); }

}  // namespace

void ClubTotals::recount(const Topology& topo, const std::vector<std::uint8_t>& status) {
    seen_ = status;  // no allocation after the first run
    active_.assign(topo.institution_count, 0.0);
    for (InstitutionIndex j = 0; j < topo.institution_count; ++j) {
        const auto first = topo.institution_first_membership[j];
        const auto count = topo.institution_first_membership[j + 1] - first;
        active_[j] = exactSum(count, [&](std::uint32_t k) {
            const auto m = topo.institution_memberships[first + k];
            return belongsByte(status[m]) ? weightOf(topo, m) : 0.0;
        });
    }
    ready_ = true;
}

void ClubTotals::update(const Topology& topo, const std::vector<std::uint8_t>& status) {
    if (!ready_ || seen_.size() != status.size()) return recount(topo, status);
    const std::size_t M = status.size();
    // Few statuses change in a step: compare eight at a time and skip equal words.
    for (std::size_t m = 0; m < M; ++m) {
        if (m % 8 == 0 && m + 8 <= M) {
            std::uint64_t a, b;
            std::memcpy(&a, &status[m], 8);
            std::memcpy(&b, &seen_[m], 8);
            if (a == b) {
                m += 7;
                continue;
            }
        }
        const auto was = seen_[m], is = status[m];
        if (was == is) continue;
        seen_[m] = is;
        const int d = int(belongsByte(is)) - int(belongsByte(was));
        if (d != 0) active_[topo.membership_institution[m]] += d * weightOf(topo, std::uint32_t(m));
    }
}

}  // namespace regsim
