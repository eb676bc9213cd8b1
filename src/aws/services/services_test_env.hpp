// File: services/services_test_env.hpp
// For the service clients' integration tests: a moto_server on a free 127.0.0.1 port (stopped
// by PID), an environment with fake credentials pointing every service at it, and an
// AwsContext built from that environment.
#pragma once

#include <memory>
#include <string>

#include "../test_util.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::testing {

class MotoEnvironment {
 public:
  MotoEnvironment();
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const MapEnvironment& env() const { return env_; }
  AwsContext& context() { return *context_; }

  // POST /moto-api/config {"batch":{"use_docker":false}}: jobs run without Docker.
  Status DisableBatchDocker();
  // An IAM role (query protocol, through the context) for Batch's serviceRole; returns its ARN.
  Result<std::string> CreateRole(const std::string& name);
  // An IAM instance profile, for a MANAGED EC2/SPOT compute environment's instanceRole; returns
  // its name.
  Result<std::string> CreateInstanceProfile(const std::string& name);
  // moto's default VPC: its first subnet and security group, where MANAGED compute environments
  // and RunInstances place their instances.
  struct DefaultNetwork {
    std::string subnet_id;
    std::string security_group_id;
  };
  Result<DefaultNetwork> FindDefaultNetwork();

 private:
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;
  TempDir dir_;
  MapEnvironment env_;
  std::unique_ptr<AwsContext> context_;
  std::string error_;
};

}  // namespace awshpc::aws::testing
