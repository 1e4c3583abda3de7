#pragma once
// A 64-bit FNV-1a hash of bytes, printed as 16 hex digits: identifies a text or a file's
// contents in provenance (sweep_hash, network_hash). Not cryptographic: it tells apart
// different inputs by accident, not by design.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace regsim {

inline constexpr std::uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ull;

inline std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = kFnvOffsetBasis) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

inline std::string hex16(std::uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace regsim
