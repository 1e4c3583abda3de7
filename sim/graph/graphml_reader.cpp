#include "graph/graphml_reader.hpp"

#include <boost/graph/graphml.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "core/text_hash.hpp"
#include "graph/state_ids.hpp"
#include "graph/tie_list.hpp"

namespace regsim {

namespace {

// Receives Boost's parse as plain vertex numbers and edge records. Used instead of
// adjacency_list + dynamic_properties because a double "weight" map there throws
// bad_any_cast when the file declares attr.type="int" or "float": here the weight text is
// parsed whatever its declared type.
class TieCollector : public boost::mutate_graph {
  public:
    struct Edge {
        std::size_t source = 0, target = 0;
        double weight = std::numeric_limits<double>::quiet_NaN();
        std::string weight_text;
    };

    bool is_directed() const override { return false; }
    boost::any do_add_vertex() override { return boost::any(vertex_count++); }
    std::pair<boost::any, bool> do_add_edge(boost::any source, boost::any target) override {
        Edge e;
        e.source = boost::any_cast<std::size_t>(source);
        e.target = boost::any_cast<std::size_t>(target);
        edges.push_back(std::move(e));
        return {boost::any(edges.size() - 1), true};
    }
    void set_graph_property(const std::string&, const std::string&, const std::string&) override {}
    void set_vertex_property(const std::string&, boost::any, const std::string&,
                             const std::string&) override {}
    void set_edge_property(const std::string& name, boost::any edge, const std::string& value,
                           const std::string&) override {
        if (name != "weight") return;
        auto& e = edges[boost::any_cast<std::size_t>(edge)];
        e.weight_text = value;
        double w = 0.0;
        const auto res = std::from_chars(value.data(), value.data() + value.size(), w);
        e.weight = res.ec == std::errc() && res.ptr == value.data() + value.size()
                       ? w
                       : -1.0;  // reported with the node ids below
    }

