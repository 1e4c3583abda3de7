#pragma once
// StateTable: the states of a scenario, in index order. Listed states ([[state]], and the states
// a network file names by id) each keep a StateSpec; generated states (a [network] generator's
// "S0".."S{n-1}", or an integer-id file's when no S{k} is listed) follow them and share one set
// of attributes, the [state_defaults]. A world of
// 1e7 generated states therefore costs a few bytes, not a StateSpec (two strings, two vectors,
// about 200 bytes) per state (docs/performance.md, "Watts cascade": peak memory).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"

namespace regsim {

enum class Regime : std::uint8_t { civilian = 0, military = 1 };

// What the model reads of a state at t = 0.
struct StateAttributes {
    double sovereignty = 0.5;           // s_i(0), [0,1]
    double sovereignty_baseline = 0.5;  // s_i0 under civilian rule, [0,1] (default: sovereignty)
    std::vector<double> alignment;      // a_i(0), one per axis, [-1,1] (default: zeros)
    std::vector<double> alignment_baseline;  // civilian baseline (default: alignment)
    Regime regime = Regime::civilian;
    double weight = 1.0;  // w_i > 0
};

struct StateSpec : StateAttributes {
    std::string id;  // ISO 3166 alpha-3 or any unique token
    std::string name;
};

// "S{k}": the id of generated state k, and of integer id k in a network file.
std::string integerStateId(std::uint64_t k);
// Its inverse: k when `id` is "S{k}" in canonical decimal (no sign, no leading zero), else none.
std::optional<std::uint64_t> parseIntegerStateId(std::string_view id);

class StateTable {
  public:
    std::size_t size() const { return listed_.size() + generated_; }
    bool empty() const { return size() == 0; }

    // Appends a listed state. Listed states come first: throws std::logic_error once
    // generated states were added.
    void push_back(StateSpec state);
    // Appends `count` generated states "S0".."S{count-1}" with the given attributes. Once only.
    void addGenerated(std::uint32_t count, StateAttributes attributes);

    std::string id(StateIndex i) const;
    std::string name(StateIndex i) const;  // a generated state's name is its id
    // Read-only: generated states share their attributes, so one of them cannot be changed
    // alone. Change a listed state through listed().
    const StateAttributes& operator[](StateIndex i) const {
        return i < listed_.size() ? listed_[i] : generated_attributes_;
    }

    // The index of generated state `id` ("S{k}", canonical decimal, k < generatedCount()), or
    // kNone. Listed ids are looked up by the caller's own map.
    StateIndex findGenerated(std::string_view id) const;

    // Mutable for scenarios built in code (tests, benchmarks); the loader appends through
    // push_back, which keeps listed states before generated ones.
    std::vector<StateSpec>& listed() { return listed_; }
    const std::vector<StateSpec>& listed() const { return listed_; }
    std::uint32_t generatedCount() const { return generated_; }
    const StateAttributes& generatedAttributes() const { return generated_attributes_; }
    const StateAttributes& back() const { return (*this)[StateIndex(size() - 1)]; }

  private:
    std::vector<StateSpec> listed_;
    std::uint32_t generated_ = 0;
    StateAttributes generated_attributes_;
};

}  // namespace regsim
