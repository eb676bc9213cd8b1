// File: catalog.cpp
// Loading and validating the architecture catalog, and its lookups: by name, by instance type,
// and compiler flags by compiler version.
#include "awshpc/arch/catalog.hpp"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "awshpc/core/text.hpp"

namespace awshpc::arch {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads one YAML document into the catalog, reporting the first problem with its line.
class Reader {
 public:
  explicit Reader(std::string_view origin) : origin_(origin) {}

  Status Error(const YAML::Node& node, const std::string& message) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return InvalidArgumentError(fmt::format("{}: {}", origin_, message));
    return InvalidArgumentError(
        fmt::format("{}:{}:{}: {}", origin_, mark.line + 1, mark.column + 1, message));
  }

  Status CheckKeys(const YAML::Node& map, const std::string& where,
                   const std::vector<std::string>& allowed) const {
    if (!map.IsMap()) return Error(map, where + ": expected a mapping");
    for (const auto& item : map) {
      const std::string key = item.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        const std::string near = ClosestMatch(key, allowed);
        return Error(item.first, fmt::format("{}: unknown key \"{}\"{}", where, key,
                                             near.empty() ? "" : " (did you mean " + near + "?)"));
      }
    }
    return Status::Ok();
  }

  Result<std::string> String(const YAML::Node& map, const std::string& key,
                             const std::string& where, bool required) const {
    const YAML::Node node = map[key];
    if (!node) {
      if (required) return Error(map, fmt::format("{}: missing \"{}\"", where, key));
      return std::string();
    }
    if (!node.IsScalar()) return Error(node, fmt::format("{}.{}: expected a string", where, key));
    return node.as<std::string>();
  }

  Result<std::vector<std::string>> Strings(const YAML::Node& map, const std::string& key,
                                           const std::string& where) const {
    std::vector<std::string> out;
    const YAML::Node node = map[key];
    if (!node) return out;
    if (!node.IsSequence()) return Error(node, fmt::format("{}.{}: expected a list", where, key));
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        return Error(item, fmt::format("{}.{}: expected strings", where, key));
      }
      out.push_back(item.as<std::string>());
    }
    return out;
  }

  Result<int> Int(const YAML::Node& node, const std::string& where) const {
    if (!node.IsScalar()) return Error(node, where + ": expected a number");
    const std::string text = node.as<std::string>();
    int value = 0;
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char* begin = text.data() + (hex ? 2 : 0);
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value, hex ? 16 : 10);
    if (ec != std::errc() || ptr != end || begin == end || value < 0) {
      return Error(node, fmt::format("{}: \"{}\" is not a number", where, text));
    }
    return value;
  }

  // "0x10-0x1f" or "0x55".
  Result<std::pair<int, int>> Range(const YAML::Node& node, const std::string& where) const {
    if (!node.IsScalar()) return Error(node, where + ": expected a range like 0x10-0x1f");
    const std::string text = node.as<std::string>();
    const std::size_t dash = text.find('-');
    auto low = Int(YAML::Node(text.substr(0, dash)), where);
    if (!low.ok()) return Error(node, where + ": bad range " + text);
    const int first = *low;
    int last = first;
    if (dash != std::string::npos) {
      YAML::Node high = YAML::Node(text.substr(dash + 1));
      auto parsed = Int(high, where);
      if (!parsed.ok()) return Error(node, where + ": bad range " + text);
      last = *parsed;
    }
    if (last < first) return Error(node, where + ": empty range " + text);
    return std::make_pair(first, last);
  }

  Result<Microarchitecture> Target(const YAML::Node& node) const {
    Microarchitecture t;
    if (!node.IsMap()) return Error(node, "targets: each entry must be a mapping");
    ASSIGN_OR_RETURN(t.name, String(node, "name", "target", true));
    const std::string where = "target " + t.name;
    RETURN_IF_ERROR(CheckKeys(
        node, where,
        {"name", "aliases", "kind", "vendor", "isa", "parent", "level", "description", "features",
         "instance_families", "instance_types", "compilers", "detect", "sources"}));
    ASSIGN_OR_RETURN(t.aliases, Strings(node, "aliases", where));
    ASSIGN_OR_RETURN(const std::string kind, String(node, "kind", where, true));
    if (kind == "cpu") {
      t.kind = TargetKind::kCpu;
    } else if (kind == "generic") {
      t.kind = TargetKind::kGeneric;
    } else if (kind == "gpu") {
      t.kind = TargetKind::kGpu;
    } else {
      return Error(node["kind"], where + ": kind must be cpu, generic or gpu");
    }
    ASSIGN_OR_RETURN(t.vendor, String(node, "vendor", where, true));
    ASSIGN_OR_RETURN(t.isa, String(node, "isa", where, true));
    if (t.isa != "x86_64" && t.isa != "aarch64" && t.isa != "any") {
      return Error(node["isa"], where + ": isa must be x86_64, aarch64 or any");
    }
    if ((t.isa == "any") != (t.kind == TargetKind::kGpu)) {
      return Error(node["isa"], where + ": isa \"any\" is for gpu targets only");
    }
    ASSIGN_OR_RETURN(t.parent, String(node, "parent", where, false));
    ASSIGN_OR_RETURN(t.level, String(node, "level", where, t.kind != TargetKind::kGpu));
    ASSIGN_OR_RETURN(t.description, String(node, "description", where, true));
    ASSIGN_OR_RETURN(t.features, Strings(node, "features", where));
    ASSIGN_OR_RETURN(t.instance_families, Strings(node, "instance_families", where));
    ASSIGN_OR_RETURN(t.instance_types, Strings(node, "instance_types", where));
    ASSIGN_OR_RETURN(t.sources, Strings(node, "sources", where));
    if (t.sources.empty()) return Error(node, where + ": every target needs sources");

    if (const YAML::Node compilers = node["compilers"]) {
      if (!compilers.IsMap()) return Error(compilers, where + ".compilers: expected a mapping");
      for (const auto& item : compilers) {
        const std::string compiler = item.first.as<std::string>();
        const std::string cwhere = where + ".compilers." + compiler;
        if (!item.second.IsSequence() || item.second.size() == 0) {
          return Error(item.second, cwhere + ": expected a non-empty list");
        }
        std::vector<CompilerFlags> lines;
        for (const auto& line : item.second) {
          RETURN_IF_ERROR(CheckKeys(line, cwhere, {"min_version", "max_version", "flags", "note"}));
          CompilerFlags flags;
          ASSIGN_OR_RETURN(flags.min_version, String(line, "min_version", cwhere, true));
          ASSIGN_OR_RETURN(flags.max_version, String(line, "max_version", cwhere, false));
          ASSIGN_OR_RETURN(flags.flags, String(line, "flags", cwhere, true));
          ASSIGN_OR_RETURN(flags.note, String(line, "note", cwhere, false));
          auto min = ParseVersion(flags.min_version);
          if (!min.ok()) return Error(line, cwhere + ": " + min.status().message());
          if (!flags.max_version.empty()) {
            auto max = ParseVersion(flags.max_version);
            if (!max.ok()) return Error(line, cwhere + ": " + max.status().message());
            if (!VersionWithin(*min, *max)) {
              return Error(line, cwhere + ": max_version is below min_version");
            }
          }
          if (flags.flags.empty() || flags.flags.front() != '-') {
            return Error(line, cwhere + ": flags must start with '-'");
          }
          if (!lines.empty() &&
              CompareVersions(*ParseVersion(lines.back().min_version), *min) < 0) {
            return Error(line, cwhere + ": lines must be ordered newest min_version first");
          }
          lines.push_back(std::move(flags));
        }
        t.compilers[compiler] = std::move(lines);
      }
    }

    const YAML::Node detect = node["detect"];
    if (detect && t.kind != TargetKind::kCpu) {
      return Error(detect, where + ": only cpu targets have detect");
    }
    if (!detect && t.kind == TargetKind::kCpu) {
      return Error(node, where + ": cpu targets need detect");
    }
    if (detect) {
      const std::string dwhere = where + ".detect";
      RETURN_IF_ERROR(CheckKeys(detect, dwhere, {"vendor_id", "cpuid", "implementer", "parts"}));
      if (t.isa == "x86_64") {
        ASSIGN_OR_RETURN(t.detect_vendor_id, String(detect, "vendor_id", dwhere, true));
        const YAML::Node cpuid = detect["cpuid"];
        if (!cpuid || !cpuid.IsSequence() || cpuid.size() == 0) {
          return Error(detect, dwhere + ": x86 targets need a cpuid list");
        }
        for (const auto& sig : cpuid) {
          RETURN_IF_ERROR(CheckKeys(sig, dwhere + ".cpuid", {"family", "models", "steppings"}));
          CpuidMatch match;
          if (!sig["family"]) return Error(sig, dwhere + ".cpuid: missing family");
          ASSIGN_OR_RETURN(match.family, Int(sig["family"], dwhere + ".cpuid.family"));
          if (!sig["models"] || !sig["models"].IsSequence()) {
            return Error(sig, dwhere + ".cpuid: missing models");
          }
          for (const auto& range : sig["models"]) {
            ASSIGN_OR_RETURN(auto models, Range(range, dwhere + ".cpuid.models"));
            match.models.push_back(models);
          }
          if (sig["steppings"]) {
            ASSIGN_OR_RETURN(auto steppings, Range(sig["steppings"], dwhere + ".cpuid.steppings"));
            match.stepping_min = steppings.first;
            match.stepping_max = steppings.second;
          }
          t.cpuid.push_back(std::move(match));
        }
      } else {
        if (!detect["implementer"]) return Error(detect, dwhere + ": missing implementer");
        ASSIGN_OR_RETURN(t.arm_implementer, Int(detect["implementer"], dwhere + ".implementer"));
        if (!detect["parts"] || !detect["parts"].IsSequence()) {
          return Error(detect, dwhere + ": missing parts");
        }
        for (const auto& part : detect["parts"]) {
          ASSIGN_OR_RETURN(const int value, Int(part, dwhere + ".parts"));
          t.arm_parts.push_back(value);
        }
      }
    }
    return t;
  }

 private:
  std::string origin_;
};

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool InRange(const std::vector<int>& version, const CompilerFlags& line) {
  const auto min = ParseVersion(line.min_version);
  if (!min.ok() || CompareVersions(version, *min) < 0) return false;
  if (line.max_version.empty()) return true;
  const auto max = ParseVersion(line.max_version);
  return max.ok() && VersionWithin(version, *max);
}

