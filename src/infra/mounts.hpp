// File: mounts.hpp
// (Internal) How compute instances and job containers reach the storage stack's file systems:
// the storage stack exports their ids, the compute stack's launch templates import them into a
// MIME multi-part UserData that installs the clients and mounts them, and the app stack's job
// definitions bind the mounted paths into every container.
#pragma once

#include <string>
#include <string_view>

#include "awshpc/infra/platform_config.hpp"
#include "cfn.hpp"

namespace awshpc::infra::mounts {

// The MIME boundary of the UserData. Batch merges its own part into launch-template user data,
// so ours must be MIME multi-part; "==BOUNDARY==" is left to Batch.
inline constexpr std::string_view kBoundary = "==AWSHPC-MOUNTS==";

// The name a storage-stack output is exported as: "<name>-storage-<output>", e.g.
// "hpc-storage-LustreDnsName". The compute stack imports exactly these names.
std::string ExportName(const PlatformConfig& config, std::string_view output);

// The launch-template UserData: {"Fn::Base64": {"Fn::Sub": [mime, {imports}]}}, or null when
// neither FSx nor EFS is enabled.
cfn::Json LaunchTemplateUserData(const PlatformConfig& config);

// The plain MIME text inside the Fn::Sub (${LustreDnsName}, ${LustreMountName} and
// ${EfsFileSystemId} still unresolved); empty when nothing is enabled.
std::string UserDataMime(const PlatformConfig& config);

// Adds host volumes and mount points for the enabled file systems to a job definition's
// ContainerProperties (no change when none is enabled).
void AddContainerMounts(const PlatformConfig& config, cfn::Json& container);

}  // namespace awshpc::infra::mounts
