#include "graph/tie_list.hpp"

#include <algorithm>
#include <utility>

namespace regsim {

namespace {

// Stable sort of one row by b: insertion sort for the short rows of sparse graphs (no buffer
// allocation per row), std::stable_sort for hubs.
void sortRow(TieSpec* first, TieSpec* last) {
    if (last - first > 32) {
        std::stable_sort(first, last, [](const TieSpec& x, const TieSpec& y) { return x.b < y.b; });
        return;
    }
    for (TieSpec* it = first + 1; it < last; ++it) {
        const TieSpec t = *it;
        TieSpec* hole = it;
        while (hole > first && (hole - 1)->b > t.b) {
            *hole = *(hole - 1);
            --hole;
        }
        *hole = t;
    }
}

}  // namespace

void canonicalizeTies(std::vector<TieSpec>& ties, std::uint32_t vertex_count,
                      DuplicateTies duplicates) {
    // Two-level bucket sort by a, so that both scatters stay cache-friendly at 4e7 ties: first
    // into at most 1024 buckets of consecutive vertices (1024 sequential write streams), then
    // each bucket (about the size of L2) by vertex. Input order is kept inside a row.
    unsigned shift = 0;
    while ((static_cast<std::uint64_t>(vertex_count) >> shift) > 1024) ++shift;
    const std::size_t buckets = (static_cast<std::size_t>(vertex_count) >> shift) + 1;

    std::vector<std::uint64_t> bucket_end(buckets + 1, 0);
    for (auto& t : ties) {
        if (t.a > t.b) std::swap(t.a, t.b);
        ++bucket_end[(t.a >> shift) + 1];
    }
    for (std::size_t k = 0; k < buckets; ++k) bucket_end[k + 1] += bucket_end[k];
    std::vector<TieSpec> by_bucket(ties.size());
    for (const auto& t : ties) by_bucket[bucket_end[t.a >> shift]++] = t;
    // bucket_end[k] is now the end of bucket k.

    std::vector<std::uint64_t> row_end((std::size_t{1} << shift) + 1);
    std::size_t out = 0;  // merged ties are written back into `ties`, never past the reads
    std::uint64_t bucket_begin = 0;
    for (std::size_t k = 0; k < buckets; ++k) {
        const std::uint64_t bucket_stop = bucket_end[k];
        if (bucket_begin == bucket_stop) continue;
        const std::uint32_t base = static_cast<std::uint32_t>(k << shift);
        std::fill(row_end.begin(), row_end.end(), 0);
        for (std::uint64_t i = bucket_begin; i < bucket_stop; ++i)
            ++row_end[by_bucket[i].a - base + 1];
        for (std::size_t r = 0; r + 1 < row_end.size(); ++r) row_end[r + 1] += row_end[r];
        for (std::uint64_t i = bucket_begin; i < bucket_stop; ++i) {
            const TieSpec& t = by_bucket[i];
            ties[bucket_begin + row_end[t.a - base]++] = t;
        }
        // Rows of this bucket now sit in ties[bucket_begin, bucket_stop); out <= bucket_begin.
        std::uint64_t begin = bucket_begin;
        for (std::size_t r = 0; r + 1 < row_end.size() && begin < bucket_stop; ++r) {
            const std::uint64_t end = bucket_begin + row_end[r];
            if (begin == end) continue;
            sortRow(ties.data() + begin, ties.data() + end);
            const std::size_t row_out = out;
            for (std::uint64_t i = begin; i < end; ++i) {
                const TieSpec t = ties[i];
                if (out > row_out && ties[out - 1].b == t.b) {
                    if (duplicates == DuplicateTies::add_weights) ties[out - 1].weight += t.weight;
                } else {
                    ties[out++] = t;
                }
            }
            begin = end;
        }
        bucket_begin = bucket_stop;
    }
    ties.resize(out);
}

}  // namespace regsim
