#pragma once
// Sweep designs: which parameter values a sweep runs, as a deterministic function of a
// DesignSpec (no global RNG, no std:: distributions; docs/sweeps.md). The result is a plain
// table, points[p][d] = value of parameters[d] at point p; building run plans from it (run ids,
// replicates, seeds) is the sweep runner's job.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace regsim {

// One swept scenario key. Grid designs use `values`; the sampled designs use [low, high].
struct SweptParameter {
    std::string key;             // scenario key path, e.g. "model.peer_weight"
    std::vector<double> values;  // grid: explicit values (linspace/logspace expand ranges)
    double low = 0.0;            // sampled designs: lower bound (> 0 when log_scale)
    double high = 1.0;           // sampled designs: upper bound (> low)
    bool log_scale = false;      // sample log(value) uniformly instead of value
    bool integer = false;        // integer values in [ceil(low), floor(high)], each bound included
};

enum class DesignKind { grid, uniform, latin_hypercube, sobol, saltelli };

struct DesignSpec {
    DesignKind kind = DesignKind::grid;
    std::vector<SweptParameter> parameters;
    std::uint64_t samples = 0;      // uniform / latin_hypercube / sobol: points; saltelli: base N
    std::uint64_t design_seed = 0;  // seeds the sampling, never the runs
    bool scramble = false;          // sobol / saltelli: Owen-scrambled sequence
    std::uint64_t max_points = 10'000'000;  // refuse designs larger than this
};

// snake_case names as written in sweep files: "grid", "uniform", "latin_hypercube", ...
std::string_view designKindName(DesignKind kind);
// Throws std::invalid_argument listing the known names.
DesignKind designKindFromName(std::string_view name);

// Number of points the spec produces (saltelli: samples * (k + 2)), saturating at UINT64_MAX;
// does not validate the parameters.
std::uint64_t designPointCount(const DesignSpec& spec);

// The design's points. Throws std::invalid_argument naming the problem, e.g.
// "too many points: 1.2e+09 > max_points (10000000)" or "empty range for model.x: ...".
std::vector<std::vector<double>> makeDesign(const DesignSpec& spec);

// `steps` evenly spaced values from low to high, both included (steps == 1 gives {low}).
std::vector<double> linspace(double low, double high, std::uint64_t steps);
// `steps` geometrically spaced values from low to high, both included; low, high > 0.
// Unlike numpy.logspace the arguments are the end values, not their exponents.
std::vector<double> logspace(double low, double high, std::uint64_t steps);

}  // namespace regsim
