// File: app_recipe.hpp
// An application's container recipe (data/containers/apps/<app>.yaml, <app dir>/container.yaml or
// --recipe FILE): what its image needs besides the base, common to all variants and per variant,
// and the Dockerfile steps rendered from it. Commands are argv lists, run without a shell.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awshpc/core/status.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::container {

// Source code fetched in the build stage: a release archive checked against its SHA-256, or a git
// tag cloned with its submodules (the commit is printed into the build log).
struct RecipeSource {
  std::string name;    // [a-z0-9._-], unique in the recipe
  std::string url;     // https:// archive (.tar.gz, .tgz, .tar.xz, .tar.bz2)
  std::string sha256;  // 64 hex digits; "" -> the build computes and prints it
  std::string git;     // https:// repository
  std::string tag;     // release tag of `git`
  std::string into;    // absolute directory (default /opt/aws-hpc/src/<name>)
};

// The part of a recipe a variant adds to the common one.
struct RecipeVariant {
  std::string name;
  std::string where;  // origin:line:column of the section, for messages
  std::vector<std::string> build_packages;
  std::vector<std::pair<std::string, std::string>> build_env;
  std::vector<RecipeSource> sources;
  std::vector<std::vector<std::string>> build;
  std::vector<std::string> runtime_packages;
  std::vector<std::pair<std::string, std::string>> runtime_env;
  std::vector<std::string> check;  // replaces the common check when set
};

struct AppRecipe {
  std::string origin;  // file name for messages
  std::string app;
  std::vector<std::string> build_packages;  // Debian packages for the build stage
  std::vector<std::pair<std::string, std::string>> build_env;  // ENV of the build stage
  std::vector<RecipeSource> sources;                           // fetched before the build steps
  std::vector<std::vector<std::string>> build;  // argv steps in the build stage; install into
                                                // /opt/aws-hpc/app
  std::vector<std::string> runtime_packages;    // Debian packages for the runtime stage
  std::vector<std::pair<std::string, std::string>> runtime_env;  // ENV of the runtime stage
  std::vector<std::string> check;       // argv run in the runtime stage, after the app is
                                        // copied in, to prove the program is there (empty: none)
  std::vector<RecipeVariant> variants;  // per-variant additions (`variants:`)
  std::string text;                     // the file as read (part of the content hash)
};

// Parses a recipe; errors name origin:line:column and the field.
Result<AppRecipe> ParseRecipe(std::string_view yaml_text, std::string_view origin);
// --recipe FILE if given, else <app.dir>/container.yaml, else the bundled recipe, else an empty
// recipe (the base alone runs the app). Variant sections must name variants of `app`.
Result<AppRecipe> LoadRecipe(const spec::AppSpec& app, const std::string& recipe_file);

// The recipe of one variant: the common parts followed by the variant's (no `variants` left).
AppRecipe RecipeForVariant(const AppRecipe& recipe, std::string_view variant);

// Dockerfile lines of a variant's recipe (from RecipeForVariant) and the context files they COPY.
struct RecipeSteps {
  std::string build;                         // after FROM <devel base> AS build
  std::string runtime;                       // after FROM <runtime base> AS runtime
  std::string check;                         // after the app is copied into the runtime stage
  std::map<std::string, std::string> files;  // context path -> content
};
// `{{ flags }}` in a step or ENV value becomes `flags` (the base's compiler flags from the
// architecture catalog); any other `{{` is an error naming the recipe and the field.
Result<RecipeSteps> RenderRecipeSteps(const AppRecipe& recipe, std::string_view flags);

}  // namespace awshpc::container
