// Phase 1: scheduled events (docs/model.md, "Submodel 1"). Applied in place at the start of
// the step so that their consequences (a suspension after a coup) follow in the same step.

#include "core/rng.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

namespace {

void setInstitutionParam(WorldState& w, InstitutionIndex j, InstitutionParam p, double v) {
    switch (p) {
        case InstitutionParam::benefit:
            w.benefit[j] = v;
            break;
        case InstitutionParam::sovereignty_cost:
            w.sovereignty_cost[j] = v;
            break;
        case InstitutionParam::sanction:
            w.sanction_strength[j] = v;
            break;
        case InstitutionParam::notice_months:
            w.notice_months[j] = static_cast<std::uint32_t>(v);
            break;
        case InstitutionParam::quorum:
            w.quorum[j] = static_cast<std::uint32_t>(v);
            break;
        case InstitutionParam::democracy_clause:
            w.democracy_clause[j] = v != 0.0;
            break;
    }
}

// "random" picks one state uniformly among those that belong to the institution, from a
// stream keyed by the replicate (Watts's one random initial exit per run).
StateIndex pickRandomMember(const StepContext& ctx, InstitutionIndex j, std::size_t event_index) {
    const auto& t = ctx.topology;
    const auto first = t.institution_first_membership[j];
    const auto count = t.institution_first_membership[j + 1] - first;
    if (count == 0) return kNone;
    RandomStream rng(RngKey{ctx.seed, ctx.replicate, ctx.step, event_index, Purpose::initial_exit});
    // Draw among members that still belong; bounded retries keep this allocation-free.
    for (int attempt = 0; attempt < 64; ++attempt) {
        const auto m = t.institution_memberships[first + rng.below(count)];
        if (belongs(static_cast<MembershipStatus>(ctx.now.status[m]))) return t.membership_state[m];
    }
    for (auto k = first; k < first + count; ++k) {
        const auto m = t.institution_memberships[k];
        if (belongs(static_cast<MembershipStatus>(ctx.now.status[m]))) return t.membership_state[m];
    }
    return kNone;
}

}  // namespace

void applyScheduledEvents(StepContext& ctx, std::size_t& next_event) {
    const auto& events = ctx.scenario.events;
    auto& w = ctx.now;
    const auto& topo = ctx.topology;
    const auto t = ctx.step;
    for (; next_event < events.size() && events[next_event].step == t; ++next_event) {
        const auto& ev = events[next_event];
        const auto cause = EventCause::scheduled;
        switch (ev.kind) {
            case EventKind::coup:
                w.regime[ev.state] = static_cast<std::uint8_t>(Regime::military);
                ctx.tracker.log(t, ev.kind, cause, ev.state, kNone);
                break;
            case EventKind::transition:
                w.regime[ev.state] = static_cast<std::uint8_t>(Regime::civilian);
                ctx.tracker.log(t, ev.kind, cause, ev.state, kNone);
                break;
            case EventKind::patron_engagement:
                w.engagement[std::size_t(ev.patron) * topo.state_count + ev.state] = ev.value;
                ctx.tracker.log(t, ev.kind, cause, ev.state, kNone, ev.patron, ev.value);
                break;
            case EventKind::sanction: {
                const auto m = topo.membershipIndex(ev.state, ev.institution);
                if (m == kNone || !belongs(static_cast<MembershipStatus>(w.status[m]))) break;
                w.sanction[m] = ev.value;
                ctx.tracker.log(t, ev.kind, cause, ev.state, ev.institution, kNone, ev.value);
                break;
            }
            case EventKind::lift_sanction: {
                const auto m = topo.membershipIndex(ev.state, ev.institution);
                if (m == kNone) break;
                w.sanction[m] = 0.0;
                ctx.tracker.log(t, ev.kind, cause, ev.state, ev.institution);
                break;
            }
            case EventKind::institution_param:
                setInstitutionParam(w, ev.institution, ev.param, ev.value);
                ctx.tracker.log(t, ev.kind, cause, kNone, ev.institution, kNone, ev.value);
                break;
            case EventKind::force_exit: {
                const StateIndex i =
                    ev.random_state ? pickRandomMember(ctx, ev.institution, next_event) : ev.state;
                if (i == kNone) break;
                const auto m = topo.membershipIndex(i, ev.institution);
                if (m == kNone || !belongs(static_cast<MembershipStatus>(w.status[m]))) break;
                w.status[m] = static_cast<std::uint8_t>(MembershipStatus::withdrawn);
                w.announced_step[m] = -1;
                w.sanction[m] = 0.0;
                if (ctx.tracker.first_announce[m] < 0) ctx.tracker.first_announce[m] = int(t);
                ctx.tracker.exit_step[m] = int(t);
                ctx.tracker.log(t, EventKind::force_exit, cause, i, ev.institution);
                break;
            }
            case EventKind::force_join: {
                const auto m = topo.membershipIndex(ev.state, ev.institution);
                if (m == kNone || belongs(static_cast<MembershipStatus>(w.status[m]))) break;
                if (w.phase[ev.institution] != static_cast<std::uint8_t>(InstitutionPhase::active))
                    break;
                w.status[m] = static_cast<std::uint8_t>(MembershipStatus::member);
                w.club_base_weight[ev.institution] += ctx.scenario.states[ev.state].weight;
                ctx.tracker.log(t, EventKind::force_join, cause, ev.state, ev.institution);
                break;
            }
            default:
                break;  // the loader admits only the scheduled kinds
        }
    }
}

}  // namespace regsim
