// File: loader.cpp
// app.yaml -> AppSpec: parses the YAML under limits, then reads every section, recording a
// Diagnostic for each problem and carrying on, so that one run reports all of a file's errors.
#include "awshpc/spec/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>

#include "awshpc/core/text.hpp"
#include "awshpc/spec/param_types.hpp"
#include "awshpc/spec/template.hpp"
#include "field_reader.hpp"
#include "suggest.hpp"
#include "yaml_tree.hpp"

namespace awshpc::spec {
namespace {

using internal::FieldReader;
using internal::IndexPath;
using internal::Quote;
using internal::Shorten;
using internal::SubPath;
using internal::Suggest;
using internal::YamlNode;

using Keys = std::vector<std::string>;

const Keys kAppKeys = {"apiVersion",     "name",          "version",     "description", "homepage",
                       "parameters",     "command",       "environment", "resources",   "variants",
                       "defaultVariant", "architectures", "containers",  "inputs",      "outputs",
                       "performance",    "checkpoint",    "licenses",    "retries"};
const Keys kParameterKeys = {"type", "description", "default", "required", "min",
                             "max",  "pattern",     "values",  "absolute"};
const Keys kVariantKeys = {"name",      "description", "parallelism",  "command",
                           "resources", "environment", "architectures"};
const Keys kResourcesKeys = {"vcpus", "memory", "gpus", "nodes", "walltime"};
const Keys kBoundsKeys = {"default", "min", "max"};
const Keys kConditionalArgsKeys = {"if", "args"};
const Keys kConditionalEnvKeys = {"if", "value"};
const Keys kInputKeys = {"name", "description", "source", "destination", "if"};
const Keys kOutputKeys = {"name", "description", "path"};
const Keys kPerformanceKeys = {"parser"};
const Keys kCheckpointKeys = {"supported", "interval", "directory", "signal", "resume"};
const Keys kLicenseKeys = {"name", "type", "feature", "count", "server"};
const Keys kRetriesKeys = {"attempts", "onExitCodes"};

const Keys kParallelismNames = {"serial", "openmp", "mpi", "gpu"};
const Keys kLicenseTypeNames = {"flexlm", "rlm", "token"};
const Keys kSignalNames = {"SIGTERM", "SIGINT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGQUIT"};

constexpr std::int64_t kMaxCount = 1'000'000;  // bounds vcpus, gpus, nodes, licence counts

bool IsIdentifier(std::string_view s, bool allow_dash) {
  if (s.empty() || s.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s.front())) || s.front() == '_')) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (allow_dash && c == '-');
  });
}

// Reads one app.yaml tree. Parameters are read first: templates are checked against them.
class SpecReader {
 public:
  explicit SpecReader(const std::string& file) : r_(file) { spec_.file = file; }

  LoadResult Read(const YamlNode& root) {
    if (r_.CheckMapping(root, "", kAppKeys, {"apiVersion", "name", "version"})) ReadApp(root);
    LoadResult result;
    result.diagnostics = r_.TakeDiagnostics();
    if (result.diagnostics.empty()) result.spec = std::move(spec_);
    return result;
  }

  FieldReader& reader() { return r_; }

