// File: cfn.hpp
// (Internal) Small builders for CloudFormation template JSON: intrinsic functions and tag lists.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "awshpc/infra/platform_config.hpp"

namespace awshpc::infra::cfn {

using Json = nlohmann::ordered_json;

inline Json Ref(std::string_view name) { return Json{{"Ref", name}}; }
inline Json GetAtt(std::string_view resource, std::string_view attribute) {
  return Json{{"Fn::GetAtt", Json::array({resource, attribute})}};
}
inline Json Sub(std::string_view text) { return Json{{"Fn::Sub", text}}; }
inline Json Select(int index, Json list) {
  return Json{{"Fn::Select", Json::array({index, std::move(list)})}};
}
inline Json Join(std::string_view separator, Json list) {
  return Json{{"Fn::Join", Json::array({separator, std::move(list)})}};
}
inline Json Resource(std::string_view type, Json properties) {
  return Json{{"Type", type}, {"Properties", std::move(properties)}};
}
inline Json Output(std::string_view description, Json value) {
  return Json{{"Description", description}, {"Value", std::move(value)}};
}

// The config's tags plus aws-hpc:platform, as [{Key, Value}] (most resource types) ...
Json TagList(const PlatformConfig& config, const std::map<std::string, std::string>& extra = {});
// ... or as a {Key: Value} map (Batch, SSM and a few others).
Json TagMap(const PlatformConfig& config, const std::map<std::string, std::string>& extra = {});

// A new template with the format version and a description.
Json NewTemplate(std::string_view description);

}  // namespace awshpc::infra::cfn
