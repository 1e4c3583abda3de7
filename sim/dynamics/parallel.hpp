#pragma once
// forEachIndex, forEachRange and alongside: the one place the dynamics touch oneTBB. Each call
// writes only entity i's own outputs, so the result is identical for any thread count; small
// loops run serially because task overhead would dominate. forEachFlagged is the ordered, serial
// second half of a pass that decides in parallel and then logs events in entity order.

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/parallel_reduce.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

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

// fn(begin, end) over [0, n) in blocks of at least `grain` (serial below 4 blocks).
template <typename Fn>
void forEachRange(std::size_t n, std::size_t grain, Fn&& fn) {
    if (n < 4 * grain) {
        fn(std::size_t(0), n);
        return;
    }
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain),
                      [&](const tbb::blocked_range<std::size_t>& r) { fn(r.begin(), r.end()); });
}

// The sum of fn(i) over [0, n), in parallel blocks. Only for terms whose sum is exact in any
// order (integers whose total stays below 2^53): a floating-point sum otherwise depends on the
// order, and so on the thread count.
template <typename Fn>
double exactSum(std::uint32_t n, Fn&& fn) {
    const auto block = [&](std::uint32_t a, std::uint32_t b) {
        double s = 0.0;
        for (auto i = a; i < b; ++i) s += fn(i);
        return s;
    };
    if (n < 4 * kParallelGrain) return block(0, n);
    return tbb::parallel_reduce(
        tbb::blocked_range<std::uint32_t>(0, n, kParallelGrain), 0.0,
        [&](const tbb::blocked_range<std::uint32_t>& r, double s) {
            return s + block(r.begin(), r.end());
        },
        [](double a, double b) { return a + b; });
}

// a() and b() at the same time when a second thread is free (serially otherwise): a serial pass
// beside a parallel phase, whose idle thread then takes the phase's blocks. Neither may read
// what the other writes.
template <typename A, typename B>
void alongside(A&& a, B&& b) {
    tbb::parallel_invoke(a, b);
}

// Whether any of the eight bytes at p equals v (a word at a time: no branch per byte).
inline bool anyByteEquals(const std::uint8_t* p, std::uint8_t v) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= 0x0101010101010101ull * v;  // bytes equal to v become 0
    return ((word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull) != 0;
}

// fn(i, was, is) for every i with seen[i] != now[i], in increasing i, after setting seen[i] to
// now[i]: the status changes since the last call, for the counts kept up to date from them
// (PeerCounts, ClubTotals). Few statuses change in a step: equal words of eight are skipped.
template <typename Fn>
void forEachChange(std::vector<std::uint8_t>& seen, const std::vector<std::uint8_t>& now, Fn&& fn) {
    const std::size_t n = now.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 8 == 0 && i + 8 <= n) {
            std::uint64_t a, b;
            std::memcpy(&a, &now[i], 8);
            std::memcpy(&b, &seen[i], 8);
            if (a == b) {
                i += 7;
                continue;
            }
        }
        const auto was = seen[i], is = now[i];
        if (was == is) continue;
        seen[i] = is;
        fn(static_cast<std::uint32_t>(i), was, is);
    }
}

// fn(i) for every i with flags[i] != 0, in increasing i; skips zero bytes eight at a time.
template <typename Fn>
void forEachFlagged(const std::vector<std::uint8_t>& flags, Fn&& fn) {
    const std::size_t n = flags.size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, flags.data() + i, 8);
        if (word == 0) continue;
        for (std::size_t k = i; k < i + 8; ++k)
            if (flags[k]) fn(static_cast<std::uint32_t>(k));
    }
    for (; i < n; ++i)
        if (flags[i]) fn(static_cast<std::uint32_t>(i));
}

}  // namespace regsim
