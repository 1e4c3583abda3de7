#pragma once
// Topology: the fixed structure of a world, compiled once from a Scenario and shared
// read-only by every replicate (docs/model.md, "Entities"):
//  - memberships: every (state, institution) pair that can ever exist (initial members,
//    founding candidates of latent blocs, targets of forced joins), sorted by state then
//    institution. Exits and joins change a membership's status, never the structure, so the
//    step loop never allocates.
//  - influence: the weighted state-state graph (ties listed both ways).
//  - peers: the influence graph restricted to one institution, over memberships: the peers of
//    membership (i, j) are the memberships (k, j) of i's neighbours k. This is what the
//    kappa term and the frontier cascade read.
//  - links_into: institution j -> k with weight link_kj (exits from k spill over into j).
//  - substitutes_for: institution j -> k with weight subst_kj (k replaces j).
//  - flat copies of the per-entity values the step loop reads every step (state weights and
//    baselines, orientations), so hot loops index plain arrays instead of chasing a
//    StateSpec's vectors.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/scenario.hpp"
#include "graph/csr.hpp"

namespace regsim {

struct Topology {
    std::uint32_t state_count = 0;
    std::uint32_t institution_count = 0;
    std::uint32_t axis_count = 0;
    std::uint32_t patron_count = 0;

    std::vector<StateIndex> membership_state;                 // [m]
    std::vector<InstitutionIndex> membership_institution;     // [m]
    std::vector<std::uint32_t> state_first_membership;        // [state + 1], CSR rows over m
    std::vector<std::uint32_t> institution_memberships;       // m grouped by institution
    std::vector<std::uint32_t> institution_first_membership;  // [institution + 1]
    // [m] override, NaN = institution value. Empty unless the matching any_*_override is set:
    // read them through benefitOverride and costOverride.
    std::vector<double> membership_benefit;
    std::vector<double> membership_cost;
    bool any_benefit_override = false;  // some membership_benefit is not NaN
    bool any_cost_override = false;     // some membership_cost is not NaN
    // Membership m's override, or NaN (the institution's value applies). The arrays are empty
    // when nothing overrides, so read them only through these.
    double benefitOverride(std::uint32_t m) const {
        return any_benefit_override ? membership_benefit[m] : kNaN;
    }
    double costOverride(std::uint32_t m) const {
        return any_cost_override ? membership_cost[m] : kNaN;
    }

    // Per-state values by row (stateRow): the listed states' own, then one row that every
    // generated state shares (core/state_table.hpp), so 1e7 generated states cost no rows.
    std::vector<double> state_weight;                // [row] w_i
    std::vector<double> state_sovereignty_baseline;  // [row]
    std::vector<double> state_alignment_baseline;    // [row * D + d]
    std::uint32_t last_state_row = 0;
    std::vector<double> institution_orientation;  // [j * D + d]
    std::vector<double> patron_orientation;       // [p * D + d]
    std::vector<double> patron_institution_dot;   // [p * J + j] o_p . o_j, summed over d

    WeightedCsr influence;
    WeightedCsr peers;
    WeightedCsr links_into;
    WeightedCsr substitutes_for;
    // Every peer entry has weight 1 (peers.unitWeight(), so no weight is stored): peer shares
    // are ratios of integer counts, which a step can keep up to date from status changes alone
    // (dynamics/peer_counts.hpp). Tests clear it to force the summed path.
    bool peers_unit_weight = true;
    // Every state weight is an integer and their sum is below 2^53: sums of weights are exact,
    // so they may be added in any order (phase 5 sums club sizes in parallel).
    bool state_weights_integral = true;

    // Row of state i in the per-state value arrays (branch-free).
    std::uint32_t stateRow(StateIndex i) const { return std::min(i, last_state_row); }

    std::uint32_t membershipCount() const {
        return static_cast<std::uint32_t>(membership_state.size());
    }
    // Index of membership (state, institution), or kNone.
    std::uint32_t membershipIndex(StateIndex state, InstitutionIndex institution) const;
};

Topology buildTopology(const Scenario& scenario);

}  // namespace regsim
