// File: protocols/rest_xml.cpp
#include "awshpc/aws/protocols/rest_xml.hpp"

#include "awshpc/aws/uri.hpp"

namespace awshpc::aws::protocols {

std::string S3Path(std::string_view bucket, std::string_view key) {
  std::string path = "/" + UriEncode(bucket);
  if (!key.empty()) path += "/" + UriEncode(key, /*keep_slash=*/true);
  return path;
}

HttpRequest MakeRestXmlRequest(std::string method, std::string path,
                               std::vector<std::pair<std::string, std::string>> query,
                               std::string xml_body) {
  RestRequest rest;
  rest.method = std::move(method);
  rest.path = std::move(path);
  rest.query = std::move(query);
  rest.body = std::move(xml_body);
  rest.content_type = "application/xml";
  return MakeRestRequest(rest);
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace awshpc::aws::protocols
