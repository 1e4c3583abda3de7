// Phase 3: alignment (docs/model.md, "Submodel 3"):
//   a_i(t+1) = clamp(a_i + mu * peer pull + nu * sum_p e_pi (o_p - a_i)
//                    + eta * mean_j (o_j - a_i) + r * (baseline_i - a_i) + sigma * N(0,1))
// The peer pull is the weighted mean of (a_k - a_i) over influence neighbours k, restricted to
// |a_k - a_i| < epsilon when bounded confidence is on (Deffuant/Hegselmann-Krause).
//
// Speed (docs/performance.md, "Full model step"): the neighbours' alignments are random reads,
// so each neighbour read prefetches the one kPrefetchAhead entries further on in the edge
// stream (a separate loop over a later row would end, like the row itself, in a mispredicted
// branch per state), and a neighbour outside the confidence bound gets weight 0 through a bit
// mask instead of a branch (a mispredicted branch on loaded data would serialise the misses).
// Adding w = +0.0 leaves every sum bit for bit unchanged: the sums start at +0.0 and
// round-to-nearest never turns them into -0.0. The bound test sqrt(d2) < epsilon is d2 < T with T
// found once per step (no square root per neighbour). Unit-weight influence graphs store no weights
// (graph/csr.hpp): w = 1.0 then, the stored value it replaces, chosen once per step by a template
// parameter rather than per neighbour. The noise is drawn for a block of states at a time into a
// stack buffer (core/draw_batch.hpp: several streams per instruction where the CPU has AVX2 or
// AVX-512), the same bits as each state's own RandomStream, so the result depends neither on the
// CPU nor on the blocks. With 1-3 axes and AVX2 or AVX-512, whole groups of 4 or 8 states are
// updated in SIMD lanes (dynamics/alignment_lanes.hpp, the same bits); alignState below is the
// reference, and runs the rest.

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/draw_batch.hpp"
#include "core/rng.hpp"
#include "dynamics/alignment_lanes.hpp"
#include "dynamics/baselines.hpp"
#include "dynamics/lane_width.hpp"
#include "dynamics/parallel.hpp"
#include "dynamics/phases.hpp"

namespace regsim {

namespace {

constexpr std::uint32_t kPrefetchAhead = 32;
constexpr std::uint32_t kDrawBlock = 128;  // states whose noise is drawn at once

// The normals of states first .. first + kDrawBlock - 1: state i's d-th normal() is
// pair[d / 2][d % 2][i - first], as its RandomStream would have returned it.
template <std::uint32_t kAxes>
struct NoiseBlock {
    static constexpr std::uint32_t kPairs = ((kAxes > 0 ? kAxes : kMaxAxes) + 1) / 2;
    double pair[kPairs][2][kDrawBlock];
    std::uint32_t first = 0;

    void draw(const DrawPath& path, std::uint64_t noise_hash, std::uint32_t from,
              std::uint32_t count, std::uint32_t axes) {
        first = from;
        for (std::uint32_t q = 0; q < (axes + 1) / 2; ++q)
            path.normal_pairs(noise_hash, Purpose::alignment_noise, from, count, q, pair[q][0],
                              pair[q][1]);
    }
    double at(std::uint32_t i, std::uint32_t d) const { return pair[d / 2][d % 2][i - first]; }
};

// One state's update. kAxes > 0 fixes the axis count at compile time (unrolled loops, no
// zeroing of 16-wide buffers); kAxes = 0 reads it from the topology. kUnit: the influence
// graph stores no weights, every weight is 1.
template <std::uint32_t kAxes, bool kUnit>
void alignState(const StepContext& ctx, const NoiseBlock<kAxes>& noise, double bound2,
                std::uint32_t i) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto& now = ctx.now;
    const std::uint32_t D = kAxes > 0 ? kAxes : topo.axis_count;
    constexpr std::uint32_t kBuf = kAxes > 0 ? kAxes : kMaxAxes;
    const double* ai = &now.alignment[std::size_t(i) * D];
    double delta[kBuf];
    for (std::uint32_t d = 0; d < D; ++d) delta[d] = 0.0;

