#include "dynamics/lane_width.hpp"

#include <atomic>
#include <string_view>

#include "core/draw_batch.hpp"

namespace regsim {

namespace {
std::atomic<int> forced_width{-1};
}  // namespace

std::uint32_t laneWidth() {
    if (const int forced = forced_width.load(std::memory_order_relaxed); forced >= 0)
        return std::uint32_t(forced);
    const std::string_view name = drawPath().name;
    return name == "avx512" ? 8 : name == "avx2" ? 4 : 0;
}

bool forceLaneWidth(int width) {
    const char* path = width == 4 ? "avx2" : width == 8 ? "avx512" : nullptr;
    bool runs = width <= 0;
    for (const auto& p : drawPaths())
        if (path && std::string_view(p.name) == path) runs = p.supported();
    if (runs) forced_width.store(width < 0 ? -1 : width, std::memory_order_relaxed);
    return runs;
}

}  // namespace regsim
