// File: services/s3.cpp
// S3 over rest-xml with path-style URLs (/bucket/key). Object bodies go through
// FileBodySource/FileBodySink; a streamed upload is signed with the file's SHA-256 (read once
// before sending) unless the client signs UNSIGNED-PAYLOAD (TLS endpoints).
#include "awshpc/aws/services/s3.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "awshpc/aws/body_streams.hpp"
#include "awshpc/aws/protocols/pagination.hpp"
#include "awshpc/aws/protocols/query.hpp"
#include "awshpc/aws/protocols/rest_xml.hpp"
#include "awshpc/aws/sigv4.hpp"
#include "awshpc/core/clock.hpp"

namespace awshpc::aws::s3 {
namespace {

using protocols::MakeRestXmlRequest;
using protocols::S3Path;
using protocols::XmlText;

std::string Header(const HttpResponse& response, std::string_view name) {
  return FindHeader(response.headers, name).value_or("");
}

std::uint64_t ContentLength(const HttpResponse& response) {
  return std::strtoull(Header(response, "Content-Length").c_str(), nullptr, 10);
}

std::map<std::string, std::string> Metadata(const HttpResponse& response) {
  std::map<std::string, std::string> metadata;
  for (const auto& header : response.headers) {
    if (header.name.size() > 11 && EqualsIgnoreCase(header.name.substr(0, 11), "x-amz-meta-")) {
      std::string key = header.name.substr(11);
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      metadata[key] = header.value;
    }
  }
  return metadata;
}

Status CheckBucketAndKey(std::string_view bucket, std::string_view key, bool need_key) {
  if (bucket.empty()) return InvalidArgumentError("s3: a bucket name is required");
  if (need_key && key.empty()) return InvalidArgumentError("s3: an object key is required");
  return Status::Ok();
}

}  // namespace

Result<S3Client> S3Client::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   context.MakeClient(kService, Protocol::kRestXml, /*s3=*/true));
  return S3Client(std::move(client), &context.credentials());
}

Result<CreateBucketResult> S3Client::CreateBucket(const CreateBucketRequest& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, "", false));
  std::string body;
  if (!request.location_constraint.empty() && request.location_constraint != "us-east-1") {
    body = fmt::format(
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
        protocols::XmlEscape(request.location_constraint));
  }
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client_->Send("CreateBucket", [&]() -> Result<HttpRequest> {
                     return MakeRestXmlRequest("PUT", S3Path(request.bucket), {}, body);
                   }));
  return CreateBucketResult{Header(response, "Location")};
}

Result<ListBucketsResult> S3Client::ListBuckets(const ListBucketsRequest& request) {
  std::vector<std::pair<std::string, std::string>> query;
  if (!request.continuation_token.empty()) {
    query.emplace_back("continuation-token", request.continuation_token);
  }
  if (request.max_buckets) query.emplace_back("max-buckets", std::to_string(*request.max_buckets));
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client_->Send("ListBuckets", [&]() -> Result<HttpRequest> {
                     return MakeRestXmlRequest("GET", "/", query);
                   }));
  ASSIGN_OR_RETURN(const protocols::XmlDocument doc,
                   protocols::XmlDocument::Parse(response.body, "s3 ListBuckets"));
  ListBucketsResult result;
  for (pugi::xml_node bucket : protocols::XmlList(doc.root(), "Buckets", "Bucket")) {
    result.buckets.push_back(
        {XmlText(bucket, "Name"), protocols::XmlTimestamp(bucket, "CreationDate")});
  }
  result.owner_id = XmlText(doc.root(), "Owner/ID");
  result.continuation_token = XmlText(doc.root(), "ContinuationToken");
  return result;
}

Result<HeadBucketResult> S3Client::HeadBucket(const HeadBucketRequest& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, "", false));
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client_->Send("HeadBucket", [&]() -> Result<HttpRequest> {
                     return MakeRestXmlRequest("HEAD", S3Path(request.bucket));
                   }));
  return HeadBucketResult{Header(response, "x-amz-bucket-region")};
}

