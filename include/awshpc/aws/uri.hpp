// File: uri.hpp
// Percent-encoding the way AWS wants it (RFC 3986 unreserved set, upper-case hex) and a small
// URL splitter for the http(s) URLs the clients build.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::aws {

// Encodes every byte outside A-Z a-z 0-9 - _ . ~ as %XY; '/' is kept when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash = false);
// Decodes %XY escapes; '+' stays '+' (AWS query strings are not form-encoded).
std::string UriDecode(std::string_view text);

struct Url {
  std::string scheme;  // "https"
  std::string host;    // "sts.us-east-1.amazonaws.com", "127.0.0.1", "[::1]"
  int port = 0;        // 0 when the URL names none
  std::string path;    // percent-encoded, "/" when empty
  std::string query;   // percent-encoded, without '?'

  // "host" or "host:port" when the port is not the scheme's default: the Host header value.
  std::string HostHeader() const;
  std::string ToString() const;
};

Result<Url> ParseUrl(std::string_view url);

// "a=1&b=x%20y" from already decoded pairs, in the given order.
std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace awshpc::aws
