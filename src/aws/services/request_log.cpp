// File: services/request_log.cpp
#include "awshpc/aws/services/request_log.hpp"

#include <fmt/format.h>

#include <chrono>
#include <regex>

#include "awshpc/aws/canonical_request.hpp"
#include "awshpc/aws/crypto.hpp"
#include "awshpc/aws/uri.hpp"

namespace awshpc::aws {

std::string RedactSecrets(std::string_view text) {
  // Header lines ("x-amz-security-token:..."), query parameters and body fields.
  static const std::regex kHeader(
      R"(((?:x-amz-security-token|X-Amz-Security-Token)\s*[:=]\s*)[^\s&\n"]+)");
  static const std::regex kField(
      R"(((?:"|<|\b)(?:SecretAccessKey|secretAccessKey|SessionToken|sessionToken|Token|token|)"
      R"(Password|password|WebIdentityToken|aws_secret_access_key)(?:"\s*:\s*"|>|=)))"
      R"([^"<&\s]+)");
  static const std::regex kCredential(R"((X-Amz-Credential=)[^&\s]+)");
  std::string out = std::regex_replace(std::string(text), kHeader, "$1<redacted>");
  out = std::regex_replace(out, kField, "$1<redacted>");
  out = std::regex_replace(out, kCredential, "$1<redacted>");
  return out;
}

Result<SigningTrace> TraceSignedRequest(const HttpRequest& request, bool s3) {
  const auto authorization = FindHeader(request.headers, "Authorization");
  if (!authorization) return InvalidArgumentError("the request is not signed");
  const auto credential_at = authorization->find("Credential=");
  const auto scope_at = authorization->find('/', credential_at);
  const auto scope_end = authorization->find(',', scope_at);
  if (credential_at == std::string::npos || scope_at == std::string::npos ||
      scope_end == std::string::npos) {
    return InvalidArgumentError("the Authorization header has no credential scope");
  }
  const std::string scope = authorization->substr(scope_at + 1, scope_end - scope_at - 1);
  ASSIGN_OR_RETURN(const Url url, ParseUrl(request.url));
  std::string payload_hash = FindHeader(request.headers, "X-Amz-Content-SHA256").value_or("");
  if (payload_hash.empty()) payload_hash = Sha256Hex(request.body);
  const CanonicalHeaders headers = BuildCanonicalHeaders(request.headers);
  SigningTrace trace;
  const std::string canonical = BuildCanonicalRequest(
      request.method, CanonicalUri(url.path, s3), CanonicalQuery(url.query), headers, payload_hash);
  trace.string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}",
                                     FindHeader(request.headers, "X-Amz-Date").value_or(""), scope,
                                     Sha256Hex(canonical));
  trace.canonical_request = RedactSecrets(canonical);
  return trace;
}

Result<HttpResponse> LoggingHttpClient::Send(const HttpRequest& request) {
  sink_(fmt::format("> {} {}", request.method, RedactSecrets(request.url)));
  if (Result<SigningTrace> trace = TraceSignedRequest(request, s3_); trace.ok()) {
    sink_(fmt::format("canonical request:\n{}", trace->canonical_request));
    sink_(fmt::format("string to sign:\n{}", trace->string_to_sign));
  } else {
    sink_("(unsigned request)");
  }
  const auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> response = inner_.Send(request);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!response.ok()) {
    sink_(fmt::format("< transport error after {:.1f} ms: {}", ms, response.status().ToString()));
    return response;
  }
  std::string request_id = FindHeader(response->headers, "x-amzn-RequestId").value_or("");
  if (request_id.empty())
    request_id = FindHeader(response->headers, "x-amz-request-id").value_or("");
  sink_(fmt::format("< HTTP {} in {:.1f} ms{}", response->status, ms,
                    request_id.empty() ? "" : " (request id " + request_id + ")"));
  if (response->status >= 300 && !response->body.empty()) {
    sink_(RedactSecrets(response->body.substr(0, 2000)));
  }
  return response;
}

}  // namespace awshpc::aws
