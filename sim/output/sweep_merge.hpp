#pragma once
// regsim merge: shard files of one sweep -> one file, dataset for dataset identical to the
// file a single process would have written (docs/sweeps.md, "Merging shards").

#include <stdexcept>
#include <string>
#include <vector>

namespace regsim {

struct MergeOptions {
    std::vector<std::string> shards;
    std::string output;
    bool virtual_datasets = false;  // HDF5 virtual datasets over the shards instead of copies
    bool force = false;
    std::string command_line, working_directory, version, git_commit, started_at;
};

// Shards that do not make one complete sweep, an output that exists (or its .part, without
// --force), or an output that is one of the shards: bad input (exit 2).
struct MergeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Checks that the shards belong to one sweep (same sweep_hash and shard_count, each complete,
// their point ranges tiling 0 .. points_total - 1 without gap or overlap), then writes OUTPUT.
void mergeSweepShards(const MergeOptions& options);

}  // namespace regsim
