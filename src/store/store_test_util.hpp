// File: store_test_util.hpp
// Helpers shared by the store's tests: a temporary directory and a typical job request.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "awshpc/sched/job.hpp"

namespace awshpc::store::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/awshpc-store-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteFileBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

inline sched::JobRequest MakeRequest(const std::string& name, int vcpus = 1, int priority = 0,
                                     const std::string& backend = "local") {
  sched::JobRequest request;
  request.name = name;
  request.app = "lammps";
  request.argv = {"lmp", "-in", "in.lj"};
  request.resources.vcpus = vcpus;
  request.resources.memory_mib = 512;
  request.priority = priority;
  request.backend = backend;
  return request;
}

}  // namespace awshpc::store::testing
