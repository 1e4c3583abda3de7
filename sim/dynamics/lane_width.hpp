#pragma once
// Which SIMD lane width phase 3 runs in (alignment_lanes.hpp): 8 with AVX-512, 4 with AVX2, 0
// (the scalar update) otherwise. It follows the batched draws' path (core/draw_batch.hpp: the
// CPU's widest, or REGSIM_DRAW_PATH's), so REGSIM_DRAW_PATH=scalar runs the scalar update.
// Every width gives the same bits. (Phase 5 in lanes was tried and was no faster than its
// scalar loop: docs/performance.md.)

#include <cstdint>

namespace regsim {

std::uint32_t laneWidth();

// For tests: force the width (0 = scalar); false, and nothing changed, if this CPU cannot run
// it. -1 restores the default.
bool forceLaneWidth(int width);

}  // namespace regsim
