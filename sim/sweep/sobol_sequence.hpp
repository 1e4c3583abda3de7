#pragma once
// Sobol' low-discrepancy sequence (Sobol' 1967) with the Joe & Kuo (2008) direction numbers
// "new-joe-kuo-6.21201", generated in Gray-code order (Antonov & Saleev 1979) as in Joe and
// Kuo's own generator. Dimension 1 is the van der Corput sequence in base 2.
//
// Index 0 is the all-zeros point and is kept (not skipped): then the first 2^m points of every
// dimension hit each interval [j/2^m, (j+1)/2^m) exactly once, a property that dropping the
// first point destroys (Owen 2020, "On dropping the first Sobol' point"). Points 1, 2, 3 ...
// are the ones Joe and Kuo list: in 2-D (0.5, 0.5), (0.75, 0.25), (0.25, 0.75), ...
//
// Optional scrambling is nested uniform (Owen 1995) scrambling done with the hash of Burley
// (2020, "Practical hash-based Owen scrambling"), one 32-bit seed per dimension derived from a
// design seed; it keeps the net property above and makes every point uniform on [0, 1)^d.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace regsim {

class SobolSequence {
  public:
    // Dimensions for which direction numbers are embedded (rows d = 2..64 of the table).
    static constexpr std::size_t max_dimensions = 64;
    // Bits per coordinate: the sequence has 2^32 distinct points.
    static constexpr int bits = 32;
    static constexpr std::uint64_t max_points = std::uint64_t{1} << bits;

    // Throws std::invalid_argument for 0 or more than max_dimensions dimensions.
    explicit SobolSequence(std::size_t dimensions,
                           std::optional<std::uint64_t> scramble_seed = std::nullopt);

    std::size_t dimensions() const { return dimensions_; }

    // Coordinates of point `index` as 32-bit fractions (value = x / 2^32), scrambled if asked.
    std::vector<std::uint32_t> integerPoint(std::uint64_t index) const;

    // Points first .. first+count-1 in [0, 1)^d; result[p][d]. Throws std::invalid_argument if
    // the range goes past max_points.
    std::vector<std::vector<double>> points(std::uint64_t first, std::uint64_t count) const;

    // Direction numbers v_{d,k} (k = 1..bits) of dimension d (0-based), as 32-bit fractions.
    const std::vector<std::uint32_t>& directions(std::size_t d) const { return directions_[d]; }

  private:
    std::uint32_t finish(std::size_t d, std::uint32_t x) const;

    std::size_t dimensions_;
    std::vector<std::vector<std::uint32_t>> directions_;
    std::vector<std::uint32_t> scramble_seeds_;  // empty: not scrambled
};

// Nested uniform scramble of a 32-bit fraction: bit j of the result depends on bit j and the
// bits above it only, so elementary intervals map onto elementary intervals.
std::uint32_t owenScramble(std::uint32_t x, std::uint32_t seed);

}  // namespace regsim
