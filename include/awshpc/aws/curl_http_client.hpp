// File: curl_http_client.hpp
// The production HttpClient over libcurl: reused connections, timeouts, TLS verification on by
// default, AWS_CA_BUNDLE, proxies from the environment, streaming bodies both ways.
#pragma once

#include <memory>

#include "awshpc/aws/environment.hpp"
#include "awshpc/aws/http_client.hpp"

namespace awshpc::aws {

// Options from the environment: AWS_CA_BUNDLE, HTTPS_PROXY/https_proxy, HTTP_PROXY/http_proxy,
// NO_PROXY/no_proxy. TLS verification stays on; nothing in the environment turns it off.
HttpClientOptions HttpClientOptionsFromEnvironment(const Environment& env);

// The proxy for a URL scheme under `options`, "" for none (the choice is made here, not left to
// libcurl's own environment lookup, so it is the same for both cases of the variable names).
std::string ProxyFor(const HttpClientOptions& options, std::string_view scheme);

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpClientOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  // Thread-safe: concurrent calls use separate easy handles that share one connection cache.
  Result<HttpResponse> Send(const HttpRequest& request) override;

  // New TCP/TLS connections opened so far (tests check that connections are reused).
  long connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace awshpc::aws
