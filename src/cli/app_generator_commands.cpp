// File: app_generator_commands.cpp
// `aws-hpc app config` (write an application's run directory), `aws-hpc app data` (plan or stage
// its input data) and `aws-hpc app verify` (judge a finished run by its files), for apps that
// registered a generator (awshpc/apps/generator.hpp; GEOS-Chem: docs/geos-chem.md).
#include <fmt/format.h>

#include <iostream>

#include "awshpc/apps/env_presets.hpp"
#include "awshpc/apps/generator.hpp"
#include "awshpc/apps/geoschem/data_manifest.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"
#include "awshpc/spec/render.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

using nlohmann::ordered_json;

struct GeneratorOptions {
  std::string app;
  std::string variant;
  std::string env;
  std::vector<std::string> params;
  // app config
  std::string out;
  bool force = false;
  // app data
  bool plan = false;
  std::string stage;
  std::string bucket;  // "" -> the generator's default bucket
  std::string to = apps::geoschem::kDataBucketRegion;
  bool list = false;
};

struct Prepared {
  const spec::AppSpec* app = nullptr;
  const apps::RunGenerator* generator = nullptr;
  sched::JobRequest request;
  std::unique_ptr<apps::PreparedRun> run;
};

// Renders the app with the preset and the --param values (so every value is type-checked by the
// spec), then lets the app's registered generator derive and check the run.
Result<Prepared> Prepare(CliContext& context, const GeneratorOptions& options) {
  Prepared out;
  ASSIGN_OR_RETURN(out.app, context.Catalog().Find(options.app));
  ASSIGN_OR_RETURN(out.generator, apps::GeneratorRegistry::Builtin().Find(out.app->name));
  std::vector<std::pair<std::string, std::string>> given;
  for (const std::string& param : options.params) {
    const std::size_t eq = param.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("--param " + QuoteForMessage(param) + ": expected NAME=VALUE");
    }
    given.emplace_back(param.substr(0, eq), param.substr(eq + 1));
  }
  spec::RenderRequest render;
  render.variant = options.variant;
  render.params = given;
  if (!options.env.empty()) {
    ASSIGN_OR_RETURN_CTX(apps::EnvPreset preset, apps::LoadEnvPreset(out.app->dir, options.env),
                         "--env");
    render.params = apps::MergeParams(preset.params, given);
  }
  ASSIGN_OR_RETURN_CTX(out.request, spec::Render(*out.app, render), options.app);
  ASSIGN_OR_RETURN_CTX(
      out.run, out.generator->prepare(out.app->dir, out.request.variant, out.request.parameters),
      options.app + " (" + out.request.variant + ")");
  return out;
}

Status ConfigCommand(CliContext& context, const GeneratorOptions& options) {
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(context, options));
  ASSIGN_OR_RETURN(std::vector<std::string> written,
                   prepared.run->WriteRunDirectory(options.out, options.force));
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out;
    out["app"] = prepared.app->name;
    out["variant"] = prepared.request.variant;
    out["directory"] = options.out;
    out["files"] = written;
    out["parameters"] = prepared.request.parameters;
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  std::cout << fmt::format("Wrote {} into {}:\n", prepared.run->Description(), options.out);
  for (const std::string& name : written) std::cout << "  " << name << "\n";
  for (const std::string& line : prepared.run->Details()) std::cout << line << "\n";
  std::cout << "Next: aws-hpc app data " << prepared.app->name
            << " --plan (same --param/--env) to see the input data.\n";
  return Status::Ok();
}

Result<std::unique_ptr<aws::AwsContext>> DataContext(const std::string& region) {
  aws::AwsContextOptions options;
  // The public buckets live in one region each; ask that region.
  options.cli_region = region;
  return aws::AwsContext::Create(options);
}

