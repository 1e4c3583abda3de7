// The loop helpers of dynamics/parallel.hpp: forEachFlagged visits exactly the flagged indices
// in order (across 8-byte words and the tail), exactSum equals the serial sum on any thread
// count, forEachRange covers [0, n) once.

#include "dynamics/parallel.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "core/rng.hpp"

namespace regsim {
namespace {

TEST(ParallelTest, ForEachFlaggedVisitsFlaggedIndicesInOrder) {
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 64u, 1001u}) {
        std::vector<std::uint8_t> flags(n, 0);
        std::vector<std::uint32_t> expected;
        RandomStream rng(RngKey{n, 0, 0, 0, Purpose::decision});
        for (std::uint32_t i = 0; i < n; ++i)
            if (rng.uniform() < 0.1 || i + 1 == n) {
                flags[i] = std::uint8_t(1 + rng.below(3));
                expected.push_back(i);
            }
        std::vector<std::uint32_t> seen;
        forEachFlagged(flags, [&](std::uint32_t i) { seen.push_back(i); });
        EXPECT_EQ(seen, expected) << "n = " << n;
    }
}

TEST(ParallelTest, ExactSumOfIntegersEqualsTheSerialSumOnAnyThreadCount) {
    const std::uint32_t n = 10 * kParallelGrain + 17;
    const auto term = [](std::uint32_t i) { return double(i % 7); };
    double serial = 0.0;
    for (std::uint32_t i = 0; i < n; ++i) serial += term(i);
    for (std::size_t threads : {1, 2}) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        EXPECT_EQ(exactSum(n, term), serial);
    }
}

TEST(ParallelTest, ForEachRangeCoversEveryIndexOnce) {
    const std::size_t n = 5 * 1000 + 3;
    std::vector<std::atomic<int>> hits(n);
    forEachRange(n, 1000, [&](std::size_t a, std::size_t b) {
        for (auto i = a; i < b; ++i) hits[i]++;
    });
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << i;
}

TEST(ParallelTest, AnyByteEqualsMatchesAByteByByteSearch) {
    // Every value at every position, among neighbours that are v - 1, v + 1, 0 or 0xFF (the
    // word trick's borrows must not make a neighbour look equal).
    for (int v = 0; v < 256; ++v) {
        for (std::uint8_t fill :
             {std::uint8_t(v - 1), std::uint8_t(v + 1), std::uint8_t(0), std::uint8_t(0xFF)}) {
            if (fill == v) continue;
            std::uint8_t bytes[8];
            std::fill(bytes, bytes + 8, fill);
            EXPECT_FALSE(anyByteEquals(bytes, std::uint8_t(v))) << v << " " << int(fill);
            for (int at = 0; at < 8; ++at) {
                std::fill(bytes, bytes + 8, fill);
                bytes[at] = std::uint8_t(v);
                EXPECT_TRUE(anyByteEquals(bytes, std::uint8_t(v))) << v << " at " << at;
            }
        }
    }
}

}  // namespace
}  // namespace regsim
