#pragma once
// The regime-dependent alignment baseline (amendment 6 of the brief): alignment reverts to the
// state's civilian baseline, shifted while it is under military rule. Inline: phase 3's scalar
// update calls it once per state and axis. (Phase 4's sovereignty baseline and
// alignment_lanes.hpp compute the same rule on their hoisted inputs.)

#include <algorithm>

#include "dynamics/phases.hpp"

namespace regsim {

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
