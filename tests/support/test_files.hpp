// File: test_files.hpp
// Reading a whole file in a test, for any module's tests (the include directory is added by
// awshpc_test): one helper instead of a private copy per test file, which unity builds (several
// test files compiled as one) would see as a redefinition.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace awshpc::testing {

// The file's bytes; empty when it cannot be read (the test's own expectations then fail).
inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace awshpc::testing
