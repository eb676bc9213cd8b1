// File: storage_stack.cpp
// The storage stack: FSx for Lustre linked to the platform bucket and an EFS file system with a
// mount target in every private subnet, both behind the cluster security group.
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
using cfn::Sub;

// The compute stack's launch templates import these outputs (mounts.hpp names them).
Json Exported(const PlatformConfig& config, std::string_view key, Json output) {
  output["Export"] = Json{{"Name", mounts::ExportName(config, key)}};
  return output;
}

void AddFsx(const PlatformConfig& config, Json& resources, Json& outputs) {
  const FsxConfig& fsx = config.storage.fsx;
  Json lustre = Json{{"DeploymentType", fsx.deployment}, {"DataCompressionType", "LZ4"}};
  if (fsx.deployment == "SCRATCH_2") {
    // Scratch file systems link to S3 directly: lazy import, export on request.
    lustre["ImportPath"] = Sub("s3://${BucketName}");
    lustre["ExportPath"] = Sub("s3://${BucketName}/fsx-export");
    lustre["AutoImportPolicy"] = "NEW_CHANGED_DELETED";
  } else {
    lustre["PerUnitStorageThroughput"] = fsx.throughput_per_tib;
  }
  resources["LustreFileSystem"] =
      Resource("AWS::FSx::FileSystem",
               {{"FileSystemType", "LUSTRE"},
                {"StorageType", "SSD"},
                {"StorageCapacity", fsx.capacity_gib},
                {"SubnetIds", Json::array({cfn::Select(0, Ref("PrivateSubnetIds"))})},
                {"SecurityGroupIds", Json::array({Ref("ClusterSecurityGroupId")})},
                {"LustreConfiguration", lustre},
                {"Tags", cfn::TagList(config, {{"Name", config.name + "-lustre"}})}});
  if (fsx.deployment == "PERSISTENT_2") {
    // Persistent file systems link to S3 through a data repository association.
    const Json events = Json::array({"NEW", "CHANGED", "DELETED"});
    resources["LustreBucketLink"] =
        Resource("AWS::FSx::DataRepositoryAssociation",
                 {{"FileSystemId", Ref("LustreFileSystem")},
                  {"FileSystemPath", "/data"},
                  {"DataRepositoryPath", Sub("s3://${BucketName}")},
                  {"BatchImportMetaDataOnCreate", true},
                  {"S3", Json{{"AutoImportPolicy", Json{{"Events", events}}},
                              {"AutoExportPolicy", Json{{"Events", events}}}}}});
  }
  outputs["LustreFileSystemId"] =
      cfn::Output("FSx for Lustre file system", Ref("LustreFileSystem"));
  outputs["LustreDnsName"] =
      Exported(config, "LustreDnsName",
               cfn::Output("DNS name to mount Lustre", GetAtt("LustreFileSystem", "DNSName")));
  outputs["LustreMountName"] =
      Exported(config, "LustreMountName",
               cfn::Output("Lustre mount name", GetAtt("LustreFileSystem", "LustreMountName")));
}

void AddEfs(const PlatformConfig& config, Json& resources, Json& outputs) {
  resources["SharedFileSystem"] =
      Resource("AWS::EFS::FileSystem",
               {{"Encrypted", true},
                {"PerformanceMode", "generalPurpose"},
                {"ThroughputMode", "elastic"},
                {"BackupPolicy", Json{{"Status", "ENABLED"}}},
                {"LifecyclePolicies", Json::array({Json{{"TransitionToIA", "AFTER_30_DAYS"}}})},
                {"FileSystemTags", cfn::TagList(config, {{"Name", config.name + "-shared"}})}});
  for (int i = 0; i < config.network.availability_zones; ++i) {
    resources[fmt::format("SharedMountTarget{}", i + 1)] =
        Resource("AWS::EFS::MountTarget",
                 {{"FileSystemId", Ref("SharedFileSystem")},
                  {"SubnetId", cfn::Select(i, Ref("PrivateSubnetIds"))},
                  {"SecurityGroups", Json::array({Ref("ClusterSecurityGroupId")})}});
  }
  outputs["EfsFileSystemId"] =
      Exported(config, "EfsFileSystemId", cfn::Output("EFS file system", Ref("SharedFileSystem")));
}

}  // namespace

Result<nlohmann::ordered_json> SynthStorage(const PlatformConfig& config) {
  if (!config.storage.fsx.enabled && !config.storage.efs) {
    return InvalidArgumentError(fmt::format(
        "{}: the storage stack is empty: enable storage.fsx or storage.efs", config.file));
  }
  Json t = cfn::NewTemplate(fmt::format("aws-hpc {} storage: shared file systems", config.name));
  Json parameters =
      Json{{"PrivateSubnetIds", Json{{"Type", "List<AWS::EC2::Subnet::Id>"},
                                     {"Description", "Private subnets (core stack output)"}}},
           {"ClusterSecurityGroupId",
            Json{{"Type", "AWS::EC2::SecurityGroup::Id"},
                 {"Description", "Cluster security group (core stack output)"}}}};
  if (config.storage.fsx.enabled) {
    parameters["BucketName"] =
        Json{{"Type", "String"}, {"Description", "Platform bucket (core stack output)"}};
  }
  t["Parameters"] = std::move(parameters);
  Json resources = Json::object();
  Json outputs = Json::object();
  if (config.storage.fsx.enabled) AddFsx(config, resources, outputs);
  if (config.storage.efs) AddEfs(config, resources, outputs);
  t["Resources"] = std::move(resources);
  t["Outputs"] = std::move(outputs);
  return t;
}

}  // namespace awshpc::infra
