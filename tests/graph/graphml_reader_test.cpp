#include "graph/graphml_reader.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace regsim {
namespace {

using Ids = std::vector<std::string>;

std::string graphml(const std::string& body, const std::string& weight_type = "double",
                    const std::string& edgedefault = "undirected") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
           "  <key id=\"d0\" for=\"edge\" attr.name=\"weight\" attr.type=\"" +
           weight_type +
           "\"/>\n"
           "  <key id=\"d1\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
           "  <graph id=\"G\" edgedefault=\"" +
           edgedefault + "\">\n" + body + "  </graph>\n</graphml>\n";
}

std::string errorOf(const std::string& text) {
    try {
        parseGraphml(text, "test.graphml", {}, 1.0);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "no error";
}

TEST(Graphml, ReadsFileWithNamedNodes) {
    const std::string path = ::testing::TempDir() + "regsim_graphml_test.graphml";
    {
        std::ofstream out(path);
        out << graphml(
            "    <node id=\"NGA\"><data key=\"d1\">Nigeria</data></node>\n"
            "    <node id=\"GHA\"/>\n"
            "    <node id=\"XYZ\"/>\n"
            "    <edge source=\"NGA\" target=\"GHA\"><data key=\"d0\">2.5</data></edge>\n"
            "    <edge source=\"XYZ\" target=\"NGA\"/>\n"
            "    <edge source=\"GHA\" target=\"NEW\"><data key=\"d0\">0.5</data></edge>\n"
            "    <edge source=\"GHA\" target=\"NGA\"><data key=\"d0\">1</data></edge>\n");
    }
    const auto net = readGraphml(path, {"CIV", "GHA"}, 4.0);
    std::remove(path.c_str());
    // Nodes in file order, then undeclared edge ends.
    EXPECT_EQ(net.new_state_ids, (Ids{"NGA", "XYZ", "NEW"}));
    ASSERT_EQ(net.ties.size(), 3u);
    // GHA=1, NGA=2, XYZ=3, NEW=4; NGA-GHA listed twice: 2.5 + 1.
    EXPECT_EQ(net.ties[0].a, 1u);
    EXPECT_EQ(net.ties[0].b, 2u);
    EXPECT_DOUBLE_EQ(net.ties[0].weight, 3.5);
    EXPECT_EQ(net.ties[1].a, 1u);
    EXPECT_EQ(net.ties[1].b, 4u);
    EXPECT_DOUBLE_EQ(net.ties[1].weight, 0.5);
    EXPECT_EQ(net.ties[2].a, 2u);
    EXPECT_EQ(net.ties[2].b, 3u);
    EXPECT_DOUBLE_EQ(net.ties[2].weight, 4.0);  // no weight: the default
}

TEST(Graphml, IntegerNodeIdsAndIntWeights) {
    const auto net = parseGraphml(graphml("    <node id=\"0\"/><node id=\"3\"/>\n"
                                          "    <edge source=\"0\" target=\"3\">"
                                          "<data key=\"d0\">2</data></edge>\n",
                                          "int"),
                                  "g", {"S0"}, 1.0);
    EXPECT_EQ(net.new_state_ids, (Ids{"S1", "S2", "S3"}));
    ASSERT_EQ(net.ties.size(), 1u);
    EXPECT_EQ(net.ties[0].a, 0u);
    EXPECT_EQ(net.ties[0].b, 3u);
    EXPECT_DOUBLE_EQ(net.ties[0].weight, 2.0);
    // With no listed S-state the new states are one generated block S0..S3 after NGA.
    const auto block = parseGraphml(graphml("    <node id=\"0\"/><node id=\"3\"/>\n"
                                            "    <edge source=\"0\" target=\"3\"/>\n"),
                                    "g", {"NGA"}, 1.0);
    EXPECT_TRUE(block.new_state_ids.empty());
    EXPECT_EQ(block.generated, 4u);
    ASSERT_EQ(block.ties.size(), 1u);
    EXPECT_EQ(block.ties[0].a, 1u);
    EXPECT_EQ(block.ties[0].b, 4u);
}

TEST(Graphml, KeyDefaultAndFloatWeights) {
    const std::string text =
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
        "  <key id=\"w\" for=\"edge\" attr.name=\"weight\" attr.type=\"float\">"
        "<default>0.5</default></key>\n"
        "  <graph edgedefault=\"undirected\">\n"
        "    <edge source=\"x\" target=\"y\"/>\n"
        "    <edge source=\"y\" target=\"z\"><data key=\"w\">1.25</data></edge>\n"
        "  </graph>\n</graphml>\n";
    const auto net = parseGraphml(text, "g", {}, 9.0);
    EXPECT_EQ(net.new_state_ids, (Ids{"x", "y", "z"}));
    ASSERT_EQ(net.ties.size(), 2u);
    EXPECT_DOUBLE_EQ(net.ties[0].weight, 0.5);
    EXPECT_DOUBLE_EQ(net.ties[1].weight, 1.25);
}

TEST(Graphml, Errors) {
    EXPECT_EQ(errorOf(graphml("<node id=\"a\"/><edge source=\"a\" target=\"a\"/>")),
              "graphml: test.graphml: self-loop on node 'a'");
    EXPECT_EQ(errorOf(graphml("<edge source=\"a\" target=\"b\"><data key=\"d0\">-2</data>"
                              "</edge>")),
              "graphml: test.graphml: edge a -- b: bad weight '-2' (must be a number > 0)");
    EXPECT_EQ(errorOf(graphml("<edge source=\"a\" target=\"b\"/>", "double", "directed")),
              "graphml: test.graphml: directed edges; influence ties are undirected (use "
              "edgedefault=\"undirected\")");
    const std::string broken = errorOf("<graphml><graph edgedefault=\"undirected\"><node");
    EXPECT_EQ(broken.rfind("graphml: test.graphml: ", 0), 0u) << broken;
    // Boost's "<unspecified file>(3)" becomes the line it means.
    const std::string line = errorOf("<graphml>\n<graph edgedefault=\"undirected\">\n<node");
    EXPECT_EQ(line.rfind("graphml: test.graphml: line 3: ", 0), 0u) << line;
    EXPECT_THROW(readGraphml("/nonexistent/x.graphml", {}, 1.0), std::runtime_error);
}

}  // namespace
}  // namespace regsim
