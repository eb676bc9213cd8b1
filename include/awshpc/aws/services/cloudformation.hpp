// File: services/cloudformation.hpp
// AWS CloudFormation (query, API 2010-05-15): the stack operations the infra module needs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::cloudformation {

inline constexpr ServiceInfo kService{"CloudFormation", "cloudformation", "cloudformation"};
inline constexpr std::string_view kApiVersion = "2010-05-15";

struct Parameter {
  std::string parameter_key;
  std::string parameter_value;
};

struct CreateStackRequest {
  std::string stack_name;
  std::string template_body;
  std::vector<Parameter> parameters;
  std::vector<std::string> capabilities;  // CAPABILITY_IAM, CAPABILITY_NAMED_IAM
  std::map<std::string, std::string> tags;
  std::string on_failure;  // DO_NOTHING | ROLLBACK | DELETE
};
struct CreateStackResult {
  std::string stack_id;
};

struct UpdateStackRequest {
  std::string stack_name;
  std::string template_body;
  std::vector<Parameter> parameters;
  std::vector<std::string> capabilities;
};
struct UpdateStackResult {
  std::string stack_id;
};

struct DescribeStacksRequest {
  std::string stack_name;  // empty: every stack
  std::string next_token;
};
struct Stack {
  std::string stack_id;
  std::string stack_name;
  std::string stack_status;  // CREATE_COMPLETE, ROLLBACK_IN_PROGRESS, ...
  std::string stack_status_reason;
  std::optional<std::int64_t> creation_time;
  std::vector<Parameter> parameters;
  std::map<std::string, std::string> outputs;  // OutputKey -> OutputValue
  std::map<std::string, std::string> tags;
};
struct DescribeStacksResult {
  std::vector<Stack> stacks;
  std::string next_token;
};

struct DescribeStackEventsRequest {
  std::string stack_name;
  std::string next_token;
};
struct StackEvent {
  std::string event_id;
  std::string logical_resource_id;
  std::string resource_type;
  std::string resource_status;
  std::string resource_status_reason;
  std::optional<std::int64_t> timestamp;
};
struct DescribeStackEventsResult {
  std::vector<StackEvent> stack_events;
  std::string next_token;
};

struct DeleteStackRequest {
  std::string stack_name;
};
struct DeleteStackResult {};

// Change sets: how deploy and diff see what an update would do before doing it.
struct CreateChangeSetRequest {
  std::string stack_name;
  std::string change_set_name;
  std::string change_set_type;  // CREATE | UPDATE
  std::string template_body;
  std::vector<Parameter> parameters;
  std::vector<std::string> capabilities;
  std::map<std::string, std::string> tags;
  std::string description;
};
struct CreateChangeSetResult {
  std::string id;  // the change set's ARN
  std::string stack_id;
};

struct DescribeChangeSetRequest {
  std::string change_set_name;  // name or ARN
  std::string stack_name;       // required when change_set_name is a name
  std::string next_token;
};
struct ResourceChange {
  std::string action;  // Add | Modify | Remove | Import | Dynamic
  std::string logical_resource_id;
  std::string physical_resource_id;
  std::string resource_type;
  std::string replacement;         // True | False | Conditional ("" for Add and Remove)
  std::vector<std::string> scope;  // Properties, Metadata, Tags, ...
};
struct DescribeChangeSetResult {
  std::string change_set_id;
  std::string change_set_name;
  std::string stack_id;
  std::string stack_name;
  std::string status;  // CREATE_PENDING | CREATE_IN_PROGRESS | CREATE_COMPLETE | FAILED | ...
  std::string status_reason;
  std::string execution_status;  // UNAVAILABLE | AVAILABLE | EXECUTE_IN_PROGRESS | ...
  std::vector<ResourceChange> changes;
  std::string next_token;
};

struct ExecuteChangeSetRequest {
  std::string change_set_name;
  std::string stack_name;
};
struct ExecuteChangeSetResult {};

struct DeleteChangeSetRequest {
  std::string change_set_name;
  std::string stack_name;
};
struct DeleteChangeSetResult {};

struct DescribeStackResourcesRequest {
  std::string stack_name;
};
struct StackResource {
  std::string logical_resource_id;
  std::string physical_resource_id;
  std::string resource_type;
  std::string resource_status;
  std::string resource_status_reason;
};
struct DescribeStackResourcesResult {
  std::vector<StackResource> stack_resources;
};

struct ValidateTemplateRequest {
  std::string template_body;
};
struct TemplateParameter {
  std::string parameter_key;
  std::string default_value;
  std::string description;
};
struct ValidateTemplateResult {
  std::vector<TemplateParameter> parameters;
  std::vector<std::string> capabilities;
  std::string description;
};

struct GetTemplateRequest {
  std::string stack_name;
  std::string template_stage;  // Original | Processed; "" for the service default (Original)
};
struct GetTemplateResult {
  std::string template_body;
};

class CloudFormationClient {
 public:
  explicit CloudFormationClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  static Result<CloudFormationClient> Create(AwsContext& context);

  Result<CreateStackResult> CreateStack(const CreateStackRequest& request);
  Result<UpdateStackResult> UpdateStack(const UpdateStackRequest& request);
  Result<DescribeStacksResult> DescribeStacks(const DescribeStacksRequest& request);
  Result<DescribeStackEventsResult> DescribeStackEvents(const DescribeStackEventsRequest& request);
  Result<DeleteStackResult> DeleteStack(const DeleteStackRequest& request);
  Result<CreateChangeSetResult> CreateChangeSet(const CreateChangeSetRequest& request);
  Result<DescribeChangeSetResult> DescribeChangeSet(const DescribeChangeSetRequest& request);
  Result<ExecuteChangeSetResult> ExecuteChangeSet(const ExecuteChangeSetRequest& request);
  Result<DeleteChangeSetResult> DeleteChangeSet(const DeleteChangeSetRequest& request);
  Result<DescribeStackResourcesResult> DescribeStackResources(
      const DescribeStackResourcesRequest& request);
  Result<ValidateTemplateResult> ValidateTemplate(const ValidateTemplateRequest& request);
  Result<GetTemplateResult> GetTemplate(const GetTemplateRequest& request);

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::cloudformation
