// File: credentials/profile_provider.hpp
// Credentials from a profile of the shared config/credentials files: static keys,
// credential_process, web_identity_token_file, and role_arn assumed through STS from a
// source_profile chain (cycles detected) or a credential_source.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "awshpc/aws/config_file.hpp"
#include "awshpc/aws/credentials.hpp"
#include "awshpc/aws/sts_client.hpp"

namespace awshpc::aws {

struct ProfileProviderContext {
  const SharedConfig* config = nullptr;
  const Environment* env = nullptr;
  const Clock* clock = &SystemClock::Instance();
  // Needed only by profiles with role_arn; without it those profiles fail with a clear message.
  StsClientFactory sts;
  // For credential_source = Environment | Ec2InstanceMetadata | EcsContainer.
  std::function<std::unique_ptr<CredentialsProvider>(std::string_view source)> credential_source;
};

class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  // botocore consults a profile twice: role-assuming profiles before web identity from the
  // environment, plain ones (static keys, credential_process) after it. A phase that does not
  // apply to the profile answers kNotFound.
  enum class Phase { kAll, kRolesOnly, kWithoutRoles };

  ProfileCredentialsProvider(ProfileProviderContext context, std::string profile_name,
                             Phase phase = Phase::kAll)
      : context_(std::move(context)), profile_name_(std::move(profile_name)), phase_(phase) {}
  Result<Credentials> GetCredentials() override;

 private:
  Result<Credentials> Resolve(const std::string& name, std::set<std::string>& visiting);
  Result<Credentials> StaticKeys(const Profile& profile) const;

  ProfileProviderContext context_;
  std::string profile_name_;
  Phase phase_;
};

// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME): EKS IRSA and friends.
// The token file is read on every call: it is rotated underneath us.
class WebIdentityCredentialsProvider final : public CredentialsProvider {
 public:
  WebIdentityCredentialsProvider(const Environment& env, StsClientFactory sts,
                                 const Clock& clock = SystemClock::Instance());
  Result<Credentials> GetCredentials() override;

  // The shared step: read the token file, call AssumeRoleWithWebIdentity.
  static Result<Credentials> Assume(StsClient& sts, const std::string& token_file,
                                    const std::string& role_arn, const std::string& session_name);

 private:
  const Environment& env_;
  StsClientFactory sts_;
  const Clock& clock_;
};

// "aws-hpc-<millis>": the role session name when none is configured.
std::string DefaultRoleSessionName(const Clock& clock);

}  // namespace awshpc::aws
