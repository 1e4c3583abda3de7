#pragma once
// Random status changes for the tests of counts kept up to date from them (PeerCounts,
// ClubTotals): a random status (0-4, none to withdrawn) for 1-3 random memberships, or up to
// 40 every tenth round.

#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace regsim::testing {

inline void randomStatuses(std::vector<std::uint8_t>& status, RandomStream& rng) {
    for (auto& s : status) s = std::uint8_t(rng.below(5));
}

inline void changeSomeStatuses(std::vector<std::uint8_t>& status, RandomStream& rng, int round) {
    const auto changes = 1 + rng.below(round % 10 == 0 ? 40 : 3);
    for (std::uint64_t c = 0; c < changes; ++c)
        status[rng.below(status.size())] = std::uint8_t(rng.below(5));
}

}  // namespace regsim::testing
