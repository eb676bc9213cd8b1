// File: render.hpp
// Rendering an app spec with a user's parameters into a backend-neutral JobRequest: argv and
// environment (never a shell string), inputs, resources and retry policy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "awshpc/core/status.hpp"
#include "awshpc/sched/job.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::spec {

struct RenderRequest {
  std::string variant;  // empty: the app's default variant
  // Raw name=value pairs from the CLI, in order; unknown names and duplicates are errors.
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<int> vcpus;
  std::optional<std::int64_t> memory_mib;
  std::optional<std::int64_t> walltime_seconds;
  std::optional<int> nodes;
};

// Fills app, app_version, variant, parameters (canonical values incl. defaults), argv,
// environment, inputs (relative local sources made absolute against app.dir), resources (spec,
// then variant, then request; checked against the spec's limits), performance_parser and
// max_attempts. name, priority, backend, user and project are left for the caller.
Result<sched::JobRequest> Render(const AppSpec& app, const RenderRequest& request);

// The resources a variant gets before request overrides (spec defaults, variant overrides).
sched::Resources DefaultResources(const AppSpec& app, const Variant& variant);

// The argv elements to append when restarting `job` from a checkpoint (checkpoint.resume),
// rendered with the job's resolved parameters and resources. Empty if the app has none.
Result<std::vector<std::string>> RenderResumeArgs(const AppSpec& app, const sched::JobRequest& job);

}  // namespace awshpc::spec
