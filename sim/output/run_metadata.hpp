#pragma once
// RunMetadata: what a run file records about the run besides its results (docs/output.md,
// "Provenance"). Filled by the run layer; the scenario must outlive the writer.

#include <cstdint>
#include <string>

#include "core/scenario.hpp"
#include "record/run_result.hpp"

namespace regsim {

struct RunMetadata {
    const Scenario* scenario = nullptr;  // ids, names, axes, patrons, start month, source
    RecordConfig record;                 // trajectories on/off, every k steps
    std::uint32_t replicates = 0;        // resolved (after --replicates)
    std::uint32_t steps = 0;             // resolved (after --steps)
    std::uint64_t seed = 0;
    std::string parameters_json;  // every resolved parameter, from the scenario layer
    std::string command_line;
    std::string working_directory;  // where command_line ran: its relative paths start there
    std::string version;
    std::string git_commit;
    std::string started_at;  // UTC ISO 8601
    // How often written replicates are flushed to disk, so that a killed run leaves a
    // readable .part. 0 = after every replicate (slow: each flush writes partial chunks).
    double flush_interval_seconds = 5.0;
    // Helper threads that compress finished chunks while the writer thread goes on (0: the
    // writer thread compresses). The file is the same for any number.
    unsigned compression_threads = 1;
};

}  // namespace regsim
