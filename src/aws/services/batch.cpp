// File: services/batch.cpp
// AWS Batch over rest-json: each operation is POST /v1/<operation in lower case> with a JSON
// body, except the tag operations (/v1/tags/{resourceArn}).
#include "awshpc/aws/services/batch.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "awshpc/aws/protocols/json.hpp"
#include "awshpc/aws/protocols/pagination.hpp"

namespace awshpc::aws::batch {
namespace {

using protocols::Json;
using protocols::JsonArray;
using protocols::JsonBool;
using protocols::JsonInt;
using protocols::JsonObject;
using protocols::JsonString;
using protocols::JsonStringList;
using protocols::JsonStringMap;
using protocols::SetIfNotEmpty;
using protocols::SetIfPresent;

// ---- request members ----
Json ToJson(const ComputeResources& r) {
  Json j = Json::object();
  SetIfNotEmpty(j, "type", r.type);
  SetIfNotEmpty(j, "allocationStrategy", r.allocation_strategy);
  SetIfPresent(j, "minvCpus", r.min_vcpus);
  SetIfPresent(j, "maxvCpus", r.max_vcpus);
  SetIfPresent(j, "desiredvCpus", r.desired_vcpus);
  SetIfNotEmpty(j, "instanceTypes", r.instance_types);
  SetIfNotEmpty(j, "subnets", r.subnets);
  SetIfNotEmpty(j, "securityGroupIds", r.security_group_ids);
  SetIfNotEmpty(j, "instanceRole", r.instance_role);
  SetIfNotEmpty(j, "imageId", r.image_id);
  SetIfNotEmpty(j, "ec2KeyPair", r.ec2_key_pair);
  SetIfNotEmpty(j, "placementGroup", r.placement_group);
  SetIfPresent(j, "bidPercentage", r.bid_percentage);
  SetIfNotEmpty(j, "spotIamFleetRole", r.spot_iam_fleet_role);
  SetIfNotEmpty(j, "tags", r.tags);
  return j;
}

Json ToJson(const std::vector<KeyValuePair>& pairs) {
  Json j = Json::array();
  for (const auto& pair : pairs) j.push_back({{"name", pair.name}, {"value", pair.value}});
  return j;
}

Json ToJson(const std::vector<ResourceRequirement>& requirements) {
  Json j = Json::array();
  for (const auto& r : requirements) j.push_back({{"type", r.type}, {"value", r.value}});
  return j;
}

Json ToJson(const ContainerProperties& c) {
  Json j = Json::object();
  SetIfNotEmpty(j, "image", c.image);
  SetIfNotEmpty(j, "command", c.command);
  SetIfNotEmpty(j, "jobRoleArn", c.job_role_arn);
  SetIfNotEmpty(j, "executionRoleArn", c.execution_role_arn);
  if (!c.environment.empty()) j["environment"] = ToJson(c.environment);
  if (!c.resource_requirements.empty()) {
    j["resourceRequirements"] = ToJson(c.resource_requirements);
  }
  SetIfPresent(j, "privileged", c.privileged);
  SetIfNotEmpty(j, "user", c.user);
  SetIfNotEmpty(j, "instanceType", c.instance_type);
  return j;
}

Json ToJson(const NodeProperties& n) {
  Json ranges = Json::array();
  for (const NodeRangeProperty& range : n.node_range_properties) {
    Json r = {{"targetNodes", range.target_nodes}};
    if (range.container) r["container"] = ToJson(*range.container);
    ranges.push_back(std::move(r));
  }
  return {{"numNodes", n.num_nodes}, {"mainNode", n.main_node}, {"nodeRangeProperties", ranges}};
}

Json ToJson(const ContainerOverrides& o) {
  Json overrides = Json::object();
  SetIfNotEmpty(overrides, "command", o.command);
  if (!o.environment.empty()) overrides["environment"] = ToJson(o.environment);
  if (!o.resource_requirements.empty()) {
    overrides["resourceRequirements"] = ToJson(o.resource_requirements);
  }
  SetIfNotEmpty(overrides, "instanceType", o.instance_type);
  return overrides;
}

Json ToJson(const NodeOverrides& n) {
  Json j = Json::object();
  SetIfPresent(j, "numNodes", n.num_nodes);
  if (!n.node_property_overrides.empty()) {
    Json ranges = Json::array();
    for (const NodePropertyOverride& range : n.node_property_overrides) {
      Json r = {{"targetNodes", range.target_nodes}};
      if (range.container_overrides) r["containerOverrides"] = ToJson(*range.container_overrides);
      ranges.push_back(std::move(r));
    }
    j["nodePropertyOverrides"] = std::move(ranges);
  }
  return j;
}

Json ToJson(const JobRetryStrategy& r) {
  Json j = Json::object();
  SetIfPresent(j, "attempts", r.attempts);
  if (!r.evaluate_on_exit.empty()) {
    Json rules = Json::array();
    for (const auto& rule : r.evaluate_on_exit) {
      Json e = Json::object();
      SetIfNotEmpty(e, "onStatusReason", rule.on_status_reason);
      SetIfNotEmpty(e, "onReason", rule.on_reason);
      SetIfNotEmpty(e, "onExitCode", rule.on_exit_code);
      SetIfNotEmpty(e, "action", rule.action);
      rules.push_back(std::move(e));
    }
    j["evaluateOnExit"] = std::move(rules);
  }
  return j;
}

Json ToJson(const std::vector<ComputeEnvironmentOrder>& order) {
  Json j = Json::array();
  for (const auto& o : order) {
    j.push_back({{"order", o.order}, {"computeEnvironment", o.compute_environment}});
  }
  return j;
}

Json ToJson(const FairsharePolicy& p) {
  Json j = Json::object();
  SetIfPresent(j, "shareDecaySeconds", p.share_decay_seconds);
  SetIfPresent(j, "computeReservation", p.compute_reservation);
  if (!p.share_distribution.empty()) {
    Json shares = Json::array();
    for (const auto& s : p.share_distribution) {
      Json share = {{"shareIdentifier", s.share_identifier}};
      SetIfPresent(share, "weightFactor", s.weight_factor);
      shares.push_back(std::move(share));
    }
    j["shareDistribution"] = std::move(shares);
  }
  return j;
}

void SetTimeout(Json& j, const std::optional<std::int64_t>& seconds) {
  if (seconds) j["timeout"] = {{"attemptDurationSeconds", *seconds}};
}

// ---- response members ----
ComputeResources ComputeResourcesFrom(const Json& j) {
  ComputeResources r;
  r.type = JsonString(j, "type");
  r.allocation_strategy = JsonString(j, "allocationStrategy");
  r.min_vcpus = JsonInt(j, "minvCpus");
  r.max_vcpus = JsonInt(j, "maxvCpus");
  r.desired_vcpus = JsonInt(j, "desiredvCpus");
  r.instance_types = JsonStringList(j, "instanceTypes");
  r.subnets = JsonStringList(j, "subnets");
  r.security_group_ids = JsonStringList(j, "securityGroupIds");
  r.instance_role = JsonString(j, "instanceRole");
  r.image_id = JsonString(j, "imageId");
  r.ec2_key_pair = JsonString(j, "ec2KeyPair");
  r.placement_group = JsonString(j, "placementGroup");
  r.bid_percentage = JsonInt(j, "bidPercentage");
  r.spot_iam_fleet_role = JsonString(j, "spotIamFleetRole");
  r.tags = JsonStringMap(j, "tags");
  return r;
}

std::vector<KeyValuePair> KeyValuesFrom(const Json& j, std::string_view key) {
  std::vector<KeyValuePair> pairs;
  for (const Json& item : JsonArray(j, key)) {
    pairs.push_back({JsonString(item, "name"), JsonString(item, "value")});
  }
  return pairs;
}

std::vector<ResourceRequirement> RequirementsFrom(const Json& j) {
  std::vector<ResourceRequirement> requirements;
  for (const Json& item : JsonArray(j, "resourceRequirements")) {
    requirements.push_back({JsonString(item, "type"), JsonString(item, "value")});
  }
  return requirements;
}

ContainerProperties ContainerPropertiesFrom(const Json& j) {
  ContainerProperties c;
  c.image = JsonString(j, "image");
  c.command = JsonStringList(j, "command");
  c.job_role_arn = JsonString(j, "jobRoleArn");
  c.execution_role_arn = JsonString(j, "executionRoleArn");
  c.environment = KeyValuesFrom(j, "environment");
  c.resource_requirements = RequirementsFrom(j);
  c.privileged = JsonBool(j, "privileged");
  c.user = JsonString(j, "user");
  c.instance_type = JsonString(j, "instanceType");
  return c;
}

std::optional<NodeProperties> NodePropertiesFrom(const Json& parent) {
  if (!parent.is_object() || !parent.contains("nodeProperties")) return std::nullopt;
  const Json& j = JsonObject(parent, "nodeProperties");
  NodeProperties n;
  n.num_nodes = JsonInt(j, "numNodes").value_or(0);
  n.main_node = JsonInt(j, "mainNode").value_or(0);
  for (const Json& item : JsonArray(j, "nodeRangeProperties")) {
    NodeRangeProperty range;
    range.target_nodes = JsonString(item, "targetNodes");
    if (item.contains("container")) {
      range.container = ContainerPropertiesFrom(JsonObject(item, "container"));
    }
    n.node_range_properties.push_back(std::move(range));
  }
  return n;
}

std::optional<JobRetryStrategy> RetryStrategyFrom(const Json& parent) {
  if (!parent.is_object() || !parent.contains("retryStrategy")) return std::nullopt;
  const Json& j = JsonObject(parent, "retryStrategy");
  JobRetryStrategy r;
  r.attempts = JsonInt(j, "attempts");
  for (const Json& rule : JsonArray(j, "evaluateOnExit")) {
    r.evaluate_on_exit.push_back({JsonString(rule, "onStatusReason"), JsonString(rule, "onReason"),
                                  JsonString(rule, "onExitCode"), JsonString(rule, "action")});
  }
  return r;
}

std::optional<std::int64_t> TimeoutFrom(const Json& parent) {
  return JsonInt(JsonObject(parent, "timeout"), "attemptDurationSeconds");
}

std::vector<ComputeEnvironmentOrder> OrderFrom(const Json& j) {
  std::vector<ComputeEnvironmentOrder> order;
  for (const Json& item : JsonArray(j, "computeEnvironmentOrder")) {
    order.push_back({JsonInt(item, "order").value_or(0), JsonString(item, "computeEnvironment")});
  }
  return order;
}

std::vector<JobDependency> DependsOnFrom(const Json& j) {
  std::vector<JobDependency> depends_on;
  for (const Json& item : JsonArray(j, "dependsOn")) {
    depends_on.push_back({JsonString(item, "jobId"), JsonString(item, "type")});
  }
  return depends_on;
}

std::optional<FairsharePolicy> FairsharePolicyFrom(const Json& parent) {
  if (!parent.is_object() || !parent.contains("fairsharePolicy")) return std::nullopt;
  const Json& j = JsonObject(parent, "fairsharePolicy");
  FairsharePolicy p;
  p.share_decay_seconds = JsonInt(j, "shareDecaySeconds");
  p.compute_reservation = JsonInt(j, "computeReservation");
  for (const Json& item : JsonArray(j, "shareDistribution")) {
    p.share_distribution.push_back(
        {JsonString(item, "shareIdentifier"), protocols::JsonDouble(item, "weightFactor")});
  }
  return p;
}

JobDetail JobDetailFrom(const Json& j) {
  JobDetail d;
  d.job_arn = JsonString(j, "jobArn");
  d.job_name = JsonString(j, "jobName");
  d.job_id = JsonString(j, "jobId");
  d.job_queue = JsonString(j, "jobQueue");
  d.status = JsonString(j, "status");
  d.status_reason = JsonString(j, "statusReason");
  d.share_identifier = JsonString(j, "shareIdentifier");
  d.scheduling_priority = JsonInt(j, "schedulingPriority");
  d.created_at = JsonInt(j, "createdAt");
  d.started_at = JsonInt(j, "startedAt");
  d.stopped_at = JsonInt(j, "stoppedAt");
  d.job_definition = JsonString(j, "jobDefinition");
  d.depends_on = DependsOnFrom(j);
  d.parameters = JsonStringMap(j, "parameters");
  if (j.contains("container")) {
    const Json& c = JsonObject(j, "container");
    ContainerDetail container;
    container.image = JsonString(c, "image");
    container.command = JsonStringList(c, "command");
    container.exit_code = JsonInt(c, "exitCode");
    container.reason = JsonString(c, "reason");
    container.log_stream_name = JsonString(c, "logStreamName");
    container.resource_requirements = RequirementsFrom(c);
    container.environment = KeyValuesFrom(c, "environment");
    container.instance_type = JsonString(c, "instanceType");
    container.container_instance_arn = JsonString(c, "containerInstanceArn");
    d.container = std::move(container);
  }
  for (const Json& a : JsonArray(j, "attempts")) {
    const Json& c = JsonObject(a, "container");
    AttemptDetail attempt;
    attempt.task_arn = JsonString(c, "taskArn");
    attempt.exit_code = JsonInt(c, "exitCode");
    attempt.reason = JsonString(c, "reason");
    attempt.log_stream_name = JsonString(c, "logStreamName");
    attempt.started_at = JsonInt(a, "startedAt");
    attempt.stopped_at = JsonInt(a, "stoppedAt");
    attempt.status_reason = JsonString(a, "statusReason");
    attempt.container_instance_arn = JsonString(c, "containerInstanceArn");
    d.attempts.push_back(std::move(attempt));
  }
  if (j.contains("arrayProperties")) {
    const Json& a = JsonObject(j, "arrayProperties");
    ArrayPropertiesDetail array;
    for (const auto& [status, count] : JsonObject(a, "statusSummary").items()) {
      if (count.is_number_integer()) array.status_summary[status] = count.get<std::int64_t>();
    }
    array.size = JsonInt(a, "size");
    array.index = JsonInt(a, "index");
    d.array_properties = std::move(array);
  }
  d.node_properties = NodePropertiesFrom(j);
  if (j.contains("nodeDetails")) {
    const Json& n = JsonObject(j, "nodeDetails");
    d.node_details = NodeDetails{JsonInt(n, "nodeIndex"), JsonBool(n, "isMainNode")};
  }
  d.retry_strategy = RetryStrategyFrom(j);
  d.timeout_seconds = TimeoutFrom(j);
  d.propagate_tags = JsonBool(j, "propagateTags");
  d.tags = JsonStringMap(j, "tags");
  return d;
}

std::string Lower(std::string_view operation) {
  std::string lower(operation);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace

namespace {
// POST /v1/<operation> with `body`; the parsed JSON response.
Result<Json> Post(AwsClient& client, std::string_view operation, const Json& body,
                  const CallOptions& options = {}) {
  const std::string path = "/v1/" + Lower(operation);
  const auto make_request = [&]() -> Result<HttpRequest> {
    return protocols::MakeRestJsonRequest("POST", path, body);
  };
  ASSIGN_OR_RETURN(const HttpResponse response, client.Send(operation, make_request, options));
  return protocols::ParseJsonBody(response.body, fmt::format("batch {}", operation));
}
}  // namespace

Result<BatchClient> BatchClient::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   context.MakeClient(kService, Protocol::kRestJson));
  return BatchClient(std::move(client));
}

Result<CreateComputeEnvironmentResult> BatchClient::CreateComputeEnvironment(
    const CreateComputeEnvironmentRequest& request) {
  Json body = {{"computeEnvironmentName", request.compute_environment_name},
               {"type", request.type}};
  SetIfNotEmpty(body, "state", request.state);
  SetIfPresent(body, "unmanagedvCpus", request.unmanagedv_cpus);
  if (request.compute_resources) body["computeResources"] = ToJson(*request.compute_resources);
  SetIfNotEmpty(body, "serviceRole", request.service_role);
  SetIfNotEmpty(body, "tags", request.tags);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "CreateComputeEnvironment", body));
  return CreateComputeEnvironmentResult{JsonString(out, "computeEnvironmentName"),
                                        JsonString(out, "computeEnvironmentArn")};
}

