// Phase 8, on the world at t+1 (docs/model.md, "Submodel 8"):
//  - dissolution: an active institution with a quorum dissolves when fewer than `quorum`
//    members remain active (member or suspended); every membership ends (G5 Sahel, 2023).
//  - founding (amendment 5 of the brief): a latent bloc is founded when at least k of its
//    candidates meet its condition (military rule, suspended somewhere) and, if required,
//    form a connected group in the influence graph, for delay_months + 1 months in a row;
//    the founders join.

#include "dynamics/phases.hpp"

namespace regsim {

namespace {

void dissolve(StepContext& ctx, InstitutionIndex j) {
    const auto& topo = ctx.topology;
    auto& next = ctx.next;
    next.phase[j] = std::uint8_t(InstitutionPhase::dissolved);
    ctx.tracker.dissolve_step[j] = std::int32_t(ctx.step);
    ctx.tracker.log(ctx.step, EventKind::dissolve, EventCause::quorum, kNone, j);
    for (auto k = topo.institution_first_membership[j];
         k < topo.institution_first_membership[j + 1]; ++k) {
        const auto m = topo.institution_memberships[k];
        if (!belongs(static_cast<MembershipStatus>(next.status[m]))) continue;
        next.status[m] = std::uint8_t(MembershipStatus::withdrawn);
        next.announced_step[m] = -1;
        next.sanction[m] = 0.0;
        ctx.tracker.log(ctx.step, EventKind::exit, EventCause::dissolution,
                        topo.membership_state[m], j);
    }
}

bool suspendedAnywhere(const StepContext& ctx, StateIndex i) {
    const auto& topo = ctx.topology;
    for (auto m = topo.state_first_membership[i]; m < topo.state_first_membership[i + 1]; ++m)
        if (ctx.next.status[m] == std::uint8_t(MembershipStatus::suspended)) return true;
    return false;
}

void tryFound(StepContext& ctx, InstitutionIndex j) {
    const auto& topo = ctx.topology;
    const auto& cond = ctx.scenario.institutions[j].founding;
    auto& qualifies = ctx.scratch.qualifies;
    auto& component = ctx.scratch.component;
    auto& stack = ctx.scratch.stack;
    const auto first = topo.institution_first_membership[j];
    const auto last = topo.institution_first_membership[j + 1];

    std::uint32_t count = 0;
    for (auto k = first; k < last; ++k) {
        const auto i = topo.membership_state[topo.institution_memberships[k]];
        const bool ok =
            (!cond.require_military || ctx.next.regime[i] == std::uint8_t(Regime::military)) &&
            (!cond.require_suspended || suspendedAnywhere(ctx, i));
        qualifies[i] = ok;
        count += ok;
    }
    if (count < cond.min_founders) {
        ctx.next.founding_streak[j] = 0;
        for (auto k = first; k < last; ++k)
            qualifies[topo.membership_state[topo.institution_memberships[k]]] = 0;
        return;
    }
    // Label connected groups of qualifying candidates (or one group if not required).
    const auto inf = topo.influence.view();
    for (auto k = first; k < last; ++k)
        component[topo.membership_state[topo.institution_memberships[k]]] = kNone;
    std::uint32_t founders = 0;
    for (auto k = first; k < last; ++k) {
        const auto root = topo.membership_state[topo.institution_memberships[k]];
        if (!qualifies[root] || component[root] != kNone) continue;
        std::uint32_t size = 0;
        stack.clear();
        stack.push_back(root);  // capacity N reserved: no allocation
        component[root] = root;
        while (!stack.empty()) {
            const auto v = stack.back();
            stack.pop_back();
            ++size;
            if (!cond.require_connected) {
                for (auto k2 = first; k2 < last; ++k2) {
                    const auto u = topo.membership_state[topo.institution_memberships[k2]];
                    if (qualifies[u] && component[u] == kNone) {
                        component[u] = root;
                        stack.push_back(u);
                    }
                }
                continue;
            }
            for (auto e = inf.begin(v); e < inf.end(v); ++e) {
                const auto u = inf.targets[e];
                if (qualifies[u] && component[u] == kNone) {
                    component[u] = root;
                    stack.push_back(u);
                }
            }
        }
        if (size < cond.min_founders) {
            for (auto k2 = first; k2 < last; ++k2) {
                const auto u = topo.membership_state[topo.institution_memberships[k2]];
                if (component[u] == root) qualifies[u] = 0;  // too small a group
            }
        } else {
            founders += size;
        }
    }
    // The condition must have held for delay_months + 1 consecutive months (a negotiation lag:
    // the AES charter was signed two months after the last of its founders' coups).
    auto& streak = ctx.next.founding_streak[j];
    streak = founders > 0 ? ctx.now.founding_streak[j] + 1 : 0;
    if (founders > 0 && streak > cond.delay_months) {
        auto& next = ctx.next;
        next.phase[j] = std::uint8_t(InstitutionPhase::active);
        ctx.tracker.found_step[j] = std::int32_t(ctx.step);
        ctx.tracker.log(ctx.step, EventKind::found, EventCause::founding, kNone, j);
        for (auto k = first; k < last; ++k) {
            const auto m = topo.institution_memberships[k];
            const auto i = topo.membership_state[m];
            if (!qualifies[i]) continue;
            next.status[m] = std::uint8_t(MembershipStatus::member);
            next.club_base_weight[j] += ctx.scenario.states[i].weight;
            ctx.tracker.log(ctx.step, EventKind::join, EventCause::founding, i, j);
        }
    }
    for (auto k = first; k < last; ++k)
        qualifies[topo.membership_state[topo.institution_memberships[k]]] = 0;
}

}  // namespace

void dissolveAndFound(StepContext& ctx) {
    const auto& topo = ctx.topology;
    auto& next = ctx.next;
    for (InstitutionIndex j = 0; j < topo.institution_count; ++j) {
        if (next.phase[j] == std::uint8_t(InstitutionPhase::active) && next.quorum[j] > 0) {
            std::uint32_t active = 0;
            for (auto k = topo.institution_first_membership[j];
                 k < topo.institution_first_membership[j + 1]; ++k)
                active += isActive(
                    static_cast<MembershipStatus>(next.status[topo.institution_memberships[k]]));
            if (active < next.quorum[j]) dissolve(ctx, j);
        } else if (next.phase[j] == std::uint8_t(InstitutionPhase::latent)) {
            tryFound(ctx, j);
        }
    }
}

}  // namespace regsim
