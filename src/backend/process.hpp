// File: process.hpp
// Low-level process control for the local backend: starting a program in its own process group
// (argv only, never a shell), detaching a supervisor, and recognising a process again by pid
// plus start time so that a recycled pid is never signalled by mistake.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::backend::internal {

struct SpawnSpec {
  std::vector<std::string> argv;         // argv[0] is resolved on PATH (no shell, no "." lookup)
  std::vector<std::string> environment;  // complete "KEY=VALUE" list
  std::string work_dir;
  std::string stdout_path;  // opened for append
  std::string stderr_path;
};

// Forks and execs the program as the leader of a new process group (pgid == pid) with default
// signal dispositions and an empty signal mask. Exec failures come back as an error Status
// naming the program ("cannot run 'lmpx': No such file or directory"), not as a child exit code.
Result<pid_t> SpawnInNewProcessGroup(const SpawnSpec& spec);

// Runs `argv` fully detached from the caller: double fork, setsid, stdin/stdout to /dev/null,
// stderr appended to `stderr_path`, every other descriptor closed. Returns once the intermediate
// process has exited; the detached process is reparented to init (or the nearest subreaper).
Status RunDetached(const std::vector<std::string>& argv, const std::string& stderr_path);

struct ProcessIdentity {
  char state = '?';  // from /proc/<pid>/stat: R, S, D, Z (zombie), ...
  std::int64_t start_ticks = 0;
};

// NotFound if the process does not exist.
Result<ProcessIdentity> ReadProcessIdentity(pid_t pid);

// True if `pid` is alive (not a zombie) and started at `start_ticks`.
bool IsSameLiveProcess(pid_t pid, std::int64_t start_ticks);

// "SIGTERM", "SIGKILL", or "signal 42".
std::string SignalName(int signal_number);

}  // namespace awshpc::backend::internal
