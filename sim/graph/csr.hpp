#pragma once
// WeightedCsr: a weighted directed graph in Boost.Graph's compressed_sparse_row_graph with
// 32-bit vertex and edge indices (docs/performance.md: "Graphs"). Chosen over adjacency_list
// because the model never adds or removes vertices or edges after loading (exits are status
// changes), and CSR keeps each neighbour list contiguous: one cache line serves ~5 neighbours.
// Hot loops read the rows through view(), a plain pointer triple, so the step loop neither
// allocates nor pays for iterator adaptors.

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace regsim {

struct EdgeWeight {
    double weight = 1.0;
};

using CsrGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeWeight,
                                       boost::no_property, std::uint32_t, std::uint32_t>;

// Rows of a CSR graph: the targets of vertex v are targets[offsets[v] .. offsets[v+1]).
struct CsrView {
    const std::uint32_t* offsets = nullptr;
    const std::uint32_t* targets = nullptr;
    const EdgeWeight* weights = nullptr;
    std::uint32_t vertex_count = 0;

    std::uint32_t begin(std::uint32_t v) const { return offsets[v]; }
    std::uint32_t end(std::uint32_t v) const { return offsets[v + 1]; }
};

class WeightedCsr {
  public:
    WeightedCsr() = default;
    // Edges (source, target) with one weight each; order is free. Rows end up sorted by
    // target, repeated edges in input order.
    WeightedCsr(std::uint32_t vertex_count,
                const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                const std::vector<double>& weights);
    // The same from edges streamed rather than listed, so that no edge list is materialised
    // beside the graph (the influence graph is built straight from the tie list):
    // for_each_edge(emit) calls emit(source, target, weight) for every edge in input order, the
    // same edges each time (it is called twice: count, then fill).
    template <typename ForEachEdge>
    static WeightedCsr fromEdges(std::uint32_t vertex_count, ForEachEdge&& for_each_edge);
    // Edges already bucketed by source (rows offsets[v] .. offsets[v+1] of targets, in input
    // order) but not sorted within rows: each row is sorted by target, stably, as the
    // constructor above does. One weight per target. Moved in without a copy; checked.
    static WeightedCsr fromBuckets(std::uint32_t vertex_count, std::vector<std::uint32_t>&& offsets,
                                   std::vector<std::uint32_t>&& targets,
                                   std::vector<EdgeWeight>&& weights);
    // Rows already built (each sorted by target), moved in without a copy; checked.
    static WeightedCsr fromSortedRows(std::uint32_t vertex_count,
                                      std::vector<std::uint32_t>&& offsets,
                                      std::vector<std::uint32_t>&& targets,
                                      std::vector<EdgeWeight>&& weights);

    const CsrGraph& boostGraph() const { return graph_; }
    std::uint32_t vertexCount() const { return vertex_count_; }
    std::uint64_t edgeCount() const { return graph_.m_forward.m_column.size(); }
    CsrView view() const;

  private:
    static void checkVertex(std::uint32_t v, std::uint32_t vertex_count);
    // Takes checked rows.
    void adopt(std::vector<std::uint32_t>&& offsets, std::vector<std::uint32_t>&& targets,
               std::vector<EdgeWeight>&& weights);

    std::uint32_t vertex_count_ = 0;
    CsrGraph graph_;
};

// Counting sort by source: O(V + E) time, and no memory beyond the graph itself (a comparison
// sort of (edge, index) pairs needed about four times the graph in temporaries at N = 1e6).
// The row starts double as the fill cursors, so there is not even a cursor per vertex.
template <typename ForEachEdge>
WeightedCsr WeightedCsr::fromEdges(std::uint32_t vertex_count, ForEachEdge&& for_each_edge) {
    std::vector<std::uint32_t> start(std::size_t(vertex_count) + 1, 0);
    std::uint64_t count = 0;
    for_each_edge([&](std::uint32_t source, std::uint32_t target, double) {
        checkVertex(source, vertex_count);
        checkVertex(target, vertex_count);
        ++start[source + 1];
        ++count;
    });
    if (count >= std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument("more than 2^32 - 1 edges");
    for (std::uint32_t v = 0; v < vertex_count; ++v) start[v + 1] += start[v];
    std::vector<std::uint32_t> targets(count);
    std::vector<EdgeWeight> weights(count);
    for_each_edge([&](std::uint32_t source, std::uint32_t target, double weight) {
        const auto at = start[source]++;
        targets[at] = target;
        weights[at].weight = weight;
    });
    // start[v] has moved on to the end of row v, which is the start of row v + 1.
    for (std::uint32_t v = vertex_count; v > 0; --v) start[v] = start[v - 1];
    start[0] = 0;
    return fromBuckets(vertex_count, std::move(start), std::move(targets), std::move(weights));
}

}  // namespace regsim
