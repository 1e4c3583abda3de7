#include "cli/commands.hpp"

namespace regsim::cli {

std::string gitCommit() { return REGSIM_GIT_COMMIT; }

std::string versionString() {
    return std::string("regsim ") + REGSIM_VERSION + " (commit " + gitCommit() + ")";
}

}  // namespace regsim::cli
