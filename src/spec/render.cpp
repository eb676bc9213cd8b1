// File: render.cpp
// AppSpec + user parameters -> JobRequest. Substitution is one pass over the app's templates:
// values (the user's bytes) are copied into argv/environment and never interpreted again.
#include "awshpc/spec/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"
#include "awshpc/spec/param_types.hpp"
#include "awshpc/spec/template.hpp"
#include "suggest.hpp"

namespace awshpc::spec {
namespace {

template <typename T>
Bounded<T> Merge(const Bounded<T>& top, const Bounded<T>& variant) {
  Bounded<T> out = top;
  if (variant.value) out.value = variant.value;
  if (variant.min) out.min = variant.min;
  if (variant.max) out.max = variant.max;
  return out;
}

ResourceSpec MergedResources(const AppSpec& app, const Variant& variant) {
  return ResourceSpec{Merge(app.resources.vcpus, variant.resources.vcpus),
                      Merge(app.resources.memory_mib, variant.resources.memory_mib),
                      Merge(app.resources.gpus, variant.resources.gpus),
                      Merge(app.resources.nodes, variant.resources.nodes),
                      Merge(app.resources.walltime_seconds, variant.resources.walltime_seconds)};
}

template <typename T, typename Format>
Status CheckLimits(std::string_view what, T value, const Bounded<T>& limits, Format format) {
  if (limits.min && value < *limits.min) {
    return InvalidArgumentError(fmt::format("{} {} is below the app's minimum of {}", what,
                                            format(value), format(*limits.min)));
  }
  if (limits.max && value > *limits.max) {
    return InvalidArgumentError(fmt::format("{} {} is above the app's maximum of {}", what,
                                            format(value), format(*limits.max)));
  }
  return Status::Ok();
}

Result<sched::Resources> ResolveResources(const AppSpec& app, const Variant& variant,
                                          const RenderRequest& request) {
  const ResourceSpec limits = MergedResources(app, variant);
  sched::Resources r = DefaultResources(app, variant);
  if (request.vcpus) r.vcpus = *request.vcpus;
  if (request.memory_mib) r.memory_mib = *request.memory_mib;
  if (request.walltime_seconds) r.walltime_seconds = *request.walltime_seconds;
  if (request.nodes) r.nodes = *request.nodes;
  if (r.vcpus < 1) return InvalidArgumentError(fmt::format("vcpus must be >= 1; got {}", r.vcpus));
  if (r.memory_mib < 1) {
    return InvalidArgumentError(fmt::format("memory must be >= 1MiB; got {}MiB", r.memory_mib));
  }
  if (r.walltime_seconds < 1) {
    return InvalidArgumentError(fmt::format("walltime must be >= 1s; got {}s", r.walltime_seconds));
  }
  if (r.nodes < 1) return InvalidArgumentError(fmt::format("nodes must be >= 1; got {}", r.nodes));
  const auto plain = [](auto v) { return fmt::format("{}", v); };
  RETURN_IF_ERROR(CheckLimits("vcpus", r.vcpus, limits.vcpus, plain));
  RETURN_IF_ERROR(CheckLimits("memory", r.memory_mib, limits.memory_mib, FormatMemoryMiB));
  RETURN_IF_ERROR(CheckLimits("gpus", r.gpus, limits.gpus, plain));
  RETURN_IF_ERROR(CheckLimits("nodes", r.nodes, limits.nodes, plain));
  RETURN_IF_ERROR(
      CheckLimits("walltime", r.walltime_seconds, limits.walltime_seconds, FormatDuration));
  if ((variant.parallelism == Parallelism::kSerial ||
       variant.parallelism == Parallelism::kOpenMp) &&
      r.nodes != 1) {
    return InvalidArgumentError(fmt::format("variant {} ({}) runs on one node; got nodes {}",
                                            variant.name, ParallelismName(variant.parallelism),
                                            r.nodes));
  }
  return r;
}

// Resolves the user's name=value pairs plus defaults into canonical values; reports all problems.
Result<std::map<std::string, std::string>> ResolveParameters(const AppSpec& app,
                                                             const RenderRequest& request) {
  std::map<std::string, std::string> values;
  std::vector<std::string> errors;
  for (const auto& [name, raw] : request.params) {
    const Parameter* p = app.FindParameter(name);
    if (p == nullptr) {
      std::string message =
          fmt::format("unknown parameter {} for app {}", QuoteForMessage(name), app.name);
      const std::string guess = internal::Suggest(name, app.ParameterNames());
      if (!guess.empty()) {
        message += fmt::format(" (did you mean {}?)", guess);
      } else if (!app.parameters.empty()) {
        message += fmt::format("; it has {}", JoinOr(app.ParameterNames()));
      } else {
        message += "; it has no parameters";
      }
      errors.push_back(std::move(message));
      continue;
    }
    if (values.count(name) > 0) {
      errors.push_back(fmt::format("parameter {} is given more than once", name));
      continue;
    }
    Result<std::string> canonical = CanonicalizeValue(*p, raw);
    if (!canonical.ok()) {
      errors.push_back(fmt::format("parameter {}: {}", name, canonical.status().message()));
      continue;
    }
    values[name] = *std::move(canonical);
  }
  for (const Parameter& p : app.parameters) {
    if (values.count(p.name) > 0) continue;
    if (p.default_value) {
      values[p.name] = *p.default_value;
    } else if (p.required) {
      errors.push_back(fmt::format("missing required parameter {} ({}{}{})", p.name,
                                   ParamTypeName(p.type), p.description.empty() ? "" : ": ",
                                   p.description));
    }
  }
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors) message += (message.empty() ? "" : "; ") + e;
    return InvalidArgumentError(std::move(message));
  }
  return values;
}

