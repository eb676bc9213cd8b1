// File: core_stack.cpp
// The core stack: VPC over N availability zones (public and private subnets, optional NAT,
// S3 gateway and interface endpoints), security groups, the platform bucket, IAM roles and the
// job log group. Its outputs are the compute, storage and app stacks' parameters.
#include <fmt/format.h>

#include <cstdint>

#include "awshpc/infra/stacks.hpp"
#include "cfn.hpp"

namespace awshpc::infra {
namespace {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;
using cfn::Resource;
using cfn::Sub;

// Subnet i of `count` equal subnets carved from the VPC block (private first, then public).
std::string SubnetCidr(const std::string& vpc_cidr, int index, int count) {
  unsigned a = 0, b = 0, c = 0, d = 0, prefix = 0;
  std::sscanf(vpc_cidr.c_str(), "%u.%u.%u.%u/%u", &a, &b, &c, &d, &prefix);
  unsigned bits = 0;
  while ((1u << bits) < static_cast<unsigned>(count)) ++bits;
  const unsigned sub_prefix = prefix + bits;
  const std::uint32_t base = (a << 24) | (b << 16) | (c << 8) | d;
  const std::uint32_t address = base + (static_cast<std::uint32_t>(index) << (32 - sub_prefix));
  return fmt::format("{}.{}.{}.{}/{}", address >> 24, (address >> 16) & 255, (address >> 8) & 255,
                     address & 255, sub_prefix);
}

Json AssumeRole(std::string_view service) {
  return Json{{"Version", "2012-10-17"},
              {"Statement", Json::array({Json{{"Effect", "Allow"},
                                              {"Principal", Json{{"Service", service}}},
                                              {"Action", "sts:AssumeRole"}}})}};
}

Json ManagedPolicy(std::string_view path) {
  return Sub(fmt::format("arn:${{AWS::Partition}}:iam::aws:policy/{}", path));
}

Json Tagged(const PlatformConfig& config, std::string_view name) {
  return cfn::TagList(config, {{"Name", fmt::format("{}-{}", config.name, name)}});
}

void AddNetwork(const PlatformConfig& config, Json& resources, Json& outputs) {
  const int zones = config.network.availability_zones;
  resources["Vpc"] = Resource("AWS::EC2::VPC", {{"CidrBlock", config.network.cidr},
                                                {"EnableDnsSupport", true},
                                                {"EnableDnsHostnames", true},
                                                {"Tags", Tagged(config, "vpc")}});
  resources["InternetGateway"] =
      Resource("AWS::EC2::InternetGateway", {{"Tags", Tagged(config, "igw")}});
  resources["InternetGatewayAttachment"] =
      Resource("AWS::EC2::VPCGatewayAttachment",
               {{"VpcId", Ref("Vpc")}, {"InternetGatewayId", Ref("InternetGateway")}});
  resources["PublicRouteTable"] =
      Resource("AWS::EC2::RouteTable", {{"VpcId", Ref("Vpc")}, {"Tags", Tagged(config, "public")}});
  Json public_route = Resource("AWS::EC2::Route", {{"RouteTableId", Ref("PublicRouteTable")},
                                                   {"DestinationCidrBlock", "0.0.0.0/0"},
                                                   {"GatewayId", Ref("InternetGateway")}});
  public_route["DependsOn"] = "InternetGatewayAttachment";
  resources["PublicDefaultRoute"] = public_route;
  resources["PrivateRouteTable"] = Resource(
      "AWS::EC2::RouteTable", {{"VpcId", Ref("Vpc")}, {"Tags", Tagged(config, "private")}});

  Json private_subnets = Json::array();
  Json public_subnets = Json::array();
  for (int i = 0; i < zones; ++i) {
    const Json az = cfn::Select(i, Json{{"Fn::GetAZs", ""}});
    const std::string priv = fmt::format("PrivateSubnet{}", i + 1);
    const std::string pub = fmt::format("PublicSubnet{}", i + 1);
    resources[priv] =
        Resource("AWS::EC2::Subnet", {{"VpcId", Ref("Vpc")},
                                      {"AvailabilityZone", az},
                                      {"CidrBlock", SubnetCidr(config.network.cidr, i, 2 * zones)},
                                      {"MapPublicIpOnLaunch", false},
                                      {"Tags", Tagged(config, fmt::format("private-{}", i + 1))}});
    resources[pub] = Resource("AWS::EC2::Subnet",
                              {{"VpcId", Ref("Vpc")},
                               {"AvailabilityZone", az},
                               {"CidrBlock", SubnetCidr(config.network.cidr, zones + i, 2 * zones)},
                               {"MapPublicIpOnLaunch", true},
                               {"Tags", Tagged(config, fmt::format("public-{}", i + 1))}});
    resources[priv + "RouteTable"] =
        Resource("AWS::EC2::SubnetRouteTableAssociation",
                 {{"SubnetId", Ref(priv)}, {"RouteTableId", Ref("PrivateRouteTable")}});
    resources[pub + "RouteTable"] =
        Resource("AWS::EC2::SubnetRouteTableAssociation",
                 {{"SubnetId", Ref(pub)}, {"RouteTableId", Ref("PublicRouteTable")}});
    private_subnets.push_back(Ref(priv));
    public_subnets.push_back(Ref(pub));
  }

  if (config.network.nat_gateway) {
    // One NAT gateway (in the first public subnet) keeps the fixed cost down; jobs reach AWS
    // services through the endpoints either way.
    Json eip = Resource("AWS::EC2::EIP", {{"Domain", "vpc"}, {"Tags", Tagged(config, "nat")}});
    eip["DependsOn"] = "InternetGatewayAttachment";
    resources["NatAddress"] = eip;
    resources["NatGateway"] =
        Resource("AWS::EC2::NatGateway", {{"AllocationId", GetAtt("NatAddress", "AllocationId")},
                                          {"SubnetId", Ref("PublicSubnet1")},
                                          {"Tags", Tagged(config, "nat")}});
    resources["PrivateDefaultRoute"] =
        Resource("AWS::EC2::Route", {{"RouteTableId", Ref("PrivateRouteTable")},
                                     {"DestinationCidrBlock", "0.0.0.0/0"},
                                     {"NatGatewayId", Ref("NatGateway")}});
  }

  resources["S3Endpoint"] = Resource(
      "AWS::EC2::VPCEndpoint",
      {{"VpcId", Ref("Vpc")},
       {"ServiceName", Sub("com.amazonaws.${AWS::Region}.s3")},
       {"VpcEndpointType", "Gateway"},
       {"RouteTableIds", Json::array({Ref("PrivateRouteTable"), Ref("PublicRouteTable")})}});

  if (config.network.interface_endpoints) {
    resources["EndpointSecurityGroup"] =
        Resource("AWS::EC2::SecurityGroup",
                 {{"GroupDescription", "HTTPS from the VPC to the interface endpoints"},
                  {"VpcId", Ref("Vpc")},
                  {"SecurityGroupIngress", Json::array({Json{{"IpProtocol", "tcp"},
                                                             {"FromPort", 443},
                                                             {"ToPort", 443},
                                                             {"CidrIp", config.network.cidr}}})},
                  {"Tags", Tagged(config, "endpoints")}});
    std::vector<std::pair<std::string, std::string>> endpoints = {{"EcrApiEndpoint", "ecr.api"},
                                                                  {"EcrDockerEndpoint", "ecr.dkr"},
                                                                  {"LogsEndpoint", "logs"},
                                                                  {"StsEndpoint", "sts"},
                                                                  {"BatchEndpoint", "batch"}};
    if (!config.network.nat_gateway) {
      // Without a NAT gateway the ECS agent on Batch's instances registers, polls for tasks and
      // reports through these; without them the instances never join the compute environment.
      endpoints.insert(endpoints.end(), {{"EcsEndpoint", "ecs"},
                                         {"EcsAgentEndpoint", "ecs-agent"},
                                         {"EcsTelemetryEndpoint", "ecs-telemetry"}});
    }
    for (const auto& [logical, service] : endpoints) {
      resources[logical] =
          Resource("AWS::EC2::VPCEndpoint",
                   {{"VpcId", Ref("Vpc")},
                    {"ServiceName", Sub(fmt::format("com.amazonaws.${{AWS::Region}}.{}", service))},
                    {"VpcEndpointType", "Interface"},
                    {"PrivateDnsEnabled", true},
                    {"SubnetIds", private_subnets},
                    {"SecurityGroupIds", Json::array({Ref("EndpointSecurityGroup")})}});
    }
  }

  // All traffic between members, both ways: MPI and EFA need it (EFA also needs the explicit
  // egress-to-self rule). Protocol -1 with ports -1 means all ports.
  resources["ClusterSecurityGroup"] = Resource(
      "AWS::EC2::SecurityGroup",
      {{"GroupDescription", "aws-hpc compute nodes: all traffic inside the group"},
       {"VpcId", Ref("Vpc")},
       {"SecurityGroupEgress",
        Json::array({Json{
            {"IpProtocol", "-1"}, {"FromPort", -1}, {"ToPort", -1}, {"CidrIp", "0.0.0.0/0"}}})},
       {"Tags", Tagged(config, "cluster")}});
  resources["ClusterIngressFromSelf"] =
      Resource("AWS::EC2::SecurityGroupIngress",
               {{"GroupId", Ref("ClusterSecurityGroup")},
                {"IpProtocol", "-1"},
                {"FromPort", -1},
                {"ToPort", -1},
                {"SourceSecurityGroupId", Ref("ClusterSecurityGroup")},
                {"Description", "MPI and EFA traffic between compute nodes"}});
  resources["ClusterEgressToSelf"] =
      Resource("AWS::EC2::SecurityGroupEgress",
               {{"GroupId", Ref("ClusterSecurityGroup")},
                {"IpProtocol", "-1"},
                {"FromPort", -1},
                {"ToPort", -1},
                {"DestinationSecurityGroupId", Ref("ClusterSecurityGroup")},
                {"Description", "EFA requires an explicit outbound rule to the group"}});

  outputs["VpcId"] = cfn::Output("The platform VPC", Ref("Vpc"));
  outputs["PrivateSubnetIds"] = cfn::Output("Private subnets (comma-separated), one per zone",
                                            cfn::Join(",", private_subnets));
  outputs["PublicSubnetIds"] =
      cfn::Output("Public subnets (comma-separated)", cfn::Join(",", public_subnets));
  outputs["ClusterSecurityGroupId"] =
      cfn::Output("Security group of compute nodes and file systems", Ref("ClusterSecurityGroup"));
}

void AddBucket(const PlatformConfig& config, Json& resources, Json& outputs) {
  const BucketConfig& bucket = config.storage.bucket;
  Json rules = Json::array();
  rules.push_back(Json{{"Id", "abort-incomplete-uploads"},
                       {"Status", "Enabled"},
                       {"AbortIncompleteMultipartUpload", Json{{"DaysAfterInitiation", 7}}}});
  rules.push_back(Json{{"Id", "expire-scratch"},
                       {"Status", "Enabled"},
                       {"Prefix", "scratch/"},
                       {"ExpirationInDays", bucket.scratch_expiry_days}});
  rules.push_back(Json{
      {"Id", "tier-results"},
      {"Status", "Enabled"},
      {"Prefix", "results/"},
      {"Transitions", Json::array({Json{{"StorageClass", "INTELLIGENT_TIERING"},
                                        {"TransitionInDays", bucket.results_tiering_days}}})}});
  rules.push_back(Json{{"Id", "expire-old-versions"},
                       {"Status", "Enabled"},
                       {"NoncurrentVersionExpiration", Json{{"NoncurrentDays", 30}}}});
  Json resource = Resource(
      "AWS::S3::Bucket",
      {{"BucketEncryption",
        Json{{"ServerSideEncryptionConfiguration",
              Json::array({Json{{"ServerSideEncryptionByDefault", Json{{"SSEAlgorithm", "AES256"}}},
                                {"BucketKeyEnabled", true}}})}}},
       {"PublicAccessBlockConfiguration", Json{{"BlockPublicAcls", true},
                                               {"BlockPublicPolicy", true},
                                               {"IgnorePublicAcls", true},
                                               {"RestrictPublicBuckets", true}}},
       {"OwnershipControls",
        Json{{"Rules", Json::array({Json{{"ObjectOwnership", "BucketOwnerEnforced"}}})}}},
       {"VersioningConfiguration", Json{{"Status", "Enabled"}}},
       {"LifecycleConfiguration", Json{{"Rules", rules}}},
       {"Tags", Tagged(config, "bucket")}});
  // Results outlive the platform unless the config says otherwise.
  const char* policy = bucket.retain ? "Retain" : "Delete";
  resource["DeletionPolicy"] = policy;
  resource["UpdateReplacePolicy"] = policy;
  resources["PlatformBucket"] = resource;
  resources["PlatformBucketPolicy"] = Resource(
      "AWS::S3::BucketPolicy",
      {{"Bucket", Ref("PlatformBucket")},
       {"PolicyDocument",
        Json{{"Version", "2012-10-17"},
             {"Statement",
              Json::array({Json{
                  {"Sid", "DenyInsecureTransport"},
                  {"Effect", "Deny"},
                  {"Principal", "*"},
                  {"Action", "s3:*"},
                  {"Resource",
                   Json::array({GetAtt("PlatformBucket", "Arn"), Sub("${PlatformBucket.Arn}/*")})},
                  {"Condition", Json{{"Bool", Json{{"aws:SecureTransport", "false"}}}}}}})}}}});
  outputs["BucketName"] = cfn::Output("The platform bucket", Ref("PlatformBucket"));
  outputs["BucketArn"] = cfn::Output("The platform bucket's ARN", GetAtt("PlatformBucket", "Arn"));
}

void AddIamAndLogs(const PlatformConfig& config, Json& resources, Json& outputs) {
  const std::string log_group = fmt::format("/aws-hpc/{}/jobs", config.name);
  resources["JobLogGroup"] =
      Resource("AWS::Logs::LogGroup", {{"LogGroupName", log_group},
                                       {"RetentionInDays", config.log_retention_days},
                                       {"Tags", cfn::TagList(config)}});
  resources["BatchServiceRole"] = Resource(
      "AWS::IAM::Role",
      {{"AssumeRolePolicyDocument", AssumeRole("batch.amazonaws.com")},
       {"ManagedPolicyArns", Json::array({ManagedPolicy("service-role/AWSBatchServiceRole")})},
       {"Tags", cfn::TagList(config)}});
  resources["InstanceRole"] =
      Resource("AWS::IAM::Role",
               {{"AssumeRolePolicyDocument", AssumeRole("ec2.amazonaws.com")},
                {"ManagedPolicyArns",
                 Json::array({ManagedPolicy("service-role/AmazonEC2ContainerServiceforEC2Role"),
                              ManagedPolicy("AmazonSSMManagedInstanceCore")})},
                {"Tags", cfn::TagList(config)}});
  resources["InstanceProfile"] =
      Resource("AWS::IAM::InstanceProfile", {{"Roles", Json::array({Ref("InstanceRole")})}});
  // The job role: the bucket and the job log group, nothing else.
  const Json statements = Json::array({
      Json{{"Sid", "ListBucket"},
           {"Effect", "Allow"},
           {"Action", Json::array({"s3:ListBucket", "s3:GetBucketLocation"})},
           {"Resource", GetAtt("PlatformBucket", "Arn")}},
      Json{{"Sid", "ReadWriteObjects"},
           {"Effect", "Allow"},
           {"Action", Json::array({"s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                                   "s3:AbortMultipartUpload"})},
           {"Resource", Sub("${PlatformBucket.Arn}/*")}},
      Json{{"Sid", "JobLogs"},
           {"Effect", "Allow"},
           {"Action", Json::array({"logs:CreateLogStream", "logs:PutLogEvents"})},
           {"Resource", Sub("${JobLogGroup.Arn}")}},
  });
  resources["JobRole"] = Resource(
      "AWS::IAM::Role",
      {{"AssumeRolePolicyDocument", AssumeRole("ecs-tasks.amazonaws.com")},
       {"Policies", Json::array({Json{{"PolicyName", "aws-hpc-job"},
                                      {"PolicyDocument", Json{{"Version", "2012-10-17"},
                                                              {"Statement", statements}}}}})},
       {"Tags", cfn::TagList(config)}});
  outputs["LogGroupName"] = cfn::Output("Log group of job output", Ref("JobLogGroup"));
  outputs["BatchServiceRoleArn"] =
      cfn::Output("Service role of the compute environments", GetAtt("BatchServiceRole", "Arn"));
  outputs["InstanceRoleArn"] =
      cfn::Output("Role of compute instances", GetAtt("InstanceRole", "Arn"));
  outputs["InstanceProfileArn"] =
      cfn::Output("Instance profile of compute instances", GetAtt("InstanceProfile", "Arn"));
  outputs["JobRoleArn"] = cfn::Output("Role jobs run with", GetAtt("JobRole", "Arn"));
}

}  // namespace

Result<nlohmann::ordered_json> SynthCore(const PlatformConfig& config) {
  Json t = cfn::NewTemplate(fmt::format(
      "aws-hpc {} core: network, security groups, bucket, IAM roles, logs", config.name));
  Json resources = Json::object();
  Json outputs = Json::object();
  AddNetwork(config, resources, outputs);
  AddBucket(config, resources, outputs);
  AddIamAndLogs(config, resources, outputs);
  t["Resources"] = std::move(resources);
  t["Outputs"] = std::move(outputs);
  return t;
}

}  // namespace awshpc::infra
