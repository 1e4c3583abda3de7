// `regsim check`: validate a scenario and print what it holds.

#include <cxxopts.hpp>
#include <iostream>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "graph/topology.hpp"
#include "scenario/scenario_loader.hpp"

namespace regsim::cli {

int checkCommand(int argc, char** argv) {
    cxxopts::Options spec("regsim check", "Validate a scenario file and print a summary.");
    spec.positional_help("SCENARIO.toml");
    spec.add_options()("scenario", "scenario file", cxxopts::value<std::string>())(
        "set", "override a scenario value: key.path=value (repeatable)",
        cxxopts::value<std::vector<std::string>>())("h,help", "show this help");
    spec.parse_positional({"scenario"});
    cxxopts::ParseResult args;
    if (const auto stop =
            parseCommandLine(spec, argc, argv, "scenario", "missing SCENARIO.toml", args))
        return *stop;
    const std::vector<std::string> overrides = repeatedOption(args, "set");
    try {
        const Scenario scenario = loadScenarioFile(args["scenario"].as<std::string>(), overrides);
        const Topology topology = buildTopology(scenario);
        std::cout << describeScenario(scenario);
        std::cout << "graphs: " << topology.influence.edgeCount() / 2 << " influence ties, "
                  << topology.membershipCount() << " possible memberships, "
                  << topology.peers.edgeCount() << " peer links\n";
        std::cout << "ok\n";
    } catch (const ScenarioError& e) {
        std::cerr << e.what() << "\n";
        return kExitBadInput;
    }
    return kExitOk;
}

}  // namespace regsim::cli