// The lookup used by ExpandTemplate for one job.
struct Context {
  const AppSpec& app;
  const std::string& variant;
  const std::map<std::string, std::string>& params;
  const sched::Resources& resources;

  std::optional<std::string> operator()(std::string_view ref) const {
    if (ref.starts_with("params.")) {
      const auto it = params.find(std::string(ref.substr(7)));
      if (it == params.end()) return std::nullopt;
      return it->second;
    }
    if (ref == "resources.vcpus") return std::to_string(resources.vcpus);
    if (ref == "resources.totalVcpus") {
      return std::to_string(static_cast<std::int64_t>(resources.vcpus) * resources.nodes);
    }
    if (ref == "resources.memoryMiB") return std::to_string(resources.memory_mib);
    if (ref == "resources.gpus") return std::to_string(resources.gpus);
    if (ref == "resources.nodes") return std::to_string(resources.nodes);
    if (ref == "resources.walltimeSeconds") return std::to_string(resources.walltime_seconds);
    if (ref == "app.name") return app.name;
    if (ref == "app.version") return app.version;
    if (ref == "app.dir") return app.dir;
    if (ref == "variant.name") return variant;
    return std::nullopt;
  }

  // An `if: params.NAME` holds when the parameter has a value (a bool: when it is true).
  bool Holds(const std::string& condition) const {
    if (condition.empty()) return true;
    const auto it = params.find(condition);
    if (it == params.end()) return false;
    const Parameter* p = app.FindParameter(condition);
    return p == nullptr || p->type != ParamType::kBool || it->second == "true";
  }
};

Result<std::vector<std::string>> RenderCommand(const std::vector<CommandElement>& command,
                                               const Context& context) {
  std::vector<std::string> argv;
  for (const CommandElement& element : command) {
    if (!context.Holds(element.condition)) continue;
    for (const Template& arg : element.args) {
      ASSIGN_OR_RETURN_CTX(std::string value, ExpandTemplate(arg, std::cref(context)),
                           fmt::format("command element {}", QuoteForMessage(arg.source)));
      argv.push_back(std::move(value));
    }
  }
  return argv;
}