Result<DescribeComputeEnvironmentsResult> BatchClient::DescribeComputeEnvironments(
    const DescribeComputeEnvironmentsRequest& request) {
  Json body = Json::object();
  SetIfNotEmpty(body, "computeEnvironments", request.compute_environments);
  SetIfPresent(body, "maxResults", request.max_results);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeComputeEnvironments", body));
  DescribeComputeEnvironmentsResult result;
  for (const Json& j : JsonArray(out, "computeEnvironments")) {
    ComputeEnvironmentDetail d;
    d.compute_environment_name = JsonString(j, "computeEnvironmentName");
    d.compute_environment_arn = JsonString(j, "computeEnvironmentArn");
    d.ecs_cluster_arn = JsonString(j, "ecsClusterArn");
    d.type = JsonString(j, "type");
    d.state = JsonString(j, "state");
    d.status = JsonString(j, "status");
    d.status_reason = JsonString(j, "statusReason");
    d.service_role = JsonString(j, "serviceRole");
    if (j.contains("computeResources")) {
      d.compute_resources = ComputeResourcesFrom(JsonObject(j, "computeResources"));
    }
    d.tags = JsonStringMap(j, "tags");
    result.compute_environments.push_back(std::move(d));
  }
  result.next_token = JsonString(out, "nextToken");
  return result;
}

