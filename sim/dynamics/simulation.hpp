#pragma once
// Simulation: runs replicates of one scenario. Built once per worker thread from the shared,
// read-only Scenario and Topology; run() reuses its buffers, so replicates after the first
// allocate only for their RunResult. The model core does no I/O: results go to a RunResult
// that writers consume (output/).

#include <cstdint>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "dynamics/phases.hpp"
#include "graph/topology.hpp"
#include "record/run_result.hpp"

namespace regsim {

class Simulation {
  public:
    Simulation(const Scenario& scenario, const Topology& topology);

    // Runs replicate `replicate` seeded by (seed, replicate) for `steps` steps into `out`.
    void run(std::uint64_t seed, std::uint32_t replicate, std::uint32_t steps,
             const RecordConfig& record, RunResult& out);

    // The initial world (t = 0) of any replicate.
    const WorldState& initialState() const { return initial_; }

  private:
    void record(const WorldState& w, std::size_t slot, RunResult& out) const;

    const Scenario& scenario_;
    const Topology& topology_;
    WorldState initial_;
    WorldState now_, next_;
    StepScratch scratch_;
    RunTracker tracker_;
};

// Builds the t = 0 world from the scenario.
WorldState initialWorld(const Scenario& scenario, const Topology& topology);

}  // namespace regsim
