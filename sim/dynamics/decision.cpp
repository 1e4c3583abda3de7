// Phase 6: the exit decision (docs/model.md, "Submodel 6").
// Individual: announce with probability h / (1 + exp(beta * U_ij)); beta = inf means
// "announce iff U_ij < 0" (strictly) and h = 0 means never.
// Coordinated (amendment 4 of the brief): members of an active alliance with
// coordinated_exit never leave another institution j alone; once a share q of the alliance's
// members in j would leave (U < 0), all of them announce together (a joint declaration),
// with probability h / (1 + exp(beta * mean U of those that would leave)).
// The individual draws' uniforms are computed a block of memberships at a time in SIMD lanes
// where the CPU has them (core/draw_batch.hpp), the same bits as each membership's own
// RandomStream; a uniform no decision reads is simply unused. A draw whose uniform is at least
// h cannot come up whatever U is, so U is computed only for the others (the joint declarations
// read phase 5's stored values).

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/draw_batch.hpp"
#include "core/portable_math.hpp"
#include "core/rng.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"
#include "dynamics/utility_kernel.hpp"

namespace regsim {

namespace {

constexpr std::uint32_t kDrawBlock = 256;  // memberships whose uniforms are drawn at once

// Whether a draw announces. utility() gives its U, and uniform() its uniform in [0, 1) (its
// stream's first): each called only when the outcome depends on it, so an individual draw's U
// is computed only then; a uniform's stream is its draw's own, so drawing it or not changes no
// other draw. h and beta by value: callers keep them in registers across their byte stores.
template <typename Utility, typename Uniform>
bool draw(double h, double beta, Utility&& utility, Uniform&& uniform) {
    if (h <= 0) return false;
    if (std::isinf(beta)) return utility() < 0;
    const double x = uniform();
    // prob = h / (1 + exp(beta u)) <= h (a divisor >= 1, correctly rounded): most draws are
    // settled without U and the exp, with the same outcome.
    if (x >= h) return false;
    return x < h / (1.0 + pmath::exp(beta * utility()));
}

// An individual membership's U for draw(): NaN when it cannot decide (utility(m) infinite).
// Every comparison with NaN is false, so draw() then never announces, for any h and beta: the
// outcome of `!isinf(U) && draw(U)`.
template <typename Utility>
double decidingUtility(const Utility& utility, std::uint32_t m) {
    const double u = utility(m);
    return std::isinf(u) ? std::numeric_limits<double>::quiet_NaN() : u;
}

// What the individual draws of phase 6 read and write, as plain pointers and values.
struct IndividualDraws {
    const std::uint8_t* status;           // [m]
    const std::uint32_t* state_of;        // [m]
    const std::uint32_t* institution_of;  // [m]
    const StateIndex* alliance;           // [i]
    std::uint8_t* flag;                   // [m] out: the draw came up
    decltype(DrawPath::uniforms) uniforms;
    std::uint64_t step_hash;
    double h, beta;
};

// U from phase 5's stored values (eagerUtilities()).
struct StoredUtility {
    const double* utility;
    double operator()(std::uint32_t m) const { return utility[m]; }
};

// Individual decisions of memberships [begin, end) into in.flag; utility(m) gives U_ij
// (a utility_kernel::Kernel, or StoredUtility). Called with the inputs by value so that they
// live in registers: through the caller's references the byte stores into flag made the
// compiler reload every pointer and parameter for each membership.
// kBatch: the uniforms come from DrawPath::uniforms a block at a time, and h > 0 and beta is
// finite (draw's first two tests are then known to fail). The memberships whose
// draw can come up (active, not vetoed, uniform below h) are gathered without a branch first:
// a branch per membership on its uniform would be mispredicted once in 1/h. kAllied: some state
// is in a coordinated alliance (else no membership is vetoed, and the alliances go unread).
template <bool kBatch, bool kAllied, typename Utility>
void decideRange(const IndividualDraws in, const Utility utility, std::uint32_t begin,
                 std::uint32_t end) {
    if constexpr (kBatch) {
        double x[kDrawBlock];
        std::uint32_t candidate[kDrawBlock];
        const double h = in.h;
        for (auto b = begin; b < end; b += kDrawBlock) {
            const auto e = std::min(end, b + kDrawBlock);
            in.uniforms(in.step_hash, Purpose::decision, b, e - b, x);
            std::uint32_t n = 0;
            for (auto m = b; m < e; ++m) {
                in.flag[m] = 0;
                candidate[n] = m;
                bool can = isActive(static_cast<MembershipStatus>(in.status[m])) & (x[m - b] < h);
                if constexpr (kAllied) {
                    const auto a = in.alliance[in.state_of[m]];
                    can &= (a == kNone) | (a == in.institution_of[m]);  // else the solo-exit veto
                }
                n += can;
            }
            for (std::uint32_t k = 0; k < n; ++k) {
                const auto m = candidate[k];
                const double u = utility(m);
                in.flag[m] = !std::isinf(u) && x[m - b] < h / (1.0 + pmath::exp(in.beta * u));
            }
        }
        return;
    }
    for (auto m = begin; m < end; ++m) {
        bool f = false;
        if (isActive(static_cast<MembershipStatus>(in.status[m]))) {
            const auto a = in.alliance[in.state_of[m]];
            if (a == kNone || a == in.institution_of[m])  // else the solo-exit veto
                f = draw(
                    in.h, in.beta, [&] { return decidingUtility(utility, m); },
                    [&] { return RandomStream(in.step_hash, m, Purpose::decision).uniform(); });
        }
        in.flag[m] = f;
    }
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

bool coordinatesExits(const StepContext& ctx, InstitutionIndex a) {
    return ctx.scenario.institutions[a].coordinated_exit &&
           ctx.now.phase[a] == std::uint8_t(InstitutionPhase::active);
}

void markAlliances(StepContext& ctx) {
    const auto& topo = ctx.topology;
    auto& alliance_of = ctx.scratch.alliance_of;
    std::fill(alliance_of.begin(), alliance_of.end(), kNone);
    ctx.scratch.any_alliance = false;
    for (InstitutionIndex a = 0; a < topo.institution_count; ++a) {
        if (!coordinatesExits(ctx, a)) continue;
        for (auto k = topo.institution_first_membership[a];
             k < topo.institution_first_membership[a + 1]; ++k) {
            const auto m = topo.institution_memberships[k];
            const auto i = topo.membership_state[m];
            if (isActive(static_cast<MembershipStatus>(ctx.now.status[m])) &&
                alliance_of[i] == kNone) {
                alliance_of[i] = a;
                ctx.scratch.any_alliance = true;
            }
        }
    }
}

void decideExits(StepContext& ctx) {
    const auto& topo = ctx.topology;
    const auto& now = ctx.now;
    const auto& utility = ctx.scratch.utility;
    const auto& alliance_of = ctx.scratch.alliance_of;

    const auto step_hash = RngKey::stepHash(ctx.seed, ctx.replicate, ctx.step);

    // Individual decisions: every active membership outside the coordination of an alliance.
    // Each draw depends on m alone, so they run in parallel; the announcements (and so the
    // event log) then follow in membership order.
    // The SIMD paths draw a block's uniforms together; the scalar one draws only those used,
    // since for it a uniform costs the same alone.
    const auto& p = ctx.scenario.model;
    const auto& draws = drawPath();
    const bool batch = draws.lanes && p.hazard_cap > 0 && !std::isinf(p.decision_sharpness);
    const bool allied = ctx.scratch.any_alliance;
    const IndividualDraws in{now.status.data(),
                             topo.membership_state.data(),
                             topo.membership_institution.data(),
                             alliance_of.data(),
                             ctx.scratch.announces.data(),
                             draws.uniforms,
                             step_hash,
                             p.hazard_cap,
                             p.decision_sharpness};
    const auto decide = [&](const auto u) {
        forEachRange(topo.membershipCount(), kParallelGrain, [&](std::size_t b, std::size_t e) {
            if (!batch)
                decideRange<false, true>(in, u, std::uint32_t(b), std::uint32_t(e));
            else if (allied)
                decideRange<true, true>(in, u, std::uint32_t(b), std::uint32_t(e));
            else
                decideRange<true, false>(in, u, std::uint32_t(b), std::uint32_t(e));
        });
    };
    if (eagerUtilities())
        decide(StoredUtility{utility.data()});
    else
        utility_kernel::withKernel(ctx, decide);
    forEachFlagged(ctx.scratch.announces,
                   [&](std::uint32_t m) { announce(ctx, m, EventCause::utility); });

    // Joint declarations, alliance by alliance, institution by institution.
    for (InstitutionIndex a = 0; a < topo.institution_count; ++a) {
        if (!coordinatesExits(ctx, a)) continue;
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
            const double mean = leaver_utility / leavers;
            if (!draw(
                    p.hazard_cap, p.decision_sharpness, [&] { return mean; },
                    [&] { return RandomStream(step_hash, entity, Purpose::decision).uniform(); }))
                continue;
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
