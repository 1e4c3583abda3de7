// Phase 5: utility of each membership that can decide (docs/model.md, "Submodel 5"):
//   U_ij = b_ij * club_j^gamma * (1 - cut * sanction_ij) - s_i * c_ij - lambda * |a_i - o_j|
//          + kappa * (share of i's neighbours in j still active - 1)
//          - chi * sum_k link_kj [i left k] - psi * sum_p e_pi * max(0, -o_p . o_j)
//          - omega * sum_k subst_kj [i belongs to k] + zeta
// Computed for memberships that belong (member, suspended, withdrawing) in active
// institutions; others get +inf so they never decide.
// Per-entity values come from the topology's flat arrays; with unit peer weights the peer
// share comes from PeerCounts (updated from status changes) instead of a pass over every
// peer's status (docs/performance.md, "Full model step"). Both give the same bits.

#include <cmath>

#include "core/portable_math.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

double membershipBenefit(const StepContext& ctx, std::uint32_t m) {
    const auto& topo = ctx.topology;
    const double v = topo.benefitOverride(m);
    return std::isnan(v) ? ctx.now.benefit[topo.membership_institution[m]] : v;
}

double membershipCost(const StepContext& ctx, std::uint32_t m) {
    const auto& topo = ctx.topology;
    const double v = topo.costOverride(m);
    return std::isnan(v) ? ctx.now.sovereignty_cost[topo.membership_institution[m]] : v;
}

namespace {

// Weighted share of membership m's peers (same institution, influence neighbours) that are
// still active, minus one; 0 when m has no peer that ever belonged. The general path, for
// weighted peers. kUnit: the peer graph stores no weights (every weight 1; also reached when
// a test forces this path over unit peers).
template <bool kUnit>
double weightedPeerShareGap(const WorldState& w, const CsrView& peers, std::uint32_t m) {
    double in = 0.0, all = 0.0;
    for (auto e = peers.begin(m); e < peers.end(m); ++e) {
        const auto s = static_cast<MembershipStatus>(w.status[peers.targets[e]]);
        if (s == MembershipStatus::none) continue;
        const double wt = kUnit ? 1.0 : peers.weights[e].weight;
        all += wt;
        if (isActive(s)) in += wt;
    }
    return all > 0 ? in / all - 1.0 : 0.0;
}

// Memberships [begin, end) of phase 5. The loop's inputs are hoisted into locals (the
// per-membership call through a lambda reloaded them for every membership) and the axis count
// is a template parameter where it is 1-3 (kAxes = 0 reads it). Same operations in the same
// order as the definition above, so the same bits.
template <std::uint32_t kAxes>
void utilityRange(const StepContext& ctx, bool counted, std::uint32_t begin, std::uint32_t end) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto& w = ctx.now;
    const std::uint32_t D = kAxes > 0 ? kAxes : topo.axis_count;
    const auto peers = topo.peers.view();
    const auto links = topo.links_into.view();
    const auto subs = topo.substitutes_for.view();
    const auto& peer_counts = ctx.scratch.peer_counts;
    const bool unit_peers = peers.unitWeight();
    const auto left = [&](MembershipStatus s) {
        return s == MembershipStatus::withdrawn ||
               (p.linkage_counts_announcements && s == MembershipStatus::withdrawing);
    };
    const std::uint32_t* const institution_of = topo.membership_institution.data();
    const std::uint32_t* const state_of = topo.membership_state.data();
    const std::uint8_t* const status = w.status.data();
    const std::uint8_t* const phase = w.phase.data();
    const double* const club = ctx.scratch.club.data();
    const double* const sanction = w.sanction.data();
    const double* const sovereignty = w.sovereignty.data();
    const double* const alignment = w.alignment.data();
    const double* const orientation = topo.institution_orientation.data();
    double* const utility = ctx.scratch.utility.data();
    const double cut = p.sanction_benefit_cut, alignment_cost = p.alignment_cost,
                 peer_weight = p.peer_weight, bias = p.status_quo_bias;
    const bool any_patron = p.patron_opposition_weight != 0 && topo.patron_count > 0;

