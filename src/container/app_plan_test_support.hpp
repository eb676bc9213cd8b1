// File: app_plan_test_support.hpp
// What the application-image tests share: an app's image planned on the built-in base catalog
// with fixed dates and provenance, so golden Dockerfiles do not change with the day.
#pragma once

#include <string>

#include "awshpc/container/app_image.hpp"

namespace awshpc::container::testing {

inline Result<AppImagePlan> PlanForGolden(const spec::AppSpec& app, const BaseCatalog& bases,
                                          const AppRecipe& recipe, const std::string& arch,
                                          const std::string& variant,
                                          const std::string& base_id = "") {
  ASSIGN_OR_RETURN(const BaseImage* base, bases.ForArchitecture(arch, ""));
  AppImageRequest request;
  request.app = &app;
  request.variant = variant;
  request.arch = arch;
  request.base = base;
  request.base_date = "20261129";
  request.base_id = base_id;
  request.provenance.source = "https://example.org/aws-hpc";
  request.provenance.revision = "abc123";
  request.provenance.date = "20261129";
  return PlanAppImage(request, recipe);
}

}  // namespace awshpc::container::testing
