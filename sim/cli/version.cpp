#include "cli/commands.hpp"

namespace regsim::cli {

// git_commit.inc: a string literal written at build time (cmake/write_git_commit.cmake).
std::string gitCommit() {
    return
#include "git_commit.inc"
        ;
}

std::string versionString() {
    return std::string("regsim ") + REGSIM_VERSION + " (commit " + gitCommit() + ")";
}

}  // namespace regsim::cli
