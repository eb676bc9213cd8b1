// File: services/ecr.hpp
// Amazon ECR (json-1.1, target prefix AmazonEC2ContainerRegistry_V20150921): repositories,
// image listing, registering a pushed manifest (PutImage), deleting images, lifecycle policies,
// scan on push and the registry login token.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::ecr {

inline constexpr ServiceInfo kService{"ECR", "api.ecr", "ecr"};
inline constexpr std::string_view kTargetPrefix = "AmazonEC2ContainerRegistry_V20150921";

struct Repository {
  std::string repository_arn;
  std::string registry_id;
  std::string repository_name;
  std::string repository_uri;              // "123456789012.dkr.ecr.us-east-1.amazonaws.com/geos"
  std::optional<std::int64_t> created_at;  // Unix milliseconds
  std::string image_tag_mutability;
  std::optional<bool> scan_on_push = std::nullopt;  // imageScanningConfiguration.scanOnPush
};

struct CreateRepositoryRequest {
  std::string repository_name;
  std::string image_tag_mutability;  // MUTABLE | IMMUTABLE
  std::optional<bool> scan_on_push;
  std::map<std::string, std::string> tags;
};
struct CreateRepositoryResult {
  Repository repository;
};

struct DescribeRepositoriesRequest {
  std::vector<std::string> repository_names;
  std::string registry_id;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct DescribeRepositoriesResult {
  std::vector<Repository> repositories;
  std::string next_token;
};

struct DeleteRepositoryRequest {
  std::string repository_name;
  bool force = false;  // delete its images too
};
struct DeleteRepositoryResult {};

struct ImageId {
  std::string image_digest;
  std::string image_tag;
};
struct DescribeImagesRequest {
  std::string repository_name;
  std::vector<ImageId> image_ids;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct ImageDetail {
  std::string image_digest;
  std::vector<std::string> image_tags;
  std::int64_t image_size_in_bytes = 0;
  std::optional<std::int64_t> image_pushed_at;
};
struct DescribeImagesResult {
  std::vector<ImageDetail> image_details;
  std::string next_token;
};

struct PutImageRequest {
  std::string repository_name;
  std::string image_manifest;  // the manifest JSON pushed to the registry
  std::string image_manifest_media_type;
  std::string image_tag;
};
struct PutImageResult {
  ImageId image_id;
};

// Deletes images by digest (the image and all its tags) or by tag (only that tag, the image
// when it was its last). Any number of ids: one call per 100, results concatenated.
struct BatchDeleteImageRequest {
  std::string repository_name;
  std::vector<ImageId> image_ids;  // each with a digest, a tag or both
  std::string registry_id;         // "" = the caller's account
};
struct ImageFailure {
  ImageId image_id;
  std::string failure_code;  // ImageNotFound, InvalidImageDigest, ...
  std::string failure_reason;
};
struct BatchDeleteImageResult {
  std::vector<ImageId> image_ids;  // what was deleted (one entry per tag removed)
  std::vector<ImageFailure> failures;
};

// A lifecycle policy is ECR's JSON rule document ({"rules":[{"rulePriority":1,...}]}), passed
// through as text; ECR validates it.
struct PutLifecyclePolicyRequest {
  std::string repository_name;
  std::string lifecycle_policy_text;
  std::string registry_id;
};
struct LifecyclePolicy {
  std::string registry_id;
  std::string repository_name;
  std::string lifecycle_policy_text;
  std::optional<std::int64_t> last_evaluated_at = std::nullopt;  // Unix milliseconds
};
using PutLifecyclePolicyResult = LifecyclePolicy;
struct GetLifecyclePolicyRequest {
  std::string repository_name;
  std::string registry_id;
};
using GetLifecyclePolicyResult = LifecyclePolicy;  // kNotFound when the repository has none
using DeleteLifecyclePolicyRequest = GetLifecyclePolicyRequest;
using DeleteLifecyclePolicyResult = LifecyclePolicy;  // the policy that was deleted

struct PutImageScanningConfigurationRequest {
  std::string repository_name;
  bool scan_on_push = false;
  std::string registry_id;
};
struct PutImageScanningConfigurationResult {
  std::string registry_id;
  std::string repository_name;
  bool scan_on_push = false;
};

struct GetAuthorizationTokenRequest {};
struct AuthorizationData {
  // base64("AWS:password"): a secret; never log or print it.
  std::string authorization_token;
  std::optional<std::int64_t> expires_at;
  std::string proxy_endpoint;  // "https://123456789012.dkr.ecr.us-east-1.amazonaws.com"
};
struct GetAuthorizationTokenResult {
  std::vector<AuthorizationData> authorization_data;
};

class EcrClient {
 public:
  explicit EcrClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  static Result<EcrClient> Create(AwsContext& context);

  Result<CreateRepositoryResult> CreateRepository(const CreateRepositoryRequest& request);
  Result<DescribeRepositoriesResult> DescribeRepositories(
      const DescribeRepositoriesRequest& request);
  Result<DeleteRepositoryResult> DeleteRepository(const DeleteRepositoryRequest& request);
  Result<DescribeImagesResult> DescribeImages(const DescribeImagesRequest& request);
  Result<PutImageResult> PutImage(const PutImageRequest& request);
  Result<BatchDeleteImageResult> BatchDeleteImage(const BatchDeleteImageRequest& request);
  Result<PutLifecyclePolicyResult> PutLifecyclePolicy(const PutLifecyclePolicyRequest& request);
  Result<GetLifecyclePolicyResult> GetLifecyclePolicy(const GetLifecyclePolicyRequest& request);
  Result<DeleteLifecyclePolicyResult> DeleteLifecyclePolicy(
      const DeleteLifecyclePolicyRequest& request);
  Result<PutImageScanningConfigurationResult> PutImageScanningConfiguration(
      const PutImageScanningConfigurationRequest& request);
  Result<GetAuthorizationTokenResult> GetAuthorizationToken(
      const GetAuthorizationTokenRequest& request = {});

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::ecr
