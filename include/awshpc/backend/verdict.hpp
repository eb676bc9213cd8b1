// File: verdict.hpp
// Success judged the way the application needs, not by the exit code alone: a success rule
// (files the run must leave in its working directory) travels with the job in
// $AWS_HPC_SUCCESS_RULE, and the local supervisor and the in-container aws-hpc-stage both judge a
// finished run with it here (GCHP 14.7 can abort at shutdown after a good run). See
// docs/app-spec.md ("Success rules").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::verdict {

// The job environment variable that carries the encoded rule.
inline constexpr char kSuccessRuleVariable[] = "AWS_HPC_SUCCESS_RULE";

// One thing a finished run must have written: one of `paths` (relative to the run directory) is
// a non-empty regular file and, when `equals` is set, its text (trailing blanks and newlines
// dropped) is exactly that.
struct FileCheck {
  std::string what;                // "cap_restart", "checkpoint": named in the reason
  std::vector<std::string> paths;  // relative, no ".." component
  std::optional<std::string> equals;
  std::string failure;  // what a failed check means: "the run stopped early"

  friend bool operator==(const FileCheck&, const FileCheck&) = default;
};

struct SuccessRule {
  std::vector<FileCheck> checks;  // all must hold
  std::string summary;            // what success proves: "the run reached 20190708 and ..."

  friend bool operator==(const SuccessRule&, const SuccessRule&) = default;
};

// One line of JSON (an environment variable's value), and back. Decode names the field that is
// wrong; paths that are absolute or climb out with ".." are refused.
std::string EncodeSuccessRule(const SuccessRule& rule);
Result<SuccessRule> DecodeSuccessRule(std::string_view text);

// Ok when every check holds in `run_dir`; FailedPrecondition with the first failed check's
// reason ("cap_restart is "20190703 000000", not 20190708 000000: the run stopped early").
Status CheckSuccessRule(const SuccessRule& rule, const std::string& run_dir);

struct Verdict {
  bool succeeded = false;
  std::string reason;  // stored as the reason of the job's final state
};

// How the process ended (`exit_code`, or `term_signal` when a signal ended it) judged with the
// rule: the files decide. "exit code 134, but the run succeeded: ..." / "exit code 0, but ...".
Verdict JudgeRun(const SuccessRule& rule, const std::string& run_dir, std::optional<int> exit_code,
                 std::optional<int> term_signal);

// The verdict of a job whose environment carries a rule; nullopt when it has none. A rule that
// does not decode fails the job with the decoding error.
std::optional<Verdict> JudgeByEnvironment(const std::map<std::string, std::string>& environment,
                                          const std::string& run_dir, std::optional<int> exit_code,
                                          std::optional<int> term_signal);

}  // namespace awshpc::verdict
