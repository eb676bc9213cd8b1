// File: services/ecr.cpp
// ECR over json-1.1. Timestamps arrive as epoch seconds with a fraction (moto sends some as
// ISO 8601 text; both are read).
#include "awshpc/aws/services/ecr.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "awshpc/aws/protocols/json.hpp"
#include "json_call.hpp"

namespace awshpc::aws::ecr {
namespace {

using protocols::Json;
using protocols::JsonArray;
using protocols::JsonObject;
using protocols::JsonString;
using protocols::SetIfNotEmpty;
using protocols::SetIfPresent;

Result<Json> Post(AwsClient& client, std::string_view operation, const Json& body) {
  return services_internal::PostJson11(client, "ecr", kTargetPrefix, operation, body);
}

std::optional<std::int64_t> EpochSecondsToMillis(const Json& object, std::string_view key) {
  const std::optional<double> seconds = protocols::JsonDouble(object, key);
  if (seconds) return static_cast<std::int64_t>(*seconds * 1000.0);
  const std::string text = JsonString(object, key);
  if (text.empty()) return std::nullopt;
  const Result<UnixMillis> parsed = ParseIso8601(text);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

Repository RepositoryFrom(const Json& j) {
  Repository repository{JsonString(j, "repositoryArn"),       JsonString(j, "registryId"),
                        JsonString(j, "repositoryName"),      JsonString(j, "repositoryUri"),
                        EpochSecondsToMillis(j, "createdAt"), JsonString(j, "imageTagMutability")};
  repository.scan_on_push =
      protocols::JsonBool(JsonObject(j, "imageScanningConfiguration"), "scanOnPush");
  return repository;
}

Json ImageIdJson(const ImageId& id) {
  Json item = Json::object();
  SetIfNotEmpty(item, "imageDigest", id.image_digest);
  SetIfNotEmpty(item, "imageTag", id.image_tag);
  return item;
}

ImageId ImageIdFrom(const Json& j) {
  return {JsonString(j, "imageDigest"), JsonString(j, "imageTag")};
}

// The body every lifecycle-policy operation sends.
Json RepositoryBody(const std::string& repository_name, const std::string& registry_id) {
  Json body = {{"repositoryName", repository_name}};
  SetIfNotEmpty(body, "registryId", registry_id);
  return body;
}

LifecyclePolicy LifecyclePolicyFrom(const Json& j) {
  return {JsonString(j, "registryId"), JsonString(j, "repositoryName"),
          JsonString(j, "lifecyclePolicyText"), EpochSecondsToMillis(j, "lastEvaluatedAt")};
}

constexpr std::size_t kMaxImageIdsPerCall = 100;  // BatchDeleteImage's limit

}  // namespace

Result<EcrClient> EcrClient::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   context.MakeClient(kService, Protocol::kJson));
  return EcrClient(std::move(client));
}

Result<CreateRepositoryResult> EcrClient::CreateRepository(const CreateRepositoryRequest& request) {
  Json body = {{"repositoryName", request.repository_name}};
  SetIfNotEmpty(body, "imageTagMutability", request.image_tag_mutability);
  if (request.scan_on_push) {
    body["imageScanningConfiguration"] = {{"scanOnPush", *request.scan_on_push}};
  }
  if (!request.tags.empty()) {
    Json tags = Json::array();
    for (const auto& [key, value] : request.tags) tags.push_back({{"Key", key}, {"Value", value}});
    body["tags"] = std::move(tags);
  }
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "CreateRepository", body));
  return CreateRepositoryResult{RepositoryFrom(JsonObject(out, "repository"))};
}

Result<DescribeRepositoriesResult> EcrClient::DescribeRepositories(
    const DescribeRepositoriesRequest& request) {
  Json body = Json::object();
  SetIfNotEmpty(body, "repositoryNames", request.repository_names);
  SetIfNotEmpty(body, "registryId", request.registry_id);
  SetIfPresent(body, "maxResults", request.max_results);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeRepositories", body));
  DescribeRepositoriesResult result;
  for (const Json& j : JsonArray(out, "repositories")) {
    result.repositories.push_back(RepositoryFrom(j));
  }
  result.next_token = JsonString(out, "nextToken");
  return result;
}

Result<DeleteRepositoryResult> EcrClient::DeleteRepository(const DeleteRepositoryRequest& request) {
  Json body = {{"repositoryName", request.repository_name}};
  if (request.force) body["force"] = true;
  RETURN_IF_ERROR(Post(*client_, "DeleteRepository", body).status());
  return DeleteRepositoryResult{};
}

Result<DescribeImagesResult> EcrClient::DescribeImages(const DescribeImagesRequest& request) {
  Json body = {{"repositoryName", request.repository_name}};
  if (!request.image_ids.empty()) {
    Json ids = Json::array();
    for (const auto& id : request.image_ids) ids.push_back(ImageIdJson(id));
    body["imageIds"] = std::move(ids);
  }
  SetIfPresent(body, "maxResults", request.max_results);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeImages", body));
  DescribeImagesResult result;
  for (const Json& j : JsonArray(out, "imageDetails")) {
    result.image_details.push_back({JsonString(j, "imageDigest"),
                                    protocols::JsonStringList(j, "imageTags"),
                                    protocols::JsonInt(j, "imageSizeInBytes").value_or(0),
                                    EpochSecondsToMillis(j, "imagePushedAt")});
  }
  result.next_token = JsonString(out, "nextToken");
  return result;
}

