// File: context.cpp
#include "context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "awshpc/core/paths.hpp"
#include "awshpc/store/sqlite_job_store.hpp"

namespace awshpc::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kFailedPrecondition:
      return kExitConflict;
    case StatusCode::kDeadlineExceeded:
      return kExitTimeout;
    default:
      return kExitError;
  }
}

std::string ExecutableDir() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (n <= 0) return ".";
  std::string path(buffer, static_cast<std::size_t>(n));
  return path.substr(0, path.rfind('/'));
}

Result<std::string> CliContext::Home() {
  if (!home_) {
    ASSIGN_OR_RETURN(std::string home, ResolveHomeDir());
    RETURN_IF_ERROR(MakeDirs(home, 0700));
    home_ = home;
  }
  return *home_;
}

Result<store::JobStore*> CliContext::Store() {
  if (!store_) {
    ASSIGN_OR_RETURN(std::string home, Home());
    ASSIGN_OR_RETURN(store_, store::OpenSqliteJobStore(home + "/jobs.db"));
  }
  return store_.get();
}

Result<backend::LocalBackend*> CliContext::Local() {
  if (!local_) {
    ASSIGN_OR_RETURN(store::JobStore * store, Store());
    ASSIGN_OR_RETURN(std::string home, Home());
    backend::LocalBackendOptions options;
    options.home_dir = home;
    options.store_path = home + "/jobs.db";
    options.supervisor_program = ExecutableDir() + "/aws-hpc-supervisor";
    ASSIGN_OR_RETURN(options.capacity, backend::DetectLocalCapacity());
    if (const char* grace = std::getenv("AWS_HPC_KILL_GRACE_SECONDS"); grace && *grace) {
      options.kill_grace_ms = std::atoll(grace) * 1000;
    }
    if (::access(options.supervisor_program.c_str(), X_OK) != 0) {
      return FailedPreconditionError("aws-hpc-supervisor not found beside aws-hpc at " +
                                     options.supervisor_program + "; reinstall aws-hpc");
    }
    local_ = std::make_unique<backend::LocalBackend>(*store, options);
  }
  return local_.get();
}

std::vector<std::string> CliContext::AppSearchPath() {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("AWS_HPC_APPS_PATH"); path && *path) {
    std::stringstream parts(path);
    std::string dir;
    while (std::getline(parts, dir, ':')) {
      if (!dir.empty()) dirs.push_back(dir);
    }
  }
  if (auto home = ResolveHomeDir(); home.ok()) dirs.push_back(*home + "/apps");
  const std::string exe_dir = ExecutableDir();
  dirs.push_back(exe_dir + "/../share/aws-hpc/apps");
#ifdef AWSHPC_SOURCE_APPS_DIR
  dirs.push_back(AWSHPC_SOURCE_APPS_DIR);  // running from a build tree
#endif
  return dirs;
}

const spec::AppCatalog& CliContext::Catalog() {
  if (!catalog_) catalog_ = spec::AppCatalog::Discover(AppSearchPath());
  return *catalog_;
}

}  // namespace awshpc::cli
