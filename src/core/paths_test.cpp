// File: paths_test.cpp
#include "awshpc/core/paths.hpp"

#include <gtest/gtest.h>

namespace awshpc {
namespace {

TEST(PathsTest, RelativePathInsideItsDirectory) {
  EXPECT_TRUE(IsRelativePathInside("cap_restart"));
  EXPECT_TRUE(IsRelativePathInside("Restarts/GEOSChem.Restart.20190702_0000z.nc4"));
  EXPECT_TRUE(IsRelativePathInside("./a/b"));
  EXPECT_TRUE(IsRelativePathInside("a..b"));  // a name, not a step up
  EXPECT_FALSE(IsRelativePathInside(""));
  EXPECT_FALSE(IsRelativePathInside("/etc/passwd"));
  EXPECT_FALSE(IsRelativePathInside(".."));
  EXPECT_FALSE(IsRelativePathInside("a/../../b"));
  EXPECT_FALSE(IsRelativePathInside("a/.."));
}

}  // namespace
}  // namespace awshpc