Result<PutObjectResult> S3Client::PutObject(const PutObjectRequest& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, request.key, true));
  // Hash the file once, before the first attempt: retries re-read the file, not the hash.
  std::string file_hash;
  if (!request.file_path.empty() && !client_->config().unsigned_payload) {
    ASSIGN_OR_RETURN_CTX(file_hash, Sha256HexOfFile(request.file_path),
                         fmt::format("s3 PutObject {}", request.file_path));
  }
  ASSIGN_OR_RETURN(
      const HttpResponse response, client_->Send("PutObject", [&]() -> Result<HttpRequest> {
        HttpRequest http =
            MakeRestXmlRequest("PUT", S3Path(request.bucket, request.key), {}, request.body);
        RemoveHeader(http.headers, "Content-Type");
        if (!request.content_type.empty()) {
          SetHeader(http.headers, "Content-Type", request.content_type);
        }
        for (const auto& [key, value] : request.metadata) {
          SetHeader(http.headers, "x-amz-meta-" + key, value);
        }
        if (!request.file_path.empty()) {
          ASSIGN_OR_RETURN(FileBody file, FileBodySource(request.file_path));
          http.body_source = std::move(file.source);
          http.content_length = file.length;
          if (!file_hash.empty()) SetHeader(http.headers, "X-Amz-Content-SHA256", file_hash);
        }
        return http;
      }));
  return PutObjectResult{Header(response, "ETag"), Header(response, "x-amz-version-id")};
}

Result<GetObjectResult> S3Client::GetObject(const GetObjectRequest& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, request.key, true));
  ASSIGN_OR_RETURN(HttpResponse response, client_->Send("GetObject", [&]() -> Result<HttpRequest> {
    HttpRequest http = MakeRestXmlRequest("GET", S3Path(request.bucket, request.key));
    if (!request.range.empty()) SetHeader(http.headers, "Range", request.range);
    if (!request.file_path.empty()) {
      // A new sink per attempt: a retried download starts the file over.
      ASSIGN_OR_RETURN(http.response_sink, FileBodySink(request.file_path));
    }
    return http;
  }));
  GetObjectResult result;
  result.content_length = ContentLength(response);
  result.etag = Header(response, "ETag");
  result.content_type = Header(response, "Content-Type");
  result.metadata = Metadata(response);
  if (request.file_path.empty()) result.body = std::move(response.body);
  return result;
}

Result<HeadObjectResult> S3Client::HeadObject(const HeadObjectRequest& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, request.key, true));
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client_->Send("HeadObject", [&]() -> Result<HttpRequest> {
                     return MakeRestXmlRequest("HEAD", S3Path(request.bucket, request.key));
                   }));
  HeadObjectResult result;
  result.content_length = ContentLength(response);
  result.etag = Header(response, "ETag");
  result.content_type = Header(response, "Content-Type");
  if (auto modified = ParseHttpDate(Header(response, "Last-Modified")); modified.ok()) {
    result.last_modified = *modified;
  }
  result.metadata = Metadata(response);
  return result;
}

Result<DeleteObjectResult> S3Client::DeleteObject(const DeleteObjectRequest& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, request.key, true));
  RETURN_IF_ERROR(client_
                      ->Send("DeleteObject",
                             [&]() -> Result<HttpRequest> {
                               return MakeRestXmlRequest("DELETE",
                                                         S3Path(request.bucket, request.key));
                             })
                      .status());
  return DeleteObjectResult{};
}

