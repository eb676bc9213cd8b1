// File: job_json.cpp
#include "job_json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

#include "awshpc/core/text.hpp"

namespace awshpc::store {
namespace {

using Json = nlohmann::json;

Status CheckUtf8(std::string_view field, std::string_view value) {
  if (IsValidUtf8(value)) return Status::Ok();
  return InvalidArgumentError(
      fmt::format("job request field {} is not valid UTF-8: {}", field, QuoteForMessage(value)));
}

Status CheckMap(std::string_view field, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    RETURN_IF_ERROR(CheckUtf8(fmt::format("{} key", field), key));
    RETURN_IF_ERROR(CheckUtf8(fmt::format("{}[{}]", field, key), value));
  }
  return Status::Ok();
}

Status CheckRequestUtf8(const sched::JobRequest& r) {
  RETURN_IF_ERROR(CheckUtf8("name", r.name));
  RETURN_IF_ERROR(CheckUtf8("app", r.app));
  RETURN_IF_ERROR(CheckUtf8("app_version", r.app_version));
  RETURN_IF_ERROR(CheckUtf8("variant", r.variant));
  RETURN_IF_ERROR(CheckMap("parameters", r.parameters));
  for (std::size_t i = 0; i < r.argv.size(); ++i) {
    RETURN_IF_ERROR(CheckUtf8(fmt::format("argv[{}]", i), r.argv[i]));
  }
  RETURN_IF_ERROR(CheckMap("environment", r.environment));
  for (std::size_t i = 0; i < r.inputs.size(); ++i) {
    RETURN_IF_ERROR(CheckUtf8(fmt::format("inputs[{}].source", i), r.inputs[i].source));
    RETURN_IF_ERROR(CheckUtf8(fmt::format("inputs[{}].destination", i), r.inputs[i].destination));
  }
  RETURN_IF_ERROR(CheckUtf8("backend", r.backend));
  RETURN_IF_ERROR(CheckUtf8("performance_parser", r.performance_parser));
  RETURN_IF_ERROR(CheckUtf8("user", r.user));
  RETURN_IF_ERROR(CheckUtf8("project", r.project));
  return Status::Ok();
}

Status TypeError(std::string_view field, std::string_view expected, const Json& value) {
  return InvalidArgumentError(fmt::format("stored job request: field {} should be {}, is {}", field,
                                          expected, value.type_name()));
}

// Each reader leaves `out` untouched when the field is absent (older documents).
Status Read(const Json& object, const char* key, std::string& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_string()) return TypeError(key, "a string", *it);
  out = it->get<std::string>();
  return Status::Ok();
}

template <typename Int>
Status Read(const Json& object, const char* key, Int& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_number_integer()) return TypeError(key, "an integer", *it);
  if (it->is_number_unsigned()) {
    const auto value = it->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
      return TypeError(key, "an integer in range", *it);
    }
    out = static_cast<Int>(value);
    return Status::Ok();
  }
  const auto value = it->get<std::int64_t>();
  if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) {
    return TypeError(key, "an integer in range", *it);
  }
  out = static_cast<Int>(value);
  return Status::Ok();
}

Status Read(const Json& object, const char* key, std::map<std::string, std::string>& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_object()) return TypeError(key, "an object", *it);
  out.clear();
  for (const auto& [name, value] : it->items()) {
    if (!value.is_string()) return TypeError(fmt::format("{}.{}", key, name), "a string", value);
    out.emplace(name, value.get<std::string>());
  }
  return Status::Ok();
}

Status Read(const Json& object, const char* key, std::vector<std::string>& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_array()) return TypeError(key, "an array", *it);
  out.clear();
  for (const Json& value : *it) {
    if (!value.is_string()) return TypeError(key, "an array of strings", value);
    out.push_back(value.get<std::string>());
  }
  return Status::Ok();
}

Status Read(const Json& object, const char* key, std::vector<sched::InputFile>& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_array()) return TypeError(key, "an array", *it);
  out.clear();
  for (const Json& value : *it) {
    if (!value.is_object()) return TypeError(key, "an array of objects", value);
    sched::InputFile input;
    RETURN_IF_ERROR(Read(value, "source", input.source));
    RETURN_IF_ERROR(Read(value, "destination", input.destination));
    out.push_back(std::move(input));
  }
  return Status::Ok();
}

