#pragma once
// forEachIndex: the one place the dynamics touch oneTBB. Each call writes only entity i's own
// outputs, so the result is identical for any thread count; small loops run serially because
// task overhead would dominate.

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cstdint>

namespace regsim {

inline constexpr std::uint32_t kParallelGrain = 1u << 14;

template <typename Fn>
void forEachIndex(std::uint32_t n, Fn&& fn) {
    if (n < 4 * kParallelGrain) {
        for (std::uint32_t i = 0; i < n; ++i) fn(i);
        return;
    }
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, n, kParallelGrain),
                      [&](const tbb::blocked_range<std::uint32_t>& r) {
                          for (auto i = r.begin(); i != r.end(); ++i) fn(i);
                      });
}

}  // namespace regsim