std::string CanonicalCompiler(std::string_view name) {
  const std::string lower = Lower(name);
  if (lower == "g++" || lower == "gnu" || lower == "gfortran") return "gcc";
  if (lower == "clang++" || lower == "llvm") return "clang";
  if (lower == "nvc" || lower == "nvc++" || lower == "nvfortran") return "nvhpc";
  return lower;
}

}  // namespace

std::string_view TargetKindName(TargetKind kind) {
  switch (kind) {
    case TargetKind::kGeneric:
      return "generic";
    case TargetKind::kCpu:
      return "cpu";
    case TargetKind::kGpu:
      return "gpu";
  }
  return "?";
}

Result<std::vector<int>> ParseVersion(std::string_view text) {
  std::vector<int> out;
  if (text.empty()) return InvalidArgumentError("empty version");
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view part =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    int value = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || value < 0 ||
        out.size() >= 4) {
      return InvalidArgumentError(fmt::format(
          "version {}: expected numbers separated by dots, like 12.2", QuoteForMessage(text)));
    }
    out.push_back(value);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

int CompareVersions(const std::vector<int>& a, const std::vector<int>& b) {
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const int x = i < a.size() ? a[i] : 0;
    const int y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool VersionWithin(const std::vector<int>& version, const std::vector<int>& max) {
  std::vector<int> prefix(version.begin(), version.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                 version.size(), max.size())));
  return CompareVersions(prefix, max) <= 0;
}

