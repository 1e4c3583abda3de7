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

}  // namespace

void computeUtilities(StepContext& ctx) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto& w = ctx.now;
    const std::uint32_t D = topo.axis_count;
    auto& utility = ctx.scratch.utility;
    const auto peers = topo.peers.view();
    const auto links = topo.links_into.view();
    const auto subs = topo.substitutes_for.view();
    const auto left = [&](MembershipStatus s) {
        return s == MembershipStatus::withdrawn ||
               (p.linkage_counts_announcements && s == MembershipStatus::withdrawing);
    };

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
    const auto& peer_counts = ctx.scratch.peer_counts;
    const bool unit_peers = peers.unitWeight();

    forEachIndex(topo.membershipCount(), [&](std::uint32_t m) {
        const auto j = topo.membership_institution[m];
        const auto i = topo.membership_state[m];
        const auto status = static_cast<MembershipStatus>(w.status[m]);
        if (!belongs(status) || w.phase[j] != std::uint8_t(InstitutionPhase::active)) {
            utility[m] = kInfinity;
            return;
        }
        double u =
            membershipBenefit(ctx, m) * club[j] * (1.0 - p.sanction_benefit_cut * w.sanction[m]);
        u -= w.sovereignty[i] * membershipCost(ctx, m);
        if (p.alignment_cost != 0) {
            const double* o = &topo.institution_orientation[std::size_t(j) * D];
            double d2 = 0.0;
            for (std::uint32_t d = 0; d < D; ++d) {
                const double x = w.alignment[std::size_t(i) * D + d] - o[d];
                d2 += x * x;
            }
            u -= p.alignment_cost * std::sqrt(d2);
        }
        if (p.peer_weight != 0)
            u += p.peer_weight * (counted      ? peer_counts.shareGap(m)
                                  : unit_peers ? weightedPeerShareGap<true>(w, peers, m)
                                               : weightedPeerShareGap<false>(w, peers, m));
        if (p.linkage_weight != 0) {
            for (auto e = links.begin(j); e < links.end(j); ++e) {
                const auto mk = topo.membershipIndex(i, links.targets[e]);
                if (mk != kNone && left(static_cast<MembershipStatus>(w.status[mk])))
                    u -= p.linkage_weight * links.weight(e);
            }
        }
        if (p.patron_opposition_weight != 0) {
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
                if (mk != kNone && belongs(static_cast<MembershipStatus>(w.status[mk])) &&
                    w.phase[k] == std::uint8_t(InstitutionPhase::active))
                    u -= p.substitution_weight * subs.weight(e);
            }
        }
        utility[m] = u + p.status_quo_bias;
    });
}

}  // namespace regsim
