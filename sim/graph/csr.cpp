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

void checkInRange(std::uint32_t v, std::uint32_t vertex_count) {
    if (v >= vertex_count)
        throw std::invalid_argument("edge endpoint " + std::to_string(v) + " out of range (" +
                                    std::to_string(vertex_count) + " vertices)");
}

void checkRows(std::uint32_t vertex_count, const std::vector<std::uint32_t>& offsets,
               const std::vector<std::uint32_t>& targets, const std::vector<EdgeWeight>& weights,
               bool sorted) {
    if (offsets.size() != std::size_t(vertex_count) + 1 || offsets.front() != 0 ||
        offsets.back() != targets.size() || targets.size() != weights.size())
        throw std::invalid_argument("CSR rows: offsets, targets and weights do not match");
    for (std::uint32_t v = 0; v < vertex_count; ++v) {
        if (offsets[v] > offsets[v + 1])
            throw std::invalid_argument("CSR rows: offsets decrease at row " + std::to_string(v));
        if (sorted &&
            !std::is_sorted(targets.begin() + offsets[v], targets.begin() + offsets[v + 1]))
            throw std::invalid_argument("CSR rows: row " + std::to_string(v) + " is not sorted");
    }
    for (auto t : targets) checkInRange(t, vertex_count);
}

}  // namespace

WeightedCsr::WeightedCsr(std::uint32_t vertex_count,
                         const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                         const std::vector<double>& weights) {
    if (edges.size() != weights.size())
        throw std::invalid_argument("edge and weight counts differ");
    *this = fromEdges(vertex_count, [&](auto&& emit) {
        for (std::size_t k = 0; k < edges.size(); ++k)
            emit(edges[k].first, edges[k].second, weights[k]);
    });
}

void WeightedCsr::checkVertex(std::uint32_t v, std::uint32_t vertex_count) {
    checkInRange(v, vertex_count);
}

WeightedCsr WeightedCsr::fromBuckets(std::uint32_t vertex_count,
                                     std::vector<std::uint32_t>&& offsets,
                                     std::vector<std::uint32_t>&& targets,
                                     std::vector<EdgeWeight>&& weights) {
    checkRows(vertex_count, offsets, targets, weights, false);
    std::vector<std::pair<std::uint32_t, double>> buffer;
    for (std::uint32_t v = 0; v < vertex_count; ++v)
        sortRow(targets.data() + offsets[v], weights.data() + offsets[v],
                offsets[v + 1] - offsets[v], buffer);
    WeightedCsr csr;
    csr.vertex_count_ = vertex_count;
    csr.adopt(std::move(offsets), std::move(targets), std::move(weights));
    return csr;
}

WeightedCsr WeightedCsr::fromSortedRows(std::uint32_t vertex_count,
                                        std::vector<std::uint32_t>&& offsets,
                                        std::vector<std::uint32_t>&& targets,
                                        std::vector<EdgeWeight>&& weights) {
    checkRows(vertex_count, offsets, targets, weights, true);
    WeightedCsr csr;
    csr.vertex_count_ = vertex_count;
    csr.adopt(std::move(offsets), std::move(targets), std::move(weights));
    return csr;
}

void WeightedCsr::adopt(std::vector<std::uint32_t>&& offsets, std::vector<std::uint32_t>&& targets,
                        std::vector<EdgeWeight>&& weights) {
    graph_.m_forward.m_rowstart = std::move(offsets);
    graph_.m_forward.m_column = std::move(targets);
    graph_.m_forward.m_edge_properties = std::move(weights);
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
