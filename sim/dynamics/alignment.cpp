// Phase 3: alignment (docs/model.md, "Submodel 3"):
//   a_i(t+1) = clamp(a_i + mu * peer pull + nu * sum_p e_pi (o_p - a_i)
//                    + eta * mean_j (o_j - a_i) + r * (baseline_i - a_i) + sigma * N(0,1))
// The peer pull is the weighted mean of (a_k - a_i) over influence neighbours k, restricted to
// |a_k - a_i| < epsilon when bounded confidence is on (Deffuant/Hegselmann-Krause).

#include <algorithm>
#include <cmath>

#include "core/rng.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

namespace {

double distance(const double* a, const double* b, std::uint32_t d) {
    double sum = 0.0;
    for (std::uint32_t k = 0; k < d; ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
    return std::sqrt(sum);
}

}  // namespace

void updateAlignment(StepContext& ctx) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto& now = ctx.now;
    auto& next = ctx.next;
    const std::uint32_t D = topo.axis_count;
    const bool any = p.peer_alignment_rate != 0 || p.patron_pull != 0 || p.institution_pull != 0 ||
                     p.alignment_reversion != 0 || p.alignment_noise != 0;
    if (!any) return;  // next already holds a copy of now
    const auto inf = topo.influence.view();
    const bool bounded = std::isfinite(p.confidence_bound);
    forEachIndex(topo.state_count, [&](std::uint32_t i) {
        const double* ai = &now.alignment[std::size_t(i) * D];
        double* out = &next.alignment[std::size_t(i) * D];
        constexpr std::uint32_t kMaxAxes = 16;  // checked by the loader
        double delta[kMaxAxes] = {};
        if (p.peer_alignment_rate != 0) {
            double wsum = 0.0;
            double pull[kMaxAxes] = {};
            for (auto e = inf.begin(i); e < inf.end(i); ++e) {
                const double* ak = &now.alignment[std::size_t(inf.targets[e]) * D];
                if (bounded && distance(ak, ai, D) >= p.confidence_bound) continue;
                const double w = inf.weights[e].weight;
                wsum += w;
                for (std::uint32_t d = 0; d < D; ++d) pull[d] += w * (ak[d] - ai[d]);
            }
            if (wsum > 0)
                for (std::uint32_t d = 0; d < D; ++d)
                    delta[d] += p.peer_alignment_rate * pull[d] / wsum;
        }
        if (p.patron_pull != 0) {
            for (std::uint32_t q = 0; q < topo.patron_count; ++q) {
                const double e = now.engagement[std::size_t(q) * topo.state_count + i];
                if (e == 0) continue;
                const auto& o = ctx.scenario.patrons[q].orientation;
                for (std::uint32_t d = 0; d < D; ++d)
                    delta[d] += p.patron_pull * e * (o[d] - ai[d]);
            }
        }
        if (p.institution_pull != 0) {
            double pull[kMaxAxes] = {};
            int count = 0;
            for (auto m = topo.state_first_membership[i]; m < topo.state_first_membership[i + 1];
                 ++m) {
                if (!isActive(static_cast<MembershipStatus>(now.status[m]))) continue;
                const auto& o =
                    ctx.scenario.institutions[topo.membership_institution[m]].orientation;
                for (std::uint32_t d = 0; d < D; ++d) pull[d] += o[d] - ai[d];
                ++count;
            }
            if (count > 0)
                for (std::uint32_t d = 0; d < D; ++d)
                    delta[d] += p.institution_pull * pull[d] / count;
        }
        if (p.alignment_reversion != 0) {
            for (std::uint32_t d = 0; d < D; ++d)
                delta[d] +=
                    p.alignment_reversion * (alignmentBaseline(ctx.scenario, now, i, d) - ai[d]);
        }
        if (p.alignment_noise != 0) {
            RandomStream rng(
                RngKey{ctx.seed, ctx.replicate, ctx.step, i, Purpose::alignment_noise});
            for (std::uint32_t d = 0; d < D; ++d) delta[d] += p.alignment_noise * rng.normal();
        }
        for (std::uint32_t d = 0; d < D; ++d) out[d] = std::clamp(ai[d] + delta[d], -1.0, 1.0);
    });
}

}  // namespace regsim
