// File: platform_config.hpp
// The platform config `aws-hpc.yaml`: which region, architecture families, purchase options,
// network, storage and apps the CloudFormation stacks are synthesised from (docs/deploy.md).
// Loading reports every problem of the file as `file:line:column: field.path: expected ...`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/core/status.hpp"
#include "awshpc/spec/diagnostic.hpp"

namespace awshpc::infra {

// One architecture family with its own compute environments and queues.
struct FamilyConfig {
  std::string name;                             // x86_64-amd | x86_64-intel | arm64-graviton | gpu
  int max_vcpus = 0;                            // per compute environment
  std::vector<std::string> microarchitectures;  // arch catalog targets whose families are used
  std::vector<std::string> instance_types;      // explicit list; replaces the catalog's choice
};

struct NetworkConfig {
  std::string cidr = "10.0.0.0/16";
  int availability_zones = 2;       // 2..6 public + private subnet pairs
  bool nat_gateway = true;          // private subnets reach the internet (else endpoints only)
  bool interface_endpoints = true;  // ECR, Logs, STS, Batch inside the VPC
};

struct ComputeConfig {
  int max_vcpus = 256;
  std::vector<FamilyConfig> families;  // in file order
  bool spot = true;
  bool ondemand = true;
  int ebs_gib = 100;
  bool efa = false;             // EFA network interfaces in the launch templates
  bool placement_group = true;  // a cluster placement group for MPI
  bool fair_share = true;       // a fair-share scheduling policy on every queue
};

struct BucketConfig {
  bool retain = true;             // keep the bucket (and its data) when the core stack is destroyed
  int scratch_expiry_days = 14;   // objects under scratch/ expire
  int results_tiering_days = 30;  // objects under results/ move to Intelligent-Tiering
};

struct FsxConfig {
  bool enabled = false;
  int capacity_gib = 1200;
  std::string deployment = "SCRATCH_2";  // SCRATCH_2 | PERSISTENT_2
  int throughput_per_tib = 125;          // PERSISTENT_2 only
};

struct StorageConfig {
  BucketConfig bucket;
  FsxConfig fsx;
  bool efs = false;
};

struct PlatformConfig {
  std::string file;              // as loaded ("" when parsed from a string without a name)
  std::string name = "aws-hpc";  // stack name prefix
  std::string region;
  std::map<std::string, std::string> tags;
  NetworkConfig network;
  ComputeConfig compute;
  StorageConfig storage;
  int log_retention_days = 30;
  std::vector<std::string> apps;

  const FamilyConfig* FindFamily(std::string_view name) const;
};

// The architecture families aws-hpc knows, in a stable order.
const std::vector<std::string>& KnownFamilies();

struct ConfigLoadResult {
  std::optional<PlatformConfig> config;  // set when there are no diagnostics
  std::vector<spec::Diagnostic> diagnostics;
  // Every diagnostic on its own line.
  std::string DiagnosticsText() const;
};

ConfigLoadResult ParsePlatformConfig(std::string_view yaml_text, const std::string& file);
ConfigLoadResult LoadPlatformConfigFile(const std::string& path);
// The same as a Result: InvalidArgument with every diagnostic when the file has problems.
Result<PlatformConfig> LoadPlatformConfig(const std::string& path);

// The platform config a command uses when not told otherwise: $AWS_HPC_CONFIG, else
// "aws-hpc.yaml" in the working directory (what `infra -c` defaults to).
std::string DefaultPlatformConfigPath();
// The `name` of the platform config at `path` (for commands outside `infra` that name things per
// platform, such as ECR repositories): "" when there is no such file, the config's diagnostics
// (InvalidArgument) when it does not load.
Result<std::string> PlatformNameAt(const std::string& path);

}  // namespace awshpc::infra
