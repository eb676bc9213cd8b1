// File: stacks.cpp
// Stack names, queue naming, the instance types of each architecture family (from the arch
// catalog) and what an app stack needs of an app.yaml.
#include "awshpc/infra/stacks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "cfn.hpp"

namespace awshpc::infra {

namespace cfn {

Json TagMap(const PlatformConfig& config, const std::map<std::string, std::string>& extra) {
  Json tags = Json::object();
  for (const auto& [key, value] : config.tags) tags[key] = value;
  tags[std::string(kTagPlatform)] = config.name;
  for (const auto& [key, value] : extra) tags[key] = value;
  return tags;
}

Json TagList(const PlatformConfig& config, const std::map<std::string, std::string>& extra) {
  Json list = Json::array();
  const Json tags = TagMap(config, extra);
  for (const auto& [key, value] : tags.items()) {
    list.push_back(Json{{"Key", key}, {"Value", value}});
  }
  return list;
}

Json NewTemplate(std::string_view description) {
  Json t = Json::object();
  t["AWSTemplateFormatVersion"] = "2010-09-09";
  t["Description"] = description;
  return t;
}

}  // namespace cfn

std::string StackRef::Id() const {
  switch (kind) {
    case StackKind::kCore:
      return "core";
    case StackKind::kCompute:
      return "compute";
    case StackKind::kStorage:
      return "storage";
    case StackKind::kApp:
      return "app:" + app;
  }
  return "";
}

Result<StackRef> ParseStackRef(std::string_view text) {
  if (text == "core") return StackRef{StackKind::kCore, ""};
  if (text == "compute") return StackRef{StackKind::kCompute, ""};
  if (text == "storage") return StackRef{StackKind::kStorage, ""};
  if (text.starts_with("app:")) {
    const std::string_view app = text.substr(4);
    const bool valid = !app.empty() && std::islower(static_cast<unsigned char>(app[0])) &&
                       std::all_of(app.begin(), app.end(), [](char c) {
                         return std::islower(static_cast<unsigned char>(c)) ||
                                std::isdigit(static_cast<unsigned char>(c)) || c == '-';
                       });
    if (valid) return StackRef{StackKind::kApp, std::string(app)};
  }
  return InvalidArgumentError(
      fmt::format("unknown stack \"{}\"; expected core, compute, storage, app:NAME or all", text));
}

std::string StackName(const PlatformConfig& config, const StackRef& stack) {
  if (stack.kind == StackKind::kApp) return fmt::format("{}-app-{}", config.name, stack.app);
  return fmt::format("{}-{}", config.name, stack.Id());
}

std::vector<StackRef> AllStacks(const PlatformConfig& config) {
  // Storage before compute: the launch templates import the file systems' exported ids.
  std::vector<StackRef> stacks = {{StackKind::kCore, ""}};
  if (config.storage.fsx.enabled || config.storage.efs) stacks.push_back({StackKind::kStorage, ""});
  stacks.push_back({StackKind::kCompute, ""});
  for (const std::string& app : config.apps) stacks.push_back({StackKind::kApp, app});
  return stacks;
}

std::string_view PurchaseName(bool spot) { return spot ? "spot" : "ondemand"; }

std::string QueueName(const PlatformConfig& config, std::string_view family, bool spot) {
  return fmt::format("{}-{}-{}", config.name, family, PurchaseName(spot));
}

std::string CamelCase(std::string_view text) {
  std::string out;
  bool upper = true;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string QueueOutputKey(std::string_view family, bool spot, std::string_view suffix) {
  return fmt::format("Queue{}{}{}", CamelCase(family), CamelCase(PurchaseName(spot)), suffix);
}

namespace {

// Does a catalog target belong to an architecture family?
bool TargetInFamily(const arch::Microarchitecture& target, std::string_view family) {
  if (family == "gpu") return target.kind == arch::TargetKind::kGpu;
  if (target.kind != arch::TargetKind::kCpu) return false;
  if (family == "x86_64-amd") return target.vendor == "AuthenticAMD";
  if (family == "x86_64-intel") return target.vendor == "GenuineIntel";
  if (family == "arm64-graviton") return target.vendor == "AWS";
  return false;
}

std::string FamilyIsa(std::string_view family) {
  return family == "arm64-graviton" ? "aarch64" : "x86_64";
}

}  // namespace

Result<std::vector<std::string>> InstanceTypesFor(const FamilyConfig& family,
                                                  const arch::Catalog& catalog) {
  const std::string field = fmt::format("compute.families.{}", family.name);
  std::vector<std::string> types;
  if (!family.instance_types.empty()) {
    // Every type must run the family's ISA: Batch cannot mix x86 and Arm in one environment.
    for (const std::string& type : family.instance_types) {
      auto match = catalog.ForInstanceType(type);
      if (!match.ok() || match->target == nullptr) {
        return InvalidArgumentError(fmt::format(
            "{}.instance_types: {} is not in the architecture catalog, so its CPU is unknown",
            field, type));
      }
      if (match->target->isa != FamilyIsa(family.name)) {
        return InvalidArgumentError(fmt::format("{}.instance_types: {} is {} ({}), not {}", field,
                                                type, match->target->name, match->target->isa,
                                                FamilyIsa(family.name)));
      }
      types.push_back(type);
    }
    return types;
  }
  for (const std::string& name : family.microarchitectures) {
    auto target = catalog.Find(name);
    if (!target.ok()) {
      return InvalidArgumentError(
          fmt::format("{}.microarchitectures: {}", field, target.status().message()));
    }
    if (!TargetInFamily(**target, family.name)) {
      return InvalidArgumentError(fmt::format("{}.microarchitectures: {} ({}) is not in family {}",
                                              field, (*target)->name, (*target)->vendor,
                                              family.name));
    }
    for (const std::string& instance_family : (*target)->instance_families) {
      auto parsed = arch::ParseInstanceType(instance_family);
      if (!parsed.ok() || parsed->attributes.find("flex") != std::string::npos) continue;
      if (family.name == "gpu") {
        // GPU families with an x86 host only (g5g is Graviton).
        if (parsed->series != "g" && parsed->series != "p") continue;
        auto host = catalog.ForInstanceType(instance_family);
        if (!host.ok() || host->target == nullptr || host->target->isa == "aarch64") continue;
      } else if (parsed->series != "c" && parsed->series != "m" && parsed->series != "r") {
        continue;
      }
      if (std::find(types.begin(), types.end(), instance_family) == types.end()) {
        types.push_back(instance_family);
      }
    }
  }
  if (types.empty()) {
    return InvalidArgumentError(
        fmt::format("{}: its microarchitectures have no instance families Batch can use", field));
  }
  return types;
}

Result<AppStackInput> AppStackInputFor(const PlatformConfig& config, const spec::AppSpec& app,
                                       const arch::Catalog& catalog) {
  AppStackInput input;
  input.name = app.name;
  input.version = app.version;
  const spec::Variant* variant = app.FindVariant(app.default_variant);
  const auto pick = [](const auto& variant_value, const auto& top) {
    return variant_value.value ? variant_value.value : top.value;
  };
  const spec::ResourceSpec empty;
  const spec::ResourceSpec& vr = variant != nullptr ? variant->resources : empty;
  if (auto v = pick(vr.vcpus, app.resources.vcpus)) input.vcpus = *v;
  if (auto v = pick(vr.memory_mib, app.resources.memory_mib)) input.memory_mib = *v;
  if (auto v = pick(vr.gpus, app.resources.gpus)) input.gpus = *v;
  if (auto v = pick(vr.walltime_seconds, app.resources.walltime_seconds)) {
    input.walltime_seconds = std::max<std::int64_t>(*v, 60);  // Batch's minimum timeout
  }
  input.attempts = std::clamp(app.retries.attempts, 1, 10);

  // Which enabled families can run one of the app's architectures?
  std::vector<const arch::Microarchitecture*> targets;
  for (const std::string& name : app.architectures) {
    auto target = catalog.Find(name);
    if (target.ok()) targets.push_back(*target);
  }
  input.variant = app.default_variant;
  for (const FamilyConfig& family : config.compute.families) {
    std::string generic;
    std::string specific;
    for (const arch::Microarchitecture* t : targets) {
      if (family.name == "gpu") {
        if (t->kind == arch::TargetKind::kGpu && specific.empty()) specific = t->name;
      } else if (t->kind == arch::TargetKind::kGeneric) {
        if (t->isa == FamilyIsa(family.name) && generic.empty()) generic = t->name;
      } else if (TargetInFamily(*t, family.name) && specific.empty()) {
        specific = t->name;
      }
    }
    if (targets.empty() && family.name != "gpu")
      generic = FamilyIsa(family.name) == "aarch64" ? "arm64" : "x86_64";
    const std::string chosen = generic.empty() ? specific : generic;
    if (chosen.empty()) continue;
    input.families.push_back(family.name);
    input.image_arch[family.name] = chosen;
  }
  if (input.families.empty()) {
    return InvalidArgumentError(fmt::format(
        "app {}: none of the platform's architecture families runs its architectures", app.name));
  }
  return input;
}

}  // namespace awshpc::infra
