// File: staging.cpp
#include "awshpc/batch/staging.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"

namespace awshpc::batch {
namespace {

namespace fs = std::filesystem;
namespace s3 = aws::s3;
using Json = nlohmann::json;

// Files above this go up in parallel multipart parts; smaller ones in one streamed PUT.
constexpr std::uint64_t kMultipartThreshold = 64ull << 20;

std::string ParentOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

Status Upload(s3::S3Client& client, const std::string& bucket, const std::string& key,
              const std::string& file, std::uint64_t size) {
  if (size > kMultipartThreshold) {
    s3::UploadFileRequest request;
    request.bucket = bucket;
    request.key = key;
    request.file_path = file;
    return client.UploadFile(request).status();
  }
  s3::PutObjectRequest request;
  request.bucket = bucket;
  request.key = key;
  request.file_path = file;
  return client.PutObject(request).status();
}

// Uploads a file or a directory tree to bucket/key_prefix + relative path.
Status UploadTree(s3::S3Client& client, const std::string& bucket, const std::string& key,
                  const fs::path& local, StageReport& report) {
  std::error_code error;
  if (fs::is_directory(local, error)) {
    for (const auto& entry : fs::recursive_directory_iterator(local, error)) {
      if (!entry.is_regular_file()) continue;
      const std::string relative = fs::relative(entry.path(), local).generic_string();
      const std::uint64_t size = entry.file_size();
      RETURN_IF_ERROR_CTX(Upload(client, bucket, key + "/" + relative, entry.path(), size),
                          entry.path().string());
      ++report.files;
      report.bytes += size;
    }
    if (error) return InternalError(fmt::format("reading {}: {}", local.string(), error.message()));
    return Status::Ok();
  }
  const std::uint64_t size = fs::file_size(local, error);
  if (error) return InvalidArgumentError(fmt::format("{}: {}", local.string(), error.message()));
  RETURN_IF_ERROR_CTX(Upload(client, bucket, key, local, size), local.string());
  ++report.files;
  report.bytes += size;
  return Status::Ok();
}

Status Download(s3::S3Client& client, const std::string& bucket, const std::string& key,
                const std::string& file, StageReport& report) {
  if (const std::string parent = ParentOf(file); !parent.empty()) {
    RETURN_IF_ERROR(MakeDirs(parent));
  }
  s3::GetObjectRequest request;
  request.bucket = bucket;
  request.key = key;
  request.file_path = file;
  ASSIGN_OR_RETURN_CTX(s3::GetObjectResult result, client.GetObject(request),
                       fmt::format("s3://{}/{}", bucket, key));
  ++report.files;
  report.bytes += result.content_length;
  return Status::Ok();
}

// Downloads every object under bucket/prefix into dir, refusing keys that would leave it.
Status DownloadPrefix(s3::S3Client& client, const std::string& bucket, const std::string& prefix,
                      const std::string& dir, StageReport& report) {
  s3::ListObjectsV2Request list;
  list.bucket = bucket;
  list.prefix = prefix;
  ASSIGN_OR_RETURN(std::vector<s3::S3Object> objects, client.ListAllObjectsV2(list));
  for (const s3::S3Object& object : objects) {
    const std::string relative = object.key.substr(prefix.size());
    if (relative.empty() || relative.back() == '/') continue;  // "folder" markers
    RETURN_IF_ERROR(CheckRelativePath(relative, fmt::format("s3://{}/{}", bucket, object.key)));
    RETURN_IF_ERROR(Download(client, bucket, object.key, dir + "/" + relative, report));
  }
  return Status::Ok();
}

Result<Json> ReadJsonEnv(const aws::Environment& env, const char* name) {
  const std::optional<std::string> text = env.Get(name);
  if (!text || text->empty()) return Json::array();
  Json parsed = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    return InvalidArgumentError(fmt::format("{}: expected a JSON array", name));
  }
  return parsed;
}

}  // namespace

Result<S3Location> ParseS3Uri(std::string_view uri) {
  constexpr std::string_view kScheme = "s3://";
  if (!uri.starts_with(kScheme) || uri.size() == kScheme.size()) {
    return InvalidArgumentError(fmt::format("{}: expected s3://BUCKET/KEY", QuoteForMessage(uri)));
  }
  const std::string_view rest = uri.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  S3Location location;
  location.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) location.key = std::string(rest.substr(slash + 1));
  if (location.bucket.empty()) {
    return InvalidArgumentError(fmt::format("{}: no bucket name", QuoteForMessage(uri)));
  }
  return location;
}

std::string JobPrefix(std::string_view job_id) { return fmt::format("aws-hpc/jobs/{}/", job_id); }

Status CheckRelativePath(std::string_view path, std::string_view what) {
  if (path.empty() || path.front() == '/') {
    return InvalidArgumentError(
        fmt::format("{}: {} must be a relative path", what, QuoteForMessage(path)));
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == ".." || segment == "." || (segment.empty() && end != path.size())) {
      return InvalidArgumentError(fmt::format("{}: {} must stay inside the working directory", what,
                                              QuoteForMessage(path)));
    }
    start = end + 1;
  }
  return Status::Ok();
}

