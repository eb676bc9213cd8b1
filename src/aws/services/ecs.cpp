// File: services/ecs.cpp
// Amazon ECS over json-1.1: POST / with X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>.
#include "awshpc/aws/services/ecs.hpp"

#include "awshpc/aws/protocols/json.hpp"
#include "json_call.hpp"

namespace awshpc::aws::ecs {
namespace {

using protocols::Json;
using protocols::JsonArray;
using protocols::JsonString;

Result<Json> EcsPost(AwsClient& client, std::string_view operation, const Json& body) {
  return services_internal::PostJson11(client, "ecs", kTargetPrefix, operation, body);
}

ContainerInstance EcsContainerInstanceFrom(const Json& j) {
  ContainerInstance instance;
  instance.container_instance_arn = JsonString(j, "containerInstanceArn");
  instance.ec2_instance_id = JsonString(j, "ec2InstanceId");
  instance.status = JsonString(j, "status");
  for (const Json& attribute : JsonArray(j, "attributes")) {
    instance.attributes[JsonString(attribute, "name")] = JsonString(attribute, "value");
  }
  return instance;
}

}  // namespace

Result<EcsClient> EcsClient::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   context.MakeClient(kService, Protocol::kJson));
  return EcsClient(std::move(client));
}

Result<DescribeContainerInstancesResult> EcsClient::DescribeContainerInstances(
    const DescribeContainerInstancesRequest& request) {
  Json body = {{"containerInstances", request.container_instances}};
  if (!request.cluster.empty()) body["cluster"] = request.cluster;
  ASSIGN_OR_RETURN(const Json out, EcsPost(*client_, "DescribeContainerInstances", body));
  DescribeContainerInstancesResult result;
  for (const Json& j : JsonArray(out, "containerInstances")) {
    result.container_instances.push_back(EcsContainerInstanceFrom(j));
  }
  for (const Json& j : JsonArray(out, "failures")) {
    result.failures.push_back({JsonString(j, "arn"), JsonString(j, "reason")});
  }
  return result;
}

Result<RegisterContainerInstanceResult> EcsClient::RegisterContainerInstance(
    const RegisterContainerInstanceRequest& request) {
  Json body = {{"instanceIdentityDocument", request.instance_identity_document}};
  if (!request.cluster.empty()) body["cluster"] = request.cluster;
  ASSIGN_OR_RETURN(const Json out, EcsPost(*client_, "RegisterContainerInstance", body));
  const auto found = out.find("containerInstance");
  if (found == out.end() || !found->is_object()) {
    return InternalError("ecs RegisterContainerInstance: response has no containerInstance");
  }
  return RegisterContainerInstanceResult{EcsContainerInstanceFrom(*found)};
}

}  // namespace awshpc::aws::ecs
