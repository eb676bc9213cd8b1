// File: read_files.cpp
// SpecReader: `inputs`, `outputs`, `checkpoint`, `licenses` and `retries`.
#include "spec_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "awshpc/core/text.hpp"
#include "awshpc/spec/param_types.hpp"
#include "awshpc/spec/template.hpp"
#include "suggest.hpp"

namespace awshpc::spec::internal {

void SpecReader::ReadInputs(const YamlNode& node) {
  if (!r_.CheckSequence(node, "inputs")) return;
  std::set<std::string, std::less<>> names;
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const YamlNode& item = node.children[i];
    const std::string path = IndexPath("inputs", i);
    if (!r_.CheckMapping(item, path, kInputKeys, {"name", "source"})) continue;
    InputSpec input;
    if (const YamlNode* n = FieldReader::Find(item, "name")) {
      input.name = r_.Name(*n, SubPath(path, "name")).value_or("");
      if (!input.name.empty() && !names.insert(input.name).second) {
        r_.Error(*n, SubPath(path, "name"), fmt::format("duplicate input \"{}\"", input.name));
      }
    }
    if (const YamlNode* n = FieldReader::Find(item, "description")) {
      input.description = r_.String(*n, SubPath(path, "description")).value_or("");
    }
    if (const YamlNode* n = FieldReader::Find(item, "if")) {
      input.condition = ReadCondition(*n, SubPath(path, "if"));
    }
    if (const YamlNode* n = FieldReader::Find(item, "source")) {
      const std::string source_path = SubPath(path, "source");
      if (auto t = ReadTemplate(*n, source_path, input.condition)) {
        if (t->parts.size() == 1 && !t->parts[0].is_reference)
          CheckLiteralSource(*n, source_path, t->source);
        if (t->source.empty()) r_.Error(*n, source_path, "expected a non-empty source");
        input.source = *std::move(t);
      }
    }
    if (const YamlNode* n = FieldReader::Find(item, "destination")) {
      const std::string dest_path = SubPath(path, "destination");
      if (auto t = ReadTemplate(*n, dest_path, input.condition)) {
        if (t->parts.size() == 1 && !t->parts[0].is_reference) {
          Status valid = ValidatePath(t->source, false);
          if (!valid.ok()) r_.Error(*n, dest_path, valid.message());
        }
        input.destination = *std::move(t);
      }
    }
    spec_.inputs.push_back(std::move(input));
  }
}

void SpecReader::CheckLiteralSource(const YamlNode& at, const std::string& path,
                                    const std::string& source) {
  Status valid = source.starts_with("s3://") ? ValidateS3Uri(source) : ValidatePath(source, true);
  if (!valid.ok()) r_.Error(at, path, valid.message());
}

void SpecReader::ReadOutputs(const YamlNode& node) {
  if (!r_.CheckSequence(node, "outputs")) return;
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const YamlNode& item = node.children[i];
    const std::string path = IndexPath("outputs", i);
    if (!r_.CheckMapping(item, path, kOutputKeys, {"name", "path"})) continue;
    OutputSpec output;
    if (const YamlNode* n = FieldReader::Find(item, "name")) {
      output.name = r_.Name(*n, SubPath(path, "name")).value_or("");
    }
    if (const YamlNode* n = FieldReader::Find(item, "description")) {
      output.description = r_.String(*n, SubPath(path, "description")).value_or("");
    }
    if (const YamlNode* n = FieldReader::Find(item, "path")) {
      if (auto v = r_.String(*n, SubPath(path, "path"))) {
        Status valid = ValidatePath(*v, false);
        if (valid.ok()) {
          output.path = *v;
        } else {
          r_.Error(*n, SubPath(path, "path"), valid.message());
        }
      }
    }
    spec_.outputs.push_back(std::move(output));
  }
}

