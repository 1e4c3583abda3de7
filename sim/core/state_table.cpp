#include "core/state_table.hpp"

#include <charconv>
#include <stdexcept>

namespace regsim {

std::string integerStateId(std::uint64_t k) {
    // Appending (not "S" + ...) avoids GCC 12's false -Wrestrict on operator+.
    std::string id(1, 'S');
    id += std::to_string(k);
    return id;
}

void StateTable::push_back(StateSpec state) {
    if (generated_ != 0) throw std::logic_error("listed states must precede generated ones");
    listed_.push_back(std::move(state));
}

void StateTable::addGenerated(std::uint32_t count, StateAttributes attributes) {
    if (generated_ != 0) throw std::logic_error("generated states were already added");
    if (std::uint64_t(listed_.size()) + count >= kNone)
        throw std::length_error("too many states (counted in 32 bits)");
    generated_ = count;
    generated_attributes_ = std::move(attributes);
}

std::string StateTable::id(StateIndex i) const {
    if (i < listed_.size()) return listed_[i].id;
    if (i >= size()) throw std::out_of_range("state index " + std::to_string(i));
    return integerStateId(i - listed_.size());
}

std::string StateTable::name(StateIndex i) const {
    return i < listed_.size() ? listed_[i].name : id(i);
}

std::optional<std::uint64_t> parseIntegerStateId(std::string_view id) {
    if (id.size() < 2 || id[0] != 'S' || (id.size() > 2 && id[1] == '0')) return std::nullopt;
    std::uint64_t k = 0;
    const auto* end = id.data() + id.size();
    const auto [ptr, ec] = std::from_chars(id.data() + 1, end, k);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return k;
}

StateIndex StateTable::findGenerated(std::string_view id) const {
    const auto k = parseIntegerStateId(id);
    if (!k || *k >= generated_) return kNone;
    return StateIndex(listed_.size() + *k);
}

}  // namespace regsim
