// File: credentials/metadata_providers.hpp
// Credentials from the machine we run on: the ECS/EKS container endpoint and EC2 instance
// metadata (IMDSv2: a session token first, then the role and its credentials).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "awshpc/aws/credentials.hpp"
#include "awshpc/aws/environment.hpp"
#include "awshpc/aws/http_client.hpp"

namespace awshpc::aws {

// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (appended to http://169.254.170.2) or
// AWS_CONTAINER_CREDENTIALS_FULL_URI (plain http only to loopback or the ECS/EKS agent
// addresses, so that a stolen variable cannot send our token elsewhere), with the token of
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN.
class ContainerCredentialsProvider final : public CredentialsProvider {
 public:
  // `http` may be null: a private client with short timeouts and no proxy is made.
  ContainerCredentialsProvider(const Environment& env, HttpClient* http = nullptr,
                               std::string relative_base = "http://169.254.170.2");
  Result<Credentials> GetCredentials() override;

 private:
  const Environment& env_;
  std::unique_ptr<HttpClient> owned_http_;
  HttpClient* http_;
  std::string relative_base_;
};

// IMDSv2 client. The endpoint is AWS_EC2_METADATA_SERVICE_ENDPOINT, else (by
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE) http://169.254.169.254 or http://[fd00:ec2::254];
// AWS_EC2_METADATA_DISABLED=true turns it off. Tokens are cached for their 6 h lifetime.
class Ec2MetadataClient {
 public:
  Ec2MetadataClient(const Environment& env, HttpClient* http = nullptr,
                    const Clock& clock = SystemClock::Instance());

  bool disabled() const { return disabled_; }
  const std::string& endpoint() const { return endpoint_; }

  // GET of a metadata path such as "/latest/meta-data/placement/region". kNotFound when IMDS is
  // disabled, unreachable (not on EC2) or has no such path.
  Result<std::string> Get(std::string_view path);

 private:
  Result<std::string> Token();

  std::unique_ptr<HttpClient> owned_http_;
  HttpClient* http_;
  const Clock& clock_;
  bool disabled_ = false;
  std::string endpoint_;
  std::mutex mutex_;
  std::string token_;
  UnixMillis token_expiry_ = 0;
};

// The instance profile's role credentials from IMDS.
class InstanceProfileCredentialsProvider final : public CredentialsProvider {
 public:
  explicit InstanceProfileCredentialsProvider(Ec2MetadataClient& imds) : imds_(imds) {}
  Result<Credentials> GetCredentials() override;

 private:
  Ec2MetadataClient& imds_;
};

// The instance's region from IMDS ("/latest/meta-data/placement/region").
Result<std::string> ImdsRegion(Ec2MetadataClient& imds);

}  // namespace awshpc::aws
