// File: output.cpp
#include "output.hpp"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace awshpc::cli {

Result<OutputFormat> ParseOutputFormat(const std::string& text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "yaml") return OutputFormat::kYaml;
  return InvalidArgumentError("--output " + text + ": expected table, json or yaml");
}

namespace {

// Display width of UTF-8 text: count code points, not bytes.
std::size_t DisplayWidth(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

void EmitYaml(YAML::Emitter& out, const nlohmann::ordered_json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      EmitYaml(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) EmitYaml(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_null()) {
    out << YAML::Null;
  } else {
    out << value.dump();  // numbers and booleans print the same in JSON and YAML
  }
}

}  // namespace

std::string RenderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(headers.size(), 0);
  for (std::size_t i = 0; i < headers.size(); ++i) widths[i] = DisplayWidth(headers[i]);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  std::string out;
  const auto append_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  append_row(headers);
  for (const auto& row : rows) append_row(row);
  return out;
}

std::string JsonToYaml(const nlohmann::ordered_json& value) {
  YAML::Emitter out;
  EmitYaml(out, value);
  return std::string(out.c_str()) + "\n";
}

void PrintStructured(const nlohmann::ordered_json& value, OutputFormat format) {
  if (format == OutputFormat::kYaml) {
    std::cout << JsonToYaml(value);
  } else {
    // Invalid UTF-8 from a log or argv is replaced rather than aborting the dump.
    std::cout << value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  }
}

bool ColorEnabled() {
  static const bool enabled = [] {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    const char* term = std::getenv("TERM");
    if (term && std::string(term) == "dumb") return false;
    return ::isatty(STDOUT_FILENO) == 1;
  }();
  return enabled;
}

std::string StyledState(const std::string& state) {
  if (!ColorEnabled()) return state;
  const char* color = "";
  if (state == "SUCCEEDED")
    color = "\033[32m";
  else if (state == "FAILED")
    color = "\033[31m";
  else if (state == "CANCELLED")
    color = "\033[33m";
  else if (state == "RUNNING" || state == "STARTING")
    color = "\033[36m";
  else
    return state;
  return std::string(color) + state + "\033[0m";
}

std::string FormatSeconds(double seconds) {
  if (seconds < 60) return fmt::format("{:.1f}s", seconds);
  const auto total = static_cast<long long>(seconds + 0.5);
  if (total < 3600) return fmt::format("{}m{:02d}s", total / 60, total % 60);
  return fmt::format("{}h{:02d}m", total / 3600, total % 3600 / 60);
}

}  // namespace awshpc::cli
