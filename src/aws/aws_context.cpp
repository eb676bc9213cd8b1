// File: aws_context.cpp
#include "awshpc/aws/aws_context.hpp"

#include "awshpc/aws/credentials/chain.hpp"
#include "awshpc/aws/curl_http_client.hpp"

namespace awshpc::aws {

AwsContext::~AwsContext() = default;

Result<std::unique_ptr<AwsContext>> AwsContext::Create(const AwsContextOptions& options) {
  std::unique_ptr<AwsContext> context(new AwsContext());
  context->options_ = options;
  const Environment& env = *options.env;
  ASSIGN_OR_RETURN_CTX(context->config_, LoadSharedConfig(env), "loading the AWS config files");
  context->profile_ = context->config_.FindProfile(SelectedProfileName(env, options.cli_profile));
  const Profile* profile = context->profile_;
  ASSIGN_OR_RETURN(context->retry_config_,
                   RetryConfig::Resolve(env, profile ? profile->Get("retry_mode").value_or("") : "",
                                        profile ? profile->Get("max_attempts").value_or("") : ""));
  HttpClientOptions http_options = HttpClientOptionsFromEnvironment(env);
  if (http_options.ca_bundle.empty() && profile != nullptr) {
    http_options.ca_bundle = profile->Get("ca_bundle").value_or("");
  }
  context->http_ = std::make_unique<CurlHttpClient>(http_options);
  context->imds_ = std::make_unique<Ec2MetadataClient>(env, nullptr, *options.clock);
  DefaultChainOptions chain;
  chain.env = &env;
  chain.config = &context->config_;
  chain.cli_profile = options.cli_profile;
  chain.http = context->http_.get();
  chain.clock = options.clock;
  context->credentials_ = MakeDefaultCredentialsChain(chain);
  return context;
}

Result<RegionResolution> AwsContext::Region() {
  if (!options_.cli_region.empty()) return RegionResolution{options_.cli_region, "--region"};
  if (!options_.platform_region.empty() && !options_.env->Get("AWS_REGION") &&
      !options_.env->Get("AWS_DEFAULT_REGION")) {
    return RegionResolution{options_.platform_region, "the platform's state file"};
  }
  if (!region_) {
    region_ = ResolveRegion(*options_.env, profile_,
                            [this]() -> Result<std::string> { return ImdsRegion(*imds_); });
  }
  return *region_;
}

Result<std::unique_ptr<AwsClient>> AwsContext::MakeClient(const ServiceInfo& service,
                                                          Protocol protocol, bool s3) {
  ASSIGN_OR_RETURN(const RegionResolution region, Region());
  ASSIGN_OR_RETURN(Endpoint endpoint,
                   ResolveEndpoint(service, region.region, *options_.env, &config_, profile_));
  ServiceConfig config;
  config.service = std::string(service.endpoint_prefix);
  config.signing_name = std::string(service.signing_name);
  config.endpoint = std::move(endpoint);
  config.protocol = protocol;
  config.s3 = s3;
  // Unsigned payloads only where TLS protects the body in transit.
  config.unsigned_payload = s3 && config.endpoint.url.starts_with("https://");
  auto client = std::make_unique<AwsClient>(std::move(config), *http_, credentials_.get(),
                                            *options_.clock, RetryStrategy(retry_config_));
  if (retry_config_.mode == RetryMode::kAdaptive) {
    // Throttling is per account and service, so what one client learned applies to the others.
    std::lock_guard lock(adaptive_mutex_);
    std::shared_ptr<AdaptiveRateLimiter>& shared =
        adaptive_limiters_[std::string(service.endpoint_prefix)];
    if (!shared) shared = std::make_shared<AdaptiveRateLimiter>();
    client->set_adaptive_limiter(shared);
  }
  return client;
}

}  // namespace awshpc::aws
