// File: content_hash.hpp
// The content address of an image: SHA-256 over everything that decides its bytes (Dockerfile,
// template, files copied into it, the base image's id). Stored in the image's
// io.aws-hpc.content-hash label; an image whose label matches is not rebuilt.
#pragma once

#include <string>
#include <string_view>

#include "awshpc/aws/crypto.hpp"

namespace awshpc::container {

inline constexpr std::string_view kContentHashLabel = "io.aws-hpc.content-hash";

class ContentHash {
 public:
  // Adds a named part; name and length are hashed too, so parts cannot run into each other.
  void Add(std::string_view name, std::string_view content);
  // "sha256:<hex>"; the object is spent afterwards.
  std::string Finish();

 private:
  aws::Sha256Hasher hasher_;
};

}  // namespace awshpc::container
