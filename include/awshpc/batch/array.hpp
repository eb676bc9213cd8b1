// File: batch/array.hpp
// Arrays larger than one Batch array job (2..10,000 children) split into parts: each part is its
// own Batch job whose children learn their global index from AWS_HPC_ARRAY_OFFSET +
// AWS_BATCH_JOB_ARRAY_INDEX. A part of one task is a plain job (Batch refuses arrays of size 1);
// its task reads AWS_HPC_ARRAY_INDEX instead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "awshpc/aws/services/batch.hpp"
#include "awshpc/batch/submitter.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::batch {

// Batch's array limits (arrayProperties.size).
inline constexpr std::int64_t kMinBatchArraySize = 2;
inline constexpr std::int64_t kMaxBatchArraySize = 10'000;

// Environment variables a task of a split array reads.
inline constexpr const char* kArrayOffsetEnv = "AWS_HPC_ARRAY_OFFSET";  // first global index
inline constexpr const char* kArraySizeEnv = "AWS_HPC_ARRAY_SIZE";      // tasks in the whole array
inline constexpr const char* kArrayIndexEnv = "AWS_HPC_ARRAY_INDEX";    // set on single-task parts

struct ArrayPart {
  int index = 0;            // k in "<name>-p<k>"
  std::int64_t offset = 0;  // global index of the part's first task
  std::int64_t size = 0;    // tasks in the part, 1..max_part
};

// Splits `size` tasks into parts of at most `max_part` (1..10,000) tasks, in index order, all
// parts but the last full. kInvalidArgument for size < 1 or a bad max_part.
Result<std::vector<ArrayPart>> SplitArray(std::int64_t size,
                                          std::int64_t max_part = kMaxBatchArraySize);

// The SubmitJobRequest of one part, built from the whole array's `base` request (job_name =
// BatchJobName(app, id) of the whole array, tags with kJobIdTag): name "<name>-p<k>", the part tag,
// array_size = part.size (unset for a part of one task), and AWS_HPC_ARRAY_OFFSET /
// AWS_HPC_ARRAY_SIZE (and AWS_HPC_ARRAY_INDEX for a single task) added to the container
// overrides' environment.
Result<aws::batch::SubmitJobRequest> PartRequest(const aws::batch::SubmitJobRequest& base,
                                                 const ArrayPart& part, std::int64_t total_size);

struct SubmittedPart {
  ArrayPart part;
  SubmitOutcome outcome;
};
struct ArraySubmission {
  std::vector<SubmittedPart> parts;  // in part order
};

// Submits every part of a `size`-task array exactly once (ExactlyOnceSubmitter), in order. A
// failed part stops the submission with an error naming the part; the parts already submitted
// stay, and a second call with the same `base` and `look_first` (resuming) finds them instead of
// submitting them again.
Result<ArraySubmission> SubmitArray(ExactlyOnceSubmitter& submitter,
                                    const aws::batch::SubmitJobRequest& base, std::int64_t size,
                                    std::int64_t max_part = kMaxBatchArraySize,
                                    bool look_first = false);

}  // namespace awshpc::batch
