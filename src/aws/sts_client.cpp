// File: sts_client.cpp
#include "awshpc/aws/sts_client.hpp"

#include <fmt/format.h>

#include <pugixml.hpp>

#include "awshpc/aws/uri.hpp"

namespace awshpc::aws {
namespace {

constexpr std::string_view kApiVersion = "2011-06-15";

Result<Credentials> ParseCredentials(const std::string& xml, const std::string& action,
                                     const std::string& role_arn) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return InternalError(fmt::format("sts {}: response is not XML", action));
  }
  const pugi::xml_node node =
      doc.document_element().child((action + "Result").c_str()).child("Credentials");
  Credentials credentials;
  credentials.access_key_id = node.child_value("AccessKeyId");
  credentials.secret_access_key = node.child_value("SecretAccessKey");
  credentials.session_token = node.child_value("SessionToken");
  credentials.source = fmt::format("sts {} {}", action, role_arn);
  if (credentials.empty() || credentials.session_token.empty()) {
    return InternalError(fmt::format("sts {}: response has no credentials", action));
  }
  ASSIGN_OR_RETURN_CTX(credentials.expiration, ParseIso8601(node.child_value("Expiration")),
                       fmt::format("sts {}: Expiration", action));
  return credentials;
}

}  // namespace

StsQueryClient::StsQueryClient(HttpClient& http, Endpoint endpoint, const Clock& clock,
                               RetryStrategy retry)
    : client_({"sts", "sts", std::move(endpoint), Protocol::kQuery}, http, nullptr, clock,
              std::move(retry)) {}

Result<std::string> StsQueryClient::Call(
    const std::string& action, const std::vector<std::pair<std::string, std::string>>& params,
    const Credentials* credentials) {
  std::vector<std::pair<std::string, std::string>> all = {{"Action", action},
                                                          {"Version", std::string(kApiVersion)}};
  all.insert(all.end(), params.begin(), params.end());
  HttpRequest request;
  request.method = "POST";
  request.url = "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = EncodeQuery(all);
  // AssumeRole signs with the caller's source credentials; web identity calls are unsigned.
  CallOptions options;
  options.anonymous = credentials == nullptr;
  options.credentials = credentials;
  ASSIGN_OR_RETURN(HttpResponse response,
                   client_.Send(
                       action, [&]() -> Result<HttpRequest> { return request; }, options));
  return std::move(response.body);
}

Result<Credentials> StsQueryClient::AssumeRole(const Credentials& source,
                                               const AssumeRoleParams& params) {
  std::vector<std::pair<std::string, std::string>> query = {
      {"RoleArn", params.role_arn}, {"RoleSessionName", params.role_session_name}};
  if (!params.external_id.empty()) query.emplace_back("ExternalId", params.external_id);
  if (params.duration_seconds > 0) {
    query.emplace_back("DurationSeconds", std::to_string(params.duration_seconds));
  }
  ASSIGN_OR_RETURN(const std::string xml, Call("AssumeRole", query, &source));
  return ParseCredentials(xml, "AssumeRole", params.role_arn);
}

Result<Credentials> StsQueryClient::AssumeRoleWithWebIdentity(const AssumeRoleParams& params) {
  std::vector<std::pair<std::string, std::string>> query = {
      {"RoleArn", params.role_arn},
      {"RoleSessionName", params.role_session_name},
      {"WebIdentityToken", params.web_identity_token}};
  if (params.duration_seconds > 0) {
    query.emplace_back("DurationSeconds", std::to_string(params.duration_seconds));
  }
  ASSIGN_OR_RETURN(const std::string xml, Call("AssumeRoleWithWebIdentity", query, nullptr));
  return ParseCredentials(xml, "AssumeRoleWithWebIdentity", params.role_arn);
}

StsClientFactory MakeStsClientFactory(HttpClient& http, const Environment& env,
                                      const SharedConfig* config, const Profile* profile,
                                      const Clock& clock) {
  return [&http, &env, config, profile,
          &clock](std::string_view region) -> Result<std::unique_ptr<StsClient>> {
    static const ServiceInfo kSts{"STS", "sts", "sts"};
    ASSIGN_OR_RETURN(Endpoint endpoint, ResolveEndpoint(kSts, region, env, config, profile));
    ASSIGN_OR_RETURN(
        RetryConfig retry,
        RetryConfig::Resolve(env, profile ? profile->Get("retry_mode").value_or("") : "",
                             profile ? profile->Get("max_attempts").value_or("") : ""));
    return std::unique_ptr<StsClient>(
        std::make_unique<StsQueryClient>(http, std::move(endpoint), clock, RetryStrategy(retry)));
  };
}

}  // namespace awshpc::aws
