#pragma once
// WorldState: one time slice of a running world as structure of arrays (docs/model.md,
// "State variables"). A replicate keeps two slices, t and t+1 (double buffering): phases 3-7
// read t and write t+1, so no result depends on the order in which entities are visited or
// on the thread count. Every array is sized once from the Topology; a step never allocates.

#include <cstdint>
#include <vector>

#include "core/scenario.hpp"

namespace regsim {

enum class InstitutionPhase : std::uint8_t { latent = 0, active = 1, dissolved = 2 };

struct WorldState {
    // States, [i] or [i * D + axis].
    std::vector<double> sovereignty;
    std::vector<double> alignment;
    std::vector<std::uint8_t> regime;  // Regime
    // Memberships, [m] (see graph/topology.hpp for the index).
    std::vector<std::uint8_t> status;          // MembershipStatus
    std::vector<double> sanction;              // sanction strength in force, [0,1]
    std::vector<std::int32_t> announced_step;  // step of the pending announcement, -1 none
    // Patrons, [p * N + i].
    std::vector<double> engagement;
    // Institutions, [j]: parameters that scheduled events may change, and the phase.
    std::vector<std::uint8_t> phase;  // InstitutionPhase
    std::vector<double> benefit;
    std::vector<double> sovereignty_cost;
    std::vector<double> sanction_strength;
    std::vector<std::uint32_t> notice_months;
    std::vector<std::uint32_t> quorum;
    std::vector<std::uint8_t> democracy_clause;
    std::vector<double> club_base_weight;        // initial members plus later joiners, by weight
    std::vector<std::uint32_t> founding_streak;  // months in a row a latent bloc's condition held
};

inline bool isActive(MembershipStatus s) {
    return s == MembershipStatus::member || s == MembershipStatus::suspended;
}
inline bool belongs(MembershipStatus s) {  // still a member in law: active or serving notice
    return isActive(s) || s == MembershipStatus::withdrawing;
}

}  // namespace regsim