Result<std::vector<sched::InputFile>> RenderInputs(const AppSpec& app, const Context& context) {
  namespace fs = std::filesystem;
  std::vector<sched::InputFile> inputs;
  for (const InputSpec& input : app.inputs) {
    if (!context.Holds(input.condition)) continue;
    const std::string what = fmt::format("input {}", input.name);
    ASSIGN_OR_RETURN_CTX(std::string source, ExpandTemplate(input.source, std::cref(context)),
                         what);
    if (source.starts_with("s3://")) {
      RETURN_IF_ERROR_CTX(ValidateS3Uri(source), what);
    } else {
      RETURN_IF_ERROR_CTX(ValidatePath(source, true), what);
      if (!source.starts_with("/") && !app.dir.empty()) {
        source = (fs::path(app.dir) / source).lexically_normal().string();
      }
    }
    std::string destination;
    if (!input.destination.source.empty()) {
      ASSIGN_OR_RETURN_CTX(destination, ExpandTemplate(input.destination, std::cref(context)),
                           what);
    } else {
      std::string_view trimmed = source;
      while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
      destination = std::string(trimmed.substr(trimmed.find_last_of('/') + 1));
    }
    RETURN_IF_ERROR_CTX(ValidatePath(destination, false),
                        fmt::format("input {} destination", input.name));
    inputs.push_back(sched::InputFile{std::move(source), std::move(destination)});
  }
  return inputs;
}

}  // namespace

sched::Resources DefaultResources(const AppSpec& app, const Variant& variant) {
  const ResourceSpec merged = MergedResources(app, variant);
  sched::Resources r;
  r.vcpus = merged.vcpus.value.value_or(r.vcpus);
  r.memory_mib = merged.memory_mib.value.value_or(r.memory_mib);
  r.gpus = merged.gpus.value.value_or(r.gpus);
  r.nodes = merged.nodes.value.value_or(r.nodes);
  r.walltime_seconds = merged.walltime_seconds.value.value_or(r.walltime_seconds);
  return r;
}

Result<sched::JobRequest> Render(const AppSpec& app, const RenderRequest& request) {
  const std::string& variant_name = request.variant.empty() ? app.default_variant : request.variant;
  const Variant* variant = app.FindVariant(variant_name);
  if (variant == nullptr) {
    std::string message =
        fmt::format("unknown variant {} for app {}; expected {}", QuoteForMessage(variant_name),
                    app.name, JoinOr(app.VariantNames()));
    const std::string guess = internal::Suggest(variant_name, app.VariantNames());
    if (!guess.empty()) message += fmt::format(" (did you mean {}?)", guess);
    return InvalidArgumentError(std::move(message));
  }
  sched::JobRequest job;
  job.app = app.name;
  job.app_version = app.version;
  job.variant = variant->name;
  ASSIGN_OR_RETURN(job.parameters, ResolveParameters(app, request));
  ASSIGN_OR_RETURN(job.resources, ResolveResources(app, *variant, request));
  const Context context{app, variant->name, job.parameters, job.resources};

  const std::vector<CommandElement>& command =
      variant->command.empty() ? app.command : variant->command;
  ASSIGN_OR_RETURN(job.argv, RenderCommand(command, context));
  if (job.argv.empty() || job.argv.front().empty()) {
    return InvalidArgumentError(
        fmt::format("variant {} renders an empty command (argv[0] is empty)", variant->name));
  }
  for (const auto* env : {&app.environment, &variant->environment}) {
    for (const EnvVar& var : *env) {
      if (!context.Holds(var.condition)) {
        job.environment.erase(var.name);
        continue;
      }
      ASSIGN_OR_RETURN_CTX(job.environment[var.name], ExpandTemplate(var.value, std::cref(context)),
                           fmt::format("environment {}", var.name));
    }
  }
  ASSIGN_OR_RETURN(job.inputs, RenderInputs(app, context));
  job.performance_parser = app.performance_parser;
  job.max_attempts = app.retries.attempts;
  return job;
}

Result<std::vector<std::string>> RenderResumeArgs(const AppSpec& app,
                                                  const sched::JobRequest& job) {
  const Context context{app, job.variant, job.parameters, job.resources};
  return RenderCommand(app.checkpoint.resume, context);
}

}  // namespace awshpc::spec
