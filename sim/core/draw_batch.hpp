#pragma once
// Random draws for a run of consecutive entities at once: the values RandomStream(step_hash,
// first + k, purpose) gives, bit for bit, computed in SIMD lanes where the CPU allows.
//
// Why: phase 3 draws a Box-Muller pair per state and phase 6 a uniform per membership; one
// stream at a time these cost about a fifth of the full model's step (docs/performance.md,
// "Full model step"). In lanes, 4 (AVX2) or 8 (AVX-512) streams advance together.
//
// Paths: the scalar one is RandomStream itself, the reference and the fallback; the others
// run core/draw_lanes.hpp's lane arithmetic, compiled for AVX2 or AVX-512 (F, DQ, VL) by
// function attributes in draw_batch.cpp, so the rest of the build stays baseline x86-64 and
// runs anywhere. drawPath() picks the widest the running CPU supports, once. Each path gives
// the scalar bits on every input the draws produce (draw_lanes.hpp says why;
// tests/core/draw_batch_test.cpp checks every path this CPU can run).
//
// REGSIM_DRAW_PATH=scalar (or avx2, avx512) in the environment forces a path, to compare
// whole runs across paths on one machine.

#include <cstdint>
#include <span>

#include "core/rng.hpp"

namespace regsim {

struct DrawPath {
    const char* name;
    bool (*supported)();  // can the running CPU execute this path
    bool lanes;           // computes several streams at once (not the scalar reference)

    // The normals of draw pair `pair` of streams first .. first + count - 1: for entity
    // first + k, first_out[k] and second_out[k] are its stream's normal() calls number
    // 2 pair + 1 and 2 pair + 2 (r cos theta and r sin theta of one Box-Muller pair).
    void (*normal_pairs)(std::uint64_t step_hash, Purpose purpose, std::uint64_t first,
                         std::uint32_t count, std::uint32_t pair, double* first_out,
                         double* second_out);

    // out[k]: the first uniform() of entity first + k's stream.
    void (*uniforms)(std::uint64_t step_hash, Purpose purpose, std::uint64_t first,
                     std::uint32_t count, double* out);

    // boxMuller(u1[k], u2[k]) for k < count, for u1 in (0, 1] and u2 in [0, 1) multiples of
    // 2^-53 (what normal_pairs computes from the streams' uniforms; exposed for the tests).
    void (*box_muller)(const double* u1, const double* u2, std::uint32_t count, double* first_out,
                       double* second_out);
};

// Every compiled path, the scalar reference first (some may not run on this CPU).
std::span<const DrawPath> drawPaths();

// The path the phases use: the widest the CPU supports, or REGSIM_DRAW_PATH's. Chosen once.
const DrawPath& drawPath();

}  // namespace regsim
