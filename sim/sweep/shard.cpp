#include "sweep/shard.hpp"

#include <cstdlib>
#include <stdexcept>

#include "sweep/run_plan.hpp"

namespace regsim {
namespace {

std::int64_t parseInt(const std::string& s, const std::string& what) {
    if (s.empty()) throw std::invalid_argument(what + " is empty");
    std::size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != s.size()) throw std::invalid_argument(what + " is not an integer: '" + s + "'");
    return v;
}

ShardId checked(std::int64_t k, std::int64_t n, const std::string& from) {
    if (n < 1 || n > 1'000'000) {
        throw std::invalid_argument(from + ": shard count must be in 1..1000000, got " +
                                    std::to_string(n));
    }
    if (k < 0 || k >= n) {
        throw std::invalid_argument(from + ": shard index must be in 0.." + std::to_string(n - 1) +
                                    " (0-based), got " + std::to_string(k));
    }
    return {static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(n)};
}

}  // namespace

PointRange shardPoints(std::uint64_t points, std::uint32_t index, std::uint32_t count) {
    __extension__ using Wide = unsigned __int128;
    const auto at = [&](std::uint64_t k) {
        return static_cast<std::uint64_t>(static_cast<Wide>(points) * k / count);
    };
    return {at(index), at(index + 1) - at(index)};
}

ShardId parseShard(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) {
        throw std::invalid_argument("--shard expects K/N (K 0-based) or auto, got '" + text + "'");
    }
    return checked(parseInt(text.substr(0, slash), "--shard K"),
                   parseInt(text.substr(slash + 1), "--shard N"), "--shard " + text);
}

ShardId shardFromEnvironment(const EnvLookup& lookup) {
    const auto get = [&](const char* name) -> std::string {
        const char* v = lookup ? lookup(name) : std::getenv(name);
        return v ? std::string(v) : std::string();
    };
    if (!get("SLURM_ARRAY_TASK_ID").empty()) {
        const auto id = parseInt(get("SLURM_ARRAY_TASK_ID"), "SLURM_ARRAY_TASK_ID");
        const auto min = get("SLURM_ARRAY_TASK_MIN").empty()
                             ? 0
                             : parseInt(get("SLURM_ARRAY_TASK_MIN"), "SLURM_ARRAY_TASK_MIN");
        const auto n = parseInt(get("SLURM_ARRAY_TASK_COUNT"), "SLURM_ARRAY_TASK_COUNT");
        return checked(id - min, n, "Slurm array task");
    }
    if (!get("PBS_ARRAY_INDEX").empty()) {
        const auto id = parseInt(get("PBS_ARRAY_INDEX"), "PBS_ARRAY_INDEX");
        const auto first = get("REGSIM_SHARD_FIRST").empty()
                               ? 0
                               : parseInt(get("REGSIM_SHARD_FIRST"), "REGSIM_SHARD_FIRST");
        if (get("REGSIM_SHARD_COUNT").empty()) {
            throw std::invalid_argument(
                "PBS array task: set REGSIM_SHARD_COUNT (qsub -v REGSIM_SHARD_COUNT=N)");
        }
        return checked(id - first, parseInt(get("REGSIM_SHARD_COUNT"), "REGSIM_SHARD_COUNT"),
                       "PBS array task");
    }
    if (!get("SGE_TASK_ID").empty() && get("SGE_TASK_ID") != "undefined") {
        const auto id = parseInt(get("SGE_TASK_ID"), "SGE_TASK_ID");
        const auto first = parseInt(get("SGE_TASK_FIRST"), "SGE_TASK_FIRST");
        const auto last = parseInt(get("SGE_TASK_LAST"), "SGE_TASK_LAST");
        const auto step =
            get("SGE_TASK_STEPSIZE").empty() || get("SGE_TASK_STEPSIZE") == "undefined"
                ? 1
                : parseInt(get("SGE_TASK_STEPSIZE"), "SGE_TASK_STEPSIZE");
        if (step < 1) throw std::invalid_argument("SGE_TASK_STEPSIZE must be >= 1");
        return checked((id - first) / step, (last - first) / step + 1, "SGE array task");
    }
    if (!get("REGSIM_SHARD").empty()) return parseShard(get("REGSIM_SHARD"));
    throw std::invalid_argument(
        "--shard auto: no array task found (SLURM_ARRAY_TASK_ID, PBS_ARRAY_INDEX, SGE_TASK_ID "
        "or REGSIM_SHARD)");
}

}  // namespace regsim
