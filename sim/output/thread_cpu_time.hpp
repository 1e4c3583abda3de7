#pragma once
// CPU time of the calling thread: what a piece of work costs, not counting time the thread
// spent waiting for a core on a loaded machine (--timings, bench.sh).

#include <ctime>

namespace regsim {

inline double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace regsim
