#pragma once
// The arithmetic of RandomStream's draws (core/rng.hpp: mix64, the uniform's conversion to
// double, and Box-Muller's pmath::log and sincos2pi) on W lanes at once, in GCC vector types.
//
// Why the lanes give the scalar bits: they perform the same operations as the scalar code, in
// the same order. IEEE +, -, *, / and sqrt round a lane exactly as they round a scalar, 64-bit
// integer operations are exact, and the build never contracts a * b + c into an FMA
// (-ffp-contract=off). Only control flow differs: where the scalar log and sincos2pi branch,
// the lanes compute every side and select per lane, and integer-double conversions that SIMD
// lacks are done by exact bit tricks. Only the draws' domain is covered (no special values):
// log's argument is 1 - uniform(), in (0, 1] and a multiple of 2^-53 (so a normal double), and
// sincos2pi's is uniform(), in [0, 1).
//
// Everything here is always_inline, to be compiled into core/draw_batch.cpp's functions for a
// wider instruction set: the code names no instruction, GCC lowers each vector operation to
// what the function's target has. Checked bit for bit against RandomStream on every path in
// tests/core/draw_batch_test.cpp.

#include <bit>
#include <cstdint>

#include "core/portable_math.hpp"

// The function attributes that compile lane code for AVX2, or for AVX-512 (F, DQ, VL: what
// draw_batch.cpp's hasAvx512() checks), while the rest of the build stays baseline x86-64:
// draw_batch.cpp's draws and dynamics/alignment.cpp's phase 3.
#define REGSIM_TARGET_AVX2 __attribute__((target("avx2")))
#define REGSIM_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl")))

namespace regsim::lanes {

template <int W>
struct Lanes {
    typedef double F __attribute__((vector_size(8 * W)));
    typedef std::uint64_t U __attribute__((vector_size(8 * W)));
    typedef std::int64_t I __attribute__((vector_size(8 * W)));  // also the comparisons' masks
};

// rng.hpp's mix64, lane by lane.
template <typename V>
[[gnu::always_inline]] inline V mix64(V z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// double(x) for integers 0 <= x < 2^53, exactly: the low 52 bits as the mantissa of 2^52 + lo
// (then minus 2^52), plus 2^52 or +0.0 for bit 52. Every step is exact, so this is the value
// static_cast<double> gives (SIMD before AVX-512DQ has no 64-bit integer conversion).
template <int W>
[[gnu::always_inline]] inline typename Lanes<W>::F toDouble53(typename Lanes<W>::U x) {
    using F = typename Lanes<W>::F;
    const F lo = std::bit_cast<F>((x & 0x000fffffffffffffull) | 0x4330000000000000ull) - 0x1p52;
    const F hi = std::bit_cast<F>(-(x >> 52) & 0x4330000000000000ull);  // 2^52 or +0.0
    return lo + hi;
}

// double(k) for |k| < 2^51, exactly: k added to the mantissa of 1.5 * 2^52, then that removed.
template <int W>
[[gnu::always_inline]] inline typename Lanes<W>::F smallIntToDouble(typename Lanes<W>::I k) {
    using F = typename Lanes<W>::F;
    return std::bit_cast<F>(k + 0x4338000000000000ll) - 0x1.8p52;
}

// pmath::log for x in (0, 1], normal: the same arithmetic, with every branch computed and
// selected per lane.
template <int W>
[[gnu::always_inline]] inline typename Lanes<W>::F log(typename Lanes<W>::F x) {
    using F = typename Lanes<W>::F;
    using I = typename Lanes<W>::I;
    using pmath::detail::kLn2Hi;
    using pmath::detail::kLn2Lo;
    constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                     Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                     Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                     Lg7 = 1.479819860511658591e-01;
    // 32-bit words in 64-bit lanes: hx < 2^32 and k small, so no step wraps differently.
    const I bits = std::bit_cast<I>(x);
    I hx = (bits >> 32) & 0xffffffffll;
    I k = (hx >> 20) - 1023;
    hx &= 0x000fffff;
    const I i = (hx + 0x95f64) & 0x100000;
    x = std::bit_cast<F>(((hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffffll));
    k += i >> 20;
    const F f = x - 1.0;
    const F dk = smallIntToDouble<W>(k);
    const I k0 = k == 0;

    // -2^-20 <= f < 2^-20
    const I small = ((2 + hx) & 0x000fffff) < 3;
    const F R0 = f * f * (0.5 - 0.33333333333333333 * f);
    const F at_one = k0 ? F{} + 0.0 : dk * kLn2Hi + dk * kLn2Lo;  // f == 0
    const F near_one = k0 ? f - R0 : dk * kLn2Hi - ((R0 - dk * kLn2Lo) - f);
    const F small_result = f == 0 ? at_one : near_one;

    const F s = f / (2.0 + f);
    const F z = s * s;
    const F w = z * z;
    const F t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    const F t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    const F R = t2 + t1;
    // The scalar code's j: the OR of two 32-bit differences, whose sign and zeroness the
    // 64-bit difference (|hx| < 2^20) keeps.
    const I j = (hx - 0x6147a) | (0x6b851 - hx);
    const F hfsq = 0.5 * f * f;
    const F j_result = k0 ? f - (hfsq - s * (hfsq + R))
                          : dk * kLn2Hi - ((hfsq - (s * (hfsq + R) + dk * kLn2Lo)) - f);
    const F other_result = k0 ? f - s * (f - R) : dk * kLn2Hi - ((s * (f - R) - dk * kLn2Lo) - f);
    return small ? small_result : (j > 0 ? j_result : other_result);
}

template <int W>
struct SinCos {
    typename Lanes<W>::F sin, cos;
};

// pmath::sincos2pi for u in [0, 1): the nearest quarter turn n = int(4u + 0.5), in 0..4,
// counted by comparisons (truncation of a value in [0.5, 4.5)), and the quadrant's switch as
// selects.
template <int W>
[[gnu::always_inline]] inline SinCos<W> sincos2pi(typename Lanes<W>::F u) {
    using F = typename Lanes<W>::F;
    using I = typename Lanes<W>::I;
    constexpr double kTwoPi = 6.283185307179586;
    const F t = u * 4.0 + 0.5;
    const I n = -((t >= 1.0) + (t >= 2.0) + (t >= 3.0) + (t >= 4.0));  // masks are -1
    const F x = (u - smallIntToDouble<W>(n) * 0.25) * kTwoPi;
    const F c = pmath::detail::kernelCos(x), s = pmath::detail::kernelSin(x);
    // n & 3 = 0: (s, c); 1: (c, -s); 2: (-s, -c); 3: (-c, s).
    const I odd = (n & 1) != 0, flip = (n & 2) != 0;
    const F a = odd ? c : s, b = odd ? -s : c;
    return {flip ? -a : a, flip ? -b : b};
}

// GCC has no vector sqrt operator; it turns this loop into the target's vector square root.
template <int W>
[[gnu::always_inline]] inline typename Lanes<W>::F sqrt(typename Lanes<W>::F x) {
    typename Lanes<W>::F r;
    for (int k = 0; k < W; ++k) r[k] = __builtin_sqrt(x[k]);
    return r;
}

}  // namespace regsim::lanes
