#pragma once
// Counter-based random streams: every draw is a pure function of
// (seed, replicate, step, entity, purpose, counter), so no result depends on thread count,
// scheduling or the order in which entities are visited (docs/model.md, "Stochasticity").
// The mixer is SplitMix64's finaliser applied to a running combination of the key parts;
// each part passes through the finaliser so that adjacent integers (replicates 0, 1, 2 ...)
// give unrelated streams.

#include <cmath>
#include <cstdint>

#include "core/portable_math.hpp"

namespace regsim {

enum class Purpose : std::uint32_t {
    alignment_noise = 1,
    decision = 2,
    initial_exit = 3,
    network = 4,
    replicate_seed = 5,
};

inline constexpr std::uint64_t mix64(std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Key of one stream. Draws inside a stream are indexed by a counter.
struct RngKey {
    std::uint64_t seed = 0;
    std::uint64_t replicate = 0;
    std::uint64_t step = 0;
    std::uint64_t entity = 0;
    Purpose purpose = Purpose::decision;

    constexpr std::uint64_t hash() const {
        return finishHash(stepHash(seed, replicate, step), entity, purpose);
    }

    // The hash in two parts, so that a loop over entities hashes (seed, replicate, step) once:
    // finishHash(stepHash(s, r, t), e, p) == RngKey{s, r, t, e, p}.hash().
    static constexpr std::uint64_t stepHash(std::uint64_t seed, std::uint64_t replicate,
                                            std::uint64_t step) {
        std::uint64_t h = mix64(seed);
        h = mix64(h ^ mix64(replicate + 0x1000));
        return mix64(h ^ mix64(step + 0x2000));
    }
    static constexpr std::uint64_t finishHash(std::uint64_t step_hash, std::uint64_t entity,
                                              Purpose purpose) {
        const std::uint64_t h = mix64(step_hash ^ mix64(entity + 0x3000));
        return mix64(h ^ mix64(static_cast<std::uint64_t>(purpose) + 0x4000));
    }
};

// Two independent standard normals from u1 in (0, 1] and u2 in [0, 1) (Box-Muller):
// r cos(theta) and r sin(theta), r = sqrt(-2 ln u1), theta = 2 pi u2.
struct NormalPair {
    double first, second;
};
[[gnu::always_inline]] inline NormalPair boxMuller(double u1, double u2) {
    const double r = std::sqrt(-2.0 * pmath::log(u1));
    const auto sc = pmath::sincos2pi(u2);
    return {r * sc.cos, r * sc.sin};
}

// A stream: cheap to make on the stack for one entity and step.
class RandomStream {
  public:
    explicit constexpr RandomStream(const RngKey& key) : base_(key.hash()) {}
    // From RngKey::stepHash of (seed, replicate, step): the same stream as the RngKey.
    constexpr RandomStream(std::uint64_t step_hash, std::uint64_t entity, Purpose purpose)
        : base_(RngKey::finishHash(step_hash, entity, purpose)) {}

    constexpr std::uint64_t nextU64() { return mix64(base_ + 0x632BE59BD9B4E019ull * ++counter_); }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(nextU64() >> 11) * 0x1.0p-53; }

    // Standard normals by Box-Muller, in pairs: the first call draws two uniforms and returns
    // r cos(theta), the second returns the pair's r sin(theta). Portable log, cos and sin
    // (core/portable_math.hpp): the same bits on every machine.
    [[gnu::always_inline]] double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const double u1 = 1.0 - uniform();  // (0, 1]
        const double u2 = uniform();
        const auto pair = boxMuller(u1, u2);
        spare_ = pair.second;
        has_spare_ = true;
        return pair.first;
    }

    // Uniform integer in [0, n) by Lemire's multiply-shift (bias < 2^-32 for n < 2^32).
    std::uint64_t below(std::uint64_t n) {
        __extension__ using Wide = unsigned __int128;  // GCC/Clang; -Wpedantic-clean
        return static_cast<std::uint64_t>((static_cast<Wide>(nextU64()) * n) >> 64);
    }

  private:
    std::uint64_t base_;
    std::uint64_t counter_ = 0;
    double spare_ = 0.0;  // the pair's second normal, while has_spare_
    bool has_spare_ = false;
};

}  // namespace regsim
