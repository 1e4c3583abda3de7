#pragma once
// NetworkSpec: a generated or file-based influence graph ([network] in a scenario). When
// present, `states` generated states (ids "S0".."S{n-1}", attributes from [state_defaults])
// are added after the listed ones and the graph's edges are added to the ties.

#include <cstdint>
#include <string>

namespace regsim {

enum class NetworkKind : std::uint8_t {
    erdos_renyi,  // G(n, p) with p = mean_degree / (n - 1)
    small_world,  // Watts-Strogatz ring, k = mean_degree, rewiring probability
    power_law,    // Barabasi-Albert preferential attachment, m = mean_degree / 2
    blocks,       // stochastic block model: `blocks` equal regions, mean_degree, in/out ratio
    edge_list,    // CSV file: two id columns, optional weight
    graphml,      // GraphML file (Boost.Graph reader)
};

// The kind's name as a scenario spells it ([network] kind).
inline const char* networkKindName(NetworkKind k) {
    switch (k) {
        case NetworkKind::erdos_renyi:
            return "erdos_renyi";
        case NetworkKind::small_world:
            return "small_world";
        case NetworkKind::power_law:
            return "power_law";
        case NetworkKind::blocks:
            return "blocks";
        case NetworkKind::edge_list:
            return "edge_list";
        case NetworkKind::graphml:
            return "graphml";
    }
    return "unknown";
}

struct NetworkSpec {
    NetworkKind kind = NetworkKind::erdos_renyi;
    std::uint32_t states = 0;      // generated states (0 for file kinds: taken from the file)
    double mean_degree = 4.0;      // z
    double rewiring = 0.1;         // small_world
    std::uint32_t blocks = 4;      // blocks
    double within_share = 0.9;     // blocks: share of a state's ties inside its block
    double weight = 1.0;           // weight of every generated tie
    std::string path;              // edge_list, graphml: resolved against the scenario's folder
    std::uint64_t seed = 0;        // 0 = derive from the scenario seed
    std::uint64_t graph_seed = 0;  // the seed the generator used (set by the loader)
};

}  // namespace regsim
