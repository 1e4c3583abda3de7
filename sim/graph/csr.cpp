#include "graph/csr.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace regsim {

namespace {

// Sorts one row by target, stably (repeated edges keep their input order): with the stable
// bucketing by source this is the order of a stable sort of (source, target) pairs, so the
// neighbour order (and every floating-point sum over neighbours) is a function of the edge
// list alone.
void sortRow(std::uint32_t* targets, EdgeWeight* weights, std::size_t n,
             std::vector<std::pair<std::uint32_t, double>>& buffer) {
    if (std::is_sorted(targets, targets + n)) return;
    buffer.resize(n);
    for (std::size_t k = 0; k < n; ++k) buffer[k] = {targets[k], weights[k].weight};
    std::stable_sort(buffer.begin(), buffer.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t k = 0; k < n; ++k) {
        targets[k] = buffer[k].first;
        weights[k].weight = buffer[k].second;
    }
}

void checkVertex(std::uint32_t v, std::uint32_t vertex_count) {
    if (v >= vertex_count)
        throw std::invalid_argument("edge endpoint " + std::to_string(v) + " out of range (" +
                                    std::to_string(vertex_count) + " vertices)");
}

}  // namespace

// Counting sort by source into Boost's own arrays: O(V + E) time, and no memory beyond the
// graph itself and one cursor per vertex (a comparison sort of (edge, index) pairs needed
// about four times the graph in temporaries at N = 1e6).
WeightedCsr::WeightedCsr(std::uint32_t vertex_count,
                         const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                         const std::vector<double>& weights)
    : vertex_count_(vertex_count), graph_(vertex_count) {
    if (edges.size() != weights.size())
        throw std::invalid_argument("edge and weight counts differ");
    if (edges.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument("more than 2^32 - 1 edges");
    auto& rows = graph_.m_forward;
    auto& start = rows.m_rowstart;  // vertex_count + 1 zeros
    for (const auto& [source, target] : edges) {
        checkVertex(source, vertex_count);
        checkVertex(target, vertex_count);
        ++start[source + 1];
    }
    for (std::uint32_t v = 0; v < vertex_count; ++v) start[v + 1] += start[v];
    rows.m_column.resize(edges.size());
    rows.m_edge_properties.resize(edges.size());
    std::vector<std::uint32_t> cursor(start.begin(), start.end() - 1);
    for (std::size_t k = 0; k < edges.size(); ++k) {
        const auto at = cursor[edges[k].first]++;
        rows.m_column[at] = edges[k].second;
        rows.m_edge_properties[at].weight = weights[k];
    }
    std::vector<std::pair<std::uint32_t, double>> buffer;
    for (std::uint32_t v = 0; v < vertex_count; ++v)
        sortRow(rows.m_column.data() + start[v], rows.m_edge_properties.data() + start[v],
                start[v + 1] - start[v], buffer);
}

WeightedCsr WeightedCsr::fromSortedRows(std::uint32_t vertex_count,
                                        std::vector<std::uint32_t>&& offsets,
                                        std::vector<std::uint32_t>&& targets,
                                        std::vector<EdgeWeight>&& weights) {
    if (offsets.size() != std::size_t(vertex_count) + 1 || offsets.front() != 0 ||
        offsets.back() != targets.size() || targets.size() != weights.size())
        throw std::invalid_argument("CSR rows: offsets, targets and weights do not match");
    for (std::uint32_t v = 0; v < vertex_count; ++v) {
        if (offsets[v] > offsets[v + 1] ||
            !std::is_sorted(targets.begin() + offsets[v], targets.begin() + offsets[v + 1]))
            throw std::invalid_argument("CSR rows: row " + std::to_string(v) + " is not sorted");
    }
    for (auto t : targets) checkVertex(t, vertex_count);
    WeightedCsr csr(vertex_count);
    csr.graph_.m_forward.m_rowstart = std::move(offsets);
    csr.graph_.m_forward.m_column = std::move(targets);
    csr.graph_.m_forward.m_edge_properties = std::move(weights);
    return csr;
}

CsrView WeightedCsr::view() const {
    CsrView v;
    v.offsets = graph_.m_forward.m_rowstart.data();
    v.targets = graph_.m_forward.m_column.data();
    v.weights = graph_.m_forward.m_edge_properties.data();
    v.vertex_count = vertex_count_;
    return v;
}

}  // namespace regsim
