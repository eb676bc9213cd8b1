// File: job_definitions.cpp
#include "awshpc/batch/job_definitions.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "awshpc/aws/crypto.hpp"
#include "awshpc/batch/multinode.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/spec/render.hpp"

namespace awshpc::batch {
namespace {

namespace ab = aws::batch;

std::string SanitizeName(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    out.push_back(ok ? c : '-');
  }
  return out;
}

// Batch's smallest timeout is 60 s.
constexpr std::int64_t kMinTimeoutSeconds = 60;

// Appends `value` with its length so that no two field sequences serialise alike.
void Field(std::string& out, std::string_view name, std::string_view value) {
  out += fmt::format("{}:{}:{};", name, value.size(), value);
}

}  // namespace

std::string JobDefinitionName(std::string_view app, std::string_view variant,
                              std::string_view arch) {
  std::string name = SanitizeName(fmt::format("aws-hpc-{}-{}-{}", app, variant, arch));
  if (name.size() > 128) name.resize(128);
  return name;
}

Result<std::vector<std::string>> DeployArchitectures(const spec::AppSpec& app,
                                                     const spec::Variant& variant,
                                                     const std::vector<std::string>& only) {
  const std::vector<std::string>& supported = app.ArchitecturesOf(variant);
  if (supported.empty()) {
    return InvalidArgumentError(fmt::format(
        "{}: the app lists no architectures; add `architectures:` to its app.yaml", app.name));
  }
  if (only.empty()) return supported;
  std::vector<std::string> chosen;
  for (const std::string& arch : only) {
    if (std::find(supported.begin(), supported.end(), arch) == supported.end()) {
      return InvalidArgumentError(fmt::format("--arch {}: {} variant {} runs on {}", arch, app.name,
                                              variant.name, JoinOr(supported)));
    }
    chosen.push_back(arch);
  }
  return chosen;
}

Result<std::string> ImageFor(const spec::AppSpec& app, const spec::Variant& variant,
                             std::string_view arch, const DefinitionOptions& options) {
  if (!options.image.empty()) return options.image;
  for (const spec::Container& container : app.containers) {
    if (container.architecture == arch) return container.image;
  }
  if (!options.image_prefix.empty()) {
    const std::string version = app.version.empty() ? "latest" : app.version;
    return fmt::format("{}/{}:{}-{}-{}", options.image_prefix, app.name, version, variant.name,
                       arch);
  }
  return InvalidArgumentError(fmt::format(
      "{}: no container image for {} (app.yaml `containers:` has none; pass --image, or build "
      "and push one with `aws-hpc app build {} --arch {} --push`)",
      app.name, arch, app.name, arch));
}

Result<ab::JobRetryStrategy> RetryStrategyFor(int attempts, const std::vector<int>& on_exit_codes,
                                              bool retry_on_spot_interruption) {
  if (attempts < 1 || attempts > 10) {
    return InvalidArgumentError(
        fmt::format("retries: AWS Batch allows 1 to 10 attempts in total; got {}", attempts));
  }
  ab::JobRetryStrategy strategy;
  strategy.attempts = attempts;
  if (attempts == 1) return strategy;
  // Batch evaluates the rules in order and allows five: the Spot rule, up to three exit codes,
  // and a final rule that ends the job on anything else.
  if (on_exit_codes.size() > 3) {
    return InvalidArgumentError(fmt::format(
        "retries.onExitCodes: AWS Batch allows 5 retry rules, so at most 3 exit codes; got {}",
        on_exit_codes.size()));
  }
  if (retry_on_spot_interruption) {
    strategy.evaluate_on_exit.push_back({"Host EC2*", "", "", "RETRY"});
  }
  if (on_exit_codes.empty()) {
    // No rule matches an ordinary failure, so Batch retries it: any failure is retried.
    if (!retry_on_spot_interruption) return strategy;
    strategy.evaluate_on_exit.push_back({"", "", "*", "RETRY"});
    return strategy;
  }
  for (const int code : on_exit_codes) {
    strategy.evaluate_on_exit.push_back({"", "", std::to_string(code), "RETRY"});
  }
  strategy.evaluate_on_exit.push_back({"", "", "*", "EXIT"});
  return strategy;
}