    if (p.peer_alignment_rate != 0) {
        const auto inf = topo.influence.view();
        const bool bounded = std::isfinite(p.confidence_bound);
        const std::uint32_t last = inf.end(topo.state_count - 1);
        double wsum = 0.0;
        double pull[kBuf];
        for (std::uint32_t d = 0; d < D; ++d) pull[d] = 0.0;
        for (auto e = inf.begin(i); e < inf.end(i); ++e) {
            // The neighbour kPrefetchAhead entries further on in the edge stream.
            const auto ahead = std::min(e + kPrefetchAhead, last - 1);
            __builtin_prefetch(&now.alignment[std::size_t(inf.targets[ahead]) * D]);
            const double* ak = &now.alignment[std::size_t(inf.targets[e]) * D];
            double w = kUnit ? 1.0 : inf.weights[e].weight;
            if (bounded) {
                double d2 = 0.0;
                for (std::uint32_t d = 0; d < D; ++d) d2 += (ak[d] - ai[d]) * (ak[d] - ai[d]);
                // A mask, not `d2 < bound2 ? w : 0.0`, which GCC turns back into a branch.
                const auto keep = std::uint64_t(0) - std::uint64_t(d2 < bound2);
                w = std::bit_cast<double>(std::bit_cast<std::uint64_t>(w) & keep);
            }
            wsum += w;
            for (std::uint32_t d = 0; d < D; ++d) pull[d] += w * (ak[d] - ai[d]);
        }
        if (wsum > 0)
            for (std::uint32_t d = 0; d < D; ++d)
                delta[d] += p.peer_alignment_rate * pull[d] / wsum;
    }
    if (p.patron_pull != 0) {
        for (std::uint32_t q = 0; q < topo.patron_count; ++q) {
            const double e = now.engagement[std::size_t(q) * topo.state_count + i];
            if (e == 0) continue;
            const double* o = &topo.patron_orientation[std::size_t(q) * D];
            for (std::uint32_t d = 0; d < D; ++d) delta[d] += p.patron_pull * e * (o[d] - ai[d]);
        }
    }
    if (p.institution_pull != 0) {
        double pull[kBuf];
        for (std::uint32_t d = 0; d < D; ++d) pull[d] = 0.0;
        int count = 0;
        for (auto m = topo.state_first_membership[i]; m < topo.state_first_membership[i + 1]; ++m) {
            if (!isActive(static_cast<MembershipStatus>(now.status[m]))) continue;
            const double* o =
                &topo.institution_orientation[std::size_t(topo.membership_institution[m]) * D];
            for (std::uint32_t d = 0; d < D; ++d) pull[d] += o[d] - ai[d];
            ++count;
        }
        if (count > 0)
            for (std::uint32_t d = 0; d < D; ++d) delta[d] += p.institution_pull * pull[d] / count;
    }
    if (p.alignment_reversion != 0) {
        for (std::uint32_t d = 0; d < D; ++d)
            delta[d] += p.alignment_reversion * (alignmentBaseline(ctx, i, d) - ai[d]);
    }
    if (p.alignment_noise != 0)
        for (std::uint32_t d = 0; d < D; ++d) delta[d] += p.alignment_noise * noise.at(i, d);
    double* out = &ctx.next.alignment[std::size_t(i) * D];
    for (std::uint32_t d = 0; d < D; ++d) out[d] = std::clamp(ai[d] + delta[d], -1.0, 1.0);
}

// ---- Lanes: W states at once (dynamics/alignment_lanes.hpp) ---------------------------------

// The inputs of alignment_lanes::alignLanes for this step.
alignment_lanes::Inputs lanesInputs(const StepContext& ctx, double bound2) {
    const auto& p = ctx.scenario.model;
    const auto& topo = ctx.topology;
    const auto inf = topo.influence.view();
    alignment_lanes::Inputs in;
    in.offsets = inf.offsets;
    in.targets = inf.targets;
    in.weights = inf.weights;
    in.entry_count = inf.end(topo.state_count - 1);
    in.alignment = ctx.now.alignment.data();
    in.next_alignment = ctx.next.alignment.data();
    in.state_count = topo.state_count;
    in.peer_rate = p.peer_alignment_rate;
    in.bound2 = bound2;
    in.bounded = std::isfinite(p.confidence_bound);
    in.patron_pull = p.patron_pull;
    in.patron_count = topo.patron_count;
    in.engagement = ctx.now.engagement.data();
    in.patron_orientation = topo.patron_orientation.data();
    in.institution_pull = p.institution_pull;
    in.status = ctx.now.status.data();
    in.first_membership = topo.state_first_membership.data();
    in.membership_institution = topo.membership_institution.data();
    in.institution_orientation = topo.institution_orientation.data();
    in.reversion = p.alignment_reversion;
    in.alignment_baseline = topo.state_alignment_baseline.data();
    in.last_state_row = topo.last_state_row;
    in.regime = ctx.now.regime.data();
    in.military_shift =
        p.military_alignment_shift.empty() ? nullptr : p.military_alignment_shift.data();
    in.noise_sd = p.alignment_noise;
    return in;
}

template <std::uint32_t D, bool kUnit>
REGSIM_TARGET_AVX2 void alignBlocksAvx2(const alignment_lanes::Inputs& in,
                                        const double* const* noise, std::uint32_t from,
                                        std::uint32_t to) {
    alignment_lanes::alignBlocks<4, D, kUnit>(in, noise, from, to);
}
template <std::uint32_t D, bool kUnit>
REGSIM_TARGET_AVX512 void alignBlocksAvx512(const alignment_lanes::Inputs& in,
                                            const double* const* noise, std::uint32_t from,
                                            std::uint32_t to) {
    alignment_lanes::alignBlocks<8, D, kUnit>(in, noise, from, to);
}

// States [begin, end), a block of draws at a time; in lanes where the CPU has them for every
// whole group of W states, the scalar update for the rest.
template <std::uint32_t kAxes, bool kUnit>
void alignRange(const StepContext& ctx, const DrawPath& draws, std::uint64_t noise_hash,
                double bound2, std::uint32_t begin, std::uint32_t end) {
    const bool noisy = ctx.scenario.model.alignment_noise != 0;
    NoiseBlock<kAxes> noise;
    std::uint32_t width = 0;
    alignment_lanes::Inputs in;
    if constexpr (kAxes > 0) {
        width = laneWidth();
        if (width > 0) in = lanesInputs(ctx, bound2);
    }
    for (std::uint32_t b = begin; b < end; b += kDrawBlock) {
        const std::uint32_t e = std::min(end, b + kDrawBlock);
        if (noisy) noise.draw(draws, noise_hash, b, e - b, ctx.topology.axis_count);
        std::uint32_t i = b;
        if constexpr (kAxes > 0) {
            if (width > 0) {
                const std::uint32_t to = b + (e - b) / width * width;
                const double* block_noise[kAxes];  // state b's normals (noise.first == b)
                for (std::uint32_t d = 0; d < kAxes; ++d) block_noise[d] = noise.pair[d / 2][d % 2];
                if (width == 8)
                    alignBlocksAvx512<kAxes, kUnit>(in, block_noise, b, to);
                else
                    alignBlocksAvx2<kAxes, kUnit>(in, block_noise, b, to);
                i = to;
            }
        }
        for (; i < e; ++i) alignState<kAxes, kUnit>(ctx, noise, bound2, i);
    }
}

template <std::uint32_t kAxes>
void alignAll(const StepContext& ctx) {
    const auto noise_hash = RngKey::stepHash(ctx.seed, ctx.replicate, ctx.step);
    const auto& draws = drawPath();
    const double eps = ctx.scenario.model.confidence_bound;
    const double bound2 = std::isfinite(eps) ? squaredBound(eps) : kInfinity;
    const bool unit = ctx.topology.influence.unitWeight();
    forEachRange(ctx.topology.state_count, kParallelGrain, [&](std::size_t b, std::size_t e) {
        if (unit)
            alignRange<kAxes, true>(ctx, draws, noise_hash, bound2, b, e);
        else
            alignRange<kAxes, false>(ctx, draws, noise_hash, bound2, b, e);
    });
}

}  // namespace

// IEEE sqrt is correctly rounded, hence monotone: the least T with sqrt(T) >= epsilon is one
// or two ulps from epsilon^2.
double squaredBound(double epsilon) {
    double t = epsilon * epsilon;
    while (std::sqrt(t) < epsilon) t = std::nextafter(t, kInfinity);
    while (t > 0 && std::sqrt(std::nextafter(t, 0.0)) >= epsilon) t = std::nextafter(t, 0.0);
    return t;
}

bool alignmentMoves(const ModelParams& p) {
    return p.peer_alignment_rate != 0 || p.patron_pull != 0 || p.institution_pull != 0 ||
           p.alignment_reversion != 0 || p.alignment_noise != 0;
}

void updateAlignment(StepContext& ctx) {
    if (!alignmentMoves(ctx.scenario.model)) return;  // next already holds a copy of now
    switch (ctx.topology.axis_count) {
        case 1:
            return alignAll<1>(ctx);
        case 2:
            return alignAll<2>(ctx);
        case 3:
            return alignAll<3>(ctx);
        default:
            return alignAll<0>(ctx);
    }
}

}  // namespace regsim
