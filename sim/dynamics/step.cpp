#include "dynamics/step.hpp"

namespace regsim {

void StepScratch::allocate(const Topology& topo) {
    const auto N = topo.state_count, M = topo.membershipCount();
    utility.assign(M, 0.0);
    club.assign(topo.institution_count, 1.0);
    sanctioned.assign(N, 0);
    qualifies.assign(N, 0);
    component.assign(N, kNone);
    stack.reserve(N);
    alliance_of.assign(N, kNone);
    announces.assign(M, 0);
    peer_counts.reset();
}

void RunTracker::allocate(const Topology& topo) {
    first_announce.assign(topo.membershipCount(), -1);
    exit_step.assign(topo.membershipCount(), -1);
    dissolve_step.assign(topo.institution_count, -1);
    found_step.assign(topo.institution_count, -1);
}

void markAlliances(StepContext& ctx);  // decision.cpp

void step(StepContext& ctx, std::size_t& next_event) {
    // Amendment 3 of the brief: events and clause reactions act at once, in place.
    applyScheduledEvents(ctx, next_event);
    applyInstitutionalReactions(ctx);
    // Phases 3-7 read t and write t+1. Start t+1 as a copy of t (same sizes: no allocation).
    ctx.next = ctx.now;
    updateAlignment(ctx);
    updateSovereignty(ctx);
    computeUtilities(ctx);
    decideExits(ctx);
    advanceNotices(ctx);
    // Phase 8 reads and writes t+1.
    dissolveAndFound(ctx);
}

}  // namespace regsim
