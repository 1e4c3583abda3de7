#pragma once
// Regime-dependent baselines (amendment 6 of the brief): sovereignty and alignment revert to
// the state's civilian baseline, shifted while it is under military rule. Inline: phases 3
// and 4 call them once per state and axis.

#include <algorithm>

#include "dynamics/phases.hpp"

namespace regsim {

inline double sovereigntyBaseline(const StepContext& ctx, StateIndex i) {
    const double base = ctx.topology.state_sovereignty_baseline[ctx.topology.stateRow(i)];
    if (ctx.now.regime[i] != std::uint8_t(Regime::military)) return base;
    return std::clamp(base + ctx.scenario.model.military_sovereignty_shift, 0.0, 1.0);
}

inline double alignmentBaseline(const StepContext& ctx, StateIndex i, AxisIndex d) {
    const double base =
        ctx.topology.state_alignment_baseline[std::size_t(ctx.topology.stateRow(i)) *
                                                  ctx.topology.axis_count +
                                              d];
    const auto& shift = ctx.scenario.model.military_alignment_shift;
    if (ctx.now.regime[i] != std::uint8_t(Regime::military) || shift.empty()) return base;
    return std::clamp(base + shift[d], -1.0, 1.0);
}

}  // namespace regsim
