#pragma once
// Dense 0-based indices for the model's entities. 32 bits keep the graphs compact
// (docs/performance.md); kNone marks "no entity" in events.

#include <cstdint>

namespace regsim {

using StateIndex = std::uint32_t;
using InstitutionIndex = std::uint32_t;
using PatronIndex = std::uint32_t;
using AxisIndex = std::uint32_t;

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

}  // namespace regsim
