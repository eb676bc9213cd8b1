// File: supervisor_main.cpp
// Entry point of `aws-hpc-supervisor`, started detached by the local backend; not for people.
#include <cstdio>
#include <string>
#include <vector>

#include "supervisor.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = awshpc::backend::internal::ParseSupervisorArgs(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "aws-hpc-supervisor: %s\n", parsed.status().message().c_str());
    return 2;
  }
  return awshpc::backend::internal::RunSupervisor(parsed->first, parsed->second);
}