    std::size_t vertex_count = 0;
    std::vector<Edge> edges;
};

using boost::property_tree::ptree;

ptree::path_type xmlPath(const std::string& s) { return ptree::path_type(s, '/'); }

// The graphs read_graphml visits for desired_idx 0: the first <graph>, then its <graph>
// children, depth first.
void selectedGraphs(const ptree& top, bool first_only, std::vector<const ptree*>& out) {
    for (const auto& [tag, child] : top) {
        if (tag != "graph") continue;
        out.push_back(&child);
        selectedGraphs(child, false, out);
        if (first_only) break;
    }
}

// GraphML node ids in the order read_graphml creates vertices: nodes, then edge ends not
// declared as nodes. Boost does not hand the ids to a mutate_graph, so they are read here
// from the same XML; the edge check below catches any disagreement.
struct NodeOrder {
    std::vector<std::string> ids;
    std::vector<std::pair<std::string, std::string>> edge_ends;
};

NodeOrder nodeOrder(const std::string& text) {
    ptree pt;
    std::istringstream in(text);
    boost::property_tree::read_xml(in, pt,
                                   boost::property_tree::xml_parser::no_comments |
                                       boost::property_tree::xml_parser::trim_whitespace);
    std::vector<const ptree*> graphs;
    selectedGraphs(pt.get_child("graphml"), true, graphs);
    NodeOrder order;
    std::unordered_map<std::string, std::size_t> seen;
    auto add = [&](const std::string& id) {
        if (seen.emplace(id, order.ids.size()).second) order.ids.push_back(id);
    };
    for (const ptree* g : graphs) {
        for (const auto& [tag, node] : *g) {
            if (tag == "node") add(node.get<std::string>(xmlPath("<xmlattr>/id")));
        }
    }
    for (const ptree* g : graphs) {
        for (const auto& [tag, edge] : *g) {
            if (tag != "edge") continue;
            auto s = edge.get<std::string>(xmlPath("<xmlattr>/source"));
            auto t = edge.get<std::string>(xmlPath("<xmlattr>/target"));
            add(s);
            add(t);
            order.edge_ends.emplace_back(std::move(s), std::move(t));
        }
    }
    return order;
}

}  // namespace

GeneratedNetwork parseGraphml(const std::string& text, const std::string& name,
                              const std::vector<std::string>& existing_state_ids,
                              double default_weight) {
    const std::string where = "graphml: " + name + ": ";
    TieCollector collector;
    NodeOrder order;
    try {
        std::istringstream in(text);
        boost::read_graphml(in, collector, 0);
        order = nodeOrder(text);
    } catch (const boost::directed_graph_error&) {
        throw std::runtime_error(where +
                                 "directed edges; influence ties are undirected "
                                 "(use edgedefault=\"undirected\")");
    } catch (const std::exception& e) {
        // Boost's XML parser says "<unspecified file>(7): ..." for line 7 of the stream.
        std::string what = e.what();
        const std::string unnamed = "<unspecified file>(";
        if (what.rfind(unnamed, 0) == 0) {
            const auto close = what.find("): ");
            if (close != std::string::npos)
                what = "line " + what.substr(unnamed.size(), close - unnamed.size()) + ": " +
                       what.substr(close + 3);
        }
        throw std::runtime_error(where + what);
    }
    if (order.ids.size() != collector.vertex_count ||
        order.edge_ends.size() != collector.edges.size()) {
        throw std::runtime_error(where + "node ids do not match Boost's reading of the file");
    }

    // Resolve ids: integer rule if every node id is an integer, else literal.
    GeneratedNetwork net;
    std::vector<StateIndex> state_of(order.ids.size());
    bool all_integer = true;
    for (const auto& id : order.ids) all_integer = all_integer && isIntegerId(id);
    try {
        if (all_integer && !order.ids.empty()) {
            std::vector<std::uint64_t> value(order.ids.size());
            std::uint64_t max_id = 0;
            for (std::size_t v = 0; v < order.ids.size(); ++v) {
                const auto& id = order.ids[v];
                const auto res = std::from_chars(id.data(), id.data() + id.size(), value[v]);
                if (res.ec != std::errc() || value[v] >= kNone) {
                    throw std::runtime_error("integer node id '" + id + "' is too large");
                }
                max_id = std::max(max_id, value[v]);
            }
            const auto map =
                mapIntegerIds(max_id, existing_state_ids, net.new_state_ids, net.generated);
            for (std::size_t v = 0; v < order.ids.size(); ++v) state_of[v] = map[value[v]];
        } else {
            NamedIdMap ids(existing_state_ids);
            for (std::size_t v = 0; v < order.ids.size(); ++v)
                state_of[v] = ids.index(order.ids[v]);
            net.new_state_ids = std::move(ids.newStateIds());
        }
    } catch (const std::exception& e) {
        throw std::runtime_error(where + e.what());
    }

    net.ties.reserve(collector.edges.size());
    for (std::size_t e = 0; e < collector.edges.size(); ++e) {
        const auto& edge = collector.edges[e];
        const auto& [s, t] = order.edge_ends[e];
        if (order.ids[edge.source] != s || order.ids[edge.target] != t) {
            throw std::runtime_error(where + "node ids do not match Boost's reading of the file");
        }
        if (s == t) throw std::runtime_error(where + "self-loop on node '" + s + "'");
        double w = edge.weight;
        if (std::isnan(w) && edge.weight_text.empty()) w = default_weight;
        if (!std::isfinite(w) || !(w > 0.0)) {
            throw std::runtime_error(where + "edge " + s + " -- " + t + ": bad weight '" +
                                     edge.weight_text + "' (must be a number > 0)");
        }
        net.ties.push_back({state_of[edge.source], state_of[edge.target], w});
    }
    const auto vertex_count = static_cast<std::uint32_t>(existing_state_ids.size() +
                                                         net.new_state_ids.size() + net.generated);
    canonicalizeTies(net.ties, vertex_count, DuplicateTies::add_weights);
    return net;
}

GeneratedNetwork readGraphml(const std::string& path,
                             const std::vector<std::string>& existing_state_ids,
                             double default_weight) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("graphml: " + path + ": cannot open file");
    std::ostringstream text;
    text << in.rdbuf();
    const std::string bytes = text.str();
    auto net = parseGraphml(bytes, path, existing_state_ids, default_weight);
    net.content_hash = hex16(fnv1a64(bytes));
    return net;
}

}  // namespace regsim
