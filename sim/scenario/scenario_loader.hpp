#pragma once
// TOML scenario files -> validated, immutable Scenario (docs/scenarios.md). The only layer that
// names toml++; every input error is a ScenarioError with file, line, column and key path.

#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "scenario/scenario_error.hpp"

namespace regsim {

// overrides: "key.path=value" strings from `--set`, applied to the parsed TOML before
// validation (docs/scenarios.md, "Overrides").
Scenario loadScenarioFile(const std::string& path, const std::vector<std::string>& overrides = {});
Scenario loadScenarioText(const std::string& text, const std::string& path,
                          const std::vector<std::string>& overrides = {});

// Every resolved parameter as one JSON object with a fixed key order (provenance attribute
// `parameters`). States are listed in full up to kMaxListedStates, else counted.
inline constexpr std::size_t kMaxListedStates = 10000;
std::string resolvedParametersJson(const Scenario& scenario);

// Human summary for `regsim check`: counts, institutions with member counts, events by month.
std::string describeScenario(const Scenario& scenario);

}  // namespace regsim
