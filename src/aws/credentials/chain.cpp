// File: credentials/chain.cpp
#include "awshpc/aws/credentials/chain.hpp"

#include <fmt/format.h>

#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/credentials/profile_provider.hpp"
#include "awshpc/aws/sts_client.hpp"

namespace awshpc::aws {
namespace {

// The IMDS provider owns its metadata client.
class OwningImdsProvider final : public CredentialsProvider {
 public:
  explicit OwningImdsProvider(const Environment& env) : imds_(env), provider_(imds_) {}
  Result<Credentials> GetCredentials() override { return provider_.GetCredentials(); }

 private:
  Ec2MetadataClient imds_;
  InstanceProfileCredentialsProvider provider_;
};

// The selected profile, if it is missing and was asked for by name, is an error; a missing
// "default" profile just means "no profile".
class SelectedProfileProvider final : public CredentialsProvider {
 public:
  SelectedProfileProvider(ProfileProviderContext context, std::string name, bool explicit_choice,
                          const SharedConfig* config, ProfileCredentialsProvider::Phase phase)
      : name_(name),
        explicit_(explicit_choice),
        config_(config),
        inner_(std::move(context), name, phase) {}
  Result<Credentials> GetCredentials() override {
    if (config_->FindProfile(name_) == nullptr) {
      if (explicit_) {
        return InvalidArgumentError(fmt::format("the AWS profile {} does not exist in {} or {}",
                                                name_, config_->config_path,
                                                config_->credentials_path));
      }
      return NotFoundError(fmt::format("no profile {}", name_));
    }
    return inner_.GetCredentials();
  }

 private:
  std::string name_;
  bool explicit_;
  const SharedConfig* config_ = nullptr;
  ProfileCredentialsProvider inner_;
};

}  // namespace

void CredentialsChain::Add(std::string name, std::unique_ptr<CredentialsProvider> provider) {
  providers_.emplace_back(std::move(name), std::move(provider));
}

Result<Credentials> CredentialsChain::GetCredentials() {
  std::string tried;
  for (auto& [name, provider] : providers_) {
    Result<Credentials> credentials = provider->GetCredentials();
    if (credentials.ok()) return credentials;
    if (credentials.status().code() != StatusCode::kNotFound) {
      return credentials.status().WithContext(fmt::format("{} credentials", name));
    }
    tried += fmt::format("\n  {}: {}", name, credentials.status().message());
  }
  return NotFoundError("no AWS credentials found; tried:" + tried);
}

std::unique_ptr<CredentialsProvider> MakeDefaultCredentialsChain(
    const DefaultChainOptions& options) {
  const Environment& env = *options.env;
  const std::string profile_name = SelectedProfileName(env, options.cli_profile);
  const bool explicit_profile = !options.cli_profile.empty() || env.Get("AWS_PROFILE").has_value();
  const Profile* profile = options.config->FindProfile(profile_name);

  StsClientFactory sts;
  if (options.http != nullptr) {
    sts = MakeStsClientFactory(*options.http, env, options.config, profile, *options.clock);
  }
  ProfileProviderContext context;
  context.config = options.config;
  context.env = &env;
  context.clock = options.clock;
  context.sts = sts;
  const std::string container_base = options.container_base;
  context.credential_source =
      [&env, container_base](std::string_view source) -> std::unique_ptr<CredentialsProvider> {
    if (source == "Environment") return std::make_unique<EnvironmentCredentialsProvider>(env);
    if (source == "Ec2InstanceMetadata") return std::make_unique<OwningImdsProvider>(env);
    if (source == "EcsContainer") {
      return std::make_unique<ContainerCredentialsProvider>(env, nullptr, container_base);
    }
    return nullptr;
  };

  auto chain = std::make_unique<CredentialsChain>();
  // An explicit --profile means "this identity", so keys in the environment must not win.
  if (options.cli_profile.empty()) {
    chain->Add("environment", std::make_unique<EnvironmentCredentialsProvider>(env));
  }
  chain->Add(fmt::format("profile {} (roles)", profile_name),
             std::make_unique<SelectedProfileProvider>(
                 context, profile_name, explicit_profile, options.config,
                 ProfileCredentialsProvider::Phase::kRolesOnly));
  if (sts) {
    chain->Add("web identity",
               std::make_unique<WebIdentityCredentialsProvider>(env, sts, *options.clock));
  }
  chain->Add(fmt::format("profile {}", profile_name),
             std::make_unique<SelectedProfileProvider>(
                 context, profile_name, explicit_profile, options.config,
                 ProfileCredentialsProvider::Phase::kWithoutRoles));
  chain->Add("container",
             std::make_unique<ContainerCredentialsProvider>(env, nullptr, container_base));
  chain->Add("EC2 instance metadata", std::make_unique<OwningImdsProvider>(env));
  return std::make_unique<CachingCredentialsProvider>(std::move(chain), *options.clock);
}

}  // namespace awshpc::aws
