// File: services/ecs.hpp
// Amazon ECS (json-1.1, X-Amz-Target AmazonEC2ContainerServiceV20141113.<Operation>): only the
// container-instance calls the platform needs to learn which EC2 instance ran a Batch attempt
// (an attempt's containerInstanceArn lives in its compute environment's ECS cluster).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::ecs {

inline constexpr ServiceInfo kService{"ECS", "ecs", "ecs"};
inline constexpr std::string_view kTargetPrefix = "AmazonEC2ContainerServiceV20141113";

struct ContainerInstance {
  std::string container_instance_arn;
  std::string ec2_instance_id;
  std::string status;  // ACTIVE | DRAINING | INACTIVE ...
  // name -> value, e.g. "ecs.instance-type" -> "c6i.large" (the ECS agent's attributes; the
  // type stays known after the EC2 instance is gone).
  std::map<std::string, std::string> attributes;
};
struct Failure {
  std::string arn;
  std::string reason;  // "MISSING"
};

struct DescribeContainerInstancesRequest {
  std::string cluster;                           // name or ARN; "" means "default"
  std::vector<std::string> container_instances;  // ARNs or ids, at most 100
};
struct DescribeContainerInstancesResult {
  std::vector<ContainerInstance> container_instances;
  std::vector<Failure> failures;
};

// What the ECS agent sends when an instance joins a cluster (used by tests to put real
// instances into a compute environment's cluster).
struct RegisterContainerInstanceRequest {
  std::string cluster;
  std::string instance_identity_document;  // JSON with at least "instanceId"
};
struct RegisterContainerInstanceResult {
  ContainerInstance container_instance;
};

class EcsClient {
 public:
  explicit EcsClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  static Result<EcsClient> Create(AwsContext& context);

  Result<DescribeContainerInstancesResult> DescribeContainerInstances(
      const DescribeContainerInstancesRequest& request);
  Result<RegisterContainerInstanceResult> RegisterContainerInstance(
      const RegisterContainerInstanceRequest& request);

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::ecs
