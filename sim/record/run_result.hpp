#pragma once
// RunResult: everything one replicate produced, as plain arrays in memory. The dynamics fill
// it; writers (output/) consume it. No HDF5 here (docs/output.md maps each field to a
// dataset).

#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "core/scenario.hpp"
#include "record/event_log.hpp"

namespace regsim {

// What to record and how often (docs/output.md).
struct RecordConfig {
    bool trajectories = true;  // sovereignty, alignment, regime, status per step
    std::uint32_t every = 1;   // record steps 0, every, 2*every, ..., and always the last
};

// Steps that are recorded for a run of `steps` steps: 0, k, 2k, ..., steps.
std::vector<std::uint32_t> recordedSteps(std::uint32_t steps, std::uint32_t every);

struct RunResult {
    std::uint32_t replicate = 0;
    // Trajectories, row-major; empty when RecordConfig::trajectories is false.
    std::vector<double> sovereignty;   // [time][state]
    std::vector<double> alignment;     // [time][state][axis]
    std::vector<std::uint8_t> regime;  // [time][state], Regime
    std::vector<std::uint8_t> status;  // [time][state][institution], MembershipStatus
    // Summaries, always present.
    std::vector<std::int32_t> announce_step;  // [state][institution]; first announcement or -1
    std::vector<std::int32_t> exit_step;      // [state][institution]; exit step or -1
    std::vector<std::uint8_t> final_status;   // [state][institution]
    std::vector<std::int32_t> dissolve_step;  // [institution]; -1 if never
    std::vector<std::int32_t> found_step;     // [institution]; 0 if active from the start, -1 never
    std::vector<std::int32_t> cascade_size;   // [institution]; states that exited by the end
    EventLog events;                          // in order of step, then phase, then index
};

// FNV-1a over the bytes of every array of a run and its event log: two runs have the same
// fingerprint when they are the same bit for bit (up to hash collisions). Benchmarks and tests
// pin it so that an optimisation which changes a result cannot go unnoticed.
std::uint64_t fingerprint(const RunResult& run);

}  // namespace regsim
