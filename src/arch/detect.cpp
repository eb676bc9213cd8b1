// File: detect.cpp
// Microarchitecture detection from /proc/cpuinfo. The CPUID signature (x86 vendor, family,
// model, stepping; Arm implementer and part) names a target; the flags then confirm it. A VM may
// hide the model name or flags the model should have, so when flags are missing the most
// specific target whose required flags are all present wins, with a note saying why.
#include "awshpc/arch/detect.hpp"
#include "awshpc/core/text.hpp"

#include <fmt/format.h>

#include <charconv>

namespace awshpc::arch {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Decimal, or hex with 0x. -1 if it is neither.
long ParseNumber(std::string_view text) {
  text = Trim(text);
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  if (hex) text.remove_prefix(2);
  long value = 0;
  const auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, hex ? 16 : 10);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return -1;
  return value;
}

std::vector<std::string> Missing(const Microarchitecture& target,
                                 const std::set<std::string>& flags) {
  std::vector<std::string> missing;
  for (const std::string& feature : target.features) {
    if (!flags.count(feature)) missing.push_back(feature);
  }
  return missing;
}

// The most specific target of `isa` whose required flags are all present; cpu targets only of
// `vendor` (any vendor when empty); generic levels always qualify as candidates.
const Microarchitecture* BestByFeatures(const Catalog& catalog, const std::string& isa,
                                        const std::string& vendor,
                                        const std::set<std::string>& flags) {
  const Microarchitecture* best = nullptr;
  std::size_t best_depth = 0;
  for (const Microarchitecture& target : catalog.Targets()) {
    if (target.isa != isa || target.kind == TargetKind::kGpu) continue;
    if (target.kind == TargetKind::kCpu && !vendor.empty() && target.detect_vendor_id != vendor) {
      continue;
    }
    if (!Missing(target, flags).empty()) continue;
    const std::size_t depth = catalog.Ancestry(target).size();
    if (!best || depth > best_depth) {
      best = &target;
      best_depth = depth;
    }
  }
  return best;
}

Result<Detection> DetectX86(const Catalog& catalog, const CpuInfo& info) {
  Detection d;
  d.isa = "x86_64";
  d.vendor = info.Field("vendor_id");
  d.model_name = info.Field("model name");
  const long family = ParseNumber(info.Field("cpu family"));
  const long model = ParseNumber(info.Field("model"));
  const long stepping = ParseNumber(info.Field("stepping"));
  if (family >= 0 && model >= 0) {
    d.cpu_id = fmt::format("family {} model {:#x}", family, model);
    if (stepping >= 0) d.cpu_id += fmt::format(" stepping {}", stepping);
  }
  const Microarchitecture* by_model = nullptr;
  for (const Microarchitecture& target : catalog.Targets()) {
    if (target.kind != TargetKind::kCpu || target.isa != "x86_64") continue;
    if (target.detect_vendor_id != d.vendor || by_model) continue;
    for (const CpuidMatch& sig : target.cpuid) {
      if (sig.family != family) continue;
      const bool stepping_ok =
          stepping < 0 ? (sig.stepping_min == 0 && sig.stepping_max == 255)  // unknown: no split
                       : (stepping >= sig.stepping_min && stepping <= sig.stepping_max);
      for (const auto& [low, high] : sig.models) {
        if (model >= low && model <= high && stepping_ok) by_model = &target;
      }
    }
  }
  if (by_model) {
    d.by_model = by_model->name;
    d.missing_features = Missing(*by_model, info.flags);
    if (d.missing_features.empty()) {
      d.target = by_model;
      d.method = "cpuid";
      return d;
    }
  }
  d.method = "features";
  d.target = BestByFeatures(catalog, "x86_64", d.vendor, info.flags);
  if (!d.target) return InternalError("the catalog has no x86_64 baseline target");
  if (by_model) {
    d.notes.push_back(fmt::format(
        "{} names {}, but the flags lack {} (a hypervisor may hide them); code for {} could "
        "fault here, so {} was chosen by the flags present",
        d.cpu_id, by_model->name, Join(d.missing_features, ", "), by_model->name, d.target->name));
  } else if (d.vendor.empty()) {
    d.notes.push_back("no vendor_id: chosen by the flags alone");
  } else {
    d.notes.push_back(fmt::format("{} {} is not in the catalog: chosen by the flags present",
                                  d.vendor,
                                  d.cpu_id.empty() ? std::string("(no family/model)") : d.cpu_id));
  }
  return d;
}

