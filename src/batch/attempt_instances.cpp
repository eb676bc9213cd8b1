// File: attempt_instances.cpp
#include "awshpc/batch/attempt_instances.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "awshpc/batch/purchase.hpp"

namespace awshpc::batch {
namespace {

std::string LastPathPart(const std::string& arn) {
  const auto slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

// The long ARN format names the cluster: ".../container-instance/CLUSTER/ID".
bool ArnNamesCluster(const std::string& container_instance_arn, const std::string& cluster) {
  return container_instance_arn.find("container-instance/" + cluster + "/") != std::string::npos;
}

}  // namespace

Status AttemptInstances::LoadEnvironments() {
  if (environments_) return Status::Ok();
  std::vector<Environment> environments;
  aws::batch::DescribeComputeEnvironmentsRequest request;
  for (int page = 0; page < 100; ++page) {
    ASSIGN_OR_RETURN(aws::batch::DescribeComputeEnvironmentsResult result,
                     batch_.DescribeComputeEnvironments(request));
    for (const aws::batch::ComputeEnvironmentDetail& ce : result.compute_environments) {
      if (ce.ecs_cluster_arn.empty()) continue;
      environments.push_back(
          {ce.compute_environment_name, ce.ecs_cluster_arn, PurchaseOfComputeEnvironment(ce)});
    }
    if (result.next_token.empty()) break;
    request.next_token = result.next_token;
  }
  environments_ = std::move(environments);
  return Status::Ok();
}

Result<std::optional<AttemptInstance>> AttemptInstances::Find(
    const std::string& container_instance_arn) {
  if (const auto known = found_.find(container_instance_arn); known != found_.end()) {
    return known->second;
  }
  RETURN_IF_ERROR(LoadEnvironments());
  // The cluster the ARN names first; with short ARNs every cluster in turn.
  std::vector<const Environment*> order;
  for (const Environment& env : *environments_) order.push_back(&env);
  std::stable_partition(order.begin(), order.end(), [&](const Environment* env) {
    return ArnNamesCluster(container_instance_arn, LastPathPart(env->cluster_arn));
  });
  std::optional<AttemptInstance> found;
  for (const Environment* env : order) {
    // A cluster that does not hold it answers with a failure (or an error): try the next.
    auto described = ecs_.DescribeContainerInstances({env->cluster_arn, {container_instance_arn}});
    if (!described.ok() || described->container_instances.empty()) continue;
    const aws::ecs::ContainerInstance& ci = described->container_instances.front();
    AttemptInstance instance;
    instance.compute_environment = env->name;
    instance.ec2_instance_id = ci.ec2_instance_id;
    instance.purchase = env->purchase;
    if (!ci.ec2_instance_id.empty()) {
      aws::ec2::DescribeInstancesRequest request;
      request.instance_ids = {ci.ec2_instance_id};
      // InvalidInstanceID.NotFound once AWS has forgotten a terminated instance: not an error.
      auto instances = ec2_.DescribeInstances(request);
      if (instances.ok()) {
        for (const aws::ec2::Reservation& reservation : instances->reservations) {
          for (const aws::ec2::Instance& ec2 : reservation.instances) {
            if (ec2.instance_id != ci.ec2_instance_id || ec2.instance_type.empty()) continue;
            instance.instance_type = ec2.instance_type;
            instance.purchase = ec2.instance_lifecycle == "spot" ? std::string(kPurchaseSpot)
                                                                 : std::string(kPurchaseOnDemand);
            instance.source = kInstanceFromEc2;
          }
        }
      }
    }
    if (instance.source.empty()) {
      const auto attribute = ci.attributes.find("ecs.instance-type");
      if (attribute != ci.attributes.end() && !attribute->second.empty()) {
        instance.instance_type = attribute->second;
        instance.source = kInstanceFromEcsAttribute;
      }
    }
    if (!instance.source.empty()) found = std::move(instance);
    break;
  }
  found_.emplace(container_instance_arn, found);
  return found;
}

Status AttemptInstances::Record(AttemptRecord& attempt) {
  // Not an ARN (moto's Batch writes "TBD"): nothing any cluster could hold, so no calls.
  if (attempt.container_instance_arn.rfind("arn:", 0) != 0) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<AttemptInstance> found, Find(attempt.container_instance_arn));
  if (!found) return Status::Ok();
  attempt.instance_type = found->instance_type;
  if (!found->purchase.empty()) attempt.purchase = found->purchase;
  attempt.compute_environment = found->compute_environment;
  attempt.instance_source = found->source;
  return Status::Ok();
}

}  // namespace awshpc::batch