 private:
  void ReadApp(const YamlNode& root) {
    if (const YamlNode* n = FieldReader::Find(root, "apiVersion")) {
      if (auto v = r_.String(*n, "apiVersion")) {
        if (*v == kApiVersion) {
          spec_.api_version = *v;
        } else {
          r_.Error(*n, "apiVersion",
                   fmt::format("expected \"{}\"; got {}", kApiVersion, Quote(*v)));
        }
      }
    }
    if (const YamlNode* n = FieldReader::Find(root, "name")) {
      spec_.name = r_.Name(*n, "name").value_or("");
    }
    if (const YamlNode* n = FieldReader::Find(root, "version")) {
      spec_.version = r_.Line(*n, "version", 64).value_or("");
    }
    if (const YamlNode* n = FieldReader::Find(root, "description")) {
      spec_.description = r_.String(*n, "description").value_or("");
    }
    if (const YamlNode* n = FieldReader::Find(root, "homepage")) {
      if (auto v = r_.Line(*n, "homepage")) {
        if (v->starts_with("https://") || v->starts_with("http://")) {
          spec_.homepage = *v;
        } else {
          r_.Error(*n, "homepage",
                   fmt::format("expected an http:// or https:// URL; got {}", Quote(*v)));
        }
      }
    }
    if (const YamlNode* n = FieldReader::Find(root, "parameters")) ReadParameters(*n);
    if (const YamlNode* n = FieldReader::Find(root, "architectures")) {
      spec_.architectures = ReadArchitectures(*n, "architectures", {});
    }
    if (const YamlNode* n = FieldReader::Find(root, "command")) {
      has_top_command_ = true;
      spec_.command = ReadCommand(*n, "command");
    }
    if (const YamlNode* n = FieldReader::Find(root, "environment")) {
      spec_.environment = ReadEnvironment(*n, "environment");
    }
    if (const YamlNode* n = FieldReader::Find(root, "resources")) {
      spec_.resources = ReadResources(*n, "resources");
    }
    ReadVariants(root);
    if (const YamlNode* n = FieldReader::Find(root, "containers")) ReadContainers(*n);
    if (const YamlNode* n = FieldReader::Find(root, "inputs")) ReadInputs(*n);
    if (const YamlNode* n = FieldReader::Find(root, "outputs")) ReadOutputs(*n);
    if (const YamlNode* n = FieldReader::Find(root, "performance")) {
      if (r_.CheckMapping(*n, "performance", kPerformanceKeys, {"parser"})) {
        if (const YamlNode* p = FieldReader::Find(*n, "parser")) {
          spec_.performance_parser = r_.Name(*p, "performance.parser").value_or("");
        }
      }
    }
    if (const YamlNode* n = FieldReader::Find(root, "checkpoint")) ReadCheckpoint(*n);
    if (const YamlNode* n = FieldReader::Find(root, "licenses")) ReadLicenses(*n);
    if (const YamlNode* n = FieldReader::Find(root, "retries")) ReadRetries(*n);
  }

  // ---- parameters -------------------------------------------------------------------------

