// File: golden.hpp
// Golden-file comparison for the container tests: AWSHPC_UPDATE_GOLDEN=1 rewrites the files.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace awshpc::container::testing {

inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path =
      std::string(AWSHPC_SOURCE_DIR) + "/src/container/testdata/golden/" + name;
  if (const char* update = std::getenv("AWSHPC_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing: run with AWSHPC_UPDATE_GOLDEN=1 and review it";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str())
      << "differs from " << path << " (AWSHPC_UPDATE_GOLDEN=1 rewrites it; review the diff)";
}

}  // namespace awshpc::container::testing
