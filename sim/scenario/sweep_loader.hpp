#pragma once
// Sweep files (docs/sweeps.md, "Sweep file"): a base scenario, a design and the swept
// parameters, parsed into a SweepSpec. Like scenario files, every input error is a
// ScenarioError with the sweep file's line and column; toml++ stays inside this layer.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "record/run_result.hpp"
#include "scenario/scenario_error.hpp"
#include "scenario/scenario_loader.hpp"
#include "sweep/design.hpp"

namespace regsim {

struct SweepSpec {
    std::string path;           // the sweep file
    std::string text;           // its text (provenance; part of the sweep hash)
    std::string scenario_path;  // as resolved (relative to the sweep file's folder)
    std::string scenario_text;
    std::shared_ptr<const ScenarioTemplate> scenario_template;  // parsed once, for the points
    Scenario scenario;             // the base scenario, without overrides
    std::uint32_t replicates = 1;  // per point
    std::uint64_t seed = 1;        // simulation seed (default: the scenario's)
    std::uint32_t steps = 1;       // default: the scenario's
    std::string record_text = "summary";
    RecordConfig record{false, 1};
    DesignSpec design;
    std::vector<std::vector<double>> points;  // makeDesign(design): points[p][d]
};

SweepSpec loadSweepFile(const std::string& path);
SweepSpec loadSweepText(const std::string& text, const std::string& path);

// "key=value" overrides of point `p`, one per swept parameter, values printed with %.17g
// (so they read back as the same double).
std::vector<std::string> pointOverrides(const SweepSpec& spec, std::uint64_t point);
// The base scenario text with point p's overrides applied and validated.
Scenario loadPointScenario(const SweepSpec& spec, std::uint64_t point);

// The design as JSON (provenance attribute `parameters`), fixed key order.
std::string sweepDesignJson(const SweepSpec& spec);
// FNV-1a 64 of sweep text, a NUL, scenario text (and a NUL and the network file's
// network_hash when the scenario reads one), as 16 hex digits: identifies a sweep.
std::string sweepHash(const SweepSpec& spec);

}  // namespace regsim
