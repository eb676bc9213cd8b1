// File: batch/array.cpp
#include "awshpc/batch/array.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace awshpc::batch {
namespace {

// Sets `name` in `env`, replacing an earlier value: the part's values must win over anything
// the base request carried.
void SetEnv(std::vector<aws::batch::KeyValuePair>& env, const std::string& name,
            std::string value) {
  std::erase_if(env, [&](const aws::batch::KeyValuePair& pair) { return pair.name == name; });
  env.push_back({name, std::move(value)});
}

}  // namespace

Result<std::vector<ArrayPart>> SplitArray(std::int64_t size, std::int64_t max_part) {
  if (max_part < 1 || max_part > kMaxBatchArraySize) {
    return InvalidArgumentError(
        fmt::format("array part size {} is outside 1..{} (Batch's largest array)", max_part,
                    kMaxBatchArraySize));
  }
  if (size < 1) return InvalidArgumentError(fmt::format("array size {} is not positive", size));
  // Part numbers are at most 5 digits (BatchJobName keeps room for "-p99999").
  if ((size + max_part - 1) / max_part > 100'000) {
    return InvalidArgumentError(
        fmt::format("array of {} tasks would need more than 100000 parts of {}", size, max_part));
  }
  std::vector<ArrayPart> parts;
  parts.reserve(static_cast<std::size_t>((size + max_part - 1) / max_part));
  for (std::int64_t offset = 0; offset < size; offset += max_part) {
    parts.push_back({static_cast<int>(parts.size()), offset, std::min(max_part, size - offset)});
  }
  return parts;
}

Result<aws::batch::SubmitJobRequest> PartRequest(const aws::batch::SubmitJobRequest& base,
                                                 const ArrayPart& part, std::int64_t total_size) {
  aws::batch::SubmitJobRequest request = base;
  request.job_name = fmt::format("{}-p{}", base.job_name, part.index);
  if (!IsValidBatchJobName(request.job_name)) {
    return InvalidArgumentError(fmt::format(
        "array part name \"{}\" is not a Batch job name; make the base name with BatchJobName",
        request.job_name));
  }
  if (part.size < 1 || part.size > kMaxBatchArraySize || part.offset < 0 ||
      part.offset + part.size > total_size) {
    return InvalidArgumentError(
        fmt::format("array part {} (offset {}, size {}) does not fit an "
                    "array of {} tasks",
                    part.index, part.offset, part.size, total_size));
  }
  request.tags[kArrayPartTag] = std::to_string(part.index);
  if (part.size >= kMinBatchArraySize) {
    request.array_size = part.size;
  } else {
    request.array_size.reset();  // Batch arrays have 2..10,000 children: one task is a plain job
  }
  if (!request.container_overrides) request.container_overrides.emplace();
  auto& env = request.container_overrides->environment;
  SetEnv(env, kArrayOffsetEnv, std::to_string(part.offset));
  SetEnv(env, kArraySizeEnv, std::to_string(total_size));
  if (part.size == 1) {
    SetEnv(env, kArrayIndexEnv, std::to_string(part.offset));
  } else {
    std::erase_if(env,
                  [](const aws::batch::KeyValuePair& pair) { return pair.name == kArrayIndexEnv; });
  }
  return request;
}

Result<ArraySubmission> SubmitArray(ExactlyOnceSubmitter& submitter,
                                    const aws::batch::SubmitJobRequest& base, std::int64_t size,
                                    std::int64_t max_part, bool look_first) {
  ASSIGN_OR_RETURN(const std::vector<ArrayPart> parts, SplitArray(size, max_part));
  ArraySubmission submission;
  submission.parts.reserve(parts.size());
  for (const ArrayPart& part : parts) {
    ASSIGN_OR_RETURN(const aws::batch::SubmitJobRequest request, PartRequest(base, part, size));
    Result<SubmitOutcome> outcome = submitter.Submit(request, look_first);
    if (!outcome.ok()) {
      return Status(outcome.status().code(),
                    fmt::format("array part {} of {} (tasks {}..{}; {} parts submitted): {}",
                                part.index, parts.size(), part.offset, part.offset + part.size - 1,
                                submission.parts.size(), outcome.status().message()));
    }
    submission.parts.push_back({part, *std::move(outcome)});
  }
  return submission;
}

}  // namespace awshpc::batch
