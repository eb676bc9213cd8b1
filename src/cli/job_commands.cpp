// File: job_commands.cpp
// `aws-hpc job submit|list|status|logs|cancel|wait`.
#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <cstdio>
#include <iostream>
#include <set>

#include "awshpc/apps/generator.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/logs.hpp"
#include "awshpc/batch/array.hpp"
#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/batch/batch_logs.hpp"
#include "awshpc/batch/param_file.hpp"
#include "awshpc/batch/purchase.hpp"
#include "awshpc/batch/rate.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"
#include "awshpc/cost/budget.hpp"
#include "awshpc/spec/render.hpp"
#include "commands.hpp"
#include "job_view.hpp"

namespace awshpc::cli {
namespace {

using sched::Job;
using sched::JobState;

struct SubmitOptions {
  std::string app;
  std::string variant;
  std::vector<std::string> params;
  std::optional<int> vcpus;
  std::string memory;
  std::string walltime;
  std::string name;
  int priority = 0;
  std::string backend = "local";
  std::optional<int> retries;
  std::string project;
  bool wait = false;
  std::string timeout;
  bool quiet = false;
  bool over_budget = false;
  // --backend batch
  std::string arch;
  std::string purchase = "auto";
  std::string queue;
  std::int64_t array_size = 0;
  std::vector<std::string> depends_on;
  std::vector<int> retry_on_exit_codes;
  bool no_retry_on_spot = false;
  std::string bucket;
  std::string param_file;
};

bool IsBatch(const Job& job) { return job.request.backend == batch::kBackendName; }

// Brings a Batch job up to date before it is shown; local jobs need nothing.
Status SyncIfBatch(CliContext& context, const Job& job) {
  if (!IsBatch(job) || sched::IsTerminal(job.state)) return Status::Ok();
  ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
  return backend->Sync({job.id});
}

// "j-4x7kq2mz", "j-4x7k:N_TO_N", "j-4x7k:SEQUENTIAL" -> a dependency on a resolved job id.
Result<batch::Dependency> ParseDependency(CliContext& context, const std::string& text) {
  batch::Dependency dependency;
  std::string id = text;
  if (const std::size_t colon = text.find(':'); colon != std::string::npos) {
    id = text.substr(0, colon);
    dependency.type = text.substr(colon + 1);
    if (dependency.type != "N_TO_N" && dependency.type != "SEQUENTIAL") {
      return InvalidArgumentError("--depends-on " + QuoteForMessage(text) +
                                  ": the type after ':' must be N_TO_N or SEQUENTIAL");
    }
  }
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  ASSIGN_OR_RETURN_CTX(dependency.job_id, store->ResolveId(id), "--depends-on");
  return dependency;
}

std::string CurrentUser() {
  if (const passwd* entry = ::getpwuid(::getuid()); entry && entry->pw_name) {
    return entry->pw_name;
  }
  const char* user = std::getenv("USER");
  return user ? user : "unknown";
}

Result<Job> LoadJob(CliContext& context, const std::string& id_or_prefix) {
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  ASSIGN_OR_RETURN(std::string id, store->ResolveId(id_or_prefix));
  return store->Get(id);
}

// Reconciling first means a job whose supervisor vanished is reported as such, not RUNNING.
Status ReconcileLocal(CliContext& context) {
  ASSIGN_OR_RETURN(backend::LocalBackend * local, context.Local());
  return local->Reconcile();
}

int ExitCodeForFinishedJob(const Job& job) {
  switch (job.state) {
    case JobState::kSucceeded:
      return kExitOk;
    case JobState::kCancelled:
      return kExitJobCancelled;
    default:
      return kExitJobFailed;
  }
}

// Polls the store until the job ends; backs off from 20 ms to 500 ms between looks.
Result<Job> WaitForJob(CliContext& context, const std::string& id, double timeout_seconds,
                       bool show_progress) {
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  const double deadline = timeout_seconds > 0 ? MonotonicSeconds() + timeout_seconds : 0;
  double pause = 0.02;
  double next_reconcile = MonotonicSeconds() + 2;
  JobState last_state = JobState::kPending;
  bool first = true;
  while (true) {
    ASSIGN_OR_RETURN(Job job, store->Get(id));
    if (IsBatch(job)) {
      RETURN_IF_ERROR(SyncIfBatch(context, job));
      ASSIGN_OR_RETURN(job, store->Get(id));
    }
    if (show_progress && (first || job.state != last_state)) {
      std::cerr << fmt::format("{}  {}  {}\n", job.id, sched::JobStateName(job.state), job.reason);
      last_state = job.state;
      first = false;
    }
    if (sched::IsTerminal(job.state)) return job;
    const double now = MonotonicSeconds();
    if (deadline > 0 && now >= deadline) {
      return DeadlineExceededError(
          fmt::format("job {} is still {} after --timeout", id, sched::JobStateName(job.state)));
    }
    if (now >= next_reconcile && job.request.backend == "local") {
      RETURN_IF_ERROR(ReconcileLocal(context));
      next_reconcile = now + 2;
    }
    ::usleep(static_cast<useconds_t>(pause * 1e6));
    // Batch jobs are polled with DescribeJobs: a few seconds apart, not twice a second.
    pause = std::min(pause * 1.5, IsBatch(job) ? 5.0 : 0.5);
  }
}

Result<double> ParseTimeout(const std::string& text) {
  if (text.empty()) return 0.0;
  ASSIGN_OR_RETURN_CTX(std::int64_t seconds, ParseDurationSeconds(text), "--timeout");
  return static_cast<double>(seconds);
}

// The Batch side of a job: queue, Batch job ids, array summary and each attempt.
nlohmann::ordered_json BatchLinkToJson(const batch::BatchJobLink& link) {
  nlohmann::ordered_json j = {{"region", link.region},
                              {"queue", link.queue},
                              {"jobDefinition", link.definition},
                              {"batchJobIds", link.batch_ids},
                              {"status", link.batch_status},
                              {"statusReason", link.status_reason}};
  if (link.array_size > 0) {
    j["arraySize"] = link.array_size;
    nlohmann::ordered_json summary = nlohmann::ordered_json::object();
    for (const auto& [status, count] : link.status_summary) summary[status] = count;
    j["arrayStatusSummary"] = summary;
  }
  nlohmann::ordered_json attempts = nlohmann::ordered_json::array();
  for (const batch::AttemptRecord& a : link.attempts) {
    nlohmann::ordered_json attempt = {{"statusReason", a.status_reason},
                                      {"logStream", a.log_stream}};
    if (a.exit_code) attempt["exitCode"] = *a.exit_code;
    if (!a.instance_type.empty()) attempt["instanceType"] = a.instance_type;
    if (a.started_at) attempt["startedAt"] = FormatIso8601(*a.started_at);
    if (a.stopped_at) attempt["stoppedAt"] = FormatIso8601(*a.stopped_at);
    attempts.push_back(std::move(attempt));
  }
  j["attempts"] = attempts;
  return j;
}

std::string BatchLinkText(const batch::BatchJobLink& link) {
  std::string text = fmt::format("Batch queue:   {} ({})\n", link.queue, link.region);
  text += fmt::format("Batch jobs:    {}\n", fmt::join(link.batch_ids, ", "));
  if (link.array_size > 0) {
    std::vector<std::string> counts;
    for (const auto& [status, count] : link.status_summary) {
      counts.push_back(fmt::format("{} {}", count, status));
    }
    text += fmt::format("Array:         {} tasks{}{}\n", link.array_size,
                        counts.empty() ? "" : ": ", fmt::join(counts, ", "));
  }
  int number = 0;
  for (const batch::AttemptRecord& a : link.attempts) {
    ++number;
    text += fmt::format("Attempt {}:     exit {}{}{}\n", number,
                        a.exit_code ? std::to_string(*a.exit_code) : "-",
                        a.status_reason.empty() ? "" : ", " + a.status_reason,
                        a.log_stream.empty() ? "" : ", log " + a.log_stream);
  }
  return text;
}

void PrintJob(CliContext& context, const Job& job) {
  std::optional<batch::BatchJobLink> link;
  if (IsBatch(job)) {
    if (auto backend = context.Batch(); backend.ok()) {
      if (auto found = (*backend)->Link(job.id); found.ok()) link = std::move(*found);
    }
  }
  if (context.Format() == OutputFormat::kTable) {
    std::cout << JobDetailText(job);
    if (link) std::cout << BatchLinkText(*link);
  } else {
    nlohmann::ordered_json j = JobToJson(job);
    if (link) j["batch"] = BatchLinkToJson(*link);
    PrintStructured(j, context.Format());
  }
}

// What the estimate line prices for a Batch submission, before routing picks the queue: the
// image's architecture (--arch, else the variant's first, as the backend takes it) and the purchase
// option (--purchase, or what a --queue's compute environments buy). Other backends: on-demand on
// any type, as before.
cost::SubmissionPlan EstimatePlanFor(CliContext& context, const SubmitOptions& options,
                                     const spec::AppSpec& app, const sched::JobRequest& request) {
  cost::SubmissionPlan plan;
  if (options.backend != batch::kBackendName) return plan;
  // Priced where Batch will run it: the region the Batch commands resolve (AWS_REGION,
  // AWS_DEFAULT_REGION, the platform's state file, the profile).
  if (auto aws = context.Aws(); aws.ok()) {
    if (auto region = (*aws)->Region(); region.ok()) plan.region = region->region;
  }
  plan.arch = options.arch;
  if (plan.arch.empty()) {
    const spec::Variant* variant = app.FindVariant(request.variant);
    const std::vector<std::string>& archs =
        variant != nullptr ? app.ArchitecturesOf(*variant) : app.architectures;
    if (!archs.empty()) plan.arch = archs.front();
  }
  if (request.resources.nodes > 1) return plan;  // multi-node jobs run on on-demand only
  std::string purchase = options.purchase == "ondemand" ? "on-demand" : options.purchase;
  std::string why;
  if (!options.queue.empty()) {
    // A named queue buys as its environments do (one DescribeJobQueues and
    // DescribeComputeEnvironments; the backend asks again when it records the job).
    purchase.clear();
    if (auto aws = context.Aws(); aws.ok()) {
      if (auto client = batch::MakeRateLimitedBatchClient(**aws, aws::Environment::System());
          client.ok()) {
        if (auto described = batch::DescribeQueuePurchase(*client, options.queue); described.ok()) {
          purchase = *described;
        }
      }
    }
    why = "queue " + options.queue;
  }
  if (purchase == "spot") {
    plan.spot = true;
    plan.purchase_label = why.empty() ? "spot" : "spot, " + why;
  } else if (purchase == "on-demand") {
    plan.purchase_label = why.empty() ? "on-demand" : "on-demand, " + why;
  } else if (purchase == "auto" || purchase == "mixed") {
    // Spot first with an on-demand fallback: which one runs it is not known, so the upper bound
    // (as `cost report` prices a mixed queue).
    plan.purchase_label = why.empty() ? "on-demand assumed for --purchase auto, the upper bound"
                                      : "on-demand assumed, the upper bound: " + why +
                                            " has spot and on-demand environments";
  } else if (!why.empty()) {
    plan.purchase_label = "on-demand assumed: the purchase option of " + why + " is not known";
  }
  return plan;
}

Status Submit(CliContext& context, const SubmitOptions& options, CommandResult& result) {
  ASSIGN_OR_RETURN(const spec::AppSpec* app, context.Catalog().Find(options.app));
  spec::RenderRequest render;
  render.variant = options.variant;
  for (const std::string& param : options.params) {
    const std::size_t eq = param.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("--param " + QuoteForMessage(param) + ": expected NAME=VALUE");
    }
    render.params.emplace_back(param.substr(0, eq), param.substr(eq + 1));
  }
  render.vcpus = options.vcpus;
  if (!options.memory.empty()) {
    ASSIGN_OR_RETURN_CTX(render.memory_mib, ParseMemoryMiB(options.memory), "--memory");
  }
  if (!options.walltime.empty()) {
    ASSIGN_OR_RETURN_CTX(render.walltime_seconds, ParseDurationSeconds(options.walltime),
                         "--walltime");
  }
  ASSIGN_OR_RETURN(double timeout, ParseTimeout(options.timeout));
  // --param-file: one array task per CSV row, each row validated and rendered now.
  std::string tasks_path;
  std::int64_t task_count = 0;
  std::optional<sched::JobRequest> first_task;
  sched::JobRequest array_rule;  // the rows' common success rule, in its environment
  if (!options.param_file.empty()) {
    if (options.backend != batch::kBackendName) {
      return InvalidArgumentError("--param-file needs --backend batch (an AWS Batch array job)");
    }
    if (options.array_size != 0) {
      return InvalidArgumentError("--param-file and --array: the file's rows are the array");
    }
    ASSIGN_OR_RETURN_CTX(std::string text, ReadFileToString(options.param_file, 64u << 20),
                         "--param-file");
    ASSIGN_OR_RETURN(batch::TaskTable table, batch::ParseTaskCsv(text, options.param_file));
    ASSIGN_OR_RETURN(std::vector<sched::JobRequest> tasks,
                     batch::RenderTasks(*app, render, table, options.param_file));
    // Every row judged by its files (GEOS-Chem) is prepared now; the job carries their rule.
    std::vector<std::string> rows;
    for (int line : table.lines) rows.push_back(fmt::format("{}:{}", options.param_file, line));
    RETURN_IF_ERROR(apps::AttachArraySuccessRule(apps::GeneratorRegistry::Builtin(), app->dir,
                                                 tasks, rows, array_rule));
    task_count = static_cast<std::int64_t>(tasks.size());
    first_task = tasks.front();
    ASSIGN_OR_RETURN(std::string home, context.Home());
    tasks_path = fmt::format("{}/tasks-{}.json", home, ::getpid());
    RETURN_IF_ERROR(WriteFileAtomically(tasks_path, batch::TasksJson(tasks)));
  }
  sched::JobRequest request;
  if (first_task) {
    // The job's own command picks its row: aws-hpc-stage exec (see docs/batch.md).
    request = *first_task;
    request.argv = {"aws-hpc-stage", "exec"};
    request.environment = {{batch::kTasksFileEnv, batch::kTasksFileName}};
    if (task_count == 1) request.environment[batch::kArrayIndexEnv] = "0";
    request.environment.insert(array_rule.environment.begin(), array_rule.environment.end());
    request.inputs.push_back({tasks_path, batch::kTasksFileName});
  } else {
    ASSIGN_OR_RETURN_CTX(request, spec::Render(*app, render), options.app);
    // An app that judges success by its files (GEOS-Chem) sends its rule with the job.
    RETURN_IF_ERROR(apps::AttachSuccessRule(apps::GeneratorRegistry::Builtin(), app->dir, request));
  }
  request.name = options.name.empty() ? request.app : options.name;
  request.priority = options.priority;
  request.backend = options.backend;
  request.user = CurrentUser();
  request.project = options.project;
  if (options.retries) {
    if (*options.retries < 0 || *options.retries > 9) {
      return InvalidArgumentError("--retries must be between 0 and 9");
    }
    request.max_attempts = *options.retries + 1;
  }
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  ASSIGN_OR_RETURN(std::string home, context.Home());
  ASSIGN_OR_RETURN(cost::SubmissionCheck cost_check,
                   cost::CheckSubmission(home + "/jobs.db", *store, request, options.over_budget,
                                         SystemClock::Instance(),
                                         EstimatePlanFor(context, options, *app, request)));
  if (!options.quiet) std::cerr << cost_check.estimate_line << "\n";
  for (const std::string& alert : cost_check.alert_lines) std::cerr << alert << "\n";
  Job job;
  if (options.backend == batch::kBackendName) {
    batch::BatchSubmitOptions batch_options;
    batch_options.arch = options.arch;
    batch_options.purchase = options.purchase;
    batch_options.queue = options.queue;
    batch_options.array_size = task_count > 1 ? task_count : options.array_size;
    batch_options.retry_on_exit_codes = options.retry_on_exit_codes;
    batch_options.retry_on_spot_interruption = !options.no_retry_on_spot;
    for (const std::string& text : options.depends_on) {
      ASSIGN_OR_RETURN(batch::Dependency dependency, ParseDependency(context, text));
      batch_options.depends_on.push_back(std::move(dependency));
    }
    ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
    if (!options.bucket.empty()) {
      ASSIGN_OR_RETURN(aws::s3::S3Client * s3, context.S3());
      backend->SetStaging(s3, options.bucket);
    }
    auto submitted = backend->Submit(*app, request, batch_options);
    if (!tasks_path.empty()) ::unlink(tasks_path.c_str());
    ASSIGN_OR_RETURN(job, std::move(submitted));
  } else {
    ASSIGN_OR_RETURN(backend::LocalBackend * local, context.Local());
    ASSIGN_OR_RETURN(job, local->Submit(request));
  }
  if (!options.wait) {
    if (context.Format() == OutputFormat::kTable) {
      std::cout << fmt::format("Submitted {} ({} {}, {} vCPU) - {}\n", job.id, request.app,
                               request.variant, request.resources.vcpus,
                               sched::JobStateName(job.state));
    } else {
      PrintJob(context, job);
    }
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(Job finished,
                   WaitForJob(context, job.id, timeout, context.Format() == OutputFormat::kTable));
  PrintJob(context, finished);
  result.exit_code = ExitCodeForFinishedJob(finished);
  return Status::Ok();
}

// One DescribeJobs per 100 live Batch jobs; nothing at all (not even AWS set-up) when there are
// none.
Status SyncLiveBatchJobs(CliContext& context) {
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  store::JobFilter live;
  live.backend = std::string(batch::kBackendName);
  for (JobState state : sched::kAllJobStates) {
    if (!sched::IsTerminal(state)) live.states.push_back(state);
  }
  ASSIGN_OR_RETURN(std::int64_t count, store->Count(live));
  if (count == 0) return Status::Ok();
  ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
  return backend->Sync();
}

Status List(CliContext& context, const std::vector<std::string>& states, std::size_t limit,
            const std::string& app) {
  RETURN_IF_ERROR(ReconcileLocal(context));
  RETURN_IF_ERROR(SyncLiveBatchJobs(context));
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  store::JobFilter filter;
  for (const std::string& state : states) {
    ASSIGN_OR_RETURN_CTX(JobState parsed, sched::ParseJobState(state), "--status");
    filter.states.push_back(parsed);
  }
  filter.app = app;
  filter.limit = limit;
  ASSIGN_OR_RETURN(std::vector<Job> jobs, store->List(filter));
  if (context.Format() == OutputFormat::kTable) {
    std::cout << JobListTable(jobs);
  } else {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Job& job : jobs) list.push_back(JobToJson(job));
    PrintStructured(list, context.Format());
  }
  return Status::Ok();
}

Status Status_(CliContext& context, const std::string& id) {
  RETURN_IF_ERROR(ReconcileLocal(context));
  ASSIGN_OR_RETURN(Job job, LoadJob(context, id));
  if (IsBatch(job)) {
    RETURN_IF_ERROR(SyncIfBatch(context, job));
    ASSIGN_OR_RETURN(job, LoadJob(context, job.id));
  }
  PrintJob(context, job);
  return Status::Ok();
}

// Prints the last `tail` lines of `text` (all when tail is 0).
std::string LastLines(const std::string& text, std::size_t tail) {
  if (tail == 0) return text;
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (std::size_t lines = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++lines == tail) break;
  }
  return text.substr(pos);
}

