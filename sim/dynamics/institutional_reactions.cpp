// Phase 2: institutional reactions (docs/model.md, "Submodel 2"). A democracy clause suspends
// members under military rule and imposes the institution's sanction; a return to civilian
// rule reinstates them and lifts it. Applied in place, right after the scheduled events.
// Each membership's reaction reads only its own status and sanction and its state's regime, so
// reactions are applied in parallel and then logged in membership order.

#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

namespace {

// What the parallel pass did to a membership (scratch.action).
enum Reaction : std::uint8_t { none, suspend, suspend_sanction, reinstate, reinstate_lift };

}  // namespace

void applyInstitutionalReactions(StepContext& ctx) {
    auto& w = ctx.now;
    const auto& topo = ctx.topology;
    bool any = false;
    for (InstitutionIndex j = 0; j < topo.institution_count; ++j)
        any |= w.democracy_clause[j] && w.phase[j] == std::uint8_t(InstitutionPhase::active);
    if (!any) return;

    auto& action = ctx.scratch.action;
    forEachIndex(topo.membershipCount(), [&](std::uint32_t m) {
        action[m] = none;
        const auto j = topo.membership_institution[m];
        if (!w.democracy_clause[j] || w.phase[j] != std::uint8_t(InstitutionPhase::active)) return;
        const auto status = static_cast<MembershipStatus>(w.status[m]);
        const bool military = w.regime[topo.membership_state[m]] == std::uint8_t(Regime::military);
        if (status == MembershipStatus::member && military) {
            w.status[m] = std::uint8_t(MembershipStatus::suspended);
            action[m] = suspend;
            if (w.sanction_strength[j] > w.sanction[m]) {
                w.sanction[m] = w.sanction_strength[j];
                action[m] = suspend_sanction;
            }
        } else if (status == MembershipStatus::suspended && !military) {
            w.status[m] = std::uint8_t(MembershipStatus::member);
            action[m] = reinstate;
            if (w.sanction[m] > 0.0) {
                w.sanction[m] = 0.0;
                action[m] = reinstate_lift;
            }
        }
    });

    const auto t = ctx.step;
    const auto cause = EventCause::democracy_clause;
    forEachFlagged(action, [&](std::uint32_t m) {
        const auto i = topo.membership_state[m];
        const auto j = topo.membership_institution[m];
        if (action[m] == suspend || action[m] == suspend_sanction) {
            ctx.tracker.log(t, EventKind::suspend, cause, i, j);
            if (action[m] == suspend_sanction)
                ctx.tracker.log(t, EventKind::sanction, cause, i, j, kNone, w.sanction[m]);
        } else {
            ctx.tracker.log(t, EventKind::reinstate, cause, i, j);
            if (action[m] == reinstate_lift)
                ctx.tracker.log(t, EventKind::lift_sanction, cause, i, j);
        }
    });
}

}  // namespace regsim