Result<UpdateComputeEnvironmentResult> BatchClient::UpdateComputeEnvironment(
    const UpdateComputeEnvironmentRequest& request) {
  Json body = {{"computeEnvironment", request.compute_environment}};
  SetIfNotEmpty(body, "state", request.state);
  Json resources = Json::object();
  SetIfPresent(resources, "minvCpus", request.min_vcpus);
  SetIfPresent(resources, "maxvCpus", request.max_vcpus);
  SetIfPresent(resources, "desiredvCpus", request.desired_vcpus);
  if (!resources.empty()) body["computeResources"] = std::move(resources);
  SetIfNotEmpty(body, "serviceRole", request.service_role);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "UpdateComputeEnvironment", body));
  return UpdateComputeEnvironmentResult{JsonString(out, "computeEnvironmentName"),
                                        JsonString(out, "computeEnvironmentArn")};
}

Result<DeleteComputeEnvironmentResult> BatchClient::DeleteComputeEnvironment(
    const DeleteComputeEnvironmentRequest& request) {
  RETURN_IF_ERROR(Post(*client_, "DeleteComputeEnvironment",
                       {{"computeEnvironment", request.compute_environment}})
                      .status());
  return DeleteComputeEnvironmentResult{};
}

Result<CreateJobQueueResult> BatchClient::CreateJobQueue(const CreateJobQueueRequest& request) {
  Json body = {{"jobQueueName", request.job_queue_name},
               {"priority", request.priority},
               {"computeEnvironmentOrder", ToJson(request.compute_environment_order)}};
  SetIfNotEmpty(body, "state", request.state);
  SetIfNotEmpty(body, "schedulingPolicyArn", request.scheduling_policy_arn);
  SetIfNotEmpty(body, "tags", request.tags);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "CreateJobQueue", body));
  return CreateJobQueueResult{JsonString(out, "jobQueueName"), JsonString(out, "jobQueueArn")};
}

