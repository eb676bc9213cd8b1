// File: app_stack.cpp
// The app:NAME stack, the pattern every application follows: its ECR repository and one Batch
// job definition per architecture family that runs it (repository aws-hpc/<platform>/<app>,
// image tag <version>-<variant>-<arch>).
#include <fmt/format.h>

#include "awshpc/infra/naming.hpp"
#include "awshpc/infra/stacks.hpp"
#include "cfn.hpp"
#include "mounts.hpp"

namespace awshpc::infra {
namespace {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;
using cfn::Resource;
using cfn::Sub;

// Untagged images (superseded pushes) expire after 14 days.
constexpr std::string_view kLifecyclePolicy =
    R"({"rules":[{"rulePriority":1,"description":"expire untagged images after 14 days",)"
    R"("selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days",)"
    R"("countNumber":14},"action":{"type":"expire"}}]})";

Json RetryStrategy(const AppStackInput& app) {
  // A reclaimed Spot instance or a lost host is always retried; the app's own failures only
  // when app.yaml asks for retries.
  Json rules = Json::array({Json{{"OnStatusReason", "Host EC2*"}, {"Action", "RETRY"}}});
  if (app.attempts > 1) {
    rules.push_back(Json{{"OnExitCode", "*"}, {"Action", "RETRY"}});
  } else {
    rules.push_back(Json{{"OnReason", "*"}, {"Action", "EXIT"}});
  }
  return Json{{"Attempts", std::max(app.attempts, 3)}, {"EvaluateOnExit", rules}};
}

}  // namespace

Result<nlohmann::ordered_json> SynthApp(const PlatformConfig& config, const AppStackInput& app) {
  Json t = cfn::NewTemplate(
      fmt::format("aws-hpc {} app {}: ECR repository and job definitions", config.name, app.name));
  t["Parameters"] = Json{
      {"JobRoleArn", Json{{"Type", "String"}, {"Description", "Job role (core stack output)"}}},
      {"LogGroupName",
       Json{{"Type", "String"}, {"Description", "Job log group (core stack output)"}}}};
  Json resources = Json::object();
  Json outputs = Json::object();
  resources["Repository"] = Resource(
      "AWS::ECR::Repository", {// Per platform: `aws-hpc app build --push ecr` pushes here
                               // (the same function names it), maybe a tag again.
                               {"RepositoryName", EcrRepositoryName(config.name, app.name)},
                               {"ImageTagMutability", "MUTABLE"},
                               {"ImageScanningConfiguration", Json{{"ScanOnPush", true}}},
                               {"EncryptionConfiguration", Json{{"EncryptionType", "AES256"}}},
                               {"LifecyclePolicy", Json{{"LifecyclePolicyText", kLifecyclePolicy}}},
                               {"Tags", cfn::TagList(config, {{"aws-hpc:app", app.name}})}});
  outputs["RepositoryName"] = cfn::Output("ECR repository of the app's images", Ref("Repository"));
  outputs["RepositoryUri"] = cfn::Output("Push images here", GetAtt("Repository", "RepositoryUri"));

  for (const std::string& family : app.families) {
    auto found = app.image_arch.find(family);
    const std::string image_arch = found == app.image_arch.end() ? family : found->second;
    Json requirements =
        Json::array({Json{{"Type", "VCPU"}, {"Value", std::to_string(app.vcpus)}},
                     Json{{"Type", "MEMORY"}, {"Value", std::to_string(app.memory_mib)}}});
    if (family == "gpu") {
      requirements.push_back(
          Json{{"Type", "GPU"}, {"Value", std::to_string(std::max(app.gpus, 1))}});
    }
    Json container = Json{
        {"Image", Sub(fmt::format("${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.${{AWS::URLSuffix}}"
                                  "/${{Repository}}:{}-{}-{}",
                                  app.version, app.variant, image_arch))},
        {"ResourceRequirements", requirements},
        {"JobRoleArn", Ref("JobRoleArn")},
        {"Environment", Json::array({Json{{"Name", "AWS_HPC_APP"}, {"Value", app.name}},
                                     Json{{"Name", "AWS_HPC_ARCH_FAMILY"}, {"Value", family}}})},
        {"LogConfiguration", Json{{"LogDriver", "awslogs"},
                                  {"Options", Json{{"awslogs-group", Ref("LogGroupName")},
                                                   {"awslogs-region", Ref("AWS::Region")},
                                                   {"awslogs-stream-prefix", app.name}}}}}};
    // The instances mount FSx at /fsx and EFS at /efs (compute stack); containers see them there.
    mounts::AddContainerMounts(config, container);
    Json properties =
        Json{{"JobDefinitionName", fmt::format("{}-{}-{}", config.name, app.name, family)},
             {"Type", "container"},
             {"PlatformCapabilities", Json::array({"EC2"})},
             {"PropagateTags", true},
             {"ContainerProperties", container},
             {"RetryStrategy", RetryStrategy(app)}};
    if (app.walltime_seconds > 0) {
      properties["Timeout"] = Json{{"AttemptDurationSeconds", app.walltime_seconds}};
    }
    properties["Tags"] =
        cfn::TagMap(config, {{"aws-hpc:app", app.name}, {std::string(kTagArchFamily), family}});
    const std::string logical = "JobDefinition" + CamelCase(family);
    resources[logical] = Resource("AWS::Batch::JobDefinition", properties);
    outputs[logical + "Arn"] =
        cfn::Output(fmt::format("Job definition of {} on {}", app.name, family), Ref(logical));
  }
  t["Resources"] = std::move(resources);
  t["Outputs"] = std::move(outputs);
  return t;
}

}  // namespace awshpc::infra
