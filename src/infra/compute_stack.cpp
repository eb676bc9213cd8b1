// File: compute_stack.cpp
// The compute stack: per architecture family a launch template (IMDSv2, EBS, optional EFA, the
// storage mounts as UserData) and one Batch compute environment per purchase option; per family
// and purchase option a job queue (the spot queue falls back to on-demand), all under one
// fair-share scheduling policy.
#include <fmt/format.h>

#include "awshpc/infra/stacks.hpp"
#include "cfn.hpp"
#include "mounts.hpp"

namespace awshpc::infra {
namespace {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;
using cfn::Resource;

Json Parameter(std::string_view type, std::string_view description) {
  return Json{{"Type", type}, {"Description", description}};
}

Json LaunchTemplate(const PlatformConfig& config, const FamilyConfig& family) {
  Json data = Json::object();
  // IMDSv2 only; hop limit 2 so containers on the instance can reach it.
  data["MetadataOptions"] =
      Json{{"HttpEndpoint", "enabled"}, {"HttpTokens", "required"}, {"HttpPutResponseHopLimit", 2}};
  data["BlockDeviceMappings"] =
      Json::array({Json{{"DeviceName", "/dev/xvda"},
                        {"Ebs", Json{{"VolumeSize", config.compute.ebs_gib},
                                     {"VolumeType", "gp3"},
                                     {"Encrypted", true},
                                     {"DeleteOnTermination", true}}}}});
  if (config.compute.efa) {
    // With interfaces in the template the security group goes here, not in the environment.
    data["NetworkInterfaces"] =
        Json::array({Json{{"DeviceIndex", 0},
                          {"InterfaceType", "efa"},
                          {"Groups", Json::array({Ref("ClusterSecurityGroupId")})},
                          {"DeleteOnTermination", true}}});
  }
  // With FSx or EFS on, every instance installs the clients and mounts them at boot, with the
  // storage stack's exported ids (so storage deploys before compute).
  if (cfn::Json user_data = mounts::LaunchTemplateUserData(config); !user_data.is_null()) {
    data["UserData"] = std::move(user_data);
  }
  const std::map<std::string, std::string> extra = {
      {std::string(kTagArchFamily), family.name},
      {"Name", fmt::format("{}-{}", config.name, family.name)}};
  data["TagSpecifications"] =
      Json::array({Json{{"ResourceType", "instance"}, {"Tags", cfn::TagList(config, extra)}},
                   Json{{"ResourceType", "volume"}, {"Tags", cfn::TagList(config, extra)}}});
  return Resource("AWS::EC2::LaunchTemplate",
                  {{"LaunchTemplateName", fmt::format("{}-{}", config.name, family.name)},
                   {"LaunchTemplateData", data}});
}

Json ComputeEnvironment(const PlatformConfig& config, const FamilyConfig& family,
                        const std::vector<std::string>& instance_types, bool spot,
                        const std::string& launch_template) {
  const std::map<std::string, std::string> extra = {
      {std::string(kTagArchFamily), family.name},
      {std::string(kTagPurchase), std::string(PurchaseName(spot))}};
  Json resources = Json::object();
  resources["Type"] = spot ? "SPOT" : "EC2";
  resources["AllocationStrategy"] = spot ? "SPOT_PRICE_CAPACITY_OPTIMIZED" : "BEST_FIT_PROGRESSIVE";
  resources["MinvCpus"] = 0;
  resources["MaxvCpus"] = family.max_vcpus;
  resources["InstanceTypes"] = instance_types;
  // Multi-node (MPI) jobs run on demand (Batch refuses them on Spot), so the on-demand
  // environment is the one in the cluster placement group. A cluster group lives in one
  // availability zone, so that environment uses the first private subnet only: instances
  // launched in another zone could not join the group. Spot environments span every zone (more
  // Spot pools, fewer interruptions) and stay out of the group.
  const bool grouped = config.compute.placement_group && !spot;
  resources["Subnets"] =
      grouped ? Json::array({cfn::Select(0, Ref("PrivateSubnetIds"))}) : Ref("PrivateSubnetIds");
  if (!config.compute.efa) {
    resources["SecurityGroupIds"] = Json::array({Ref("ClusterSecurityGroupId")});
  }
  resources["InstanceRole"] = Ref("InstanceProfileArn");
  resources["LaunchTemplate"] = Json{{"LaunchTemplateId", Ref(launch_template)},
                                     {"Version", GetAtt(launch_template, "LatestVersionNumber")}};
  if (grouped) resources["PlacementGroup"] = Ref("ClusterPlacementGroup");
  resources["Ec2Configuration"] =
      Json::array({Json{{"ImageType", family.name == "gpu" ? "ECS_AL2_NVIDIA" : "ECS_AL2023"}}});
  resources["Tags"] = cfn::TagMap(
      config, {{"Name", fmt::format("{}-{}-{}", config.name, family.name, PurchaseName(spot))},
               {std::string(kTagArchFamily), family.name},
               {std::string(kTagPurchase), std::string(PurchaseName(spot))}});
  return Resource("AWS::Batch::ComputeEnvironment", {{"Type", "MANAGED"},
                                                     {"State", "ENABLED"},
                                                     {"ServiceRole", Ref("BatchServiceRoleArn")},
                                                     {"ComputeResources", resources},
                                                     {"Tags", cfn::TagMap(config, extra)}});
}

}  // namespace

Result<nlohmann::ordered_json> SynthCompute(const PlatformConfig& config,
                                            const arch::Catalog& catalog) {
  Json t = cfn::NewTemplate(fmt::format(
      "aws-hpc {} compute: Batch compute environments and job queues per architecture family",
      config.name));
  // Filled by `infra deploy` from the core stack's outputs of the same names.
  t["Parameters"] = Json{
      {"PrivateSubnetIds",
       Parameter("List<AWS::EC2::Subnet::Id>", "Private subnets (core stack output)")},
      {"ClusterSecurityGroupId",
       Parameter("AWS::EC2::SecurityGroup::Id", "Cluster security group (core stack output)")},
      {"InstanceProfileArn", Parameter("String", "Instance profile ARN (core stack output)")},
      {"BatchServiceRoleArn", Parameter("String", "Batch service role ARN (core stack output)")}};
  Json resources = Json::object();
  Json outputs = Json::object();

  if (config.compute.placement_group && config.compute.ondemand) {
    resources["ClusterPlacementGroup"] =
        Resource("AWS::EC2::PlacementGroup", {{"Strategy", "cluster"}});
  }
  if (config.compute.fair_share) {
    resources["FairShare"] = Resource(
        "AWS::Batch::SchedulingPolicy",
        {{"Name", fmt::format("{}-fair-share", config.name)},
         {"FairsharePolicy",
          Json{{"ShareDecaySeconds", 3600},
               {"ComputeReservation", 10},
               {"ShareDistribution",
                Json::array({Json{{"ShareIdentifier", "default"}, {"WeightFactor", 1}}})}}},
         {"Tags", cfn::TagMap(config)}});
    outputs["SchedulingPolicyArn"] =
        cfn::Output("Fair-share policy of every queue", Ref("FairShare"));
  }

  for (const FamilyConfig& family : config.compute.families) {
    ASSIGN_OR_RETURN(const std::vector<std::string> types, InstanceTypesFor(family, catalog));
    const std::string camel = CamelCase(family.name);
    const std::string launch_template = "LaunchTemplate" + camel;
    resources[launch_template] = LaunchTemplate(config, family);
    std::map<bool, std::string> environments;  // spot? -> logical id
    for (bool spot : {true, false}) {
      if (spot ? !config.compute.spot : !config.compute.ondemand) continue;
      const std::string logical =
          fmt::format("ComputeEnvironment{}{}", camel, CamelCase(PurchaseName(spot)));
      resources[logical] = ComputeEnvironment(config, family, types, spot, launch_template);
      environments[spot] = logical;
      outputs[fmt::format("ComputeEnvironment{}{}Arn", camel, CamelCase(PurchaseName(spot)))] =
          cfn::Output(fmt::format("{} {} compute environment", family.name, PurchaseName(spot)),
                      Ref(logical));
    }
    for (bool spot : {true, false}) {
      if (!environments.contains(spot)) continue;
      // The spot queue falls back to on-demand capacity; the on-demand queue never uses spot.
      Json order =
          Json::array({Json{{"ComputeEnvironment", Ref(environments[spot])}, {"Order", 1}}});
      if (spot && environments.contains(false)) {
        order.push_back(Json{{"ComputeEnvironment", Ref(environments[false])}, {"Order", 2}});
      }
      const std::string name = QueueName(config, family.name, spot);
      Json properties = Json{{"JobQueueName", name},
                             {"Priority", 10},
                             {"State", "ENABLED"},
                             {"ComputeEnvironmentOrder", order}};
      if (config.compute.fair_share) properties["SchedulingPolicyArn"] = Ref("FairShare");
      properties["Tags"] =
          cfn::TagMap(config, {{std::string(kTagArchFamily), family.name},
                               {std::string(kTagPurchase), std::string(PurchaseName(spot))}});
      const std::string logical = fmt::format("JobQueue{}{}", camel, CamelCase(PurchaseName(spot)));
      resources[logical] = Resource("AWS::Batch::JobQueue", properties);
      const std::string what = fmt::format("{} {} job queue", family.name, PurchaseName(spot));
      outputs[QueueOutputKey(family.name, spot, "Name")] = cfn::Output(what + " (name)", name);
      outputs[QueueOutputKey(family.name, spot, "Arn")] =
          cfn::Output(what + " (ARN)", Ref(logical));
    }
  }
  t["Resources"] = std::move(resources);
  t["Outputs"] = std::move(outputs);
  return t;
}

}  // namespace awshpc::infra
