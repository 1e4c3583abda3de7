#pragma once
// Reads an influence graph from a CSV edge list (docs/networks.md, "edge_list"):
//   # comment            ('#' starts a comment anywhere on a line; blank lines are skipped)
//   source,target,weight   (optional header, see below)
//   NGA,GHA,2.5
//   GHA,CIV                (no weight: default_weight)
// Fields are separated by commas, or by spaces/tabs on a line without commas; surrounding
// spaces and double quotes are dropped. The first data line is a header when its first two
// fields are source,target / from,to / a,b / u,v (any case) or its third field is "weight".
// Ids follow graph/state_ids.hpp. Self-loops are errors; a pair listed twice (either
// direction) is one tie whose weight is the sum.

#include <string>
#include <string_view>
#include <vector>

#include "graph/network_builder.hpp"

namespace regsim {

GeneratedNetwork readEdgeList(const std::string& path,
                              const std::vector<std::string>& existing_state_ids,
                              double default_weight);

// The same on text already in memory; `name` prefixes error messages ("name:17:5: ...").
GeneratedNetwork parseEdgeList(std::string_view text, const std::string& name,
                               const std::vector<std::string>& existing_state_ids,
                               double default_weight);

}  // namespace regsim
