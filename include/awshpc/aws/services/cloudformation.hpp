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

class CloudFormationClient {
 public:
  explicit CloudFormationClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  static Result<CloudFormationClient> Create(AwsContext& context);

  Result<CreateStackResult> CreateStack(const CreateStackRequest& request);
  Result<UpdateStackResult> UpdateStack(const UpdateStackRequest& request);
  Result<DescribeStacksResult> DescribeStacks(const DescribeStacksRequest& request);
  Result<DescribeStackEventsResult> DescribeStackEvents(const DescribeStackEventsRequest& request);
  Result<DeleteStackResult> DeleteStack(const DeleteStackRequest& request);

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::cloudformation
