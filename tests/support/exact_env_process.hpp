// File: exact_env_process.hpp
// Running a program the way a container or Batch starts it, for any module's tests: exactly
// `env` as its environment (nothing inherited from the test), the argv as given (no shell), and
// stdout / stderr into files when paths are given. One helper instead of a copy per test file.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace awshpc::testing {

// The program's exit status; -1 when a signal ended it, 127 when it could not be started, 126
// when an output file could not be opened.
inline int RunWithExactEnv(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env,
                           const std::string& stdout_path = "",
                           const std::string& stderr_path = "") {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const auto redirect = [](const std::string& path, int target) {
      if (path.empty()) return;
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd < 0 || ::dup2(fd, target) < 0) ::_exit(126);
    };
    redirect(stdout_path, 1);
    redirect(stderr_path, 2);
    ::clearenv();
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace awshpc::testing