Result<std::vector<StagedInput>> UploadInputs(s3::S3Client& client, std::string_view bucket,
                                              std::string_view job_id,
                                              const std::vector<sched::InputFile>& inputs) {
  std::vector<StagedInput> staged;
  StageReport report;
  for (const sched::InputFile& input : inputs) {
    RETURN_IF_ERROR(CheckRelativePath(input.destination, "input destination"));
    if (input.source.starts_with("s3://")) {
      RETURN_IF_ERROR(ParseS3Uri(input.source).status());
      staged.push_back({input.source, input.destination});
      continue;
    }
    if (bucket.empty()) {
      return FailedPreconditionError(fmt::format(
          "input {} is a local file, and a Batch job can only read it from S3: set the platform "
          "bucket (--bucket, AWS_HPC_BUCKET, or `aws-hpc infra deploy`), or give an s3:// URI",
          QuoteForMessage(input.source)));
    }
    const std::string key = JobPrefix(job_id) + "inputs/" + input.destination;
    RETURN_IF_ERROR(UploadTree(client, std::string(bucket), key, input.source, report));
    std::error_code error;
    const bool directory = fs::is_directory(input.source, error);
    staged.push_back(
        {fmt::format("s3://{}/{}{}", bucket, key, directory ? "/" : ""), input.destination});
  }
  return staged;
}

std::map<std::string, std::string> StagingEnvironment(const std::vector<StagedInput>& inputs,
                                                      const std::vector<std::string>& outputs,
                                                      std::string_view bucket,
                                                      std::string_view job_id) {
  std::map<std::string, std::string> env;
  if (!inputs.empty()) {
    Json list = Json::array();
    for (const StagedInput& input : inputs) {
      list.push_back({{"source", input.source}, {"destination", input.destination}});
    }
    env[kInputsEnv] = list.dump();
  }
  if (!outputs.empty() && !bucket.empty()) {
    env[kOutputsEnv] = Json(outputs).dump();
    env[kOutputUriEnv] = fmt::format("s3://{}/{}outputs/", bucket, JobPrefix(job_id));
  }
  return env;
}

Result<StageReport> StageIn(s3::S3Client& client, const aws::Environment& env,
                            const std::string& work_dir) {
  ASSIGN_OR_RETURN(Json inputs, ReadJsonEnv(env, kInputsEnv));
  StageReport report;
  for (const Json& input : inputs) {
    if (!input.is_object() || !input.contains("source") || !input["source"].is_string() ||
        !input.contains("destination") || !input["destination"].is_string()) {
      return InvalidArgumentError(
          fmt::format("{}: each entry needs string fields source and destination; got {}",
                      kInputsEnv, input.dump()));
    }
    const std::string source = input["source"];
    const std::string destination = input["destination"];
    RETURN_IF_ERROR(CheckRelativePath(destination, kInputsEnv));
    ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(source));
    if (location.key.empty() || location.key.back() == '/') {
      RETURN_IF_ERROR(DownloadPrefix(client, location.bucket, location.key,
                                     work_dir + "/" + destination, report));
    } else {
      RETURN_IF_ERROR(
          Download(client, location.bucket, location.key, work_dir + "/" + destination, report));
    }
  }
  return report;
}

Result<StageReport> StageOut(s3::S3Client& client, const aws::Environment& env,
                             const std::string& work_dir) {
  ASSIGN_OR_RETURN(Json outputs, ReadJsonEnv(env, kOutputsEnv));
  StageReport report;
  if (outputs.empty()) return report;
  const std::optional<std::string> uri = env.Get(kOutputUriEnv);
  if (!uri || uri->empty()) {
    return InvalidArgumentError(fmt::format("{} is set but {} is not", kOutputsEnv, kOutputUriEnv));
  }
  ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(*uri));
  std::string prefix = location.key;
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  for (const Json& output : outputs) {
    if (!output.is_string()) {
      return InvalidArgumentError(
          fmt::format("{}: expected strings; got {}", kOutputsEnv, output.dump()));
    }
    const std::string path = output;
    RETURN_IF_ERROR(CheckRelativePath(path, kOutputsEnv));
    const fs::path local = fs::path(work_dir) / path;
    std::error_code error;
    if (!fs::exists(local, error)) {
      report.missing.push_back(path);
      continue;
    }
    RETURN_IF_ERROR(UploadTree(client, location.bucket, prefix + path, local, report));
  }
  return report;
}

Result<std::vector<s3::S3Object>> ListOutputs(s3::S3Client& client, std::string_view bucket,
                                              std::string_view job_id) {
  if (bucket.empty()) {
    return FailedPreconditionError(
        "no platform bucket: set --bucket or AWS_HPC_BUCKET (or deploy with `aws-hpc infra "
        "deploy`)");
  }
  s3::ListObjectsV2Request list;
  list.bucket = std::string(bucket);
  list.prefix = JobPrefix(job_id) + "outputs/";
  ASSIGN_OR_RETURN(std::vector<s3::S3Object> objects, client.ListAllObjectsV2(list));
  for (s3::S3Object& object : objects) object.key = object.key.substr(list.prefix.size());
  return objects;
}

Result<StageReport> DownloadOutputs(s3::S3Client& client, std::string_view bucket,
                                    std::string_view job_id, const std::string& dir) {
  RETURN_IF_ERROR(ListOutputs(client, bucket, job_id).status());
  RETURN_IF_ERROR(MakeDirs(dir));
  StageReport report;
  RETURN_IF_ERROR(
      DownloadPrefix(client, std::string(bucket), JobPrefix(job_id) + "outputs/", dir, report));
  return report;
}

}  // namespace awshpc::batch