Result<Detection> DetectArm(const Catalog& catalog, const CpuInfo& info, const SysCpuData& sys) {
  Detection d;
  d.isa = "aarch64";
  long implementer = ParseNumber(info.Field("CPU implementer"));
  long part = ParseNumber(info.Field("CPU part"));
  bool from_midr = false;
  if ((implementer < 0 || part < 0) && !sys.midr_el1.empty()) {
    const long midr = ParseNumber(sys.midr_el1);
    if (midr >= 0) {
      implementer = (midr >> 24) & 0xff;
      part = (midr >> 4) & 0xfff;
      from_midr = true;
    }
  }
  if (implementer >= 0) d.vendor = fmt::format("{:#04x}", implementer);
  if (implementer >= 0 && part >= 0) {
    d.cpu_id = fmt::format("implementer {:#04x} part {:#05x}", implementer, part);
  }
  d.model_name = info.Field("model name");
  const Microarchitecture* by_part = nullptr;
  for (const Microarchitecture& target : catalog.Targets()) {
    if (target.kind != TargetKind::kCpu || target.isa != "aarch64") continue;
    if (target.arm_implementer != implementer) continue;
    for (int p : target.arm_parts) {
      if (p == part && !by_part) by_part = &target;
    }
  }
  if (by_part) {
    d.by_model = by_part->name;
    // No Features line (some containers): trust the part number.
    d.missing_features =
        info.flags.empty() ? std::vector<std::string>{} : Missing(*by_part, info.flags);
    if (d.missing_features.empty()) {
      d.target = by_part;
      d.method = from_midr ? "midr" : "cpuid";
      if (info.flags.empty()) d.notes.push_back("no Features line: trusted the part number");
      return d;
    }
  }
  d.method = "features";
  d.target = BestByFeatures(catalog, "aarch64", "", info.flags);
  if (!d.target) return InternalError("the catalog has no aarch64 baseline target");
  if (by_part) {
    d.notes.push_back(
        fmt::format("{} names {}, but the Features lack {}; {} was chosen by the features present",
                    d.cpu_id, by_part->name, Join(d.missing_features, ", "), d.target->name));
  } else if (d.cpu_id.empty()) {
    d.notes.push_back("no CPU implementer/part: chosen by the features alone");
  } else {
    d.notes.push_back(
        fmt::format("{} is not in the catalog: chosen by the features present", d.cpu_id));
  }
  return d;
}

}  // namespace

std::string CpuInfo::Field(const std::string& key) const {
  const auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

CpuInfo ParseCpuInfo(std::string_view text) {
  CpuInfo info;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key(Trim(line.substr(0, colon)));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (key == "processor") ++info.processors;
    // The first value of a key wins: the first processor block, and machine-wide lines some
    // kernels print after the blocks (Hardware, Revision) only where the block has none.
    if (!info.fields.emplace(key, std::string(value)).second) continue;
    if (key == "flags" || key == "Features") {
      std::size_t i = 0;
      while (i < value.size()) {
        while (i < value.size() && value[i] == ' ') ++i;
        const std::size_t start = i;
        while (i < value.size() && value[i] != ' ') ++i;
        if (i > start) info.flags.emplace(value.substr(start, i - start));
      }
    }
  }
  return info;
}

Result<Detection> Detect(const Catalog& catalog, std::string_view cpuinfo, const SysCpuData& sys) {
  const CpuInfo info = ParseCpuInfo(cpuinfo);
  const bool x86 = !info.Field("vendor_id").empty() || !info.Field("flags").empty();
  const bool arm = !info.Field("CPU implementer").empty() || !info.Field("Features").empty() ||
                   !sys.midr_el1.empty();
  if (x86) return DetectX86(catalog, info);
  if (arm) return DetectArm(catalog, info, sys);
  return InvalidArgumentError(
      "no processor information (expected /proc/cpuinfo with vendor_id/flags on x86 or CPU "
      "implementer/Features on Arm)");
}

}  // namespace awshpc::arch
