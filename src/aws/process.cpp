// File: process.cpp
// posix_spawnp + poll: no shell, no fork of a big multithreaded process image.
#include "awshpc/aws/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "awshpc/core/clock.hpp"

extern char** environ;

namespace awshpc::aws {

Result<std::vector<std::string>> SplitCommandLine(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  enum class Quote { kNone, kSingle, kDouble } quote = Quote::kNone;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    switch (quote) {
      case Quote::kSingle:
        if (c == '\'') {
          quote = Quote::kNone;
        } else {
          word += c;
        }
        break;
      case Quote::kDouble:
        if (c == '"') {
          quote = Quote::kNone;
        } else if (c == '\\' && i + 1 < command.size() &&
                   std::strchr("\\\"$`\n", command[i + 1]) != nullptr) {
          word += command[++i];
        } else {
          word += c;
        }
        break;
      case Quote::kNone:
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          if (in_word) words.push_back(std::move(word));
          word.clear();
          in_word = false;
        } else if (c == '\'') {
          quote = Quote::kSingle;
          in_word = true;
        } else if (c == '"') {
          quote = Quote::kDouble;
          in_word = true;
        } else if (c == '\\') {
          if (i + 1 >= command.size()) return InvalidArgumentError("command ends with a backslash");
          word += command[++i];
          in_word = true;
        } else {
          word += c;
          in_word = true;
        }
        break;
    }
  }
  if (quote != Quote::kNone) return InvalidArgumentError("command has an unterminated quote");
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return InvalidArgumentError("command is empty");
  return words;
}

namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
  void CloseEnd(int i) {
    if (fds[i] >= 0) close(fds[i]);
    fds[i] = -1;
  }
};

}  // namespace

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout, std::size_t max_output,
                                 const std::string& working_dir) {
  if (argv.empty()) return InvalidArgumentError("empty argv");
  Pipe out, err;
  if (pipe2(out.fds, O_CLOEXEC) != 0 || pipe2(err.fds, O_CLOEXEC) != 0) {
    return ErrnoError("pipe", errno);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  if (!working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, working_dir.c_str());
  }
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return ErrnoError(fmt::format("starting {}", argv[0]), rc);
  out.CloseEnd(1);
  err.CloseEnd(1);

  ProcessResult result;
  const double deadline = MonotonicSeconds() + static_cast<double>(timeout.count()) / 1000.0;
  Status failure;
  while (out.fds[0] >= 0 || err.fds[0] >= 0) {
    pollfd fds[2] = {{out.fds[0], POLLIN, 0}, {err.fds[0], POLLIN, 0}};
    const double left = deadline - MonotonicSeconds();
    if (left <= 0) {
      failure = DeadlineExceededError(
          fmt::format("{} did not finish in {} ms", argv[0], timeout.count()));
      break;
    }
    const int ready = poll(fds, 2, static_cast<int>(left * 1000) + 1);
    if (ready < 0 && errno != EINTR) {
      failure = ErrnoError("poll", errno);
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[8192];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      Pipe& pipe = i == 0 ? out : err;
      std::string& text = i == 0 ? result.out : result.err;
      if (n <= 0) {
        pipe.CloseEnd(0);
      } else {
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > max_output) {
          failure = ResourceExhaustedError(fmt::format("{} printed too much output", argv[0]));
        }
      }
    }
    if (!failure.ok()) break;
  }
  if (!failure.ok()) kill(pid, SIGKILL);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!failure.ok()) return failure;
  result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  return result;
}

}  // namespace awshpc::aws
