// File: services/s3.hpp
// Amazon S3 (rest-xml, path-style addressing): buckets, objects streamed from and to files
// (never held in memory), multipart upload with parallel parts, ListObjectsV2 pages, presigned
// GET URLs.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::s3 {

inline constexpr ServiceInfo kService{"S3", "s3", "s3"};

struct CreateBucketRequest {
  std::string bucket;
  std::string location_constraint;  // "" in us-east-1, else the region
};
struct CreateBucketResult {
  std::string location;
};
struct ListBucketsRequest {
  std::optional<std::int64_t> max_buckets;  // max-buckets (1..10000)
  std::string continuation_token;
};
struct Bucket {
  std::string name;
  std::optional<std::int64_t> creation_date;
};
struct ListBucketsResult {
  std::vector<Bucket> buckets;
  std::string owner_id;
  std::string continuation_token;
};

struct HeadBucketRequest {
  std::string bucket;
};
struct HeadBucketResult {
  std::string region;  // x-amz-bucket-region
};

struct PutObjectRequest {
  std::string bucket;
  std::string key;
  std::string file_path;  // streamed from this file when set ...
  std::string body;       // ... else this (small) body
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-*
};
struct PutObjectResult {
  std::string etag;
  std::string version_id;
};

struct GetObjectRequest {
  std::string bucket;
  std::string key;
  std::string file_path;  // streamed to this file (0600) when set, else into `body`
  std::string range;      // "bytes=0-99"
};
struct GetObjectResult {
  std::uint64_t content_length = 0;
  std::string etag;
  std::string content_type;
  std::string body;  // only without file_path
  std::map<std::string, std::string> metadata;
};

struct HeadObjectRequest {
  std::string bucket;
  std::string key;
};
struct HeadObjectResult {
  std::uint64_t content_length = 0;
  std::string etag;
  std::string content_type;
  std::optional<std::int64_t> last_modified;  // Unix milliseconds
  std::map<std::string, std::string> metadata;
};

struct DeleteObjectRequest {
  std::string bucket;
  std::string key;
};
struct DeleteObjectResult {};

struct ListObjectsV2Request {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::optional<std::int64_t> max_keys;
  std::string continuation_token;
  std::string start_after;
};
struct S3Object {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::optional<std::int64_t> last_modified;
  std::string storage_class;
};
struct ListObjectsV2Result {
  std::vector<S3Object> contents;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;
};

// Multipart upload of a file: CreateMultipartUpload, UploadPart for each `part_size` range (the
// last one shorter) on `parallelism` threads, each part streamed from the file, then
// CompleteMultipartUpload; any failure aborts the upload so no parts are left behind.
struct UploadFileRequest {
  std::string bucket;
  std::string key;
  std::string file_path;
  std::string content_type;
  std::uint64_t part_size = 8ull << 20;  // >= 5 MiB (S3's minimum for all but the last part)
  int parallelism = 4;
};
struct UploadFileResult {
  std::string etag;  // "...-N" for N parts
  int parts = 0;
};

struct PresignGetObjectRequest {
  std::string bucket;
  std::string key;
  std::chrono::seconds expires{3600};
};
struct PresignGetObjectResult {
  std::string url;
};

class S3Client {
 public:
  // `credentials` signs presigned URLs; it must outlive the client.
  S3Client(std::unique_ptr<AwsClient> client, CredentialsProvider* credentials)
      : client_(std::move(client)), credentials_(credentials) {}
  static Result<S3Client> Create(AwsContext& context);

  Result<CreateBucketResult> CreateBucket(const CreateBucketRequest& request);
  Result<ListBucketsResult> ListBuckets(const ListBucketsRequest& request = {});
  // kNotFound when the bucket does not exist, kPermissionDenied when it is not ours.
  Result<HeadBucketResult> HeadBucket(const HeadBucketRequest& request);
  Result<PutObjectResult> PutObject(const PutObjectRequest& request);
  Result<GetObjectResult> GetObject(const GetObjectRequest& request);
  Result<HeadObjectResult> HeadObject(const HeadObjectRequest& request);
  Result<DeleteObjectResult> DeleteObject(const DeleteObjectRequest& request);
  Result<ListObjectsV2Result> ListObjectsV2(const ListObjectsV2Request& request);
  // Every page, at most `max_pages` (kResourceExhausted beyond).
  Result<std::vector<S3Object>> ListAllObjectsV2(ListObjectsV2Request request,
                                                 int max_pages = 1000);
  // Multipart when the file is larger than one part, else a single PutObject.
  Result<UploadFileResult> UploadFile(const UploadFileRequest& request);
  Result<PresignGetObjectResult> PresignGetObject(const PresignGetObjectRequest& request);

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
  CredentialsProvider* credentials_;
};

}  // namespace awshpc::aws::s3
