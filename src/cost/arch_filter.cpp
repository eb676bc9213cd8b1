// File: arch_filter.cpp
#include "awshpc/cost/arch_filter.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <map>

namespace awshpc::cost {

bool IsIsaName(std::string_view arch) { return arch == "x86_64" || arch == "arm64"; }

std::string IsaOfMachine(std::string_view machine) {
  if (machine == "x86_64" || machine == "amd64") return "x86_64";
  if (machine == "aarch64" || machine == "arm64") return "arm64";
  return "";
}

std::string HostIsa() {
  utsname name{};
  if (uname(&name) != 0) return "";
  return IsaOfMachine(name.machine);
}

Result<std::vector<PriceRow>> FilterByMicroarchitecture(const arch::Catalog& catalog,
                                                        std::string_view target,
                                                        std::vector<PriceRow> rows) {
  ASSIGN_OR_RETURN(const arch::Microarchitecture* wanted, catalog.Find(target));
  const bool gpu = wanted->kind == arch::TargetKind::kGpu;
  // One catalog look-up per type: rows repeat types across regions.
  std::map<std::string, bool> keep;
  for (const PriceRow& row : rows) {
    auto [it, inserted] = keep.emplace(row.instance.type, false);
    if (!inserted) continue;
    if (gpu) {
      const auto& families = wanted->instance_families;
      it->second =
          std::find(families.begin(), families.end(), row.instance.family) != families.end();
      continue;
    }
    auto match = catalog.ForInstanceType(row.instance.type);
    if (!match.ok()) continue;  // a family the catalog does not know: not provably a match
    it->second = match->target != nullptr && catalog.IsAncestor(*wanted, *match->target);
  }
  std::erase_if(rows, [&](const PriceRow& row) { return !keep[row.instance.type]; });
  return rows;
}

Result<std::vector<PriceRow>> FilterByArchitecture(std::string_view arch,
                                                   std::vector<PriceRow> rows) {
  if (arch.empty()) return rows;
  if (IsIsaName(arch)) {
    std::erase_if(rows, [&](const PriceRow& row) { return row.instance.arch != arch; });
    return rows;
  }
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
  return FilterByMicroarchitecture(*catalog, arch, std::move(rows));
}

}  // namespace awshpc::cost
