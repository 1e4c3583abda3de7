// `regsim info`: what an output file holds and how it was made.

#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "output/file_info.hpp"

namespace regsim::cli {

int infoCommand(int argc, char** argv) {
    if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        std::cerr << "usage: regsim info FILE.h5\n";
        return argc == 2 ? kExitOk : kExitBadInput;
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
