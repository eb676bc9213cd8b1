// File: arch_commands.cpp
// `aws-hpc arch list|info|for-instance|detect`: the architecture catalog (docs/architectures.md).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/arch/detect.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

using nlohmann::ordered_json;

constexpr std::size_t kMaxCpuinfoBytes = 16 << 20;

// --compiler NAME --compiler-version VERSION, shared by info, for-instance and detect.
struct CompilerOption {
  std::string compiler;
  std::string version;
};

void AddCompilerOptions(CLI::App* command, CompilerOption& option) {
  command->add_option("--compiler", option.compiler,
                      "Also choose flags for this compiler (gcc, clang, nvhpc)");
  command
      ->add_option("--compiler-version", option.version,
                   "The compiler's version, e.g. 12.2 (required with --compiler)")
      ->needs(command->get_option("--compiler"));
}

std::string Hex(int value) { return fmt::format("{:#x}", value); }

ordered_json FlagLinesJson(const std::vector<arch::CompilerFlags>& lines) {
  ordered_json out = ordered_json::array();
  for (const arch::CompilerFlags& line : lines) {
    ordered_json entry = {{"min_version", line.min_version}};
    entry["max_version"] =
        line.max_version.empty() ? ordered_json(nullptr) : ordered_json(line.max_version);
    entry["flags"] = line.flags;
    entry["note"] = line.note;
    out.push_back(entry);
  }
  return out;
}

ordered_json ChoiceJson(const arch::FlagChoice& choice) {
  return {{"compiler", choice.compiler},     {"version", choice.version},
          {"flags", choice.flags},           {"flags_from", choice.flags_from},
          {"fallback", choice.fallback},     {"note", choice.note},
          {"best_flags", choice.best_flags}, {"best_min_version", choice.best_min_version}};
}

ordered_json TargetJson(const arch::Catalog& catalog, const arch::Microarchitecture& t) {
  ordered_json out;
  out["name"] = t.name;
  out["aliases"] = t.aliases;
  out["kind"] = std::string(arch::TargetKindName(t.kind));
  out["vendor"] = t.vendor;
  out["isa"] = t.isa;
  out["parent"] = t.parent.empty() ? ordered_json(nullptr) : ordered_json(t.parent);
  out["level"] = t.level;
  out["description"] = t.description;
  out["features"] = t.features;
  out["instance_families"] = t.instance_families;
  out["instance_types"] = t.instance_types;
  out["compilers"] = ordered_json::object();
  for (const auto& [compiler, lines] : t.compilers)
    out["compilers"][compiler] = FlagLinesJson(lines);
  ordered_json detect = ordered_json::object();
  if (!t.detect_vendor_id.empty()) {
    detect["vendor_id"] = t.detect_vendor_id;
    detect["cpuid"] = ordered_json::array();
    for (const arch::CpuidMatch& sig : t.cpuid) {
      ordered_json models = ordered_json::array();
      for (const auto& [low, high] : sig.models) {
        models.push_back(low == high ? Hex(low) : Hex(low) + "-" + Hex(high));
      }
      ordered_json entry = {{"family", sig.family}, {"models", models}};
      if (sig.stepping_min != 0 || sig.stepping_max != 255) {
        entry["steppings"] = fmt::format("{}-{}", sig.stepping_min, sig.stepping_max);
      }
      detect["cpuid"].push_back(entry);
    }
  } else if (t.arm_implementer >= 0) {
    detect["implementer"] = fmt::format("{:#04x}", t.arm_implementer);
    detect["parts"] = ordered_json::array();
    for (int part : t.arm_parts) detect["parts"].push_back(fmt::format("{:#05x}", part));
  }
  out["detect"] = detect;
  out["sources"] = ordered_json::array();
  for (const std::string& id : t.sources) {
    const arch::Source* source = catalog.FindSource(id);
    out["sources"].push_back(
        {{"id", id}, {"title", source ? source->title : ""}, {"url", source ? source->url : ""}});
  }
  return out;
}

