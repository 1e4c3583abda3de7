#pragma once
// The phases of one step (docs/model.md, "Process overview and scheduling"), one file each.
// Only step.cpp knows their order. Phases 1-2 change the world at t in place (amendment 3 of
// the brief: a coup suspends within the same step); phases 3-7 read t (`now`) and write t+1
// (`next`); phase 8 reads and writes t+1.

#include <cstdint>
#include <vector>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "dynamics/club_totals.hpp"
#include "dynamics/peer_counts.hpp"
#include "graph/topology.hpp"
#include "record/run_result.hpp"

namespace regsim {

// Per-run bookkeeping that outlives a step: first announcement and exit of each membership,
// founding and dissolution of each institution, and the event log.
struct RunTracker {
    std::vector<std::int32_t> first_announce;  // [m]
    std::vector<std::int32_t> exit_step;       // [m], exits by decision or force, not dissolution
    std::vector<std::int32_t> dissolve_step;   // [j]
    std::vector<std::int32_t> found_step;      // [j]
    EventLog* events = nullptr;

    // Sizes every array for the topology (once; a run then only refills).
    void allocate(const Topology& topo);

    void log(std::uint32_t step, EventKind kind, EventCause cause, StateIndex state,
             InstitutionIndex institution, PatronIndex patron = kNone, double value = 0.0) {
        events->push_back(EventRecord{step, kind, cause, state, institution, patron, value});
    }
};

// Scratch arrays sized once per Simulation.
struct StepScratch {
    void allocate(const Topology& topo);  // sizes every array for the topology

    // [m] U_ij at t, of the memberships phase 5 stores (computeUtilities); the rest are stale.
    std::vector<double> utility;
    std::vector<double> club;              // [j] club_j(t)^gamma
    std::vector<std::uint8_t> sanctioned;  // [i] under a sanction or suspension at t
    std::vector<std::uint8_t> qualifies;   // [i] founding condition (phase 8)
    std::vector<std::uint32_t> component;  // [i] founding component label
    std::vector<std::uint32_t> stack;      // DFS stack, capacity N
    std::vector<std::uint32_t>
        alliance_of;                      // [i] first coordinated alliance i belongs to, or kNone
    bool any_alliance = false;            // some alliance_of[i] != kNone
    std::vector<std::uint8_t> announces;  // [m] phase 6's individual draw came up
    std::vector<std::uint8_t> action;     // [m] what phase 2's or 7's parallel pass did
    PeerCounts peer_counts;               // phase 5's kappa term with unit peer weights
    ClubTotals club_totals;               // phase 5's club totals with integer state weights
};

struct StepContext {
    const Scenario& scenario;
    const Topology& topology;
    std::uint64_t seed;
    std::uint32_t replicate;
    std::uint32_t step;
    WorldState& now;   // t
    WorldState& next;  // t + 1
    StepScratch& scratch;
    RunTracker& tracker;
};

// Phase 1: scheduled events dated this step, applied to `now`.
void applyScheduledEvents(StepContext& ctx, std::size_t& next_event);
// Phase 2: democracy-clause suspension and reinstatement, applied to `now`.
void applyInstitutionalReactions(StepContext& ctx);
// Phase 3: alignment at t+1.
void updateAlignment(StepContext& ctx);
// Phase 4: sovereignty at t+1.
void updateSovereignty(StepContext& ctx);
// Whether phases 3 and 4 write every state's alignment and sovereignty at t+1; when they do
// not, t+1 keeps the copy of t that copyWorld made, and when they do, it need not make it.
bool alignmentMoves(const ModelParams& params);
bool sovereigntyMoves(const ModelParams& params);
// Phase 5's kept counts (ClubTotals, PeerCounts) brought up to date with `now`'s statuses,
// which are final once phases 1 and 2 are done. Serial; phases 3 and 4 neither read nor write
// them, so step() runs this beside them.
void updateKeptCounts(StepContext& ctx);
// Phase 5: alliance_of for this step (markAlliances), the club shares, and U_ij at t into
// scratch.utility for the memberships that phases 6 and 7 read from there: those serving
// notice and those of states in a coordinated alliance (every membership when
// eagerUtilities()). Reads the kept counts, so updateKeptCounts must have run for this step.
void computeUtilities(StepContext& ctx);
// alliance_of[i]: the first active coordinated alliance i actively belongs to, or kNone.
void markAlliances(StepContext& ctx);
// Phase 6: announcements (individual and joint), written to t+1. Computes the U of each
// individual draw whose uniform is below the hazard cap (dynamics/utility_kernel.hpp), or
// reads every U from phase 5 when eagerUtilities().
void decideExits(StepContext& ctx);
// For tests: phase 5 stores every membership's U and phase 6 reads them (the path before
// phase 6 computed its own); both give the same bits. Global, like forceLaneWidth.
void forceEagerUtilities(bool on);
bool eagerUtilities();
// Phase 7: notice: exits taking effect and rescinds, written to t+1.
void advanceNotices(StepContext& ctx);
// Phase 8: dissolution below quorum and founding of latent blocs, on t+1.
void dissolveAndFound(StepContext& ctx);

// Whether phase 5 keeps PeerCounts (the kappa term with unit peer weights) and ClubTotals (club
// shares with integer state weights) for this scenario.
bool usesPeerCounts(const Scenario& scenario, const Topology& topology);
bool usesClubTotals(const Scenario& scenario, const Topology& topology);

// Helpers shared by phases.
// Whether institution a acts as a coordinated alliance at t (coordinated_exit, and active):
// read by markAlliances, the joint declarations and the joint rescissions.
bool coordinatesExits(const StepContext& ctx, InstitutionIndex a);
// The least double T with sqrt(T) >= epsilon, so that for every d2 >= 0 the bounded-confidence
// test sqrt(d2) < epsilon is exactly d2 < T (phase 3).
double squaredBound(double epsilon);

}  // namespace regsim
