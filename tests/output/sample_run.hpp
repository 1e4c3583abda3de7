#pragma once
// A tiny hand-built scenario (3 states, 2 institutions, 2 axes, 1 patron) and fake replicate
// results whose every value is a known function of its indices, for the output tests and the
// write_sample_run_file helper that the Python tests open with xarray.

#include <cstdint>

#include "core/scenario.hpp"
#include "output/run_metadata.hpp"
#include "record/run_result.hpp"

namespace regsim::sample {

inline constexpr std::uint32_t kSteps = 6;
inline constexpr std::uint32_t kEvery = 2;  // recorded steps 0 2 4 6
inline constexpr std::uint32_t kReplicates = 5;

Scenario makeScenario();
RunMetadata makeMetadata(const Scenario& scenario, bool trajectories = true);

// Known values: see sample_run.cpp (the tests recompute them the same way).
double sovereignty(std::uint32_t r, std::size_t t, std::size_t s);
double alignment(std::uint32_t r, std::size_t t, std::size_t s, std::size_t a);
std::uint8_t regime(std::uint32_t r, std::size_t t, std::size_t s);
std::uint8_t status(std::uint32_t r, std::size_t t, std::size_t s, std::size_t i);
std::int32_t announceStep(std::uint32_t r, std::size_t s, std::size_t i);
std::int32_t exitStep(std::uint32_t r, std::size_t s, std::size_t i);
std::uint8_t finalStatus(std::uint32_t r, std::size_t s, std::size_t i);
std::int32_t dissolveStep(std::uint32_t r, std::size_t i);
std::int32_t foundStep(std::uint32_t r, std::size_t i);
std::int32_t cascadeSize(std::uint32_t r, std::size_t i);

// Replicate r has r + 1 events; event k: step k, kind k % 16, cause k % 8, value 1000 r + k.
RunResult makeResult(const Scenario& scenario, std::uint32_t r, bool trajectories = true);

}  // namespace regsim::sample
