#pragma once
// Phase 3 (dynamics/alignment.cpp) for W consecutive states at once, one state per SIMD lane
// (GCC vector types, as core/draw_lanes.hpp).
//
// Why: the scalar update costs about 280 instructions per state at z = 4 (37 per neighbour,
// plus the other terms) and a mispredicted branch where each state's neighbour loop ends, which
// bound phase 3 while the world fits in cache (docs/performance.md, "Full model step"). In lanes,
// round r reads neighbour r of every state of the block at once, so the loop runs to the block's
// largest degree, one predictable branch per round.
//
// Why the lanes give the scalar bits: each lane performs its state's scalar operations in the
// same order (the neighbour sums run over the row in CSR order), and IEEE +, -, *, / round a
// lane exactly as a scalar (the build never contracts to FMA: -ffp-contract=off). Where the
// scalar code skips a term (a neighbour outside the confidence bound, a zero engagement, an
// inactive membership, wsum or count zero), a lane computes it and a select keeps the old
// value; a round past a lane's degree adds weight +0.0, which changes no sum: the sums start
// at +0.0 and round-to-nearest never makes them -0.0 (the scalar code relies on the same for
// its masked neighbours). Reads past a row's end are clamped to a valid entry. Checked through
// the pinned fingerprint on every path (tests/dynamics/pinned_result_test.cpp) and against the
// scalar update state by state (tests/dynamics/alignment_lanes_test.cpp).
//
// Everything here is always_inline, compiled into alignment.cpp's functions for AVX2 (W = 4) or
// AVX-512 (W = 8) by function attributes; the scalar update there stays the reference and the
// fallback. Measured (docs/performance.md, "Full model step"): phase 3 25-30% faster while the
// world fits in cache (N = 1e4-1e5); at N = 1e6, where the neighbours' random reads weigh
// most, 46-52 -> 34-37 ms once the institution pull became a scalar pass per state.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/world.hpp"
#include "dynamics/lane_ops.hpp"
#include "graph/csr.hpp"

