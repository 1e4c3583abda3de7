#pragma once
// RunResult: everything one replicate produced, as plain arrays in memory. The dynamics fill
// it; writers (output/) consume it. No HDF5 here (docs/output.md maps each field to a
// dataset).

#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "core/scenario.hpp"

namespace regsim {

// Why an event happened: the mechanism that produced it (docs/model.md, "Observation").
enum class EventCause : std::uint8_t {
    scheduled = 0,          // a dated [[event]] of the scenario
    utility = 1,            // the state's own decision (phase 6) or rescind (phase 7)
    joint_declaration = 2,  // coordinated exit or rescind of an alliance's members
    democracy_clause = 3,   // suspension or reinstatement under the clause
    notice_elapsed = 4,     // the exit took effect after T_j months
    quorum = 5,             // dissolution below quorum
    dissolution = 6,        // a membership ended because its institution dissolved
    founding = 7,           // a latent bloc was founded / a founder joined
};
inline constexpr int kEventCauseCount = 8;
const char* eventCauseName(EventCause cause);

struct EventRecord {
    std::uint32_t step = 0;  // step at which the event takes effect (0..steps)
    EventKind kind = EventKind::announce;
    EventCause cause = EventCause::utility;
    StateIndex state = kNone;
    InstitutionIndex institution = kNone;
    PatronIndex patron = kNone;
    double value = 0.0;  // kind-specific: engagement, sanction strength, parameter value
};

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
    std::vector<EventRecord> events;          // in order of step, then phase, then index
};

// FNV-1a over the bytes of every array of a run and its event log: two runs have the same
// fingerprint when they are the same bit for bit (up to hash collisions). Benchmarks and tests
// pin it so that an optimisation which changes a result cannot go unnoticed.
std::uint64_t fingerprint(const RunResult& run);

}  // namespace regsim