// CloudWatch Logs of each Batch attempt (Batch merges stdout and stderr into one stream). With
// follow, polls the job and its streams every 2 s until the job ends.
Status BatchLogs(CliContext& context, Job job, bool follow, std::size_t tail) {
  ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
  ASSIGN_OR_RETURN(aws::AwsContext * aws, context.Aws());
  ASSIGN_OR_RETURN(aws::logs::LogsClient logs, aws::logs::LogsClient::Create(*aws));
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  batch::LogCursor cursor;
  std::set<int> headed;
  bool first = true;
  while (true) {
    RETURN_IF_ERROR(SyncIfBatch(context, job));
    ASSIGN_OR_RETURN(job, store->Get(job.id));
    ASSIGN_OR_RETURN(batch::BatchJobLink link, backend->Link(job.id));
    ASSIGN_OR_RETURN(std::vector<batch::AttemptLines> attempts,
                     batch::ReadNewLogLines(logs, link, cursor));
    for (const batch::AttemptLines& attempt : attempts) {
      if (link.attempts.size() > 1 && headed.insert(attempt.attempt).second) {
        std::cout << fmt::format("==> attempt {} ({}) <==\n", attempt.attempt, attempt.stream);
      }
      std::string text;
      for (const std::string& line : attempt.lines) text += line + "\n";
      std::cout << (first && attempts.size() == 1 ? LastLines(text, tail) : text);
    }
    std::cout << std::flush;
    if (first && attempts.empty() && !follow) {
      std::cerr << fmt::format("{} has no log stream yet ({})\n", job.id,
                               sched::JobStateName(job.state));
    }
    first = false;
    if (!follow || sched::IsTerminal(job.state)) return Status::Ok();
    ::sleep(2);
  }
}

