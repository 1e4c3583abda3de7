#include "record/run_result.hpp"

#include <bit>

namespace regsim {

std::vector<std::uint32_t> recordedSteps(std::uint32_t steps, std::uint32_t every) {
    if (every == 0) every = 1;
    std::vector<std::uint32_t> out;
    for (std::uint32_t t = 0; t <= steps; t += every) out.push_back(t);
    if (out.back() != steps) out.push_back(steps);
    return out;
}

namespace {

constexpr std::uint64_t kFnvPrime = 0x100000001B3ull;

template <typename T>
void fold(std::uint64_t& h, const std::vector<T>& v) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(v.data());
    for (std::size_t k = 0; k < v.size() * sizeof(T); ++k) h = (h ^ bytes[k]) * kFnvPrime;
}

}  // namespace

std::uint64_t fingerprint(const RunResult& run) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    fold(h, run.sovereignty);
    fold(h, run.alignment);
    fold(h, run.regime);
    fold(h, run.status);
    fold(h, run.announce_step);
    fold(h, run.exit_step);
    fold(h, run.final_status);
    fold(h, run.dissolve_step);
    fold(h, run.found_step);
    fold(h, run.cascade_size);
    for (const EventRecord e : run.events) {
        const std::uint64_t fields[] = {e.step,
                                        std::uint64_t(e.kind),
                                        std::uint64_t(e.cause),
                                        e.state,
                                        e.institution,
                                        e.patron,
                                        std::bit_cast<std::uint64_t>(e.value)};
        for (auto f : fields) h = (h ^ f) * kFnvPrime;
    }
    return h;
}

}  // namespace regsim
