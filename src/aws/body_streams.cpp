// File: body_streams.cpp
#include "awshpc/aws/body_streams.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "awshpc/aws/crypto.hpp"

namespace awshpc::aws {
namespace {

// Closes the descriptor when the last copy of the std::function holding it goes away.
struct Fd {
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int fd;
};

Result<std::pair<std::shared_ptr<Fd>, std::uint64_t>> OpenRange(const std::string& path,
                                                                std::uint64_t offset,
                                                                std::uint64_t length) {
  auto fd = std::make_shared<Fd>(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd->fd < 0) return ErrnoError(fmt::format("open {}", path), errno);
  struct stat info {};
  if (fstat(fd->fd, &info) != 0) return ErrnoError(fmt::format("stat {}", path), errno);
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (offset > size || (length > 0 && offset + length > size)) {
    return InvalidArgumentError(fmt::format("{} has {} bytes, fewer than asked for", path, size));
  }
  return std::make_pair(fd, length > 0 ? length : size - offset);
}

}  // namespace

Result<FileBody> FileBodySource(const std::string& path, std::uint64_t offset,
                                std::uint64_t length) {
  ASSIGN_OR_RETURN(auto opened, OpenRange(path, offset, length));
  auto position = std::make_shared<std::uint64_t>(offset);
  const std::uint64_t end = offset + opened.second;
  FileBody body;
  body.length = opened.second;
  body.source = [fd = opened.first, position, end, path](char* buffer,
                                                         std::size_t size) -> Result<std::size_t> {
    const std::uint64_t want = std::min<std::uint64_t>(size, end - *position);
    if (want == 0) return std::size_t{0};
    const ssize_t n = pread(fd->fd, buffer, want, static_cast<off_t>(*position));
    if (n < 0) return ErrnoError(fmt::format("read {}", path), errno);
    if (n == 0) return InternalError(fmt::format("{} shrank while being uploaded", path));
    *position += static_cast<std::uint64_t>(n);
    return static_cast<std::size_t>(n);
  };
  return body;
}

Result<BodySink> FileBodySink(const std::string& path) {
  auto fd =
      std::make_shared<Fd>(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd->fd < 0) return ErrnoError(fmt::format("open {}", path), errno);
  return BodySink([fd, path](std::string_view chunk) -> Status {
    while (!chunk.empty()) {
      const ssize_t n = write(fd->fd, chunk.data(), chunk.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(fmt::format("write {}", path), errno);
      }
      chunk.remove_prefix(static_cast<std::size_t>(n));
    }
    return Status::Ok();
  });
}

Result<std::string> Sha256HexOfFile(const std::string& path, std::uint64_t offset,
                                    std::uint64_t length) {
  ASSIGN_OR_RETURN(FileBody body, FileBodySource(path, offset, length));
  Sha256Hasher hasher;
  std::vector<char> buffer(1 << 20);
  while (true) {
    ASSIGN_OR_RETURN(const std::size_t n, body.source(buffer.data(), buffer.size()));
    if (n == 0) break;
    hasher.Update(std::string_view(buffer.data(), n));
  }
  return hasher.FinishHex();
}

}  // namespace awshpc::aws
