// File: credentials/metadata_providers.cpp
#include "awshpc/aws/credentials/metadata_providers.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/uri.hpp"

namespace awshpc::aws {
namespace {

constexpr int kImdsTokenTtlSeconds = 21600;

// Metadata services answer in milliseconds; a machine that is not on AWS must not wait long.
std::unique_ptr<HttpClient> MetadataHttpClient() {
  HttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.read_timeout = std::chrono::milliseconds(1000);
  options.request_timeout = std::chrono::milliseconds(3000);
  return std::make_unique<CurlHttpClient>(options);  // no proxy: link-local addresses
}

bool AllowedContainerHost(const Url& url) {
  if (url.scheme == "https") return true;
  const std::string& host = url.host;
  return host == "localhost" || host.starts_with("127.") || host == "[::1]" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError(fmt::format("reading {}", path), errno);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

ContainerCredentialsProvider::ContainerCredentialsProvider(const Environment& env, HttpClient* http,
                                                           std::string relative_base)
    : env_(env),
      owned_http_(http == nullptr ? MetadataHttpClient() : nullptr),
      http_(http == nullptr ? owned_http_.get() : http),
      relative_base_(std::move(relative_base)) {}

Result<Credentials> ContainerCredentialsProvider::GetCredentials() {
  std::string url;
  if (auto relative = env_.Get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    url = relative_base_ + *relative;
  } else if (auto full = env_.Get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    ASSIGN_OR_RETURN_CTX(const Url parsed, ParseUrl(*full), "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!AllowedContainerHost(parsed)) {
      return InvalidArgumentError(fmt::format(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI host {} is not loopback or the container agent; "
          "plain http is only allowed there",
          parsed.host));
    }
    url = *full;
  } else {
    return NotFoundError("no AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI");
  }
  HttpRequest request;
  request.url = url;
  std::string token;
  if (auto file = env_.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    ASSIGN_OR_RETURN_CTX(token, ReadSmallFile(*file), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  } else {
    token = env_.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return InvalidArgumentError("the container authorization token contains a line break");
  }
  if (!token.empty()) request.headers.push_back({"Authorization", token});
  // Two tries: the agent is local, a failure is either a blip or final.
  Result<HttpResponse> response = http_->Send(request);
  if (!response.ok() || response->status >= 500) response = http_->Send(request);
  if (!response.ok()) return response.status().WithContext("container credentials endpoint");
  if (response->status != 200) {
    return PermissionDeniedError(
        fmt::format("container credentials endpoint answered HTTP {}", response->status));
  }
  return CredentialsFromJson(response->body, "container", "Token");
}

Ec2MetadataClient::Ec2MetadataClient(const Environment& env, HttpClient* http, const Clock& clock)
    : owned_http_(http == nullptr ? MetadataHttpClient() : nullptr),
      http_(http == nullptr ? owned_http_.get() : http),
      clock_(clock) {
  disabled_ = IsTrueSetting(env.Get("AWS_EC2_METADATA_DISABLED"));
  if (auto endpoint = env.Get("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    endpoint_ = *endpoint;
  } else if (env.Get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or("") == "IPv6") {
    endpoint_ = "http://[fd00:ec2::254]";
  } else {
    endpoint_ = "http://169.254.169.254";
  }
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
}

Result<std::string> Ec2MetadataClient::Token() {
  std::lock_guard lock(mutex_);
  // Renew a minute early so a token never expires between our check and IMDS's.
  if (!token_.empty() && clock_.NowMillis() < token_expiry_ - 60'000) return token_;
  HttpRequest request;
  request.method = "PUT";
  request.url = endpoint_ + "/latest/api/token";
  request.headers = {
      {"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(kImdsTokenTtlSeconds)}};
  Result<HttpResponse> response = http_->Send(request);
  if (!response.ok())
    return NotFoundError(fmt::format("IMDS unreachable: {}", response.status().message()));
  if (response->status != 200 || response->body.empty()) {
    return NotFoundError(fmt::format("IMDS token request answered HTTP {}", response->status));
  }
  token_ = response->body;
  token_expiry_ = clock_.NowMillis() + kImdsTokenTtlSeconds * 1000LL;
  return token_;
}

Result<std::string> Ec2MetadataClient::Get(std::string_view path) {
  if (disabled_) return NotFoundError("IMDS is disabled (AWS_EC2_METADATA_DISABLED)");
  for (int attempt = 0; attempt < 2; ++attempt) {
    ASSIGN_OR_RETURN(const std::string token, Token());
    HttpRequest request;
    request.url = endpoint_ + std::string(path);
    request.headers = {{"X-aws-ec2-metadata-token", token}};
    Result<HttpResponse> response = http_->Send(request);
    if (!response.ok()) {
      return NotFoundError(fmt::format("IMDS unreachable: {}", response.status().message()));
    }
    if (response->status == 401 && attempt == 0) {
      // The token expired or IMDS restarted: get a new one and try once more.
      std::lock_guard lock(mutex_);
      token_.clear();
      continue;
    }
    if (response->status == 404) return NotFoundError(fmt::format("IMDS has no {}", path));
    if (response->status != 200) {
      return UnavailableError(fmt::format("IMDS {} answered HTTP {}", path, response->status));
    }
    return std::move(response->body);
  }
  return UnavailableError("IMDS rejected a fresh token");
}

Result<Credentials> InstanceProfileCredentialsProvider::GetCredentials() {
  constexpr std::string_view kBase = "/latest/meta-data/iam/security-credentials/";
  ASSIGN_OR_RETURN(std::string roles, imds_.Get(kBase));
  const std::string role = roles.substr(0, roles.find('\n'));
  if (role.empty()) return NotFoundError("the instance has no IAM role");
  ASSIGN_OR_RETURN(const std::string body, imds_.Get(std::string(kBase) + role));
  // IMDS says "Code": "Success" when the role's credentials could be issued.
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("Code") && json["Code"] != "Success") {
    return UnavailableError(
        fmt::format("IMDS could not issue credentials for role {}: {}", role, json["Code"].dump()));
  }
  return CredentialsFromJson(body, fmt::format("IMDS role {}", role), "Token");
}

Result<std::string> ImdsRegion(Ec2MetadataClient& imds) {
  return imds.Get("/latest/meta-data/placement/region");
}

}  // namespace awshpc::aws
