// File: services/batch.hpp
// AWS Batch (rest-json, API 2016-08-10): the operations the platform uses, one typed request and
// result per operation, members named as in the API reference (snake_case). Optional members
// that are unset are not sent.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::batch {

inline constexpr ServiceInfo kService{"Batch", "batch", "batch"};
// DescribeJobs takes at most this many ids; the client splits longer lists.
inline constexpr std::size_t kMaxDescribeJobs = 100;

using Tags = std::map<std::string, std::string>;

// ---- compute environments ----
struct ComputeResources {
  std::string type;                 // EC2 | SPOT | FARGATE | FARGATE_SPOT
  std::string allocation_strategy;  // BEST_FIT_PROGRESSIVE, SPOT_CAPACITY_OPTIMIZED, ...
  std::optional<std::int64_t> min_vcpus;
  std::optional<std::int64_t> max_vcpus;
  std::optional<std::int64_t> desired_vcpus;
  std::vector<std::string> instance_types;
  std::vector<std::string> subnets;
  std::vector<std::string> security_group_ids;
  std::string instance_role;
  std::string image_id;
  std::string ec2_key_pair;
  std::string placement_group;
  std::optional<std::int64_t> bid_percentage;
  std::string spot_iam_fleet_role;
  Tags tags;
};

struct CreateComputeEnvironmentRequest {
  std::string compute_environment_name;
  std::string type = "MANAGED";  // MANAGED | UNMANAGED
  std::string state;             // ENABLED | DISABLED
  std::optional<std::int64_t> unmanagedv_cpus;
  std::optional<ComputeResources> compute_resources;
  std::string service_role;
  Tags tags;
};
struct CreateComputeEnvironmentResult {
  std::string compute_environment_name;
  std::string compute_environment_arn;
};