Result<DescribeJobQueuesResult> BatchClient::DescribeJobQueues(
    const DescribeJobQueuesRequest& request) {
  Json body = Json::object();
  SetIfNotEmpty(body, "jobQueues", request.job_queues);
  SetIfPresent(body, "maxResults", request.max_results);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeJobQueues", body));
  DescribeJobQueuesResult result;
  for (const Json& j : JsonArray(out, "jobQueues")) {
    JobQueueDetail d;
    d.job_queue_name = JsonString(j, "jobQueueName");
    d.job_queue_arn = JsonString(j, "jobQueueArn");
    d.state = JsonString(j, "state");
    d.status = JsonString(j, "status");
    d.status_reason = JsonString(j, "statusReason");
    d.scheduling_policy_arn = JsonString(j, "schedulingPolicyArn");
    d.priority = JsonInt(j, "priority").value_or(0);
    d.compute_environment_order = OrderFrom(j);
    d.tags = JsonStringMap(j, "tags");
    result.job_queues.push_back(std::move(d));
  }
  result.next_token = JsonString(out, "nextToken");
  return result;
}

Result<UpdateJobQueueResult> BatchClient::UpdateJobQueue(const UpdateJobQueueRequest& request) {
  Json body = {{"jobQueue", request.job_queue}};
  SetIfNotEmpty(body, "state", request.state);
  SetIfNotEmpty(body, "schedulingPolicyArn", request.scheduling_policy_arn);
  SetIfPresent(body, "priority", request.priority);
  if (!request.compute_environment_order.empty()) {
    body["computeEnvironmentOrder"] = ToJson(request.compute_environment_order);
  }
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "UpdateJobQueue", body));
  return UpdateJobQueueResult{JsonString(out, "jobQueueName"), JsonString(out, "jobQueueArn")};
}

