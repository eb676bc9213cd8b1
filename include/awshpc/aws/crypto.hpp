// File: crypto.hpp
// SHA-256 and HMAC-SHA256 over OpenSSL 3, the only primitives SigV4 needs.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace awshpc::aws {

// Raw 32-byte digest of `data`.
std::string Sha256(std::string_view data);
// Lower-case hex digest, as SigV4 wants it.
std::string Sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);

// Incremental SHA-256, for bodies streamed in chunks (large uploads are hashed without being held
// whole in memory).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view chunk);
  // Lower-case hex digest; the hasher is spent afterwards.
  std::string FinishHex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace awshpc::aws
