#pragma once
// The subcommands of `regsim`. Each maps argv to config structs and calls the library; none
// holds model logic. Exit codes: 0 success, 1 runtime failure, 2 bad input (a scenario, an
// option or an output path the user must fix), 130 interrupted.

#include <string>

namespace regsim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 130;

int runCommand(int argc, char** argv, const std::string& command_line);
int checkCommand(int argc, char** argv);
int infoCommand(int argc, char** argv);
int sweepCommand(int argc, char** argv, const std::string& command_line);
int mergeCommand(int argc, char** argv, const std::string& command_line);

// "regsim 0.1.0 (commit abc123)".
std::string versionString();
std::string gitCommit();

}  // namespace regsim::cli
