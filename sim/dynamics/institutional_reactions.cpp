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

// The pass's inputs and outputs as plain pointers, passed by value so that they stay in
// registers: through references, each byte store (status, action) made the compiler reload
// all of them for the next membership.
struct ReactionInputs {
    const std::uint32_t* institution_of;   // [m]
    const std::uint32_t* state_of;         // [m]
    const std::uint8_t* democracy_clause;  // [j]
    const std::uint8_t* phase;             // [j]
    const std::uint8_t* regime;            // [i]
    const double* sanction_strength;       // [j]
    std::uint8_t* status;                  // [m] in place
    double* sanction;                      // [m] in place
    std::uint8_t* action;                  // [m] out
};

void reactRange(const ReactionInputs in, std::uint32_t begin, std::uint32_t end) {
    for (std::uint32_t m = begin; m < end; ++m) {
        std::uint8_t act = none;
        const auto j = in.institution_of[m];
        if (in.democracy_clause[j] && in.phase[j] == std::uint8_t(InstitutionPhase::active)) {
            const auto status = static_cast<MembershipStatus>(in.status[m]);
            const bool military = in.regime[in.state_of[m]] == std::uint8_t(Regime::military);
            if (status == MembershipStatus::member && military) {
                in.status[m] = std::uint8_t(MembershipStatus::suspended);
                act = suspend;
                if (in.sanction_strength[j] > in.sanction[m]) {
                    in.sanction[m] = in.sanction_strength[j];
                    act = suspend_sanction;
                }
            } else if (status == MembershipStatus::suspended && !military) {
                in.status[m] = std::uint8_t(MembershipStatus::member);
                act = reinstate;
                if (in.sanction[m] > 0.0) {
                    in.sanction[m] = 0.0;
                    act = reinstate_lift;
                }
            }
        }
        in.action[m] = act;
    }
}

}  // namespace

void applyInstitutionalReactions(StepContext& ctx) {
    auto& w = ctx.now;
    const auto& topo = ctx.topology;
    bool any = false;
    for (InstitutionIndex j = 0; j < topo.institution_count; ++j)
        any |= w.democracy_clause[j] && w.phase[j] == std::uint8_t(InstitutionPhase::active);
    if (!any) return;

    const ReactionInputs in{topo.membership_institution.data(),
                            topo.membership_state.data(),
                            w.democracy_clause.data(),
                            w.phase.data(),
                            w.regime.data(),
                            w.sanction_strength.data(),
                            w.status.data(),
                            w.sanction.data(),
                            ctx.scratch.action.data()};
    forEachRange(topo.membershipCount(), kParallelGrain, [&](std::size_t b, std::size_t e) {
        reactRange(in, std::uint32_t(b), std::uint32_t(e));
    });
    const auto& action = ctx.scratch.action;

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
