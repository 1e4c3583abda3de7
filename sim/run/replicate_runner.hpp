#pragma once
// runReplicates: runs replicates of one scenario in parallel (oneTBB) and hands each finished
// RunResult to a sink. Workers take replicate indices from one shared counter, so replicates
// finish roughly in order and the writer's reorder buffer stays small. Each replicate is
// seeded from (seed, replicate) alone: no result depends on which thread ran it.

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/scenario.hpp"
#include "graph/topology.hpp"
#include "record/run_result.hpp"

namespace regsim {

struct RunOptions {
    std::uint64_t seed = 1;
    std::uint32_t first_replicate = 0;
    std::uint32_t replicates = 1;
    std::uint32_t steps = 1;
    int threads = 0;  // 0 = all cores
    RecordConfig record;
};

// Called from worker threads, possibly concurrently; must be thread-safe and may block.
using ResultSink = std::function<void(RunResult&&)>;

// Returns the number of replicates run: fewer than asked only if `stop` became true.
std::uint32_t runReplicates(const Scenario& scenario, const Topology& topology,
                            const RunOptions& options, const ResultSink& sink,
                            const std::atomic<bool>* stop = nullptr);

}  // namespace regsim
