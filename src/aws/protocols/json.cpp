// File: protocols/json.cpp
#include "awshpc/aws/protocols/json.hpp"

#include <fmt/format.h>

#include "awshpc/aws/uri.hpp"

namespace awshpc::aws::protocols {

HttpRequest MakeJsonRequest(std::string_view target_prefix, std::string_view operation,
                            const Json& body, std::string_view json_version) {
  HttpRequest request;
  request.method = "POST";
  request.url = "/";
  request.headers = {
      {"Content-Type", fmt::format("application/x-amz-json-{}", json_version)},
      {"X-Amz-Target", fmt::format("{}.{}", target_prefix, operation)},
  };
  request.body = body.is_null() ? "{}" : body.dump();
  return request;
}

Result<Json> ParseJsonBody(std::string_view body, std::string_view what) {
  if (body.empty()) return Json::object();
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InternalError(fmt::format("{}: response is not JSON", what));
  return parsed;
}

Result<std::string> ExpandPath(std::string_view path_template,
                               const std::map<std::string, std::string>& labels) {
  std::string path;
  std::size_t pos = 0;
  while (pos < path_template.size()) {
    const std::size_t open = path_template.find('{', pos);
    if (open == std::string_view::npos) {
      path.append(path_template.substr(pos));
      break;
    }
    const std::size_t close = path_template.find('}', open);
    if (close == std::string_view::npos) {
      return InvalidArgumentError(fmt::format("bad path template '{}'", path_template));
    }
    path.append(path_template.substr(pos, open - pos));
    std::string name(path_template.substr(open + 1, close - open - 1));
    const bool greedy = name.ends_with('+');
    if (greedy) name.pop_back();
    const auto found = labels.find(name);
    if (found == labels.end() || found->second.empty()) {
      return InvalidArgumentError(fmt::format("the request needs a value for '{}'", name));
    }
    path += UriEncode(found->second, /*keep_slash=*/greedy);
    pos = close + 1;
  }
  return path;
}

HttpRequest MakeRestRequest(const RestRequest& rest) {
  HttpRequest request;
  request.method = rest.method;
  request.url = rest.path.empty() ? "/" : rest.path;
  if (!rest.query.empty()) request.url += "?" + EncodeQuery(rest.query);
  request.headers = rest.headers;
  request.body = rest.body;
  if (!rest.body.empty() && !rest.content_type.empty()) {
    SetHeader(request.headers, "Content-Type", rest.content_type);
  }
  return request;
}

HttpRequest MakeRestJsonRequest(std::string method, std::string path, const Json& body,
                                std::vector<std::pair<std::string, std::string>> query) {
  RestRequest rest;
  rest.method = std::move(method);
  rest.path = std::move(path);
  rest.query = std::move(query);
  if (rest.method != "GET" && rest.method != "HEAD" && rest.method != "DELETE") {
    rest.body = body.is_null() ? "{}" : body.dump();
    rest.content_type = "application/json";
  }
  return MakeRestRequest(rest);
}

namespace {
const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}
}  // namespace

std::string JsonString(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

std::optional<std::int64_t> JsonInt(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  if (value->is_number_float()) return static_cast<std::int64_t>(value->get<double>());
  return value->get<std::int64_t>();
}

std::optional<double> JsonDouble(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

std::optional<bool> JsonBool(const Json& object, std::string_view key) {
  const Json* value = Member(object, key);
  if (value == nullptr || !value->is_boolean()) return std::nullopt;
  return value->get<bool>();
}

std::vector<std::string> JsonStringList(const Json& object, std::string_view key) {
  std::vector<std::string> values;
  for (const Json& item : JsonArray(object, key)) {
    if (item.is_string()) values.push_back(item.get<std::string>());
  }
  return values;
}

std::map<std::string, std::string> JsonStringMap(const Json& object, std::string_view key) {
  std::map<std::string, std::string> values;
  for (const auto& [name, value] : JsonObject(object, key).items()) {
    if (value.is_string()) values[name] = value.get<std::string>();
  }
  return values;
}

const Json& JsonArray(const Json& object, std::string_view key) {
  static const Json kEmpty = Json::array();
  const Json* value = Member(object, key);
  return value != nullptr && value->is_array() ? *value : kEmpty;
}

const Json& JsonObject(const Json& object, std::string_view key) {
  static const Json kEmpty = Json::object();
  const Json* value = Member(object, key);
  return value != nullptr && value->is_object() ? *value : kEmpty;
}

void SetIfNotEmpty(Json& object, std::string_view key, const std::string& value) {
  if (!value.empty()) object[std::string(key)] = value;
}

void SetIfNotEmpty(Json& object, std::string_view key, const std::vector<std::string>& values) {
  if (!values.empty()) object[std::string(key)] = values;
}

void SetIfNotEmpty(Json& object, std::string_view key,
                   const std::map<std::string, std::string>& values) {
  if (!values.empty()) object[std::string(key)] = values;
}

}  // namespace awshpc::aws::protocols
