// File: stage_verdict.hpp
// `aws-hpc-stage verdict STATUS [WORK_DIR]`: the image's entrypoint runs it after the job's
// command and before the outputs go up, so a Batch job ends the way a local one does when its app
// judges success by its files ($AWS_HPC_SUCCESS_RULE, awshpc/backend/verdict.hpp).
#pragma once

#include <string>
#include <string_view>

#include "awshpc/aws/environment.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::batch {

struct CommandVerdict {
  int exit_status = 0;  // what the container exits with
  std::string message;  // the verdict's reason; empty when the job has no success rule
};

// The command's exit status (`status_text`, as the shell reports it: 0..255) judged in
// `work_dir` by the rule in `env`: 0 when the files say the run succeeded, else the command's
// status, or 1 when that was 0. Without a rule the status stands. InvalidArgument names a status
// that is not a number from 0 to 255.
Result<CommandVerdict> JudgeCommand(const aws::Environment& env, const std::string& work_dir,
                                    std::string_view status_text);

}  // namespace awshpc::batch
