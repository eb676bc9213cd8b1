#include "awshpc/core/text.hpp"

#include <gtest/gtest.h>

namespace awshpc {
namespace {

TEST(TextTest, EditDistance) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("mpi", "mpi"), 0u);
}

TEST(TextTest, ClosestMatchSuggestsOnlyPlausibleTypos) {
  const std::vector<std::string> keys = {"parameters", "resources", "command", "variants"};
  EXPECT_EQ(ClosestMatch("paramters", keys), "parameters");
  EXPECT_EQ(ClosestMatch("comand", keys), "command");
  EXPECT_EQ(ClosestMatch("zebra", keys), "");
}

TEST(TextTest, JoinPutsTheSeparatorBetweenEachPair) {
  EXPECT_EQ(Join({"zen4", "icelake", "graviton3"}, ", "), "zen4, icelake, graviton3");
  EXPECT_EQ(Join({"a"}, "; "), "a");
  EXPECT_EQ(Join({}, ", "), "");
  EXPECT_EQ(Join({"", "b"}, "/"), "/b");
}

TEST(TextTest, TrimTrailingWhitespaceKeepsLeadingAndInnerBlanks) {
  EXPECT_EQ(TrimTrailingWhitespace("20190702 000000\n"), "20190702 000000");
  EXPECT_EQ(TrimTrailingWhitespace("  a b \t\r\n \n"), "  a b");
  EXPECT_EQ(TrimTrailingWhitespace(" \n\t"), "");
  EXPECT_EQ(TrimTrailingWhitespace(""), "");
}

TEST(TextTest, JoinOr) {
  EXPECT_EQ(JoinOr({"serial", "openmp", "mpi", "gpu"}), "serial, openmp, mpi or gpu");
  EXPECT_EQ(JoinOr({"a"}), "a");
}

TEST(TextTest, QuoteForMessageEscapesControlCharacters) {
  EXPECT_EQ(QuoteForMessage("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(QuoteForMessage(std::string("x\0y", 3)), "\"x\\x00y\"");
  EXPECT_EQ(QuoteForMessage("$(id)"), "\"$(id)\"");
}

}  // namespace
}  // namespace awshpc
