// Phase 4: sovereignty (docs/model.md, "Submodel 4"):
//   s_i(t+1) = clamp(s_i + rho * (baseline_i - s_i) + rally * [sanctioned_i] * (1 - s_i), 0, 1)
// "Sanctioned" means under a sanction or a suspension by at least one institution; it counts
// once per step however many bodies act (amendment 6 of the brief).

#include <algorithm>

#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

namespace {

// Phase 4's inputs as plain pointers and values, passed by value so that they stay in
// registers: through ctx, the byte store into `sanctioned` made the compiler reload every one
// of them for each state.
struct SovereigntyInputs {
    const std::uint32_t* first_membership;  // [i]
    const std::uint8_t* status;             // [m]
    const double* sanction;                 // [m]
    const double* sovereignty;              // [i] at t
    const double* baseline;                 // [row]
    std::uint32_t last_state_row;
    const std::uint8_t* regime;  // [i]
    std::uint8_t* sanctioned;    // [i] out
    double* next;                // [i] out: sovereignty at t + 1
    double reversion, rally, military_shift;
    bool moves;  // reversion or rally nonzero
};

void sovereigntyRange(const SovereigntyInputs in, std::uint32_t begin, std::uint32_t end) {
    for (std::uint32_t i = begin; i < end; ++i) {
        std::uint8_t hit = 0;
        for (auto m = in.first_membership[i]; m < in.first_membership[i + 1]; ++m) {
            const auto s = static_cast<MembershipStatus>(in.status[m]);
            if (belongs(s) && (in.sanction[m] > 0 || s == MembershipStatus::suspended)) hit = 1;
        }
        in.sanctioned[i] = hit;
        if (!in.moves) continue;
        // The baseline, shifted under military rule (amendment 6 of the brief).
        double base = in.baseline[std::min(i, in.last_state_row)];
        if (in.regime[i] == std::uint8_t(Regime::military))
            base = std::clamp(base + in.military_shift, 0.0, 1.0);
        const double s = in.sovereignty[i];
        const double v = s + in.reversion * (base - s) + in.rally * hit * (1.0 - s);
        in.next[i] = std::clamp(v, 0.0, 1.0);
    }
}

}  // namespace

bool sovereigntyMoves(const ModelParams& p) { return p.sovereignty_reversion != 0 || p.rally != 0; }

void updateSovereignty(StepContext& ctx) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const SovereigntyInputs in{topo.state_first_membership.data(),
                               ctx.now.status.data(),
                               ctx.now.sanction.data(),
                               ctx.now.sovereignty.data(),
                               topo.state_sovereignty_baseline.data(),
                               topo.last_state_row,
                               ctx.now.regime.data(),
                               ctx.scratch.sanctioned.data(),
                               ctx.next.sovereignty.data(),
                               p.sovereignty_reversion,
                               p.rally,
                               p.military_sovereignty_shift,
                               sovereigntyMoves(p)};
    forEachRange(topo.state_count, kParallelGrain, [&](std::size_t b, std::size_t e) {
        sovereigntyRange(in, std::uint32_t(b), std::uint32_t(e));
    });
}

}  // namespace regsim