Result<DeleteJobQueueResult> BatchClient::DeleteJobQueue(const DeleteJobQueueRequest& request) {
  RETURN_IF_ERROR(Post(*client_, "DeleteJobQueue", {{"jobQueue", request.job_queue}}).status());
  return DeleteJobQueueResult{};
}

Result<RegisterJobDefinitionResult> BatchClient::RegisterJobDefinition(
    const RegisterJobDefinitionRequest& request) {
  Json body = {{"jobDefinitionName", request.job_definition_name}, {"type", request.type}};
  SetIfNotEmpty(body, "parameters", request.parameters);
  if (request.container_properties) {
    body["containerProperties"] = ToJson(*request.container_properties);
  }
  if (request.node_properties) body["nodeProperties"] = ToJson(*request.node_properties);
  if (request.retry_strategy) body["retryStrategy"] = ToJson(*request.retry_strategy);
  SetTimeout(body, request.timeout_seconds);
  SetIfPresent(body, "propagateTags", request.propagate_tags);
  SetIfPresent(body, "schedulingPriority", request.scheduling_priority);
  SetIfNotEmpty(body, "platformCapabilities", request.platform_capabilities);
  SetIfNotEmpty(body, "tags", request.tags);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "RegisterJobDefinition", body));
  return RegisterJobDefinitionResult{JsonString(out, "jobDefinitionName"),
                                     JsonString(out, "jobDefinitionArn"),
                                     JsonInt(out, "revision").value_or(0)};
}

