// File: batch_backend.cpp
#include "awshpc/batch/batch_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "awshpc/batch/array.hpp"
#include "awshpc/batch/multinode.hpp"
#include "awshpc/batch/purchase.hpp"
#include "awshpc/batch/routing.hpp"
#include "awshpc/batch/staging.hpp"
#include "awshpc/batch/submitter.hpp"

namespace awshpc::batch {
namespace {

namespace ab = aws::batch;
using sched::Job;
using sched::JobState;

constexpr std::size_t kDescribeBatch = 100;

// A barrier waits for up to 20 parents and does nothing: the smallest container Batch runs.
constexpr const char* kBarrierDefinition = "aws-hpc-barrier";
constexpr const char* kBarrierImage = "public.ecr.aws/docker/library/busybox:stable";

// The whole job's status from its parts' (one part for a single job or an unsplit array).
std::string AggregateStatus(const std::vector<const ab::JobDetail*>& parts) {
  bool all_terminal = true;
  bool any_failed = false;
  int best = -1;
  static const std::vector<std::string> kLive = {"SUBMITTED", "PENDING", "RUNNABLE", "STARTING",
                                                 "RUNNING"};
  for (const ab::JobDetail* part : parts) {
    if (part->status == "FAILED") any_failed = true;
    if (part->status == "SUCCEEDED" || part->status == "FAILED") continue;
    all_terminal = false;
    const auto it = std::find(kLive.begin(), kLive.end(), part->status);
    if (it != kLive.end()) best = std::max(best, static_cast<int>(it - kLive.begin()));
  }
  if (all_terminal) return any_failed ? "FAILED" : "SUCCEEDED";
  return best < 0 ? "SUBMITTED" : kLive[static_cast<std::size_t>(best)];
}

std::vector<AttemptRecord> AttemptsOf(const std::vector<const ab::JobDetail*>& parts) {
  std::vector<AttemptRecord> attempts;
  for (const ab::JobDetail* part : parts) {
    for (const ab::AttemptDetail& a : part->attempts) {
      AttemptRecord record;
      record.exit_code = a.exit_code;
      record.status_reason = a.status_reason.empty() ? a.reason : a.status_reason;
      record.log_stream = a.log_stream_name;
      record.started_at = a.started_at;
      record.stopped_at = a.stopped_at;
      record.container_instance_arn = a.container_instance_arn;
      attempts.push_back(std::move(record));
    }
  }
  return attempts;
}

// Registers the barrier job definition unless an ACTIVE revision exists.
Status EnsureBarrierDefinition(ab::BatchClient& client) {
  ab::DescribeJobDefinitionsRequest describe;
  describe.job_definition_name = kBarrierDefinition;
  describe.status = "ACTIVE";
  ASSIGN_OR_RETURN(ab::DescribeJobDefinitionsResult found, client.DescribeJobDefinitions(describe));
  if (!found.job_definitions.empty()) return Status::Ok();
  ab::RegisterJobDefinitionRequest request;
  request.job_definition_name = kBarrierDefinition;
  request.type = "container";
  request.platform_capabilities = {"EC2"};
  ab::ContainerProperties container;
  container.image = kBarrierImage;
  container.command = {"true"};
  container.resource_requirements = {{"VCPU", "1"}, {"MEMORY", "128"}};
  request.container_properties = std::move(container);
  request.retry_strategy = ab::JobRetryStrategy{1, {}};
  request.timeout_seconds = 600;
  request.tags["aws-hpc:role"] = "barrier";
  return client.RegisterJobDefinition(request).status();
}

}  // namespace

Result<JobState> StateForBatchStatus(std::string_view status) {
  static const std::map<std::string_view, JobState> kStates = {
      {"SUBMITTED", JobState::kSubmitted}, {"PENDING", JobState::kPending},
      {"RUNNABLE", JobState::kRunnable},   {"STARTING", JobState::kStarting},
      {"RUNNING", JobState::kRunning},     {"SUCCEEDED", JobState::kSucceeded},
      {"FAILED", JobState::kFailed}};
  const auto it = kStates.find(status);
  if (it == kStates.end()) {
    return InvalidArgumentError(fmt::format("unknown AWS Batch job status \"{}\"", status));
  }
  return it->second;
}

BatchBackend::BatchBackend(store::JobStore& store, BatchRecords& records, ab::BatchClient& client,
                           const arch::Catalog& catalog, std::string region, const Clock& clock)
    : store_(store),
      records_(records),
      client_(client),
      catalog_(catalog),
      region_(std::move(region)),
      clock_(clock),
      submitter_(client) {}

Result<DeployResult> BatchBackend::Deploy(const spec::AppSpec& app, const spec::Variant& variant,
                                          std::string_view arch, const DefinitionOptions& options) {
  ASSIGN_OR_RETURN(ab::RegisterJobDefinitionRequest request,
                   BuildJobDefinition(app, variant, arch, options));
  const std::string hash = request.tags.at(std::string(kTagSpecHash));
  DeployResult result;
  result.deployment.region = region_;
  result.deployment.app = app.name;
  result.deployment.variant = variant.name;
  result.deployment.arch = std::string(arch);
  result.deployment.definition_name = request.job_definition_name;
  result.deployment.image = DefinitionImage(request);  // multi-node: node range 0:'s
  result.deployment.spec_hash = hash;

  // An ACTIVE revision with our content hash means nothing changed.
  ab::DescribeJobDefinitionsRequest describe;
  describe.job_definition_name = request.job_definition_name;
  describe.status = "ACTIVE";
  std::optional<ab::JobDefinitionDetail> current;
  for (int page = 0; page < 100; ++page) {
    ASSIGN_OR_RETURN(ab::DescribeJobDefinitionsResult found,
                     client_.DescribeJobDefinitions(describe));
    for (ab::JobDefinitionDetail& detail : found.job_definitions) {
      const auto tag = detail.tags.find(std::string(kTagSpecHash));
      if (detail.status == "ACTIVE" && tag != detail.tags.end() && tag->second == hash &&
          (!current || detail.revision > current->revision)) {
        current = std::move(detail);
      }
    }
    if (found.next_token.empty()) break;
    describe.next_token = found.next_token;
  }
  if (current) {
    result.deployment.revision = current->revision;
    result.deployment.arn = current->job_definition_arn;
  } else {
    ASSIGN_OR_RETURN(ab::RegisterJobDefinitionResult registered,
                     client_.RegisterJobDefinition(request));
    result.deployment.revision = registered.revision;
    result.deployment.arn = registered.job_definition_arn;
    result.registered = true;
  }
  result.deployment.deployed_at = clock_.NowMillis();
  RETURN_IF_ERROR(records_.AddDeployment(result.deployment));
  return result;
}

Result<Job> BatchBackend::Submit(const spec::AppSpec& app, const sched::JobRequest& request,
                                 const BatchSubmitOptions& options) {
  const spec::Variant* variant = app.FindVariant(request.variant);
  if (variant == nullptr) {
    return InvalidArgumentError(fmt::format("{}: no variant {}", app.name, request.variant));
  }
  std::vector<std::string> only;
  if (!options.arch.empty()) only.push_back(options.arch);
  ASSIGN_OR_RETURN(std::vector<std::string> archs, DeployArchitectures(app, *variant, only));
  const std::string arch = archs.front();
  const std::string definition_name = JobDefinitionName(app.name, variant->name, arch);
  ASSIGN_OR_RETURN(std::optional<Deployment> deployment,
                   records_.LatestDeployment(region_, definition_name));
  if (!deployment) {
    return FailedPreconditionError(fmt::format(
        "{} variant {} is not deployed for {} in {}; run `aws-hpc app deploy {} --variant {} "
        "--arch {}` first",
        app.name, variant->name, arch, region_, app.name, variant->name, arch));
  }

  RoutedQueue queue;
  if (!options.queue.empty()) {
    queue.name = options.queue;
  } else {
    // Multi-node jobs run on on-demand queues only (multinode.hpp).
    ASSIGN_OR_RETURN(const std::string wanted,
                     PurchaseForNodes(options.purchase, request.resources.nodes));
    ASSIGN_OR_RETURN(std::string purchase, ParsePurchaseOption(wanted));
    ASSIGN_OR_RETURN(std::vector<RoutedQueue> queues, DiscoverQueues(client_));
    ASSIGN_OR_RETURN(queue, ChooseQueue(catalog_, queues, arch, purchase));
  }
  // What the queue's environments buy, for `cost report`. Unknown rather than an error: a job is
  // never refused because its price basis is unclear.
  auto queue_purchase = queue_purchases_.find(queue.name);
  if (queue_purchase == queue_purchases_.end()) {
    auto described = DescribeQueuePurchase(client_, queue.name);
    queue_purchase =
        queue_purchases_.emplace(queue.name, described.ok() ? *described : std::string()).first;
  }

  // Parents: every Batch job behind each platform parent.
  std::vector<ab::JobDependency> parents;
  for (const Dependency& dependency : options.depends_on) {
    ASSIGN_OR_RETURN(BatchJobLink parent, records_.GetLink(dependency.job_id));
    for (const std::string& id : parent.batch_ids) parents.push_back({id, dependency.type});
  }

  sched::JobRequest recorded = request;
  recorded.backend = std::string(kBackendName);
  ASSIGN_OR_RETURN(Job job, store_.Create(recorded, JobState::kSubmitted,
                                          "submitting to AWS Batch queue " + queue.name));

  ab::SubmitJobRequest submit;
  auto batch_name = BatchJobName(app.name, job.id);
  auto fail = [&](const Status& status) -> Status {
    store_.Finish(job.id, JobState::kFailed, "AWS Batch refused the job: " + status.message(), {})
        .IgnoreError();
    return status;
  };
  if (!batch_name.ok()) return fail(batch_name.status());
  submit.job_name = *batch_name;
  submit.job_queue = queue.name;
  submit.job_definition = deployment->arn;
  ab::ContainerOverrides overrides;
  overrides.command = request.argv;
  for (const auto& [name, value] : request.environment)
    overrides.environment.push_back({name, value});
  overrides.environment.push_back({"AWS_HPC_JOB_ID", job.id});
  // Inputs through S3, outputs back to the job's prefix (the image's aws-hpc-stage does it).
  std::vector<std::string> outputs;
  for (const spec::OutputSpec& output : app.outputs) outputs.push_back(output.path);
  if (!request.inputs.empty() || (!outputs.empty() && !bucket_.empty())) {
    std::vector<StagedInput> staged;
    if (!request.inputs.empty()) {
      if (s3_ == nullptr) {
        return fail(FailedPreconditionError(
            "this job has inputs, which a Batch job reads from S3; no S3 client is configured"));
      }
      auto uploaded = UploadInputs(*s3_, bucket_, job.id, request.inputs);
      if (!uploaded.ok()) return fail(uploaded.status());
      staged = std::move(*uploaded);
    }
    for (const auto& [name, value] : StagingEnvironment(staged, outputs, bucket_, job.id)) {
      overrides.environment.push_back({name, value});
    }
  }
  overrides.resource_requirements.push_back({"VCPU", std::to_string(request.resources.vcpus)});
  overrides.resource_requirements.push_back(
      {"MEMORY", std::to_string(request.resources.memory_mib)});
  if (request.resources.gpus > 0) {
    overrides.resource_requirements.push_back({"GPU", std::to_string(request.resources.gpus)});
  }
  submit.container_overrides = std::move(overrides);
  if (Status shaped = ShapeForNodes(submit, app, *variant, request.resources.nodes); !shaped.ok()) {
    return fail(shaped);
  }
  const std::vector<int>& exit_codes =
      options.retry_on_exit_codes.empty() ? app.retries.on_exit_codes : options.retry_on_exit_codes;
  auto retry =
      RetryStrategyFor(request.max_attempts, exit_codes, options.retry_on_spot_interruption);
  if (!retry.ok()) return fail(retry.status());
  submit.retry_strategy = *retry;
  submit.timeout_seconds = std::max<std::int64_t>(request.resources.walltime_seconds, 60);
  submit.propagate_tags = true;
  submit.tags[kJobIdTag] = job.id;
  submit.tags[std::string(kTagApp)] = app.name;
  submit.tags[std::string(kTagVariant)] = variant->name;
  submit.tags[std::string(kTagArch)] = arch;
  if (!request.user.empty()) submit.tags[std::string(kTagUser)] = request.user;
  if (!request.project.empty()) submit.tags[std::string(kTagProject)] = request.project;
  if (queue.has_scheduling_policy) {
    // Fair share: the project (else the user) is the share; priority orders within it.
    std::string share = request.project.empty() ? request.user : request.project;
    std::replace_if(
        share.begin(), share.end(),
        [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    submit.share_identifier = share.empty() ? "default" : share;
    submit.scheduling_priority_override = request.priority;
  }

  // More than 20 parents: barrier jobs, each waiting for 20, until 20 or fewer remain.
  int barrier = 0;
  if (parents.size() > kBatchMaxDependencies) {
    if (Status ensured = EnsureBarrierDefinition(client_); !ensured.ok()) return fail(ensured);
  }
  while (parents.size() > kBatchMaxDependencies) {
    std::vector<ab::JobDependency> next;
    for (std::size_t i = 0; i < parents.size(); i += kBatchMaxDependencies) {
      ab::SubmitJobRequest wait;
      auto name = BatchJobName(app.name + "-barrier", job.id, barrier++);
      if (!name.ok()) return fail(name.status());
      wait.job_name = *name;
      wait.job_queue = queue.name;
      wait.job_definition = kBarrierDefinition;
      wait.depends_on.assign(parents.begin() + static_cast<std::ptrdiff_t>(i),
                             parents.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                   parents.size(), i + kBatchMaxDependencies)));
      wait.tags[kJobIdTag] = job.id;
      wait.tags[kArrayPartTag] = "barrier-" + std::to_string(barrier - 1);
      auto submitted = submitter_.Submit(wait);
      if (!submitted.ok()) return fail(submitted.status());
      next.push_back({submitted->job.job_id, ""});
    }
    parents = std::move(next);
  }
  submit.depends_on = parents;

  BatchJobLink link;
  link.job_id = job.id;
  link.region = region_;
  link.queue = queue.name;
  link.definition = deployment->arn;
  link.purchase = queue_purchase->second;
  link.array_size = options.array_size;
  if (options.array_size > 0) {
    auto parts = SubmitArray(submitter_, submit, options.array_size);
    if (!parts.ok()) return fail(parts.status());
    for (const SubmittedPart& part : parts->parts)
      link.batch_ids.push_back(part.outcome.job.job_id);
  } else {
    auto submitted = submitter_.Submit(submit);
    if (!submitted.ok()) return fail(submitted.status());
    link.batch_ids.push_back(submitted->job.job_id);
  }
  link.batch_status = "SUBMITTED";
  link.synced_at = clock_.NowMillis();
  RETURN_IF_ERROR(records_.PutLink(link));
  // The job stays SUBMITTED, as in Batch, until Sync sees it move.
  return store_.Get(job.id);
}

Status BatchBackend::Sync(const std::vector<std::string>& job_ids) {
  std::vector<Job> jobs;
  if (job_ids.empty()) {
    store::JobFilter filter;
    filter.backend = std::string(kBackendName);
    for (JobState state : sched::kAllJobStates) {
      if (!sched::IsTerminal(state)) filter.states.push_back(state);
    }
    ASSIGN_OR_RETURN(jobs, store_.List(filter));
  } else {
    for (const std::string& id : job_ids) {
      ASSIGN_OR_RETURN(Job job, store_.Get(id));
      if (job.request.backend == kBackendName && !sched::IsTerminal(job.state)) {
        jobs.push_back(std::move(job));
      }
    }
  }
  std::vector<BatchJobLink> links;
  std::vector<std::string> batch_ids;
  for (const Job& job : jobs) {
    auto link = records_.GetLink(job.id);
    if (!link.ok()) continue;  // recorded but never reached Batch
    batch_ids.insert(batch_ids.end(), link->batch_ids.begin(), link->batch_ids.end());
    links.push_back(std::move(*link));
  }
  if (batch_ids.empty()) return Status::Ok();
  std::map<std::string, ab::JobDetail> details;
  for (std::size_t i = 0; i < batch_ids.size(); i += kDescribeBatch) {
    ab::DescribeJobsRequest describe;
    describe.jobs.assign(batch_ids.begin() + static_cast<std::ptrdiff_t>(i),
                         batch_ids.begin() + static_cast<std::ptrdiff_t>(
                                                 std::min(batch_ids.size(), i + kDescribeBatch)));
    ++describe_calls_;
    ASSIGN_OR_RETURN(ab::DescribeJobsResult result, client_.DescribeJobs(describe));
    for (ab::JobDetail& detail : result.jobs) details[detail.job_id] = std::move(detail);
  }
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    auto link_it = std::find_if(links.begin(), links.end(),
                                [&](const BatchJobLink& l) { return l.job_id == jobs[j].id; });
    if (link_it == links.end()) continue;
    std::vector<const ab::JobDetail*> parts;
    for (const std::string& id : link_it->batch_ids) {
      const auto found = details.find(id);
      if (found != details.end()) parts.push_back(&found->second);
    }
    // Batch forgets finished jobs after a day or two: keep what we have.
    if (parts.size() != link_it->batch_ids.size()) continue;
    Status synced = SyncOne(jobs[j], *link_it, parts);
    // Another process may have recorded the same change first; the next look settles it.
    if (!synced.ok() && synced.code() != StatusCode::kFailedPrecondition) return synced;
  }
  return Status::Ok();
}

