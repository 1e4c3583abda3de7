#pragma once
// ScenarioError: bad scenario input, reported as one line a user can act on:
// "FILE:LINE:COLUMN: KEY.PATH: message" (docs/scenarios.md, "Errors"). `file` is the scenario
// path, or "--set" for a command-line override (column = position in the override string).
// line = column = 0 when no position applies (e.g. a missing file); what() then omits them.

#include <stdexcept>
#include <string>

namespace regsim {

struct ScenarioError : std::runtime_error {
    ScenarioError(std::string file_, int line_, int column_, std::string key_,
                  std::string message_);

    std::string file;
    int line = 0;
    int column = 0;
    std::string key;      // key path, e.g. "institution.ECOWAS.quorum"; may be empty
    std::string message;  // the message alone, without location or key

    static std::string format(const std::string& file, int line, int column, const std::string& key,
                              const std::string& message);
};

}  // namespace regsim
