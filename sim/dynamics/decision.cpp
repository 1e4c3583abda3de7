// Phase 6: the exit decision (docs/model.md, "Submodel 6").
// Individual: announce with probability h / (1 + exp(beta * U_ij)); beta = inf means
// "announce iff U_ij < 0" (strictly) and h = 0 means never.
// Coordinated (amendment 4 of the brief): members of an active alliance with
// coordinated_exit never leave another institution j alone; once a share q of the alliance's
// members in j would leave (U < 0), all of them announce together (a joint declaration),
// with probability h / (1 + exp(beta * mean U of those that would leave)).
// The individual draws' uniforms are computed a block of memberships at a time in SIMD lanes
// where the CPU has them (core/draw_batch.hpp), the same bits as each membership's own
// RandomStream; a uniform no decision reads is simply unused.

#include <algorithm>
#include <cmath>

#include "core/draw_batch.hpp"
#include "core/portable_math.hpp"
#include "core/rng.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

namespace {

constexpr std::uint32_t kDrawBlock = 256;  // memberships whose uniforms are drawn at once

// Whether a draw with utility u announces. uniform() gives the draw's uniform in [0, 1): its
// stream's first, called only when the outcome depends on it.
// h and beta by value: callers keep them in registers across their byte stores.
template <typename Uniform>
bool draw(double h, double beta, double u, Uniform&& uniform) {
    if (h <= 0) return false;
    if (std::isinf(beta)) return u < 0;
    const double x = uniform();
    // prob = h / (1 + exp(beta u)) <= h (a divisor >= 1, correctly rounded): most draws are
    // settled without the exp, with the same outcome.
    if (x >= h) return false;
    return x < h / (1.0 + pmath::exp(beta * u));
}

// What the individual draws of phase 6 read and write, as plain pointers and values.
struct IndividualDraws {
    const std::uint8_t* status;           // [m]
    const double* utility;                // [m]
    const std::uint32_t* state_of;        // [m]
    const std::uint32_t* institution_of;  // [m]
    const StateIndex* alliance;           // [i]
    std::uint8_t* flag;                   // [m] out: the draw came up
    decltype(DrawPath::uniforms) uniforms;
    std::uint64_t step_hash;
    double h, beta;
};

// Individual decisions of memberships [begin, end) into in.flag. Called with the inputs by
// value so that they live in registers: through the caller's references the byte stores into
// flag made the compiler reload every pointer and parameter for each membership.
// kBatch: the uniforms come from DrawPath::uniforms a block at a time, and h > 0 and beta is
// finite (draw's first two tests are then known to fail).
template <bool kBatch>
void decideRange(const IndividualDraws in, std::uint32_t begin, std::uint32_t end) {
    double x[kDrawBlock];
    for (auto b = begin; b < end; b += kDrawBlock) {
        const auto e = std::min(end, b + kDrawBlock);
        if (kBatch) in.uniforms(in.step_hash, Purpose::decision, b, e - b, x);
        for (auto m = b; m < e; ++m) {
            bool f = false;
            const double u = in.utility[m];
            if (isActive(static_cast<MembershipStatus>(in.status[m])) && !std::isinf(u)) {
                const auto a = in.alliance[in.state_of[m]];
                if (a == kNone || a == in.institution_of[m]) {  // else the solo-exit veto
                    if constexpr (kBatch) {
                        const double h = in.h, y = x[m - b];
                        f = y < h && y < h / (1.0 + pmath::exp(in.beta * u));
                    } else {
                        f = draw(in.h, in.beta, u, [&] {
                            return RandomStream(in.step_hash, m, Purpose::decision).uniform();
                        });
                    }
                }
            }
            in.flag[m] = f;
        }
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
    // The SIMD paths draw a block's uniforms together; the scalar one draws only those used,
    // since for it a uniform costs the same alone.
    const auto& p = ctx.scenario.model;
    const auto& draws = drawPath();
    const bool batch = draws.lanes && p.hazard_cap > 0 && !std::isinf(p.decision_sharpness);
    const IndividualDraws in{now.status.data(),
                             utility.data(),
                             topo.membership_state.data(),
                             topo.membership_institution.data(),
                             alliance_of.data(),
                             ctx.scratch.announces.data(),
                             draws.uniforms,
                             step_hash,
                             p.hazard_cap,
                             p.decision_sharpness};
    forEachRange(topo.membershipCount(), kParallelGrain, [&](std::size_t begin, std::size_t end) {
        if (batch)
            decideRange<true>(in, std::uint32_t(begin), std::uint32_t(end));
        else
            decideRange<false>(in, std::uint32_t(begin), std::uint32_t(end));
    });
    forEachFlagged(ctx.scratch.announces,
                   [&](std::uint32_t m) { announce(ctx, m, EventCause::utility); });

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
            if (!draw(p.hazard_cap, p.decision_sharpness, leaver_utility / leavers,
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