  void ReadParameters(const YamlNode& node) {
    if (!r_.CheckFreeMapping(node, "parameters")) return;
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < node.MapSize(); ++i) {
      const YamlNode& key = node.Key(i);
      if (!key.IsScalar() || !seen.insert(key.scalar).second) continue;
      const std::string path = SubPath("parameters", key.scalar);
      if (!IsIdentifier(key.scalar, true)) {
        r_.Error(key, "parameters",
                 fmt::format("expected a parameter name of letters, digits, '_' and '-' starting "
                             "with a letter or '_'; got {}",
                             Quote(key.scalar)));
        continue;
      }
      Parameter p;
      p.name = key.scalar;
      if (ReadParameter(node.Value(i), path, p)) spec_.parameters.push_back(std::move(p));
      // A parameter with errors is still known by name, so templates using it are not flagged.
      else
        broken_parameters_.insert(key.scalar);
    }
  }

  // Reads min or max of an int, float or duration parameter.
  std::optional<double> ReadBound(const YamlNode& node, const std::string& path, const Parameter& p,
                                  std::string& text) {
    if (!node.IsScalar()) {
      r_.Error(node, path, fmt::format("expected a scalar; got {}", KindDescription(node)));
      return std::nullopt;
    }
    Parameter unbounded;
    unbounded.type = p.type;
    Result<std::string> canonical = CanonicalizeValue(unbounded, node.scalar);
    if (!canonical.ok()) {
      r_.Error(node, path, canonical.status().message());
      return std::nullopt;
    }
    text = node.scalar;
    return std::stod(*canonical);
  }

  bool ReadParameter(const YamlNode& node, const std::string& path, Parameter& p) {
    if (!r_.CheckMapping(node, path, kParameterKeys, {"type"})) return false;
    const std::size_t errors_before = r_.ErrorCount();
    const YamlNode* type_node = FieldReader::Find(node, "type");
    if (type_node == nullptr) return false;
    const auto type = r_.Choice(*type_node, SubPath(path, "type"), ParamTypeNames());
    if (!type) return false;
    p.type = static_cast<ParamType>(*type);
    const bool numeric =
        p.type == ParamType::kInt || p.type == ParamType::kFloat || p.type == ParamType::kDuration;

    if (const YamlNode* n = FieldReader::Find(node, "description")) {
      p.description = r_.String(*n, SubPath(path, "description")).value_or("");
    }
    if (const YamlNode* n = FieldReader::Find(node, "required")) {
      p.required = r_.Bool(*n, SubPath(path, "required")).value_or(false);
    }
    for (const char* bound : {"min", "max"}) {
      const YamlNode* n = FieldReader::Find(node, bound);
      if (n == nullptr) continue;
      const std::string bound_path = SubPath(path, bound);
      if (!numeric) {
        r_.Error(*n, bound_path,
                 fmt::format("{} applies only to int, float and duration parameters, not {}", bound,
                             ParamTypeName(p.type)));
        continue;
      }
      std::string& text = std::string_view(bound) == "min" ? p.min_text : p.max_text;
      (std::string_view(bound) == "min" ? p.min : p.max) = ReadBound(*n, bound_path, p, text);
    }
    if (p.min && p.max && *p.min > *p.max) {
      r_.Error(*FieldReader::Find(node, "max"), SubPath(path, "max"),
               fmt::format("max {} is below min {}", p.max_text, p.min_text));
    }
    if (const YamlNode* n = FieldReader::Find(node, "pattern")) {
      const std::string pattern_path = SubPath(path, "pattern");
      if (p.type != ParamType::kString) {
        r_.Error(*n, pattern_path, "pattern applies only to string parameters");
      } else if (auto v = r_.Line(*n, pattern_path)) {
        try {
          std::regex re(*v, std::regex::ECMAScript);
          p.pattern = *v;
        } catch (const std::regex_error& e) {
          r_.Error(*n, pattern_path,
                   fmt::format("expected an ECMAScript regular expression; {} ({})", Quote(*v),
                               e.what()));
        }
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "values")) {
      ReadEnumValues(*n, SubPath(path, "values"), p);
    } else if (p.type == ParamType::kEnum) {
      r_.Error(node, SubPath(path, "values"),
               "missing required key (an enum needs its list of values)");
    }
    if (const YamlNode* n = FieldReader::Find(node, "absolute")) {
      if (p.type != ParamType::kPath) {
        r_.Error(*n, SubPath(path, "absolute"), "absolute applies only to path parameters");
      } else {
        p.allow_absolute = r_.Bool(*n, SubPath(path, "absolute")).value_or(false);
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "default")) {
      const std::string default_path = SubPath(path, "default");
      if (p.required) {
        r_.Error(*n, default_path, "a required parameter cannot have a default");
      } else if (p.type == ParamType::kEnum && p.values.empty()) {
        // Already reported: an enum without values accepts nothing.
      } else if (!n->IsScalar()) {
        r_.Error(
            *n, default_path,
            fmt::format("expected a {} value; got {}", ParamTypeName(p.type), KindDescription(*n)));
      } else {
        // Check against the constraints only when they are valid themselves; else the type.
        Parameter type_only;
        type_only.type = p.type;
        type_only.values = p.values;
        Result<std::string> canonical =
            CanonicalizeValue(r_.ErrorCount() == errors_before ? p : type_only, n->scalar);
        if (canonical.ok()) {
          p.default_value = *canonical;
        } else {
          r_.Error(*n, default_path, canonical.status().message());
        }
      }
    }
    return r_.ErrorCount() == errors_before;
  }

  void ReadEnumValues(const YamlNode& node, const std::string& path, Parameter& p) {
    if (p.type != ParamType::kEnum) {
      r_.Error(node, path, "values applies only to enum parameters");
      return;
    }
    if (!r_.CheckSequence(node, path)) return;
    if (node.children.empty()) r_.Error(node, path, "expected at least one value");
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      auto v = r_.Line(node.children[i], IndexPath(path, i), 256);
      if (!v) continue;
      if (std::find(p.values.begin(), p.values.end(), *v) != p.values.end()) {
        r_.Error(node.children[i], IndexPath(path, i),
                 fmt::format("duplicate value {}", Quote(*v)));
        continue;
      }
      p.values.push_back(*v);
    }
  }

  // ---- templates, command and environment ---------------------------------------------------

  // Checks a reference of a template; `condition` names the parameter of an enclosing `if`.
  void CheckReference(const YamlNode& at, const std::string& path, const std::string& ref,
                      const std::string& condition) {
    if (ref.starts_with("params.")) {
      const std::string name = ref.substr(7);
      if (broken_parameters_.count(name) > 0) return;
      const Parameter* p = spec_.FindParameter(name);
      if (p == nullptr) {
        std::string message =
            fmt::format("{{{{ {} }}}} refers to an unknown parameter", Shorten(ref));
        const std::string guess = Suggest(name, AllParameterNames());
        if (!guess.empty()) message += fmt::format(" (did you mean params.{}?)", guess);
        r_.Error(at, path, std::move(message));
      } else if (!p->AlwaysSet() && name != condition) {
        r_.Error(at, path,
                 fmt::format("{{{{ {} }}}} may be unset (the parameter is not required and has no "
                             "default); use it inside {{if: params.{}, ...}}",
                             ref, name));
      }
      return;
    }
    const auto& builtins = BuiltinReferences();
    if (std::find(builtins.begin(), builtins.end(), ref) != builtins.end()) return;
    std::string message = fmt::format(
        "unknown reference {{{{ {} }}}}; expected params.NAME or one "
        "of {}",
        Shorten(ref), JoinOr(builtins));
    const std::string guess = Suggest(ref, builtins);
    if (!guess.empty()) {
      message =
          fmt::format("unknown reference {{{{ {} }}}} (did you mean {}?)", Shorten(ref), guess);
    }
    r_.Error(at, path, std::move(message));
  }

  std::optional<Template> ReadTemplate(const YamlNode& node, const std::string& path,
                                       const std::string& condition) {
    auto text = r_.String(node, path);
    if (!text) return std::nullopt;
    if (text->find('\0') != std::string::npos) {
      r_.Error(node, path, "templates must not contain NUL bytes");
      return std::nullopt;
    }
    Result<Template> tmpl = ParseTemplate(*text);
    if (!tmpl.ok()) {
      r_.Error(node, path, tmpl.status().message());
      return std::nullopt;
    }
    for (const TemplatePart& part : tmpl->parts) {
      if (part.is_reference) CheckReference(node, path, part.text, condition);
    }
    return *std::move(tmpl);
  }

  // Names of all declared parameters, including those with errors (for suggestions).
  std::vector<std::string> AllParameterNames() const {
    std::vector<std::string> names = spec_.ParameterNames();
    names.insert(names.end(), broken_parameters_.begin(), broken_parameters_.end());
    return names;
  }

  // `if: params.NAME` -> NAME (the parameter must exist).
  std::string ReadCondition(const YamlNode& node, const std::string& path) {
    auto text = r_.String(node, path);
    if (!text) return "";
    if (!text->starts_with("params.")) {
      r_.Error(node, path, fmt::format("expected params.NAME; got {}", Quote(*text)));
      return "";
    }
    const std::string name = text->substr(7);
    if (spec_.FindParameter(name) == nullptr && broken_parameters_.count(name) == 0) {
      std::string message = fmt::format("params.{} is not a parameter", Shorten(name));
      const std::string guess = Suggest(name, AllParameterNames());
      if (!guess.empty()) message += fmt::format(" (did you mean params.{}?)", guess);
      r_.Error(node, path, std::move(message));
      return "";
    }
    return name;
  }

  std::vector<CommandElement> ReadCommand(const YamlNode& node, const std::string& path) {
    std::vector<CommandElement> out;
    if (!r_.CheckSequence(node, path)) return out;
    if (node.children.empty()) r_.Error(node, path, "expected at least one element");
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      const YamlNode& item = node.children[i];
      const std::string item_path = IndexPath(path, i);
      CommandElement element;
      if (item.IsScalar()) {
        if (auto t = ReadTemplate(item, item_path, "")) element.args.push_back(*std::move(t));
      } else if (item.IsMapping()) {
        if (!r_.CheckMapping(item, item_path, kConditionalArgsKeys, {"if", "args"})) continue;
        const YamlNode* cond = FieldReader::Find(item, "if");
        const YamlNode* args = FieldReader::Find(item, "args");
        if (cond == nullptr || args == nullptr) continue;
        element.condition = ReadCondition(*cond, SubPath(item_path, "if"));
        const std::string args_path = SubPath(item_path, "args");
        if (!r_.CheckSequence(*args, args_path)) continue;
        if (args->children.empty()) r_.Error(*args, args_path, "expected at least one element");
        for (std::size_t j = 0; j < args->children.size(); ++j) {
          auto t = ReadTemplate(args->children[j], IndexPath(args_path, j), element.condition);
          if (t) element.args.push_back(*std::move(t));
        }
      } else {
        r_.Error(item, item_path,
                 fmt::format("expected a string or a mapping {{if: params.NAME, args: [...]}}; "
                             "got {}",
                             KindDescription(item)));
      }
      out.push_back(std::move(element));
    }
    return out;
  }

  std::vector<EnvVar> ReadEnvironment(const YamlNode& node, const std::string& path) {
    std::vector<EnvVar> out;
    if (!r_.CheckFreeMapping(node, path)) return out;
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < node.MapSize(); ++i) {
      const YamlNode& key = node.Key(i);
      if (!key.IsScalar() || !seen.insert(key.scalar).second) continue;
      const std::string var_path = SubPath(path, key.scalar);
      if (!IsIdentifier(key.scalar, false)) {
        r_.Error(key, path,
                 fmt::format("expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*); "
                             "got {}",
                             Quote(key.scalar)));
        continue;
      }
      EnvVar var;
      var.name = key.scalar;
      const YamlNode& value = node.Value(i);
      if (value.IsMapping()) {
        if (!r_.CheckMapping(value, var_path, kConditionalEnvKeys, {"if", "value"})) continue;
        const YamlNode* cond = FieldReader::Find(value, "if");
        const YamlNode* text = FieldReader::Find(value, "value");
        if (cond == nullptr || text == nullptr) continue;
        var.condition = ReadCondition(*cond, SubPath(var_path, "if"));
        if (auto t = ReadTemplate(*text, SubPath(var_path, "value"), var.condition)) {
          var.value = *std::move(t);
        }
      } else if (auto t = ReadTemplate(value, var_path, "")) {
        var.value = *std::move(t);
      }
      out.push_back(std::move(var));
    }
    return out;
  }

  // ---- resources ----------------------------------------------------------------------------

  template <typename T, typename ReadOne>
  Bounded<T> ReadBounded(const YamlNode& node, const std::string& path, ReadOne read_one) {
    Bounded<T> out;
    if (!node.IsMapping()) {
      if (auto v = read_one(node, path)) out.value = static_cast<T>(*v);
      return out;
    }
    if (!r_.CheckMapping(node, path, kBoundsKeys)) return out;
    if (const YamlNode* n = FieldReader::Find(node, "default")) {
      if (auto v = read_one(*n, SubPath(path, "default"))) out.value = static_cast<T>(*v);
    }
    if (const YamlNode* n = FieldReader::Find(node, "min")) {
      if (auto v = read_one(*n, SubPath(path, "min"))) out.min = static_cast<T>(*v);
    }
    if (const YamlNode* n = FieldReader::Find(node, "max")) {
      if (auto v = read_one(*n, SubPath(path, "max"))) out.max = static_cast<T>(*v);
    }
    if (out.min && out.max && *out.min > *out.max) {
      r_.Error(*FieldReader::Find(node, "max"), SubPath(path, "max"),
               fmt::format("max {} is below min {}", *out.max, *out.min));
    } else if (out.value && out.min && *out.value < *out.min) {
      r_.Error(*FieldReader::Find(node, "default"), SubPath(path, "default"),
               "default is below min");
    } else if (out.value && out.max && *out.value > *out.max) {
      r_.Error(*FieldReader::Find(node, "default"), SubPath(path, "default"),
               "default is above max");
    }
    return out;
  }

  ResourceSpec ReadResources(const YamlNode& node, const std::string& path) {
    ResourceSpec out;
    if (!r_.CheckMapping(node, path, kResourcesKeys)) return out;
    const auto count = [this](std::int64_t min) {
      return [this, min](const YamlNode& n, const std::string& p) {
        return r_.Int(n, p, min, kMaxCount);
      };
    };
    const auto memory = [this](const YamlNode& n, const std::string& p) { return r_.Memory(n, p); };
    const auto duration = [this](const YamlNode& n, const std::string& p) {
      return r_.Duration(n, p);
    };
    if (const YamlNode* n = FieldReader::Find(node, "vcpus")) {
      out.vcpus = ReadBounded<int>(*n, SubPath(path, "vcpus"), count(1));
    }
    if (const YamlNode* n = FieldReader::Find(node, "memory")) {
      out.memory_mib = ReadBounded<std::int64_t>(*n, SubPath(path, "memory"), memory);
    }
    if (const YamlNode* n = FieldReader::Find(node, "gpus")) {
      out.gpus = ReadBounded<int>(*n, SubPath(path, "gpus"), count(0));
    }
    if (const YamlNode* n = FieldReader::Find(node, "nodes")) {
      out.nodes = ReadBounded<int>(*n, SubPath(path, "nodes"), count(1));
    }
    if (const YamlNode* n = FieldReader::Find(node, "walltime")) {
      out.walltime_seconds = ReadBounded<std::int64_t>(*n, SubPath(path, "walltime"), duration);
    }
    return out;
  }

  // ---- variants, architectures, containers ----------------------------------------------------

  std::vector<std::string> ReadArchitectures(const YamlNode& node, const std::string& path,
                                             const std::vector<std::string>& allowed) {
    std::vector<std::string> out;
    if (!r_.CheckSequence(node, path)) return out;
    if (node.children.empty()) r_.Error(node, path, "expected at least one architecture");
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      const YamlNode& item = node.children[i];
      const std::string item_path = IndexPath(path, i);
      const auto index = r_.Choice(item, item_path, KnownArchitectures());
      if (!index) continue;
      const std::string& arch = KnownArchitectures()[*index];
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), arch) == allowed.end()) {
        r_.Error(
            item, item_path,
            fmt::format("\"{}\" is not among the app's architectures ({})", arch, JoinOr(allowed)));
      } else if (std::find(out.begin(), out.end(), arch) != out.end()) {
        r_.Error(item, item_path, fmt::format("duplicate architecture \"{}\"", arch));
      } else {
        out.push_back(arch);
      }
    }
    return out;
  }

  void ReadVariants(const YamlNode& root) {
    const YamlNode* node = FieldReader::Find(root, "variants");
    if (node != nullptr && r_.CheckSequence(*node, "variants")) {
      if (node->children.empty()) r_.Error(*node, "variants", "expected at least one variant");
      for (std::size_t i = 0; i < node->children.size(); ++i) {
        ReadVariant(node->children[i], IndexPath("variants", i));
      }
    }
    if (node == nullptr) {
      Variant implicit;
      implicit.name = "default";
      spec_.variants.push_back(std::move(implicit));
      if (FieldReader::Find(root, "command") == nullptr) {
        r_.Error(root, "command", "missing required key");
      }
    }
    if (const YamlNode* n = FieldReader::Find(root, "defaultVariant")) {
      if (auto v = r_.String(*n, "defaultVariant")) {
        if (spec_.FindVariant(*v) != nullptr) {
          spec_.default_variant = *v;
        } else if (!spec_.variants.empty()) {
          std::string message =
              fmt::format("expected one of {}; got {}", JoinOr(spec_.VariantNames()), Quote(*v));
          r_.Error(*n, "defaultVariant", std::move(message));
        }
      }
    } else if (!spec_.variants.empty()) {
      spec_.default_variant = spec_.variants.front().name;
    }
    for (std::size_t i = 0; i < spec_.variants.size(); ++i) CheckVariantResources(root, i);
  }

  void ReadVariant(const YamlNode& node, const std::string& path) {
    if (!r_.CheckMapping(node, path, kVariantKeys, {"name", "parallelism"})) return;
    Variant v;
    if (const YamlNode* n = FieldReader::Find(node, "name")) {
      v.name = r_.Name(*n, SubPath(path, "name")).value_or("");
      if (!v.name.empty() && spec_.FindVariant(v.name) != nullptr) {
        r_.Error(*n, SubPath(path, "name"), fmt::format("duplicate variant name \"{}\"", v.name));
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "description")) {
      v.description = r_.String(*n, SubPath(path, "description")).value_or("");
    }
    if (const YamlNode* n = FieldReader::Find(node, "parallelism")) {
      if (auto index = r_.Choice(*n, SubPath(path, "parallelism"), kParallelismNames)) {
        v.parallelism = static_cast<Parallelism>(*index);
      }
    }
    if (const YamlNode* n = FieldReader::Find(node, "command")) {
      v.command = ReadCommand(*n, SubPath(path, "command"));
    } else if (!has_top_command_) {
      r_.Error(node, SubPath(path, "command"),
               "missing required key (there is no top-level command)");
    }
    if (const YamlNode* n = FieldReader::Find(node, "resources")) {
      v.resources = ReadResources(*n, SubPath(path, "resources"));
    }
    if (const YamlNode* n = FieldReader::Find(node, "environment")) {
      v.environment = ReadEnvironment(*n, SubPath(path, "environment"));
    }
    if (const YamlNode* n = FieldReader::Find(node, "architectures")) {
      v.architectures = ReadArchitectures(*n, SubPath(path, "architectures"), spec_.architectures);
    }
    variant_nodes_.push_back(&node);
    spec_.variants.push_back(std::move(v));
  }

  // Defaults must suit the variant's parallelism and lie within the limits.
  void CheckVariantResources(const YamlNode& root, std::size_t index) {
    const Variant& v = spec_.variants[index];
    const bool implicit = index >= variant_nodes_.size();
    const YamlNode& at = implicit ? root : *variant_nodes_[index];
    const std::string path = implicit ? "resources" : IndexPath("variants", index);
    const auto pick = [](const auto& variant_value, const auto& top_value, auto fallback) {
      return variant_value ? *variant_value : top_value ? *top_value : fallback;
    };
    const int nodes = pick(v.resources.nodes.value, spec_.resources.nodes.value, 1);
    const int gpus = pick(v.resources.gpus.value, spec_.resources.gpus.value, 0);
    if ((v.parallelism == Parallelism::kSerial || v.parallelism == Parallelism::kOpenMp) &&
        nodes != 1) {
      r_.Error(at, path,
               fmt::format("a {} variant runs on one node; got nodes {}",
                           ParallelismName(v.parallelism), nodes));
    }
    if (v.parallelism == Parallelism::kGpu && gpus < 1) {
      r_.Error(at, path, "a gpu variant needs resources.gpus >= 1");
    }
  }

  void ReadContainers(const YamlNode& node) {
    if (!r_.CheckFreeMapping(node, "containers")) return;
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < node.MapSize(); ++i) {
      const YamlNode& key = node.Key(i);
      if (!key.IsScalar() || !seen.insert(key.scalar).second) continue;
      const std::string path = SubPath("containers", key.scalar);
      const auto& known = KnownArchitectures();
      if (std::find(known.begin(), known.end(), key.scalar) == known.end()) {
        r_.Error(key, "containers",
                 fmt::format("expected an architecture (one of {}); got {}", JoinOr(known),
                             Quote(key.scalar)));
        continue;
      }
      if (!spec_.architectures.empty() &&
          std::find(spec_.architectures.begin(), spec_.architectures.end(), key.scalar) ==
              spec_.architectures.end()) {
        r_.Error(key, "containers",
                 fmt::format("\"{}\" is not among the app's architectures ({})", key.scalar,
                             JoinOr(spec_.architectures)));
        continue;
      }
      auto image = r_.Line(node.Value(i), path, 512);
      if (!image) continue;
      if (image->find(' ') != std::string::npos) {
        r_.Error(node.Value(i), path,
                 fmt::format("expected an image reference without spaces (e.g. "
                             "public.ecr.aws/hpc/lammps:2Aug2023); got {}",
                             Quote(*image)));
        continue;
      }
      spec_.containers.push_back(Container{key.scalar, *image});
    }
  }

  // ---- inputs, outputs, checkpoint, licences, retries ----------------------------------------

  void ReadInputs(const YamlNode& node) {
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

  void CheckLiteralSource(const YamlNode& at, const std::string& path, const std::string& source) {
    Status valid = source.starts_with("s3://") ? ValidateS3Uri(source) : ValidatePath(source, true);
    if (!valid.ok()) r_.Error(at, path, valid.message());
  }

  void ReadOutputs(const YamlNode& node) {
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

  void ReadCheckpoint(const YamlNode& node) {
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

  void ReadLicenses(const YamlNode& node) {
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

  void ReadRetries(const YamlNode& node) {
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

  FieldReader r_;
  AppSpec spec_;
  std::set<std::string, std::less<>> broken_parameters_;
  std::vector<const YamlNode*> variant_nodes_;
  bool has_top_command_ = false;
};

}  // namespace

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
  SpecReader reader(file_for_messages);
  return reader.Read(parsed.root);
}

LoadResult LoadAppSpecFile(const std::string& path) {
  namespace fs = std::filesystem;
  LoadResult result;
  const auto fail = [&](std::string message) {
    result.diagnostics.push_back(Diagnostic{path, 0, 0, "", std::move(message)});
    return result;
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) return fail(fmt::format("cannot read: {}", ec.message()));
  if (!fs::is_regular_file(status)) return fail("cannot read: not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read: open failed");
  // Read at most one byte more than the limit: enough to know the file is too big.
  std::string text(kMaxAppSpecBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
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
      {"app", "", kAppKeys},
      {"parameter", "/$defs/parameter", kParameterKeys},
      {"variant", "/$defs/variant", kVariantKeys},
      {"resources", "/$defs/resources", kResourcesKeys},
      {"countBounds", "/$defs/countBounds", kBoundsKeys},
      {"memoryBounds", "/$defs/memoryBounds", kBoundsKeys},
      {"durationBounds", "/$defs/durationBounds", kBoundsKeys},
      {"conditionalArgs", "/$defs/conditionalArgs", kConditionalArgsKeys},
      {"conditionalEnv", "/$defs/conditionalEnv", kConditionalEnvKeys},
      {"input", "/$defs/input", kInputKeys},
      {"output", "/$defs/output", kOutputKeys},
      {"performance", "/$defs/performance", kPerformanceKeys},
      {"checkpoint", "/$defs/checkpoint", kCheckpointKeys},
      {"license", "/$defs/license", kLicenseKeys},
      {"retries", "/$defs/retries", kRetriesKeys},
  };
  return kTables;
}

}  // namespace awshpc::spec
