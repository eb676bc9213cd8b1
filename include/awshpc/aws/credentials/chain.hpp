// File: credentials/chain.hpp
// The default credential chain, in the SDKs' order: environment, profile (static keys,
// credential_process, role_arn through STS, web identity), web identity from the environment,
// container endpoint, EC2 instance metadata. The result is cached and refreshed before expiry.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "awshpc/aws/config_file.hpp"
#include "awshpc/aws/credentials.hpp"
#include "awshpc/aws/credentials/metadata_providers.hpp"
#include "awshpc/aws/http_client.hpp"

namespace awshpc::aws {

// Tries each provider in order. kNotFound moves on; any other error stops the chain (a broken
// configured source must not silently fall through to another identity).
class CredentialsChain final : public CredentialsProvider {
 public:
  void Add(std::string name, std::unique_ptr<CredentialsProvider> provider);
  Result<Credentials> GetCredentials() override;

 private:
  std::vector<std::pair<std::string, std::unique_ptr<CredentialsProvider>>> providers_;
};

struct DefaultChainOptions {
  const Environment* env = &Environment::System();
  const SharedConfig* config = nullptr;  // required
  std::string cli_profile;               // --profile; overrides AWS_PROFILE and skips env keys
  HttpClient* http = nullptr;            // for STS; required when profiles assume roles
  const Clock* clock = &SystemClock::Instance();
  std::string container_base = "http://169.254.170.2";  // tests point it at loopback
};

// The chain wrapped in a CachingCredentialsProvider. Keeps pointers into `options`' targets,
// which must outlive it.
std::unique_ptr<CredentialsProvider> MakeDefaultCredentialsChain(
    const DefaultChainOptions& options);

}  // namespace awshpc::aws
