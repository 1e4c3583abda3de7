#include "sweep/sobol_sequence.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace regsim::test_sobol_sequence {
namespace {

// Published first points of the 2-D sequence (Joe & Kuo's generator, which skips point 0).
TEST(SobolSequence, FirstTwoDimensionalPointsMatchPublished) {
    const auto x = SobolSequence(2).points(0, 6);
    EXPECT_EQ(x[0], (std::vector<double>{0.0, 0.0}));  // kept: see sobol_sequence.hpp
    EXPECT_EQ(x[1], (std::vector<double>{0.5, 0.5}));
    EXPECT_EQ(x[2], (std::vector<double>{0.75, 0.25}));
    EXPECT_EQ(x[3], (std::vector<double>{0.25, 0.75}));
    EXPECT_EQ(x[4], (std::vector<double>{0.375, 0.375}));
    EXPECT_EQ(x[5], (std::vector<double>{0.875, 0.875}));
}

// Expected values worked by hand from the table rows (d s a m_i):
//   3 2 1 1 3 -> m_3 = 3;   4 3 1 1 3 1 -> m_4 = 5, m_5 = 31;   7 4 4 1 3 5 13;
//   10 5 7 1 1 7 11 19. Point i (Gray-code order) xors v_k = m_k / 2^k over the bits of
//   i ^ (i >> 1).
TEST(SobolSequence, HigherDimensionsMatchHandComputedValues) {
    const auto x = SobolSequence(10).points(0, 17);
    for (std::size_t d = 0; d < 10; ++d) EXPECT_EQ(x[1][d], 0.5) << "dimension " << d + 1;
    const std::array<double, 6> dim3 = {0.0, 0.5, 0.25, 0.75, 0.625, 0.125};
    for (std::size_t i = 0; i < dim3.size(); ++i) EXPECT_EQ(x[i][2], dim3[i]) << "point " << i;
    EXPECT_EQ(x[8][3], 0.4375);
    EXPECT_EQ(x[16][3], 0.65625);  // uses m_5 from the recurrence
    EXPECT_EQ(x[4][6], 0.375);
    EXPECT_EQ(x[8][6], 0.4375);
    const std::array<double, 9> dim10 = {0.0, 0.5, 0.75, 0.25, 0.625, 0.125, 0.375, 0.875, 0.3125};
    for (std::size_t i = 0; i < dim10.size(); ++i) EXPECT_EQ(x[i][9], dim10[i]) << "point " << i;
}

// Points 1000 and 123456 of all 64 dimensions, times 2^17, from an independent implementation
// (SciPy 1.10 scipy.stats.qmc.Sobol, scramble=False): checks every embedded table row and the
// recurrence well past each row's degree.
TEST(SobolSequence, DeepPointsMatchIndependentImplementation) {
    const std::array<int, 64> p1000 = {
        28800,  12672,  67968,  88704,  36736,  118912, 6016,  117888, 65664, 9088,   11136,
        33408,  21120,  50304,  18816,  48512,  94336,  45184, 129920, 95104, 68480,  72064,
        124544, 70784,  76416,  118912, 5248,   128384, 7808,  44672,  19328, 19072,  38784,
        77696,  105088, 100992, 111232, 108928, 40320,  62848, 119680, 33408, 125824, 92032,
        110208, 12160,  114304, 120448, 130944, 62848,  46208, 67712,  98688, 57472,  16512,
        116864, 59520,  10368,  115840, 74880,  58496,  78976, 33920,  58496};
    const std::array<int, 64> p123456 = {
        3473,   23953,  40273,  59023,  22175,  26641, 93825, 60825,  92597, 32645,  65419,
        102391, 72349,  36759,  100053, 86687,  74883, 48713, 115607, 20599, 15479,  79027,
        61141,  65137,  97665,  68741,  112965, 58823, 96131, 42631,  88385, 9923,   34485,
        7729,   1651,   52723,  24727,  61297,  29105, 48625, 104065, 14977, 120897, 47553,
        99777,  88385,  123893, 101861, 93981,  21021, 34109, 83093,  17613, 26589,  126105,
        389,    128423, 4297,   102847, 51791,  63857, 70887, 89729,  124799};
    const SobolSequence seq(64);
    const auto a = seq.points(1000, 1)[0];
    const auto b = seq.points(123456, 1)[0];
    for (std::size_t d = 0; d < 64; ++d) {
        EXPECT_EQ(a[d] * 131072.0, p1000[d]) << "dimension " << d + 1;
        EXPECT_EQ(b[d] * 131072.0, p123456[d]) << "dimension " << d + 1;
    }
}

TEST(SobolSequence, RandomAccessAgreesWithGrayCodeStepping) {
    for (bool scrambled : {false, true}) {
        const SobolSequence seq(12, scrambled ? std::optional<std::uint64_t>(99) : std::nullopt);
        const auto all = seq.points(0, 300);
        const auto tail = seq.points(117, 50);
        for (std::uint64_t i = 0; i < 300; i += 7) {
            const auto xi = seq.integerPoint(i);
            for (std::size_t d = 0; d < 12; ++d) EXPECT_EQ(xi[d] * 0x1.0p-32, all[i][d]);
        }
        for (std::size_t i = 0; i < tail.size(); ++i) EXPECT_EQ(tail[i], all[117 + i]);
    }
}

// Counts of the first 2^m points per interval [j/2^m, (j+1)/2^m) in each dimension: all ones.
void expectOneDimensionalNets(const SobolSequence& seq, int max_m) {
    const auto x = seq.points(0, std::uint64_t{1} << max_m);
    for (int m = 0; m <= max_m; ++m) {
        const std::size_t n = std::size_t{1} << m;
        for (std::size_t d = 0; d < seq.dimensions(); ++d) {
            std::vector<int> count(n, 0);
            for (std::size_t i = 0; i < n; ++i) {
                ASSERT_GE(x[i][d], 0.0);
                ASSERT_LT(x[i][d], 1.0);
                ++count[static_cast<std::size_t>(std::floor(x[i][d] * static_cast<double>(n)))];
            }
            for (std::size_t j = 0; j < n; ++j) {
                ASSERT_EQ(count[j], 1) << "m " << m << " dimension " << d + 1 << " interval " << j;
            }
        }
    }
}

TEST(SobolSequence, EachDimensionIsAZeroMOneNet) {
    expectOneDimensionalNets(SobolSequence(SobolSequence::max_dimensions), 11);
}

TEST(SobolSequence, ScramblingKeepsTheNetProperty) {
    expectOneDimensionalNets(SobolSequence(SobolSequence::max_dimensions, 12345), 11);
}

// The first two dimensions form a (0, m, 2)-net: every dyadic box of area 2^-m holds one point.
TEST(SobolSequence, FirstTwoDimensionsFormAZeroM2Net) {
    for (bool scrambled : {false, true}) {
        const SobolSequence seq(2, scrambled ? std::optional<std::uint64_t>(7) : std::nullopt);
        const int m = 10;
        const auto x = seq.points(0, std::uint64_t{1} << m);
        for (int j = 0; j <= m; ++j) {
            const std::size_t nx = std::size_t{1} << j;
            const std::size_t ny = std::size_t{1} << (m - j);
            std::vector<int> count(nx * ny, 0);
            for (const auto& p : x) {
                const auto bx =
                    static_cast<std::size_t>(std::floor(p[0] * static_cast<double>(nx)));
                const auto by =
                    static_cast<std::size_t>(std::floor(p[1] * static_cast<double>(ny)));
                ++count[bx * ny + by];
            }
            for (int c : count) ASSERT_EQ(c, 1) << "split " << j << " scrambled " << scrambled;
        }
    }
}

TEST(SobolSequence, ScrambleDependsOnSeedAndIsDeterministic) {
    const auto a = SobolSequence(5, 1).points(0, 64);
    const auto b = SobolSequence(5, 1).points(0, 64);
    const auto c = SobolSequence(5, 2).points(0, 64);
    const auto plain = SobolSequence(5).points(0, 64);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, plain);
}

TEST(SobolSequence, OwenScrambleIsNestedPermutation) {
    // Values sharing their top j bits still share them after scrambling, and distinct values
    // stay distinct (checked on all 2^16 values of the top 16 bits).
    const std::uint32_t seed = 0xDEADBEEFu;
    std::vector<bool> seen(1u << 16, false);
    for (std::uint32_t hi = 0; hi < (1u << 16); ++hi) {
        const std::uint32_t x = hi << 16;
        const std::uint32_t y = owenScramble(x, seed) >> 16;
        ASSERT_FALSE(seen[y]);
        seen[y] = true;
        const std::uint32_t sibling = x ^ 1u << 16;  // differs in bit 16 only
        EXPECT_EQ(owenScramble(x, seed) >> 17, owenScramble(sibling, seed) >> 17);
    }
}

TEST(SobolSequence, RejectsUnsupportedDimensionsAndRanges) {
    EXPECT_THROW(SobolSequence(0), std::invalid_argument);
    EXPECT_THROW(SobolSequence(SobolSequence::max_dimensions + 1), std::invalid_argument);
    EXPECT_THROW(SobolSequence(2).points(SobolSequence::max_points, 1), std::invalid_argument);
}

}  // namespace
}  // namespace regsim::test_sobol_sequence