Result<ListObjectsV2Result> S3Client::ListObjectsV2(const ListObjectsV2Request& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, "", false));
  std::vector<std::pair<std::string, std::string>> query = {{"list-type", "2"}};
  if (!request.continuation_token.empty()) {
    query.emplace_back("continuation-token", request.continuation_token);
  }
  if (!request.delimiter.empty()) query.emplace_back("delimiter", request.delimiter);
  if (request.max_keys) query.emplace_back("max-keys", std::to_string(*request.max_keys));
  if (!request.prefix.empty()) query.emplace_back("prefix", request.prefix);
  if (!request.start_after.empty()) query.emplace_back("start-after", request.start_after);
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client_->Send("ListObjectsV2", [&]() -> Result<HttpRequest> {
                     return MakeRestXmlRequest("GET", S3Path(request.bucket), query);
                   }));
  ASSIGN_OR_RETURN(const protocols::XmlDocument doc,
                   protocols::XmlDocument::Parse(response.body, "s3 ListObjectsV2"));
  const pugi::xml_node root = doc.root();
  ListObjectsV2Result result;
  for (pugi::xml_node item : root.children("Contents")) {
    S3Object object;
    object.key = XmlText(item, "Key");
    object.size = static_cast<std::uint64_t>(protocols::XmlInt(item, "Size").value_or(0));
    object.etag = XmlText(item, "ETag");
    object.last_modified = protocols::XmlTimestamp(item, "LastModified");
    object.storage_class = XmlText(item, "StorageClass");
    result.contents.push_back(std::move(object));
  }
  for (pugi::xml_node item : root.children("CommonPrefixes")) {
    result.common_prefixes.push_back(XmlText(item, "Prefix"));
  }
  result.is_truncated = protocols::XmlBool(root, "IsTruncated").value_or(false);
  result.next_continuation_token = XmlText(root, "NextContinuationToken");
  return result;
}

Result<std::vector<S3Object>> S3Client::ListAllObjectsV2(ListObjectsV2Request request,
                                                         int max_pages) {
  std::vector<S3Object> all;
  const std::string start = request.continuation_token;
  ASSIGN_OR_RETURN(const protocols::PaginationSummary summary,
                   protocols::Paginate<ListObjectsV2Result>(
                       [&](const std::string& token) {
                         request.continuation_token = token;
                         return ListObjectsV2(request);
                       },
                       [](const ListObjectsV2Result& page) {
                         return page.is_truncated ? page.next_continuation_token : std::string();
                       },
                       [&](ListObjectsV2Result& page) {
                         std::move(page.contents.begin(), page.contents.end(),
                                   std::back_inserter(all));
                         return Status::Ok();
                       },
                       protocols::PaginationOptions{max_pages}, start));
  if (summary.truncated) {
    return ResourceExhaustedError(fmt::format("s3 ListObjectsV2: more than {} pages", max_pages));
  }
  return all;
}

