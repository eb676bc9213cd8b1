// File: canonical_request.hpp
// The SigV4 canonical request (task 1 of the signing process), in pieces that the published
// test suite checks one by one.
#pragma once

#include <string>
#include <string_view>

#include "awshpc/aws/http_client.hpp"

namespace awshpc::aws {

// RFC 3986 "remove dot segments", plus collapsing empty segments ("//"), as AWS services want.
std::string NormalizePath(std::string_view path);

// The canonical URI of a percent-encoded request path. Every service but S3 normalizes the path
// and encodes it once more ("double encoding": a '%' on the wire becomes "%25"); S3 signs the
// wire path as is.
std::string CanonicalUri(std::string_view encoded_path, bool s3);

// Pairs decoded, re-encoded strictly, sorted by key then value, joined with '&'.
std::string CanonicalQuery(std::string_view encoded_query);

// Trims the value and collapses runs of spaces to one.
std::string TrimAll(std::string_view value);

// True for hop-by-hop and proxy-rewritten headers that must not be signed (botocore's list).
bool IsUnsignedHeader(std::string_view lower_name);

struct CanonicalHeaders {
  std::string canonical;     // "host:x\nx-amz-date:y\n"
  std::string signed_names;  // "host;x-amz-date"
};
CanonicalHeaders BuildCanonicalHeaders(const HttpHeaders& headers);

std::string BuildCanonicalRequest(std::string_view method, std::string_view canonical_uri,
                                  std::string_view canonical_query, const CanonicalHeaders& headers,
                                  std::string_view payload_hash);

}  // namespace awshpc::aws