// "gcc 12.2: -march=... (fallback: ...)" lines for people.
std::string ChoiceText(const arch::FlagChoice& choice) {
  std::string text =
      fmt::format("Flags for {} {}: {}\n", choice.compiler, choice.version, choice.flags);
  if (choice.fallback) {
    text += fmt::format("  fallback: {}\n", choice.note);
    if (!choice.best_flags.empty()) {
      text += fmt::format("  best: {} (needs {} {})\n", choice.best_flags, choice.compiler,
                          choice.best_min_version);
    }
  }
  return text;
}

std::string FlagTablesText(const arch::Microarchitecture& t) {
  if (t.compilers.empty()) return "Compiler flags: none (not a CPU target)\n";
  std::string text =
      "Compiler flags (the first line whose versions hold yours applies; older "
      "compilers fall back to the parent)\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& [compiler, lines] : t.compilers) {
    for (const arch::CompilerFlags& line : lines) {
      const std::string versions = line.max_version.empty()
                                       ? ">= " + line.min_version
                                       : line.min_version + " - " + line.max_version + ".x";
      rows.push_back({"  " + compiler, versions, line.flags, line.note});
    }
  }
  return text + RenderTable({"  COMPILER", "VERSIONS", "FLAGS", "NOTE"}, rows);
}

std::string InfoText(const arch::Catalog& catalog, const arch::Microarchitecture& t) {
  std::string text =
      fmt::format("{} ({} {}, {})\n", t.name, t.vendor, t.isa, arch::TargetKindName(t.kind));
  text += t.description + "\n\n";
  std::vector<std::vector<std::string>> facts;
  if (!t.aliases.empty()) facts.push_back({"Aliases:", Join(t.aliases, ", ")});
  if (!t.level.empty()) facts.push_back({"Generic level:", t.level});
  std::vector<std::string> chain;
  for (const auto* a : catalog.Ancestry(t)) {
    if (a != &t) chain.push_back(a->name);
  }
  if (!chain.empty()) facts.push_back({"Falls back to:", Join(chain, ", ")});
  if (!t.features.empty()) facts.push_back({"Features:", Join(t.features, ", ")});
  if (!t.instance_families.empty()) {
    facts.push_back({"Instance families:", Join(t.instance_families, ", ")});
  }
  if (!t.instance_types.empty()) facts.push_back({"Instance types:", Join(t.instance_types, ", ")});
  if (!t.detect_vendor_id.empty()) {
    std::vector<std::string> sigs;
    for (const arch::CpuidMatch& sig : t.cpuid) {
      std::vector<std::string> models;
      for (const auto& [low, high] : sig.models) {
        models.push_back(low == high ? Hex(low) : Hex(low) + "-" + Hex(high));
      }
      std::string s = fmt::format("family {} model {}", sig.family, Join(models, ", "));
      if (sig.stepping_min != 0 || sig.stepping_max != 255) {
        s += fmt::format(" stepping {}-{}", sig.stepping_min, sig.stepping_max);
      }
      sigs.push_back(s);
    }
    facts.push_back({"Detected by:", t.detect_vendor_id + " " + Join(sigs, ", ")});
  } else if (t.arm_implementer >= 0) {
    std::vector<std::string> parts;
    for (int part : t.arm_parts) parts.push_back(fmt::format("{:#05x}", part));
    facts.push_back({"Detected by:", fmt::format("CPU implementer {:#04x}, CPU part {}",
                                                 t.arm_implementer, Join(parts, ", "))});
  }
  text += RenderTable({"", ""}, facts).substr(1);  // drop the empty header line
  text += "\n" + FlagTablesText(t) + "\nSources\n";
  for (const std::string& id : t.sources) {
    const arch::Source* source = catalog.FindSource(id);
    if (source) text += fmt::format("  [{}] {}\n      {}\n", id, source->title, source->url);
  }
  return text;
}

Result<const arch::Catalog*> LoadCatalog() {
  ASSIGN_OR_RETURN_CTX(const arch::Catalog* catalog, arch::Catalog::Builtin(),
                       "the embedded architecture catalog");
  return catalog;
}