Result<ab::RegisterJobDefinitionRequest> BuildJobDefinition(const spec::AppSpec& app,
                                                            const spec::Variant& variant,
                                                            std::string_view arch,
                                                            const DefinitionOptions& options) {
  const sched::Resources resources = spec::DefaultResources(app, variant);
  ab::RegisterJobDefinitionRequest request;
  request.job_definition_name = JobDefinitionName(app.name, variant.name, arch);
  request.type = "container";
  request.platform_capabilities = {"EC2"};
  request.propagate_tags = true;

  ab::ContainerProperties container;
  ASSIGN_OR_RETURN(container.image, ImageFor(app, variant, arch, options));
  container.job_role_arn = options.job_role_arn;
  container.execution_role_arn = options.execution_role_arn;
  // The definition's command is the argv with default parameters (when the app has no required
  // parameter); every submission overrides it with its own rendered argv.
  spec::RenderRequest defaults;
  defaults.variant = variant.name;
  if (auto rendered = spec::Render(app, defaults); rendered.ok()) {
    container.command = rendered->argv;
    for (const auto& [name, value] : rendered->environment) {
      container.environment.push_back({name, value});
    }
  }
  container.resource_requirements.push_back({"VCPU", std::to_string(resources.vcpus)});
  container.resource_requirements.push_back({"MEMORY", std::to_string(resources.memory_mib)});
  if (resources.gpus > 0) {
    container.resource_requirements.push_back({"GPU", std::to_string(resources.gpus)});
  }
  request.container_properties = std::move(container);
  if (resources.nodes > 1) RETURN_IF_ERROR(MakeMultiNode(request, resources.nodes));
  ASSIGN_OR_RETURN_CTX(request.retry_strategy,
                       RetryStrategyFor(app.retries.attempts, app.retries.on_exit_codes), app.file);
  request.timeout_seconds = std::max(resources.walltime_seconds, kMinTimeoutSeconds);
  request.tags[std::string(kTagApp)] = app.name;
  request.tags[std::string(kTagVariant)] = variant.name;
  request.tags[std::string(kTagArch)] = std::string(arch);
  request.tags[std::string(kTagSpecHash)] = DefinitionHash(request);
  return request;
}

std::string DefinitionHash(const ab::RegisterJobDefinitionRequest& request) {
  std::string text;
  Field(text, "name", request.job_definition_name);
  Field(text, "type", request.type);
  for (const auto& [key, value] : request.parameters) Field(text, "param:" + key, value);
  if (request.container_properties) {
    const ab::ContainerProperties& c = *request.container_properties;
    Field(text, "image", c.image);
    for (const std::string& arg : c.command) Field(text, "arg", arg);
    Field(text, "jobRole", c.job_role_arn);
    Field(text, "executionRole", c.execution_role_arn);
    for (const ab::KeyValuePair& env : c.environment) Field(text, "env:" + env.name, env.value);
    for (const ab::ResourceRequirement& r : c.resource_requirements) {
      Field(text, "resource:" + r.type, r.value);
    }
  }
  if (request.retry_strategy) {
    Field(text, "attempts", std::to_string(request.retry_strategy->attempts.value_or(0)));
    for (const ab::EvaluateOnExit& rule : request.retry_strategy->evaluate_on_exit) {
      Field(text, "rule",
            fmt::format("{}|{}|{}|{}", rule.on_status_reason, rule.on_reason, rule.on_exit_code,
                        rule.action));
    }
  }
  Field(text, "timeout", std::to_string(request.timeout_seconds.value_or(0)));
  Field(text, "propagateTags", request.propagate_tags.value_or(false) ? "1" : "0");
  for (const std::string& capability : request.platform_capabilities) {
    Field(text, "capability", capability);
  }
  text += NodePropertiesHashText(request);
  for (const auto& [key, value] : request.tags) {
    if (key != kTagSpecHash) Field(text, "tag:" + key, value);
  }
  return aws::Sha256Hex(text).substr(0, 16);
}

}  // namespace awshpc::batch
