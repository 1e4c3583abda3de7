#include "dynamics/peer_counts.hpp"

#include "core/world.hpp"
#include "dynamics/parallel.hpp"

namespace regsim {

namespace {

int known(std::uint8_t s) { return s != std::uint8_t(MembershipStatus::none); }
int active(std::uint8_t s) { return isActive(static_cast<MembershipStatus>(s)); }

}  // namespace

void PeerCounts::recount(const Topology& topo, const std::vector<std::uint8_t>& status) {
    const auto M = topo.membershipCount();
    seen_.resize(M);  // no allocation after the first run
    counts_.resize(M);
    gap_.resize(M);
    const auto peers = topo.peers.view();
    forEachIndex(M, [&](std::uint32_t m) {
        std::uint32_t in = 0, all = 0;
        for (auto e = peers.begin(m); e < peers.end(m); ++e) {
            const auto s = status[peers.targets[e]];
            all += known(s);
            in += active(s);
        }
        counts_[m] = {in, all};
        gap_[m] = gapOf(in, all);
        seen_[m] = status[m];
    });
    ready_ = true;
}

void PeerCounts::update(const Topology& topo, const std::vector<std::uint8_t>& status) {
    if (!ready_ || seen_.size() != status.size()) return recount(topo, status);
    const auto peers = topo.peers.view();
    forEachChange(seen_, status, [&](std::uint32_t m, std::uint8_t was, std::uint8_t is) {
        const int d_all = known(is) - known(was), d_in = active(is) - active(was);
        if (d_all == 0 && d_in == 0) return;
        for (auto e = peers.begin(m); e < peers.end(m); ++e) {
            auto& c = counts_[peers.targets[e]];
            c.all += std::uint32_t(d_all);  // modular: exact for -1
            c.in += std::uint32_t(d_in);
            gap_[peers.targets[e]] = gapOf(c.in, c.all);
        }
    });
}

}  // namespace regsim
