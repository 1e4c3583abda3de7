#pragma once
// Reads an undirected influence graph from GraphML (docs/networks.md, "graphml") with
// Boost.Graph's read_graphml (first <graph> of the file). Node ids are the GraphML node ids,
// resolved by the rule of graph/state_ids.hpp; the optional edge attribute "weight" (any
// numeric attr.type) gives the tie weight, default_weight otherwise. Self-loops are errors;
// parallel edges add their weights.

#include <string>
#include <string_view>
#include <vector>

#include "graph/network_builder.hpp"

namespace regsim {

GeneratedNetwork readGraphml(const std::string& path,
                             const std::vector<std::string>& existing_state_ids,
                             double default_weight);

// The same on text in memory; `name` appears in error messages ("graphml: name: ...").
GeneratedNetwork parseGraphml(const std::string& text, const std::string& name,
                              const std::vector<std::string>& existing_state_ids,
                              double default_weight);

}  // namespace regsim
