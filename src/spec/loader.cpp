// File: loader.cpp
// app.yaml -> AppSpec: reads the file under the size limit, parses the YAML under the depth and
// node limits, then hands the tree to SpecReader, which reports all of a file's errors at once.
#include "awshpc/spec/loader.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "spec_reader.hpp"
#include "yaml_tree.hpp"

namespace awshpc::spec {

std::string LoadResult::DiagnosticsText() const {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.ToString();
  }
  return out;
}

LoadResult ParseAppSpec(std::string_view yaml_text, const std::string& file_for_messages) {
  LoadResult result;
  const auto fail = [&](int line, int column, std::string message) {
    result.diagnostics.push_back(
        Diagnostic{file_for_messages, line, column, "", std::move(message)});
    return result;
  };
  if (yaml_text.size() > kMaxAppSpecBytes) {
    return fail(0, 0,
                fmt::format("file is {} bytes; app.yaml is limited to {} bytes (1 MiB)",
                            yaml_text.size(), kMaxAppSpecBytes));
  }
  internal::YamlParseResult parsed =
      internal::ParseYamlDocument(yaml_text, kMaxYamlDepth, kMaxYamlNodes);
  if (!parsed.ok) return fail(parsed.line, parsed.column, parsed.error);
  if (parsed.empty || parsed.root.IsNull()) {
    return fail(1, 1,
                "file is empty; expected a mapping with apiVersion, name, version and command");
  }
  if (!parsed.root.IsMapping()) {
    return fail(parsed.root.line, parsed.root.column,
                fmt::format("expected a mapping at the top level (apiVersion, name, ...); got {}",
                            internal::KindDescription(parsed.root)));
  }
  internal::SpecReader reader(file_for_messages);
  return reader.Read(parsed.root);
}

LoadResult LoadAppSpecFile(const std::string& path) {
  namespace fs = std::filesystem;
  LoadResult result;
  const auto fail = [&](std::string message) {
    result.diagnostics.push_back(Diagnostic{path, 0, 0, "", std::move(message)});
    return result;
  };
  // Read at most one byte more than the limit: enough to know the file is too big.
  Result<std::string> read = internal::ReadBoundedFile(path, kMaxAppSpecBytes);
  if (!read.ok()) return fail(read.status().message());
  const std::string text = std::move(read).value();
  std::error_code ec;
  if (text.size() > kMaxAppSpecBytes) {
    const auto size = fs::file_size(path, ec);
    return fail(fmt::format("file is {} bytes; app.yaml is limited to {} bytes (1 MiB)",
                            ec ? text.size() : size, kMaxAppSpecBytes));
  }
  result = ParseAppSpec(text, path);
  if (result.spec) {
    result.spec->dir = fs::absolute(path, ec).parent_path().lexically_normal().string();
  }
  return result;
}

const std::vector<KeyTable>& LoaderKeyTables() {
  static const std::vector<KeyTable> kTables = {
      {"app", "", internal::kAppKeys},
      {"parameter", "/$defs/parameter", internal::kParameterKeys},
      {"variant", "/$defs/variant", internal::kVariantKeys},
      {"resources", "/$defs/resources", internal::kResourcesKeys},
      {"countBounds", "/$defs/countBounds", internal::kBoundsKeys},
      {"memoryBounds", "/$defs/memoryBounds", internal::kBoundsKeys},
      {"durationBounds", "/$defs/durationBounds", internal::kBoundsKeys},
      {"conditionalArgs", "/$defs/conditionalArgs", internal::kConditionalArgsKeys},
      {"conditionalEnv", "/$defs/conditionalEnv", internal::kConditionalEnvKeys},
      {"input", "/$defs/input", internal::kInputKeys},
      {"output", "/$defs/output", internal::kOutputKeys},
      {"performance", "/$defs/performance", internal::kPerformanceKeys},
      {"checkpoint", "/$defs/checkpoint", internal::kCheckpointKeys},
      {"license", "/$defs/license", internal::kLicenseKeys},
      {"retries", "/$defs/retries", internal::kRetriesKeys},
  };
  return kTables;
}

}  // namespace awshpc::spec
