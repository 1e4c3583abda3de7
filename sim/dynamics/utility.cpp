// Phase 5: the utilities U_ij at t (dynamics/utility_kernel.hpp has the formula) and what they
// need: the club shares and the kept counts.
//
// Only phase 7 (rescissions) and the joint decisions of coordinated alliances read stored
// utilities: phase 5 stores U for memberships serving notice and for every membership of a
// state in an active coordinated alliance. Phase 6 computes the U of an individual draw itself,
// and only when its uniform is below the hazard cap, since otherwise the draw cannot come up
// (docs/performance.md, "Full model step"). forceEagerUtilities(true) stores every U and has
// phase 6 read them, as before that change; tests compare the two.
// Per-entity values come from the topology's flat arrays; with unit peer weights the peer
// share comes from PeerCounts (updated from status changes) instead of a pass over every
// peer's status. Both give the same bits.

#include <atomic>
#include <cmath>

#include "core/portable_math.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"
#include "dynamics/utility_kernel.hpp"

namespace regsim {

namespace {

std::atomic<bool> eager_utilities{false};

}  // namespace

void forceEagerUtilities(bool on) { eager_utilities.store(on); }

bool eagerUtilities() { return eager_utilities.load(std::memory_order_relaxed); }

bool usesPeerCounts(const Scenario& sc, const Topology& topo) {
    return sc.model.peer_weight != 0 && topo.peers_unit_weight;
}

bool usesClubTotals(const Scenario& sc, const Topology& topo) {
    return sc.model.club_exponent != 0 && topo.state_weights_integral;
}

void updateKeptCounts(StepContext& ctx) {
    const auto& topo = ctx.topology;
    if (usesClubTotals(ctx.scenario, topo)) ctx.scratch.club_totals.update(topo, ctx.now.status);
    if (usesPeerCounts(ctx.scenario, topo)) ctx.scratch.peer_counts.update(topo, ctx.now.status);
}

void computeUtilities(StepContext& ctx) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto& w = ctx.now;
    markAlliances(ctx);

    // Club shares first. With integer state weights the totals are exact integers, kept up to
    // date from status changes (ClubTotals); otherwise summed in membership order.
    auto& club = ctx.scratch.club;
    const bool kept = usesClubTotals(ctx.scenario, topo);
    for (InstitutionIndex j = 0; j < topo.institution_count; ++j) {
        if (p.club_exponent == 0) {
            club[j] = 1.0;
            continue;
        }
        double active = 0.0;
        if (kept) {
            active = ctx.scratch.club_totals.active(j);
        } else {
            const auto first = topo.institution_first_membership[j];
            const auto count = topo.institution_first_membership[j + 1] - first;
            for (std::uint32_t k = 0; k < count; ++k) {
                const auto mk = topo.institution_memberships[first + k];
                if (belongs(static_cast<MembershipStatus>(w.status[mk])))
                    active += topo.state_weight[topo.stateRow(topo.membership_state[mk])];
            }
        }
        const double base = w.club_base_weight[j];
        club[j] = base > 0 ? pmath::powNonNegative(active / base, p.club_exponent) : 0.0;
    }

    double* const utility = ctx.scratch.utility.data();
    const std::uint8_t* const status = w.status.data();
    const std::uint32_t* const state_of = topo.membership_state.data();
    const StateIndex* const alliance = ctx.scratch.alliance_of.data();
    const bool allied = ctx.scratch.any_alliance;
    const auto withdrawing = std::uint8_t(MembershipStatus::withdrawing);
    const bool eager = eagerUtilities();
    utility_kernel::withKernel(ctx, [&](const auto kernel) {
        forEachRange(topo.membershipCount(), kParallelGrain, [&](std::size_t b, std::size_t e) {
            const auto k = kernel;  // a local copy, so the stores below cannot alias its inputs
            auto m = std::uint32_t(b);
            if (eager) {
                for (; m < e; ++m) utility[m] = k(m);
                return;
            }
            if (!allied) {  // most memberships serve no notice: eight statuses at a time
                for (; m + 8 <= e; m += 8)
                    if (anyByteEquals(status + m, withdrawing))
                        for (auto q = m; q < m + 8; ++q)
                            if (status[q] == withdrawing) utility[q] = k(q);
            }
            for (; m < e; ++m)
                if (status[m] == withdrawing || (allied && alliance[state_of[m]] != kNone))
                    utility[m] = k(m);
        });
    });
}

}  // namespace regsim
