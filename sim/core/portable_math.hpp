#pragma once
// Elementary functions that give the same bits on every machine (docs/model.md,
// "Stochasticity"). The C library's log, exp, cos and pow are not portable bit for bit: glibc
// picks an FMA or a non-FMA build of each at load time from the CPU's features, and the two
// can differ in the last bit, which a chaotic run amplifies into a different trajectory. These
// use only +, -, *, / and integer operations on doubles, which IEEE 754 rounds the same way
// everywhere (the build turns FMA contraction off: CMakeLists.txt, -ffp-contract=off).
//
// Algorithms: log and exp are fdlibm's (Sun Microsystems, 1993), sin and cos kernels musl's
// versions of fdlibm's; errors below 1 ulp in fdlibm's analysis, checked against the C library
// in tests/core/portable_math_test.cpp. Only finite, in-range arguments are on the fast path;
// special values follow C's conventions.

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace regsim::pmath {

namespace detail {

inline std::uint32_t highWord(double x) {
    return static_cast<std::uint32_t>(std::bit_cast<std::uint64_t>(x) >> 32);
}
inline double withHighWord(double x, std::uint32_t hi) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    return std::bit_cast<double>((std::uint64_t(hi) << 32) | (bits & 0xffffffffull));
}

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2, high 32 bits
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi

// cos and sin of x in [-pi/4, pi/4] (musl __cos, __sin with no tail). Templates so that
// core/draw_lanes.hpp runs this very arithmetic on vector lanes (T = a GCC vector of doubles).
template <typename T>
[[gnu::always_inline]] inline T kernelCos(T x) {
    constexpr double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
                     C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
                     C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
    const T z = x * x;
    const T w = z * z;
    const T r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    const T hz = 0.5 * z;
    const T v = 1.0 - hz;
    return v + (((1.0 - v) - hz) + z * r);
}
template <typename T>
[[gnu::always_inline]] inline T kernelSin(T x) {
    constexpr double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
                     S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
                     S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
    const T z = x * x;
    const T w = z * z;
    const T r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    return x + z * x * (S1 + z * r);
}

}  // namespace detail

// Natural logarithm (fdlibm e_log.c).
inline double log(double x) {
    using namespace detail;
    constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                     Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                     Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                     Lg7 = 1.479819860511658591e-01;
    if (!(x > 0))
        return x == 0 ? -std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::quiet_NaN();
    if (x == std::numeric_limits<double>::infinity()) return x;
    int k = 0;
    if (x < 0x1p-1022) {  // subnormal: scale into the normal range
        k -= 54;
        x *= 0x1p54;
    }
    std::uint32_t hx = highWord(x);
    k += static_cast<int>(hx >> 20) - 1023;
    hx &= 0x000fffff;
    const std::uint32_t i = (hx + 0x95f64) & 0x100000;
    x = withHighWord(x, hx | (i ^ 0x3ff00000));  // x or x/2, in [sqrt(2)/2, sqrt(2))
    k += static_cast<int>(i >> 20);
    const double f = x - 1.0;
    const double dk = k;
    if ((0x000fffff & (2 + hx)) < 3) {  // -2^-20 <= f < 2^-20
        if (f == 0) return k == 0 ? 0.0 : dk * kLn2Hi + dk * kLn2Lo;
        const double R = f * f * (0.5 - 0.33333333333333333 * f);
        return k == 0 ? f - R : dk * kLn2Hi - ((R - dk * kLn2Lo) - f);
    }
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double w = z * z;
    const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    const double R = t2 + t1;
    const std::int32_t j =
        static_cast<std::int32_t>(hx - 0x6147a) | static_cast<std::int32_t>(0x6b851 - hx);
    if (j > 0) {
        const double hfsq = 0.5 * f * f;
        return k == 0 ? f - (hfsq - s * (hfsq + R))
                      : dk * kLn2Hi - ((hfsq - (s * (hfsq + R) + dk * kLn2Lo)) - f);
    }
    return k == 0 ? f - s * (f - R) : dk * kLn2Hi - ((s * (f - R) - dk * kLn2Lo) - f);
}

// log(1 + x), accurate for small x (Goldberg's correction of log(1 + x) by the rounding of 1 + x).
inline double log1p(double x) {
    const double u = 1.0 + x;
    if (u == 1.0) return x;
    if (u == std::numeric_limits<double>::infinity()) return u;
    return pmath::log(u) * (x / (u - 1.0));
}

// y * 2^k with one rounding, bit for bit std::ldexp's, for |y| in [0.5, 2) and k in [-1100, 1100]
// (what exp needs), inline: glibc's ldexp is a library call on every exp.
inline double scaleByPowerOfTwo(double y, int k) {
    const auto pow2 = [](int e) {  // 2^e, e in [-1022, 1023]: a normal double, exact
        return std::bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
    };
    // Outside the normal exponents, scale in two steps whose first is exact (the intermediate
    // stays a normal number), so only the second rounds or overflows, as ldexp does.
    if (k > 1023) return y * pow2(1023) * pow2(k - 1023);
    if (k < -1022) return y * pow2(k + 128) * pow2(-128);
    return y * pow2(k);
}

// e^x (fdlibm e_exp.c).
inline double exp(double x) {
    using namespace detail;
    constexpr double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                     P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                     P5 = 4.13813679705723846039e-08, kInvLn2 = 1.44269504088896338700e+00;
    if (std::isnan(x)) return x;
    if (x > 7.09782712893383973096e+02) return std::numeric_limits<double>::infinity();
    if (x < -7.45133219101941108420e+02) return 0.0;
    const double ax = std::fabs(x);
    if (ax < 0x1p-28) return 1.0 + x;
    int k = 0;
    double hi = x, lo = 0.0;
    if (ax > 0.5 * kLn2Hi) {
        k = static_cast<int>(kInvLn2 * x + (x < 0 ? -0.5 : 0.5));
        hi = x - k * kLn2Hi;  // exact: k has few bits and kLn2Hi 32
        lo = k * kLn2Lo;
        x = hi - lo;
    }
    const double t = x * x;
    const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
    const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
    return scaleByPowerOfTwo(y, k);  // exact unless the result is subnormal: then one rounding
}

// x^y for x >= 0 as exp(y log x): relative error about |y log x| * 2^-53 plus a few ulp, and
// exact at x = 1 and y = 0. Not the correctly rounded pow; used where the model needs a power
// of a share (club size), where portability matters more than the last bits.
inline double powNonNegative(double x, double y) {
    if (y == 0) return 1.0;
    if (x == 1) return 1.0;
    if (x == 0) return y > 0 ? 0.0 : std::numeric_limits<double>::infinity();
    return pmath::exp(y * pmath::log(x));
}

// cos(2 pi u) and sin(2 pi u) for u in [0, 1], reduced exactly in turns: u - n/4 is exact for
// the uniform draws (multiples of 2^-53), so only the final multiplication by 2 pi rounds.
struct SinCos {
    double sin, cos;
};
inline SinCos sincos2pi(double u) {
    using namespace detail;
    constexpr double kTwoPi = 6.283185307179586;
    const int n = static_cast<int>(u * 4.0 + 0.5);  // nearest quarter turn, 0..4
    const double x = (u - n * 0.25) * kTwoPi;       // in [-pi/4, pi/4]
    const double c = kernelCos(x), s = kernelSin(x);
    switch (n & 3) {
        case 0:
            return {s, c};
        case 1:
            return {c, -s};
        case 2:
            return {-s, -c};
        default:
            return {-c, s};
    }
}
inline double cos2pi(double u) { return sincos2pi(u).cos; }

}  // namespace regsim::pmath
