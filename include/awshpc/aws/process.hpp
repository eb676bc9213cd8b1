// File: process.hpp
// Runs a program from an argv (never through /bin/sh) and captures its output: used for
// credential_process and by tests that drive botocore or loopback servers.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::aws {

// Splits a command line the way botocore does on POSIX (Python's shlex.split): blanks separate
// words, '...' is literal, "..." allows \" \\ \$ \` escapes, a backslash outside quotes escapes
// the next character. No variables, globs, pipes or redirections: the words go straight to exec.
Result<std::vector<std::string>> SplitCommandLine(std::string_view command);

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) with stdin from /dev/null; kills it after `timeout`.
// Output beyond `max_output` bytes per stream is an error (a credential process has no reason to
// print megabytes). A non-empty `working_dir` is the child's current directory (the parent's
// stays as it is).
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                 std::size_t max_output = 1 << 20,
                                 const std::string& working_dir = {});

}  // namespace awshpc::aws