Result<UploadFileResult> S3Client::UploadFile(const UploadFileRequest& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, request.key, true));
  if (request.part_size < (5ull << 20)) {
    return InvalidArgumentError("s3 UploadFile: parts must be at least 5 MiB");
  }
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(request.file_path, error);
  if (error) {
    return NotFoundError(fmt::format("s3 UploadFile: {}: {}", request.file_path, error.message()));
  }
  if (size <= request.part_size) {
    ASSIGN_OR_RETURN(
        const PutObjectResult put,
        PutObject({request.bucket, request.key, request.file_path, "", request.content_type, {}}));
    return UploadFileResult{put.etag, 1};
  }
  const std::string path = S3Path(request.bucket, request.key);

  ASSIGN_OR_RETURN(const HttpResponse created,
                   client_->Send("CreateMultipartUpload", [&]() -> Result<HttpRequest> {
                     HttpRequest http = MakeRestXmlRequest("POST", path, {{"uploads", ""}});
                     if (!request.content_type.empty()) {
                       SetHeader(http.headers, "Content-Type", request.content_type);
                     }
                     return http;
                   }));
  ASSIGN_OR_RETURN(const protocols::XmlDocument created_doc,
                   protocols::XmlDocument::Parse(created.body, "s3 CreateMultipartUpload"));
  const std::string upload_id = XmlText(created_doc.root(), "UploadId");
  if (upload_id.empty()) return InternalError("s3 CreateMultipartUpload: no UploadId");

  const int parts = static_cast<int>((size + request.part_size - 1) / request.part_size);
  std::vector<std::string> etags(static_cast<std::size_t>(parts));
  std::atomic<int> next_part{1};
  std::mutex mutex;
  Status first_error;
  auto worker = [&] {
    while (true) {
      {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!first_error.ok()) return;
      }
      const int part = next_part.fetch_add(1);
      if (part > parts) return;
      const std::uint64_t offset = static_cast<std::uint64_t>(part - 1) * request.part_size;
      const std::uint64_t length = std::min(request.part_size, size - offset);
      Status status = [&]() -> Status {
        std::string hash;
        if (!client_->config().unsigned_payload) {
          ASSIGN_OR_RETURN(hash, Sha256HexOfFile(request.file_path, offset, length));
        }
        ASSIGN_OR_RETURN(
            const HttpResponse uploaded, client_->Send("UploadPart", [&]() -> Result<HttpRequest> {
              HttpRequest http = MakeRestXmlRequest(
                  "PUT", path, {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}});
              ASSIGN_OR_RETURN(FileBody body, FileBodySource(request.file_path, offset, length));
              http.body_source = std::move(body.source);
              http.content_length = body.length;
              if (!hash.empty()) SetHeader(http.headers, "X-Amz-Content-SHA256", hash);
              return http;
            }));
        etags[static_cast<std::size_t>(part - 1)] = Header(uploaded, "ETag");
        return Status::Ok();
      }();
      if (!status.ok()) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (first_error.ok()) first_error = status.WithContext(fmt::format("part {}", part));
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, std::min(request.parallelism, parts)); ++i) {
    threads.emplace_back(worker);
  }
  for (auto& thread : threads) thread.join();

  auto abort = [&]() {
    // Best effort: parts of an abandoned upload are billed until aborted.
    client_
        ->Send("AbortMultipartUpload",
               [&]() -> Result<HttpRequest> {
                 return MakeRestXmlRequest("DELETE", path, {{"uploadId", upload_id}});
               })
        .status()
        .IgnoreError();
  };
  if (!first_error.ok()) {
    abort();
    return first_error.WithContext("s3 UploadFile " + request.key);
  }
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (int part = 1; part <= parts; ++part) {
    xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", part,
                       protocols::XmlEscape(etags[static_cast<std::size_t>(part - 1)]));
  }
  xml += "</CompleteMultipartUpload>";
  Result<HttpResponse> completed =
      client_->Send("CompleteMultipartUpload", [&]() -> Result<HttpRequest> {
        return MakeRestXmlRequest("POST", path, {{"uploadId", upload_id}}, xml);
      });
  if (!completed.ok()) {
    abort();
    return completed.status();
  }
  // CompleteMultipartUpload can fail with HTTP 200 and an <Error> body.
  ASSIGN_OR_RETURN(const protocols::XmlDocument done,
                   protocols::XmlDocument::Parse(completed->body, "s3 CompleteMultipartUpload"));
  if (std::string_view(done.root().name()) == "Error") {
    abort();
    return InternalError(fmt::format("s3 CompleteMultipartUpload: {} {}",
                                     XmlText(done.root(), "Code"),
                                     XmlText(done.root(), "Message")));
  }
  return UploadFileResult{XmlText(done.root(), "ETag"), parts};
}

Result<PresignGetObjectResult> S3Client::PresignGetObject(const PresignGetObjectRequest& request) {
  RETURN_IF_ERROR(CheckBucketAndKey(request.bucket, request.key, true));
  if (credentials_ == nullptr) return FailedPreconditionError("s3: no credentials to presign with");
  ASSIGN_OR_RETURN(const Credentials credentials, credentials_->GetCredentials());
  HttpRequest http = MakeRestXmlRequest("GET", S3Path(request.bucket, request.key));
  http.url = client_->config().endpoint.url + http.url;
  ASSIGN_OR_RETURN(const SignatureParts parts,
                   client_->signer().Presign(http, credentials, request.expires));
  return PresignGetObjectResult{parts.url};
}

}  // namespace awshpc::aws::s3
