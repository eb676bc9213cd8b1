// File: stacks.hpp
// The platform's CloudFormation stacks and the templates synthesised for them: one function per
// stack, each building the template as JSON (docs/deploy.md lists what each stack holds).
//
//   ASSIGN_OR_RETURN(const PlatformConfig config, LoadPlatformConfig("aws-hpc.yaml"));
//   ASSIGN_OR_RETURN(nlohmann::ordered_json core, SynthCore(config));
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/infra/platform_config.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::infra {

enum class StackKind { kCore, kCompute, kStorage, kApp };

struct StackRef {
  StackKind kind = StackKind::kCore;
  std::string app;  // kApp only

  std::string Id() const;  // "core", "compute", "storage", "app:lammps"
  friend bool operator==(const StackRef&, const StackRef&) = default;
};

// "core" | "compute" | "storage" | "app:NAME"; InvalidArgument naming the choices otherwise.
Result<StackRef> ParseStackRef(std::string_view text);
// "<name>-core", "<name>-compute", "<name>-storage", "<name>-app-<app>".
std::string StackName(const PlatformConfig& config, const StackRef& stack);
// What `all` means for a config: core, storage (when FSx or EFS is on), compute (its launch
// templates import storage's exports), then each app, in deploy order (destroy goes the other
// way).
std::vector<StackRef> AllStacks(const PlatformConfig& config);

// Tags on every queue (and compute environment) so the Batch backend can route by tag.
inline constexpr std::string_view kTagPlatform = "aws-hpc:platform";
inline constexpr std::string_view kTagArchFamily = "aws-hpc:arch-family";
inline constexpr std::string_view kTagPurchase = "aws-hpc:purchase";

// Where compute instances mount the storage stack's file systems (launch-template UserData) and
// where job containers see them (job-definition mount points): FSx for Lustre and EFS.
inline constexpr std::string_view kFsxMountPath = "/fsx";
inline constexpr std::string_view kEfsMountPath = "/efs";

// "spot" | "ondemand".
std::string_view PurchaseName(bool spot);
// "<name>-<family>-<purchase>", e.g. "hpc-x86_64-amd-spot".
std::string QueueName(const PlatformConfig& config, std::string_view family, bool spot);
// Output keys of a queue: "Queue" + CamelCase(family) + Spot|Ondemand + suffix, e.g.
// QueueOutputKey("x86_64-amd", true, "Arn") == "QueueX8664AmdSpotArn".
std::string QueueOutputKey(std::string_view family, bool spot, std::string_view suffix);
// "x86_64-amd" -> "X8664Amd".
std::string CamelCase(std::string_view text);

// The instance types (families, e.g. "c7a") a family's compute environments may launch: the
// config's explicit list, else the catalog's families of its microarchitectures (c, m and r for
// CPUs; x86 g and p for GPUs). Errors name the config field.
Result<std::vector<std::string>> InstanceTypesFor(const FamilyConfig& family,
                                                  const arch::Catalog& catalog);

// What the app stack needs of an app: its name and version, resources, and the architecture
// families of the platform its architectures run on.
struct AppStackInput {
  std::string name;
  std::string version;
  int vcpus = 1;
  std::int64_t memory_mib = 2048;
  int gpus = 0;
  std::int64_t walltime_seconds = 0;  // 0: no timeout
  int attempts = 1;
  std::string variant;                // the default variant, part of the image tag
  std::vector<std::string> families;  // enabled families that can run it, in config order
  // The app architecture whose image each family runs (a generic ISA such as x86_64 when the app
  // lists one, since every instance of the family runs it; else the first listed target of the
  // family). Image tag: <version>-<variant>-<arch>, as `aws-hpc app build --push ecr` pushes.
  std::map<std::string, std::string> image_arch;
};
Result<AppStackInput> AppStackInputFor(const PlatformConfig& config, const spec::AppSpec& app,
                                       const arch::Catalog& catalog);

Result<nlohmann::ordered_json> SynthCore(const PlatformConfig& config);
Result<nlohmann::ordered_json> SynthCompute(const PlatformConfig& config,
                                            const arch::Catalog& catalog);
// FailedPrecondition-like InvalidArgument when neither FSx nor EFS is enabled (no resources).
Result<nlohmann::ordered_json> SynthStorage(const PlatformConfig& config);
Result<nlohmann::ordered_json> SynthApp(const PlatformConfig& config, const AppStackInput& app);

}  // namespace awshpc::infra
