#pragma once
// TOML scenario files -> validated, immutable Scenario (docs/scenarios.md). The only layer that
// names toml++; every input error is a ScenarioError with file, line, column and key path.

#include <memory>
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

// A scenario text parsed once, loaded many times with different overrides: a sweep pays the
// TOML parse (about three quarters of a load) once instead of once per point. load() is
// const and safe to call from several threads. Results equal loadScenarioText's; on an input
// error load() re-runs loadScenarioText so that the error names its line and column (a copied
// toml++ tree keeps no source positions).
class ScenarioTemplate {
  public:
    ScenarioTemplate(std::string text, std::string path);  // throws ScenarioError on bad TOML
    Scenario load(const std::vector<std::string>& overrides = {}) const;

  private:
    struct Parsed;
    std::shared_ptr<const Parsed> parsed_;
};

// Every resolved parameter as one JSON object with a fixed key order (provenance attribute
// `parameters`). States are listed in full up to kMaxListedStates, else counted.
inline constexpr std::size_t kMaxListedStates = 10000;
std::string resolvedParametersJson(const Scenario& scenario);

// Human summary for `regsim check`: counts, institutions with member counts, events by month.
std::string describeScenario(const Scenario& scenario);

}  // namespace regsim
