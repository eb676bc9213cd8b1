// File: read_commands.cpp
// SpecReader: templates and their references, `if:` conditions, `command` and `environment`.
#include "spec_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "awshpc/core/text.hpp"
#include "awshpc/spec/param_types.hpp"
#include "awshpc/spec/template.hpp"
#include "suggest.hpp"

namespace awshpc::spec::internal {

// Checks a reference of a template; `condition` names the parameter of an enclosing `if`.
void SpecReader::CheckReference(const YamlNode& at, const std::string& path, const std::string& ref,
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
    message = fmt::format("unknown reference {{{{ {} }}}} (did you mean {}?)", Shorten(ref), guess);
  }
  r_.Error(at, path, std::move(message));
}

std::optional<Template> SpecReader::ReadTemplate(const YamlNode& node, const std::string& path,
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
std::vector<std::string> SpecReader::AllParameterNames() const {
  std::vector<std::string> names = spec_.ParameterNames();
  names.insert(names.end(), broken_parameters_.begin(), broken_parameters_.end());
  return names;
}

// `if: params.NAME` -> NAME (the parameter must exist).
std::string SpecReader::ReadCondition(const YamlNode& node, const std::string& path) {
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

std::vector<CommandElement> SpecReader::ReadCommand(const YamlNode& node, const std::string& path) {
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

std::vector<EnvVar> SpecReader::ReadEnvironment(const YamlNode& node, const std::string& path) {
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

}  // namespace awshpc::spec::internal
