#pragma once
// Doubles in messages: the shortest text that reads back as the same double ("0.1", not
// "0.100000"), and "inf" / "-inf" / "nan" as a scenario file spells them.

#include <charconv>
#include <cmath>
#include <string>

namespace regsim {

inline std::string formatDouble(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

}  // namespace regsim
