#pragma once
// What every subcommand does the same way: parse argv with its cxxopts spec, answer --help,
// report a parse error or a missing input, and stamp times for provenance.

#include <chrono>
#include <cxxopts.hpp>
#include <optional>
#include <string>
#include <vector>

namespace regsim::cli {

// Parses argv into `args`. Returns an exit code when the command must stop here: 0 after
// printing --help, 2 after a parse error or when `required` (the positional input, e.g.
// "scenario") is missing, with `missing_message` ("missing SCENARIO.toml") on stderr.
// Returns nullopt when the command should go on.
std::optional<int> parseCommandLine(cxxopts::Options& spec, int argc, char** argv,
                                    const std::string& required, const std::string& missing_message,
                                    cxxopts::ParseResult& args);

// Every value given to a repeatable option, in command-line order and verbatim. cxxopts splits a
// vector option's value at each comma, which would cut `--set 'x=[0.1, -0.2]'` in two; the
// sequential record of the arguments keeps each one whole.
std::vector<std::string> repeatedOption(const cxxopts::ParseResult& args, const std::string& name);

// The unsigned decimal integer `text` if it lies in [lo, hi], else nullopt.
std::optional<unsigned long long> integerIn(const std::string& text, unsigned long long lo,
                                            unsigned long long hi);

// Wall-clock seconds since t0 (a steady clock), for --timings.
inline double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The current directory, for the working_directory provenance attribute ("" if unknown).
std::string workingDirectory();

// The current time as UTC ISO 8601, for the started_at provenance attribute.
std::string utcNow();

}  // namespace regsim::cli
