#pragma once
// SweepWriter: writes the runs of a sweep (or of one shard of it) to one HDF5 file laid out
// as docs/sweeps.md, "Output" says: data variables with leading (point, replicate) axes,
// dimension scales everywhere (xarray opens it with engine="h5netcdf"), and `run_done`.
//
// Crash safety and resume: the point axis is chunked in blocks of chunkPoints() points and a
// block is written to the file only once, when all of its runs are in, so no chunk that
// reached the disk is ever rewritten (rewriting a compressed chunk moves it, and a kill before
// the next flush could leave the index pointing at reused space). After a block is written the
// file is flushed (at most every flush_interval_seconds), then run_done of its runs is set and
// the file flushed again: run_done = 1 on disk implies the data is on disk. `run_done` itself
// is contiguous and written in place. A killed sweep loses at most the blocks in flight.
//
// The file is PATH.part until finish() renames it. Not thread-safe: feed it from one thread.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "record/run_result.hpp"

namespace regsim {

// A shard file whose block a virtual merged file maps (path relative to the merged file).
struct VirtualSource {
    std::string file;
    std::uint64_t point_first = 0;
    std::uint64_t point_count = 0;
};

struct SweepMetadata {
    // Coordinates.
    std::vector<std::string> state_ids, institution_ids, axis_names, parameter_keys;
    std::vector<std::int32_t> time_steps;  // recorded steps (trajectories only)
    std::vector<std::string> time_months;  // their "YYYY-MM" (auxiliary coordinate month)
    // Display names beside the ids (auxiliary coordinates state_name, institution_name).
    std::vector<std::string> state_names, institution_names;
    bool trajectories = false;
    std::uint32_t record_every = 1;
    std::uint32_t steps = 0;
    std::uint32_t replicates = 0;
    std::uint64_t points_total = 0, point_first = 0, point_count = 0;
    std::vector<std::vector<double>> point_values;  // this file's points: [local point][param]
    // Provenance.
    std::string sweep_text, sweep_path, sweep_hash, scenario_name, scenario_text, scenario_path;
    std::string network_path, network_hash;  // empty unless the scenario reads a network file
    std::string start_month;                 // calendar month of step 0, "YYYY-MM"
    std::string parameters_json, design, command_line, version, git_commit, started_at;
    std::string working_directory;  // where command_line ran
    std::uint64_t seed = 0, design_seed = 0;
    std::uint32_t shard_index = 0, shard_count = 1;
    double flush_interval_seconds = 2.0;
    // Helper threads that encode finished chunks while the writer thread goes on (0: the
    // writer thread encodes). The file is the same for any number.
    unsigned compression_threads = 1;
    // false: every variable goes through HDF5's filter pipeline on the writer thread (slower;
    // the datasets' values and layout are the same: tests compare the two).
    bool encode_chunks = true;
    // Non-empty: data variables are virtual datasets over these files (regsim merge --virtual).
    std::vector<VirtualSource> virtual_sources;
};

// Resuming a .part that belongs to another sweep or shard: bad input (exit 2).
struct SweepFileMismatch : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Resuming a .part that HDF5 cannot open (killed before its first flush): nothing in it can
// be recovered, so the caller may start over.
struct SweepPartUnreadable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// For `regsim sweep --resume` when the output is already finished: throws SweepFileMismatch
// unless PATH holds this sweep's shard (same sweep_hash, shard, point range and replicates), so
// that a finished file of another sweep is never taken for this one's result.
void checkFinishedSweep(const std::string& path, const SweepMetadata& meta);

class SweepWriter {
  public:
    // resume = false: creates PATH.part (truncating one). resume = true: reopens PATH.part,
    // which must have the same sweep_hash, shard and point range (else SweepFileMismatch).
    SweepWriter(const std::string& path, const SweepMetadata& metadata, bool resume);
    // Without finish(): flushes the complete blocks and leaves PATH.part.
    ~SweepWriter();
    SweepWriter(const SweepWriter&) = delete;
    SweepWriter& operator=(const SweepWriter&) = delete;

    std::uint64_t chunkPoints() const;
    // CPU time spent encoding chunks, on the helper threads or, with none, inside write().
    double compressionSeconds() const;
    std::uint64_t totalRuns() const;  // point_count * replicates
    std::uint64_t doneRuns() const;   // run_done = 1 in the file (after resume) or written
    // Local runs (local point * replicates + replicate) still to compute, ascending: every run
    // of each block that is not done.
    std::vector<std::uint64_t> pendingRuns() const;

    // Takes one run (in ascending order of `run` among pendingRuns()).
    void write(std::uint64_t run, const RunResult& result);
    // Requires every run done (a virtual file is done by construction): writes finished_at,
    // then complete = 1, closes and renames PATH.part to PATH.
    void finish();

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace regsim
