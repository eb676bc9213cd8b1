// File: mounts.cpp
// The storage mounts of compute instances (launch-template UserData) and job containers
// (job-definition volumes). See mounts.hpp and docs/deploy.md, "Shared file systems".
#include "mounts.hpp"

#include <fmt/format.h>

#include "awshpc/infra/stacks.hpp"

namespace awshpc::infra::mounts {
namespace {

// Mount with retries: the file systems are ready once the storage stack is complete, but DNS
// and the network can lag the first seconds of boot. `mountpoint` then fails the script (logged
// in /var/log/cloud-init-output.log) rather than let jobs write to the root volume.
std::string MountWithRetries(std::string_view path) {
  return fmt::format(
      "for try in 1 2 3 4 5 6 7 8 9 10 11 12; do mount {0} && break; sleep 10; done\n"
      "mountpoint -q {0}\n",
      path);
}

// Amazon Linux 2023 (ECS_AL2023) has dnf; the GPU families' Amazon Linux 2 (ECS_AL2_NVIDIA)
// has yum and ships the Lustre client in amazon-linux-extras.
std::string LustreScript() {
  return fmt::format(
      "if command -v dnf >/dev/null 2>&1; then dnf install -y lustre-client; "
      "else amazon-linux-extras install -y lustre; fi\n"
      "mkdir -p {0}\n"
      "echo '${{LustreDnsName}}@tcp:/${{LustreMountName}} {0} lustre "
      "defaults,relatime,flock,_netdev,x-systemd.automount,x-systemd.requires=network.service 0 0'"
      " >> /etc/fstab\n"
      "{1}",
      kFsxMountPath, MountWithRetries(kFsxMountPath));
}

// amazon-efs-utils mounts over TLS through the mount target of the instance's zone.
std::string EfsScript() {
  return fmt::format(
      "if command -v dnf >/dev/null 2>&1; then dnf install -y amazon-efs-utils; "
      "else yum install -y amazon-efs-utils; fi\n"
      "mkdir -p {0}\n"
      "echo '${{EfsFileSystemId}}:/ {0} efs _netdev,noresvport,tls 0 0' >> /etc/fstab\n"
      "{1}",
      kEfsMountPath, MountWithRetries(kEfsMountPath));
}

cfn::Json ImportOf(const PlatformConfig& config, std::string_view output) {
  return cfn::Json{{"Fn::ImportValue", ExportName(config, output)}};
}

}  // namespace

std::string ExportName(const PlatformConfig& config, std::string_view output) {
  return fmt::format("{}-{}", StackName(config, {StackKind::kStorage, ""}), output);
}

std::string UserDataMime(const PlatformConfig& config) {
  const bool fsx = config.storage.fsx.enabled;
  const bool efs = config.storage.efs;
  if (!fsx && !efs) return "";
  std::string script =
      "#!/bin/bash\n"
      "# aws-hpc: install the clients and mount the platform's shared file systems.\n"
      "set -euxo pipefail\n";
  if (fsx) script += LustreScript();
  if (efs) script += EfsScript();
  // MIME multi-part as AWS Batch requires: blank lines before each boundary and after headers.
  return fmt::format(
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"{0}\"\n"
      "\n"
      "--{0}\n"
      "Content-Type: text/x-shellscript; charset=\"us-ascii\"\n"
      "\n"
      "{1}"
      "\n"
      "--{0}--\n",
      kBoundary, script);
}

cfn::Json LaunchTemplateUserData(const PlatformConfig& config) {
  const std::string mime = UserDataMime(config);
  if (mime.empty()) return nullptr;
  cfn::Json imports = cfn::Json::object();
  if (config.storage.fsx.enabled) {
    imports["LustreDnsName"] = ImportOf(config, "LustreDnsName");
    imports["LustreMountName"] = ImportOf(config, "LustreMountName");
  }
  if (config.storage.efs) imports["EfsFileSystemId"] = ImportOf(config, "EfsFileSystemId");
  return cfn::Json{
      {"Fn::Base64", cfn::Json{{"Fn::Sub", cfn::Json::array({mime, std::move(imports)})}}}};
}

void AddContainerMounts(const PlatformConfig& config, cfn::Json& container) {
  cfn::Json volumes = cfn::Json::array();
  cfn::Json mount_points = cfn::Json::array();
  const auto add = [&](std::string_view name, std::string_view path) {
    volumes.push_back(cfn::Json{{"Name", name}, {"Host", cfn::Json{{"SourcePath", path}}}});
    mount_points.push_back(
        cfn::Json{{"SourceVolume", name}, {"ContainerPath", path}, {"ReadOnly", false}});
  };
  if (config.storage.fsx.enabled) add("fsx", kFsxMountPath);
  if (config.storage.efs) add("efs", kEfsMountPath);
  if (volumes.empty()) return;
  container["Volumes"] = std::move(volumes);
  container["MountPoints"] = std::move(mount_points);
}

}  // namespace awshpc::infra::mounts