namespace regsim::alignment_lanes {

using namespace lane_ops;

// Phase 3's inputs for one step, read once: stores to the next alignments may alias any double,
// so anything read through a reference inside the loop would be reloaded for every state.
struct Inputs {
    const std::uint32_t* offsets = nullptr;  // influence CSR
    const std::uint32_t* targets = nullptr;
    const EdgeWeight* weights = nullptr;  // null: unit weights
    std::uint32_t entry_count = 0;        // influence entries in all
    const double* alignment = nullptr;    // now, [i * D + d]
    double* next_alignment = nullptr;
    std::uint32_t state_count = 0;
    double peer_rate = 0, bound2 = 0;
    bool bounded = false;
    double patron_pull = 0;
    std::uint32_t patron_count = 0;
    const double* engagement = nullptr;          // [q * N + i]
    const double* patron_orientation = nullptr;  // [q * D + d]
    double institution_pull = 0;
    const std::uint8_t* status = nullptr;  // now, per membership
    const std::uint32_t* first_membership = nullptr;
    const std::uint32_t* membership_institution = nullptr;
    const double* institution_orientation = nullptr;  // [j * D + d]
    double reversion = 0;
    const double* alignment_baseline = nullptr;  // [row * D + d]
    std::uint32_t last_state_row = 0;
    const std::uint8_t* regime = nullptr;
    const double* military_shift = nullptr;  // [d], null when none
    double noise_sd = 0;
};

// A prefetch cursor in the influence entries, kept kPrefetchAhead entries ahead of the block
// being read and advanced a few entries per round: prefetches issued in a burst per block filled
// the miss buffers and stalled (measured slower at N = 1e6 than the scalar update).
constexpr std::uint32_t kPrefetchAhead = 128, kPrefetchPerRound = 4;

struct PrefetchCursor {
    std::uint32_t next = 0, until = 0;
};

template <std::uint32_t D>
[[gnu::always_inline]] inline void prefetchSome(const Inputs& in, PrefetchCursor& c) {
    for (std::uint32_t k = 0; k < kPrefetchPerRound; ++k) {
        const std::uint32_t e = std::min(c.next, in.entry_count - 1);
        __builtin_prefetch(&in.alignment[std::size_t(in.targets[e]) * D]);
        c.next += c.next < c.until;
    }
}

// States i0 .. i0 + W - 1 (all < state_count). noise[d]: the block's normals for axis d from
// lane 0 on (unused when noise_sd = 0). The cursor's prefetches go a few per round.
template <int W, std::uint32_t D, bool kUnit>
[[gnu::always_inline]] inline void alignLanes(const Inputs& in, const double* const* noise,
                                              std::uint32_t i0, PrefetchCursor& cursor) {
    const I<W> state = laneIndex<W>() + i0;
    const F<W> zero = broadcast<W>(0.0);

    F<W> ai[D];
    for (std::uint32_t d = 0; d < D; ++d) ai[d] = gather<W>(in.alignment, state * D + d);
    F<W> delta[D];
    for (std::uint32_t d = 0; d < D; ++d) delta[d] = zero;

    if (in.peer_rate != 0) {
        const I<W> first = gather<W>(in.offsets, state);
        const I<W> degree = gather<W>(in.offsets, state + 1) - first;
        std::int64_t rounds = 0;
        for (int l = 0; l < W; ++l) rounds = std::max<std::int64_t>(rounds, degree[l]);
        const std::int64_t last = std::int64_t(in.entry_count) - 1;
        F<W> wsum = zero, pull[D];
        for (std::uint32_t d = 0; d < D; ++d) pull[d] = zero;
        for (std::int64_t r = 0; r < rounds; ++r) {
            prefetchSome<D>(in, cursor);
            const I<W> active = r < degree;
            I<W> e = first + r;
            e = e > last ? e * 0 + last : e;  // a valid entry for lanes past their row
            alignas(64) double loaded[D + 1][W];
            for (int l = 0; l < W; ++l) {
                const std::size_t k = std::size_t(in.targets[e[l]]) * D;
                for (std::uint32_t d = 0; d < D; ++d) loaded[d][l] = in.alignment[k + d];
                if (!kUnit) loaded[D][l] = in.weights[e[l]].weight;
            }
            F<W> ak[D];
            for (std::uint32_t d = 0; d < D; ++d) ak[d] = load<W>(loaded[d]);
            F<W> w = kUnit ? broadcast<W>(1.0) : load<W>(loaded[D]);
            I<W> keep = active;
            if (in.bounded) {
                F<W> d2 = zero;
                for (std::uint32_t d = 0; d < D; ++d) d2 += (ak[d] - ai[d]) * (ak[d] - ai[d]);
                keep &= d2 < in.bound2;
            }
            w = std::bit_cast<F<W>>(std::bit_cast<I<W>>(w) & keep);
            wsum += w;
            for (std::uint32_t d = 0; d < D; ++d) pull[d] += w * (ak[d] - ai[d]);
        }
        const I<W> any = wsum > 0;
        for (std::uint32_t d = 0; d < D; ++d)
            delta[d] = any ? delta[d] + in.peer_rate * pull[d] / wsum : delta[d];
    }
    if (in.patron_pull != 0) {
        for (std::uint32_t q = 0; q < in.patron_count; ++q) {
            const F<W> e = load<W>(&in.engagement[std::size_t(q) * in.state_count + i0]);
            const I<W> engaged = e != 0;
            const double* o = &in.patron_orientation[std::size_t(q) * D];
            for (std::uint32_t d = 0; d < D; ++d)
                delta[d] = engaged ? delta[d] + in.patron_pull * e * (o[d] - ai[d]) : delta[d];
        }
    }
    if (in.institution_pull != 0) {
        // The block's memberships are contiguous and ordered by state: one scalar pass per
        // state over its own, adding in the scalar update's order (a pass per membership round
        // with lane selects cost twice as much). The sums stay in registers until the state is
        // done: added in place on the stack, each waited on the last one's store.
        alignas(64) double a[D][W], pull[D][W];
        alignas(64) std::int64_t count[W];
        for (std::uint32_t d = 0; d < D; ++d) std::memcpy(a[d], &ai[d], sizeof ai[d]);
        for (int l = 0; l < W; ++l) {
            double sum[D];
            for (std::uint32_t d = 0; d < D; ++d) sum[d] = 0.0;
            std::int64_t n = 0;
            const std::uint32_t end = in.first_membership[i0 + l + 1];
            for (std::uint32_t m = in.first_membership[i0 + l]; m < end; ++m) {
                if (!isActive(static_cast<MembershipStatus>(in.status[m]))) continue;
                const double* o =
                    &in.institution_orientation[std::size_t(in.membership_institution[m]) * D];
                for (std::uint32_t d = 0; d < D; ++d) sum[d] += o[d] - a[d][l];
                ++n;
            }
            for (std::uint32_t d = 0; d < D; ++d) pull[d][l] = sum[d];
            count[l] = n;
        }
        I<W> n;
        std::memcpy(&n, count, sizeof n);
        const I<W> any = n > 0;
        const F<W> countd = lanes::smallIntToDouble<W>(n);
        for (std::uint32_t d = 0; d < D; ++d)
            delta[d] = any ? delta[d] + in.institution_pull * load<W>(pull[d]) / countd : delta[d];
    }
    if (in.reversion != 0) {
        const I<W> row = state > std::int64_t(in.last_state_row)
                             ? I<W>{} + std::int64_t(in.last_state_row)
                             : state;
        std::uint32_t military_bits = 0;
        if (in.military_shift)
            for (int l = 0; l < W; ++l)
                military_bits |= std::uint32_t(in.regime[i0 + l] == std::uint8_t(Regime::military))
                                 << l;
        const I<W> military = maskFromBits<W>(military_bits);
        for (std::uint32_t d = 0; d < D; ++d) {
            const F<W> base = gather<W>(in.alignment_baseline, row * D + d);
            const F<W> shifted =
                in.military_shift ? clampLanes<W>(base + in.military_shift[d], -1.0, 1.0) : base;
            delta[d] += in.reversion * ((military ? shifted : base) - ai[d]);
        }
    }
    if (in.noise_sd != 0)
        for (std::uint32_t d = 0; d < D; ++d) delta[d] += in.noise_sd * load<W>(noise[d]);

    F<W> out[D];
    for (std::uint32_t d = 0; d < D; ++d) out[d] = clampLanes<W>(ai[d] + delta[d], -1.0, 1.0);
    double* to = &in.next_alignment[std::size_t(i0) * D];
    if constexpr (D == 1) {
        std::memcpy(to, &out[0], sizeof out[0]);
    } else if constexpr (D == 2 && W == 4) {
        const F<4> a = __builtin_shufflevector(out[0], out[1], 0, 4, 1, 5);
        const F<4> b = __builtin_shufflevector(out[0], out[1], 2, 6, 3, 7);
        std::memcpy(to, &a, sizeof a);
        std::memcpy(to + 4, &b, sizeof b);
    } else if constexpr (D == 2 && W == 8) {
        const F<8> a = __builtin_shufflevector(out[0], out[1], 0, 8, 1, 9, 2, 10, 3, 11);
        const F<8> b = __builtin_shufflevector(out[0], out[1], 4, 12, 5, 13, 6, 14, 7, 15);
        std::memcpy(to, &a, sizeof a);
        std::memcpy(to + 8, &b, sizeof b);
    } else {
        for (int l = 0; l < W; ++l)
            for (std::uint32_t d = 0; d < D; ++d) to[l * D + d] = out[d][l];
    }
}

// States [from, to), to - from a multiple of W; noise[d] holds the normals of axis d from state
// `from` on.
template <int W, std::uint32_t D, bool kUnit>
[[gnu::always_inline]] inline void alignBlocks(const Inputs& in, const double* const* noise,
                                               std::uint32_t from, std::uint32_t to) {
    const double* lane_noise[D];
    PrefetchCursor cursor{in.offsets[from], in.offsets[from]};
    for (std::uint32_t i = from; i < to; i += W) {
        if (in.peer_rate != 0) {
            cursor.until = std::min(in.offsets[i + W] + kPrefetchAhead, in.entry_count);
            // Catch up where the last block's rounds were too few (rare).
            while (cursor.next + kPrefetchAhead / 2 < cursor.until) prefetchSome<D>(in, cursor);
        }
        for (std::uint32_t d = 0; d < D; ++d) lane_noise[d] = noise[d] + (i - from);
        alignLanes<W, D, kUnit>(in, lane_noise, i, cursor);
    }
}

}  // namespace regsim::alignment_lanes
