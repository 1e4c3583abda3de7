// Phase 4: sovereignty (docs/model.md, "Submodel 4"):
//   s_i(t+1) = clamp(s_i + rho * (baseline_i - s_i) + rally * [sanctioned_i] * (1 - s_i), 0, 1)
// "Sanctioned" means under a sanction or a suspension by at least one institution; it counts
// once per step however many bodies act (amendment 6 of the brief).

#include <algorithm>

#include "dynamics/baselines.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

void updateSovereignty(StepContext& ctx) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto& now = ctx.now;
    auto& next = ctx.next;
    auto& sanctioned = ctx.scratch.sanctioned;
    forEachIndex(topo.state_count, [&](std::uint32_t i) {
        std::uint8_t hit = 0;
        for (auto m = topo.state_first_membership[i]; m < topo.state_first_membership[i + 1]; ++m) {
            const auto s = static_cast<MembershipStatus>(now.status[m]);
            if (belongs(s) && (now.sanction[m] > 0 || s == MembershipStatus::suspended)) hit = 1;
        }
        sanctioned[i] = hit;
        if (p.sovereignty_reversion == 0 && p.rally == 0) return;
        const double s = now.sovereignty[i];
        const double v = s + p.sovereignty_reversion * (sovereigntyBaseline(ctx, i) - s) +
                         p.rally * hit * (1.0 - s);
        next.sovereignty[i] = std::clamp(v, 0.0, 1.0);
    });
}

}  // namespace regsim
