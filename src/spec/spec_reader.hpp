// File: spec_reader.hpp
// (Internal) SpecReader turns a YamlNode tree into an AppSpec, section by section, recording a
// Diagnostic for every problem and carrying on. Top level in spec_reader.cpp; sections in
// read_parameters.cpp, read_commands.cpp, read_resources.cpp and read_files.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/spec/app_spec.hpp"
#include "awshpc/spec/loader.hpp"
#include "field_reader.hpp"
#include "yaml_tree.hpp"

namespace awshpc::spec::internal {

// The keys each kind of mapping accepts (LoaderKeyTables exposes them to the schema test).
using Keys = std::vector<std::string>;

inline const Keys kAppKeys = {"apiVersion", "name",       "version",        "description",
                              "homepage",   "parameters", "command",        "environment",
                              "resources",  "variants",   "defaultVariant", "architectures",
                              "containers", "inputs",     "outputs",        "performance",
                              "checkpoint", "licenses",   "retries"};
inline const Keys kParameterKeys = {"type", "description", "default", "required", "min",
                                    "max",  "pattern",     "values",  "absolute"};
inline const Keys kVariantKeys = {"name",      "description", "parallelism",  "command",
                                  "resources", "environment", "architectures"};
inline const Keys kResourcesKeys = {"vcpus", "memory", "gpus", "nodes", "walltime"};
inline const Keys kBoundsKeys = {"default", "min", "max"};
inline const Keys kConditionalArgsKeys = {"if", "args"};
inline const Keys kConditionalEnvKeys = {"if", "value"};
inline const Keys kInputKeys = {"name", "description", "source", "destination", "if"};
inline const Keys kOutputKeys = {"name", "description", "path"};
inline const Keys kPerformanceKeys = {"parser"};
inline const Keys kCheckpointKeys = {"supported", "interval", "directory", "signal", "resume"};
inline const Keys kLicenseKeys = {"name", "type", "feature", "count", "server"};
inline const Keys kRetriesKeys = {"attempts", "onExitCodes"};

inline const Keys kParallelismNames = {"serial", "openmp", "mpi", "gpu"};
inline const Keys kLicenseTypeNames = {"flexlm", "rlm", "token"};
inline const Keys kSignalNames = {"SIGTERM", "SIGINT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGQUIT"};

inline constexpr std::int64_t kMaxCount = 1'000'000;  // bounds vcpus, gpus, nodes, licence counts

// [A-Za-z_][A-Za-z0-9_]* (plus '-' when allowed), at most 64 characters.
bool IsIdentifier(std::string_view s, bool allow_dash);

// Reads one app.yaml tree. Parameters are read first: templates are checked against them.
class SpecReader {
 public:
  explicit SpecReader(const std::string& file);

  // Reads `root` (a mapping). The result has a spec only when there were no diagnostics.
  LoadResult Read(const YamlNode& root);

 private:
  // Top level (spec_reader.cpp)
  void ReadApp(const YamlNode& root);

  // Parameters (read_parameters.cpp)
  void ReadParameters(const YamlNode& node);
  // Reads min or max of an int, float or duration parameter.
  std::optional<double> ReadBound(const YamlNode& node, const std::string& path, const Parameter& p,
                                  std::string& text);
  bool ReadParameter(const YamlNode& node, const std::string& path, Parameter& p);
  void ReadEnumValues(const YamlNode& node, const std::string& path, Parameter& p);

  // Templates, command and environment (read_commands.cpp)
  // Checks a reference of a template; `condition` names the parameter of an enclosing `if`.
  void CheckReference(const YamlNode& at, const std::string& path, const std::string& ref,
                      const std::string& condition);
  std::optional<Template> ReadTemplate(const YamlNode& node, const std::string& path,
                                       const std::string& condition);
  // Names of all declared parameters, including those with errors (for suggestions).
  std::vector<std::string> AllParameterNames() const;
  // `if: params.NAME` -> NAME (the parameter must exist).
  std::string ReadCondition(const YamlNode& node, const std::string& path);
  std::vector<CommandElement> ReadCommand(const YamlNode& node, const std::string& path);
  std::vector<EnvVar> ReadEnvironment(const YamlNode& node, const std::string& path);

  // Resources (read_resources.cpp)
  template <typename T, typename ReadOne>
  Bounded<T> ReadBounded(const YamlNode& node, const std::string& path, ReadOne read_one);
  ResourceSpec ReadResources(const YamlNode& node, const std::string& path);

  // Variants, architectures, containers (read_resources.cpp)
  std::vector<std::string> ReadArchitectures(const YamlNode& node, const std::string& path,
                                             const std::vector<std::string>& allowed);
  void ReadVariants(const YamlNode& root);
  void ReadVariant(const YamlNode& node, const std::string& path);
  // Defaults must suit the variant's parallelism and lie within the limits.
  void CheckVariantResources(const YamlNode& root, std::size_t index);
  void ReadContainers(const YamlNode& node);

  // Inputs, outputs, checkpoint, licences, retries (read_files.cpp)
  void ReadInputs(const YamlNode& node);
  void CheckLiteralSource(const YamlNode& at, const std::string& path, const std::string& source);
  void ReadOutputs(const YamlNode& node);
  void ReadCheckpoint(const YamlNode& node);
  void ReadLicenses(const YamlNode& node);
  void ReadRetries(const YamlNode& node);

  FieldReader r_;
  AppSpec spec_;
  std::set<std::string, std::less<>> broken_parameters_;
  std::vector<const YamlNode*> variant_nodes_;
  bool has_top_command_ = false;
};

}  // namespace awshpc::spec::internal