std::vector<std::string> SplitFlags(std::string_view flags) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < flags.size()) {
    while (i < flags.size() && flags[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < flags.size() && flags[i] != ' ') ++i;
    if (i > start) out.emplace_back(flags.substr(start, i - start));
  }
  return out;
}

Result<InstanceTypeName> ParseInstanceType(std::string_view text) {
  const std::string lower = Lower(text);
  const auto bad = [&] {
    return InvalidArgumentError(
        fmt::format("instance type {}: expected FAMILY.SIZE like c7g.16xlarge (or a family "
                    "like c7g)",
                    QuoteForMessage(text)));
  };
  if (lower.empty() || lower.size() > 64) return bad();
  for (char c : lower) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return bad();
  }
  InstanceTypeName out;
  const std::size_t dot = lower.find('.');
  out.family = lower.substr(0, dot);
  if (dot != std::string::npos) {
    out.size = lower.substr(dot + 1);
    if (out.size.empty() || out.size.find('.') != std::string::npos) return bad();
  }
  std::size_t i = 0;
  while (i < out.family.size() && out.family[i] >= 'a' && out.family[i] <= 'z') ++i;
  out.series = out.family.substr(0, i);
  if (out.series.empty()) return bad();
  if (i < out.family.size() && out.family[i] == '-') {
    // "u-6tb1": a series without a generation.
    out.attributes = out.family.substr(i);
    if (out.attributes.size() < 2) return bad();
    return out;
  }
  const std::size_t digits = i;
  while (i < out.family.size() && out.family[i] >= '0' && out.family[i] <= '9') ++i;
  if (i == digits || i - digits > 2) return bad();
  out.generation = std::stoi(out.family.substr(digits, i - digits));
  out.attributes = out.family.substr(i);
  if (!out.attributes.empty() && (out.attributes.front() == '-' || out.attributes.back() == '-' ||
                                  out.attributes.find("--") != std::string::npos)) {
    return bad();
  }
  return out;
}

