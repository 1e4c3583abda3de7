#pragma once
// Helpers shared by the benchmark executables: wall clock and peak resident memory.

#include <sys/resource.h>

#include <chrono>
#include <cstdint>

namespace regsim::bench {

inline double seconds() {
    using Clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

// Peak resident set size of this process so far, in bytes.
inline std::uint64_t peakRssBytes() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return std::uint64_t(u.ru_maxrss) * 1024;
}

}  // namespace regsim::bench
