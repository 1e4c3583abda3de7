#pragma once
// --shard K/N and --shard auto (docs/sweeps.md, "Shards"). K is 0-based: shards 0/4 .. 3/4.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace regsim {

struct ShardId {
    std::uint32_t index = 0;  // 0-based
    std::uint32_t count = 1;
};

// "K/N" with 0 <= K < N. Throws std::invalid_argument with a message for the user.
ShardId parseShard(const std::string& text);

// From a batch system's array-task variables, looked up with `getenv` (std::getenv by default):
//  - Slurm: K = SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN (MIN defaults to 0),
//           N = SLURM_ARRAY_TASK_COUNT;
//  - PBS Pro / OpenPBS: K = PBS_ARRAY_INDEX - REGSIM_SHARD_FIRST (default 0),
//           N = REGSIM_SHARD_COUNT (PBS has no count variable: pass it with qsub -v);
//  - SGE / UGE: K = (SGE_TASK_ID - SGE_TASK_FIRST) / SGE_TASK_STEPSIZE,
//           N = (SGE_TASK_LAST - SGE_TASK_FIRST) / SGE_TASK_STEPSIZE + 1 (STEPSIZE default 1);
//  - otherwise REGSIM_SHARD="K/N".
// Checked in that order. Throws std::invalid_argument if none is set or a value is bad.
using EnvLookup = std::function<const char*(const char*)>;
ShardId shardFromEnvironment(const EnvLookup& getenv = {});

}  // namespace regsim
