#pragma once
// Transparent huge pages for the large arrays that a step reads at random (neighbours'
// alignments, statuses). With 4 KB pages a million-state world's 16 MB alignment array spans
// 4,096 pages, more than the TLB holds, so most random reads also walk the page table; with
// 2 MB pages it spans eight (docs/performance.md, "Full model step"). Linux only, and only
// advice: where the kernel says no (THP "never") nothing changes, and no result ever does.

#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace regsim {

// Asks the kernel to back [p, p + bytes) with huge pages when it is first touched.
inline void adviseHugePages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::size_t kPage = 4096, kWorthIt = std::size_t(4) << 20;
    if (p == nullptr || bytes < kWorthIt) return;
    const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kPage - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

// to = from, in fresh storage advised before the copy first touches it.
template <typename T>
void assignOnHugePages(std::vector<T>& to, const std::vector<T>& from) {
    std::vector<T> fresh;
    fresh.reserve(from.size());
    adviseHugePages(fresh.data(), fresh.capacity() * sizeof(T));
    fresh.assign(from.begin(), from.end());
    to = std::move(fresh);
}

}  // namespace regsim
