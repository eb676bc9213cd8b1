// File: synth_test.cpp
// The synthesised templates: what each stack must hold (IMDSv2, encryption, spot then on-demand
// queue order, routing tags, ...) and that cfn-lint finds no error in any of them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../aws/test_util.hpp"
#include "awshpc/aws/process.hpp"
#include "awshpc/infra/naming.hpp"
#include "awshpc/infra/stacks.hpp"
#include "awshpc/spec/loader.hpp"

namespace awshpc::infra {
namespace {

using Json = nlohmann::ordered_json;

class SynthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = LoadPlatformConfig(std::string(AWSHPC_SOURCE_DIR) + "/examples/aws-hpc.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = *config;
    auto catalog = arch::Catalog::Builtin();
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = *catalog;
  }

  Json Compute() {
    auto t = SynthCompute(config_, *catalog_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : Json();
  }

  Result<AppStackInput> Lammps() {
    spec::LoadResult app =
        spec::LoadAppSpecFile(std::string(AWSHPC_SOURCE_DIR) + "/apps/lammps/app.yaml");
    if (!app.spec) return InternalError(app.DiagnosticsText());
    return AppStackInputFor(config_, *app.spec, *catalog_);
  }

  PlatformConfig config_;
  const arch::Catalog* catalog_ = nullptr;
};

TEST_F(SynthTest, CoreHasNetworkBucketRolesAndLogs) {
  auto t = SynthCore(config_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Json& r = (*t)["Resources"];
  EXPECT_EQ(r["PrivateSubnet1"]["Properties"]["CidrBlock"], "10.20.0.0/18");
  EXPECT_EQ(r["PrivateSubnet2"]["Properties"]["CidrBlock"], "10.20.64.0/18");
  EXPECT_EQ(r["PublicSubnet2"]["Properties"]["CidrBlock"], "10.20.192.0/18");
  EXPECT_TRUE(r.contains("NatGateway"));
  EXPECT_EQ(r["S3Endpoint"]["Properties"]["VpcEndpointType"], "Gateway");
  for (const char* endpoint :
       {"EcrApiEndpoint", "EcrDockerEndpoint", "LogsEndpoint", "StsEndpoint", "BatchEndpoint"}) {
    EXPECT_EQ(r[endpoint]["Properties"]["VpcEndpointType"], "Interface") << endpoint;
  }
  EXPECT_FALSE(r.contains("EcsEndpoint"));  // the NAT gateway reaches ECS
  EXPECT_EQ(r["ClusterIngressFromSelf"]["Properties"]["IpProtocol"], "-1");
  const Json& bucket = r["PlatformBucket"];
  EXPECT_EQ(bucket["DeletionPolicy"], "Retain");
  EXPECT_EQ(bucket["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"], true);
  EXPECT_TRUE(bucket["Properties"]["BucketEncryption"].is_object());
  EXPECT_EQ(bucket["Properties"]["LifecycleConfiguration"]["Rules"].size(), 4u);
  EXPECT_EQ(r["JobLogGroup"]["Properties"]["RetentionInDays"], 30);
  // The job role reaches only the bucket and the log group.
  const std::string job_role = r["JobRole"].dump();
  EXPECT_EQ(job_role.find("\"*\""), std::string::npos) << job_role;
  for (const char* output :
       {"PrivateSubnetIds", "ClusterSecurityGroupId", "BucketName", "JobRoleArn",
        "InstanceProfileArn", "BatchServiceRoleArn", "LogGroupName"}) {
    EXPECT_TRUE((*t)["Outputs"].contains(output)) << output;
  }

  config_.network.nat_gateway = false;
  config_.network.interface_endpoints = false;
  config_.network.availability_zones = 3;
  t = SynthCore(config_);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE((*t)["Resources"].contains("NatGateway"));
  EXPECT_FALSE((*t)["Resources"].contains("LogsEndpoint"));
  EXPECT_FALSE((*t)["Resources"].contains("EcsEndpoint"));
  // No NAT: the ECS agent needs its endpoints to register the instances.
  config_.network.interface_endpoints = true;
  t = SynthCore(config_);
  ASSERT_TRUE(t.ok());
  for (const char* endpoint : {"EcsEndpoint", "EcsAgentEndpoint", "EcsTelemetryEndpoint"}) {
    EXPECT_EQ((*t)["Resources"][endpoint]["Properties"]["VpcEndpointType"], "Interface")
        << endpoint;
  }
  EXPECT_EQ((*t)["Resources"]["EcsAgentEndpoint"]["Properties"]["ServiceName"]["Fn::Sub"],
            "com.amazonaws.${AWS::Region}.ecs-agent");
  EXPECT_EQ((*t)["Resources"]["PublicSubnet3"]["Properties"]["CidrBlock"], "10.20.160.0/19");
}

TEST_F(SynthTest, ComputeEnvironmentsQueuesAndTagsPerFamily) {
  const Json t = Compute();
  const Json& r = t["Resources"];
  const Json& spot = r["ComputeEnvironmentX8664AmdSpot"]["Properties"];
  EXPECT_EQ(spot["ComputeResources"]["Type"], "SPOT");
  EXPECT_EQ(spot["ComputeResources"]["AllocationStrategy"], "SPOT_PRICE_CAPACITY_OPTIMIZED");
  EXPECT_EQ(spot["ComputeResources"]["InstanceTypes"],
            Json::array({"c7a", "m7a", "r7a", "c6a", "m6a", "r6a"}));
  EXPECT_EQ(spot["ComputeResources"]["MaxvCpus"], 512);
  EXPECT_EQ(spot["Tags"]["aws-hpc:arch-family"], "x86_64-amd");
  EXPECT_EQ(spot["Tags"]["aws-hpc:purchase"], "spot");
  const Json& ondemand = r["ComputeEnvironmentX8664AmdOndemand"]["Properties"];
  EXPECT_EQ(ondemand["ComputeResources"]["Type"], "EC2");
  EXPECT_EQ(ondemand["ComputeResources"]["AllocationStrategy"], "BEST_FIT_PROGRESSIVE");
  // Graviton: the catalog's graviton3 then graviton4 c/m/r families.
  EXPECT_EQ(
      r["ComputeEnvironmentArm64GravitonSpot"]["Properties"]["ComputeResources"]["InstanceTypes"],
      Json::array({"c7g", "c7gd", "c7gn", "m7g", "m7gd", "r7g", "r7gd", "c8g", "m8g", "r8g"}));
  EXPECT_EQ(r["ComputeEnvironmentGpuSpot"]["Properties"]["ComputeResources"]["Ec2Configuration"][0]
             ["ImageType"],
            "ECS_AL2_NVIDIA");
  // IMDSv2 and encrypted gp3 in every launch template.
  const Json& lt = r["LaunchTemplateX8664Amd"]["Properties"]["LaunchTemplateData"];
  EXPECT_EQ(lt["MetadataOptions"]["HttpTokens"], "required");
  EXPECT_EQ(lt["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], true);
  EXPECT_EQ(lt["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"], 100);
  // The spot queue tries spot first, then on-demand; the on-demand queue only on-demand.
  const Json& queue = r["JobQueueX8664AmdSpot"]["Properties"];
  EXPECT_EQ(queue["JobQueueName"], "hpc-x86_64-amd-spot");
  ASSERT_EQ(queue["ComputeEnvironmentOrder"].size(), 2u);
  EXPECT_EQ(queue["ComputeEnvironmentOrder"][0]["ComputeEnvironment"]["Ref"],
            "ComputeEnvironmentX8664AmdSpot");
  EXPECT_EQ(queue["ComputeEnvironmentOrder"][1]["ComputeEnvironment"]["Ref"],
            "ComputeEnvironmentX8664AmdOndemand");
  EXPECT_EQ(queue["Tags"]["aws-hpc:arch-family"], "x86_64-amd");
  EXPECT_EQ(queue["Tags"]["aws-hpc:purchase"], "spot");
  EXPECT_EQ(queue["SchedulingPolicyArn"]["Ref"], "FairShare");
  EXPECT_EQ(r["JobQueueGpuOndemand"]["Properties"]["ComputeEnvironmentOrder"].size(), 1u);
  EXPECT_EQ(r["ClusterPlacementGroup"]["Properties"]["Strategy"], "cluster");
  // MPI runs on demand: that environment is in the cluster group, in one zone's subnet; spot
  // environments span every zone outside the group.
  EXPECT_EQ(ondemand["ComputeResources"]["PlacementGroup"]["Ref"], "ClusterPlacementGroup");
  EXPECT_EQ(ondemand["ComputeResources"]["Subnets"][0]["Fn::Select"][0], 0);
  EXPECT_EQ(ondemand["ComputeResources"]["Subnets"].size(), 1u);
  EXPECT_FALSE(spot["ComputeResources"].contains("PlacementGroup"));
  EXPECT_EQ(spot["ComputeResources"]["Subnets"]["Ref"], "PrivateSubnetIds");
  // Fair share: one policy, on every queue.
  EXPECT_EQ(r["FairShare"]["Type"], "AWS::Batch::SchedulingPolicy");
  EXPECT_EQ(
      r["FairShare"]["Properties"]["FairsharePolicy"]["ShareDistribution"][0]["ShareIdentifier"],
      "default");
  for (const char* q :
       {"JobQueueX8664AmdOndemand", "JobQueueArm64GravitonSpot", "JobQueueGpuOndemand"}) {
    EXPECT_EQ(r[q]["Properties"]["SchedulingPolicyArn"]["Ref"], "FairShare") << q;
  }
  EXPECT_TRUE(t["Outputs"].contains("QueueX8664AmdSpotArn"));
  EXPECT_EQ(t["Outputs"]["QueueArm64GravitonOndemandName"]["Value"], "hpc-arm64-graviton-ondemand");
  EXPECT_EQ(r.size(), 1u + 1u + 3u * 5u);  // placement group, policy, 3 x (LT, 2 CE, 2 queues)
}

TEST_F(SynthTest, EfaMovesTheSecurityGroupIntoTheLaunchTemplate) {
  config_.compute.efa = true;
  config_.compute.families.resize(1);
  config_.compute.families[0].instance_types = {"hpc7a.96xlarge"};
  const Json t = Compute();
  const Json& lt = t["Resources"]["LaunchTemplateX8664Amd"]["Properties"]["LaunchTemplateData"];
  EXPECT_EQ(lt["NetworkInterfaces"][0]["InterfaceType"], "efa");
  EXPECT_FALSE(
      t["Resources"]["ComputeEnvironmentX8664AmdSpot"]["Properties"]["ComputeResources"].contains(
          "SecurityGroupIds"));
}

TEST_F(SynthTest, InstanceTypesMustMatchTheFamily) {
  FamilyConfig family{"arm64-graviton", 16, {}, {"c7a"}};
  auto types = InstanceTypesFor(family, *catalog_);
  ASSERT_FALSE(types.ok());
  EXPECT_NE(
      types.status().message().find(
          "compute.families.arm64-graviton.instance_types: c7a is zen4 (x86_64), not aarch64"),
      std::string::npos)
      << types.status().message();
  family = FamilyConfig{"x86_64-intel", 16, {"zen4"}, {}};
  types = InstanceTypesFor(family, *catalog_);
  ASSERT_FALSE(types.ok());
  EXPECT_NE(types.status().message().find("zen4 (AuthenticAMD) is not in family x86_64-intel"),
            std::string::npos)
      << types.status().message();
  // GPU: only x86 hosts (g5g is Graviton).
  family = FamilyConfig{"gpu", 16, {"cuda"}, {}};
  types = InstanceTypesFor(family, *catalog_);
  ASSERT_TRUE(types.ok()) << types.status().ToString();
  EXPECT_EQ(std::find(types->begin(), types->end(), "g5g"), types->end());
  EXPECT_NE(std::find(types->begin(), types->end(), "p5"), types->end());
}

TEST_F(SynthTest, StorageAndApp) {
  auto storage = SynthStorage(config_);
  ASSERT_TRUE(storage.ok()) << storage.status().ToString();
  const Json& r = (*storage)["Resources"];
  EXPECT_EQ(r["LustreFileSystem"]["Properties"]["LustreConfiguration"]["ImportPath"]["Fn::Sub"],
            "s3://${BucketName}");
  EXPECT_TRUE(r.contains("SharedMountTarget2"));
  config_.storage.fsx.deployment = "PERSISTENT_2";
  storage = SynthStorage(config_);
  ASSERT_TRUE(storage.ok());
  EXPECT_TRUE((*storage)["Resources"].contains("LustreBucketLink"));
  config_.storage.fsx.enabled = false;
  config_.storage.efs = false;
  EXPECT_EQ(SynthStorage(config_).status().code(), StatusCode::kInvalidArgument);

  auto lammps = Lammps();
  ASSERT_TRUE(lammps.ok()) << lammps.status().ToString();
  // lammps runs on x86_64 and arm64: the CPU families, not the GPU one.
  EXPECT_EQ(lammps->families, (std::vector<std::string>{"x86_64-amd", "arm64-graviton"}));
  auto app = SynthApp(config_, *lammps);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const Json& job = (*app)["Resources"]["JobDefinitionX8664Amd"]["Properties"];
  EXPECT_EQ(job["JobDefinitionName"], "hpc-lammps-x86_64-amd");
  EXPECT_TRUE(job["RetryStrategy"].contains("Attempts"));
  EXPECT_EQ(job["RetryStrategy"]["EvaluateOnExit"][0]["OnStatusReason"], "Host EC2*");
  // Per platform: what `app build --push ecr` pushes to (infra/naming.hpp names both).
  EXPECT_EQ((*app)["Resources"]["Repository"]["Properties"]["RepositoryName"],
            "aws-hpc/hpc/lammps");
  EXPECT_EQ(EcrRepositoryName(config_.name, "lammps"), "aws-hpc/hpc/lammps");
  PlatformConfig other = config_;
  other.name = "lab";
  auto other_app = SynthApp(other, *lammps);
  ASSERT_TRUE(other_app.ok());
  EXPECT_EQ((*other_app)["Resources"]["Repository"]["Properties"]["RepositoryName"],
            "aws-hpc/lab/lammps");
  EXPECT_EQ(EcrRepositoryName("", "lammps"), "aws-hpc/lammps");
  EXPECT_EQ(lammps->image_arch.at("x86_64-amd"), "x86_64");
  EXPECT_EQ(lammps->image_arch.at("arm64-graviton"), "arm64");
  const std::string image = job["ContainerProperties"]["Image"]["Fn::Sub"];
  EXPECT_TRUE(
      image.ends_with("/${Repository}:" + lammps->version + "-" + lammps->variant + "-x86_64"))
      << image;
}

// The ${Name} variables of an Fn::Sub text (not the literal ${!Name}).
std::vector<std::string> SubVariablesOf(const std::string& text) {
  std::vector<std::string> names;
  for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
    const std::size_t end = text.find('}', at);
    if (end == std::string::npos) break;
    if (text[at + 2] != '!') names.push_back(text.substr(at + 2, end - at - 2));
  }
  return names;
}

// FSx and EFS on (the example config): every launch template mounts both, from the storage
// stack's exports, in MIME multi-part UserData; job containers see /fsx and /efs.
TEST_F(SynthTest, LaunchTemplatesMountTheStorageStacksFileSystems) {
  ASSERT_TRUE(config_.storage.fsx.enabled && config_.storage.efs);
  const Json t = Compute();
  auto storage = SynthStorage(config_);
  ASSERT_TRUE(storage.ok()) << storage.status().ToString();
  const std::map<std::string, std::string> expected_imports = {
      {"LustreDnsName", "hpc-storage-LustreDnsName"},
      {"LustreMountName", "hpc-storage-LustreMountName"},
      {"EfsFileSystemId", "hpc-storage-EfsFileSystemId"}};
  int templates = 0;
  for (const auto& [logical, resource] : t["Resources"].items()) {
    if (resource["Type"] != "AWS::EC2::LaunchTemplate") continue;
    ++templates;
    const Json& sub =
        resource["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]["Fn::Sub"];
    ASSERT_TRUE(sub.is_array() && sub.size() == 2u) << logical << ": " << sub.dump();
    const std::string mime = sub[0];
    const Json& variables = sub[1];
    // MIME multi-part, as Batch requires for launch-template user data.
    EXPECT_TRUE(
        mime.starts_with("MIME-Version: 1.0\n"
                         "Content-Type: multipart/mixed; boundary=\"==AWSHPC-MOUNTS==\"\n\n"
                         "--==AWSHPC-MOUNTS==\n"
                         "Content-Type: text/x-shellscript; charset=\"us-ascii\"\n\n"
                         "#!/bin/bash\n"))
        << mime;
    EXPECT_TRUE(mime.ends_with("\n\n--==AWSHPC-MOUNTS==--\n")) << mime;
    for (const char* line :
         {"dnf install -y lustre-client", "amazon-linux-extras install -y lustre",
          "mkdir -p /fsx\n",
          "echo '${LustreDnsName}@tcp:/${LustreMountName} /fsx lustre defaults,relatime,flock,"
          "_netdev,",
          "do mount /fsx && break;", "mountpoint -q /fsx\n", "dnf install -y amazon-efs-utils",
          "mkdir -p /efs\n", "echo '${EfsFileSystemId}:/ /efs efs _netdev,noresvport,tls 0 0'",
          "do mount /efs && break;", "mountpoint -q /efs\n"}) {
      EXPECT_NE(mime.find(line), std::string::npos) << logical << " lacks: " << line;
    }
    // Each import names a storage-stack export, and every ${...} of the text is one of them.
    ASSERT_EQ(variables.size(), expected_imports.size()) << variables.dump();
    for (const auto& [name, export_name] : expected_imports) {
      EXPECT_EQ(variables[name]["Fn::ImportValue"], export_name) << name;
      EXPECT_EQ((*storage)["Outputs"][name]["Export"]["Name"], export_name) << name;
    }
    for (const std::string& name : SubVariablesOf(mime)) {
      EXPECT_TRUE(variables.contains(name)) << logical << ": ${" << name << "} is not imported";
    }
  }
  EXPECT_EQ(templates, 3);

  // The storage reaches the instances through the cluster group, which lets all traffic in from
  // itself (Lustre 988 and 1018-1023, NFS 2049 included).
  auto core = SynthCore(config_);
  ASSERT_TRUE(core.ok());
  const Json& ingress = (*core)["Resources"]["ClusterIngressFromSelf"]["Properties"];
  EXPECT_EQ(ingress["IpProtocol"], "-1");
  EXPECT_EQ(ingress["SourceSecurityGroupId"]["Ref"], "ClusterSecurityGroup");
  const Json& fs = (*storage)["Resources"];
  EXPECT_EQ(fs["LustreFileSystem"]["Properties"]["SecurityGroupIds"][0]["Ref"],
            "ClusterSecurityGroupId");
  EXPECT_EQ(fs["SharedMountTarget1"]["Properties"]["SecurityGroups"][0]["Ref"],
            "ClusterSecurityGroupId");

  // Job containers bind the instance's /fsx and /efs.
  auto lammps = Lammps();
  ASSERT_TRUE(lammps.ok()) << lammps.status().ToString();
  auto app = SynthApp(config_, *lammps);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const Json& container =
      (*app)["Resources"]["JobDefinitionX8664Amd"]["Properties"]["ContainerProperties"];
  EXPECT_EQ(container["Volumes"], Json::parse(R"([{"Name":"fsx","Host":{"SourcePath":"/fsx"}},)"
                                              R"({"Name":"efs","Host":{"SourcePath":"/efs"}}])"));
  EXPECT_EQ(container["MountPoints"],
            Json::parse(R"([{"SourceVolume":"fsx","ContainerPath":"/fsx","ReadOnly":false},)"
                        R"({"SourceVolume":"efs","ContainerPath":"/efs","ReadOnly":false}])"));

  // Storage deploys before compute (the imports must exist), apps last.
  std::vector<std::string> order;
  for (const StackRef& stack : AllStacks(config_)) order.push_back(stack.Id());
  EXPECT_EQ(order, (std::vector<std::string>{"core", "storage", "compute", "app:lammps"}));
}

// The UserData is real MIME: Python's email parser (what cloud-init uses) finds one shell part.
TEST_F(SynthTest, UserDataParsesAsMimeMultipart) {
  config_.storage.fsx.enabled = false;  // EFS only
  const Json t = Compute();
  const Json& sub = t["Resources"]["LaunchTemplateGpu"]["Properties"]["LaunchTemplateData"]
                     ["UserData"]["Fn::Base64"]["Fn::Sub"];
  ASSERT_TRUE(sub.is_array()) << sub.dump();
  const std::string mime = sub[0];
  EXPECT_EQ(mime.find("lustre"), std::string::npos) << mime;
  EXPECT_EQ(
      sub[1],
      Json::parse(R"({"EfsFileSystemId":{"Fn::ImportValue":"hpc-storage-EfsFileSystemId"}})"));
  aws::testing::TempDir dir;
  const std::string file = dir.Write("user-data.mime", mime);
  auto run = aws::RunProcess({"python3", "-c",
                              "import email,sys\n"
                              "m=email.message_from_string(open(sys.argv[1]).read())\n"
                              "assert m.is_multipart(), 'not multipart'\n"
                              "for p in m.get_payload():\n"
                              "  print(p.get_content_type(), p.get_payload().splitlines()[0])\n",
                              file},
                             std::chrono::seconds(60));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->exit_code, 0) << run->err;
  EXPECT_EQ(run->out, "text/x-shellscript #!/bin/bash\n");

  // Neither on: no UserData, no container volumes, no storage stack.
  config_.storage.efs = false;
  const Json plain = Compute();
  EXPECT_FALSE(plain["Resources"]["LaunchTemplateGpu"]["Properties"]["LaunchTemplateData"].contains(
      "UserData"));
  auto lammps = Lammps();
  ASSERT_TRUE(lammps.ok());
  auto app = SynthApp(config_, *lammps);
  ASSERT_TRUE(app.ok());
  EXPECT_FALSE(
      (*app)["Resources"]["JobDefinitionX8664Amd"]["Properties"]["ContainerProperties"].contains(
          "Volumes"));
  EXPECT_EQ(AllStacks(config_).size(), 3u);  // core, compute, app:lammps
}

// cfn-lint on every stack of the example config, and of a minimal one; no errors allowed.
TEST_F(SynthTest, CfnLintFindsNoErrors) {
  ASSERT_TRUE(aws::testing::HaveProgram("cfn-lint"))
      << "cfn-lint is missing: install it (Debian: pip install cfn-lint, or python3-cfn-lint)";
  aws::testing::TempDir dir;
  std::vector<std::string> files;
  auto lammps = Lammps();
  ASSERT_TRUE(lammps.ok()) << lammps.status().ToString();
  const auto add = [&](const std::string& name, const Result<Json>& t) {
    ASSERT_TRUE(t.ok()) << name << ": " << t.status().ToString();
    files.push_back(dir.Write(name + ".json", t->dump(2)));
  };
  add("core", SynthCore(config_));
  add("compute", SynthCompute(config_, *catalog_));
  add("storage", SynthStorage(config_));
  add("app-lammps", SynthApp(config_, *lammps));
  PlatformConfig other = config_;
  other.compute.efa = true;
  other.compute.spot = false;
  other.compute.fair_share = false;
  other.compute.placement_group = false;
  other.compute.families.resize(1);
  other.compute.families[0].instance_types = {"hpc7a.96xlarge", "c7a.48xlarge"};
  other.network.nat_gateway = false;
  other.network.availability_zones = 3;
  other.storage.fsx.deployment = "PERSISTENT_2";
  other.storage.bucket.retain = false;
  add("compute-efa", SynthCompute(other, *catalog_));
  add("core-3az", SynthCore(other));
  add("storage-persistent", SynthStorage(other));
  other.storage.fsx.enabled = false;  // EFS only: UserData with one import
  add("compute-efs", SynthCompute(other, *catalog_));

  // W3687 (ports ignored with protocol -1) is the one accepted warning: the cluster group's
  // all-traffic rules carry FromPort/ToPort -1, which AWS ignores and moto requires
  // (docs/deploy.md, "moto workarounds").
  std::vector<std::string> argv = {"cfn-lint",        "--format", "parseable",
                                   "--ignore-checks", "W3687",    "--"};
  argv.insert(argv.end(), files.begin(), files.end());
  auto run = aws::RunProcess(argv, std::chrono::minutes(5));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
  EXPECT_EQ(run->exit_code & 2, 0) << run->out << run->err;
  EXPECT_EQ(run->exit_code & 4, 0) << "warnings:\n" << run->out;
}

}  // namespace
}  // namespace awshpc::infra
