#pragma once
// U_ij of one membership (docs/model.md, "Submodel 5"):
//   U_ij = b_ij * club_j^gamma * (1 - cut * sanction_ij) - s_i * c_ij - lambda * |a_i - o_j|
//          + kappa * (share of i's neighbours in j still active - 1)
//          - chi * sum_k link_kj [i left k] - psi * sum_p e_pi * max(0, -o_p . o_j)
//          - omega * sum_k subst_kj [i belongs to k] + zeta
// +inf for a membership that does not belong (member, suspended, withdrawing) to an active
// institution, so that it never decides.
//
// Shared by phase 5, which stores U for the memberships phase 7 and the joint decisions read,
// and phase 6, which computes each individual draw's U only when the draw's uniform is below
// the hazard cap h (else the draw cannot come up whatever U is): at h = 0.05 that is one
// membership in twenty (docs/performance.md, "Full model step"). One function, so both give
// the same bits.
//
// Every array, parameter and flag is read into a member first: a store into a double array may
// alias any double the compiler cannot prove apart, so anything read through the context would
// be reloaded for every membership. The flags fixed for a step are template parameters so that
// the common path is a straight line: kAxes the axis count where it is 1-3 (0 reads it), kPeer
// the kappa term, kPlain no per-membership override, linkage or substitution term (their loops
// and checks vanish). Same operations in the same order as the definition above.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "dynamics/phases.hpp"

namespace regsim::utility_kernel {

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

// How the kappa term is computed: not at all (kappa = 0), from PeerCounts (unit peer
// weights), or summed over the peer row.
enum class PeerTerm { off, counted, summed };

template <std::uint32_t kAxes, PeerTerm kPeer, bool kPlain>
class Kernel {
  public:
    // Reads the club shares of ctx.scratch.club: computeUtilities fills them first.
    explicit Kernel(const StepContext& ctx)
        : w_(ctx.now),
          D_(kAxes > 0 ? kAxes : ctx.topology.axis_count),
          institution_of_(ctx.topology.membership_institution.data()),
          state_of_(ctx.topology.membership_state.data()),
          state_first_(ctx.topology.state_first_membership.data()),
          status_(ctx.now.status.data()),
          phase_(ctx.now.phase.data()),
          benefit_(ctx.now.benefit.data()),
          cost_(ctx.now.sovereignty_cost.data()),
          benefit_override_(
              ctx.topology.any_benefit_override ? ctx.topology.membership_benefit.data() : nullptr),
          cost_override_(ctx.topology.any_cost_override ? ctx.topology.membership_cost.data()
                                                        : nullptr),
          club_(ctx.scratch.club.data()),
          sanction_(ctx.now.sanction.data()),
          sovereignty_(ctx.now.sovereignty.data()),
          alignment_(ctx.now.alignment.data()),
          orientation_(ctx.topology.institution_orientation.data()),
          engagement_(ctx.now.engagement.data()),
          patron_dot_(ctx.topology.patron_institution_dot.data()),
          gap_(kPeer == PeerTerm::counted ? ctx.scratch.peer_counts.shareGaps() : nullptr),
          cut_(ctx.scenario.model.sanction_benefit_cut),
          alignment_cost_(ctx.scenario.model.alignment_cost),
          peer_weight_(ctx.scenario.model.peer_weight),
          bias_(ctx.scenario.model.status_quo_bias),
          patron_weight_(ctx.scenario.model.patron_opposition_weight),
          link_weight_(ctx.scenario.model.linkage_weight),
          subst_weight_(ctx.scenario.model.substitution_weight),
          align_(alignment_cost_ != 0),
          counts_announcements_(ctx.scenario.model.linkage_counts_announcements),
          patrons_(patron_weight_ != 0 && ctx.topology.patron_count > 0 ? ctx.topology.patron_count
                                                                        : 0),
          N_(ctx.topology.state_count),
          J_(ctx.topology.institution_count),
          peers_(ctx.topology.peers.view()),
          unit_peers_(peers_.unitWeight()),
          links_(ctx.topology.links_into.view()),
          subs_(ctx.topology.substitutes_for.view()),
          linked_(!kPlain && link_weight_ != 0),
          substituted_(!kPlain && subst_weight_ != 0) {}

