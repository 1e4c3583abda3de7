#include "graph/state_ids.hpp"

#include <algorithm>
#include <stdexcept>

namespace regsim {

bool isIntegerId(std::string_view id) {
    if (id.empty()) return false;
    for (const char c : id) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

std::vector<StateIndex> mapIntegerIds(std::uint64_t max_id,
                                      const std::vector<std::string>& existing_state_ids,
                                      std::vector<std::string>& new_state_ids,
                                      std::uint32_t& generated) {
    const std::uint64_t limit = kNone - 1 - existing_state_ids.size();
    if (max_id >= limit) {
        throw std::runtime_error("integer id " + std::to_string(max_id) +
                                 " is too large (states are counted in 32 bits)");
    }
    const auto first = static_cast<StateIndex>(existing_state_ids.size());
    std::vector<StateIndex> map(max_id + 1, kNone);
    const bool listed_s_ids =
        std::any_of(existing_state_ids.begin(), existing_state_ids.end(),
                    [](const auto& id) { return parseIntegerStateId(id).has_value(); });
    if (!listed_s_ids) {  // exactly a generated block
        for (std::uint64_t k = 0; k <= max_id; ++k) map[k] = first + static_cast<StateIndex>(k);
        generated = static_cast<std::uint32_t>(max_id + 1);
        return map;
    }
    // Existing states named "S{k}" (canonical decimal, no leading zeros) take id k.
    for (std::size_t i = 0; i < existing_state_ids.size(); ++i) {
        const auto k = parseIntegerStateId(existing_state_ids[i]);
        if (!k || *k > max_id) continue;
        map[*k] = static_cast<StateIndex>(i);
    }
    auto next = static_cast<StateIndex>(existing_state_ids.size());
    for (std::uint64_t k = 0; k <= max_id; ++k) {
        if (map[k] != kNone) continue;
        map[k] = next++;
        new_state_ids.push_back(integerStateId(k));
    }
    return map;
}

NamedIdMap::NamedIdMap(const std::vector<std::string>& existing_state_ids)
    : existing_count_(static_cast<std::uint32_t>(existing_state_ids.size())) {
    index_.reserve(existing_state_ids.size() * 2);
    for (std::size_t i = 0; i < existing_state_ids.size(); ++i)
        index_.emplace(existing_state_ids[i], static_cast<StateIndex>(i));
}

StateIndex NamedIdMap::index(std::string_view id) {
    const auto [it, inserted] = index_.try_emplace(id, 0);
    if (inserted) {
        if (existing_count_ + new_state_ids_.size() >= kNone - 1) {
            throw std::runtime_error("too many states (counted in 32 bits)");
        }
        it->second = static_cast<StateIndex>(existing_count_ + new_state_ids_.size());
        new_state_ids_.emplace_back(id);
    }
    return it->second;
}

}  // namespace regsim
