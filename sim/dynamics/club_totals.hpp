#pragma once
// ClubTotals: for every institution, the summed weight of the states that belong to it (phase
// 5's club share is this over the founding weight), kept up to date from the status changes
// since the last call instead of summed over every membership each step (about 4.5 of phase
// 5's 31 ms at N = 1e6: docs/performance.md, "Full model step").
// Used only when every state weight is an integer (Topology::state_weights_integral): each
// total is then an exact integer below 2^53, so adding and removing weights one change at a
// time gives bit for bit the sum over the members in any order.

#include <cstdint>
#include <vector>

#include "graph/topology.hpp"

namespace regsim {

class ClubTotals {
  public:
    // The next update() sums from scratch (a new run, or statuses replaced wholesale).
    void reset() { ready_ = false; }
    // Brings the totals up to date with `status` ([m]).
    void update(const Topology& topo, const std::vector<std::uint8_t>& status);
    // The summed weight of the states that belong to institution j.
    double active(std::uint32_t j) const { return active_[j]; }

  private:
    void recount(const Topology& topo, const std::vector<std::uint8_t>& status);

    bool ready_ = false;
    std::vector<std::uint8_t> seen_;  // [m] status the totals reflect
    std::vector<double> active_;      // [j]
};

}  // namespace regsim
