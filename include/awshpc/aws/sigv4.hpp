// File: sigv4.hpp
// AWS Signature Version 4: Authorization-header signing and presigned URLs, with the S3 variant
// and clock-skew correction. The clock is injected so the published test vectors are reproducible.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "awshpc/aws/credentials.hpp"
#include "awshpc/aws/http_client.hpp"
#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigningParams {
  std::string service;  // signing name: "sts", "s3", "batch", ...
  std::string region;
  // S3 rules: no path normalization or second encoding, and an X-Amz-Content-SHA256 header.
  bool s3 = false;
  // Sign "UNSIGNED-PAYLOAD" instead of the body hash (S3 over TLS, e.g. streamed uploads).
  bool unsigned_payload = false;
};

// Every intermediate of one signature, so tests can compare each step with the test suite.
struct SignatureParts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // the Authorization header value (empty for presigned URLs)
  std::string url;            // the presigned URL (empty for header signing)
};

class SigV4Signer {
 public:
  explicit SigV4Signer(SigningParams params, const Clock& clock = SystemClock::Instance());

  // Sets Host, X-Amz-Date, X-Amz-Security-Token (temporary credentials), X-Amz-Content-SHA256
  // (S3) and Authorization on `request`. A streamed body must come with an X-Amz-Content-SHA256
  // header (hashed by the caller) or `unsigned_payload`.
  Result<SignatureParts> Sign(HttpRequest& request, const Credentials& credentials) const;

  // A presigned URL valid for `expires` (1 s .. 7 days) from now.
  Result<SignatureParts> Presign(const HttpRequest& request, const Credentials& credentials,
                                 std::chrono::seconds expires) const;

  // Offset added to the local clock when signing (server time minus local time).
  void SetClockSkew(std::chrono::milliseconds skew) { skew_ms_.store(skew.count()); }
  std::chrono::milliseconds clock_skew() const {
    return std::chrono::milliseconds(skew_ms_.load());
  }

  // After an error whose code says the request time was wrong (RequestTimeTooSkewed, ...), learns
  // the server's time from the response Date header. Returns true when the skew changed, i.e. a
  // retry is worth it.
  bool AdjustClockSkew(std::string_view error_code, const HttpResponse& response);

  const SigningParams& params() const { return params_; }

 private:
  UnixMillis Now() const { return clock_.NowMillis() + skew_ms_.load(); }
  std::string SignString(const Credentials& credentials, std::string_view date,
                         std::string_view string_to_sign) const;

  SigningParams params_;
  const Clock& clock_;
  std::atomic<std::int64_t> skew_ms_{0};
};

// "20150830T123600Z"
std::string FormatAmzDate(UnixMillis time);
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);
// RFC 7231 IMF-fixdate, "Sun, 30 Aug 2015 12:36:00 GMT" (the HTTP Date header).
Result<UnixMillis> ParseHttpDate(std::string_view text);
// Error codes that mean the signing time was off.
bool IsClockSkewError(std::string_view code);

}  // namespace awshpc::aws
