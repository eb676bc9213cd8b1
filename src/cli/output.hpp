// File: output.hpp
// How the CLI prints: aligned tables and text for people, JSON (a stable contract for scripts)
// and YAML. Colour only on a terminal and never when NO_COLOR is set.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::cli {

enum class OutputFormat { kTable, kJson, kYaml };

Result<OutputFormat> ParseOutputFormat(const std::string& text);

// Columns padded to their widest cell; the last column is not padded.
std::string RenderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows);

// Block-style YAML of a JSON value (keys in the JSON's order).
std::string JsonToYaml(const nlohmann::ordered_json& value);

// Prints `value` as JSON or YAML to stdout.
void PrintStructured(const nlohmann::ordered_json& value, OutputFormat format);

// True when stdout is a terminal, NO_COLOR is unset and TERM is not "dumb".
bool ColorEnabled();

// The state name, coloured by outcome when colour is enabled.
std::string StyledState(const std::string& state);

// "1.2s", "3m04s", "2h05m".
std::string FormatSeconds(double seconds);

}  // namespace awshpc::cli