Result<PutImageResult> EcrClient::PutImage(const PutImageRequest& request) {
  Json body = {{"repositoryName", request.repository_name},
               {"imageManifest", request.image_manifest}};
  SetIfNotEmpty(body, "imageManifestMediaType", request.image_manifest_media_type);
  SetIfNotEmpty(body, "imageTag", request.image_tag);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "PutImage", body));
  const Json& id = JsonObject(JsonObject(out, "image"), "imageId");
  return PutImageResult{{JsonString(id, "imageDigest"), JsonString(id, "imageTag")}};
}

Result<BatchDeleteImageResult> EcrClient::BatchDeleteImage(const BatchDeleteImageRequest& request) {
  if (request.repository_name.empty()) {
    return InvalidArgumentError("ecr BatchDeleteImage: repositoryName is empty");
  }
  if (request.image_ids.empty()) {
    return InvalidArgumentError("ecr BatchDeleteImage: imageIds is empty");
  }
  for (std::size_t i = 0; i < request.image_ids.size(); ++i) {
    const ImageId& id = request.image_ids[i];
    if (id.image_digest.empty() && id.image_tag.empty()) {
      return InvalidArgumentError(
          fmt::format("ecr BatchDeleteImage: imageIds[{}] has neither a digest nor a tag", i));
    }
  }
  BatchDeleteImageResult result;
  for (std::size_t start = 0; start < request.image_ids.size(); start += kMaxImageIdsPerCall) {
    const std::size_t end = std::min(request.image_ids.size(), start + kMaxImageIdsPerCall);
    Json ids = Json::array();
    for (std::size_t i = start; i < end; ++i) ids.push_back(ImageIdJson(request.image_ids[i]));
    Json body = RepositoryBody(request.repository_name, request.registry_id);
    body["imageIds"] = std::move(ids);
    ASSIGN_OR_RETURN(const Json out, Post(*client_, "BatchDeleteImage", body));
    for (const Json& j : JsonArray(out, "imageIds")) result.image_ids.push_back(ImageIdFrom(j));
    for (const Json& j : JsonArray(out, "failures")) {
      result.failures.push_back({ImageIdFrom(JsonObject(j, "imageId")),
                                 JsonString(j, "failureCode"), JsonString(j, "failureReason")});
    }
  }
  return result;
}

Result<PutLifecyclePolicyResult> EcrClient::PutLifecyclePolicy(
    const PutLifecyclePolicyRequest& request) {
  Json body = RepositoryBody(request.repository_name, request.registry_id);
  body["lifecyclePolicyText"] = request.lifecycle_policy_text;
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "PutLifecyclePolicy", body));
  return LifecyclePolicyFrom(out);
}

Result<GetLifecyclePolicyResult> EcrClient::GetLifecyclePolicy(
    const GetLifecyclePolicyRequest& request) {
  ASSIGN_OR_RETURN(const Json out,
                   Post(*client_, "GetLifecyclePolicy",
                        RepositoryBody(request.repository_name, request.registry_id)));
  return LifecyclePolicyFrom(out);
}

Result<DeleteLifecyclePolicyResult> EcrClient::DeleteLifecyclePolicy(
    const DeleteLifecyclePolicyRequest& request) {
  ASSIGN_OR_RETURN(const Json out,
                   Post(*client_, "DeleteLifecyclePolicy",
                        RepositoryBody(request.repository_name, request.registry_id)));
  return LifecyclePolicyFrom(out);
}

Result<PutImageScanningConfigurationResult> EcrClient::PutImageScanningConfiguration(
    const PutImageScanningConfigurationRequest& request) {
  Json body = RepositoryBody(request.repository_name, request.registry_id);
  body["imageScanningConfiguration"] = {{"scanOnPush", request.scan_on_push}};
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "PutImageScanningConfiguration", body));
  return PutImageScanningConfigurationResult{
      JsonString(out, "registryId"), JsonString(out, "repositoryName"),
      protocols::JsonBool(JsonObject(out, "imageScanningConfiguration"), "scanOnPush")
          .value_or(false)};
}

Result<GetAuthorizationTokenResult> EcrClient::GetAuthorizationToken(
    const GetAuthorizationTokenRequest&) {
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "GetAuthorizationToken", Json::object()));
  GetAuthorizationTokenResult result;
  for (const Json& j : JsonArray(out, "authorizationData")) {
    result.authorization_data.push_back({JsonString(j, "authorizationToken"),
                                         EpochSecondsToMillis(j, "expiresAt"),
                                         JsonString(j, "proxyEndpoint")});
  }
  return result;
}

}  // namespace awshpc::aws::ecr