    for (std::uint32_t m = begin; m < end; ++m) {
        const auto j = institution_of[m];
        const auto i = state_of[m];
        const auto st = static_cast<MembershipStatus>(status[m]);
        if (!belongs(st) || phase[j] != std::uint8_t(InstitutionPhase::active)) {
            utility[m] = kInfinity;
            continue;
        }
        double u = membershipBenefit(ctx, m) * club[j] * (1.0 - cut * sanction[m]);
        u -= sovereignty[i] * membershipCost(ctx, m);
        if (alignment_cost != 0) {
            const double* o = &orientation[std::size_t(j) * D];
            const double* a = &alignment[std::size_t(i) * D];
            double d2 = 0.0;
            for (std::uint32_t d = 0; d < D; ++d) {
                const double x = a[d] - o[d];
                d2 += x * x;
            }
            u -= alignment_cost * std::sqrt(d2);
        }
        if (peer_weight != 0)
            u += peer_weight * (counted      ? peer_counts.shareGap(m)
                                : unit_peers ? weightedPeerShareGap<true>(w, peers, m)
                                             : weightedPeerShareGap<false>(w, peers, m));
        if (p.linkage_weight != 0) {
            for (auto e = links.begin(j); e < links.end(j); ++e) {
                const auto mk = topo.membershipIndex(i, links.targets[e]);
                if (mk != kNone && left(static_cast<MembershipStatus>(status[mk])))
                    u -= p.linkage_weight * links.weight(e);
            }
        }
        if (any_patron) {
            for (std::uint32_t q = 0; q < topo.patron_count; ++q) {
                const double e = w.engagement[std::size_t(q) * topo.state_count + i];
                if (e == 0) continue;
                const double dot =
                    topo.patron_institution_dot[std::size_t(q) * topo.institution_count + j];
                if (dot < 0) u -= p.patron_opposition_weight * e * (-dot);
            }
        }
        if (p.substitution_weight != 0) {
            for (auto e = subs.begin(j); e < subs.end(j); ++e) {
                const auto k = subs.targets[e];
                const auto mk = topo.membershipIndex(i, k);
                if (mk != kNone && belongs(static_cast<MembershipStatus>(status[mk])) &&
                    phase[k] == std::uint8_t(InstitutionPhase::active))
                    u -= p.substitution_weight * subs.weight(e);
            }
        }
        utility[m] = u + bias;
    }
}

}  // namespace

void computeUtilities(StepContext& ctx) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto& w = ctx.now;
    const std::uint32_t D = topo.axis_count;

    // Club shares first. Summed in membership order, or in parallel when every weight is an
    // integer (the sum is then exact in any order).
    auto& club = ctx.scratch.club;
    for (InstitutionIndex j = 0; j < topo.institution_count; ++j) {
        if (p.club_exponent == 0) {
            club[j] = 1.0;
            continue;
        }
        const auto first = topo.institution_first_membership[j];
        const auto weight = [&](std::uint32_t k) {
            const auto mk = topo.institution_memberships[first + k];
            return belongs(static_cast<MembershipStatus>(w.status[mk]))
                       ? topo.state_weight[topo.stateRow(topo.membership_state[mk])]
                       : 0.0;
        };
        const auto count = topo.institution_first_membership[j + 1] - first;
        double active = 0.0;
        if (topo.state_weights_integral)
            active = exactSum(count, weight);
        else
            for (std::uint32_t k = 0; k < count; ++k) active += weight(k);
        const double base = w.club_base_weight[j];
        club[j] = base > 0 ? pmath::powNonNegative(active / base, p.club_exponent) : 0.0;
    }

    const bool counted = p.peer_weight != 0 && topo.peers_unit_weight;
    if (counted) ctx.scratch.peer_counts.update(topo, w.status);

    const auto range = [&](std::size_t b, std::size_t e) {
        switch (D) {
            case 1:
                return utilityRange<1>(ctx, counted, std::uint32_t(b), std::uint32_t(e));
            case 2:
                return utilityRange<2>(ctx, counted, std::uint32_t(b), std::uint32_t(e));
            case 3:
                return utilityRange<3>(ctx, counted, std::uint32_t(b), std::uint32_t(e));
            default:
                return utilityRange<0>(ctx, counted, std::uint32_t(b), std::uint32_t(e));
        }
    };
    forEachRange(topo.membershipCount(), kParallelGrain, range);
}

}  // namespace regsim
