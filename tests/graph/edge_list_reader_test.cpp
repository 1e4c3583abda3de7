#include "graph/edge_list_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "graph_test_util.hpp"

namespace regsim {
namespace {

using Ids = std::vector<std::string>;

GeneratedNetwork parse(const std::string& text, const Ids& existing = {}, double w = 1.0) {
    return parseEdgeList(text, "edges.csv", existing, w);
}

// The message of the runtime_error thrown by parsing `text`.
std::string errorOf(const std::string& text, const Ids& existing = {}) {
    try {
        parse(text, existing);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "no error";
}

// Every new state's id: the spelled-out ones, then the generated block S0..S{generated-1}
// (integer ids with no listed S-state come as such a block, not as strings).
Ids newIds(const GeneratedNetwork& net) {
    Ids ids = net.new_state_ids;
    for (std::uint32_t k = 0; k < net.generated; ++k) ids.push_back("S" + std::to_string(k));
    return ids;
}

void expectTie(const TieSpec& t, StateIndex a, StateIndex b, double w) {
    EXPECT_EQ(t.a, a);
    EXPECT_EQ(t.b, b);
    EXPECT_DOUBLE_EQ(t.weight, w);
}

TEST(EdgeList, IntegerIdsCreateStates) {
    const auto net = parse("0,1\n1,2\n5,2\n", {}, 0.5);
    EXPECT_EQ(newIds(net), (Ids{"S0", "S1", "S2", "S3", "S4", "S5"}));
    ASSERT_EQ(net.ties.size(), 3u);
    expectTie(net.ties[0], 0, 1, 0.5);
    expectTie(net.ties[1], 1, 2, 0.5);
    expectTie(net.ties[2], 2, 5, 0.5);
}

TEST(EdgeList, IntegerIdsMapToExistingSNames) {
    // Existing S0..S2 are ids 0..2; S3 is new.
    const auto net = parse("0,3\n2,1\n", {"S0", "S1", "S2"});
    EXPECT_EQ(newIds(net), (Ids{"S3"}));
    ASSERT_EQ(net.ties.size(), 2u);
    expectTie(net.ties[0], 0, 3, 1.0);
    expectTie(net.ties[1], 1, 2, 1.0);
    // Other existing states: all S-states are new, after them.
    const auto other = parse("0,1\n", {"NGA", "GHA"});
    EXPECT_EQ(newIds(other), (Ids{"S0", "S1"}));
    EXPECT_EQ(other.generated, 2u);  // one block, no strings
    EXPECT_TRUE(other.new_state_ids.empty());
    ASSERT_EQ(other.ties.size(), 1u);
    expectTie(other.ties[0], 2, 3, 1.0);
}

TEST(EdgeList, StringIdsMixExistingAndNew) {
    const std::string text =
        "source,target,weight\n"
        "NGA,CIV,2\n"
        "# a comment\n"
        "\n"
        "BFA,GHA\n"
        "CIV , BFA , 0.5   # trailing comment\r\n"
        "\"GHA\",NGA,1e-1\n";
    const auto net = parse(text, {"NGA", "GHA"}, 3.0);
    EXPECT_EQ(newIds(net), (Ids{"CIV", "BFA"}));
    ASSERT_EQ(net.ties.size(), 4u);  // sorted by (a, b)
    expectTie(net.ties[0], 0, 1, 0.1);
    expectTie(net.ties[1], 0, 2, 2.0);
    expectTie(net.ties[2], 1, 3, 3.0);
    expectTie(net.ties[3], 2, 3, 0.5);
}

TEST(EdgeList, OneNonIntegerIdMakesAllIdsLiteral) {
    const auto net = parse("1,2\n2,x\n");
    EXPECT_EQ(newIds(net), (Ids{"1", "2", "x"}));
    ASSERT_EQ(net.ties.size(), 2u);
}

TEST(EdgeList, DuplicatesAddWeights) {
    const auto net = parse("a1,b1,1\nb1,a1,2.5\na1,c1\n");
    ASSERT_EQ(net.ties.size(), 2u);
    expectTie(net.ties[0], 0, 1, 3.5);
    expectTie(net.ties[1], 0, 2, 1.0);
}

TEST(EdgeList, ByteOrderMarkIsNotPartOfTheFirstId) {
    // Excel's "CSV UTF-8": the mark made the header read as data and the ids literal.
    EXPECT_EQ(newIds(parse("\xEF\xBB\xBFsource,target\n0,1\n1,2\n")), (Ids{"S0", "S1", "S2"}));
    EXPECT_EQ(parse("\xEF\xBB\xBF"
                    "NGA,GHA\n")
                  .new_state_ids,
              (Ids{"NGA", "GHA"}));
}

TEST(EdgeList, Headers) {
    EXPECT_EQ(parse("a,b\n0,1\n").ties.size(), 1u);
    EXPECT_EQ(parse("From,To\n0,1\n").ties.size(), 1u);
    EXPECT_EQ(parse("# c\nu,v,weight\n0,1,2\n").ties.size(), 1u);
    EXPECT_EQ(newIds(parse("x,y,Weight\n0,1,2\n")).size(), 2u);
    // Only the first data line can be a header.
    EXPECT_EQ(parse("0,1\nsource,target\n").new_state_ids, (Ids{"0", "1", "source", "target"}));
}

TEST(EdgeList, WhitespaceSeparated) {
    const auto net = parse("0 1\n1\t2  4.5\n");
    ASSERT_EQ(net.ties.size(), 2u);
    expectTie(net.ties[1], 1, 2, 4.5);
}

TEST(EdgeList, EmptyFile) {
    const auto net = parse("# nothing\n\n");
    EXPECT_TRUE(newIds(net).empty());
    EXPECT_TRUE(net.ties.empty());
}

TEST(EdgeList, ErrorsNameTheLine) {
    EXPECT_EQ(errorOf("0,1\n\n# c\n2,2\n"), "edges.csv:4:3: self-loop on '2'");
    EXPECT_EQ(errorOf("NGA,GHA\nGHA,GHA\n"), "edges.csv:2:5: self-loop on 'GHA'");
    EXPECT_EQ(errorOf("0,1,-1\n"), "edges.csv:1:5: bad weight '-1' (must be a number > 0)");
    EXPECT_EQ(errorOf("0,1\n1,2,abc\n"), "edges.csv:2:5: bad weight 'abc' (must be a number > 0)");
    EXPECT_EQ(errorOf("a1,b1,0\n"), "edges.csv:1:7: bad weight '0' (must be a number > 0)");
    EXPECT_EQ(errorOf("0,1,2x\n"), "edges.csv:1:5: bad weight '2x' (must be a number > 0)");
    EXPECT_EQ(errorOf("0,1\n7\n"), "edges.csv:2:2: missing column: expected 'id,id[,weight]'");
    EXPECT_EQ(errorOf("0,1,1,1\n"), "edges.csv:1:7: too many columns: expected 'id,id[,weight]'");
    EXPECT_EQ(errorOf("0,,1\n"), "edges.csv:1:3: empty id");
    EXPECT_EQ(errorOf("0,99999999999\n"), "edges.csv:1:3: integer id '99999999999' is too large");
}

TEST(EdgeList, ReadsFileAndReportsMissingFile) {
    const std::string path = ::testing::TempDir() + "regsim_edges_test.csv";
    {
        std::ofstream out(path);
        out << "source,target,weight\n";
        for (int i = 0; i < 100000; ++i) out << i << ',' << (i + 1) % 100000 << ",1.5\n";
    }
    const auto net = readEdgeList(path, {}, 1.0);
    EXPECT_EQ(newIds(net).size(), 100000u);
    ASSERT_EQ(net.ties.size(), 100000u);  // a ring
    EXPECT_TRUE(test::isSimple(net.ties, 100000));
    for (const auto d : test::degrees(net.ties, 100000)) ASSERT_EQ(d, 2u);
    EXPECT_DOUBLE_EQ(net.ties.front().weight, 1.5);
    std::remove(path.c_str());
    EXPECT_THROW(readEdgeList(path, {}, 1.0), std::runtime_error);
}

}  // namespace
}  // namespace regsim
