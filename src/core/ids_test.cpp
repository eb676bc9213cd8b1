#include "awshpc/core/ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace awshpc {
namespace {

TEST(IdsTest, ShapeAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    std::string id = NewId("j");
    ASSERT_TRUE(IsWellFormedId(id, "j")) << id;
    ASSERT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
}

TEST(IdsTest, RejectsMalformed) {
  EXPECT_FALSE(IsWellFormedId("j-1234567", "j"));   // short
  EXPECT_FALSE(IsWellFormedId("x-12345678", "j"));  // prefix
  EXPECT_FALSE(IsWellFormedId("j-1234567i", "j"));  // 'i' is not Crockford
  EXPECT_FALSE(IsWellFormedId("j_12345678", "j"));
  EXPECT_TRUE(IsWellFormedId("j-0123abcz", "j"));
}

}  // namespace
}  // namespace awshpc
