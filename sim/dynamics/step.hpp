#pragma once
// One step of the model: the only place that knows the order of the phases.

#include "dynamics/phases.hpp"

namespace regsim {

// Advances ctx.now (month t) to ctx.next (month t+1). `next_event` indexes the first
// scheduled event not yet applied.
void step(StepContext& ctx, std::size_t& next_event);

// next = now, array by array and in parallel, without allocating (arrays of equal size), but
// for the arrays that phases 3 and 4 will overwrite whole under these parameters.
void copyWorld(const WorldState& now, WorldState& next, const ModelParams& params);

}  // namespace regsim
