// File: credentials/basic_providers.cpp
#include "awshpc/aws/credentials/basic_providers.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "awshpc/aws/process.hpp"

namespace awshpc::aws {

Result<Credentials> CredentialsFromJson(std::string_view body, std::string_view source,
                                        std::string_view token_key) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return InvalidArgumentError(fmt::format("{}: credentials are not a JSON object", source));
  }
  const auto text = [&](std::string_view key) -> std::string {
    const auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Credentials credentials;
  credentials.source = std::string(source);
  credentials.access_key_id = text("AccessKeyId");
  credentials.secret_access_key = text("SecretAccessKey");
  credentials.session_token = text(token_key);
  if (credentials.empty()) {
    // The message names fields only: the document holds secrets.
    return InvalidArgumentError(
        fmt::format("{}: credentials lack AccessKeyId or SecretAccessKey", source));
  }
  if (const std::string expiration = text("Expiration"); !expiration.empty()) {
    ASSIGN_OR_RETURN_CTX(credentials.expiration, ParseIso8601(expiration),
                         fmt::format("{}: Expiration", source));
  }
  return credentials;
}

Result<Credentials> EnvironmentCredentialsProvider::GetCredentials() {
  const auto key = env_.Get("AWS_ACCESS_KEY_ID");
  const auto secret = env_.Get("AWS_SECRET_ACCESS_KEY");
  if (!key && !secret) return NotFoundError("no AWS_ACCESS_KEY_ID in the environment");
  if (!key || !secret) {
    return InvalidArgumentError(
        "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set in the environment");
  }
  Credentials credentials{
      *key, *secret, env_.Get("AWS_SESSION_TOKEN").value_or(""), {}, "environment"};
  if (auto expiration = env_.Get("AWS_CREDENTIAL_EXPIRATION")) {
    ASSIGN_OR_RETURN_CTX(credentials.expiration, ParseIso8601(*expiration),
                         "AWS_CREDENTIAL_EXPIRATION");
  }
  return credentials;
}

Result<Credentials> ProcessCredentialsProvider::GetCredentials() {
  const std::string where = fmt::format("credential_process of profile {}", profile_name_);
  ASSIGN_OR_RETURN_CTX(const std::vector<std::string> argv, SplitCommandLine(command_), where);
  ASSIGN_OR_RETURN_CTX(const ProcessResult result, RunProcess(argv, timeout_), where);
  if (result.exit_code != 0) {
    // stderr is the program's own diagnostics; stdout may hold secrets and is not shown.
    return PermissionDeniedError(fmt::format("{}: {} exited with status {}: {}", where, argv[0],
                                             result.exit_code, result.err));
  }
  const auto json = nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("Version") || json["Version"] != 1) {
    return InvalidArgumentError(fmt::format("{}: output is not a Version 1 JSON document", where));
  }
  return CredentialsFromJson(result.out, where, "SessionToken");
}

CachingCredentialsProvider::CachingCredentialsProvider(std::unique_ptr<CredentialsProvider> inner,
                                                       const Clock& clock,
                                                       std::chrono::milliseconds refresh_before)
    : inner_(std::move(inner)), clock_(clock), refresh_before_(refresh_before) {}

Result<Credentials> CachingCredentialsProvider::GetCredentials() {
  std::lock_guard lock(mutex_);
  const UnixMillis now = clock_.NowMillis();
  if (cached_ && (!cached_->expiration || now < *cached_->expiration - refresh_before_.count() ||
                  (now < retry_refresh_at_ && now < *cached_->expiration))) {
    return *cached_;
  }
  Result<Credentials> fresh = inner_->GetCredentials();
  if (!fresh.ok()) {
    if (cached_ && cached_->expiration && now < *cached_->expiration) {
      // Keep the old credentials and do not ask a failing source again on every call.
      retry_refresh_at_ = now + kRefreshRetryDelayMs;
      return *cached_;
    }
    return fresh;
  }
  cached_ = *fresh;
  return fresh;
}

}  // namespace awshpc::aws
