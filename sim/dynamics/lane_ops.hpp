#pragma once
// Small operations on W lanes (GCC vector types, core/draw_lanes.hpp's Lanes<W>) for code that
// runs in SIMD lanes (alignment_lanes.hpp). always_inline: they are compiled into its AVX2 and
// AVX-512 functions.

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/draw_lanes.hpp"

namespace regsim::lane_ops {

template <int W>
using F = typename lanes::Lanes<W>::F;
template <int W>
using I = typename lanes::Lanes<W>::I;

template <int W>
[[gnu::always_inline]] inline F<W> broadcast(double x) {
    F<W> v;
    for (int l = 0; l < W; ++l) v[l] = x;
    return v;
}

// std::clamp(v, lo, hi) lane by lane: (v < lo) ? lo : (hi < v) ? hi : v.
template <int W>
[[gnu::always_inline]] inline F<W> clampLanes(F<W> v, double lo, double hi) {
    return v < lo ? broadcast<W>(lo) : (hi < v ? broadcast<W>(hi) : v);
}

// base[index[l]] in lane l, loaded one by one into a buffer (AVX2's gather instructions made
// phase 3 2-3x slower on this Zen 4; inserting each value into the vector chains them).
template <int W, typename T>
[[gnu::always_inline]] inline auto gather(const T* base, I<W> index) {
    constexpr bool kDouble = std::is_same_v<T, double>;
    using E = std::conditional_t<kDouble, double, std::int64_t>;
    std::conditional_t<kDouble, F<W>, I<W>> v;
    alignas(64) E buf[W];
    for (int l = 0; l < W; ++l) buf[l] = E(base[index[l]]);
    std::memcpy(&v, buf, sizeof v);
    return v;
}

// Lane l holds l.
template <int W>
[[gnu::always_inline]] inline I<W> laneIndex() {
    I<W> lane;
    for (int l = 0; l < W; ++l) lane[l] = l;
    return lane;
}

// A lane mask (-1 or 0) from bit l of `bits`.
template <int W>
[[gnu::always_inline]] inline I<W> maskFromBits(std::uint32_t bits) {
    return -(((I<W>{} + bits) >> laneIndex<W>()) & 1);
}

template <int W>
[[gnu::always_inline]] inline F<W> load(const double* p) {
    F<W> v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

}  // namespace regsim::lane_ops
