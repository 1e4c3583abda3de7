#include "sweep/saltelli.hpp"

#include <stdexcept>
#include <string>

#include "sweep/sobol_sequence.hpp"

namespace regsim {

std::vector<std::vector<double>> saltelliUnitPoints(std::size_t k, std::uint64_t n_base,
                                                    std::optional<std::uint64_t> scramble_seed) {
    if (k == 0 || 2 * k > SobolSequence::max_dimensions) {
        throw std::invalid_argument("saltelli design: " + std::to_string(k) +
                                    " parameters; supported are 1.." +
                                    std::to_string(SobolSequence::max_dimensions / 2));
    }
    const SobolSequence sequence(2 * k, scramble_seed);
    const auto base = sequence.points(0, n_base);
    std::vector<std::vector<double>> out;
    out.reserve(n_base * (k + 2));
    for (const auto& row : base) {
        const std::vector<double> a(row.begin(), row.begin() + k);
        const std::vector<double> b(row.begin() + k, row.end());
        out.push_back(a);
        out.push_back(b);
        for (std::size_t i = 0; i < k; ++i) {
            out.push_back(a);
            out.back()[i] = b[i];
        }
    }
    return out;
}

}  // namespace regsim
