// File: attempt_instances.hpp
// Which instance ran a Batch attempt: the attempt's ECS container instance (DescribeJobs'
// attempts[].container.containerInstanceArn) is looked up in the ECS clusters of the region's
// compute environments (DescribeComputeEnvironments' ecsClusterArn), then its EC2 instance
// (DescribeInstances: InstanceType, InstanceLifecycle "spot"). When the instance is gone, the ECS
// agent's ecs.instance-type attribute still names the type, and the compute environment's type
// (SPOT or EC2) says how it was bought.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/aws/services/ecs.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::batch {

struct AttemptInstance {
  std::string instance_type;
  std::string purchase;             // "spot", "on-demand", or "" when neither source says
  std::string compute_environment;  // name of the environment whose cluster holds it
  std::string source;               // kInstanceFromEc2 or kInstanceFromEcsAttribute
  std::string ec2_instance_id;
};

class AttemptInstances {
 public:
  // Every client must outlive this.
  AttemptInstances(aws::batch::BatchClient& batch, aws::ecs::EcsClient& ecs,
                   aws::ec2::Ec2Client& ec2)
      : batch_(batch), ecs_(ecs), ec2_(ec2) {}

  // nullopt when no compute environment's cluster knows the container instance, or neither EC2
  // nor ECS names its type. Results are remembered for the life of this object.
  Result<std::optional<AttemptInstance>> Find(const std::string& container_instance_arn);

  // Fills `attempt`'s instance fields from Find(attempt.container_instance_arn) when it finds
  // something; an attempt whose container instance is not an ARN is left as it is.
  Status Record(AttemptRecord& attempt);

 private:
  struct Environment {
    std::string name;
    std::string cluster_arn;
    std::string purchase;  // from computeResources.type
  };
  Status LoadEnvironments();

  aws::batch::BatchClient& batch_;
  aws::ecs::EcsClient& ecs_;
  aws::ec2::Ec2Client& ec2_;
  std::optional<std::vector<Environment>> environments_;
  std::map<std::string, std::optional<AttemptInstance>> found_;
};

}  // namespace awshpc::batch
