// File: cli_runner.hpp
// Runs the real aws-hpc binary for end-to-end tests: argv only, a private AWS_HPC_HOME, and the
// test apps in tests/e2e/apps on the search path.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace awshpc::e2e {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliRunner {
 public:
  CliRunner();   // creates a temporary AWS_HPC_HOME
  ~CliRunner();  // ends any job still running there and removes it

  CliResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& extra_env = {}) const;

  const std::string& home() const { return home_; }
  static std::string Binary();

 private:
  std::string home_;
};

// The value of `"key": "value"` in a JSON text, or "" (enough for ids and states).
std::string JsonField(const std::string& json, const std::string& key);

}  // namespace awshpc::e2e