struct ComputeEnvironmentDetail {
  std::string compute_environment_name;
  std::string compute_environment_arn;
  std::string ecs_cluster_arn;
  std::string type;
  std::string state;
  std::string status;  // CREATING | UPDATING | DELETING | DELETED | VALID | INVALID
  std::string status_reason;
  std::string service_role;
  std::optional<ComputeResources> compute_resources;
  Tags tags;
};
struct DescribeComputeEnvironmentsRequest {
  std::vector<std::string> compute_environments;  // names or ARNs; empty: all
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct DescribeComputeEnvironmentsResult {
  std::vector<ComputeEnvironmentDetail> compute_environments;
  std::string next_token;
};

struct UpdateComputeEnvironmentRequest {
  std::string compute_environment;
  std::string state;
  std::optional<std::int64_t> min_vcpus;
  std::optional<std::int64_t> max_vcpus;
  std::optional<std::int64_t> desired_vcpus;
  std::string service_role;
};
using UpdateComputeEnvironmentResult = CreateComputeEnvironmentResult;

struct DeleteComputeEnvironmentRequest {
  std::string compute_environment;
};
struct DeleteComputeEnvironmentResult {};

// ---- job queues ----
struct ComputeEnvironmentOrder {
  std::int64_t order = 1;
  std::string compute_environment;
};

struct CreateJobQueueRequest {
  std::string job_queue_name;
  std::string state;  // ENABLED | DISABLED
  std::string scheduling_policy_arn;
  std::int64_t priority = 1;
  std::vector<ComputeEnvironmentOrder> compute_environment_order;
  Tags tags;
};
struct CreateJobQueueResult {
  std::string job_queue_name;
  std::string job_queue_arn;
};

struct JobQueueDetail {
  std::string job_queue_name;
  std::string job_queue_arn;
  std::string state;
  std::string status;
  std::string status_reason;
  std::string scheduling_policy_arn;
  std::int64_t priority = 0;
  std::vector<ComputeEnvironmentOrder> compute_environment_order;
  Tags tags;
};
struct DescribeJobQueuesRequest {
  std::vector<std::string> job_queues;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct DescribeJobQueuesResult {
  std::vector<JobQueueDetail> job_queues;
  std::string next_token;
};

struct UpdateJobQueueRequest {
  std::string job_queue;
  std::string state;
  std::string scheduling_policy_arn;
  std::optional<std::int64_t> priority;
  std::vector<ComputeEnvironmentOrder> compute_environment_order;
};
using UpdateJobQueueResult = CreateJobQueueResult;

struct DeleteJobQueueRequest {
  std::string job_queue;
};
struct DeleteJobQueueResult {};

// ---- job definitions ----
struct KeyValuePair {
  std::string name;
  std::string value;
};
struct ResourceRequirement {
  std::string type;  // VCPU | MEMORY (MiB) | GPU
  std::string value;
};
struct ContainerProperties {
  std::string image;
  std::vector<std::string> command;
  std::string job_role_arn;
  std::string execution_role_arn;
  std::vector<KeyValuePair> environment;
  std::vector<ResourceRequirement> resource_requirements;
  std::optional<bool> privileged;
  std::string user;
  std::string instance_type;  // multi-node only
};
// Multi-node parallel jobs: the container of each node range ("0:" every node, "0:1", "2:").
struct NodeRangeProperty {
  std::string target_nodes;
  std::optional<ContainerProperties> container;
};
struct NodeProperties {
  std::int64_t num_nodes = 0;
  std::int64_t main_node = 0;
  std::vector<NodeRangeProperty> node_range_properties;
};
struct EvaluateOnExit {
  std::string on_status_reason;  // glob patterns
  std::string on_reason;
  std::string on_exit_code;
  std::string action;  // RETRY | EXIT
};
struct JobRetryStrategy {
  std::optional<std::int64_t> attempts;  // 1..10
  std::vector<EvaluateOnExit> evaluate_on_exit;
};

struct RegisterJobDefinitionRequest {
  std::string job_definition_name;
  std::string type = "container";  // container | multinode
  std::map<std::string, std::string> parameters;
  std::optional<ContainerProperties> container_properties;
  std::optional<JobRetryStrategy> retry_strategy;
  std::optional<std::int64_t> timeout_seconds;  // timeout.attemptDurationSeconds, >= 60
  std::optional<bool> propagate_tags;
  std::optional<std::int64_t> scheduling_priority;
  std::vector<std::string> platform_capabilities;  // EC2 | FARGATE
  Tags tags;
  // Added last, with initializers, so positional initialisation written before keeps its meaning.
  std::optional<NodeProperties> node_properties = std::nullopt;  // type multinode (no container)
};
struct RegisterJobDefinitionResult {
  std::string job_definition_name;
  std::string job_definition_arn;
  std::int64_t revision = 0;
};

struct JobDefinitionDetail {
  std::string job_definition_name;
  std::string job_definition_arn;
  std::int64_t revision = 0;
  std::string status;  // ACTIVE | INACTIVE
  std::string type;
  std::map<std::string, std::string> parameters;
  std::optional<ContainerProperties> container_properties;
  std::optional<JobRetryStrategy> retry_strategy;
  std::optional<std::int64_t> timeout_seconds;
  std::optional<bool> propagate_tags;
  std::optional<std::int64_t> scheduling_priority;
  std::vector<std::string> platform_capabilities;
  Tags tags;
  // Added last, with initializers, so positional initialisation written before keeps its meaning.
  std::optional<NodeProperties> node_properties = std::nullopt;
};
struct DescribeJobDefinitionsRequest {
  std::vector<std::string> job_definitions;  // "name:revision" or ARNs
  std::string job_definition_name;
  std::string status;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct DescribeJobDefinitionsResult {
  std::vector<JobDefinitionDetail> job_definitions;
  std::string next_token;
};

struct DeregisterJobDefinitionRequest {
  std::string job_definition;  // "name:revision" or ARN
};
struct DeregisterJobDefinitionResult {};

// ---- jobs ----
struct ContainerOverrides {
  std::vector<std::string> command;
  std::vector<KeyValuePair> environment;
  std::vector<ResourceRequirement> resource_requirements;
  std::string instance_type;
};
// Multi-node jobs take their overrides per node range instead of containerOverrides.
struct NodePropertyOverride {
  std::string target_nodes;
  std::optional<ContainerOverrides> container_overrides;
};
struct NodeOverrides {
  std::optional<std::int64_t> num_nodes;
  std::vector<NodePropertyOverride> node_property_overrides;
};
struct JobDependency {
  std::string job_id;
  std::string type;  // "" | N_TO_N | SEQUENTIAL
};

struct SubmitJobRequest {
  std::string job_name;
  std::string job_queue;
  std::string job_definition;
  std::string share_identifier;
  std::optional<std::int64_t> scheduling_priority_override;
  std::optional<std::int64_t> array_size;  // arrayProperties.size, 2..10,000
  std::vector<JobDependency> depends_on;   // at most 20
  std::map<std::string, std::string> parameters;
  std::optional<ContainerOverrides> container_overrides;
  std::optional<JobRetryStrategy> retry_strategy;
  std::optional<bool> propagate_tags;
  std::optional<std::int64_t> timeout_seconds;
  Tags tags;
  // Added last, with initializers, so positional initialisation written before keeps its meaning.
  std::optional<NodeOverrides> node_overrides = std::nullopt;  // multi-node jobs only
};
struct SubmitJobResult {
  std::string job_arn;
  std::string job_name;
  std::string job_id;
};

struct AttemptDetail {
  std::string task_arn;
  std::optional<std::int64_t> exit_code;
  std::string reason;
  std::string log_stream_name;
  std::optional<std::int64_t> started_at;  // Unix milliseconds
  std::optional<std::int64_t> stopped_at;
  std::string status_reason;
  // The ECS container instance the attempt ran on (attempts[].container.containerInstanceArn).
  std::string container_instance_arn = {};
};
struct ContainerDetail {
  std::string image;
  std::vector<std::string> command;
  std::optional<std::int64_t> exit_code;
  std::string reason;
  std::string log_stream_name;
  std::vector<ResourceRequirement> resource_requirements;
  std::vector<KeyValuePair> environment;
  std::string instance_type = {};  // multi-node jobs: the node's instance type (added last)
  std::string container_instance_arn = {};  // the latest attempt's ECS container instance
};
// A node of a multi-node job (its id is "<parent id>#<index>").
struct NodeDetails {
  std::optional<std::int64_t> node_index;
  std::optional<bool> is_main_node;
};
struct ArrayPropertiesDetail {
  std::map<std::string, std::int64_t> status_summary;  // parents: children per status
  std::optional<std::int64_t> size;
  std::optional<std::int64_t> index;  // children: their index
};
struct JobDetail {
  std::string job_arn;
  std::string job_name;
  std::string job_id;
  std::string job_queue;
  std::string status;  // SUBMITTED PENDING RUNNABLE STARTING RUNNING SUCCEEDED FAILED
  std::string status_reason;
  std::string share_identifier;
  std::optional<std::int64_t> scheduling_priority;
  std::optional<std::int64_t> created_at;  // Unix milliseconds
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> stopped_at;
  std::string job_definition;
  std::vector<JobDependency> depends_on;
  std::map<std::string, std::string> parameters;
  std::optional<ContainerDetail> container;
  std::vector<AttemptDetail> attempts;
  std::optional<ArrayPropertiesDetail> array_properties;
  std::optional<JobRetryStrategy> retry_strategy;
  std::optional<std::int64_t> timeout_seconds;
  std::optional<bool> propagate_tags;
  Tags tags;
  // Added last, with initializers, so positional initialisation written before keeps its meaning.
  std::optional<NodeProperties> node_properties = std::nullopt;  // multi-node parents
  std::optional<NodeDetails> node_details = std::nullopt;        // multi-node nodes
};
struct DescribeJobsRequest {
  std::vector<std::string> jobs;  // any number: split into calls of 100
};
struct DescribeJobsResult {
  std::vector<JobDetail> jobs;  // jobs the service no longer knows are simply absent
};

struct ListJobsFilter {
  std::string name;  // JOB_NAME | JOB_DEFINITION | BEFORE_CREATED_AT | AFTER_CREATED_AT
  std::vector<std::string> values;
};
struct ListJobsRequest {
  std::string job_queue;
  std::string array_job_id;
  std::string multi_node_job_id;
  std::string job_status;  // ignored by the service when filters are given
  std::vector<ListJobsFilter> filters;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct JobSummary {
  std::string job_arn;
  std::string job_id;
  std::string job_name;
  std::optional<std::int64_t> created_at;
  std::string status;
  std::string status_reason;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> stopped_at;
  std::optional<std::int64_t> exit_code;  // container.exitCode
  std::optional<std::int64_t> array_size;
  std::optional<std::int64_t> array_index;
  std::string job_definition;
};
struct ListJobsResult {
  std::vector<JobSummary> job_summary_list;
  std::string next_token;
};

struct CancelJobRequest {
  std::string job_id;
  std::string reason;
};
struct CancelJobResult {};
struct TerminateJobRequest {
  std::string job_id;
  std::string reason;
};
struct TerminateJobResult {};

// ---- tags ----
struct TagResourceRequest {
  std::string resource_arn;
  Tags tags;
};
struct TagResourceResult {};
struct ListTagsForResourceRequest {
  std::string resource_arn;
};
struct ListTagsForResourceResult {
  Tags tags;
};

// ---- scheduling policies ----
struct ShareAttributes {
  std::string share_identifier;
  std::optional<double> weight_factor;
};
struct FairsharePolicy {
  std::optional<std::int64_t> share_decay_seconds;
  std::optional<std::int64_t> compute_reservation;
  std::vector<ShareAttributes> share_distribution;
};
struct CreateSchedulingPolicyRequest {
  std::string name;
  std::optional<FairsharePolicy> fairshare_policy;
  Tags tags;
};
struct CreateSchedulingPolicyResult {
  std::string name;
  std::string arn;
};
struct SchedulingPolicyDetail {
  std::string name;
  std::string arn;
  std::optional<FairsharePolicy> fairshare_policy;
  Tags tags;
};
struct DescribeSchedulingPoliciesRequest {
  std::vector<std::string> arns;
};
struct DescribeSchedulingPoliciesResult {
  std::vector<SchedulingPolicyDetail> scheduling_policies;
};

class BatchClient {
 public:
  explicit BatchClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  static Result<BatchClient> Create(AwsContext& context);

