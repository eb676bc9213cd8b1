// File: aws_context.hpp
// The one scoped object main() owns for AWS: shared config, profile, region, HTTP transport,
// cached credential chain and retry settings, and a factory for service clients. No global
// init/shutdown ritual: destroying the context releases everything.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/config_file.hpp"
#include "awshpc/aws/credentials.hpp"
#include "awshpc/aws/credentials/metadata_providers.hpp"
#include "awshpc/aws/endpoints.hpp"
#include "awshpc/aws/environment.hpp"
#include "awshpc/aws/http_client.hpp"
#include "awshpc/aws/retry_strategy.hpp"

namespace awshpc::aws {

struct AwsContextOptions {
  const Environment* env = &Environment::System();
  std::string cli_profile;  // --profile
  std::string cli_region;   // --region
  // The deployed platform's region (`infra deploy` saves it beside aws-hpc.yaml): its queues,
  // bucket and logs live there, so it beats the profile's default region; AWS_REGION and
  // AWS_DEFAULT_REGION still override it.
  std::string platform_region;
  const Clock* clock = &SystemClock::Instance();
};

class AwsContext {
 public:
  // Reads the config files and the environment. Fails on broken configuration (unreadable or
  // malformed files, bad retry settings); a missing region or missing credentials only fail
  // when a client needs them, so commands that never call AWS work anywhere.
  static Result<std::unique_ptr<AwsContext>> Create(const AwsContextOptions& options = {});
  ~AwsContext();

  // --region, AWS_REGION, AWS_DEFAULT_REGION, the platform's region, the profile's region, then
  // IMDS (asked once).
  Result<RegionResolution> Region();

  // A client for `service` in the context's region, endpoint resolved as in endpoints.hpp. With
  // the adaptive retry mode all clients of one service share one AdaptiveRateLimiter.
  Result<std::unique_ptr<AwsClient>> MakeClient(const ServiceInfo& service, Protocol protocol,
                                                bool s3 = false);

  HttpClient& http() { return *http_; }
  CredentialsProvider& credentials() { return *credentials_; }
  const SharedConfig& config() const { return config_; }
  const Profile* profile() const { return profile_; }
  const RetryConfig& retry_config() const { return retry_config_; }

 private:
  AwsContext() = default;

  AwsContextOptions options_;
  SharedConfig config_;
  const Profile* profile_ = nullptr;
  RetryConfig retry_config_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Ec2MetadataClient> imds_;
  std::unique_ptr<CredentialsProvider> credentials_;
  std::optional<Result<RegionResolution>> region_;
  std::mutex adaptive_mutex_;
  std::map<std::string, std::shared_ptr<AdaptiveRateLimiter>> adaptive_limiters_;  // by service
};

}  // namespace awshpc::aws
