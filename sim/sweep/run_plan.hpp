#pragma once
// Run plan of a sweep (docs/sweeps.md, "Runs"): the runs are (point, replicate) for every point
// of the design; run r of a file holding points first .. first+count-1 is local point r / R,
// replicate r % R. Each point's simulation seed is pointSeed(seed, global point), so a run's
// result depends only on (seed, point, replicate): never on threads, shards or resumption.

#include <cstdint>

#include "core/rng.hpp"

namespace regsim {

// Seed handed to Simulation::run for every replicate of `point`.
inline constexpr std::uint64_t pointSeed(std::uint64_t seed, std::uint64_t point) {
    return mix64(mix64(seed) ^ mix64(point + 0x53574545500000ull));  // "SWEEP" tag
}

// Contiguous block of points: [first, first + count).
struct PointRange {
    std::uint64_t first = 0;
    std::uint64_t count = 0;
};

// Shard `index` (0-based) of `count` shards: points [floor(P k / N), floor(P (k+1) / N)).
// Blocks differ in size by at most one point; a shard may be empty when N > P.
PointRange shardPoints(std::uint64_t points, std::uint32_t index, std::uint32_t count);

}  // namespace regsim
