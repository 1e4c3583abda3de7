// `regsim merge`: shard files of one sweep -> one file (docs/sweeps.md, "Merging shards").

#include <ctime>
#include <cxxopts.hpp>
#include <iostream>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "output/sweep_merge.hpp"

namespace regsim::cli {

int mergeCommand(int argc, char** argv, const std::string& command_line) {
    cxxopts::Options spec("regsim merge", "Merge the shard files of one sweep into one file.");
    spec.positional_help("SHARD.h5...");
    // clang-format off
    spec.add_options()
        ("shards", "shard files", cxxopts::value<std::vector<std::string>>())
        ("o,output", "merged file (required)", cxxopts::value<std::string>())
        ("virtual", "write HDF5 virtual datasets that map the shards instead of copying")
        ("force", "overwrite an existing output file")
        ("quiet", "print nothing but errors")
        ("h,help", "show this help");
    // clang-format on
    spec.parse_positional({"shards"});
    cxxopts::ParseResult args;
    if (const auto stop =
            parseCommandLine(spec, argc, argv, "shards", "needs SHARD.h5... and -o OUT.h5", args))
        return *stop;
    if (!args.count("output")) {
        std::cerr << "regsim merge: needs SHARD.h5... and -o OUT.h5\n" << spec.help() << "\n";
        return kExitBadInput;
    }
    MergeOptions o;
    o.shards = repeatedOption(args, "shards");  // verbatim: a path may contain a comma
    o.output = args["output"].as<std::string>();
    o.virtual_datasets = args.count("virtual") > 0;
    o.force = args.count("force") > 0;
    o.command_line = command_line;
    o.working_directory = workingDirectory();
    o.version = versionString();
    o.git_commit = gitCommit();
    {
        const std::time_t now = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&now, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        o.started_at = buf;
    }
    try {
        mergeSweepShards(o);
    } catch (const MergeError& e) {
        std::cerr << "regsim merge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "regsim merge: " << e.what() << "\n";
        return kExitFailure;
    }
    if (!args.count("quiet")) {
        std::cerr << "regsim: merged " << o.shards.size() << " shards into " << o.output
                  << (o.virtual_datasets ? " (virtual)" : "") << "\n";
    }
    return kExitOk;
}

}  // namespace regsim::cli
