// File: generator.cpp
// The registry of run-directory generators and the ones built into aws-hpc.
#include "awshpc/apps/generator.hpp"

#include <fmt/format.h>

#include "awshpc/apps/geoschem/generator.hpp"
#include "awshpc/core/text.hpp"

namespace awshpc::apps {

std::string RunGenerator::BucketRegion(std::string_view bucket) const {
  for (const auto& [name, region] : buckets) {
    if (name == bucket) return region;
  }
  // Another bucket (a private mirror): asked in the default bucket's region.
  return buckets.empty() ? std::string("us-east-1") : buckets.front().second;
}

Status GeneratorRegistry::Register(RunGenerator generator) {
  if (generator.app.empty() || !generator.prepare) {
    return InvalidArgumentError("a run-directory generator needs an app name and a prepare step");
  }
  const std::string name = generator.app;
  if (!generators_.emplace(name, std::move(generator)).second) {
    return AlreadyExistsError("app " + name + " already has a run-directory generator");
  }
  return Status::Ok();
}

Result<const RunGenerator*> GeneratorRegistry::Find(std::string_view app) const {
  if (auto it = generators_.find(app); it != generators_.end()) return &it->second;
  return InvalidArgumentError(fmt::format(
      "app {} has no run-directory generator (apps with one: {}; see "
      "docs/adding-applications.md)",
      QuoteForMessage(app), generators_.empty() ? std::string("none") : JoinOr(Names())));
}

std::vector<std::string> GeneratorRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, generator] : generators_) names.push_back(name);
  return names;
}

const GeneratorRegistry& GeneratorRegistry::Builtin() {
  static const GeneratorRegistry registry = [] {
    GeneratorRegistry r;
    // One line per app with a generator.
    Status registered = r.Register(geoschem::MakeGenerator());
    (void)registered;  // names are distinct by construction; the registry test checks them
    return r;
  }();
  return registry;
}

Status AttachSuccessRule(const GeneratorRegistry& registry, const std::string& app_dir,
                         sched::JobRequest& request) {
  auto generator = registry.Find(request.app);
  if (!generator.ok()) return Status::Ok();  // no generator: the exit code decides
  ASSIGN_OR_RETURN_CTX(std::unique_ptr<PreparedRun> run,
                       (*generator)->prepare(app_dir, request.variant, request.parameters),
                       request.app + " (" + request.variant + ")");
  if (auto rule = run->SuccessCheck()) {
    request.environment[verdict::kSuccessRuleVariable] = verdict::EncodeSuccessRule(*rule);
  }
  return Status::Ok();
}

Status AttachArraySuccessRule(const GeneratorRegistry& registry, const std::string& app_dir,
                              const std::vector<sched::JobRequest>& tasks,
                              const std::vector<std::string>& rows, sched::JobRequest& job) {
  const auto row_name = [&](std::size_t i) {
    return i < rows.size() ? rows[i] : fmt::format("row {}", i + 1);
  };
  std::optional<std::string> common;
  std::size_t common_row = 0;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    sched::JobRequest task = tasks[i];
    task.environment.erase(verdict::kSuccessRuleVariable);
    RETURN_IF_ERROR_CTX(AttachSuccessRule(registry, app_dir, task), row_name(i));
    const auto it = task.environment.find(verdict::kSuccessRuleVariable);
    std::string rule = it == task.environment.end() ? std::string() : it->second;
    if (!common) {
      common = std::move(rule);
      common_row = i;
      continue;
    }
    if (rule == *common) continue;
    const auto summary = [](const std::string& text) {
      if (text.empty()) return std::string("judged by the exit code");
      auto decoded = verdict::DecodeSuccessRule(text);
      return decoded.ok() ? "success when " + decoded->summary : text;
    };
    return InvalidArgumentError(fmt::format(
        "{} and {} are judged by different success rules ({}; {}): the tasks of one array job "
        "share the job's environment, which carries one rule; submit them as separate arrays",
        row_name(common_row), row_name(i), summary(*common), summary(rule)));
  }
  if (common && !common->empty()) job.environment[verdict::kSuccessRuleVariable] = *common;
  return Status::Ok();
}

}  // namespace awshpc::apps
