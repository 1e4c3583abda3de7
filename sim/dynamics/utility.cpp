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

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/portable_math.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

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

// How phase 5 gets the kappa term: not at all (kappa = 0), from PeerCounts (unit peer
// weights), or summed over the peer row.
enum class PeerTerm { off, counted, summed };

// Memberships [begin, end) of phase 5. Every array, parameter and flag is read into a local
// first: the store into utility (a double*) may alias any double the compiler cannot prove
// apart, so anything read through ctx would be reloaded for every membership. The flags fixed
// for a step are template parameters so that the common path is a straight line: kAxes the
// axis count where it is 1-3 (0 reads it), kPeer the kappa term, kPlain no per-membership
// override, linkage or substitution term (their loops and checks vanish). Same operations in
// the same order as the definition above, so the same bits.
template <std::uint32_t kAxes, PeerTerm kPeer, bool kPlain>
void utilityRange(const StepContext& ctx, std::uint32_t begin, std::uint32_t end) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto& w = ctx.now;
    const std::uint32_t D = kAxes > 0 ? kAxes : topo.axis_count;
    const std::uint32_t* const institution_of = topo.membership_institution.data();
    const std::uint32_t* const state_of = topo.membership_state.data();
    const std::uint32_t* const state_first = topo.state_first_membership.data();
    const std::uint8_t* const status = w.status.data();
    const std::uint8_t* const phase = w.phase.data();
    const double* const benefit = w.benefit.data();
    const double* const cost = w.sovereignty_cost.data();
    const double* const benefit_override =
        topo.any_benefit_override ? topo.membership_benefit.data() : nullptr;
    const double* const cost_override =
        topo.any_cost_override ? topo.membership_cost.data() : nullptr;
    const double* const club = ctx.scratch.club.data();
    const double* const sanction = w.sanction.data();
    const double* const sovereignty = w.sovereignty.data();
    const double* const alignment = w.alignment.data();
    const double* const orientation = topo.institution_orientation.data();
    const double* const engagement = w.engagement.data();
    const double* const patron_dot = topo.patron_institution_dot.data();
    double* const utility = ctx.scratch.utility.data();
    const double cut = p.sanction_benefit_cut, alignment_cost = p.alignment_cost,
                 peer_weight = p.peer_weight, bias = p.status_quo_bias,
                 patron_weight = p.patron_opposition_weight, link_weight = p.linkage_weight,
                 subst_weight = p.substitution_weight;
    const bool align = alignment_cost != 0, counts_announcements = p.linkage_counts_announcements;
    const std::uint32_t patrons =
        patron_weight != 0 && topo.patron_count > 0 ? topo.patron_count : 0;
    const std::size_t N = topo.state_count, J = topo.institution_count;
    const auto peers = topo.peers.view();
    const bool unit_peers = peers.unitWeight();
    const double* const gap =
        kPeer == PeerTerm::counted ? ctx.scratch.peer_counts.shareGaps() : nullptr;
    const auto links = topo.links_into.view();
    const auto subs = topo.substitutes_for.view();
    const bool linked = !kPlain && link_weight != 0, substituted = !kPlain && subst_weight != 0;
    // topo.membershipIndex(i, k) on the locals: i's row is sorted by institution.
    const auto membershipOf = [&](std::uint32_t i, std::uint32_t k) {
        const std::uint32_t* const first = institution_of + state_first[i];
        const std::uint32_t* const last = institution_of + state_first[i + 1];
        const std::uint32_t* const it = std::lower_bound(first, last, k);
        return it == last || *it != k ? kNone : std::uint32_t(it - institution_of);
    };
    const auto left = [&](std::uint8_t s) {
        return s == std::uint8_t(MembershipStatus::withdrawn) ||
               (counts_announcements && s == std::uint8_t(MembershipStatus::withdrawing));
    };

    for (std::uint32_t m = begin; m < end; ++m) {
        const auto j = institution_of[m];
        const auto i = state_of[m];
        if (!belongs(static_cast<MembershipStatus>(status[m])) ||
            phase[j] != std::uint8_t(InstitutionPhase::active)) {
            utility[m] = kInfinity;
            continue;
        }
        double b = benefit[j], c = cost[j];
        if constexpr (!kPlain) {  // a membership's own benefit or cost where one is set (not NaN)
            if (benefit_override && !std::isnan(benefit_override[m])) b = benefit_override[m];
            if (cost_override && !std::isnan(cost_override[m])) c = cost_override[m];
        }
        double u = b * club[j] * (1.0 - cut * sanction[m]);
        u -= sovereignty[i] * c;
        if (align) {
            const double* o = &orientation[std::size_t(j) * D];
            const double* a = &alignment[std::size_t(i) * D];
            double d2;
            if constexpr (kAxes > 0) {
                // 0.0 + x * x is x * x (never -0), so the sum starts at the first square.
                d2 = (a[0] - o[0]) * (a[0] - o[0]);
                for (std::uint32_t d = 1; d < kAxes; ++d) d2 += (a[d] - o[d]) * (a[d] - o[d]);
            } else {
                d2 = 0.0;
                for (std::uint32_t d = 0; d < D; ++d) d2 += (a[d] - o[d]) * (a[d] - o[d]);
            }
            u -= alignment_cost * std::sqrt(d2);
        }
        if constexpr (kPeer == PeerTerm::counted) u += peer_weight * gap[m];
        if constexpr (kPeer == PeerTerm::summed)
            u += peer_weight * (unit_peers ? weightedPeerShareGap<true>(w, peers, m)
                                           : weightedPeerShareGap<false>(w, peers, m));
        if (linked) {
            for (auto e = links.begin(j); e < links.end(j); ++e) {
                const auto mk = membershipOf(i, links.targets[e]);
                if (mk != kNone && left(status[mk])) u -= link_weight * links.weight(e);
            }
        }
        for (std::uint32_t q = 0; q < patrons; ++q) {
            const double e = engagement[q * N + i];
            const double dot = patron_dot[q * J + j];
            // A mask, not a branch (e is 0 for most states, unpredictably; GCC turns a ?:
            // back into a branch): an unused pull becomes +0.0, and u - +0.0 is u.
            const double pull = patron_weight * e * (-dot);
            const auto used = std::uint64_t(0) - std::uint64_t((e != 0) & (dot < 0));
            u -= std::bit_cast<double>(std::bit_cast<std::uint64_t>(pull) & used);
        }
        if (substituted) {
            for (auto e = subs.begin(j); e < subs.end(j); ++e) {
                const auto k = subs.targets[e];
                const auto mk = membershipOf(i, k);
                if (mk != kNone && belongs(static_cast<MembershipStatus>(status[mk])) &&
                    phase[k] == std::uint8_t(InstitutionPhase::active))
                    u -= subst_weight * subs.weight(e);
            }
        }
        utility[m] = u + bias;
    }
}

}  // namespace

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
    const std::uint32_t D = topo.axis_count;

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

    const bool counted = usesPeerCounts(ctx.scenario, topo);
    const auto peer = p.peer_weight == 0 ? PeerTerm::off
                      : counted          ? PeerTerm::counted
                                         : PeerTerm::summed;
    const bool plain = !topo.any_benefit_override && !topo.any_cost_override &&
                       p.linkage_weight == 0 && p.substitution_weight == 0;

    // One instantiation per (axes, kappa term, plain), chosen once per step.
    const auto byPlain = [&]<std::uint32_t kAxes, PeerTerm kPeer>(std::size_t b, std::size_t e) {
        if (plain)
            utilityRange<kAxes, kPeer, true>(ctx, std::uint32_t(b), std::uint32_t(e));
        else
            utilityRange<kAxes, kPeer, false>(ctx, std::uint32_t(b), std::uint32_t(e));
    };
    const auto byPeer = [&]<std::uint32_t kAxes>(std::size_t b, std::size_t e) {
        switch (peer) {
            case PeerTerm::off:
                return byPlain.template operator()<kAxes, PeerTerm::off>(b, e);
            case PeerTerm::counted:
                return byPlain.template operator()<kAxes, PeerTerm::counted>(b, e);
            case PeerTerm::summed:
                return byPlain.template operator()<kAxes, PeerTerm::summed>(b, e);
        }
    };
    const auto range = [&](std::size_t b, std::size_t e) {
        switch (D) {
            case 1:
                return byPeer.template operator()<1>(b, e);
            case 2:
                return byPeer.template operator()<2>(b, e);
            case 3:
                return byPeer.template operator()<3>(b, e);
            default:
                return byPeer.template operator()<0>(b, e);
        }
    };
    forEachRange(topo.membershipCount(), kParallelGrain, range);
}

}  // namespace regsim
