// File: services/ecr.hpp
// Amazon ECR (json-1.1, target prefix AmazonEC2ContainerRegistry_V20150921): repositories,
// image listing, registering a pushed manifest (PutImage) and the registry login token.
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
  Result<GetAuthorizationTokenResult> GetAuthorizationToken(
      const GetAuthorizationTokenRequest& request = {});

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::ecr
