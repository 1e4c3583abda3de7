#pragma once
// Simulation: runs replicates of one scenario. Built once per worker thread from the shared,
// read-only Scenario and Topology; run() reuses its buffers, so replicates after the first
// allocate only for their RunResult. The model core does no I/O: results go to a RunResult
// that writers consume (output/).

#include <cstdint>
#include <memory>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "dynamics/frontier_cascade.hpp"
#include "dynamics/phases.hpp"
#include "graph/topology.hpp"
#include "record/run_result.hpp"

namespace regsim {

// Which step engine runs a replicate. `automatic` takes the frontier engine wherever it
// applies (frontierApplies); `general` forces the per-step engine (tests compare the two).
enum class Engine { automatic, general };

class Simulation {
  public:
    Simulation(const Scenario& scenario, const Topology& topology,
               Engine engine = Engine::automatic);

    // Runs replicate `replicate` seeded by (seed, replicate) for `steps` steps into `out`.
    void run(std::uint64_t seed, std::uint32_t replicate, std::uint32_t steps,
             const RecordConfig& record, RunResult& out);

    // The initial world (t = 0) of any replicate; empty when the frontier engine runs (it keeps
    // no world state).
    const WorldState& initialState() const { return initial_; }

  private:
    void record(const WorldState& w, std::size_t slot, RunResult& out) const;

    const Scenario& scenario_;
    const Topology& topology_;
    WorldState initial_;
    WorldState now_, next_;
    StepScratch scratch_;
    RunTracker tracker_;
    // Phase 5's running counts for initial_, computed once: each run starts from a copy rather
    // than recounting (a recount reads every peer entry, about 60 ms at N = 1e6).
    PeerCounts initial_peer_counts_;
    ClubTotals initial_club_totals_;
    // Event-driven engine for scenarios that reduce to a threshold cascade (docs/performance.md);
    // it gives the same RunResult as the general step, bit for bit (tests/dynamics/frontier_test).
    std::unique_ptr<FrontierCascade> frontier_;
};

// Builds the t = 0 world from the scenario.
WorldState initialWorld(const Scenario& scenario, const Topology& topology);

}  // namespace regsim
