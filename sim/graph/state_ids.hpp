#pragma once
// The id rule shared by the edge-list and GraphML readers (docs/networks.md, "Ids"):
//  - if every id in the file is a non-negative decimal integer, id k names state "S{k}" and
//    the file defines states S0..S{max} (ids that are never used are isolated states);
//  - otherwise ids are state ids taken literally.
// Either way an id that matches an existing state maps to it, and the others create new states
// appended after the existing ones (integer ids in increasing order, names in order of first
// appearance).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ids.hpp"
#include "core/state_table.hpp"  // integerStateId

namespace regsim {

// Digits only, non-empty.
bool isIntegerId(std::string_view id);

// Maps integer ids 0..max_id to state indices. When no existing state is named "S{k}", the
// new states are exactly S0..S{max_id} in order: `generated` is set to max_id + 1 (one block,
// StateTable::addGenerated, no string per state) and id k maps to E + k. Otherwise the missing
// "S{k}" are appended to new_state_ids. Throws when the states would not fit in 32 bits.
std::vector<StateIndex> mapIntegerIds(std::uint64_t max_id,
                                      const std::vector<std::string>& existing_state_ids,
                                      std::vector<std::string>& new_state_ids,
                                      std::uint32_t& generated);

// Literal ids. The string_views given to index() must outlive the map.
class NamedIdMap {
  public:
    explicit NamedIdMap(const std::vector<std::string>& existing_state_ids);
    // Index of `id`, creating a new state on first sight of an unknown id.
    StateIndex index(std::string_view id);
    std::vector<std::string>& newStateIds() { return new_state_ids_; }

  private:
    std::unordered_map<std::string_view, StateIndex> index_;
    std::vector<std::string> new_state_ids_;
    std::uint32_t existing_count_ = 0;
};

}  // namespace regsim
