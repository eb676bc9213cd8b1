// File: protocols/rest_xml.hpp
// rest-xml (S3): path-style object paths, XML request bodies, and response members carried in
// headers. Response bodies are read with the XML helpers of query.hpp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awshpc/aws/http_client.hpp"
#include "awshpc/aws/protocols/json.hpp"

namespace awshpc::aws::protocols {

// "/bucket" or "/bucket/key" with the key percent-encoded ('/' kept): path-style addressing,
// which works for every bucket name and against emulators on loopback.
std::string S3Path(std::string_view bucket, std::string_view key = "");

// A rest-xml request; a non-empty `xml_body` is sent as application/xml.
HttpRequest MakeRestXmlRequest(std::string method, std::string path,
                               std::vector<std::pair<std::string, std::string>> query = {},
                               std::string xml_body = "");

// Escapes &, <, >, " and ' for XML text and attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace awshpc::aws::protocols