Result<DescribeJobDefinitionsResult> BatchClient::DescribeJobDefinitions(
    const DescribeJobDefinitionsRequest& request) {
  Json body = Json::object();
  SetIfNotEmpty(body, "jobDefinitions", request.job_definitions);
  SetIfNotEmpty(body, "jobDefinitionName", request.job_definition_name);
  SetIfNotEmpty(body, "status", request.status);
  SetIfPresent(body, "maxResults", request.max_results);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeJobDefinitions", body));
  DescribeJobDefinitionsResult result;
  for (const Json& j : JsonArray(out, "jobDefinitions")) {
    JobDefinitionDetail d;
    d.job_definition_name = JsonString(j, "jobDefinitionName");
    d.job_definition_arn = JsonString(j, "jobDefinitionArn");
    d.revision = JsonInt(j, "revision").value_or(0);
    d.status = JsonString(j, "status");
    d.type = JsonString(j, "type");
    d.parameters = JsonStringMap(j, "parameters");
    if (j.contains("containerProperties")) {
      d.container_properties = ContainerPropertiesFrom(JsonObject(j, "containerProperties"));
    }
    d.node_properties = NodePropertiesFrom(j);
    d.retry_strategy = RetryStrategyFrom(j);
    d.timeout_seconds = TimeoutFrom(j);
    d.propagate_tags = JsonBool(j, "propagateTags");
    d.scheduling_priority = JsonInt(j, "schedulingPriority");
    d.platform_capabilities = JsonStringList(j, "platformCapabilities");
    d.tags = JsonStringMap(j, "tags");
    result.job_definitions.push_back(std::move(d));
  }
  result.next_token = JsonString(out, "nextToken");
  return result;
}

Result<DeregisterJobDefinitionResult> BatchClient::DeregisterJobDefinition(
    const DeregisterJobDefinitionRequest& request) {
  RETURN_IF_ERROR(
      Post(*client_, "DeregisterJobDefinition", {{"jobDefinition", request.job_definition}})
          .status());
  return DeregisterJobDefinitionResult{};
}

