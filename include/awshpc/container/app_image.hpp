// File: app_image.hpp
// Application images: a Dockerfile per app variant and architecture, generated from app.yaml,
// the app's container recipe and data/containers/app.Dockerfile.in, FROM the matching base.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "awshpc/container/app_recipe.hpp"
#include "awshpc/container/base_image.hpp"
#include "awshpc/container/stager_bundle.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::container {

// One image to build: an app variant on a base.
struct AppImageRequest {
  const spec::AppSpec* app = nullptr;
  std::string variant;              // "" -> the app's default variant
  std::string arch;                 // architecture name (app.yaml or catalog)
  const BaseImage* base = nullptr;  // the base for `arch`
  std::string base_date;            // YYYYMMDD of the base tags
  std::string base_override;        // --base IMAGE: used for both stages instead
  std::string base_id;              // the base image's id when known (part of the hash)
  ImageProvenance provenance;
  const StagerBundle* stager = nullptr;  // aws-hpc-stage for the image; nullptr: none
};

struct AppImagePlan {
  std::string repository;  // "aws-hpc/lammps"
  std::string tag;         // "29Sep2021-update2-mpi-x86_64"
  std::string variant;
  std::string arch;
  std::string platform;
  std::string devel_base;
  std::string runtime_base;
  std::vector<std::string> notes;  // inputs not baked in (s3://, templated), ...
  RenderedImage image;

  std::string Reference() const { return repository + ":" + tag; }
};

// "29Sep2021 update2" -> "29Sep2021-update2": a valid OCI tag component.
std::string SanitizeTag(std::string_view text);

// Generates the Dockerfile and context of one app image. The image's CMD is the variant's argv
// rendered with default parameters; inputs with a local, fixed source are baked in and staged
// by the entrypoint.
Result<AppImagePlan> PlanAppImage(const AppImageRequest& request, const AppRecipe& recipe);

}  // namespace awshpc::container