Result<Catalog> Catalog::Parse(std::string_view yaml_text, std::string_view origin) {
  Reader reader(origin);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(
        fmt::format("{}:{}:{}: {}", origin, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  Catalog catalog;
  try {
    RETURN_IF_ERROR(reader.CheckKeys(root, "catalog", {"targets", "sources"}));
    const YAML::Node sources = root["sources"];
    if (!sources || !sources.IsSequence()) {
      return reader.Error(root, "catalog: missing the sources list");
    }
    for (const auto& node : sources) {
      RETURN_IF_ERROR(reader.CheckKeys(node, "source", {"id", "title", "url"}));
      Source source;
      ASSIGN_OR_RETURN(source.id, reader.String(node, "id", "source", true));
      ASSIGN_OR_RETURN(source.title, reader.String(node, "title", "source " + source.id, true));
      ASSIGN_OR_RETURN(source.url, reader.String(node, "url", "source " + source.id, true));
      if (catalog.FindSource(source.id)) {
        return reader.Error(node, "source " + source.id + " is listed twice");
      }
      catalog.sources_.push_back(std::move(source));
    }
    const YAML::Node targets = root["targets"];
    if (!targets || !targets.IsSequence() || targets.size() == 0) {
      return reader.Error(root, "catalog: missing the targets list");
    }
    std::set<std::string> names;
    std::set<std::string> families;
    std::set<std::string> types;
    for (const auto& node : targets) {
      ASSIGN_OR_RETURN(Microarchitecture target, reader.Target(node));
      const std::string where = "target " + target.name;
      if (!ValidName(target.name)) {
        return reader.Error(node, where + ": names are lower-case letters, digits and _");
      }
      std::vector<std::string> all_names = target.aliases;
      all_names.push_back(target.name);
      for (const std::string& name : all_names) {
        if (!names.insert(Lower(name)).second) {
          return reader.Error(node, where + ": name or alias \"" + name + "\" is used twice");
        }
      }
      for (const std::string& id : target.sources) {
        if (!catalog.FindSource(id)) {
          return reader.Error(node, where + ": unknown source \"" + id + "\"");
        }
      }
      for (const std::string& family : target.instance_families) {
        auto parsed = ParseInstanceType(family);
        if (!parsed.ok() || !parsed->size.empty()) {
          return reader.Error(node, where + ": bad instance family \"" + family + "\"");
        }
        if (target.kind == TargetKind::kCpu && !families.insert(family).second) {
          return reader.Error(node, where + ": instance family " + family +
                                        " belongs to two cpu targets; list single sizes under "
                                        "instance_types instead");
        }
      }
      for (const std::string& type : target.instance_types) {
        auto parsed = ParseInstanceType(type);
        if (!parsed.ok() || parsed->size.empty() || !types.insert(type).second) {
          return reader.Error(node, where + ": bad or repeated instance type \"" + type + "\"");
        }
      }
      catalog.targets_.push_back(std::move(target));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(
        fmt::format("{}:{}:{}: {}", origin, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  // Parents: exist, same ISA, no cycles.
  for (const Microarchitecture& target : catalog.targets_) {
    if (target.parent.empty()) continue;
    auto parent = catalog.Find(target.parent);
    if (!parent.ok() || (*parent)->name != target.parent) {
      return InvalidArgumentError(fmt::format("{}: target {}: parent {} is not a target", origin,
                                              target.name, target.parent));
    }
    if ((*parent)->isa != target.isa) {
      return InvalidArgumentError(fmt::format("{}: target {}: parent {} has another isa", origin,
                                              target.name, target.parent));
    }
    std::set<std::string> seen;
    for (const Microarchitecture* t = &target; t && !t->parent.empty();) {
      if (!seen.insert(t->name).second) {
        return InvalidArgumentError(
            fmt::format("{}: target {}: its parents form a cycle", origin, target.name));
      }
      auto next = catalog.Find(t->parent);
      t = next.ok() ? *next : nullptr;
    }
  }
  return catalog;
}

Result<const Catalog*> Catalog::Builtin() {
  static const Result<Catalog> kCatalog =
      Parse(BuiltinCatalogYaml(), "data/arch/microarchitectures.yaml");
  if (!kCatalog.ok()) return kCatalog.status();
  return &*kCatalog;
}

const Source* Catalog::FindSource(std::string_view id) const {
  for (const Source& source : sources_) {
    if (source.id == id) return &source;
  }
  return nullptr;
}

Result<const Microarchitecture*> Catalog::Find(std::string_view name) const {
  const std::string lower = Lower(name);
  for (const Microarchitecture& target : targets_) {
    if (target.name == lower) return &target;
    for (const std::string& alias : target.aliases) {
      if (Lower(alias) == lower) return &target;
    }
  }
  std::vector<std::string> candidates;
  for (const Microarchitecture& target : targets_) {
    candidates.push_back(target.name);
    for (const std::string& alias : target.aliases) candidates.push_back(alias);
  }
  const std::string near = ClosestMatch(lower, candidates);
  return NotFoundError(fmt::format("no architecture named {}{}", QuoteForMessage(name),
                                   near.empty() ? "" : " (did you mean " + near + "?)"));
}

std::vector<const Microarchitecture*> Catalog::Ancestry(const Microarchitecture& target) const {
  std::vector<const Microarchitecture*> out;
  for (const Microarchitecture* t = &target; t && out.size() < targets_.size();) {
    out.push_back(t);
    if (t->parent.empty()) break;
    auto next = Find(t->parent);
    t = next.ok() ? *next : nullptr;
  }
  return out;
}

bool Catalog::IsAncestor(const Microarchitecture& ancestor, const Microarchitecture& target) const {
  for (const Microarchitecture* t : Ancestry(target)) {
    if (t == &ancestor) return true;
  }
  return false;
}

std::vector<std::string> Catalog::Compilers() const {
  std::set<std::string> names;
  for (const Microarchitecture& target : targets_) {
    for (const auto& [compiler, lines] : target.compilers) names.insert(compiler);
  }
  return {names.begin(), names.end()};
}

Result<FlagChoice> Catalog::FlagsFor(std::string_view target_name, std::string_view compiler_name,
                                     std::string_view version_text) const {
  ASSIGN_OR_RETURN(const Microarchitecture* target, Find(target_name));
  if (target->kind == TargetKind::kGpu) {
    return FailedPreconditionError(
        fmt::format("{} is a GPU pseudo-target: it has no CPU compiler flags; use the flags of the "
                    "instance's CPU target",
                    target->name));
  }
  const std::string compiler = CanonicalCompiler(compiler_name);
  const std::vector<std::string> known = Compilers();
  if (std::find(known.begin(), known.end(), compiler) == known.end()) {
    const std::string near = ClosestMatch(compiler, known);
    return InvalidArgumentError(fmt::format("unknown compiler {}: expected {}{}",
                                            QuoteForMessage(compiler_name), JoinOr(known),
                                            near.empty() ? "" : " (did you mean " + near + "?)"));
  }
  ASSIGN_OR_RETURN(const std::vector<int> version, ParseVersion(version_text));

  FlagChoice choice;
  choice.target = target->name;
  choice.compiler = compiler;
  choice.version = std::string(version_text);
  if (auto own = target->compilers.find(compiler); own != target->compilers.end()) {
    choice.best_flags = own->second.front().flags;
    choice.best_min_version = own->second.front().min_version;
  }
  for (const Microarchitecture* t : Ancestry(*target)) {
    const auto lines = t->compilers.find(compiler);
    if (lines == t->compilers.end()) continue;
    for (std::size_t i = 0; i < lines->second.size(); ++i) {
      const CompilerFlags& line = lines->second[i];
      if (!InRange(version, line)) continue;
      choice.flags_from = t->name;
      choice.flags = line.flags;
      choice.entry = line;
      choice.fallback = t != target || i > 0;
      if (t != target) {
        choice.note = choice.best_flags.empty()
                          ? fmt::format("the catalog has no {} flags for {}; using {}'s", compiler,
                                        target->name, t->name)
                          : fmt::format("{} {} does not know {} (its flags need {} {}); using {}'s",
                                        compiler, version_text, target->name, compiler,
                                        choice.best_min_version, t->name);
      } else if (i > 0) {
        choice.note = line.note.empty()
                          ? fmt::format("the best {} flags for {} need {} {}", compiler,
                                        target->name, compiler, choice.best_min_version)
                          : line.note;
      }
      return choice;
    }
  }
  return FailedPreconditionError(fmt::format("{} {} knows no flags for {} or its ancestors",
                                             compiler, version_text, target->name));
}

Result<InstanceMatch> Catalog::ForInstanceType(std::string_view instance_type) const {
  ASSIGN_OR_RETURN(const InstanceTypeName name, ParseInstanceType(instance_type));
  InstanceMatch match;
  match.instance_type = Lower(instance_type);
  match.family = name.family;
  match.size = name.size;
  const auto has = [](const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  };
  // A family like u7i-12tb is looked up as u7i when u7i-12tb itself is not listed.
  std::vector<std::string> keys = {name.family};
  if (const std::size_t dash = name.family.find('-', 1);
      dash != std::string::npos && name.generation >= 0) {
    keys.push_back(name.family.substr(0, dash));
  }
  for (const Microarchitecture& target : targets_) {
    if (target.kind == TargetKind::kGpu) {
      for (const std::string& key : keys) {
        if (has(target.instance_families, key)) match.gpu = target.name;
      }
      continue;
    }
    if (!match.size.empty() && has(target.instance_types, match.instance_type)) {
      match.target = &target;
    }
  }
  for (const std::string& key : keys) {
    for (const Microarchitecture& target : targets_) {
      if (target.kind == TargetKind::kGpu) continue;
      if (has(target.instance_families, key)) {
        match.family = key;
        if (!match.target) match.target = &target;
      }
    }
    if (match.target) break;
  }
  if (!match.target) {
    std::vector<std::string> all;
    for (const Microarchitecture& target : targets_) {
      all.insert(all.end(), target.instance_families.begin(), target.instance_families.end());
    }
    const std::string near = ClosestMatch(name.family, all);
    return NotFoundError(fmt::format("instance family {} is not in the architecture catalog{}",
                                     QuoteForMessage(name.family),
                                     near.empty() ? "" : " (did you mean " + near + "?)"));
  }
  // Sizes of this family that other targets claim (c5.12xlarge is Cascade Lake only).
  for (const Microarchitecture& target : targets_) {
    if (&target == match.target) continue;
    for (const std::string& type : target.instance_types) {
      if (type.substr(0, type.find('.')) == match.family && !has(match.possible, target.name)) {
        match.possible.push_back(target.name);
      }
    }
  }
  if (!match.possible.empty()) {
    std::vector<std::string> sizes;
    for (const std::string& other : match.possible) {
      for (const std::string& type : (*Find(other))->instance_types) {
        if (type.substr(0, type.find('.')) == match.family) sizes.push_back(type);
      }
    }
    std::string joined;
    for (const std::string& size : sizes) joined += (joined.empty() ? "" : ", ") + size;
    match.note = fmt::format(
        "{} sizes run on {} or {} hosts, so they map to {}, whose code runs "
        "on both; {} {} {} only",
        match.family, match.target->name, fmt::format("{}", fmt::join(match.possible, " or ")),
        match.target->name, joined, sizes.size() == 1 ? "is" : "are",
        fmt::format("{}", fmt::join(match.possible, "/")));
  } else if (!match.size.empty()) {
    const Microarchitecture* claimed = nullptr;
    for (const Microarchitecture& target : targets_) {
      if (has(target.instance_types, match.instance_type)) claimed = &target;
    }
    if (claimed && claimed == match.target) {
      // Found through instance_types: say the family is mixed.
      for (const Microarchitecture& target : targets_) {
        if (has(target.instance_families, match.family) && &target != claimed) {
          match.note = fmt::format("{} is a {} host; other {} sizes may be {}", match.instance_type,
                                   claimed->name, match.family, target.name);
        }
      }
    }
  }
  return match;
}

}  // namespace awshpc::arch
