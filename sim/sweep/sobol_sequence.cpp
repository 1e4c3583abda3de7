#include "sweep/sobol_sequence.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "core/rng.hpp"

namespace regsim {
namespace {

// One row of new-joe-kuo-6.21201: degree s of the primitive polynomial, its inner coefficients
// a (bits a_1..a_{s-1}, a_1 the most significant), and the initial m_1..m_s.
struct JoeKuoRow {
    int s;
    std::uint32_t a;
    std::array<std::uint32_t, 9> m;
};

// Rows d = 2..64 of Joe & Kuo (2008), https://web.maths.unsw.edu.au/~fkuo/sobol/
// (new-joe-kuo-6.21201); dimension 1 (van der Corput) is not in the table.
constexpr std::array<JoeKuoRow, SobolSequence::max_dimensions - 1> joe_kuo = {{
    {1, 0, {1}},                                   // d = 2
    {2, 1, {1, 3}},                                // d = 3
    {3, 1, {1, 3, 1}},                             // d = 4
    {3, 2, {1, 1, 1}},                             // d = 5
    {4, 1, {1, 1, 3, 3}},                          // d = 6
    {4, 4, {1, 3, 5, 13}},                         // d = 7
    {5, 2, {1, 1, 5, 5, 17}},                      // d = 8
    {5, 4, {1, 1, 5, 5, 5}},                       // d = 9
    {5, 7, {1, 1, 7, 11, 19}},                     // d = 10
    {5, 11, {1, 1, 5, 1, 1}},                      // d = 11
    {5, 13, {1, 1, 1, 3, 11}},                     // d = 12
    {5, 14, {1, 3, 5, 5, 31}},                     // d = 13
    {6, 1, {1, 3, 3, 9, 7, 49}},                   // d = 14
    {6, 13, {1, 1, 1, 15, 21, 21}},                // d = 15
    {6, 16, {1, 3, 1, 13, 27, 49}},                // d = 16
    {6, 19, {1, 1, 1, 15, 7, 5}},                  // d = 17
    {6, 22, {1, 3, 1, 15, 13, 25}},                // d = 18
    {6, 25, {1, 1, 5, 5, 19, 61}},                 // d = 19
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},            // d = 20
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},             // d = 21
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},              // d = 22
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},               // d = 23
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},            // d = 24
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},             // d = 25
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},            // d = 26
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},              // d = 27
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},              // d = 28
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},             // d = 29
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},             // d = 30
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},             // d = 31
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},             // d = 32
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},              // d = 33
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},             // d = 34
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},             // d = 35
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},             // d = 36
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},              // d = 37
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},       // d = 38
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},        // d = 39
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},       // d = 40
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},         // d = 41
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},        // d = 42
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},         // d = 43
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},         // d = 44
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},        // d = 45
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},        // d = 46
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},          // d = 47
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},       // d = 48
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},        // d = 49
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},        // d = 50
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},        // d = 51
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},      // d = 52
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},       // d = 53
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},    // d = 54
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},      // d = 55
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},     // d = 56
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},   // d = 57
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},  // d = 58
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},   // d = 59
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},    // d = 60
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},   // d = 61
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},   // d = 62
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},   // d = 63
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},   // d = 64
}};

// Keys the per-dimension scramble seeds apart from any run's streams (runs use small steps).
constexpr std::uint64_t scramble_step_tag = 0x534f424f4c000000ull;  // "SOBOL"

std::uint32_t reverseBits(std::uint32_t x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}

std::vector<std::uint32_t> makeDirections(std::size_t d) {
    constexpr int L = SobolSequence::bits;
    std::vector<std::uint32_t> v(L);
    if (d == 0) {  // van der Corput: m_k = 1 for all k
        for (int k = 0; k < L; ++k) v[k] = std::uint32_t{1} << (L - 1 - k);
        return v;
    }
    const JoeKuoRow& row = joe_kuo[d - 1];
    const int s = row.s;
    for (int k = 0; k < s && k < L; ++k) v[k] = row.m[k] << (L - 1 - k);
    // Bratley & Fox recurrence on the scaled numbers v_k = m_k / 2^k:
    // v_k = a_1 v_{k-1} ^ ... ^ a_{s-1} v_{k-s+1} ^ v_{k-s} ^ (v_{k-s} >> s).
    for (int k = s; k < L; ++k) {
        std::uint32_t x = v[k - s] ^ (v[k - s] >> s);
        for (int j = 1; j < s; ++j) {
            if ((row.a >> (s - 1 - j)) & 1u) x ^= v[k - j];
        }
        v[k] = x;
    }
    return v;
}