Status Read(const Json& object, const char* key, sched::Resources& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_object()) return TypeError(key, "an object", *it);
  RETURN_IF_ERROR(Read(*it, "vcpus", out.vcpus));
  RETURN_IF_ERROR(Read(*it, "memory_mib", out.memory_mib));
  RETURN_IF_ERROR(Read(*it, "gpus", out.gpus));
  RETURN_IF_ERROR(Read(*it, "nodes", out.nodes));
  RETURN_IF_ERROR(Read(*it, "walltime_seconds", out.walltime_seconds));
  return Status::Ok();
}

}  // namespace

Result<std::string> RequestToJson(const sched::JobRequest& r) {
  RETURN_IF_ERROR(CheckRequestUtf8(r));
  Json inputs = Json::array();
  for (const auto& input : r.inputs) {
    inputs.push_back({{"source", input.source}, {"destination", input.destination}});
  }
  const Json document = {
      {"name", r.name},
      {"app", r.app},
      {"app_version", r.app_version},
      {"variant", r.variant},
      {"parameters", r.parameters},
      {"argv", r.argv},
      {"environment", r.environment},
      {"inputs", std::move(inputs)},
      {"resources",
       {{"vcpus", r.resources.vcpus},
        {"memory_mib", r.resources.memory_mib},
        {"gpus", r.resources.gpus},
        {"nodes", r.resources.nodes},
        {"walltime_seconds", r.resources.walltime_seconds}}},
      {"priority", r.priority},
      {"backend", r.backend},
      {"performance_parser", r.performance_parser},
      {"user", r.user},
      {"project", r.project},
      {"max_attempts", r.max_attempts},
  };
  // Strings were checked above, so the strict handler cannot throw here.
  return document.dump();
}

Result<sched::JobRequest> RequestFromJson(std::string_view text) {
  const Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return InvalidArgumentError("stored job request is not valid JSON");
  if (!document.is_object()) return TypeError("(document)", "an object", document);
  sched::JobRequest r;
  RETURN_IF_ERROR(Read(document, "name", r.name));
  RETURN_IF_ERROR(Read(document, "app", r.app));
  RETURN_IF_ERROR(Read(document, "app_version", r.app_version));
  RETURN_IF_ERROR(Read(document, "variant", r.variant));
  RETURN_IF_ERROR(Read(document, "parameters", r.parameters));
  RETURN_IF_ERROR(Read(document, "argv", r.argv));
  RETURN_IF_ERROR(Read(document, "environment", r.environment));
  RETURN_IF_ERROR(Read(document, "inputs", r.inputs));
  RETURN_IF_ERROR(Read(document, "resources", r.resources));
  RETURN_IF_ERROR(Read(document, "priority", r.priority));
  RETURN_IF_ERROR(Read(document, "backend", r.backend));
  RETURN_IF_ERROR(Read(document, "performance_parser", r.performance_parser));
  RETURN_IF_ERROR(Read(document, "user", r.user));
  RETURN_IF_ERROR(Read(document, "project", r.project));
  RETURN_IF_ERROR(Read(document, "max_attempts", r.max_attempts));
  return r;
}

std::string MetricsToJson(const std::map<std::string, double>& metrics) {
  Json document = Json::object();
  for (const auto& [name, value] : metrics) {
    document[name] = std::isfinite(value) ? Json(value) : Json(nullptr);
  }
  // Metric names come from parsers of program output: replace rather than fail on bad bytes.
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::map<std::string, double>> MetricsFromJson(std::string_view text) {
  const Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    return InvalidArgumentError("stored job metrics are not a JSON object");
  }
  std::map<std::string, double> metrics;
  for (const auto& [name, value] : document.items()) {
    if (value.is_number()) {
      metrics.emplace(name, value.get<double>());
    } else if (value.is_null()) {
      metrics.emplace(name, std::numeric_limits<double>::quiet_NaN());
    } else {
      return TypeError(fmt::format("metrics.{}", name), "a number", value);
    }
  }
  return metrics;
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1fu;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0fu;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3fu);
    }
    constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace awshpc::store
