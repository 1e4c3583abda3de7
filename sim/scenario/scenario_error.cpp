#include "scenario/scenario_error.hpp"

#include <utility>

namespace regsim {

ScenarioError::ScenarioError(std::string file_, int line_, int column_, std::string key_,
                             std::string message_)
    : std::runtime_error(format(file_, line_, column_, key_, message_)),
      file(std::move(file_)),
      line(line_),
      column(column_),
      key(std::move(key_)),
      message(std::move(message_)) {}

std::string ScenarioError::format(const std::string& file, int line, int column,
                                  const std::string& key, const std::string& message) {
    std::string out = file;
    if (line > 0) {
        out.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
    }
    out.append(": ");
    if (!key.empty()) out.append(key).append(": ");
    return out.append(message);
}

}  // namespace regsim
