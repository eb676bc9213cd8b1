// File: paths.cpp
#include "awshpc/core/paths.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace awshpc {

Result<std::string> ResolveHomeDir() {
  if (const char* home = std::getenv("AWS_HPC_HOME"); home && *home) return std::string(home);
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/aws-hpc";
  }
  if (const char* user_home = std::getenv("HOME"); user_home && *user_home) {
    return std::string(user_home) + "/.local/share/aws-hpc";
  }
  return FailedPreconditionError("cannot place the aws-hpc home: set AWS_HPC_HOME or HOME");
}

Status MakeDirs(const std::string& path, unsigned mode) {
  if (path.empty()) return InvalidArgumentError("empty directory path");
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST) {
      return ErrnoError("creating directory " + prefix, errno);
    }
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return ErrnoError("creating directory " + path, errno);
  if (!S_ISDIR(info.st_mode))
    return FailedPreconditionError(path + " exists and is not a directory");
  return Status::Ok();
}

Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("reading " + path, errno);
  std::string data;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      return ErrnoError("reading " + path, saved);
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return ResourceExhaustedError(path + " is larger than " + std::to_string(max_bytes) +
                                    " bytes");
    }
    data.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return ErrnoError("writing " + temporary, errno);
    out << contents;
    if (!out.flush()) return ErrnoError("writing " + temporary, errno);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    return ErrnoError("renaming " + temporary + " to " + path, saved);
  }
  return Status::Ok();
}

Result<std::string> FindExecutable(const std::string& name) {
  if (name.empty()) return InvalidArgumentError("empty program name");
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) != 0) return ErrnoError("program " + name, errno);
    return name;
  }
  const char* path_env = std::getenv("PATH");
  const std::string search = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::stringstream dirs(search);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;  // an empty PATH entry would mean ".": never search it implicitly
    const std::string candidate = dir + "/" + name;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return NotFoundError("program '" + name + "' not found on PATH (" + search + ")");
}

bool IsRelativePathInside(const std::string& path) {
  const std::filesystem::path relative(path);
  if (path.empty() || relative.is_absolute()) return false;
  for (const auto& part : relative) {
    if (part == "..") return false;
  }
  return true;
}

}  // namespace awshpc
