#include "graph/network_builder.hpp"

#include <cmath>
#include <stdexcept>

#include "core/rng.hpp"
#include "graph/edge_list_reader.hpp"
#include "graph/generators.hpp"
#include "graph/graphml_reader.hpp"
#include "graph/state_ids.hpp"

namespace regsim {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("network: " + what); }

void validate(const NetworkSpec& spec, std::size_t existing_count) {
    if (!std::isfinite(spec.weight) || !(spec.weight > 0.0)) fail("weight must be > 0");
    if (spec.kind == NetworkKind::edge_list || spec.kind == NetworkKind::graphml) {
        if (spec.path.empty()) fail("path is required for a file network");
        return;
    }
    if (!std::isfinite(spec.mean_degree) || spec.mean_degree < 0.0) {
        fail("mean_degree must be >= 0");
    }
    if (static_cast<std::uint64_t>(spec.states) + existing_count >= kNone) {
        fail("too many states (counted in 32 bits)");
    }
    if (spec.kind == NetworkKind::small_world && !(spec.rewiring >= 0.0 && spec.rewiring <= 1.0)) {
        fail("rewiring must be in [0, 1]");
    }
    if (spec.kind == NetworkKind::blocks) {
        if (spec.blocks == 0) fail("blocks must be >= 1");
        if (spec.blocks > spec.states) fail("blocks must not exceed states");
        if (!(spec.within_share >= 0.0 && spec.within_share <= 1.0)) {
            fail("within_share must be in [0, 1]");
        }
    }
}

}  // namespace

GeneratedNetwork buildNetwork(const NetworkSpec& spec,
                              const std::vector<std::string>& existing_state_ids,
                              std::uint64_t seed) {
    validate(spec, existing_state_ids.size());
    switch (spec.kind) {
        case NetworkKind::edge_list:
            return readEdgeList(spec.path, existing_state_ids, spec.weight);
        case NetworkKind::graphml:
            return readGraphml(spec.path, existing_state_ids, spec.weight);
        default:
            break;
    }

    RandomStream rng(RngKey{spec.seed != 0 ? spec.seed : seed, 0, 0, 0, Purpose::network});
    const std::uint32_t n = spec.states;
    GeneratedNetwork net;
    switch (spec.kind) {
        case NetworkKind::erdos_renyi:
            net.ties = generateErdosRenyi(n, spec.mean_degree, spec.weight, rng);
            break;
        case NetworkKind::small_world:
            net.ties = generateSmallWorld(n, spec.mean_degree, spec.rewiring, spec.weight, rng);
            break;
        case NetworkKind::power_law:
            net.ties = generatePowerLaw(n, spec.mean_degree, spec.weight, rng);
            break;
        case NetworkKind::blocks:
            net.ties = generateBlocks(n, spec.blocks, spec.mean_degree, spec.within_share,
                                      spec.weight, rng);
            break;
        default:
            fail("unknown kind");
    }
    // Generated states follow the existing ones.
    const auto offset = static_cast<StateIndex>(existing_state_ids.size());
    if (offset != 0) {
        for (auto& t : net.ties) {
            t.a += offset;
            t.b += offset;
        }
    }
    // Generated ids must not collide with listed states.
    for (const auto& id : existing_state_ids) {
        const auto k = parseIntegerStateId(id);
        if (k && *k < n) fail("generated state id '" + id + "' is already a listed state");
    }
    net.generated = n;
    return net;
}

}  // namespace regsim
