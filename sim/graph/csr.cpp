#include "graph/csr.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace regsim {

namespace {

// Boost's constructor from unsorted edges keeps edges of one source in input order only if
// the input is sorted; sorting here makes the neighbour order (and so every floating-point
// sum over neighbours) a function of the edge set alone.
CsrGraph buildSorted(std::uint32_t n,
                     const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                     const std::vector<double>& weights) {
    if (edges.size() != weights.size())
        throw std::invalid_argument("edge and weight counts differ");
    std::vector<std::uint32_t> order(edges.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return edges[a] < edges[b]; });
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sorted_edges(edges.size());
    std::vector<EdgeWeight> sorted_weights(edges.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        sorted_edges[k] = edges[order[k]];
        sorted_weights[k].weight = weights[order[k]];
    }
    return CsrGraph(boost::edges_are_sorted, sorted_edges.begin(), sorted_edges.end(),
                    sorted_weights.begin(), n);
}

}  // namespace

WeightedCsr::WeightedCsr(std::uint32_t vertex_count,
                         const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                         const std::vector<double>& weights)
    : vertex_count_(vertex_count), graph_(buildSorted(vertex_count, edges, weights)) {}

CsrView WeightedCsr::view() const {
    CsrView v;
    v.offsets = graph_.m_forward.m_rowstart.data();
    v.targets = graph_.m_forward.m_column.data();
    v.weights = graph_.m_forward.m_edge_properties.data();
    v.vertex_count = vertex_count_;
    return v;
}

}  // namespace regsim
