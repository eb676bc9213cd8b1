// File: http_client.hpp
// The HTTP transport behind every AWS client: request/response structs with streaming body
// callbacks, and the abstract HttpClient (libcurl in production, fakes in tests).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::aws {

struct HttpHeader {
  std::string name;
  std::string value;
};
using HttpHeaders = std::vector<HttpHeader>;

// Case-insensitive header helpers (HTTP names are case-insensitive).
std::optional<std::string> FindHeader(const HttpHeaders& headers, std::string_view name);
// Replaces every header called `name` by one with `value`.
void SetHeader(HttpHeaders& headers, std::string_view name, std::string value);
void RemoveHeader(HttpHeaders& headers, std::string_view name);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Fills `buffer` with up to `size` bytes of request body; returns how many, 0 at the end.
using BodySource = std::function<Result<std::size_t>(char* buffer, std::size_t size)>;
// Receives the response body chunk by chunk; an error aborts the transfer.
using BodySink = std::function<Status(std::string_view chunk)>;

struct HttpRequest {
  std::string method = "GET";
  // Absolute http(s) URL; path and query already percent-encoded.
  std::string url;
  HttpHeaders headers;
  // The body, unless `body_source` is set.
  std::string body;
  // Streaming upload: read on demand, never held whole. Needs `content_length` (no chunked
  // uploads: AWS wants the length signed up front).
  BodySource body_source;
  std::optional<std::uint64_t> content_length;
  // Streaming download: when set, a 2xx response body goes here instead of HttpResponse::body
  // (error bodies are small XML/JSON and always kept, so they can be parsed).
  BodySink response_sink;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{3100};  // botocore's 60 s is too patient for HPC
  // A transfer whose speed stays under 1 byte/s this long is abandoned (a read timeout that does
  // not cap long, healthy downloads).
  std::chrono::milliseconds read_timeout{60'000};
  // Whole-request limit; 0 = none (a 100 GB download may take hours).
  std::chrono::milliseconds request_timeout{0};
  bool verify_tls = true;
  std::string ca_bundle;  // AWS_CA_BUNDLE; empty = the system store
  // Proxy URLs per target scheme, empty = direct; `no_proxy` is a comma list of hosts/domains.
  std::string http_proxy;
  std::string https_proxy;
  std::string no_proxy;
};

// Transport errors come back as Status: kUnavailable for connection failures, kDeadlineExceeded
// for timeouts (both retryable); any HTTP status, even 500, is a successful HttpResponse.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace awshpc::aws