void SpecReader::ReadCheckpoint(const YamlNode& node) {
  if (!r_.CheckMapping(node, "checkpoint", kCheckpointKeys, {"supported"})) return;
  CheckpointSpec& c = spec_.checkpoint;
  if (const YamlNode* n = FieldReader::Find(node, "supported")) {
    c.supported = r_.Bool(*n, "checkpoint.supported").value_or(false);
  }
  if (const YamlNode* n = FieldReader::Find(node, "interval")) {
    if (auto v = r_.Duration(*n, "checkpoint.interval")) c.interval_seconds = *v;
  }
  if (const YamlNode* n = FieldReader::Find(node, "directory")) {
    if (auto v = r_.String(*n, "checkpoint.directory")) {
      Status valid = ValidatePath(*v, false);
      if (valid.ok()) {
        c.directory = *v;
      } else {
        r_.Error(*n, "checkpoint.directory", valid.message());
      }
    }
  }
  if (const YamlNode* n = FieldReader::Find(node, "signal")) {
    if (auto index = r_.Choice(*n, "checkpoint.signal", kSignalNames)) {
      c.signal = kSignalNames[*index];
    }
  }
  if (const YamlNode* n = FieldReader::Find(node, "resume")) {
    c.resume = ReadCommand(*n, "checkpoint.resume");
  }
}

void SpecReader::ReadLicenses(const YamlNode& node) {
  if (!r_.CheckSequence(node, "licenses")) return;
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const YamlNode& item = node.children[i];
    const std::string path = IndexPath("licenses", i);
    if (!r_.CheckMapping(item, path, kLicenseKeys, {"name", "type"})) continue;
    LicenseSpec license;
    if (const YamlNode* n = FieldReader::Find(item, "name")) {
      license.name = r_.Name(*n, SubPath(path, "name")).value_or("");
    }
    bool needs_server = false;
    if (const YamlNode* n = FieldReader::Find(item, "type")) {
      if (auto index = r_.Choice(*n, SubPath(path, "type"), kLicenseTypeNames)) {
        license.type = static_cast<LicenseType>(*index);
        needs_server = license.type != LicenseType::kToken;
      }
    }
    if (const YamlNode* n = FieldReader::Find(item, "feature")) {
      license.feature = r_.Line(*n, SubPath(path, "feature"), 256).value_or("");
    } else if (needs_server) {
      r_.Error(item, SubPath(path, "feature"), "missing required key (flexlm and rlm need it)");
    }
    if (const YamlNode* n = FieldReader::Find(item, "count")) {
      license.count =
          static_cast<int>(r_.Int(*n, SubPath(path, "count"), 1, kMaxCount).value_or(1));
    }
    if (const YamlNode* n = FieldReader::Find(item, "server")) {
      license.server = r_.Line(*n, SubPath(path, "server"), 256).value_or("");
      if (!license.server.empty() && license.server.find_first_of("@:") == std::string::npos) {
        r_.Error(*n, SubPath(path, "server"),
                 fmt::format("expected port@host or host:port; got {}", Quote(license.server)));
      }
    } else if (needs_server) {
      r_.Error(item, SubPath(path, "server"), "missing required key (flexlm and rlm need it)");
    }
    spec_.licenses.push_back(std::move(license));
  }
}

void SpecReader::ReadRetries(const YamlNode& node) {
  if (!r_.CheckMapping(node, "retries", kRetriesKeys)) return;
  if (const YamlNode* n = FieldReader::Find(node, "attempts")) {
    spec_.retries.attempts = static_cast<int>(r_.Int(*n, "retries.attempts", 1, 10).value_or(1));
  }
  if (const YamlNode* n = FieldReader::Find(node, "onExitCodes")) {
    if (!r_.CheckSequence(*n, "retries.onExitCodes")) return;
    for (std::size_t i = 0; i < n->children.size(); ++i) {
      if (auto code = r_.Int(n->children[i], IndexPath("retries.onExitCodes", i), 1, 255)) {
        spec_.retries.on_exit_codes.push_back(static_cast<int>(*code));
      }
    }
  }
}

}  // namespace awshpc::spec::internal