Result<SubmitJobResult> BatchClient::SubmitJob(const SubmitJobRequest& request,
                                               const CallOptions& options) {
  Json body = {{"jobName", request.job_name},
               {"jobQueue", request.job_queue},
               {"jobDefinition", request.job_definition}};
  SetIfNotEmpty(body, "shareIdentifier", request.share_identifier);
  SetIfPresent(body, "schedulingPriorityOverride", request.scheduling_priority_override);
  if (request.array_size) body["arrayProperties"] = {{"size", *request.array_size}};
  if (!request.depends_on.empty()) {
    Json depends_on = Json::array();
    for (const auto& dependency : request.depends_on) {
      Json d = {{"jobId", dependency.job_id}};
      SetIfNotEmpty(d, "type", dependency.type);
      depends_on.push_back(std::move(d));
    }
    body["dependsOn"] = std::move(depends_on);
  }
  SetIfNotEmpty(body, "parameters", request.parameters);
  if (request.container_overrides) {
    body["containerOverrides"] = ToJson(*request.container_overrides);
  }
  if (request.node_overrides) body["nodeOverrides"] = ToJson(*request.node_overrides);
  if (request.retry_strategy) body["retryStrategy"] = ToJson(*request.retry_strategy);
  SetIfPresent(body, "propagateTags", request.propagate_tags);
  SetTimeout(body, request.timeout_seconds);
  SetIfNotEmpty(body, "tags", request.tags);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "SubmitJob", body, options));
  SubmitJobResult result{JsonString(out, "jobArn"), JsonString(out, "jobName"),
                         JsonString(out, "jobId")};
  if (result.job_id.empty()) return InternalError("batch SubmitJob: the response has no jobId");
  return result;
}

Result<DescribeJobsResult> BatchClient::DescribeJobs(const DescribeJobsRequest& request) {
  DescribeJobsResult result;
  for (std::size_t start = 0; start < request.jobs.size(); start += kMaxDescribeJobs) {
    const std::size_t end = std::min(request.jobs.size(), start + kMaxDescribeJobs);
    const std::vector<std::string> chunk(request.jobs.begin() + static_cast<std::ptrdiff_t>(start),
                                         request.jobs.begin() + static_cast<std::ptrdiff_t>(end));
    ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeJobs", {{"jobs", chunk}}));
    for (const Json& j : JsonArray(out, "jobs")) result.jobs.push_back(JobDetailFrom(j));
  }
  return result;
}

Result<ListJobsResult> BatchClient::ListJobs(const ListJobsRequest& request) {
  Json body = Json::object();
  SetIfNotEmpty(body, "jobQueue", request.job_queue);
  SetIfNotEmpty(body, "arrayJobId", request.array_job_id);
  SetIfNotEmpty(body, "multiNodeJobId", request.multi_node_job_id);
  SetIfNotEmpty(body, "jobStatus", request.job_status);
  if (!request.filters.empty()) {
    Json filters = Json::array();
    for (const auto& f : request.filters)
      filters.push_back({{"name", f.name}, {"values", f.values}});
    body["filters"] = std::move(filters);
  }
  SetIfPresent(body, "maxResults", request.max_results);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "ListJobs", body));
  ListJobsResult result;
  for (const Json& j : JsonArray(out, "jobSummaryList")) {
    JobSummary s;
    s.job_arn = JsonString(j, "jobArn");
    s.job_id = JsonString(j, "jobId");
    s.job_name = JsonString(j, "jobName");
    s.created_at = JsonInt(j, "createdAt");
    s.status = JsonString(j, "status");
    s.status_reason = JsonString(j, "statusReason");
    s.started_at = JsonInt(j, "startedAt");
    s.stopped_at = JsonInt(j, "stoppedAt");
    s.exit_code = JsonInt(JsonObject(j, "container"), "exitCode");
    s.array_size = JsonInt(JsonObject(j, "arrayProperties"), "size");
    s.array_index = JsonInt(JsonObject(j, "arrayProperties"), "index");
    s.job_definition = JsonString(j, "jobDefinition");
    result.job_summary_list.push_back(std::move(s));
  }
  result.next_token = JsonString(out, "nextToken");
  return result;
}

