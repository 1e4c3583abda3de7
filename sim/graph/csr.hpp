#pragma once
// WeightedCsr: a weighted directed graph in Boost.Graph's compressed_sparse_row_graph with
// 32-bit vertex and edge indices (docs/performance.md: "Graphs"). Chosen over adjacency_list
// because the model never adds or removes vertices or edges after loading (exits are status
// changes), and CSR keeps each neighbour list contiguous: one cache line serves ~5 neighbours.
// Hot loops read the rows through view(), a plain pointer triple, so the step loop neither
// allocates nor pays for iterator adaptors.
// When every weight is exactly 1 (generated worlds, peer graphs of unit ties) no weight is
// stored: the graph is a Boost CSR without edge property, view().weights is null, and readers
// use 1.0, which gives the same bits as the stored 1.0 did (x * 1.0 == x, sums of 1.0 alike).
// That saves 8 bytes per entry (320 MB per graph at 4e7 entries).
// A WeightedCsr is immutable once built; copying one shares its rows.

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

namespace regsim {

struct EdgeWeight {
    double weight = 1.0;
};

using CsrGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeWeight,
                                       boost::no_property, std::uint32_t, std::uint32_t>;
// The same structure with every weight 1, so none stored.
using UnitCsrGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                       boost::no_property, std::uint32_t, std::uint32_t>;

// Rows of a CSR graph: the targets of vertex v are targets[offsets[v] .. offsets[v+1]).
// weights is null when every weight is 1 (unitWeight()); hot loops decide that once per call
// (a template parameter), not per entry.
struct CsrView {
    const std::uint32_t* offsets = nullptr;
    const std::uint32_t* targets = nullptr;
    const EdgeWeight* weights = nullptr;
    std::uint32_t vertex_count = 0;

    std::uint32_t begin(std::uint32_t v) const { return offsets[v]; }
    std::uint32_t end(std::uint32_t v) const { return offsets[v + 1]; }
    bool unitWeight() const { return weights == nullptr; }
    // For loops that are not hot (a branch per entry, always predicted).
    double weight(std::uint32_t e) const { return weights ? weights[e].weight : 1.0; }
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
    // same edges each time (it is called twice: count, then fill). unit: every weight is 1.
    template <typename ForEachEdge>
    static WeightedCsr fromEdges(std::uint32_t vertex_count, bool unit,
                                 ForEachEdge&& for_each_edge);
    // Edges already bucketed by source (rows offsets[v] .. offsets[v+1] of targets, in input
    // order) but not sorted within rows: each row is sorted by target, stably, as the
    // constructor above does. weights: one per target, or empty when every weight is 1.
    // Moved in without a copy; checked.
    static WeightedCsr fromBuckets(std::uint32_t vertex_count, std::vector<std::uint32_t>&& offsets,
                                   std::vector<std::uint32_t>&& targets,
                                   std::vector<EdgeWeight>&& weights);
    // Rows already built (each sorted by target), moved in without a copy; checked. Without
    // weights every weight is 1.
    static WeightedCsr fromSortedRows(std::uint32_t vertex_count,
                                      std::vector<std::uint32_t>&& offsets,
                                      std::vector<std::uint32_t>&& targets,
                                      std::vector<EdgeWeight>&& weights);
    static WeightedCsr fromSortedRows(std::uint32_t vertex_count,
                                      std::vector<std::uint32_t>&& offsets,
                                      std::vector<std::uint32_t>&& targets);

    // The Boost graph: UnitCsrGraph when unitWeight(), CsrGraph otherwise.
    const std::variant<UnitCsrGraph, CsrGraph>& boostGraph() const { return *graph_; }
    std::uint32_t vertexCount() const { return vertex_count_; }
    std::uint64_t edgeCount() const;
    // Every weight is exactly 1.0 (and none is stored). Any graph whose weights are all 1 is
    // stored this way, however it was built.
    bool unitWeight() const { return std::holds_alternative<UnitCsrGraph>(*graph_); }
    CsrView view() const;

  private:
    static void checkVertex(std::uint32_t v, std::uint32_t vertex_count);
    // A graph of checked rows; drops weights that are all 1.
    static WeightedCsr adopted(std::uint32_t vertex_count, std::vector<std::uint32_t>&& offsets,
                               std::vector<std::uint32_t>&& targets,
                               std::vector<EdgeWeight>&& weights);

    std::uint32_t vertex_count_ = 0;
    // Immutable once built, so copies share it: a topology whose peer graph is its influence
    // graph holds the rows once (graph/topology.cpp).
    std::shared_ptr<const std::variant<UnitCsrGraph, CsrGraph>> graph_ =
        std::make_shared<const std::variant<UnitCsrGraph, CsrGraph>>();
};

// Counting sort by source: O(V + E) time, and no memory beyond the graph itself (a comparison
// sort of (edge, index) pairs needed about four times the graph in temporaries at N = 1e6).
// The row starts double as the fill cursors, so there is not even a cursor per vertex.
template <typename ForEachEdge>
WeightedCsr WeightedCsr::fromEdges(std::uint32_t vertex_count, bool unit,
                                   ForEachEdge&& for_each_edge) {
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
    std::vector<EdgeWeight> weights(unit ? 0 : count);
    for_each_edge([&](std::uint32_t source, std::uint32_t target, double weight) {
        const auto at = start[source]++;
        targets[at] = target;
        if (!unit) weights[at].weight = weight;
    });
    // start[v] has moved on to the end of row v, which is the start of row v + 1.
    for (std::uint32_t v = vertex_count; v > 0; --v) start[v] = start[v - 1];
    start[0] = 0;
    return fromBuckets(vertex_count, std::move(start), std::move(targets), std::move(weights));
}

}  // namespace regsim
