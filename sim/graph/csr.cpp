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
        offsets.back() != targets.size() || (!weights.empty() && targets.size() != weights.size()))
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
    const bool unit =
        std::all_of(weights.begin(), weights.end(), [](double w) { return w == 1.0; });
    *this = fromEdges(vertex_count, unit, [&](auto&& emit) {
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
    if (weights.empty()) {
        // Equal targets are indistinguishable: any sort is the stable one.
        for (std::uint32_t v = 0; v < vertex_count; ++v)
            std::sort(targets.begin() + offsets[v], targets.begin() + offsets[v + 1]);
    } else {
        std::vector<std::pair<std::uint32_t, double>> buffer;
        for (std::uint32_t v = 0; v < vertex_count; ++v)
            sortRow(targets.data() + offsets[v], weights.data() + offsets[v],
                    offsets[v + 1] - offsets[v], buffer);
    }
    return adopted(vertex_count, std::move(offsets), std::move(targets), std::move(weights));
}

WeightedCsr WeightedCsr::fromSortedRows(std::uint32_t vertex_count,
                                        std::vector<std::uint32_t>&& offsets,
                                        std::vector<std::uint32_t>&& targets,
                                        std::vector<EdgeWeight>&& weights) {
    if (targets.size() != weights.size())
        throw std::invalid_argument("CSR rows: offsets, targets and weights do not match");
    checkRows(vertex_count, offsets, targets, weights, true);
    return adopted(vertex_count, std::move(offsets), std::move(targets), std::move(weights));
}

WeightedCsr WeightedCsr::fromSortedRows(std::uint32_t vertex_count,
                                        std::vector<std::uint32_t>&& offsets,
                                        std::vector<std::uint32_t>&& targets) {
    std::vector<EdgeWeight> none;
    checkRows(vertex_count, offsets, targets, none, true);
    return adopted(vertex_count, std::move(offsets), std::move(targets), std::move(none));
}

WeightedCsr WeightedCsr::adopted(std::uint32_t vertex_count, std::vector<std::uint32_t>&& offsets,
                                 std::vector<std::uint32_t>&& targets,
                                 std::vector<EdgeWeight>&& weights) {
    WeightedCsr csr;
    csr.vertex_count_ = vertex_count;
    if (std::all_of(weights.begin(), weights.end(),
                    [](const EdgeWeight& w) { return w.weight == 1.0; })) {
        std::vector<EdgeWeight>().swap(weights);  // free it before the graph is assembled
        UnitCsrGraph g;
        g.m_forward.m_rowstart = std::move(offsets);
        g.m_forward.m_column = std::move(targets);
        csr.graph_ = std::make_shared<const std::variant<UnitCsrGraph, CsrGraph>>(std::move(g));
    } else {
        CsrGraph g;
        g.m_forward.m_rowstart = std::move(offsets);
        g.m_forward.m_column = std::move(targets);
        g.m_forward.m_edge_properties = std::move(weights);
        csr.graph_ = std::make_shared<const std::variant<UnitCsrGraph, CsrGraph>>(std::move(g));
    }
    return csr;
}

std::uint64_t WeightedCsr::edgeCount() const {
    return std::visit([](const auto& g) { return std::uint64_t(g.m_forward.m_column.size()); },
                      *graph_);
}

CsrView WeightedCsr::view() const {
    CsrView v;
    std::visit(
        [&](const auto& g) {
            v.offsets = g.m_forward.m_rowstart.data();
            v.targets = g.m_forward.m_column.data();
        },
        *graph_);
    if (const auto* g = std::get_if<CsrGraph>(graph_.get()))
        v.weights = g->m_forward.m_edge_properties.data();
    v.vertex_count = vertex_count_;
    return v;
}

}  // namespace regsim
