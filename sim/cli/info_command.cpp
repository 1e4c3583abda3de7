// `regsim info`: what an output file holds and how it was made.

#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "output/file_info.hpp"

namespace regsim::cli {

int infoCommand(int argc, char** argv) {
    const char* usage =
        "usage: regsim info FILE.h5\nWhat a run or sweep file holds, whether it is complete, and "
        "how it was made.\n";
    if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::cout << usage;
        return kExitOk;
    }
    if (argc != 2) {
        std::cerr << usage;
        return kExitBadInput;
    }
    const std::string path = argv[1];
    if (!std::filesystem::exists(path)) {
        std::cerr << "regsim info: " << path << ": no such file\n";
        return kExitBadInput;
    }
    try {
        std::cout << describeRunFile(path);
    } catch (const std::exception& e) {
        std::cerr << "regsim info: " << e.what() << "\n";
        return kExitBadInput;
    }
    return kExitOk;
}

}  // namespace regsim::cli
