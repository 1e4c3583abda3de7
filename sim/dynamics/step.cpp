#include "dynamics/step.hpp"

namespace regsim {

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
