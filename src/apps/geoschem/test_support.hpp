// File: test_support.hpp
// What the GEOS-Chem tests share (unit tests in src/apps and the e2e tests): the real
// apps/geos-chem directory, and a builder that renders parameters through the real app.yaml (so
// defaults and types apply) and derives the run from the real simulations.yaml.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "awshpc/apps/geoschem/run_config.hpp"
#include "awshpc/apps/geoschem/sim_catalog.hpp"
#include "awshpc/spec/loader.hpp"
#include "awshpc/spec/render.hpp"

namespace awshpc::apps::geoschem::testing {

inline const std::string kAppDir = AWSHPC_SOURCE_DIR "/apps/geos-chem";

using Params = std::vector<std::pair<std::string, std::string>>;

// apps/geos-chem's app.yaml and simulations.yaml, loaded once; the RunConfigs it builds point
// into its catalog, so it outlives them.
class GeosChemRuns {
 public:
  // Loads both files; call from SetUp (or the test body) under ASSERT_NO_FATAL_FAILURE.
  void Load() {
    auto loaded = spec::LoadAppSpecFile(kAppDir + "/app.yaml");
    ASSERT_TRUE(loaded.ok()) << loaded.DiagnosticsText();
    app_ = *loaded.spec;
    app_.file = kAppDir + "/app.yaml";
    auto catalog = LoadSimCatalog(kAppDir);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = *catalog;
  }

  // Renders `params` for `variant` ("" = the default) and builds the run.
  Result<RunConfig> Build(const std::string& variant, Params params) const {
    spec::RenderRequest request;
    request.variant = variant;
    request.params = std::move(params);
    ASSIGN_OR_RETURN(sched::JobRequest job, spec::Render(app_, request));
    return BuildRunConfig(job.variant, job.parameters, catalog_);
  }

  const spec::AppSpec& app() const { return app_; }
  const SimCatalog& catalog() const { return catalog_; }

 private:
  spec::AppSpec app_;
  SimCatalog catalog_;
};

// A fixture with the runs loaded.
class GeosChemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(runs_.Load()); }
  Result<RunConfig> Build(const std::string& variant, Params params) const {
    return runs_.Build(variant, std::move(params));
  }
  GeosChemRuns runs_;
};

}  // namespace awshpc::apps::geoschem::testing
