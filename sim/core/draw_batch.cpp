// The draw paths of core/draw_batch.hpp and the choice among them. Each SIMD path is one
// function per ISA, compiled with __attribute__((target)), into which the lane templates of
// core/draw_lanes.hpp are inlined (always_inline), so they are compiled for that ISA alone.

// GCC warns that a vector argument's ABI differs between ISAs; none crosses a call here (every
// lane helper, here and in the headers, is always_inline).
#pragma GCC diagnostic ignored "-Wpsabi"

#include "core/draw_batch.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/draw_lanes.hpp"

namespace regsim {

namespace {

// RandomStream's counter multiplier (rng.hpp, nextU64): draw c of a stream mixes base + kStep c.
constexpr std::uint64_t kStep = 0x632BE59BD9B4E019ull;

// ---- scalar: RandomStream itself ---------------------------------------------------------

bool always() { return true; }

void normalPairsScalar(std::uint64_t step_hash, Purpose purpose, std::uint64_t first,
                       std::uint32_t count, std::uint32_t pair, double* first_out,
                       double* second_out) {
    for (std::uint32_t k = 0; k < count; ++k) {
        RandomStream rng(step_hash, first + k, purpose);
        for (std::uint32_t skip = 0; skip < 2 * pair; ++skip) rng.normal();
        first_out[k] = rng.normal();
        second_out[k] = rng.normal();
    }
}

void uniformsScalar(std::uint64_t step_hash, Purpose purpose, std::uint64_t first,
                    std::uint32_t count, double* out) {
    for (std::uint32_t k = 0; k < count; ++k)
        out[k] = RandomStream(step_hash, first + k, purpose).uniform();
}

void boxMullerScalar(const double* u1, const double* u2, std::uint32_t count, double* first_out,
                     double* second_out) {
    for (std::uint32_t k = 0; k < count; ++k) {
        const auto pair = boxMuller(u1[k], u2[k]);
        first_out[k] = pair.first;
        second_out[k] = pair.second;
    }
}

// ---- lanes: the same draws, W streams at a time ------------------------------------------

// Stores the first `count` lanes of v (all of them unless this is the run's last group).
template <int W>
[[gnu::always_inline]] inline void store(double* out, std::uint32_t count,
                                         typename lanes::Lanes<W>::F v) {
    if (count >= W)
        std::memcpy(out, &v, sizeof v);
    else
        for (std::uint32_t l = 0; l < count; ++l) out[l] = v[l];
}

// Each stream's base (RngKey::finishHash) for entities e, lane by lane.
template <int W>
[[gnu::always_inline]] inline typename lanes::Lanes<W>::U streamBase(
    std::uint64_t step_hash, std::uint64_t purpose_hash, typename lanes::Lanes<W>::U e) {
    return lanes::mix64(lanes::mix64(step_hash ^ lanes::mix64(e + 0x3000)) ^ purpose_hash);
}

// RandomStream::uniform of draw c (its counter), lane by lane.
template <int W>
[[gnu::always_inline]] inline typename lanes::Lanes<W>::F uniformLanes(
    typename lanes::Lanes<W>::U base, std::uint64_t c) {
    return lanes::toDouble53<W>(lanes::mix64(base + kStep * c) >> 11) * 0x1.0p-53;
}

template <int W>
[[gnu::always_inline]] inline typename lanes::Lanes<W>::U firstEntities(std::uint64_t first) {
    typename lanes::Lanes<W>::U e;
    for (int l = 0; l < W; ++l) e[l] = first + std::uint64_t(l);
    return e;
}

std::uint64_t purposeHash(Purpose purpose) {
    return mix64(static_cast<std::uint64_t>(purpose) + 0x4000);  // as RngKey::finishHash
}

// boxMuller, lane by lane.
template <int W>
[[gnu::always_inline]] inline void boxMullerLanes(typename lanes::Lanes<W>::F u1,
                                                  typename lanes::Lanes<W>::F u2,
                                                  std::uint32_t count, double* first_out,
                                                  double* second_out) {
    using F = typename lanes::Lanes<W>::F;
    const F r = lanes::sqrt<W>(-2.0 * lanes::log<W>(u1));
    const auto sc = lanes::sincos2pi<W>(u2);
    store<W>(first_out, count, r * sc.cos);
    store<W>(second_out, count, r * sc.sin);
}

template <int W>
[[gnu::always_inline]] inline void normalPairsLanes(std::uint64_t step_hash, Purpose purpose,
                                                    std::uint64_t first, std::uint32_t count,
                                                    std::uint32_t pair, double* first_out,
                                                    double* second_out) {
    using F = typename lanes::Lanes<W>::F;
    const std::uint64_t ph = purposeHash(purpose);
    auto e = firstEntities<W>(first);
    for (std::uint32_t k = 0; k < count; k += W, e += W) {
        // RandomStream::normal: u1 = 1 - uniform(), u2 = uniform(), r = sqrt(-2 log u1).
        const auto base = streamBase<W>(step_hash, ph, e);
        const F u1 = 1.0 - uniformLanes<W>(base, 2 * std::uint64_t(pair) + 1);
        const F u2 = uniformLanes<W>(base, 2 * std::uint64_t(pair) + 2);
        boxMullerLanes<W>(u1, u2, count - k, first_out + k, second_out + k);
    }
}

template <int W>
[[gnu::always_inline]] inline void boxMullerArrays(const double* u1, const double* u2,
                                                   std::uint32_t count, double* first_out,
                                                   double* second_out) {
    using F = typename lanes::Lanes<W>::F;
    for (std::uint32_t k = 0; k < count; k += W) {
        F a = F{} + 1.0, b = F{};  // lanes past count: any value in the domain
        for (std::uint32_t l = 0; l < W && k + l < count; ++l) {
            a[l] = u1[k + l];
            b[l] = u2[k + l];
        }
        boxMullerLanes<W>(a, b, count - k, first_out + k, second_out + k);
    }
}

template <int W>
[[gnu::always_inline]] inline void uniformsLanes(std::uint64_t step_hash, Purpose purpose,
                                                 std::uint64_t first, std::uint32_t count,
                                                 double* out) {
    const std::uint64_t ph = purposeHash(purpose);
    auto e = firstEntities<W>(first);
    for (std::uint32_t k = 0; k < count; k += W, e += W)
        store<W>(out + k, count - k, uniformLanes<W>(streamBase<W>(step_hash, ph, e), 1));
}

// ---- AVX2: 4 lanes of 256 bits (64-bit multiplies emulated from 32-bit ones) ---------------

REGSIM_TARGET_AVX2 void normalPairsAvx2(std::uint64_t step_hash, Purpose purpose,
                                        std::uint64_t first, std::uint32_t count,
                                        std::uint32_t pair, double* first_out, double* second_out) {
    normalPairsLanes<4>(step_hash, purpose, first, count, pair, first_out, second_out);
}
REGSIM_TARGET_AVX2 void uniformsAvx2(std::uint64_t step_hash, Purpose purpose, std::uint64_t first,
                                     std::uint32_t count, double* out) {
    uniformsLanes<4>(step_hash, purpose, first, count, out);
}
REGSIM_TARGET_AVX2 void boxMullerAvx2(const double* u1, const double* u2, std::uint32_t count,
                                      double* first_out, double* second_out) {
    boxMullerArrays<4>(u1, u2, count, first_out, second_out);
}
bool hasAvx2() { return __builtin_cpu_supports("avx2"); }

// ---- AVX-512: 8 lanes of 512 bits, native 64-bit multiplies (vpmullq, AVX-512DQ) -----------

REGSIM_TARGET_AVX512 void normalPairsAvx512(std::uint64_t step_hash, Purpose purpose,
                                            std::uint64_t first, std::uint32_t count,
                                            std::uint32_t pair, double* first_out,
                                            double* second_out) {
    normalPairsLanes<8>(step_hash, purpose, first, count, pair, first_out, second_out);
}
REGSIM_TARGET_AVX512 void uniformsAvx512(std::uint64_t step_hash, Purpose purpose,
                                         std::uint64_t first, std::uint32_t count, double* out) {
    uniformsLanes<8>(step_hash, purpose, first, count, out);
}
REGSIM_TARGET_AVX512 void boxMullerAvx512(const double* u1, const double* u2, std::uint32_t count,
                                          double* first_out, double* second_out) {
    boxMullerArrays<8>(u1, u2, count, first_out, second_out);
}
bool hasAvx512() {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
}

constexpr DrawPath kPaths[] = {
    {"scalar", always, false, normalPairsScalar, uniformsScalar, boxMullerScalar},
    {"avx2", hasAvx2, true, normalPairsAvx2, uniformsAvx2, boxMullerAvx2},
    {"avx512", hasAvx512, true, normalPairsAvx512, uniformsAvx512, boxMullerAvx512},
};

const DrawPath& choosePath() {
    __builtin_cpu_init();  // __builtin_cpu_supports may run before libgcc's constructor
    if (const char* forced = std::getenv("REGSIM_DRAW_PATH")) {
        for (const auto& path : kPaths)
            if (std::strcmp(path.name, forced) == 0 && path.supported()) return path;
        std::fprintf(stderr, "regsim: REGSIM_DRAW_PATH=%s is not a path this CPU runs; ignored\n",
                     forced);
    }
    const DrawPath* best = &kPaths[0];
    for (const auto& path : kPaths)
        if (path.supported()) best = &path;  // listed from narrowest to widest
    return *best;
}

}  // namespace

std::span<const DrawPath> drawPaths() { return kPaths; }

const DrawPath& drawPath() {
    static const DrawPath& chosen = choosePath();
    return chosen;
}

}  // namespace regsim
