// File: services/request_log.hpp
// `--debug` for AWS calls: an HttpClient decorator that, for each signed request, writes the
// SigV4 canonical request and string to sign (rebuilt from the request exactly as the signer
// built them, with the public pieces of canonical_request.hpp), the response status and the
// request id. Secrets never reach the log: session tokens, signatures' inputs that carry them,
// and credential-like body fields are redacted.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "awshpc/aws/http_client.hpp"

namespace awshpc::aws {

struct SigningTrace {
  std::string canonical_request;  // tokens redacted
  std::string string_to_sign;
};

// Rebuilds the canonical request and string to sign of a request signed by SigV4Signer::Sign
// (Authorization header present); kInvalidArgument for an unsigned request.
Result<SigningTrace> TraceSignedRequest(const HttpRequest& request, bool s3);

// Replaces secrets in a log line: X-Amz-Security-Token / x-amz-security-token values,
// X-Amz-Signature and X-Amz-Credential in URLs keep their shape but lose their value, and
// JSON/XML/form fields named like SecretAccessKey, SessionToken, Token, Password.
std::string RedactSecrets(std::string_view text);

class LoggingHttpClient final : public HttpClient {
 public:
  using Sink = std::function<void(std::string_view line)>;
  // `inner` must outlive this client; `s3` selects S3's canonical URI rules.
  LoggingHttpClient(HttpClient& inner, Sink sink, bool s3 = false)
      : inner_(inner), sink_(std::move(sink)), s3_(s3) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  HttpClient& inner_;
  Sink sink_;
  bool s3_;
};

}  // namespace awshpc::aws
