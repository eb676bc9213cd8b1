// File: credentials/profile_provider.cpp
#include "awshpc/aws/credentials/profile_provider.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/endpoints.hpp"

namespace awshpc::aws {
namespace {

Result<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError(fmt::format("reading web identity token {}", path), errno);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string token = buffer.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty())
    return InvalidArgumentError(fmt::format("web identity token {} is empty", path));
  return token;
}

// The region STS is called in: the environment's, else the profile's, else us-east-1 (where
// the global STS endpoint lives).
std::string StsRegion(const Environment& env, const Profile* profile) {
  const Result<RegionResolution> region = ResolveRegion(env, profile);
  return region.ok() ? region->region : "us-east-1";
}

}  // namespace

std::string DefaultRoleSessionName(const Clock& clock) {
  return fmt::format("aws-hpc-{}", clock.NowMillis());
}

Result<Credentials> ProfileCredentialsProvider::GetCredentials() {
  if (phase_ != Phase::kAll) {
    const Profile* profile = context_.config->FindProfile(profile_name_);
    const bool assumes_role = profile != nullptr && profile->Get("role_arn").has_value();
    if (assumes_role != (phase_ == Phase::kRolesOnly)) {
      return NotFoundError(fmt::format("profile {} {}", profile_name_,
                                       assumes_role ? "assumes a role" : "assumes no role"));
    }
  }
  std::set<std::string> visiting;
  return Resolve(profile_name_, visiting);
}

Result<Credentials> ProfileCredentialsProvider::StaticKeys(const Profile& profile) const {
  const auto key = profile.Get("aws_access_key_id");
  const auto secret = profile.Get("aws_secret_access_key");
  if (!key && !secret)
    return NotFoundError(fmt::format("profile {} has no credentials", profile.name));
  if (!key || !secret) {
    return InvalidArgumentError(fmt::format(
        "profile {} has only one of aws_access_key_id and aws_secret_access_key", profile.name));
  }
  return Credentials{*key,
                     *secret,
                     profile.Get("aws_session_token").value_or(""),
                     {},
                     fmt::format("profile {}", profile.name)};
}

Result<Credentials> ProfileCredentialsProvider::Resolve(const std::string& name,
                                                        std::set<std::string>& visiting) {
  const Profile* profile = context_.config->FindProfile(name);
  if (profile == nullptr) return NotFoundError(fmt::format("profile {} does not exist", name));
  if (!visiting.insert(name).second) {
    return InvalidArgumentError(fmt::format("source_profile cycle through profile {}", name));
  }
  const auto role_arn = profile->Get("role_arn");
  const bool has_keys = profile->Get("aws_access_key_id") || profile->Get("aws_secret_access_key");
  // Static keys come first (as in botocore, whose credentials-file provider precedes the process
  // one); in a source profile they even win over its own role_arn.
  if (!role_arn || (has_keys && visiting.size() > 1)) {
    if (!has_keys) {
      if (auto command = profile->Get("credential_process")) {
        return ProcessCredentialsProvider(*command, name).GetCredentials();
      }
    }
    return StaticKeys(*profile);
  }

  if (!context_.sts) {
    return FailedPreconditionError(
        fmt::format("profile {} needs STS, which is not available", name));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<StsClient> sts, context_.sts(StsRegion(*context_.env, profile)));
  const std::string session_name =
      profile->Get("role_session_name").value_or(DefaultRoleSessionName(*context_.clock));
  if (auto token_file = profile->Get("web_identity_token_file")) {
    return WebIdentityCredentialsProvider::Assume(*sts, *token_file, *role_arn, session_name);
  }

  Credentials source;
  const auto source_profile = profile->Get("source_profile");
  const auto credential_source = profile->Get("credential_source");
  if (source_profile && credential_source) {
    return InvalidArgumentError(
        fmt::format("profile {} has both source_profile and credential_source", name));
  }
  if (source_profile) {
    if (*source_profile == name) {
      // A profile may name itself to use its own static keys for the AssumeRole call.
      ASSIGN_OR_RETURN(source, StaticKeys(*profile));
    } else {
      // (Resolve below sees visiting.size() > 1 and so prefers the source's static keys.)
      Result<Credentials> resolved = Resolve(*source_profile, visiting);
      if (!resolved.ok()) {
        return resolved.status().WithContext(fmt::format("source_profile of profile {}", name));
      }
      source = *std::move(resolved);
    }
  } else if (credential_source) {
    std::unique_ptr<CredentialsProvider> provider =
        context_.credential_source ? context_.credential_source(*credential_source) : nullptr;
    if (provider == nullptr) {
      return InvalidArgumentError(fmt::format(
          "profile {}: credential_source '{}' is not Environment, Ec2InstanceMetadata or "
          "EcsContainer",
          name, *credential_source));
    }
    ASSIGN_OR_RETURN_CTX(source, provider->GetCredentials(),
                         fmt::format("credential_source of profile {}", name));
  } else {
    return InvalidArgumentError(
        fmt::format("profile {} has role_arn but no source_profile or credential_source", name));
  }

  AssumeRoleParams params;
  params.role_arn = *role_arn;
  params.role_session_name = session_name;
  params.external_id = profile->Get("external_id").value_or("");
  if (auto duration = profile->Get("duration_seconds")) {
    const auto [ptr, ec] = std::from_chars(duration->data(), duration->data() + duration->size(),
                                           params.duration_seconds);
    if (ec != std::errc() || ptr != duration->data() + duration->size()) {
      return InvalidArgumentError(
          fmt::format("profile {}: duration_seconds is not a number", name));
    }
  }
  if (profile->Get("mfa_serial")) {
    return FailedPreconditionError(fmt::format(
        "profile {} needs an MFA code (mfa_serial), which aws-hpc cannot prompt for", name));
  }
  ASSIGN_OR_RETURN_CTX(Credentials assumed, sts->AssumeRole(source, params),
                       fmt::format("assuming {} for profile {}", *role_arn, name));
  return assumed;
}

WebIdentityCredentialsProvider::WebIdentityCredentialsProvider(const Environment& env,
                                                               StsClientFactory sts,
                                                               const Clock& clock)
    : env_(env), sts_(std::move(sts)), clock_(clock) {}

Result<Credentials> WebIdentityCredentialsProvider::Assume(StsClient& sts,
                                                           const std::string& token_file,
                                                           const std::string& role_arn,
                                                           const std::string& session_name) {
  AssumeRoleParams params;
  params.role_arn = role_arn;
  params.role_session_name = session_name;
  ASSIGN_OR_RETURN(params.web_identity_token, ReadTokenFile(token_file));
  return sts.AssumeRoleWithWebIdentity(params);
}

Result<Credentials> WebIdentityCredentialsProvider::GetCredentials() {
  const auto token_file = env_.Get("AWS_WEB_IDENTITY_TOKEN_FILE");
  const auto role_arn = env_.Get("AWS_ROLE_ARN");
  if (!token_file && !role_arn) return NotFoundError("no AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!token_file || !role_arn) {
    return InvalidArgumentError(
        "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN must be set together");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<StsClient> sts, sts_(StsRegion(env_, nullptr)));
  return Assume(*sts, *token_file, *role_arn,
                env_.Get("AWS_ROLE_SESSION_NAME").value_or(DefaultRoleSessionName(clock_)));
}

}  // namespace awshpc::aws