Result<std::vector<JobSummary>> BatchClient::ListAllJobs(ListJobsRequest request, int max_pages) {
  std::vector<JobSummary> all;
  const std::string start = request.next_token;
  ASSIGN_OR_RETURN(const protocols::PaginationSummary summary,
                   protocols::Paginate<ListJobsResult>(
                       [&](const std::string& token) {
                         request.next_token = token;
                         return ListJobs(request);
                       },
                       [](const ListJobsResult& page) { return page.next_token; },
                       [&](ListJobsResult& page) {
                         std::move(page.job_summary_list.begin(), page.job_summary_list.end(),
                                   std::back_inserter(all));
                         return Status::Ok();
                       },
                       protocols::PaginationOptions{max_pages}, start));
  if (summary.truncated) {
    return ResourceExhaustedError(
        fmt::format("batch ListJobs: more than {} pages; narrow the listing", max_pages));
  }
  return all;
}

Result<CancelJobResult> BatchClient::CancelJob(const CancelJobRequest& request) {
  RETURN_IF_ERROR(
      Post(*client_, "CancelJob", {{"jobId", request.job_id}, {"reason", request.reason}})
          .status());
  return CancelJobResult{};
}

Result<TerminateJobResult> BatchClient::TerminateJob(const TerminateJobRequest& request) {
  RETURN_IF_ERROR(
      Post(*client_, "TerminateJob", {{"jobId", request.job_id}, {"reason", request.reason}})
          .status());
  return TerminateJobResult{};
}

Result<TagResourceResult> BatchClient::TagResource(const TagResourceRequest& request) {
  ASSIGN_OR_RETURN(
      const std::string path,
      protocols::ExpandPath("/v1/tags/{resourceArn}", {{"resourceArn", request.resource_arn}}));
  const Json body = {{"tags", request.tags}};
  RETURN_IF_ERROR(client_
                      ->Send("TagResource",
                             [&]() -> Result<HttpRequest> {
                               return protocols::MakeRestJsonRequest("POST", path, body);
                             })
                      .status());
  return TagResourceResult{};
}

Result<ListTagsForResourceResult> BatchClient::ListTagsForResource(
    const ListTagsForResourceRequest& request) {
  ASSIGN_OR_RETURN(
      const std::string path,
      protocols::ExpandPath("/v1/tags/{resourceArn}", {{"resourceArn", request.resource_arn}}));
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client_->Send("ListTagsForResource", [&]() -> Result<HttpRequest> {
                     return protocols::MakeRestJsonRequest("GET", path, Json());
                   }));
  ASSIGN_OR_RETURN(const Json out,
                   protocols::ParseJsonBody(response.body, "batch ListTagsForResource"));
  return ListTagsForResourceResult{JsonStringMap(out, "tags")};
}

Result<CreateSchedulingPolicyResult> BatchClient::CreateSchedulingPolicy(
    const CreateSchedulingPolicyRequest& request) {
  Json body = {{"name", request.name}};
  if (request.fairshare_policy) body["fairsharePolicy"] = ToJson(*request.fairshare_policy);
  SetIfNotEmpty(body, "tags", request.tags);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "CreateSchedulingPolicy", body));
  return CreateSchedulingPolicyResult{JsonString(out, "name"), JsonString(out, "arn")};
}

Result<DescribeSchedulingPoliciesResult> BatchClient::DescribeSchedulingPolicies(
    const DescribeSchedulingPoliciesRequest& request) {
  ASSIGN_OR_RETURN(const Json out,
                   Post(*client_, "DescribeSchedulingPolicies", {{"arns", request.arns}}));
  DescribeSchedulingPoliciesResult result;
  for (const Json& j : JsonArray(out, "schedulingPolicies")) {
    result.scheduling_policies.push_back({JsonString(j, "name"), JsonString(j, "arn"),
                                          FairsharePolicyFrom(j), JsonStringMap(j, "tags")});
  }
  return result;
}

}  // namespace awshpc::aws::batch
