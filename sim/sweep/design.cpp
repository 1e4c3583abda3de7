#include "sweep/design.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "core/portable_math.hpp"
#include "core/rng.hpp"
#include "sweep/saltelli.hpp"
#include "sweep/sobol_sequence.hpp"

namespace regsim {
namespace {

// Stream tags in the `step` field keep design streams apart from each other and from any run's
// streams (runs use small step numbers). No Purpose value is reserved for designs.
constexpr std::uint64_t uniform_step_tag = 0x554e49464f524d00ull;  // "UNIFORM"
constexpr std::uint64_t lhs_step_tag = 0x4c48530000000000ull;      // "LHS"

constexpr std::uint64_t saturated = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturatingMul(std::uint64_t a, std::uint64_t b) {
    if (a != 0 && b > saturated / a) return saturated;
    return a * b;
}

std::string str(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", x);
    return buf;
}

bool sampled(DesignKind kind) { return kind != DesignKind::grid; }

void validateParameters(const DesignSpec& spec) {
    const std::string design(designKindName(spec.kind));
    if (spec.parameters.empty()) throw std::invalid_argument(design + " design: no parameters");
    std::set<std::string> seen;
    for (const SweptParameter& p : spec.parameters) {
        if (p.key.empty()) throw std::invalid_argument(design + " design: empty parameter key");
        if (!seen.insert(p.key).second) {
            throw std::invalid_argument("parameter " + p.key + " is swept twice");
        }
        if (!sampled(spec.kind)) {
            if (p.values.empty()) throw std::invalid_argument("empty values for " + p.key);
            for (double v : p.values) {
                if (!std::isfinite(v)) {
                    throw std::invalid_argument("non-finite value for " + p.key);
                }
                if (p.integer && v != std::floor(v)) {
                    throw std::invalid_argument("non-integer value " + str(v) + " for integer " +
                                                "parameter " + p.key);
                }
            }
            continue;
        }
        if (!p.values.empty()) {
            throw std::invalid_argument("values given for " + p.key + ", but the " + design +
                                        " design samples [low, high]");
        }
        if (!std::isfinite(p.low) || !std::isfinite(p.high)) {
            throw std::invalid_argument("non-finite range for " + p.key);
        }
        if (!(p.low < p.high)) {
            throw std::invalid_argument("empty range for " + p.key + ": low (" + str(p.low) +
                                        ") >= high (" + str(p.high) + ")");
        }
        if (p.log_scale && !(p.low > 0.0)) {
            throw std::invalid_argument("log_scale range for " + p.key + " needs low > 0, got " +
                                        str(p.low));
        }
        if (p.integer && std::ceil(p.low) > std::floor(p.high)) {
            throw std::invalid_argument("empty range for " + p.key + ": no integer in [" +
                                        str(p.low) + ", " + str(p.high) + "]");
        }
    }
}

void validate(const DesignSpec& spec) {
    const std::string design(designKindName(spec.kind));
    validateParameters(spec);
    if (sampled(spec.kind) && spec.samples == 0) {
        throw std::invalid_argument(design + " design: samples must be at least 1");
    }
    if (spec.kind == DesignKind::saltelli && spec.samples < 2) {
        throw std::invalid_argument("saltelli design: samples (base N) must be at least 2");
    }
    const std::size_t k = spec.parameters.size();
    if (spec.kind == DesignKind::sobol && k > SobolSequence::max_dimensions) {
        throw std::invalid_argument("sobol design: " + std::to_string(k) + " parameters; at most " +
                                    std::to_string(SobolSequence::max_dimensions));
    }
    if (spec.kind == DesignKind::saltelli && 2 * k > SobolSequence::max_dimensions) {
        throw std::invalid_argument("saltelli design: " + std::to_string(k) +
                                    " parameters; at most " +
                                    std::to_string(SobolSequence::max_dimensions / 2));
    }
    const std::uint64_t n = designPointCount(spec);
    if (n > spec.max_points) {
        throw std::invalid_argument("too many points: " + str(static_cast<double>(n)) +
                                    " > max_points (" + std::to_string(spec.max_points) + ")");
    }
    if ((spec.kind == DesignKind::sobol || spec.kind == DesignKind::saltelli) &&
        spec.samples > SobolSequence::max_points) {
        throw std::invalid_argument(design + " design: samples past 2^32");
    }
}

// Maps u in [0, 1) onto the parameter's range (see SweptParameter).
double fromUnit(const SweptParameter& p, double u) {
    if (p.integer) {
        const double lo = std::ceil(p.low);
        const double hi = std::floor(p.high);
        // Integers k in [lo, hi] get the continuous cell [k, k + 1) (log cells when log_scale).
        const double x =
            p.log_scale ? pmath::exp(pmath::log(lo) + u * (pmath::log(hi + 1) - pmath::log(lo)))
                        : lo + u * (hi - lo + 1);
        return std::clamp(std::floor(x), lo, hi);
    }
    const double x =
        p.log_scale ? pmath::exp(pmath::log(p.low) + u * (pmath::log(p.high) - pmath::log(p.low)))
                    : p.low + u * (p.high - p.low);
    return std::clamp(x, p.low, p.high);  // rounding must not leave the range
}

std::vector<std::vector<double>> gridPoints(const DesignSpec& spec, std::uint64_t n) {
    const std::size_t k = spec.parameters.size();
    std::vector<std::vector<double>> points;
    points.reserve(n);
    std::vector<std::size_t> digit(k, 0);  // mixed-radix counter, last parameter fastest
    for (std::uint64_t p = 0; p < n; ++p) {
        std::vector<double> row(k);
        for (std::size_t d = 0; d < k; ++d) row[d] = spec.parameters[d].values[digit[d]];
        points.push_back(std::move(row));
        for (std::size_t d = k; d-- > 0;) {
            if (++digit[d] < spec.parameters[d].values.size()) break;
            digit[d] = 0;
        }
    }
    return points;
}

// Unit points of the random designs. One stream per dimension, so adding a parameter or
// raising `samples` (uniform) leaves the existing columns' values unchanged.
std::vector<std::vector<double>> uniformUnitPoints(const DesignSpec& spec) {
    const std::size_t k = spec.parameters.size();
    std::vector<std::vector<double>> u(spec.samples, std::vector<double>(k));
    for (std::size_t d = 0; d < k; ++d) {
        RandomStream stream(RngKey{.seed = spec.design_seed,
                                   .step = uniform_step_tag,
                                   .entity = d,
                                   .purpose = Purpose::decision});
        for (auto& row : u) row[d] = stream.uniform();
    }
    return u;
}

// McKay, Beckman & Conover (1979): stratum perm_d[p] of n in dimension d, jittered inside.
std::vector<std::vector<double>> latinHypercubeUnitPoints(const DesignSpec& spec) {
    const std::size_t k = spec.parameters.size();
    const std::uint64_t n = spec.samples;
    std::vector<std::vector<double>> u(n, std::vector<double>(k));
    std::vector<std::uint64_t> perm(n);
    const double below_one = std::nextafter(1.0, 0.0);
    for (std::size_t d = 0; d < k; ++d) {
        RandomStream stream(RngKey{.seed = spec.design_seed,
                                   .step = lhs_step_tag,
                                   .entity = d,
                                   .purpose = Purpose::decision});
        for (std::uint64_t i = 0; i < n; ++i) perm[i] = i;
        for (std::uint64_t i = n; i-- > 1;) std::swap(perm[i], perm[stream.below(i + 1)]);
        for (std::uint64_t p = 0; p < n; ++p) {
            const double x =
                (static_cast<double>(perm[p]) + stream.uniform()) / static_cast<double>(n);
            u[p][d] = std::min(x, below_one);
        }
    }
    return u;
}

}  // namespace

std::string_view designKindName(DesignKind kind) {
    switch (kind) {
        case DesignKind::grid:
            return "grid";
        case DesignKind::uniform:
            return "uniform";
        case DesignKind::latin_hypercube:
            return "latin_hypercube";
        case DesignKind::sobol:
            return "sobol";
        case DesignKind::saltelli:
            return "saltelli";
    }
    return "unknown";
}

DesignKind designKindFromName(std::string_view name) {
    for (DesignKind kind : {DesignKind::grid, DesignKind::uniform, DesignKind::latin_hypercube,
                            DesignKind::sobol, DesignKind::saltelli}) {
        if (designKindName(kind) == name) return kind;
    }
    throw std::invalid_argument("unknown design \"" + std::string(name) +
                                "\"; known: grid, uniform, latin_hypercube, sobol, saltelli");
}

std::uint64_t designPointCount(const DesignSpec& spec) {
    switch (spec.kind) {
        case DesignKind::grid: {
            std::uint64_t n = spec.parameters.empty() ? 0 : 1;
            for (const auto& p : spec.parameters) n = saturatingMul(n, p.values.size());
            return n;
        }
        case DesignKind::saltelli:
            return saturatingMul(spec.samples, spec.parameters.size() + 2);
        default:
            return spec.samples;
    }
}

std::vector<std::vector<double>> makeDesign(const DesignSpec& spec) {
    validate(spec);
    if (spec.kind == DesignKind::grid) return gridPoints(spec, designPointCount(spec));

    std::vector<std::vector<double>> points;
    const std::optional<std::uint64_t> scramble_seed =
        spec.scramble ? std::optional<std::uint64_t>(spec.design_seed) : std::nullopt;
    switch (spec.kind) {
        case DesignKind::uniform:
            points = uniformUnitPoints(spec);
            break;
        case DesignKind::latin_hypercube:
            points = latinHypercubeUnitPoints(spec);
            break;
        case DesignKind::sobol:
            points = SobolSequence(spec.parameters.size(), scramble_seed).points(0, spec.samples);
            break;
        default:
            points = saltelliUnitPoints(spec.parameters.size(), spec.samples, scramble_seed);
            break;
    }
    for (auto& row : points) {
        for (std::size_t d = 0; d < row.size(); ++d) row[d] = fromUnit(spec.parameters[d], row[d]);
    }
    return points;
}

std::vector<double> linspace(double low, double high, std::uint64_t steps) {
    if (steps == 0) throw std::invalid_argument("linspace: steps must be at least 1");
    if (!std::isfinite(low) || !std::isfinite(high)) {
        throw std::invalid_argument("linspace: non-finite end value");
    }
    std::vector<double> v(steps);
    for (std::uint64_t i = 0; i < steps; ++i) {
        const double t = steps == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(steps - 1);
        v[i] = low + t * (high - low);
    }
    if (steps > 1) v.back() = high;  // exact end value despite rounding
    return v;
}

std::vector<double> logspace(double low, double high, std::uint64_t steps) {
    if (!(low > 0.0) || !(high > 0.0)) {
        throw std::invalid_argument("logspace: end values must be > 0, got " + str(low) + " and " +
                                    str(high));
    }
    std::vector<double> v = linspace(pmath::log(low), pmath::log(high), steps);
    for (double& x : v) x = pmath::exp(x);
    v.front() = low;
    if (steps > 1) v.back() = high;
    return v;
}

}  // namespace regsim