// The choice for --compiler/--compiler-version, or nothing when not asked.
Result<std::optional<arch::FlagChoice>> MaybeChoice(const arch::Catalog& catalog,
                                                    const std::string& target,
                                                    const CompilerOption& option) {
  if (option.compiler.empty()) return std::optional<arch::FlagChoice>();
  if (option.version.empty()) {
    return InvalidArgumentError("--compiler needs --compiler-version (e.g. 12.2)");
  }
  ASSIGN_OR_RETURN(arch::FlagChoice choice,
                   catalog.FlagsFor(target, option.compiler, option.version));
  return std::optional<arch::FlagChoice>(std::move(choice));
}

Status List(CliContext& context) {
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, LoadCatalog());
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out = ordered_json::array();
    for (const auto& t : catalog->Targets()) out.push_back(TargetJson(*catalog, t));
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : catalog->Targets()) {
    std::vector<std::string> families = t.instance_families;
    rows.push_back({t.name, t.vendor, t.isa, t.level.empty() ? "-" : t.level,
                    families.empty() ? "-" : Join(families, ", ")});
  }
  std::cout << RenderTable({"NAME", "VENDOR", "ISA", "LEVEL", "INSTANCE FAMILIES"}, rows);
  return Status::Ok();
}

Status Info(CliContext& context, const std::string& name, const CompilerOption& option) {
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, LoadCatalog());
  ASSIGN_OR_RETURN(const arch::Microarchitecture* target, catalog->Find(name));
  ASSIGN_OR_RETURN(auto choice, MaybeChoice(*catalog, target->name, option));
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out = TargetJson(*catalog, *target);
    if (choice) out["flags_for"] = ChoiceJson(*choice);
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  std::cout << InfoText(*catalog, *target);
  if (choice) std::cout << "\n" << ChoiceText(*choice);
  return Status::Ok();
}

// The newest flags of each compiler, the summary shown by for-instance and detect.
ordered_json NewestFlags(const arch::Microarchitecture& t) {
  ordered_json out = ordered_json::object();
  for (const auto& [compiler, lines] : t.compilers) {
    out[compiler] = {{"min_version", lines.front().min_version}, {"flags", lines.front().flags}};
  }
  return out;
}

std::string NewestFlagsText(const arch::Microarchitecture& t) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [compiler, lines] : t.compilers) {
    rows.push_back({"  " + compiler, ">= " + lines.front().min_version, lines.front().flags});
  }
  if (rows.empty()) return "";
  return "Flags (see `aws-hpc arch info " + t.name + "` for older compilers)\n" +
         RenderTable({"  COMPILER", "VERSIONS", "FLAGS"}, rows);
}

Status ForInstance(CliContext& context, const std::string& type, const CompilerOption& option) {
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, LoadCatalog());
  ASSIGN_OR_RETURN(arch::InstanceMatch match, catalog->ForInstanceType(type));
  ASSIGN_OR_RETURN(auto choice, MaybeChoice(*catalog, match.target->name, option));
  const arch::Microarchitecture& t = *match.target;
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out = {
        {"instance_type", match.instance_type},
        {"family", match.family},
        {"size", match.size},
        {"architecture", t.name},
        {"vendor", t.vendor},
        {"isa", t.isa},
        {"level", t.level},
        {"possible", match.possible},
        {"gpu", match.gpu.empty() ? ordered_json(nullptr) : ordered_json(match.gpu)},
        {"note", match.note},
        {"flags", NewestFlags(t)}};
    if (choice) out["flags_for"] = ChoiceJson(*choice);
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  std::cout << fmt::format("{}: {} ({} {}, {})\n", match.instance_type, t.name, t.vendor, t.isa,
                           t.level);
  if (!match.gpu.empty()) std::cout << "GPU target: " << match.gpu << "\n";
  if (!match.note.empty()) std::cout << "Note: " << match.note << "\n";
  std::cout << NewestFlagsText(t);
  if (choice) std::cout << ChoiceText(*choice);
  return Status::Ok();
}

