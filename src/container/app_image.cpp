// File: app_image.cpp
// app.yaml + container recipe + app.Dockerfile.in -> one application image's Dockerfile and
// build context, content-addressed.
#include "awshpc/container/app_image.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "awshpc/container/content_hash.hpp"
#include "awshpc/container/dockerfile.hpp"
#include "awshpc/container/template.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/core/version.hpp"
#include "awshpc/spec/render.hpp"

namespace awshpc::container {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxInputBytes = 256 << 20;  // baked inputs are small files (in.lj)

bool HasReference(const spec::Template& t) {
  return std::any_of(t.parts.begin(), t.parts.end(),
                     [](const spec::TemplatePart& p) { return p.is_reference; });
}

// The generic ISA name app.yaml uses for a catalog ISA.
std::string GenericName(std::string_view isa) {
  return isa == "aarch64" ? std::string("arm64") : std::string(isa);
}

}  // namespace

std::string SanitizeTag(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    out += ok ? c : '-';
  }
  while (!out.empty() && (out.front() == '.' || out.front() == '-')) out.erase(0, 1);
  if (out.size() > 128) out.resize(128);
  return out.empty() ? std::string("latest") : out;
}

Result<AppImagePlan> PlanAppImage(const AppImageRequest& request, const AppRecipe& recipe) {
  const spec::AppSpec& app = *request.app;
  const BaseImage& base = *request.base;
  const std::string variant_name = request.variant.empty() ? app.default_variant : request.variant;
  const spec::Variant* variant = app.FindVariant(variant_name);
  if (variant == nullptr) {
    return NotFoundError(fmt::format("app {} has no variant \"{}\" (variants: {})", app.name,
                                     variant_name, JoinOr(app.VariantNames())));
  }
  // The architecture must be one the app (or variant) runs on: itself, its ISA's generic
  // name, or cuda.
  const std::vector<std::string>& archs = app.ArchitecturesOf(*variant);
  const bool allowed = archs.empty() ||
                       std::find(archs.begin(), archs.end(), request.arch) != archs.end() ||
                       std::find(archs.begin(), archs.end(), GenericName(base.isa)) != archs.end();
  if (!allowed) {
    return InvalidArgumentError(fmt::format("app {} does not run on {} (its architectures: {})",
                                            app.name, request.arch, JoinOr(archs)));
  }
  spec::RenderRequest render;
  render.variant = variant_name;
  ASSIGN_OR_RETURN_CTX(sched::JobRequest job, spec::Render(app, render),
                       "rendering " + app.name + " with default parameters");

  AppImagePlan plan;
  plan.variant = variant_name;
  plan.arch = request.arch;
  plan.platform = base.platform;
  plan.repository = "aws-hpc/" + app.name;
  plan.tag = SanitizeTag(fmt::format("{}-{}-{}", app.version, variant_name, request.arch));
  if (!request.base_override.empty()) {
    plan.devel_base = plan.runtime_base = request.base_override;
  } else {
    RETURN_IF_ERROR(CheckDateTag(request.base_date));
    plan.devel_base = base.DevelTag(request.base_date);
    plan.runtime_base = base.RuntimeTag(request.base_date);
  }
  ImageProvenance p = request.provenance;
  if (p.revision.empty()) p.revision = std::string(kVersion);

  RenderedImage& image = plan.image;
  image.files["aws-hpc-entrypoint"] = std::string(EntrypointScript());
  std::string outputs;
  for (const spec::OutputSpec& output : app.outputs) outputs += output.path + "\n";
  image.files["outputs.list"] = outputs;
  // The stager's bytes are context files, so they are part of the content hash below.
  if (request.stager != nullptr) {
    for (const auto& [name, content] : request.stager->files) image.files[name] = content;
  }

  // Inputs with a fixed local source are baked in; the rest are staged when the job runs.
  bool any_input = false;
  for (const spec::InputSpec& input : app.inputs) {
    if (!input.condition.empty() || HasReference(input.source) || HasReference(input.destination) ||
        input.source.source.starts_with("s3://")) {
      plan.notes.push_back(fmt::format(
          "input {} is not baked in (it depends on parameters or is in S3): staged at run time",
          input.name));
      continue;
    }
    std::string source = input.source.source;
    if (!source.starts_with("/")) source = (fs::path(app.dir) / source).lexically_normal().string();
    std::string destination = input.destination.source;
    if (destination.empty()) destination = fs::path(source).filename().string();
    ASSIGN_OR_RETURN_CTX(std::string content, ReadFileToString(source, kMaxInputBytes),
                         "input " + input.name);
    image.files["inputs/" + destination] = std::move(content);
    any_input = true;
  }

  // The recipe's common part plus the variant's, {{ flags }} from the base's catalog flags.
  ASSIGN_OR_RETURN(RecipeSteps steps,
                   RenderRecipeSteps(RecipeForVariant(recipe, variant_name), base.flags));
  for (auto& [name, content] : steps.files) image.files[name] = std::move(content);
  const std::string& build_steps = steps.build;
  const std::string& runtime_steps = steps.runtime;

  std::vector<std::pair<std::string, std::string>> env = {{"AWS_HPC_APP", app.name},
                                                          {"AWS_HPC_APP_VERSION", app.version},
                                                          {"AWS_HPC_VARIANT", variant_name}};
  for (const auto& [key, value] : job.environment) env.emplace_back(key, value);

  ContentHash hash;
  hash.Add("template", AppDockerfileTemplate());
  hash.Add("recipe", recipe.text);
  auto spec_text = ReadFileToString(app.file, 4 << 20);
  hash.Add("app.yaml", spec_text.ok() ? *spec_text : std::string());
  hash.Add("variant", variant_name);
  hash.Add("arch", request.arch);
  hash.Add("argv", ExecForm(job.argv));
  for (const auto& [key, value] : env) hash.Add("env " + key, value);
  hash.Add("devel_base", plan.devel_base);
  hash.Add("runtime_base", plan.runtime_base);
  hash.Add("base_id", request.base_id);
  hash.Add("flags", base.flags);
  hash.Add("source", p.source);
  hash.Add("revision", p.revision);
  for (const auto& [name, content] : image.files) hash.Add("file " + name, content);
  image.content_hash = hash.Finish();

  image.labels = {
      {"org.opencontainers.image.title", plan.repository},
      {"org.opencontainers.image.description", OneLine(app.description)},
      {"org.opencontainers.image.source", p.source},
      {"org.opencontainers.image.revision", p.revision},
      {"org.opencontainers.image.version", app.version},
      {"org.opencontainers.image.base.name", plan.runtime_base},
      {"io.aws-hpc.app", app.name},
      {"io.aws-hpc.variant", variant_name},
      {"io.aws-hpc.arch", base.isa},
      {"io.aws-hpc.microarch", base.microarch},
      {"io.aws-hpc.flags", base.flags},
      {std::string(kContentHashLabel), image.content_hash},
  };
  std::map<std::string, std::string> vars;
  vars["image"] = plan.Reference();
  vars["app"] = app.name;
  vars["version"] = app.version;
  vars["variant"] = variant_name;
  vars["arch"] = fmt::format("{} ({})", request.arch, plan.platform);
  vars["devel_base"] = plan.devel_base;
  vars["runtime_base"] = plan.runtime_base;
  vars["build_steps"] = build_steps;
  vars["runtime_steps"] = runtime_steps;
  vars["check_steps"] = steps.check;
  vars["stager_steps"] = request.stager != nullptr
                             ? "COPY aws-hpc/ /opt/aws-hpc/"
                             : "# (no aws-hpc-stage bundled: jobs staging through S3 fail clearly)";
  vars["input_steps"] = any_input ? "COPY inputs/ /opt/aws-hpc/inputs/" : "# (no inputs baked in)";
  ASSIGN_OR_RETURN_CTX(vars["environment"], KeyValues(env), app.name + " environment");
  ASSIGN_OR_RETURN_CTX(vars["labels"],
                       KeyValues(std::vector<std::pair<std::string, std::string>>(
                           image.labels.begin(), image.labels.end())),
                       app.name + " labels");
  vars["command"] = ExecForm(job.argv);
  ASSIGN_OR_RETURN(image.dockerfile, RenderTemplate(AppDockerfileTemplate(),
                                                    "data/containers/app.Dockerfile.in", vars));
  return plan;
}

}  // namespace awshpc::container
