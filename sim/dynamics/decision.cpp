// Phase 6: the exit decision (docs/model.md, "Submodel 6").
// Individual: announce with probability h / (1 + exp(beta * U_ij)); beta = inf means
// "announce iff U_ij < 0" (strictly) and h = 0 means never.
// Coordinated (amendment 4 of the brief): members of an active alliance with
// coordinated_exit never leave another institution j alone; once a share q of the alliance's
// members in j would leave (U < 0), all of them announce together (a joint declaration),
// with probability h / (1 + exp(beta * mean U of those that would leave)).

#include <cmath>

#include "core/portable_math.hpp"
#include "core/rng.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

namespace {

// step_hash: RngKey::stepHash of this replicate and step.
bool draw(const StepContext& ctx, std::uint64_t step_hash, double u, std::uint64_t entity) {
    const auto& p = ctx.scenario.model;
    if (p.hazard_cap <= 0) return false;
    if (std::isinf(p.decision_sharpness)) return u < 0;
    RandomStream rng(step_hash, entity, Purpose::decision);
    const double x = rng.uniform();
    // prob = h / (1 + exp(beta u)) <= h (a divisor >= 1, correctly rounded): most draws are
    // settled without the exp, with the same outcome.
    if (x >= p.hazard_cap) return false;
    return x < p.hazard_cap / (1.0 + pmath::exp(p.decision_sharpness * u));
}

void announce(StepContext& ctx, std::uint32_t m, EventCause cause) {
    const auto& topo = ctx.topology;
    ctx.next.status[m] = std::uint8_t(MembershipStatus::withdrawing);
    ctx.next.announced_step[m] = std::int32_t(ctx.step);
    if (ctx.tracker.first_announce[m] < 0) ctx.tracker.first_announce[m] = std::int32_t(ctx.step);
    ctx.tracker.log(ctx.step, EventKind::announce, cause, topo.membership_state[m],
                    topo.membership_institution[m]);
}

}  // namespace

// alliance_of[i]: the first active coordinated alliance i actively belongs to, or kNone.
void markAlliances(StepContext& ctx) {
    const auto& topo = ctx.topology;
    auto& alliance_of = ctx.scratch.alliance_of;
    std::fill(alliance_of.begin(), alliance_of.end(), kNone);
    for (InstitutionIndex a = 0; a < topo.institution_count; ++a) {
        if (!ctx.scenario.institutions[a].coordinated_exit ||
            ctx.now.phase[a] != std::uint8_t(InstitutionPhase::active))
            continue;
        for (auto k = topo.institution_first_membership[a];
             k < topo.institution_first_membership[a + 1]; ++k) {
            const auto m = topo.institution_memberships[k];
            const auto i = topo.membership_state[m];
            if (isActive(static_cast<MembershipStatus>(ctx.now.status[m])) &&
                alliance_of[i] == kNone)
                alliance_of[i] = a;
        }
    }
}

void decideExits(StepContext& ctx) {
    const auto& topo = ctx.topology;
    const auto& now = ctx.now;
    const auto& utility = ctx.scratch.utility;
    markAlliances(ctx);
    const auto& alliance_of = ctx.scratch.alliance_of;

    const auto step_hash = RngKey::stepHash(ctx.seed, ctx.replicate, ctx.step);

    // Individual decisions: every active membership outside the coordination of an alliance.
    // Each draw depends on m alone, so they run in parallel; the announcements (and so the
    // event log) then follow in membership order.
    auto& announces = ctx.scratch.announces;
    forEachIndex(topo.membershipCount(), [&](std::uint32_t m) {
        announces[m] = 0;
        if (!isActive(static_cast<MembershipStatus>(now.status[m])) || std::isinf(utility[m]))
            return;
        const auto i = topo.membership_state[m];
        const auto j = topo.membership_institution[m];
        if (alliance_of[i] != kNone && alliance_of[i] != j) return;  // solo-exit veto
        announces[m] = draw(ctx, step_hash, utility[m], m);
    });
    forEachFlagged(announces, [&](std::uint32_t m) { announce(ctx, m, EventCause::utility); });

    // Joint declarations, alliance by alliance, institution by institution.
    for (InstitutionIndex a = 0; a < topo.institution_count; ++a) {
        if (!ctx.scenario.institutions[a].coordinated_exit ||
            now.phase[a] != std::uint8_t(InstitutionPhase::active))
            continue;
        const double q = ctx.scenario.institutions[a].coordination_share;
        for (InstitutionIndex j = 0; j < topo.institution_count; ++j) {
            if (j == a || now.phase[j] != std::uint8_t(InstitutionPhase::active)) continue;
            const auto first = topo.institution_first_membership[j];
            const auto last = topo.institution_first_membership[j + 1];
            std::uint32_t members = 0, leavers = 0;
            double leaver_utility = 0.0;
            for (auto k = first; k < last; ++k) {
                const auto m = topo.institution_memberships[k];
                if (alliance_of[topo.membership_state[m]] != a ||
                    !isActive(static_cast<MembershipStatus>(now.status[m])))
                    continue;
                ++members;
                if (utility[m] < 0) {
                    ++leavers;
                    leaver_utility += utility[m];
                }
            }
            if (members == 0 || leavers == 0 || double(leavers) < q * double(members)) continue;
            const std::uint64_t entity =
                (std::uint64_t(1) << 40) + std::uint64_t(a) * topo.institution_count + j;
            if (!draw(ctx, step_hash, leaver_utility / leavers, entity)) continue;
            for (auto k = first; k < last; ++k) {
                const auto m = topo.institution_memberships[k];
                if (alliance_of[topo.membership_state[m]] == a &&
                    isActive(static_cast<MembershipStatus>(now.status[m])))
                    announce(ctx, m, EventCause::joint_declaration);
            }
        }
    }
}

}  // namespace regsim
