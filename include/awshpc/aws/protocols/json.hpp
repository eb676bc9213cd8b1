// File: protocols/json.hpp
// The JSON protocols: json-1.0/1.1 (POST / with X-Amz-Target, e.g. CloudWatch Logs) and
// rest-json (HTTP method and path per operation, labels in the path, members in the query
// string or headers, the rest as a JSON body, e.g. Batch), plus the REST path/query building
// that rest-xml (S3) shares. Parsing never throws: bad JSON is a Status.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awshpc/aws/http_client.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws::protocols {

using Json = nlohmann::json;

// json-1.x: POST / with X-Amz-Target: <target_prefix>.<operation> and Content-Type
// application/x-amz-json-<version>. An empty body is sent as "{}".
HttpRequest MakeJsonRequest(std::string_view target_prefix, std::string_view operation,
                            const Json& body, std::string_view json_version = "1.1");

// The JSON body of a successful response; an empty body is {} (operations without output).
Result<Json> ParseJsonBody(std::string_view body, std::string_view what);

// Expands a REST path template: "{name}" is replaced by the percent-encoded value (every '/'
// encoded), "{name+}" (greedy) keeps '/'. A missing or empty label is kInvalidArgument, as the
// SDKs refuse to send such a request.
Result<std::string> ExpandPath(std::string_view path_template,
                               const std::map<std::string, std::string>& labels);

// A REST request (rest-json or rest-xml): method, expanded path, query members (encoded here,
// in order), header members and a body.
struct RestRequest {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> query;
  HttpHeaders headers;
  std::string body;
  std::string content_type;  // set as Content-Type when the body is non-empty
};
HttpRequest MakeRestRequest(const RestRequest& rest);

// rest-json: `body` serialised as JSON (an empty object for operations whose input is all in
// the path), Content-Type application/json.
HttpRequest MakeRestJsonRequest(std::string method, std::string path, const Json& body,
                                std::vector<std::pair<std::string, std::string>> query = {});

// Lenient readers for response members: a missing member or one of another type reads as
// empty/nullopt instead of throwing (the services add members over time).
std::string JsonString(const Json& object, std::string_view key);
std::optional<std::int64_t> JsonInt(const Json& object, std::string_view key);
std::optional<double> JsonDouble(const Json& object, std::string_view key);
std::optional<bool> JsonBool(const Json& object, std::string_view key);
std::vector<std::string> JsonStringList(const Json& object, std::string_view key);
std::map<std::string, std::string> JsonStringMap(const Json& object, std::string_view key);
// The member if it is an array/object, else an empty one.
const Json& JsonArray(const Json& object, std::string_view key);
const Json& JsonObject(const Json& object, std::string_view key);

// Writers that leave optional members out, as the SDKs do.
void SetIfNotEmpty(Json& object, std::string_view key, const std::string& value);
void SetIfNotEmpty(Json& object, std::string_view key, const std::vector<std::string>& values);
void SetIfNotEmpty(Json& object, std::string_view key,
                   const std::map<std::string, std::string>& values);
template <typename T>
void SetIfPresent(Json& object, std::string_view key, const std::optional<T>& value) {
  if (value) object[std::string(key)] = *value;
}

}  // namespace awshpc::aws::protocols
