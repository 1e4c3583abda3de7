// The portable elementary functions (core/portable_math.hpp): within 1-2 ulp of the C library
// (or of long double, where the C library's own argument rounding is the larger error), C's
// special values, and pinned bits, which any machine and any compiler flags must reproduce.

#include "core/portable_math.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "core/rng.hpp"

namespace regsim {
namespace {

std::int64_t ulps(double a, double b) {
    if (a == b) return 0;
    return std::llabs(std::bit_cast<std::int64_t>(a) - std::bit_cast<std::int64_t>(b));
}

constexpr int kDraws = 200000;

TEST(PortableMathTest, LogIsWithinOneUlpAcrossAllExponents) {
    RandomStream rng(RngKey{1, 0, 0, 0, Purpose::decision});
    for (int k = 0; k < kDraws; ++k) {
        const double x = std::ldexp(1.0 - rng.uniform(), -static_cast<int>(rng.below(1080)) + 20);
        ASSERT_LE(ulps(pmath::log(x), std::log(x)), 1) << std::hexfloat << x;
    }
}

TEST(PortableMathTest, Log1pIsWithinTwoUlpOnTheGeneratorsRange) {
    RandomStream rng(RngKey{2, 0, 0, 0, Purpose::decision});
    for (int k = 0; k < kDraws; ++k) {
        const double x = -rng.uniform() * std::ldexp(1.0, -static_cast<int>(rng.below(60)));
        ASSERT_LE(ulps(pmath::log1p(x), std::log1p(x)), 2) << std::hexfloat << x;
    }
}

TEST(PortableMathTest, ExpIsWithinOneUlpOverItsRange) {
    RandomStream rng(RngKey{3, 0, 0, 0, Purpose::decision});
    for (int k = 0; k < kDraws; ++k) {
        const double x = (2 * rng.uniform() - 1) * (k % 2 ? 708.0 : 4.0);
        ASSERT_LE(ulps(pmath::exp(x), std::exp(x)), 1) << std::hexfloat << x;
    }
}

TEST(PortableMathTest, ScaleByPowerOfTwoIsLdexpBitForBit) {
    RandomStream rng(RngKey{7, 0, 0, 0, Purpose::decision});
    for (int n = 0; n < kDraws; ++n) {
        const double y = (n % 2 ? -1.0 : 1.0) * (0.5 + 1.5 * rng.uniform());  // [0.5, 2)
        // Every k exp can need, weighted toward the subnormal and overflow edges.
        const int k = n % 3 == 0   ? -1100 + int(rng.below(2201))
                      : n % 3 == 1 ? -1080 + int(rng.below(70))
                                   : 1015 + int(rng.below(20));
        ASSERT_EQ(std::bit_cast<std::uint64_t>(pmath::scaleByPowerOfTwo(y, k)),
                  std::bit_cast<std::uint64_t>(std::ldexp(y, k)))
            << std::hexfloat << y << " " << std::dec << k;
    }
}

TEST(PortableMathTest, SinAndCos2piAreWithinTwoUlpOfLongDouble) {
    RandomStream rng(RngKey{4, 0, 0, 0, Purpose::decision});
    const long double two_pi = 6.283185307179586476925286766559L;
    for (int k = 0; k < kDraws; ++k) {
        const double u = rng.uniform();
        const double got = pmath::cos2pi(u);
        // Near a zero the long double reference itself loses relative accuracy.
        if (std::fabs(got) < 1e-3) continue;
        ASSERT_LE(ulps(got, static_cast<double>(cosl(two_pi * u))), 2) << std::hexfloat << u;
        const double sin_got = pmath::sincos2pi(u).sin;
        if (std::fabs(sin_got) < 1e-3) continue;
        ASSERT_LE(ulps(sin_got, static_cast<double>(sinl(two_pi * u))), 2) << std::hexfloat << u;
    }
}

TEST(PortableMathTest, PowOfAShareIsCloseToTheCLibrary) {
    RandomStream rng(RngKey{5, 0, 0, 0, Purpose::decision});
    for (int k = 0; k < kDraws; ++k) {
        const double x = rng.uniform(), y = 4 * rng.uniform();
        EXPECT_NEAR(pmath::powNonNegative(x, y) / std::pow(x, y), 1.0, 1e-14) << x << " " << y;
    }
}

TEST(PortableMathTest, SpecialValuesFollowC) {
    const double inf = INFINITY;
    EXPECT_EQ(pmath::log(1.0), 0.0);
    EXPECT_EQ(pmath::log(0.0), -inf);
    EXPECT_TRUE(std::isnan(pmath::log(-1.0)));
    EXPECT_EQ(pmath::log(inf), inf);
    EXPECT_EQ(pmath::exp(0.0), 1.0);
    EXPECT_EQ(pmath::exp(1000.0), inf);
    EXPECT_EQ(pmath::exp(-1000.0), 0.0);
    EXPECT_EQ(pmath::exp(-inf), 0.0);
    EXPECT_TRUE(std::isnan(pmath::exp(NAN)));
    EXPECT_EQ(pmath::log1p(0.0), 0.0);
    EXPECT_EQ(pmath::log1p(-1.0), -inf);
    EXPECT_EQ(pmath::cos2pi(0.0), 1.0);
    EXPECT_EQ(pmath::cos2pi(0.5), -1.0);
    EXPECT_EQ(pmath::cos2pi(1.0), 1.0);
    EXPECT_EQ(pmath::cos2pi(0.25), 0.0);
    EXPECT_EQ(pmath::sincos2pi(0.25).sin, 1.0);
    EXPECT_EQ(pmath::sincos2pi(0.75).sin, -1.0);
    EXPECT_EQ(pmath::powNonNegative(1.0, 3.7), 1.0);
    EXPECT_EQ(pmath::powNonNegative(0.3, 0.0), 1.0);
    EXPECT_EQ(pmath::powNonNegative(0.0, 2.0), 0.0);
    EXPECT_EQ(pmath::powNonNegative(0.5, 2.0), 0.25);
}

// Bits computed once on x86-64 (g++ 12, -O2 and -O0 agree). Another result on any machine or
// with any flags means the functions are no longer portable: fix that, do not re-pin.
TEST(PortableMathTest, BitsArePinned) {
    EXPECT_EQ(pmath::log(0.3), -0x1.34378fcbda721p+0);
    EXPECT_EQ(pmath::exp(-1.7), 0x1.7622c78a98a07p-3);
    EXPECT_EQ(pmath::cos2pi(0.1234), 0x1.6da8f0e67232cp-1);
    EXPECT_EQ(pmath::log1p(-0.01), -0x1.495453e6fd4b7p-7);
    EXPECT_EQ(pmath::powNonNegative(0.42, 1.5), 0x1.16b944236419ap-2);
    EXPECT_EQ(pmath::log(0x1p-1060), -0x1.6f5e359f105f9p+9);
}

}  // namespace
}  // namespace regsim
