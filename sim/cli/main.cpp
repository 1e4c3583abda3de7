// regsim: simulate exit cascades over an institution graph. See README.md and docs/.

#include <cstring>
#include <iostream>
#include <string>

#include "cli/commands.hpp"

namespace {

constexpr const char* kUsage = R"(usage: regsim <command> [options]

commands:
  run SCENARIO.toml [-o FILE.h5]   simulate replicates, write trajectories to HDF5
  check SCENARIO.toml              validate a scenario and print a summary
  info FILE.h5                     show what a file holds and how it was made
  sweep SWEEP.toml [-o OUT.h5]     run a parameter sweep [--shard K/N|auto] [--resume]
  merge SHARD.h5... -o OUT.h5      merge the shard files of a sweep [--virtual]

  regsim <command> --help          options of a command
  regsim --version
)";

std::string joinArgs(int argc, char** argv) {
    std::string out;
    for (int k = 0; k < argc; ++k) {
        if (k) out += ' ';
        const std::string a = argv[k];
        // POSIX shell quoting, so that the stored line re-runs as typed: '...' with each '
        // written '\'' (the quote closed, an escaped quote, the quote reopened).
        const bool plain = !a.empty() && a.find_first_not_of(
                                             "abcdefghijklmnopqrstuvwxyz"
                                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789_./=:,+-@%") == std::string::npos;
        if (plain) {
            out += a;
            continue;
        }
        out += '\'';
        for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        out += '\'';
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace regsim::cli;
    if (argc < 2) {
        std::cerr << kUsage;
        return kExitBadInput;
    }
    const std::string command = argv[1];
    if (command == "--version" || command == "version") {
        std::cout << versionString() << "\n";
        return kExitOk;
    }
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return kExitOk;
    }
    // Subcommands parse argv[1..]: their own name stands as argv[0].
    if (command == "run") return runCommand(argc - 1, argv + 1, joinArgs(argc, argv));
    if (command == "check") return checkCommand(argc - 1, argv + 1);
    if (command == "info") return infoCommand(argc - 1, argv + 1);
    if (command == "sweep") return sweepCommand(argc - 1, argv + 1, joinArgs(argc, argv));
    if (command == "merge") return mergeCommand(argc - 1, argv + 1, joinArgs(argc, argv));
    std::cerr << "regsim: unknown command '" << command << "'\n" << kUsage;
    return kExitBadInput;
}
