// File: batch_commands.cpp
// `aws-hpc app deploy`: AWS Batch job definitions from an app spec, one per variant and
// architecture; idempotent (an unchanged spec registers nothing). See docs/batch.md.
#include <fmt/format.h>

#include <iostream>

#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/batch/staging.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/infra/platform_config.hpp"
#include "awshpc/infra/state.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

struct DeployOptions {
  std::string app;
  std::vector<std::string> variants;
  std::vector<std::string> archs;
  batch::DefinitionOptions definition;
};

Status Deploy(CliContext& context, const DeployOptions& options) {
  ASSIGN_OR_RETURN(const spec::AppSpec* app, context.Catalog().Find(options.app));
  std::vector<const spec::Variant*> variants;
  if (options.variants.empty()) {
    for (const spec::Variant& variant : app->variants) variants.push_back(&variant);
  } else {
    for (const std::string& name : options.variants) {
      const spec::Variant* variant = app->FindVariant(name);
      if (variant == nullptr) {
        return InvalidArgumentError(fmt::format("--variant {}: {} has variants {}", name, app->name,
                                                JoinOr(app->VariantNames())));
      }
      variants.push_back(variant);
    }
  }
  ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
  batch::DefinitionOptions definition = options.definition;
  if (definition.job_role_arn.empty()) {
    definition.job_role_arn = context.PlatformSetting("job_role_arn");  // from infra deploy
  }
  if (definition.image.empty() && definition.image_prefix.empty()) {
    // The app stack's ECR repository (aws-hpc/<platform>/<app>, from infra deploy), where
    // `app build --push ecr` pushes.
    auto state = infra::PlatformState::Load(infra::StatePath(infra::DefaultPlatformConfigPath()));
    if (state.ok()) definition.image_prefix = state->ImagePrefix(app->name);
  }
  std::vector<std::vector<std::string>> rows;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const spec::Variant* variant : variants) {
    ASSIGN_OR_RETURN(std::vector<std::string> archs,
                     batch::DeployArchitectures(*app, *variant, options.archs));
    for (const std::string& arch : archs) {
      ASSIGN_OR_RETURN(batch::DeployResult deployed,
                       backend->Deploy(*app, *variant, arch, definition));
      const batch::Deployment& d = deployed.deployment;
      const char* what = deployed.registered ? "registered" : "unchanged";
      rows.push_back({variant->name, arch, fmt::format("{}:{}", d.definition_name, d.revision),
                      what, d.image});
      list.push_back({{"variant", variant->name},
                      {"arch", arch},
                      {"definition", d.definition_name},
                      {"revision", d.revision},
                      {"arn", d.arn},
                      {"status", what},
                      {"image", d.image},
                      {"specHash", d.spec_hash}});
    }
  }
  if (context.Format() == OutputFormat::kTable) {
    std::cout << RenderTable({"VARIANT", "ARCH", "JOB DEFINITION", "STATUS", "IMAGE"}, rows);
  } else {
    PrintStructured(list, context.Format());
  }
  return Status::Ok();
}

// `job outputs ID [--download DIR]`: what a Batch job wrote back to the platform bucket.
Status Outputs(CliContext& context, const std::string& id, const std::string& download) {
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  ASSIGN_OR_RETURN(std::string job_id, store->ResolveId(id));
  ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
  ASSIGN_OR_RETURN(aws::s3::S3Client * s3, context.S3());
  if (!download.empty()) {
    ASSIGN_OR_RETURN(batch::StageReport report,
                     batch::DownloadOutputs(*s3, backend->bucket(), job_id, download));
    std::cout << fmt::format("Downloaded {} files ({} bytes) to {}\n", report.files, report.bytes,
                             download);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(std::vector<aws::s3::S3Object> objects,
                   batch::ListOutputs(*s3, backend->bucket(), job_id));
  const std::string prefix =
      fmt::format("s3://{}/{}outputs/", backend->bucket(), batch::JobPrefix(job_id));
  if (context.Format() == OutputFormat::kTable) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& object : objects) rows.push_back({object.key, std::to_string(object.size)});
    std::cout << prefix << "\n" << RenderTable({"PATH", "BYTES"}, rows);
  } else {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& object : objects) {
      list.push_back({{"path", object.key}, {"bytes", object.size}, {"uri", prefix + object.key}});
    }
    PrintStructured(list, context.Format());
  }
  return Status::Ok();
}

}  // namespace

void RegisterBatchCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* app = root.get_subcommand("app");
  auto options = std::make_shared<DeployOptions>();
  CLI::App* deploy = app->add_subcommand(
      "deploy",
      "Register AWS Batch job definitions for an app: one per variant and architecture.\n"
      "Idempotent: an unchanged spec registers nothing; a changed one a new revision.");
  deploy->add_option("app", options->app, "Application name")->required();
  deploy->add_option("--variant", options->variants, "Only these variants (default: all)");
  deploy->add_option("--arch", options->archs,
                     "Only these architectures (default: every one the variant supports)");
  deploy->add_option("--image", options->definition.image,
                     "Container image for every architecture (default: the app's containers)");
  deploy
      ->add_option("--image-prefix", options->definition.image_prefix,
                   "Registry prefix for images the app does not name: "
                   "<prefix>/<app>:<version>-<variant>-<arch> (default: the app stack's ECR "
                   "repository <registry>/aws-hpc/<platform>/<app> when infra deploy made one)")
      ->envname("AWS_HPC_IMAGE_PREFIX");
  deploy
      ->add_option("--job-role", options->definition.job_role_arn,
                   "IAM role ARN the job's container runs as")
      ->envname("AWS_HPC_JOB_ROLE_ARN");
  deploy->add_option("--execution-role", options->definition.execution_role_arn,
                     "IAM role ARN Batch pulls images and writes logs with");
  deploy->callback([&context, &result, options] { result.status = Deploy(context, *options); });

  CLI::App* job = root.get_subcommand("job");
  auto id = std::make_shared<std::string>();
  auto download = std::make_shared<std::string>();
  CLI::App* outputs = job->add_subcommand(
      "outputs",
      "List (or download) what a Batch job wrote to s3://BUCKET/aws-hpc/jobs/ID/outputs/");
  outputs->add_option("id", *id, "Job id or a unique prefix of one")->required();
  outputs->add_option("--download", *download, "Download every output into this directory");
  outputs->callback(
      [&context, &result, id, download] { result.status = Outputs(context, *id, *download); });
}

}  // namespace awshpc::cli
