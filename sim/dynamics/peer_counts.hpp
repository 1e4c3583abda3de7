#pragma once
// PeerCounts: for every membership, how many of its peers have ever belonged (status other
// than none) and how many are active, kept up to date from the status changes since the last
// call instead of re-reading every peer's status each step (docs/performance.md, "Full model
// step"). A membership whose status changed adjusts the counts of its own peers: the peer
// graph is symmetric (ties are undirected), so the memberships that read m are m's peers.
// Used when every peer weight is 1 (Topology::peers_unit_weight): the weighted share of
// phase 5 is then a ratio of integers, and in / all from these counts is bit for bit the
// weighted sum over the row. The share itself is kept too, recomputed only for the
// memberships whose counts changed, so phase 5 reads one double instead of dividing.

#include <cstdint>
#include <vector>

#include "graph/topology.hpp"

namespace regsim {

class PeerCounts {
  public:
    // The next update() recounts from scratch (a new run, or statuses replaced wholesale).
    void reset() { ready_ = false; }
    // Brings the counts up to date with `status` ([m]).
    void update(const Topology& topo, const std::vector<std::uint8_t>& status);
    // Share of m's peers still active, minus one; 0 when no peer ever belonged.
    double shareGap(std::uint32_t m) const { return gap_[m]; }
    // shareGap of every membership, [m].
    const double* shareGaps() const { return gap_.data(); }

  private:
    static double gapOf(std::uint32_t in, std::uint32_t all) {
        return all > 0 ? double(in) / double(all) - 1.0 : 0.0;
    }
    void recount(const Topology& topo, const std::vector<std::uint8_t>& status);
    // The peer updates of changes_[0 .. n), in order.
    void apply(const CsrView& peers, std::size_t n);

    bool ready_ = false;
    std::vector<std::uint8_t> seen_;  // [m] status the counts reflect
    // Side by side, so that a status change's update of a peer misses the cache once for both.
    struct Counts {
        std::uint32_t in = 0;   // active peers
        std::uint32_t all = 0;  // peers that ever belonged
    };
    std::vector<Counts> counts_;  // [m]
    std::vector<double> gap_;     // [m] gapOf(in, all)
    // A batch of status changes, so that their rows and counts can be fetched ahead.
    struct Change {
        std::uint32_t m;
        std::int32_t d_all, d_in;
    };
    std::vector<Change> changes_;
};

}  // namespace regsim