Status DetectCommand(CliContext& context, const std::string& cpuinfo_path,
                     const CompilerOption& option) {
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, LoadCatalog());
  const std::string path = cpuinfo_path.empty() ? "/proc/cpuinfo" : cpuinfo_path;
  ASSIGN_OR_RETURN(const std::string text, ReadFileToString(path, kMaxCpuinfoBytes));
  arch::SysCpuData sys;
  if (cpuinfo_path.empty()) {
    // This machine: Arm's MIDR from /sys helps where /proc/cpuinfo lacks the part number.
    auto midr = ReadFileToString("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1", 64);
    if (midr.ok()) sys.midr_el1 = *midr;
  }
  ASSIGN_OR_RETURN_CTX(arch::Detection d, arch::Detect(*catalog, text, sys), path);
  ASSIGN_OR_RETURN(auto choice, MaybeChoice(*catalog, d.target->name, option));
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out = {
        {"architecture", d.target->name},
        {"method", d.method},
        {"isa", d.isa},
        {"vendor", d.vendor},
        {"model_name", d.model_name},
        {"cpu_id", d.cpu_id},
        {"by_model", d.by_model.empty() ? ordered_json(nullptr) : ordered_json(d.by_model)},
        {"missing_features", d.missing_features},
        {"notes", d.notes},
        {"source", path},
        {"flags", NewestFlags(*d.target)}};
    if (choice) out["flags_for"] = ChoiceJson(*choice);
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  std::cout << fmt::format("{} ({} {}, {})\n", d.target->name, d.target->vendor, d.isa,
                           d.target->level);
  std::vector<std::vector<std::string>> facts;
  if (!d.model_name.empty()) facts.push_back({"CPU:", d.model_name});
  if (!d.cpu_id.empty())
    facts.push_back({"CPUID:", (d.vendor.empty() ? "" : d.vendor + " ") + d.cpu_id});
  facts.push_back({"Decided by:", d.method});
  facts.push_back({"Read from:", path});
  std::cout << RenderTable({"", ""}, facts).substr(1);
  for (const std::string& note : d.notes) std::cout << "Note: " << note << "\n";
  std::cout << NewestFlagsText(*d.target);
  if (choice) std::cout << ChoiceText(*choice);
  return Status::Ok();
}

}  // namespace

void RegisterArchCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* arch = root.add_subcommand(
      "arch", "CPU microarchitectures: instance families, compiler flags, detection");
  arch->require_subcommand(1);

  arch->add_subcommand("list", "List the catalog's targets with their EC2 instance families")
      ->callback([&context, &result] { result.status = List(context); });

  auto name = std::make_shared<std::string>();
  auto info_compiler = std::make_shared<CompilerOption>();
  CLI::App* info = arch->add_subcommand(
      "info", "Show a target: features, instance families, flags per compiler version, sources");
  info->add_option("name", *name, "Target name or alias (zen4, graviton3, neoverse-v1, ...)")
      ->required();
  AddCompilerOptions(info, *info_compiler);
  info->callback([&context, &result, name, info_compiler] {
    result.status = Info(context, *name, *info_compiler);
  });

  auto type = std::make_shared<std::string>();
  auto instance_compiler = std::make_shared<CompilerOption>();
  CLI::App* for_instance = arch->add_subcommand(
      "for-instance", "The microarchitecture and flags of an EC2 instance type (c7g.16xlarge)");
  for_instance->add_option("type", *type, "Instance type (c7g.16xlarge) or family (c7g)")
      ->required();
  AddCompilerOptions(for_instance, *instance_compiler);
  for_instance->callback([&context, &result, type, instance_compiler] {
    result.status = ForInstance(context, *type, *instance_compiler);
  });

  auto cpuinfo = std::make_shared<std::string>();
  auto detect_compiler = std::make_shared<CompilerOption>();
  CLI::App* detect =
      arch->add_subcommand("detect", "Detect this machine's microarchitecture from /proc/cpuinfo");
  detect->add_option("--cpuinfo", *cpuinfo,
                     "Read this file instead of /proc/cpuinfo (e.g. one recorded on another host)");
  AddCompilerOptions(detect, *detect_compiler);
  detect->callback([&context, &result, cpuinfo, detect_compiler] {
    result.status = DetectCommand(context, *cpuinfo, *detect_compiler);
  });
}

}  // namespace awshpc::cli