Status Logs(CliContext& context, const std::string& id, bool follow, bool stderr_stream,
            std::size_t tail) {
  ASSIGN_OR_RETURN(Job job, LoadJob(context, id));
  if (IsBatch(job)) return BatchLogs(context, job, follow, tail);
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  const std::string file = stderr_stream ? "stderr.log" : "stdout.log";
  // A queued job has no directory yet: follow waits for it.
  std::size_t offset = 0;
  bool first = true;
  while (true) {
    const bool was_terminal = sched::IsTerminal(job.state);
    if (!job.runtime.work_dir.empty()) {
      auto text = ReadFileToString(job.runtime.work_dir + "/" + file, std::size_t{1} << 34);
      if (text.ok() && text->size() > offset) {
        std::string chunk = text->substr(offset);
        if (first) chunk = LastLines(chunk, tail);
        std::cout << chunk << std::flush;
        offset = text->size();
      }
      first = false;
    }
    if (!follow || was_terminal) return Status::Ok();
    ::usleep(200'000);
    ASSIGN_OR_RETURN(job, store->Get(job.id));
  }
}

Status Cancel(CliContext& context, const std::string& id) {
  ASSIGN_OR_RETURN(Job job, LoadJob(context, id));
  if (IsBatch(job)) {
    ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
    RETURN_IF_ERROR(backend->Cancel(job.id, "cancelled by " + CurrentUser()));
    RETURN_IF_ERROR(backend->Sync({job.id}));
  } else {
    ASSIGN_OR_RETURN(backend::LocalBackend * local, context.Local());
    RETURN_IF_ERROR(local->Cancel(job.id, "cancelled by " + CurrentUser()));
  }
  ASSIGN_OR_RETURN(Job cancelled, LoadJob(context, job.id));
  if (context.Format() == OutputFormat::kTable) {
    std::cout << fmt::format("{} {}  {}\n", cancelled.id,
                             StyledState(std::string(sched::JobStateName(cancelled.state))),
                             cancelled.reason);
  } else {
    PrintJob(context, cancelled);
  }
  return Status::Ok();
}

// `job watch [ID]...`: one line per state change of the given jobs (else of every job live when
// the watch starts) until they have all ended. Local jobs are reconciled and Batch jobs synced
// (one DescribeJobs per 100) on each look.
Status Watch(CliContext& context, const std::vector<std::string>& ids_or_prefixes,
             const std::string& interval_text, CommandResult& result) {
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  double interval = 2.0;
  if (!interval_text.empty()) {
    ASSIGN_OR_RETURN_CTX(std::int64_t seconds, ParseDurationSeconds(interval_text), "--interval");
    interval = std::max<double>(1.0, static_cast<double>(seconds));
  }
  std::vector<std::string> ids;
  for (const std::string& text : ids_or_prefixes) {
    ASSIGN_OR_RETURN(std::string id, store->ResolveId(text));
    ids.push_back(std::move(id));
  }
  if (ids.empty()) {
    store::JobFilter live;
    for (JobState state : sched::kAllJobStates) {
      if (!sched::IsTerminal(state)) live.states.push_back(state);
    }
    ASSIGN_OR_RETURN(std::vector<Job> jobs, store->List(live));
    for (const Job& job : jobs) ids.push_back(job.id);
    if (ids.empty()) {
      std::cerr << "no live jobs to watch\n";
      return Status::Ok();
    }
  }
  std::map<std::string, std::size_t> seen;  // id -> history entries already printed
  int exit_code = kExitOk;
  while (true) {
    RETURN_IF_ERROR(ReconcileLocal(context));
    RETURN_IF_ERROR(SyncLiveBatchJobs(context));
    bool all_done = true;
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(Job job, store->Get(id));
      for (std::size_t i = seen[id]; i < job.history.size(); ++i) {
        const sched::StateChange& change = job.history[i];
        const std::string state(sched::JobStateName(change.state));
        if (context.Format() == OutputFormat::kTable) {
          std::cout << fmt::format("{}  {}  {}  {}\n", FormatIso8601(change.time), job.id,
                                   StyledState(state), change.reason);
        } else {
          // One JSON document per line, for scripts that read as the job goes.
          std::cout << nlohmann::ordered_json{{"id", job.id},
                                              {"state", state},
                                              {"time", FormatIso8601(change.time)},
                                              {"reason", change.reason}}
                           .dump()
                    << "\n";
        }
      }
      seen[id] = job.history.size();
      if (!sched::IsTerminal(job.state)) {
        all_done = false;
      } else if (ExitCodeForFinishedJob(job) != kExitOk && exit_code == kExitOk) {
        exit_code = ExitCodeForFinishedJob(job);
      }
    }
    std::cout << std::flush;
    if (all_done) break;
    ::usleep(static_cast<useconds_t>(interval * 1e6));
  }
  result.exit_code = exit_code;
  return Status::Ok();
}