    // Always inlined, into phase 5's loop and phase 6's: a call per membership reloads every
    // member.
    [[gnu::always_inline]] double operator()(std::uint32_t m) const {
        const auto j = institution_of_[m];
        const auto i = state_of_[m];
        if (!belongs(static_cast<MembershipStatus>(status_[m])) ||
            phase_[j] != std::uint8_t(InstitutionPhase::active))
            return kInfinity;
        double b = benefit_[j], c = cost_[j];
        if constexpr (!kPlain) {  // a membership's own benefit or cost where one is set (not NaN)
            if (benefit_override_ && !std::isnan(benefit_override_[m])) b = benefit_override_[m];
            if (cost_override_ && !std::isnan(cost_override_[m])) c = cost_override_[m];
        }
        double u = b * club_[j] * (1.0 - cut_ * sanction_[m]);
        u -= sovereignty_[i] * c;
        if (align_) {
            const double* o = &orientation_[std::size_t(j) * D_];
            const double* a = &alignment_[std::size_t(i) * D_];
            double d2;
            if constexpr (kAxes > 0) {
                // 0.0 + x * x is x * x (never -0), so the sum starts at the first square.
                d2 = (a[0] - o[0]) * (a[0] - o[0]);
                for (std::uint32_t d = 1; d < kAxes; ++d) d2 += (a[d] - o[d]) * (a[d] - o[d]);
            } else {
                d2 = 0.0;
                for (std::uint32_t d = 0; d < D_; ++d) d2 += (a[d] - o[d]) * (a[d] - o[d]);
            }
            u -= alignment_cost_ * std::sqrt(d2);
        }
        if constexpr (kPeer == PeerTerm::counted) u += peer_weight_ * gap_[m];
        if constexpr (kPeer == PeerTerm::summed)
            u += peer_weight_ * (unit_peers_ ? weightedPeerShareGap<true>(w_, peers_, m)
                                             : weightedPeerShareGap<false>(w_, peers_, m));
        if (linked_) {
            for (auto e = links_.begin(j); e < links_.end(j); ++e) {
                const auto mk = membershipOf(i, links_.targets[e]);
                if (mk != kNone && left(status_[mk])) u -= link_weight_ * links_.weight(e);
            }
        }
        for (std::uint32_t q = 0; q < patrons_; ++q) {
            const double e = engagement_[q * N_ + i];
            const double dot = patron_dot_[q * J_ + j];
            // A mask, not a branch (e is 0 for most states, unpredictably; GCC turns a ?:
            // back into a branch): an unused pull becomes +0.0, and u - +0.0 is u.
            const double pull = patron_weight_ * e * (-dot);
            const auto used = std::uint64_t(0) - std::uint64_t((e != 0) & (dot < 0));
            u -= std::bit_cast<double>(std::bit_cast<std::uint64_t>(pull) & used);
        }
        if (substituted_) {
            for (auto e = subs_.begin(j); e < subs_.end(j); ++e) {
                const auto k = subs_.targets[e];
                const auto mk = membershipOf(i, k);
                if (mk != kNone && belongs(static_cast<MembershipStatus>(status_[mk])) &&
                    phase_[k] == std::uint8_t(InstitutionPhase::active))
                    u -= subst_weight_ * subs_.weight(e);
            }
        }
        return u + bias_;
    }

  private:
    // topo.membershipIndex(i, k) on the members: i's row is sorted by institution.
    std::uint32_t membershipOf(std::uint32_t i, std::uint32_t k) const {
        const std::uint32_t* const first = institution_of_ + state_first_[i];
        const std::uint32_t* const last = institution_of_ + state_first_[i + 1];
        const std::uint32_t* const it = std::lower_bound(first, last, k);
        return it == last || *it != k ? kNone : std::uint32_t(it - institution_of_);
    }
    bool left(std::uint8_t s) const {
        return s == std::uint8_t(MembershipStatus::withdrawn) ||
               (counts_announcements_ && s == std::uint8_t(MembershipStatus::withdrawing));
    }

    const WorldState& w_;
    std::uint32_t D_;
    const std::uint32_t* institution_of_;
    const std::uint32_t* state_of_;
    const std::uint32_t* state_first_;
    const std::uint8_t* status_;
    const std::uint8_t* phase_;
    const double* benefit_;
    const double* cost_;
    const double* benefit_override_;
    const double* cost_override_;
    const double* club_;
    const double* sanction_;
    const double* sovereignty_;
    const double* alignment_;
    const double* orientation_;
    const double* engagement_;
    const double* patron_dot_;
    const double* gap_;
    double cut_, alignment_cost_, peer_weight_, bias_, patron_weight_, link_weight_, subst_weight_;
    bool align_, counts_announcements_;
    std::uint32_t patrons_;
    std::size_t N_, J_;
    CsrView peers_;
    bool unit_peers_;
    CsrView links_, subs_;
    bool linked_, substituted_;
};

// Calls f(kernel) with the kernel instantiated for this step: one per (axes, kappa term,
// plain), chosen once per step.
template <typename F>
void withKernel(const StepContext& ctx, F&& f) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const bool counted = usesPeerCounts(ctx.scenario, topo);
    const auto peer = p.peer_weight == 0 ? PeerTerm::off
                      : counted          ? PeerTerm::counted
                                         : PeerTerm::summed;
    const bool plain = !topo.any_benefit_override && !topo.any_cost_override &&
                       p.linkage_weight == 0 && p.substitution_weight == 0;
    const auto byPlain = [&]<std::uint32_t kAxes, PeerTerm kPeer>() {
        if (plain)
            f(Kernel<kAxes, kPeer, true>(ctx));
        else
            f(Kernel<kAxes, kPeer, false>(ctx));
    };
    const auto byPeer = [&]<std::uint32_t kAxes>() {
        switch (peer) {
            case PeerTerm::off:
                return byPlain.template operator()<kAxes, PeerTerm::off>();
            case PeerTerm::counted:
                return byPlain.template operator()<kAxes, PeerTerm::counted>();
            case PeerTerm::summed:
                return byPlain.template operator()<kAxes, PeerTerm::summed>();
        }
    };
    switch (topo.axis_count) {
        case 1:
            return byPeer.template operator()<1>();
        case 2:
            return byPeer.template operator()<2>();
        case 3:
            return byPeer.template operator()<3>();
        default:
            return byPeer.template operator()<0>();
    }
}

}  // namespace regsim::utility_kernel