int lowestZeroBit(std::uint64_t i) {
    int c = 0;
    while (i & 1u) {
        i >>= 1;
        ++c;
    }
    return c;
}

}  // namespace

std::uint32_t owenScramble(std::uint32_t x, std::uint32_t seed) {
    // Laine-Karras style permutation on the bit-reversed value (Burley 2020, listing 2):
    // adding and xor-ing multiples by even constants only carries towards higher bits.
    x = reverseBits(x);
    x += seed;
    x ^= x * 0x6c50b47cu;
    x ^= x * 0xb82f1e52u;
    x ^= x * 0xc7afe638u;
    x ^= x * 0x8d22f6e6u;
    return reverseBits(x);
}

SobolSequence::SobolSequence(std::size_t dimensions, std::optional<std::uint64_t> scramble_seed)
    : dimensions_(dimensions) {
    if (dimensions == 0 || dimensions > max_dimensions) {
        throw std::invalid_argument("sobol sequence: " + std::to_string(dimensions) +
                                    " dimensions; supported are 1.." +
                                    std::to_string(max_dimensions));
    }
    directions_.reserve(dimensions);
    for (std::size_t d = 0; d < dimensions; ++d) directions_.push_back(makeDirections(d));
    if (scramble_seed) {
        for (std::size_t d = 0; d < dimensions; ++d) {
            RandomStream stream(RngKey{.seed = *scramble_seed,
                                       .step = scramble_step_tag,
                                       .entity = d,
                                       .purpose = Purpose::decision});
            scramble_seeds_.push_back(static_cast<std::uint32_t>(stream.nextU64() >> 32));
        }
    }
}

std::uint32_t SobolSequence::finish(std::size_t d, std::uint32_t x) const {
    return scramble_seeds_.empty() ? x : owenScramble(x, scramble_seeds_[d]);
}

std::vector<std::uint32_t> SobolSequence::integerPoint(std::uint64_t index) const {
    if (index >= max_points) throw std::invalid_argument("sobol sequence: index past 2^32");
    // Gray-code order: point i is the xor of the directions of the set bits of i ^ (i >> 1).
    const std::uint64_t gray = index ^ (index >> 1);
    std::vector<std::uint32_t> x(dimensions_, 0);
    for (std::size_t d = 0; d < dimensions_; ++d) {
        for (int k = 0; k < bits; ++k) {
            if ((gray >> k) & 1u) x[d] ^= directions_[d][k];
        }
        x[d] = finish(d, x[d]);
    }
    return x;
}

std::vector<std::vector<double>> SobolSequence::points(std::uint64_t first,
                                                       std::uint64_t count) const {
    if (first > max_points || count > max_points - first) {
        throw std::invalid_argument("sobol sequence: points past 2^32 requested");
    }
    std::vector<std::vector<double>> out;
    out.reserve(count);
    if (count == 0) return out;
    // Start from the unscrambled point `first`, then step by one direction per point.
    std::vector<std::uint32_t> x(dimensions_, 0);
    const std::uint64_t gray = first ^ (first >> 1);
    for (std::size_t d = 0; d < dimensions_; ++d) {
        for (int k = 0; k < bits; ++k) {
            if ((gray >> k) & 1u) x[d] ^= directions_[d][k];
        }
    }
    constexpr double scale = 0x1.0p-32;
    for (std::uint64_t i = first;; ++i) {
        std::vector<double> row(dimensions_);
        for (std::size_t d = 0; d < dimensions_; ++d) row[d] = finish(d, x[d]) * scale;
        out.push_back(std::move(row));
        if (out.size() == count) break;
        const int c = lowestZeroBit(i);  // gray(i + 1) = gray(i) ^ (1 << c)
        for (std::size_t d = 0; d < dimensions_; ++d) x[d] ^= directions_[d][c];
    }
    return out;
}

}  // namespace regsim
