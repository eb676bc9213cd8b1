// File: protocols/query.hpp
// Request serialisation of the query and ec2-query protocols (form-encoded POST bodies with
// Action and Version) and XML response helpers over pugixml, shared by STS and EC2.
//
// The two flavours differ in how lists and maps are named:
//   query:  Name.member.1 (flattened: Name.1), maps Name.entry.1.key / Name.entry.1.value
//   ec2:    Name.1 always, structure members capitalised (Filter.1.Name, Filter.1.Value.1),
//           maps Name.1.Key / Name.1.Value
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awshpc/aws/http_client.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws::protocols {

enum class QueryFlavor { kQuery, kEc2 };

// The ordered parameters of one query or ec2 request (decoded; encoded once, by Encode()).
class QueryParams {
 public:
  explicit QueryParams(QueryFlavor flavor = QueryFlavor::kQuery) : flavor_(flavor) {}

  QueryParams& Add(std::string name, std::string value);
  // Only when the value is set / non-empty (optional members).
  QueryParams& AddIfNotEmpty(std::string name, const std::string& value);
  QueryParams& AddInt(std::string name, std::optional<std::int64_t> value);
  QueryParams& AddBool(std::string name, std::optional<bool> value);

  // The key of element `index` (1-based) of list `name`: "Name.member.3" (query), "Name.3"
  // (ec2, or a flattened query list).
  std::string ListKey(std::string_view name, std::size_t index, bool flattened = false) const;
  // A list of scalars; nothing for an empty list.
  QueryParams& AddList(std::string_view name, const std::vector<std::string>& values,
                       bool flattened = false);
  // A map: "Name.entry.N.key" / "Name.entry.N.value" (query) or "Name.N.Key" / "Name.N.Value"
  // (ec2). Entries in key order.
  QueryParams& AddMap(std::string_view name, const std::map<std::string, std::string>& values);
  // A structure member name in this flavour: ec2 capitalises ("name" -> "Name").
  std::string Member(std::string_view name) const;

  const std::vector<std::pair<std::string, std::string>>& pairs() const { return pairs_; }
  QueryFlavor flavor() const { return flavor_; }
  // "Action=...&Version=...&a=1" with AWS percent-encoding.
  std::string Encode() const;

 private:
  QueryFlavor flavor_;
  std::vector<std::pair<std::string, std::string>> pairs_;
};

// EC2 filters: Filter.N.Name and Filter.N.Value.M.
struct Filter {
  std::string name;
  std::vector<std::string> values;
};
void AddFilters(QueryParams& params, const std::vector<Filter>& filters);
// EC2 tag lists as request members: Name.N.Key / Name.N.Value.
void AddTagList(QueryParams& params, std::string_view name,
                const std::map<std::string, std::string>& tags);

// POST / with Content-Type application/x-www-form-urlencoded and the body
// "Action=<action>&Version=<version>&<params>".
HttpRequest MakeQueryRequest(std::string_view action, std::string_view version,
                             const QueryParams& params);

// A parsed XML response; cheap to copy (the document is shared).
class XmlDocument {
 public:
  static Result<XmlDocument> Parse(std::string_view body, std::string_view what);
  pugi::xml_node root() const { return doc_->document_element(); }

 private:
  std::shared_ptr<pugi::xml_document> doc_;
};

// The <ActionResult> of a query response (<ActionResponse><ActionResult>), or for ec2 the
// <ActionResponse> element itself. kInternal when the body has another shape.
Result<pugi::xml_node> QueryResultNode(const XmlDocument& doc, std::string_view action,
                                       QueryFlavor flavor);

// Child text ("" when missing); `path` may be "a/b/c".
std::string XmlText(pugi::xml_node node, const char* path);
std::optional<std::int64_t> XmlInt(pugi::xml_node node, const char* path);
std::optional<double> XmlDouble(pugi::xml_node node, const char* path);
// "true"/"false"; nullopt when missing.
std::optional<bool> XmlBool(pugi::xml_node node, const char* path);
// ISO 8601 timestamp as Unix milliseconds; nullopt when missing or unreadable.
std::optional<std::int64_t> XmlTimestamp(pugi::xml_node node, const char* path);
// The elements of a wrapped list: <path><item>..</item>...</path> (ec2 "item", query "member").
std::vector<pugi::xml_node> XmlList(pugi::xml_node node, const char* path,
                                    const char* item = "item");
std::vector<std::string> XmlTextList(pugi::xml_node node, const char* path,
                                     const char* item = "item");
// EC2 <tagSet><item><key/><value/></item></tagSet>.
std::map<std::string, std::string> XmlTagSet(pugi::xml_node node, const char* path = "tagSet");

}  // namespace awshpc::aws::protocols