  Result<CreateComputeEnvironmentResult> CreateComputeEnvironment(
      const CreateComputeEnvironmentRequest& request);
  Result<DescribeComputeEnvironmentsResult> DescribeComputeEnvironments(
      const DescribeComputeEnvironmentsRequest& request);
  Result<UpdateComputeEnvironmentResult> UpdateComputeEnvironment(
      const UpdateComputeEnvironmentRequest& request);
  Result<DeleteComputeEnvironmentResult> DeleteComputeEnvironment(
      const DeleteComputeEnvironmentRequest& request);

  Result<CreateJobQueueResult> CreateJobQueue(const CreateJobQueueRequest& request);
  Result<DescribeJobQueuesResult> DescribeJobQueues(const DescribeJobQueuesRequest& request);
  Result<UpdateJobQueueResult> UpdateJobQueue(const UpdateJobQueueRequest& request);
  Result<DeleteJobQueueResult> DeleteJobQueue(const DeleteJobQueueRequest& request);

  Result<RegisterJobDefinitionResult> RegisterJobDefinition(
      const RegisterJobDefinitionRequest& request);
  Result<DescribeJobDefinitionsResult> DescribeJobDefinitions(
      const DescribeJobDefinitionsRequest& request);
  Result<DeregisterJobDefinitionResult> DeregisterJobDefinition(
      const DeregisterJobDefinitionRequest& request);

