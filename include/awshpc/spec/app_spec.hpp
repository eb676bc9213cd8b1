// File: app_spec.hpp
// The in-memory model of an application specification (app.yaml, apiVersion aws-hpc/v1) after
// loading and validation. docs/app-spec.md describes the file format field by field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awshpc::spec {

// The apiVersion every app.yaml must declare.
inline constexpr std::string_view kApiVersion = "aws-hpc/v1";

// The type of a parameter: decides which values are accepted and their canonical text.
enum class ParamType { kString, kInt, kFloat, kBool, kEnum, kPath, kS3Uri, kDate, kDuration };

// "string", "int", "float", "bool", "enum", "path", "s3-uri", "date", "duration".
std::string_view ParamTypeName(ParamType type);
// All type names, in declaration order (for messages and the schema test).
const std::vector<std::string>& ParamTypeNames();

// One part of a template: literal text or a reference such as "params.steps".
struct TemplatePart {
  bool is_reference = false;
  std::string text;  // the literal text, or the reference ("params.steps", "resources.vcpus")

  friend bool operator==(const TemplatePart&, const TemplatePart&) = default;
};

// A string with `{{ reference }}` substitutions, split into parts at load time. Rendering is a
// single pass: substituted values are never expanded again.
struct Template {
  std::string source;  // as written in app.yaml
  std::vector<TemplatePart> parts;

  friend bool operator==(const Template&, const Template&) = default;
};

// A typed, validated parameter.
struct Parameter {
  std::string name;
  ParamType type = ParamType::kString;
  std::string description;
  std::optional<std::string> default_value;  // canonical text (see CanonicalizeValue)
  bool required = false;
  // Inclusive bounds for int, float (numbers) and duration (seconds).
  std::optional<double> min;
  std::optional<double> max;
  std::string min_text;  // bounds as written, for messages ("1", "10m")
  std::string max_text;
  std::string pattern;              // string: ECMAScript regex the whole value must match
  std::vector<std::string> values;  // enum: the allowed values
  bool allow_absolute = false;      // path: absolute paths accepted (`absolute: true`)

  // A value is always present when rendering (required or defaulted).
  bool AlwaysSet() const { return required || default_value.has_value(); }
};

// "1 <= value <= 200", "one of a, b or c", "matches ^[a-z]+$", "relative path", ...; "" if none.
std::string ConstraintsText(const Parameter& parameter);

// One element of a command (or checkpoint resume) list. Without a condition it renders to
// exactly one argv element (args has one template); with `if: params.x` its args (each one argv
// element) are included only when x is set (bool: true).
struct CommandElement {
  std::string condition;  // parameter name of `if: params.NAME`; empty: always included
  std::vector<Template> args;

  friend bool operator==(const CommandElement&, const CommandElement&) = default;
};

// An environment variable; with a condition it is set only when that parameter is set.
struct EnvVar {
  std::string name;
  Template value;
  std::string condition;

  friend bool operator==(const EnvVar&, const EnvVar&) = default;
};

// A resource value with optional inclusive limits; unset fields inherit (spec -> variant).
template <typename T>
struct Bounded {
  std::optional<T> value;
  std::optional<T> min;
  std::optional<T> max;

  friend bool operator==(const Bounded&, const Bounded&) = default;
};

// Resources as written in app.yaml (top level or per variant).
struct ResourceSpec {
  Bounded<int> vcpus;
  Bounded<std::int64_t> memory_mib;
  Bounded<int> gpus;
  Bounded<int> nodes;
  Bounded<std::int64_t> walltime_seconds;

  friend bool operator==(const ResourceSpec&, const ResourceSpec&) = default;
};

enum class Parallelism { kSerial, kOpenMp, kMpi, kGpu };
// "serial", "openmp", "mpi", "gpu".
std::string_view ParallelismName(Parallelism parallelism);

// A way to run the app (serial, MPI, ...). Empty fields inherit from the top level.
struct Variant {
  std::string name;
  std::string description;
  Parallelism parallelism = Parallelism::kSerial;
  std::vector<CommandElement> command;     // empty: the top-level command
  ResourceSpec resources;                  // overrides the top-level resources field by field
  std::vector<EnvVar> environment;         // added to (and overriding) the top-level environment
  std::vector<std::string> architectures;  // empty: the top-level architectures
};

// A container image for one architecture.
struct Container {
  std::string architecture;
  std::string image;
};

// A file staged into the job's working directory before the job starts.
struct InputSpec {
  std::string name;
  std::string description;
  Template source;  // after rendering: s3:// URI, or a path (relative ones are against the app dir)
  Template destination;   // relative to the working directory; default: the source's file name
  std::string condition;  // `if: params.NAME`
};

// A file or directory the job produces, relative to its working directory.
struct OutputSpec {
  std::string name;
  std::string description;
  std::string path;
};

// Checkpoint/restart support.
struct CheckpointSpec {
  bool supported = false;
  std::optional<std::int64_t> interval_seconds;
  std::string directory;  // relative to the working directory
  std::string signal;     // e.g. "SIGUSR1": sent to ask the app to checkpoint; empty: none
  std::vector<CommandElement> resume;  // argv elements appended when restarting
};

enum class LicenseType { kFlexlm, kRlm, kToken };
// "flexlm", "rlm", "token".
std::string_view LicenseTypeName(LicenseType type);

// A licence the job checks out while it runs.
struct LicenseSpec {
  std::string name;
  LicenseType type = LicenseType::kToken;
  std::string feature;
  int count = 1;
  std::string server;  // "27000@licserver" (flexlm), "host:port"; empty for token
};

struct RetrySpec {
  int attempts = 1;                // total attempts, 1..10 (AWS Batch's range)
  std::vector<int> on_exit_codes;  // retry only on these exit codes; empty: on any failure
};

// A loaded, validated app.yaml.
struct AppSpec {
  std::string file;  // path as given to the loader
  std::string dir;   // absolute directory of app.yaml ("" when parsed from a string)
  std::string api_version;
  std::string name;
  std::string version;
  std::string description;
  std::string homepage;
  std::vector<Parameter> parameters;  // in file order
  std::vector<CommandElement> command;
  std::vector<EnvVar> environment;
  ResourceSpec resources;
  std::vector<Variant> variants;  // never empty: an implicit serial "default" variant if none given
  std::string default_variant;    // always names one of `variants`
  std::vector<std::string> architectures;
  std::vector<Container> containers;
  std::vector<InputSpec> inputs;
  std::vector<OutputSpec> outputs;
  std::string performance_parser;  // "" for none
  CheckpointSpec checkpoint;
  std::vector<LicenseSpec> licenses;
  RetrySpec retries;

  const Parameter* FindParameter(std::string_view name) const;
  const Variant* FindVariant(std::string_view name) const;
  // The architectures `variant` runs on: its own list, else the app's (either may be empty).
  const std::vector<std::string>& ArchitecturesOf(const Variant& variant) const;
  std::vector<std::string> ParameterNames() const;
  std::vector<std::string> VariantNames() const;
};

// Architectures app.yaml may name: generic ISAs, specific microarchitectures, and "cuda".
const std::vector<std::string>& KnownArchitectures();

}  // namespace awshpc::spec
