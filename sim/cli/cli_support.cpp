#include "cli/cli_support.hpp"

#include <ctime>
#include <iostream>

#include "cli/commands.hpp"

namespace regsim::cli {

std::optional<int> parseCommandLine(cxxopts::Options& spec, int argc, char** argv,
                                    const std::string& required, const std::string& missing_message,
                                    cxxopts::ParseResult& args) {
    const std::string name = spec.program();
    try {
        args = spec.parse(argc, argv);
    } catch (const cxxopts::exceptions::exception& e) {
        std::cerr << name << ": " << e.what() << "\n";
        return kExitBadInput;
    }
    if (args.count("help")) {
        std::cout << spec.help() << "\n";
        return kExitOk;
    }
    if (!args.count(required)) {
        std::cerr << name << ": " << missing_message << "\n" << spec.help() << "\n";
        return kExitBadInput;
    }
    return std::nullopt;
}

std::vector<std::string> repeatedOption(const cxxopts::ParseResult& args, const std::string& name) {
    std::vector<std::string> values;
    for (const auto& kv : args.arguments())
        if (kv.key() == name) values.push_back(kv.value());
    return values;
}

std::string utcNow() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace regsim::cli
