#include "dynamics/peer_counts.hpp"

#include "core/world.hpp"
#include "dynamics/parallel.hpp"

namespace regsim {

namespace {

int known(std::uint8_t s) { return s != std::uint8_t(MembershipStatus::none); }
int active(std::uint8_t s) { return isActive(static_cast<MembershipStatus>(s)); }

// Changes applied per batch, and how far ahead apply() fetches a change's row start, its row
// and its peers' counts.
constexpr std::size_t kChangeBatch = 1024;
constexpr std::size_t kStartAhead = 24, kRowAhead = 12, kCountsAhead = 4;

}  // namespace

void PeerCounts::recount(const Topology& topo, const std::vector<std::uint8_t>& status) {
    const auto M = topo.membershipCount();
    seen_.resize(M);  // no allocation after the first run
    changes_.resize(kChangeBatch);
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
    std::size_t n = 0;
    forEachChange(seen_, status, [&](std::uint32_t m, std::uint8_t was, std::uint8_t is) {
        const int d_all = known(is) - known(was), d_in = active(is) - active(was);
        if (d_all == 0 && d_in == 0) return;
        changes_[n++] = {m, d_all, d_in};
        if (n == kChangeBatch) {
            apply(peers, n);
            n = 0;
        }
    });
    apply(peers, n);
}

// The changed memberships' peers are anywhere in the counts (48 MB with the shares at 3e6
// memberships), so one change at a time every update waited on memory (about 4.5 ms a step
// at N = 1e6); here each change's row start, row and peers' counts are fetched a few changes
// ahead. The same updates in the same order.
void PeerCounts::apply(const CsrView& peers, std::size_t n) {
    const Change* const changes = changes_.data();
    Counts* const counts = counts_.data();
    double* const gap = gap_.data();
    for (std::size_t x = 0; x < n; ++x) {
        if (x + kStartAhead < n) __builtin_prefetch(peers.offsets + changes[x + kStartAhead].m);
        if (x + kRowAhead < n)
            __builtin_prefetch(peers.targets + peers.begin(changes[x + kRowAhead].m));
        if (x + kCountsAhead < n) {
            const auto m = changes[x + kCountsAhead].m;
            for (auto e = peers.begin(m); e < peers.end(m); ++e) {
                __builtin_prefetch(counts + peers.targets[e], 1);
                __builtin_prefetch(gap + peers.targets[e], 1);
            }
        }
        const auto c = changes[x];
        for (auto e = peers.begin(c.m); e < peers.end(c.m); ++e) {
            auto& k = counts[peers.targets[e]];
            k.all += std::uint32_t(c.d_all);  // modular: exact for -1
            k.in += std::uint32_t(c.d_in);
            gap[peers.targets[e]] = gapOf(k.in, k.all);
        }
    }
}

}  // namespace regsim
