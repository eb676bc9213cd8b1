// File: test_util.hpp
// Helpers for the aws module's tests only: temporary directories, free loopback ports, and
// child processes (python helpers, moto_server) started and stopped by PID.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace awshpc::aws::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& content, int mode = 0644) const;

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

// True if `program` is found in PATH.
bool HaveProgram(const std::string& program);

// A background process started from argv, killed (SIGTERM, then SIGKILL) by PID on destruction.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// Waits until something accepts TCP connections on 127.0.0.1:port; false after `timeout_ms`.
bool WaitForPort(int port, int timeout_ms);

// Path of a file in the source tree, e.g. SourcePath("tests/tools/botocore_sign.py").
std::string SourcePath(const std::string& relative);

// Peak resident memory of this process in KiB (a high-water mark: it can only grow).
long PeakRssKib();

// Debian's docker-registry on a free loopback port (set in `port`), storing under
// dir.path()/registry, deletes allowed. Null, with the reason in `error`, when it did not start
// in 20 s.
std::unique_ptr<ChildProcess> StartLoopbackRegistry(const TempDir& dir, int& port,
                                                    std::string& error);

// tests/tools/loopback_http_server.py started on a free loopback port (set in `port`). Null, with
// the reason in `error`, when python3 is missing or the server did not start in 10 s.
std::unique_ptr<ChildProcess> StartLoopbackHttpServer(int& port, std::string& error);

}  // namespace awshpc::aws::testing
