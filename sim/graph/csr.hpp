#pragma once
// WeightedCsr: a weighted directed graph in Boost.Graph's compressed_sparse_row_graph with
// 32-bit vertex and edge indices (docs/performance.md: "Graphs"). Chosen over adjacency_list
// because the model never adds or removes vertices or edges after loading (exits are status
// changes), and CSR keeps each neighbour list contiguous: one cache line serves ~5 neighbours.
// Hot loops read the rows through view(), a plain pointer triple, so the step loop neither
// allocates nor pays for iterator adaptors.

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <cstdint>
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
    WeightedCsr() : WeightedCsr(0, {}, {}) {}
    // Edges (source, target) with one weight each; order is free. Rows end up sorted by
    // target, repeated edges in input order.
    WeightedCsr(std::uint32_t vertex_count,
                const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                const std::vector<double>& weights);
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
    explicit WeightedCsr(std::uint32_t vertex_count)
        : vertex_count_(vertex_count), graph_(vertex_count) {}

    std::uint32_t vertex_count_ = 0;
    CsrGraph graph_;
};

}  // namespace regsim
