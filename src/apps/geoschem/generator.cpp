// File: generator.cpp
// GEOS-Chem behind the generator registry: the checked RunConfig, its run directory, its gcgrid
// manifest and its verdict.
#include "awshpc/apps/geoschem/generator.hpp"

#include <fmt/format.h>

#include "awshpc/apps/geoschem/data_manifest.hpp"
#include "awshpc/apps/geoschem/run_config.hpp"
#include "awshpc/apps/geoschem/run_directory.hpp"
#include "awshpc/apps/geoschem/sim_catalog.hpp"
#include "awshpc/apps/geoschem/success_rule.hpp"

namespace awshpc::apps::geoschem {
namespace {

class GeosChemRun final : public PreparedRun {
 public:
  GeosChemRun(std::string app_dir, SimCatalog catalog, RunConfig run)
      : app_dir_(std::move(app_dir)), catalog_(std::move(catalog)), run_(std::move(run)) {
    // run_.simulation points into the catalog it was built from: point it into our copy.
    if (run_.simulation != nullptr) run_.simulation = catalog_.Find(run_.simulation->name);
  }

  std::string Description() const override {
    return fmt::format("{} ({} {} {} {} levels, {} to {}, {} days)",
                       run_.gchp ? "a GCHP run directory" : "a GEOS-Chem Classic run directory",
                       run_.simulation->name, run_.met.config, run_.resolution, run_.levels,
                       run_.start.Compact(), run_.end.Compact(), run_.Days());
  }

  std::vector<std::string> Details() const override {
    if (!run_.gchp) return {};
    return {fmt::format("GCHP: {} cores on {} nodes, NX={} NY={}, CS_RES={}.", run_.cores,
                        run_.nodes, run_.nx, run_.ny, run_.cs_res)};
  }

  Result<std::vector<std::string>> WriteRunDirectory(const std::string& out_dir,
                                                     bool force) const override {
    return geoschem::WriteRunDirectory(run_, catalog_, app_dir_, out_dir, force);
  }

  Result<DataManifest> InputData(const std::string& bucket) const override {
    return BuildManifest(run_, bucket);
  }

  Status Verify(const std::string& run_dir) const override { return VerifyRun(run_, run_dir); }

  std::optional<verdict::SuccessRule> SuccessCheck() const override { return SuccessRuleFor(run_); }

  std::string VerifiedSummary() const override {
    return fmt::format("the run reached {} and wrote its {}", run_.end.Compact(),
                       run_.gchp ? "checkpoint" : "end-of-run restart");
  }

 private:
  std::string app_dir_;
  SimCatalog catalog_;
  RunConfig run_;
};

}  // namespace

RunGenerator MakeGenerator() {
  RunGenerator generator;
  generator.app = "geos-chem";
  generator.buckets = {{kDefaultDataBucket, kDataBucketRegion}, {"geos-chem", "us-west-2"}};
  generator.prepare =
      [](const std::string& app_dir, const std::string& variant,
         const std::map<std::string, std::string>& params) -> Result<std::unique_ptr<PreparedRun>> {
    ASSIGN_OR_RETURN(SimCatalog catalog, LoadSimCatalog(app_dir));
    ASSIGN_OR_RETURN(RunConfig run, BuildRunConfig(variant, params, catalog));
    return std::unique_ptr<PreparedRun>(
        std::make_unique<GeosChemRun>(app_dir, std::move(catalog), std::move(run)));
  };
  return generator;
}

}  // namespace awshpc::apps::geoschem
