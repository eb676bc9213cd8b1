// File: body_streams.hpp
// File-backed request bodies and response sinks, so S3 uploads and downloads of any size move
// through a fixed-size buffer instead of memory.
#pragma once

#include <cstdint>
#include <string>

#include "awshpc/aws/http_client.hpp"

namespace awshpc::aws {

struct FileBody {
  BodySource source;
  std::uint64_t length = 0;
};

// Reads `length` bytes of `path` from `offset` (length 0: to the end), e.g. one multipart part.
Result<FileBody> FileBodySource(const std::string& path, std::uint64_t offset = 0,
                                std::uint64_t length = 0);

// Writes the response body to `path` (created or truncated, mode 0600).
Result<BodySink> FileBodySink(const std::string& path);

// SHA-256 of a file range, read in 1 MiB pieces (for signing a streamed body).
Result<std::string> Sha256HexOfFile(const std::string& path, std::uint64_t offset = 0,
                                    std::uint64_t length = 0);

}  // namespace awshpc::aws