Status DataCommand(CliContext& context, const GeneratorOptions& options) {
  if (options.plan == !options.stage.empty()) {
    return InvalidArgumentError("app data: give exactly one of --plan or --stage DIR");
  }
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(context, options));
  const std::string bucket = options.bucket.empty() && !prepared.generator->buckets.empty()
                                 ? prepared.generator->buckets.front().first
                                 : options.bucket;
  const std::string region = prepared.generator->BucketRegion(bucket);
  ASSIGN_OR_RETURN(apps::DataManifest manifest, prepared.run->InputData(bucket));
  ASSIGN_OR_RETURN(auto aws_context, DataContext(region));
  ASSIGN_OR_RETURN(aws::s3::S3Client s3, aws::s3::S3Client::Create(*aws_context));
  ASSIGN_OR_RETURN(apps::geoschem::DataPlan plan, apps::geoschem::PlanData(s3, manifest));
  ASSIGN_OR_RETURN(Money transfer, apps::geoschem::TransferCost(plan.bytes, options.to));

  if (!options.stage.empty()) {
    ASSIGN_OR_RETURN(apps::geoschem::StageResult staged,
                     apps::geoschem::StageData(s3, plan, options.stage));
    std::cout << fmt::format("Staged {} objects ({} bytes) into {}; {} already present.\n",
                             staged.downloaded, staged.bytes, options.stage, staged.skipped);
    return Status::Ok();
  }
  struct Totals {
    int count = 0;
    std::uint64_t bytes = 0;
  };
  std::map<std::string, Totals> by_kind;
  for (const auto& object : plan.objects) {
    Totals& t = by_kind[apps::geoschem::DataKindName(object.kind)];
    ++t.count;
    t.bytes += object.size;
  }
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out;
    out["bucket"] = bucket;
    out["objects"] = plan.objects.size();
    out["bytes"] = plan.bytes;
    out["transfer_to"] = options.to;
    out["transfer_usd"] = transfer.ToDecimalString();
    out["by_kind"] = ordered_json::object();
    for (const auto& [kind, t] : by_kind) {
      out["by_kind"][kind] = {{"objects", t.count}, {"bytes", t.bytes}};
    }
    out["missing"] = plan.missing;
    if (options.list) {
      out["keys"] = ordered_json::array();
      for (const auto& object : plan.objects) {
        out["keys"].push_back({{"kind", apps::geoschem::DataKindName(object.kind)},
                               {"uri", "s3://" + object.bucket + "/" + object.key},
                               {"size", object.size},
                               {"destination", object.destination}});
      }
    }
    PrintStructured(out, context.Format());
  } else {
    std::vector<std::vector<std::string>> table;
    for (const auto& [kind, t] : by_kind) {
      table.push_back(
          {kind, std::to_string(t.count),
           FormatMemoryMiB(static_cast<std::int64_t>((t.bytes + (1 << 20) - 1) >> 20))});
    }
    std::cout << RenderTable({"KIND", "OBJECTS", "SIZE"}, table);
    std::cout << fmt::format(
        "\n{} objects, {} bytes ({}) from s3://{}; transfer to {}: {}.\n", plan.objects.size(),
        plan.bytes, FormatMemoryMiB(static_cast<std::int64_t>((plan.bytes + (1 << 20) - 1) >> 20)),
        bucket, options.to, transfer.ToString());
    if (options.list) {
      for (const auto& object : plan.objects) {
        std::cout << fmt::format("  {:>12}  s3://{}/{}\n", object.size, object.bucket, object.key);
      }
    }
    for (const std::string& missing : plan.missing) std::cout << "MISSING " << missing << "\n";
  }
  if (!plan.missing.empty()) {
    return NotFoundError(fmt::format("{} inputs are missing from s3://{} (first: {})",
                                     plan.missing.size(), bucket, plan.missing.front()));
  }
  return Status::Ok();
}

Status VerifyCommand(CliContext& context, const GeneratorOptions& options) {
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(context, options));
  RETURN_IF_ERROR(prepared.run->Verify(options.out));
  std::cout << fmt::format("{}: {}.\n", options.out, prepared.run->VerifiedSummary());
  return Status::Ok();
}

void AddCommon(CLI::App* command, GeneratorOptions& options) {
  command
      ->add_option("app", options.app,
                   "Application name: one with a run-directory generator (geos-chem)")
      ->required();
  command->add_option("-p,--param", options.params, "Parameter NAME=VALUE (repeatable)");
  command->add_option("--env", options.env,
                      "Named preset from the app's envs/ (benchmark, production, transport); "
                      "--param values override it");
  command->add_option("--variant", options.variant, "Variant (classic or gchp)");
}

}  // namespace

void RegisterAppGeneratorCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* app = root.get_subcommand("app");
  auto options = std::make_shared<GeneratorOptions>();

  CLI::App* config = app->add_subcommand(
      "config",
      "Write an application's run directory (GEOS-Chem: geoschem_config.yml, HISTORY.rc, "
      "HEMCO_Config.rc; GCHP also setCommonRunSettings.sh and cap_restart)");
  AddCommon(config, *options);
  config->add_option("--out", options->out, "Run directory to write")->required();
  config->add_flag("--force", options->force, "Overwrite generated files that exist");
  config->footer(
      "GEOS-Chem: the rest of the run directory (HEMCO_Config.rc's inventory sections, "
      "HEMCO_Diagn.rc, the met-field include, species_database.yml; for GCHP also ExtData.rc, "
      "GCHP.rc, CAP.rc, logging.yml, input.nml) is GEOS-Chem's own template text for the model "
      "version in the image, so it is completed in the container when the job starts, from the "
      "image's run/ tree and the plan written to DIR/.aws-hpc/rundir-vars.json. To complete a "
      "directory by hand: AWS_HPC_RUNDIR_TEMPLATES=/path/to/geos-chem/run aws-hpc-stage complete "
      "DIR (files already there are kept). See docs/geos-chem.md.");
  config->callback(
      [&context, &result, options] { result.status = ConfigCommand(context, *options); });

  CLI::App* data = app->add_subcommand(
      "data",
      "Input data of a run from s3://gcgrid: --plan prints object count, size and transfer cost; "
      "--stage DIR downloads into a run directory");
  AddCommon(data, *options);
  data->add_flag("--plan", options->plan, "List the inputs and their size and transfer cost");
  data->add_option("--stage", options->stage, "Download the inputs into this run directory");
  data->add_option("--bucket", options->bucket,
                   "Data bucket: gcgrid (us-east-1, default) or geos-chem (us-west-2)");
  data->add_option("--to", options->to,
                   "Where the data goes, for the transfer cost: an AWS region (default "
                   "us-east-1) or internet");
  data->add_flag("--list", options->list, "Also print every object");
  data->callback([&context, &result, options] { result.status = DataCommand(context, *options); });

  CLI::App* verify = app->add_subcommand(
      "verify",
      "Judge a finished run by its files (GCHP: cap_restart reached the end and a checkpoint "
      "exists, since GCHP can abort at shutdown after a good run); exit 0 if it succeeded");
  AddCommon(verify, *options);
  verify->add_option("--dir", options->out, "The run directory")->required();
  verify->callback(
      [&context, &result, options] { result.status = VerifyCommand(context, *options); });
}

}  // namespace awshpc::cli