Status Wait(CliContext& context, const std::string& id, const std::string& timeout_text,
            CommandResult& result) {
  ASSIGN_OR_RETURN(double timeout, ParseTimeout(timeout_text));
  ASSIGN_OR_RETURN(Job job, LoadJob(context, id));
  ASSIGN_OR_RETURN(Job finished, WaitForJob(context, job.id, timeout, false));
  PrintJob(context, finished);
  result.exit_code = ExitCodeForFinishedJob(finished);
  return Status::Ok();
}

}  // namespace

void RegisterJobCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* job = root.add_subcommand("job", "Submit, follow and control jobs");
  job->require_subcommand(1);

  auto submit_options = std::make_shared<SubmitOptions>();
  CLI::App* submit =
      job->add_subcommand("submit",
                          "Submit a job of an application (see `aws-hpc app list`). An app with "
                          "a run-directory generator (geos-chem) is judged by the files its run "
                          "leaves, not by the exit code alone (docs/app-spec.md, Success rules)");
  submit->add_option("app", submit_options->app, "Application name")->required();
  submit->add_option("--variant", submit_options->variant,
                     "Variant of the application (default: the app's first)");
  submit->add_option("-p,--param", submit_options->params,
                     "Parameter as NAME=VALUE; repeat for several (see `aws-hpc app info APP`)");
  submit->add_option("--vcpus", submit_options->vcpus, "vCPUs (MPI ranks for MPI variants)");
  submit->add_option("--memory", submit_options->memory, "Memory, e.g. 2GiB or 512MiB");
  submit->add_option("--walltime", submit_options->walltime,
                     "Time limit, e.g. 90s, 30m, 1h30m, 01:30:00");
  submit->add_option("--name", submit_options->name, "Job name (default: the app name)");
  submit->add_option("--priority", submit_options->priority,
                     "Higher starts first among queued jobs (default 0)");
  submit
      ->add_option("--backend", submit_options->backend,
                   "Where to run: local (this machine) or batch (AWS Batch; deploy the app "
                   "first with `aws-hpc app deploy`)")
      ->check(CLI::IsMember({"local", "batch"}));
  submit->add_option("--retries", submit_options->retries,
                     "Retry a failed run up to N times (0-9; default: the app's)");
  submit->add_option("--project", submit_options->project, "Project to account the job to");
  submit->add_flag("--wait", submit_options->wait,
                   "Wait for the job to end; exit code 0 succeeded, 4 failed, 5 cancelled");
  submit->add_option("--timeout", submit_options->timeout, "With --wait: give up after this");
  submit->add_flag("--quiet", submit_options->quiet, "Do not print the cost estimate first");
  submit->add_flag("--over-budget", submit_options->over_budget,
                   "Submit even if the estimate exceeds what is left of the project's budget");
  // AWS Batch only.
  submit->add_option("--arch", submit_options->arch,
                     "batch: image architecture (default: the variant's first)");
  submit->add_option("--purchase", submit_options->purchase,
                     "batch: spot, ondemand or auto (spot first, then on-demand; default)");
  submit->add_option("--queue", submit_options->queue,
                     "batch: this job queue instead of the one routing picks");
  submit
      ->add_option("--array", submit_options->array_size,
                   "batch: an array of N tasks (each reads AWS_HPC_ARRAY_OFFSET + "
                   "AWS_BATCH_JOB_ARRAY_INDEX); over 10,000 are split into several Batch arrays")
      ->check(CLI::Range(std::int64_t{2}, std::int64_t{10'000'000}));
  submit->add_option("--param-file", submit_options->param_file,
                     "batch: an array with one task per row of this CSV (header: parameter "
                     "names); every row is checked now, each task runs its own row");
  submit->add_option("--depends-on", submit_options->depends_on,
                     "batch: start after these jobs, ID[:N_TO_N|SEQUENTIAL]; any number "
                     "(over 20 go through barrier jobs)");
  submit->add_option("--retry-on-exit-code", submit_options->retry_on_exit_codes,
                     "batch: retry only on these exit codes (default: the app's; at most 3)");
  submit->add_option("--bucket", submit_options->bucket,
                     "batch: platform bucket for inputs and outputs (default $AWS_HPC_BUCKET, else "
                     "the one `aws-hpc infra deploy` made)");
  submit->add_flag("--no-retry-on-spot", submit_options->no_retry_on_spot,
                   "batch: do not retry when a Spot instance is reclaimed");
  submit->callback([&context, &result, submit_options] {
    result.status = Submit(context, *submit_options, result);
  });

  auto states = std::make_shared<std::vector<std::string>>();
  auto limit = std::make_shared<std::size_t>(50);
  auto app_filter = std::make_shared<std::string>();
  CLI::App* list = job->add_subcommand("list", "List jobs, newest first");
  list->add_option("-s,--status", *states,
                   "Only jobs in these states (PENDING ... CANCELLED); repeatable");
  list->add_option("-n,--limit", *limit, "At most this many jobs; 0 for all (default 50)");
  list->add_option("--app", *app_filter, "Only jobs of this application");
  list->callback([&context, &result, states, limit, app_filter] {
    result.status = List(context, *states, *limit, *app_filter);
  });

  auto id = std::make_shared<std::string>();
  CLI::App* status = job->add_subcommand("status", "Show a job: state, history, usage, metrics");
  status->add_option("id", *id, "Job id or a unique prefix of one")->required();
  status->callback([&context, &result, id] { result.status = Status_(context, *id); });

  auto follow = std::make_shared<bool>(false);
  auto use_stderr = std::make_shared<bool>(false);
  auto tail = std::make_shared<std::size_t>(0);
  CLI::App* logs = job->add_subcommand("logs", "Print a job's output");
  logs->add_option("id", *id, "Job id or a unique prefix of one")->required();
  logs->add_flag("-f,--follow", *follow, "Keep printing new output until the job ends");
  logs->add_flag("--stderr", *use_stderr, "The error stream instead of standard output");
  logs->add_option("--tail", *tail, "Only the last N lines (then follow, with -f)");
  logs->callback([&context, &result, id, follow, use_stderr, tail] {
    result.status = Logs(context, *id, *follow, *use_stderr, *tail);
  });

  CLI::App* cancel = job->add_subcommand(
      "cancel", "Cancel a queued or running job (SIGTERM to its processes, then SIGKILL)");
  cancel->add_option("id", *id, "Job id or a unique prefix of one")->required();
  cancel->callback([&context, &result, id] { result.status = Cancel(context, *id); });

  auto timeout = std::make_shared<std::string>();
  CLI::App* wait = job->add_subcommand(
      "wait", "Wait for a job to end; exit code 0 succeeded, 4 failed, 5 cancelled, 6 timeout");
  wait->add_option("id", *id, "Job id or a unique prefix of one")->required();
  wait->add_option("--timeout", *timeout, "Give up after this long, e.g. 10m");
  wait->callback(
      [&context, &result, id, timeout] { result.status = Wait(context, *id, *timeout, result); });

  auto watch_ids = std::make_shared<std::vector<std::string>>();
  auto interval = std::make_shared<std::string>();
  CLI::App* watch = job->add_subcommand(
      "watch",
      "Print each state change of these jobs (default: every live job) until they all end;\n"
      "exit code 0 all succeeded, 4 one failed, 5 one was cancelled");
  watch->add_option("ids", *watch_ids, "Job ids or unique prefixes");
  watch->add_option("--interval", *interval, "Time between looks (default 2s, at least 1s)");
  watch->callback([&context, &result, watch_ids, interval] {
    result.status = Watch(context, *watch_ids, *interval, result);
  });
}

}  // namespace awshpc::cli
