// File: stage_verdict.cpp
// The in-container verdict of aws-hpc-stage: the same success rule and judgement as the local
// supervisor (verdict.hpp), turned into the container's exit status.
#include "awshpc/batch/stage_verdict.hpp"

#include <charconv>

#include "awshpc/backend/verdict.hpp"
#include "awshpc/core/text.hpp"

namespace awshpc::batch {

Result<CommandVerdict> JudgeCommand(const aws::Environment& env, const std::string& work_dir,
                                    std::string_view status_text) {
  int status = -1;
  const char* end = status_text.data() + status_text.size();
  const auto parsed = std::from_chars(status_text.data(), end, status);
  if (status_text.empty() || parsed.ec != std::errc() || parsed.ptr != end || status < 0 ||
      status > 255) {
    return InvalidArgumentError("STATUS " + QuoteForMessage(status_text) +
                                ": expected the command's exit status, 0 to 255");
  }
  CommandVerdict out;
  out.exit_status = status;
  const std::optional<std::string> rule = env.Get(verdict::kSuccessRuleVariable);
  if (!rule) return out;
  const auto judged =
      verdict::JudgeByEnvironment({{verdict::kSuccessRuleVariable, *rule}}, work_dir, status, {});
  out.message = judged->reason;
  out.exit_status = judged->succeeded ? 0 : (status != 0 ? status : 1);
  return out;
}

}  // namespace awshpc::batch
