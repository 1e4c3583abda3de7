#pragma once
// runSweep: runs a list of (point, replicate) runs in parallel with oneTBB and hands each
// result to a sink. Workers take runs from one shared counter (so they finish roughly in list
// order and the writer's reorder buffer stays small) and keep one Simulation per point they
// are working on. Each point's Scenario and Topology are built lazily, once, by the first
// worker that needs them, and dropped when its last run has started.

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/scenario.hpp"
#include "record/run_result.hpp"

namespace regsim {

struct SweepJob {
    std::uint64_t seed = 1;        // the sweep's simulation seed; runs use pointSeed(seed, p)
    std::uint32_t replicates = 1;  // per point
    std::uint32_t steps = 1;
    RecordConfig record;
    int threads = 0;                // 0 = all cores
    std::uint64_t point_first = 0;  // global index of local point 0
    // Local run indices (local point * replicates + replicate), ascending.
    std::vector<std::uint64_t> runs;
    // The scenario of a global point (may throw; the error stops the sweep and is rethrown).
    std::function<Scenario(std::uint64_t point)> scenario_for;
};

// Called from worker threads, possibly concurrently: `seq` is the run's position in job.runs;
// result.replicate is the replicate index.
using SweepSink = std::function<void(std::uint64_t seq, RunResult&& result)>;

// Returns the number of runs completed: fewer than job.runs.size() only if `stop` became true.
std::uint64_t runSweep(const SweepJob& job, const SweepSink& sink,
                       const std::atomic<bool>* stop = nullptr);

}  // namespace regsim
