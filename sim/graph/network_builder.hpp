#pragma once
// buildNetwork: turns a scenario's [network] table into states and ties (docs/networks.md).
// Generated kinds add `spec.states` states "S0".."S{n-1}"; file kinds read an edge list or a
// GraphML file whose ids either name existing states or create new ones. The graph is built
// once per scenario and shared by every replicate.

#include <cstdint>
#include <string>
#include <vector>

#include "core/network_spec.hpp"
#include "core/scenario.hpp"

namespace regsim {

struct GeneratedNetwork {
    // States to create, appended after the existing ones: a file's new states by id, then
    // `generated` states "S0".."S{generated-1}" (StateTable::addGenerated; not spelled out, so
    // 1e7 of them cost no strings): a generator's, or an integer-id file's when no existing
    // state is named S{k} (mapIntegerIds).
    std::vector<std::string> new_state_ids;
    std::uint32_t generated = 0;
    // File kinds: the hash of the file's bytes (core/text_hash.hpp), hashed where they were
    // read, for provenance (network_hash). Empty for generators.
    std::string content_hash;
    // Indices: existing states 0..E-1, new states E..E+n-1. Undirected, each tie listed once,
    // no self-loops, no duplicates.
    std::vector<TieSpec> ties;
};

// Throws std::runtime_error with a message naming the file, line and column ("edges.csv:17:5:
// ...") or
// the format ("graphml: ...") on bad input, and "network: ..." on bad parameters.
// The seed used is spec.seed when non-zero, else `seed`.
GeneratedNetwork buildNetwork(const NetworkSpec& spec,
                              const std::vector<std::string>& existing_state_ids,
                              std::uint64_t seed);

}  // namespace regsim
