// File: bench_util.hpp
// What every benchmark needs: run a command quietly and time it, summarise samples, and stop
// with a message when something the measurement depends on fails.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "awshpc/core/clock.hpp"

extern char** environ;

namespace awshpc::bench {

// Set by each benchmark's main() so messages name it.
inline const char* program_name = "bench";

[[noreturn]] inline void Die(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", program_name, message.c_str());
  std::exit(1);
}

// Runs argv (PATH searched, no shell) with stdin, stdout and stderr on /dev/null and returns its
// wait status.
inline int RunQuiet(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) Die("cannot run " + args[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// Wall time of one successful run of argv, in milliseconds (dies if it fails).
inline double TimedRunMs(const std::vector<std::string>& args) {
  const double start = MonotonicSeconds();
  const int status = RunQuiet(args);
  const double ms = (MonotonicSeconds() - start) * 1000;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Die("command failed: " + args[0] + (args.size() > 1 ? " " + args[1] : ""));
  }
  return ms;
}

struct Stats {
  double median = 0;
  double p95 = 0;
};

inline Stats Summarise(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  return {values[values.size() / 2], values[std::min(values.size() - 1, values.size() * 95 / 100)]};
}

// Median and p95 of `repetitions` runs of argv.
inline Stats TimeCommand(const std::vector<std::string>& args, int repetitions) {
  std::vector<double> samples;
  for (int i = 0; i < repetitions; ++i) samples.push_back(TimedRunMs(args));
  return Summarise(std::move(samples));
}

}  // namespace awshpc::bench
