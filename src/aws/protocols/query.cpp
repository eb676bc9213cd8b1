// File: protocols/query.cpp
#include "awshpc/aws/protocols/query.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

#include "awshpc/aws/uri.hpp"
#include "awshpc/core/clock.hpp"

namespace awshpc::aws::protocols {

QueryParams& QueryParams::Add(std::string name, std::string value) {
  pairs_.emplace_back(std::move(name), std::move(value));
  return *this;
}

QueryParams& QueryParams::AddIfNotEmpty(std::string name, const std::string& value) {
  if (!value.empty()) Add(std::move(name), value);
  return *this;
}

QueryParams& QueryParams::AddInt(std::string name, std::optional<std::int64_t> value) {
  if (value) Add(std::move(name), std::to_string(*value));
  return *this;
}

QueryParams& QueryParams::AddBool(std::string name, std::optional<bool> value) {
  if (value) Add(std::move(name), std::string(*value ? "true" : "false"));
  return *this;
}

std::string QueryParams::ListKey(std::string_view name, std::size_t index, bool flattened) const {
  if (flavor_ == QueryFlavor::kEc2 || flattened) return fmt::format("{}.{}", name, index);
  return fmt::format("{}.member.{}", name, index);
}

QueryParams& QueryParams::AddList(std::string_view name, const std::vector<std::string>& values,
                                  bool flattened) {
  for (std::size_t i = 0; i < values.size(); ++i) Add(ListKey(name, i + 1, flattened), values[i]);
  return *this;
}

QueryParams& QueryParams::AddMap(std::string_view name,
                                 const std::map<std::string, std::string>& values) {
  std::size_t index = 0;
  for (const auto& [key, value] : values) {
    ++index;
    if (flavor_ == QueryFlavor::kEc2) {
      Add(fmt::format("{}.{}.Key", name, index), key);
      Add(fmt::format("{}.{}.Value", name, index), value);
    } else {
      Add(fmt::format("{}.entry.{}.key", name, index), key);
      Add(fmt::format("{}.entry.{}.value", name, index), value);
    }
  }
  return *this;
}

std::string QueryParams::Member(std::string_view name) const {
  std::string member(name);
  if (flavor_ == QueryFlavor::kEc2 && !member.empty()) {
    member[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(member[0])));
  }
  return member;
}

std::string QueryParams::Encode() const { return EncodeQuery(pairs_); }

void AddFilters(QueryParams& params, const std::vector<Filter>& filters) {
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const std::string prefix = params.ListKey("Filter", i + 1);
    params.Add(prefix + "." + params.Member("name"), filters[i].name);
    params.AddList(prefix + "." + params.Member("value"), filters[i].values);
  }
}

void AddTagList(QueryParams& params, std::string_view name,
                const std::map<std::string, std::string>& tags) {
  std::size_t index = 0;
  for (const auto& [key, value] : tags) {
    const std::string prefix = params.ListKey(name, ++index);
    params.Add(prefix + "." + params.Member("key"), key);
    params.Add(prefix + "." + params.Member("value"), value);
  }
}

HttpRequest MakeQueryRequest(std::string_view action, std::string_view version,
                             const QueryParams& params) {
  std::vector<std::pair<std::string, std::string>> head = {{"Action", std::string(action)},
                                                           {"Version", std::string(version)}};
  HttpRequest request;
  request.method = "POST";
  request.url = "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = EncodeQuery(head);
  if (!params.pairs().empty()) request.body += "&" + params.Encode();
  return request;
}

Result<XmlDocument> XmlDocument::Parse(std::string_view body, std::string_view what) {
  XmlDocument doc;
  doc.doc_ = std::make_shared<pugi::xml_document>();
  const pugi::xml_parse_result parsed = doc.doc_->load_buffer(body.data(), body.size());
  if (!parsed || !doc.doc_->document_element()) {
    return InternalError(fmt::format("{}: response is not XML ({})", what, parsed.description()));
  }
  return doc;
}

Result<pugi::xml_node> QueryResultNode(const XmlDocument& doc, std::string_view action,
                                       QueryFlavor flavor) {
  const pugi::xml_node root = doc.root();
  const std::string response_name = fmt::format("{}Response", action);
  if (response_name != root.name()) {
    return InternalError(
        fmt::format("{}: expected <{}>, got <{}>", action, response_name, root.name()));
  }
  if (flavor == QueryFlavor::kEc2) return root;
  const pugi::xml_node result = root.child(fmt::format("{}Result", action).c_str());
  // Operations without output (e.g. some Delete calls) have no Result element: an empty node.
  return result;
}

namespace {
pugi::xml_node At(pugi::xml_node node, const char* path) {
  return node.first_element_by_path(path, '/');
}
}  // namespace

std::string XmlText(pugi::xml_node node, const char* path) { return At(node, path).child_value(); }

std::optional<std::int64_t> XmlInt(pugi::xml_node node, const char* path) {
  const pugi::xml_node found = At(node, path);
  if (!found) return std::nullopt;
  const char* text = found.child_value();
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (end == text) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

std::optional<double> XmlDouble(pugi::xml_node node, const char* path) {
  const pugi::xml_node found = At(node, path);
  if (!found) return std::nullopt;
  const char* text = found.child_value();
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text) return std::nullopt;
  return value;
}

std::optional<bool> XmlBool(pugi::xml_node node, const char* path) {
  const pugi::xml_node found = At(node, path);
  if (!found) return std::nullopt;
  return std::string_view(found.child_value()) == "true";
}

std::optional<std::int64_t> XmlTimestamp(pugi::xml_node node, const char* path) {
  const std::string text = XmlText(node, path);
  if (text.empty()) return std::nullopt;
  Result<UnixMillis> parsed = ParseIso8601(text);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

std::vector<pugi::xml_node> XmlList(pugi::xml_node node, const char* path, const char* item) {
  std::vector<pugi::xml_node> items;
  for (pugi::xml_node child : At(node, path).children(item)) items.push_back(child);
  return items;
}

std::vector<std::string> XmlTextList(pugi::xml_node node, const char* path, const char* item) {
  std::vector<std::string> items;
  for (pugi::xml_node child : At(node, path).children(item)) items.push_back(child.child_value());
  return items;
}

std::map<std::string, std::string> XmlTagSet(pugi::xml_node node, const char* path) {
  std::map<std::string, std::string> tags;
  for (pugi::xml_node item : At(node, path).children("item")) {
    tags[item.child_value("key")] = item.child_value("value");
  }
  return tags;
}

}  // namespace awshpc::aws::protocols
