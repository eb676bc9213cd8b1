// File: success_rule.cpp
// GEOS-Chem's success rule: the files a finished Classic or GCHP run leaves behind.
#include "awshpc/apps/geoschem/success_rule.hpp"

#include <fmt/format.h>

namespace awshpc::apps::geoschem {

verdict::SuccessRule SuccessRuleFor(const RunConfig& run) {
  const std::string end = run.end.Compact();
  verdict::SuccessRule rule;
  if (run.gchp) {
    rule.checks.push_back(
        {"cap_restart", {"cap_restart"}, end + " 000000", "the run stopped early"});
    rule.checks.push_back(
        {"checkpoint",
         {"gcchem_internal_checkpoint",
          fmt::format("Restarts/GEOSChem.Restart.{}_0000z.c{}.nc4", end, run.cs_res)},
         std::nullopt,
         "the run did not write its final state"});
    rule.summary = fmt::format("the run reached {} and wrote its checkpoint", end);
  } else {
    rule.checks.push_back({"end-of-run restart",
                           {fmt::format("Restarts/GEOSChem.Restart.{}_0000z.nc4", end)},
                           std::nullopt,
                           "the run did not finish"});
    rule.summary = fmt::format("the run reached {} and wrote its end-of-run restart", end);
  }
  return rule;
}

}  // namespace awshpc::apps::geoschem
