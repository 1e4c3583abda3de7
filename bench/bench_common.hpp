#pragma once
// Helpers shared by the benchmark executables: wall clock and peak resident memory.

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

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

// Resident set size of this process now, in bytes (0 if /proc is not there): with the peak it
// tells what a stage keeps from what it only needed while it ran.
inline std::uint64_t currentRssBytes() {
    unsigned long long size = 0, resident = 0;
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (f == nullptr) return 0;
    if (std::fscanf(f, "%llu %llu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
    return resident * std::uint64_t(sysconf(_SC_PAGESIZE));
}

}  // namespace regsim::bench
