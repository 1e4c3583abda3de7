// Phase 2: institutional reactions (docs/model.md, "Submodel 2"). A democracy clause suspends
// members under military rule and imposes the institution's sanction; a return to civilian
// rule reinstates them and lifts it. Applied in place, right after the scheduled events.

#include "dynamics/phases.hpp"

namespace regsim {

void applyInstitutionalReactions(StepContext& ctx) {
    auto& w = ctx.now;
    const auto& topo = ctx.topology;
    const auto t = ctx.step;
    for (std::uint32_t m = 0; m < topo.membershipCount(); ++m) {
        const auto j = topo.membership_institution[m];
        if (!w.democracy_clause[j] || w.phase[j] != std::uint8_t(InstitutionPhase::active))
            continue;
        const auto i = topo.membership_state[m];
        const auto status = static_cast<MembershipStatus>(w.status[m]);
        const bool military = w.regime[i] == std::uint8_t(Regime::military);
        if (status == MembershipStatus::member && military) {
            w.status[m] = std::uint8_t(MembershipStatus::suspended);
            ctx.tracker.log(t, EventKind::suspend, EventCause::democracy_clause, i, j);
            if (w.sanction_strength[j] > w.sanction[m]) {
                w.sanction[m] = w.sanction_strength[j];
                ctx.tracker.log(t, EventKind::sanction, EventCause::democracy_clause, i, j, kNone,
                                w.sanction[m]);
            }
        } else if (status == MembershipStatus::suspended && !military) {
            w.status[m] = std::uint8_t(MembershipStatus::member);
            ctx.tracker.log(t, EventKind::reinstate, EventCause::democracy_clause, i, j);
            if (w.sanction[m] > 0.0) {
                w.sanction[m] = 0.0;
                ctx.tracker.log(t, EventKind::lift_sanction, EventCause::democracy_clause, i, j);
            }
        }
    }
}

}  // namespace regsim
