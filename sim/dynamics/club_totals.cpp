#include "dynamics/club_totals.hpp"

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
    forEachChange(seen_, status, [&](std::uint32_t m, std::uint8_t was, std::uint8_t is) {
        const int d = int(belongsByte(is)) - int(belongsByte(was));
        if (d != 0) active_[topo.membership_institution[m]] += d * weightOf(topo, m);
    });
}

}  // namespace regsim
