// File: staging.hpp
// Data staging for Batch jobs through S3. At submission, local inputs are uploaded under the
// job's prefix in the platform bucket (s3://BUCKET/aws-hpc/jobs/<id>/inputs/) and s3:// inputs
// are passed as they are; the container's `aws-hpc-stage in` downloads them into the working
// directory before the command runs, and `aws-hpc-stage out` uploads the declared outputs to
// s3://BUCKET/aws-hpc/jobs/<id>/outputs/ after it. `job outputs` lists and downloads them.
// The stager learns what to do from three environment variables (set by the backend):
//   AWS_HPC_INPUTS      JSON [{"source": "s3://b/k", "destination": "rel/path"}, ...]; a source
//                       ending in "/" is a prefix: every object under it, tree kept
//   AWS_HPC_OUTPUTS     JSON ["rel/path", ...]: files or directories
//   AWS_HPC_OUTPUT_URI  "s3://b/aws-hpc/jobs/<id>/outputs/"
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/aws/environment.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/sched/job.hpp"

namespace awshpc::batch {

inline constexpr const char* kInputsEnv = "AWS_HPC_INPUTS";
inline constexpr const char* kOutputsEnv = "AWS_HPC_OUTPUTS";
inline constexpr const char* kOutputUriEnv = "AWS_HPC_OUTPUT_URI";

struct S3Location {
  std::string bucket;
  std::string key;  // may be empty (the bucket) or end in "/" (a prefix)
};

// "s3://bucket/key" -> {bucket, key}. InvalidArgument naming the URI otherwise.
Result<S3Location> ParseS3Uri(std::string_view uri);

// "aws-hpc/jobs/j-4x7kq2mz/" : where everything of a job lives in the platform bucket.
std::string JobPrefix(std::string_view job_id);

// A relative path that stays inside the working directory: not empty, not absolute, no "..",
// no empty or "." segments. InvalidArgument naming `what` otherwise.
Status CheckRelativePath(std::string_view path, std::string_view what);

struct StagedInput {
  std::string source;  // s3:// URI
  std::string destination;
};

// Uploads the job's local inputs to s3://bucket/<JobPrefix>/inputs/<destination> (large files in
// parallel multipart) and returns every input as an s3:// source. `bucket` may be empty when
// every input is already on S3; otherwise FailedPrecondition says how to configure one.
Result<std::vector<StagedInput>> UploadInputs(aws::s3::S3Client& s3, std::string_view bucket,
                                              std::string_view job_id,
                                              const std::vector<sched::InputFile>& inputs);

// The environment the stager reads (see the top of this file). No output URI without a bucket.
std::map<std::string, std::string> StagingEnvironment(const std::vector<StagedInput>& inputs,
                                                      const std::vector<std::string>& outputs,
                                                      std::string_view bucket,
                                                      std::string_view job_id);

// What the stager did.
struct StageReport {
  int files = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> missing;  // outputs the job did not produce
};

// Inside the container: downloads every input of `env` into `work_dir`.
Result<StageReport> StageIn(aws::s3::S3Client& s3, const aws::Environment& env,
                            const std::string& work_dir);
// Inside the container: uploads every output of `env` that exists under `work_dir`; the missing
// ones are listed in the report (the job's exit status decides success, not the stager).
Result<StageReport> StageOut(aws::s3::S3Client& s3, const aws::Environment& env,
                             const std::string& work_dir);

// The job's outputs in the bucket, keys relative to its outputs prefix, and their sizes.
Result<std::vector<aws::s3::S3Object>> ListOutputs(aws::s3::S3Client& s3, std::string_view bucket,
                                                   std::string_view job_id);
// Downloads every output into `dir` (created), keeping the tree.
Result<StageReport> DownloadOutputs(aws::s3::S3Client& s3, std::string_view bucket,
                                    std::string_view job_id, const std::string& dir);

}  // namespace awshpc::batch