Status BatchBackend::SyncOne(const Job& job, BatchJobLink& link,
                             const std::vector<const ab::JobDetail*>& parts) {
  const std::string status = AggregateStatus(parts);
  ASSIGN_OR_RETURN(JobState target, StateForBatchStatus(status));
  std::optional<UnixMillis> started;
  std::optional<UnixMillis> stopped;
  std::map<std::string, std::int64_t> summary;
  std::string reason;
  for (const ab::JobDetail* part : parts) {
    if (part->started_at && (!started || *part->started_at < *started)) started = part->started_at;
    if (part->stopped_at && (!stopped || *part->stopped_at > *stopped)) stopped = part->stopped_at;
    if (part->array_properties) {
      for (const auto& [name, count] : part->array_properties->status_summary)
        summary[name] += count;
    }
    if (!part->status_reason.empty() && (reason.empty() || part->status == "FAILED")) {
      reason = part->status_reason;
    }
  }
  link.batch_status = status;
  link.status_reason = reason;
  link.attempts = AttemptsOf(parts);
  // Each attempt ran on one of the queue's environments: when they all buy alike, so did it.
  if (link.purchase == kPurchaseSpot || link.purchase == kPurchaseOnDemand) {
    for (AttemptRecord& attempt : link.attempts) attempt.purchase = link.purchase;
  }
  // Which instance ran each attempt, and so how it was bought (mixed queues too). A failed
  // look-up leaves the attempt as above: cost then prices it as before, and says so.
  if (instances_ != nullptr) {
    for (AttemptRecord& attempt : link.attempts) {
      if (!instances_->Record(attempt).ok()) break;
    }
  }
  link.status_summary.assign(summary.begin(), summary.end());
  link.synced_at = clock_.NowMillis();
  RETURN_IF_ERROR(records_.PutLink(link));

  if (target == job.state) return Status::Ok();
  const UnixMillis now = clock_.NowMillis();
  const std::string why = reason.empty() ? "AWS Batch: " + status : "AWS Batch: " + reason;
  if (!sched::IsTerminal(target)) {
    if (!sched::IsAllowedTransition(job.state, target)) return Status::Ok();
    const UnixMillis at = target == JobState::kRunning && started ? *started : now;
    return store_.TransitionAt(job.id, target, why, at);
  }
  // Finished. Record the start we may have missed, so cost and wall time are right.
  const bool ran = job.state == JobState::kRunning || job.started_at.has_value();
  if (started && !ran) {
    RETURN_IF_ERROR(
        store_.TransitionAt(job.id, JobState::kRunning, "AWS Batch: RUNNING", *started));
  }
  sched::Outcome outcome;
  if (parts.size() == 1 && parts[0]->container && parts[0]->container->exit_code) {
    outcome.exit_code = static_cast<int>(*parts[0]->container->exit_code);
  } else if (parts.size() == 1 && !parts[0]->attempts.empty() &&
             parts[0]->attempts.back().exit_code) {
    outcome.exit_code = static_cast<int>(*parts[0]->attempts.back().exit_code);
  }
  if (started && stopped && *stopped >= *started) {
    outcome.usage.wall_seconds = static_cast<double>(*stopped - *started) / 1000.0;
  }
  JobState final_state = target;
  if (target == JobState::kFailed && job.cancel_requested) final_state = JobState::kCancelled;
  return store_.FinishAt(job.id, final_state, why, outcome, stopped.value_or(now));
}

Status BatchBackend::Cancel(std::string_view job_id, std::string_view reason) {
  ASSIGN_OR_RETURN(JobState state, store_.RequestCancel(job_id));
  ASSIGN_OR_RETURN(BatchJobLink link, records_.GetLink(job_id));
  const bool started = state == JobState::kStarting || state == JobState::kRunning;
  for (const std::string& id : link.batch_ids) {
    if (started) {
      RETURN_IF_ERROR(client_.TerminateJob({id, std::string(reason)}).status());
    } else {
      RETURN_IF_ERROR(client_.CancelJob({id, std::string(reason)}).status());
    }
  }
  return Status::Ok();
}

}  // namespace awshpc::batch
