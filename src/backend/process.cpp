// File: process.cpp
#include "process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "awshpc/core/paths.hpp"

namespace awshpc::backend::internal {
namespace {

std::vector<char*> PointerArray(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

// Closes every descriptor >= `first`. Async-signal-safe enough for use between fork and exec:
// close_range where the kernel has it, else a bounded loop.
void CloseDescriptorsFrom(int first) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0u, 0u) == 0) return;
#endif
  const long max_fd = ::sysconf(_SC_OPEN_MAX);
  for (long fd = first; fd < (max_fd > 0 ? max_fd : 4096); ++fd) ::close(static_cast<int>(fd));
}

void ResetSignals() {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Reports an errno from the child to the parent through the exec-status pipe, then exits.
[[noreturn]] void ChildFail(int pipe_fd, int stage, int error) {
  const int message[2] = {stage, error};
  [[maybe_unused]] ssize_t ignored = ::write(pipe_fd, message, sizeof(message));
  ::_exit(127);
}

constexpr int kStageOpenStdout = 1;
constexpr int kStageOpenStderr = 2;
constexpr int kStageChdir = 3;
constexpr int kStageExec = 4;

}  // namespace

Result<pid_t> SpawnInNewProcessGroup(const SpawnSpec& spec) {
  if (spec.argv.empty()) return InvalidArgumentError("empty command");
  ASSIGN_OR_RETURN(std::string program, FindExecutable(spec.argv[0]));
  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  std::vector<char*> argv = PointerArray(spec.argv);
  std::vector<char*> envp = PointerArray(spec.environment);

  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int saved = errno;
    ::close(status_pipe[0]);
    ::close(status_pipe[1]);
    return ErrnoError("fork", saved);
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ResetSignals();
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    const int out = ::open(spec.stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out < 0) ChildFail(status_pipe[1], kStageOpenStdout, errno);
    const int err = ::open(spec.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err < 0) ChildFail(status_pipe[1], kStageOpenStderr, errno);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    if (::chdir(spec.work_dir.c_str()) != 0) ChildFail(status_pipe[1], kStageChdir, errno);
    // Keep only 0-2 and the CLOEXEC status pipe: the job must not inherit store handles.
    const int keep = status_pipe[1];
    for (int fd = 3; fd < keep; ++fd) ::close(fd);
    CloseDescriptorsFrom(keep + 1);
    ::execve(program.c_str(), argv.data(), envp.data());
    ChildFail(status_pipe[1], kStageExec, errno);
  }
  // Also set the group from the parent, so signals sent right after return reach the group.
  ::setpgid(pid, pid);
  ::close(status_pipe[1]);
  int message[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(status_pipe[0], message, sizeof(message));
  } while (n < 0 && errno == EINTR);
  ::close(status_pipe[0]);
  if (n <= 0) return pid;  // EOF: exec succeeded and closed the pipe

  ::waitpid(pid, nullptr, 0);
  switch (message[0]) {
    case kStageOpenStdout:
      return ErrnoError("opening " + spec.stdout_path, message[1]);
    case kStageOpenStderr:
      return ErrnoError("opening " + spec.stderr_path, message[1]);
    case kStageChdir:
      return ErrnoError("entering " + spec.work_dir, message[1]);
    default:
      return ErrnoError("cannot run '" + spec.argv[0] + "' (" + program + ")", message[1]);
  }
}

Status RunDetached(const std::vector<std::string>& argv, const std::string& stderr_path) {
  if (argv.empty()) return InvalidArgumentError("empty command");
  std::vector<char*> args = PointerArray(argv);
  const pid_t child = ::fork();
  if (child < 0) return ErrnoError("fork", errno);
  if (child == 0) {
    ::setsid();  // no controlling terminal: a closed terminal must not end running jobs
    const pid_t grandchild = ::fork();
    if (grandchild != 0) ::_exit(grandchild < 0 ? 1 : 0);
    ResetSignals();
    const int null_fd = ::open("/dev/null", O_RDWR);
    const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(err >= 0 ? err : null_fd, STDERR_FILENO);
    CloseDescriptorsFrom(3);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waiting for the detaching process", errno);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return InternalError("could not detach a supervisor process");
  }
  return Status::Ok();
}

Result<ProcessIdentity> ReadProcessIdentity(pid_t pid) {
  const std::string path = fmt::format("/proc/{}/stat", pid);
  auto text = ReadFileToString(path, 4096);
  if (!text.ok()) return NotFoundError(fmt::format("no process {}", pid));
  // Field 2 (comm) may contain spaces and parentheses: parse from the last ')'.
  const std::size_t close = text->rfind(')');
  if (close == std::string::npos) return InternalError("malformed " + path);
  ProcessIdentity identity;
  std::size_t pos = close + 2;
  if (pos >= text->size()) return InternalError("malformed " + path);
  identity.state = (*text)[pos];
  // starttime is field 22; after ')' we are at field 3.
  int field = 3;
  while (field < 22 && pos < text->size()) {
    pos = text->find(' ', pos);
    if (pos == std::string::npos) return InternalError("malformed " + path);
    ++pos;
    ++field;
  }
  identity.start_ticks = std::strtoll(text->c_str() + pos, nullptr, 10);
  return identity;
}

bool IsSameLiveProcess(pid_t pid, std::int64_t start_ticks) {
  if (pid <= 0) return false;
  auto identity = ReadProcessIdentity(pid);
  return identity.ok() && identity->state != 'Z' && identity->state != 'X' &&
         identity->start_ticks == start_ticks;
}

std::string SignalName(int signal_number) {
  if (const char* abbrev = ::sigabbrev_np(signal_number)) return std::string("SIG") + abbrev;
  return fmt::format("signal {}", signal_number);
}

}  // namespace awshpc::backend::internal
