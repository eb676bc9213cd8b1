// File: canonical_request.cpp
#include "awshpc/aws/canonical_request.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>
#include <vector>

#include "awshpc/aws/uri.hpp"

namespace awshpc::aws {

std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (path.back() == '/' && !segments.empty()) out += '/';
  return out;
}

std::string CanonicalUri(std::string_view encoded_path, bool s3) {
  if (encoded_path.empty()) return "/";
  if (s3) return std::string(encoded_path);
  return UriEncode(NormalizePath(encoded_path), /*keep_slash=*/true);
}

std::string CanonicalQuery(std::string_view encoded_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start < encoded_query.size()) {
    auto end = encoded_query.find('&', start);
    if (end == std::string_view::npos) end = encoded_query.size();
    const std::string_view pair = encoded_query.substr(start, end - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      // Decoding first makes "%7E" and "~" (or a raw UTF-8 byte and its escape) sign the same.
      std::string key = UriEncode(UriDecode(pair.substr(0, eq)));
      std::string value =
          eq == std::string_view::npos ? std::string() : UriEncode(UriDecode(pair.substr(eq + 1)));
      pairs.emplace_back(std::move(key), std::move(value));
    }
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

bool IsUnsignedHeader(std::string_view lower_name) {
  static constexpr std::string_view kUnsigned[] = {"authorization",
                                                   "connection",
                                                   "expect",
                                                   "keep-alive",
                                                   "proxy-authenticate",
                                                   "proxy-authorization",
                                                   "te",
                                                   "trailer",
                                                   "transfer-encoding",
                                                   "upgrade",
                                                   "user-agent",
                                                   "x-amzn-trace-id"};
  return std::find(std::begin(kUnsigned), std::end(kUnsigned), lower_name) != std::end(kUnsigned);
}

CanonicalHeaders BuildCanonicalHeaders(const HttpHeaders& headers) {
  // Repeated headers keep their order of appearance, joined by commas.
  std::map<std::string, std::string> merged;
  for (const auto& header : headers) {
    std::string name = TrimAll(header.name);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (IsUnsignedHeader(name)) continue;
    auto [it, inserted] = merged.try_emplace(name, TrimAll(header.value));
    if (!inserted) {
      it->second += ',';
      it->second += TrimAll(header.value);
    }
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.canonical += name;
    out.canonical += ':';
    out.canonical += value;
    out.canonical += '\n';
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += name;
  }
  return out;
}

std::string BuildCanonicalRequest(std::string_view method, std::string_view canonical_uri,
                                  std::string_view canonical_query, const CanonicalHeaders& headers,
                                  std::string_view payload_hash) {
  std::string out;
  out.reserve(256);
  out += method;
  out += '\n';
  out += canonical_uri;
  out += '\n';
  out += canonical_query;
  out += '\n';
  out += headers.canonical;
  out += '\n';
  out += headers.signed_names;
  out += '\n';
  out += payload_hash;
  return out;
}

}  // namespace awshpc::aws
