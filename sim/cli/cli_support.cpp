#include "cli/cli_support.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <vector>

#include "cli/commands.hpp"
#include "core/closest_match.hpp"

namespace regsim::cli {

namespace {

// "unknown option --replicate; did you mean --replicates?" for a --name the spec lacks
// (cxxopts' own message has no suggestion), or nullopt.
std::optional<std::string> unknownLongOption(const cxxopts::Options& spec, int argc, char** argv) {
    std::vector<std::string> known;
    for (const auto& group : spec.groups())
        for (const auto& o : spec.group_help(group).options)
            for (const auto& l : o.l) known.push_back(l);
    for (int k = 1; k < argc; ++k) {
        const std::string arg = argv[k];
        if (arg == "--") break;  // the rest are positional
        if (arg.rfind("--", 0) != 0) continue;
        const std::string name = arg.substr(2, arg.find('=') - 2);
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        const std::string best = closestMatch(name, known, 2);
        return "unknown option --" + name + (best.empty() ? "" : "; did you mean --" + best + "?");
    }
    return std::nullopt;
}

}  // namespace

std::optional<int> parseCommandLine(cxxopts::Options& spec, int argc, char** argv,
                                    const std::string& required, const std::string& missing_message,
                                    cxxopts::ParseResult& args) {
    const std::string name = spec.program();
    if (const auto unknown = unknownLongOption(spec, argc, argv)) {
        std::cerr << name << ": " << *unknown << " (see --help)\n";
        return kExitBadInput;
    }
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
    if (!args.unmatched().empty()) {
        std::cerr << name << ": unexpected argument '" << args.unmatched().front() << "' (one "
                  << required << " per command; see --help)\n";
        return kExitBadInput;
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

std::optional<unsigned long long> integerIn(const std::string& text, unsigned long long lo,
                                            unsigned long long hi) {
    unsigned long long v = 0;
    const char* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || p != end || v < lo || v > hi) return std::nullopt;
    return v;
}

std::string workingDirectory() {
    std::error_code ec;
    const auto dir = std::filesystem::current_path(ec);
    return ec ? std::string() : dir.string();
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