  // `options.max_attempts = 1` sends the job once: SubmitJob is not idempotent, so a retry after
  // a connection reset could submit it twice (callers that track submissions themselves use it).
  Result<SubmitJobResult> SubmitJob(const SubmitJobRequest& request,
                                    const CallOptions& options = {});
  // Any number of ids: one call per 100, results concatenated in call order.
  Result<DescribeJobsResult> DescribeJobs(const DescribeJobsRequest& request);
  // One page.
  Result<ListJobsResult> ListJobs(const ListJobsRequest& request);
  // Every page from request.next_token on, at most `max_pages` (kResourceExhausted beyond).
  Result<std::vector<JobSummary>> ListAllJobs(ListJobsRequest request, int max_pages = 100);
  Result<CancelJobResult> CancelJob(const CancelJobRequest& request);
  Result<TerminateJobResult> TerminateJob(const TerminateJobRequest& request);

  Result<TagResourceResult> TagResource(const TagResourceRequest& request);
  Result<ListTagsForResourceResult> ListTagsForResource(const ListTagsForResourceRequest& request);

  Result<CreateSchedulingPolicyResult> CreateSchedulingPolicy(
      const CreateSchedulingPolicyRequest& request);
  Result<DescribeSchedulingPoliciesResult> DescribeSchedulingPolicies(
      const DescribeSchedulingPoliciesRequest& request);

  // Every call of this client (retries included) first takes a token from `limiter`, which
  // may be shared by all Batch clients of the process (null: no limit). Set it before calls start.
  void SetRateLimiter(std::shared_ptr<RateLimiter> limiter) {
    client_->set_rate_limiter(std::move(limiter));
  }

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::batch
