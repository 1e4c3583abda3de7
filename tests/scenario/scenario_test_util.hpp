#pragma once
// Helpers shared by the scenario tests: load text and catch the ScenarioError it must raise.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario_loader.hpp"

namespace regsim::scenario_test {

// A valid [scenario] header of 4 lines; tests append tables from line 5 on.
inline const std::string kHeader =
    "[scenario]\n"
    "name = \"t\"\n"
    "start = \"2022-01\"\n"
    "steps = 24\n";

inline std::optional<ScenarioError> loadError(const std::string& text,
                                              const std::vector<std::string>& overrides = {}) {
    try {
        loadScenarioText(text, "w.toml", overrides);
    } catch (const ScenarioError& e) {
        return e;
    }
    return std::nullopt;
}

// Asserts the exact location and key, and that the message contains `part`.
#define EXPECT_SCENARIO_ERROR(err, file_, line_, column_, key_, part)                          \
    do {                                                                                       \
        ASSERT_TRUE((err).has_value()) << "no ScenarioError";                                  \
        EXPECT_EQ((err)->file, file_) << (err)->what();                                        \
        EXPECT_EQ((err)->line, line_) << (err)->what();                                        \
        EXPECT_EQ((err)->column, column_) << (err)->what();                                    \
        EXPECT_EQ((err)->key, key_) << (err)->what();                                          \
        EXPECT_NE(std::string((err)->message).find(part), std::string::npos) << (err)->what(); \
    } while (0)

}  // namespace regsim::scenario_test
