// Phase 7: notice periods (docs/model.md, "Submodel 7"). An announcement made at step a takes
// effect at step a + T_j (at once when T_j = 0). Before that, a state rescinds when its
// utility rises above the rescind margin; an alliance's members rescind together, once a share
// q of those withdrawing from j would (South Africa and The Gambia rescinded in 2017).

#include <cmath>
#include <cstring>

#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

namespace {

// The state changes of an exit taking effect and of a rescission; their events are logged
// separately, in membership order.
void takeEffect(StepContext& ctx, std::uint32_t m) {
    ctx.next.status[m] = std::uint8_t(MembershipStatus::withdrawn);
    ctx.next.announced_step[m] = -1;
    ctx.next.sanction[m] = 0.0;
    ctx.tracker.exit_step[m] = std::int32_t(ctx.step);
}

void rescind(StepContext& ctx, std::uint32_t m) {
    const auto i = ctx.topology.membership_state[m];
    const auto j = ctx.topology.membership_institution[m];
    const bool suspended =
        ctx.now.democracy_clause[j] && ctx.now.regime[i] == std::uint8_t(Regime::military);
    ctx.next.status[m] =
        std::uint8_t(suspended ? MembershipStatus::suspended : MembershipStatus::member);
    ctx.next.announced_step[m] = -1;
}

void logRescind(StepContext& ctx, std::uint32_t m, EventCause cause) {
    ctx.tracker.log(ctx.step, EventKind::rescind, cause, ctx.topology.membership_state[m],
                    ctx.topology.membership_institution[m]);
}

bool due(const StepContext& ctx, std::uint32_t m) {
    const auto j = ctx.topology.membership_institution[m];
    return std::int64_t(ctx.step) >=
           std::int64_t(ctx.next.announced_step[m]) + ctx.now.notice_months[j];
}

enum Notice : std::uint8_t { none, exits, rescinds };

}  // namespace

void advanceNotices(StepContext& ctx) {
    const auto& topo = ctx.topology;
    const auto& now = ctx.now;
    const auto& utility = ctx.scratch.utility;
    const auto& alliance_of = ctx.scratch.alliance_of;
    const double margin = ctx.scenario.model.rescind_margin;
    const auto withdrawing = std::uint8_t(MembershipStatus::withdrawing);

    // Each membership's notice depends on its own data only: decided and applied in parallel,
    // logged in membership order.
    auto& action = ctx.scratch.action;
    // Locals: the byte stores below would otherwise make the compiler reload every array after
    // each of them. Most memberships are not withdrawing: eight statuses are checked at once.
    std::uint8_t* const act = action.data();
    const std::uint8_t* const next_status = ctx.next.status.data();
    const std::uint8_t* const now_status = now.status.data();
    const std::uint32_t* const state_of = topo.membership_state.data();
    const std::uint32_t* const institution_of = topo.membership_institution.data();
    const double* const util = utility.data();
    const StateIndex* const alliance = alliance_of.data();
    const auto one = [&](std::uint32_t m) {
        act[m] = none;
        if (next_status[m] != withdrawing) return;
        if (due(ctx, m)) {
            takeEffect(ctx, m);
            act[m] = exits;
            return;
        }
        // Only announcements from earlier steps may be rescinded, and not by alliance members
        // (they rescind jointly below).
        if (now_status[m] != withdrawing) return;
        const auto i = state_of[m];
        if (alliance[i] != kNone && alliance[i] != institution_of[m]) return;
        if (!std::isinf(util[m]) && util[m] > margin) {
            rescind(ctx, m);
            act[m] = rescinds;
        }
    };
    forEachRange(topo.membershipCount(), kParallelGrain, [&](std::size_t b, std::size_t e) {
        auto m = std::uint32_t(b);
        for (; m + 8 <= e; m += 8) {
            if (!anyByteEquals(next_status + m, withdrawing)) {
                std::memset(act + m, none, 8);
                continue;
            }
            for (auto k = m; k < m + 8; ++k) one(k);
        }
        for (; m < e; ++m) one(m);
    });
    forEachFlagged(action, [&](std::uint32_t m) {
        if (action[m] == rescinds) return logRescind(ctx, m, EventCause::utility);
        ctx.tracker.log(ctx.step, EventKind::exit, EventCause::notice_elapsed,
                        topo.membership_state[m], topo.membership_institution[m]);
    });

    for (InstitutionIndex a = 0; a < topo.institution_count; ++a) {
        if (!coordinatesExits(ctx, a)) continue;
        const double q = ctx.scenario.institutions[a].coordination_share;
        for (InstitutionIndex j = 0; j < topo.institution_count; ++j) {
            if (j == a) continue;
            const auto first = topo.institution_first_membership[j];
            const auto last = topo.institution_first_membership[j + 1];
            std::uint32_t pending = 0, willing = 0;
            for (auto k = first; k < last; ++k) {
                const auto m = topo.institution_memberships[k];
                if (alliance_of[topo.membership_state[m]] != a || now.status[m] != withdrawing ||
                    ctx.next.status[m] != withdrawing)
                    continue;
                ++pending;
                if (!std::isinf(utility[m]) && utility[m] > margin) ++willing;
            }
            if (willing == 0 || double(willing) < q * double(pending)) continue;
            for (auto k = first; k < last; ++k) {
                const auto m = topo.institution_memberships[k];
                if (alliance_of[topo.membership_state[m]] == a && now.status[m] == withdrawing &&
                    ctx.next.status[m] == withdrawing) {
                    rescind(ctx, m);
                    logRescind(ctx, m, EventCause::joint_declaration);
                }
            }
        }
    }
}

}  // namespace regsim
