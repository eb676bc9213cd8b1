// File: verdict.cpp
// Success rules: their one-line JSON form and the judgement of a finished run by its files.
#include "awshpc/backend/verdict.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"

namespace awshpc::verdict {
namespace {

// A rule's file must stay inside the run directory it judges.
Status CheckRulePath(const std::string& path, const std::string& field) {
  if (path.empty() || path.front() == '/') {
    return InvalidArgumentError(
        fmt::format("{}: {} is not a relative path", field, QuoteForMessage(path)));
  }
  if (!IsRelativePathInside(path)) {
    return InvalidArgumentError(
        fmt::format("{}: {} leaves the run directory", field, QuoteForMessage(path)));
  }
  return Status::Ok();
}

Result<std::string> RuleString(const nlohmann::json& object, const char* key,
                               const std::string& field) {
  if (!object.contains(key)) return std::string();
  if (!object[key].is_string()) {
    return InvalidArgumentError(fmt::format("{}.{}: expected a string", field, key));
  }
  return object[key].get<std::string>();
}

// The first of `paths` that is a non-empty regular file, or "".
std::string FirstNonEmptyFile(const std::string& run_dir, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    std::error_code ec;
    const std::string full = run_dir + "/" + path;
    if (std::filesystem::is_regular_file(full, ec) && std::filesystem::file_size(full, ec) > 0 &&
        !ec) {
      return full;
    }
  }
  return {};
}

std::string HowItEnded(std::optional<int> exit_code, std::optional<int> term_signal) {
  if (exit_code) return fmt::format("exit code {}", *exit_code);
  if (term_signal) return fmt::format("killed by signal {}", *term_signal);
  return "ended";
}

}  // namespace

std::string EncodeSuccessRule(const SuccessRule& rule) {
  nlohmann::json checks = nlohmann::json::array();
  for (const FileCheck& check : rule.checks) {
    nlohmann::json item = {{"what", check.what}, {"paths", check.paths}};
    if (check.equals) item["equals"] = *check.equals;
    if (!check.failure.empty()) item["failure"] = check.failure;
    checks.push_back(std::move(item));
  }
  return nlohmann::json{{"checks", checks}, {"summary", rule.summary}}.dump();
}

Result<SuccessRule> DecodeSuccessRule(std::string_view text) {
  const std::string where = kSuccessRuleVariable;
  const nlohmann::json root = nlohmann::json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgumentError(where + ": not a JSON object");
  }
  SuccessRule rule;
  ASSIGN_OR_RETURN(rule.summary, RuleString(root, "summary", where));
  if (!root.contains("checks") || !root["checks"].is_array() || root["checks"].empty()) {
    return InvalidArgumentError(where + ".checks: expected a non-empty array");
  }
  for (std::size_t i = 0; i < root["checks"].size(); ++i) {
    const nlohmann::json& item = root["checks"][i];
    const std::string field = fmt::format("{}.checks[{}]", where, i);
    if (!item.is_object()) return InvalidArgumentError(field + ": expected an object");
    FileCheck check;
    ASSIGN_OR_RETURN(check.what, RuleString(item, "what", field));
    ASSIGN_OR_RETURN(check.failure, RuleString(item, "failure", field));
    if (item.contains("equals")) {
      ASSIGN_OR_RETURN(check.equals, RuleString(item, "equals", field));
    }
    if (!item.contains("paths") || !item["paths"].is_array() || item["paths"].empty()) {
      return InvalidArgumentError(field + ".paths: expected a non-empty array of paths");
    }
    for (const nlohmann::json& path : item["paths"]) {
      if (!path.is_string()) return InvalidArgumentError(field + ".paths: expected strings");
      RETURN_IF_ERROR(CheckRulePath(path.get<std::string>(), field + ".paths"));
      check.paths.push_back(path.get<std::string>());
    }
    if (check.what.empty()) check.what = check.paths.front();
    rule.checks.push_back(std::move(check));
  }
  return rule;
}

Status CheckSuccessRule(const SuccessRule& rule, const std::string& run_dir) {
  for (const FileCheck& check : rule.checks) {
    const std::string suffix = check.failure.empty() ? "" : ": " + check.failure;
    const std::string found = FirstNonEmptyFile(run_dir, check.paths);
    if (found.empty()) {
      // One path named like the check ("cap_restart") is not repeated.
      const bool self_named = check.paths.size() == 1 && check.paths.front() == check.what;
      return FailedPreconditionError(
          fmt::format("no {} in {}{}{}", check.what, run_dir,
                      self_named ? "" : " (looked for " + Join(check.paths, " or ") + ")", suffix));
    }
    if (!check.equals) continue;
    ASSIGN_OR_RETURN(const std::string contents, ReadFileToString(found, 64 * 1024));
    const std::string_view text = TrimTrailingWhitespace(contents);
    if (text != *check.equals) {
      return FailedPreconditionError(fmt::format("{} is {}, not {}{}", check.what,
                                                 QuoteForMessage(text), *check.equals, suffix));
    }
  }
  return Status::Ok();
}

Verdict JudgeRun(const SuccessRule& rule, const std::string& run_dir, std::optional<int> exit_code,
                 std::optional<int> term_signal) {
  const std::string ended = HowItEnded(exit_code, term_signal);
  const bool clean_exit = exit_code && *exit_code == 0;
  const Status files = CheckSuccessRule(rule, run_dir);
  Verdict verdict;
  verdict.succeeded = files.ok();
  if (files.ok()) {
    const std::string proved =
        rule.summary.empty() ? "its files passed the success check" : rule.summary;
    verdict.reason = clean_exit
                         ? fmt::format("{}; {}", ended, proved)
                         : fmt::format("{}, but the run succeeded by its files: {}", ended, proved);
  } else {
    verdict.reason = clean_exit ? fmt::format("{}, but the run failed its success check: {}", ended,
                                              files.message())
                                : fmt::format("{}; success check: {}", ended, files.message());
  }
  return verdict;
}

std::optional<Verdict> JudgeByEnvironment(const std::map<std::string, std::string>& environment,
                                          const std::string& run_dir, std::optional<int> exit_code,
                                          std::optional<int> term_signal) {
  auto it = environment.find(kSuccessRuleVariable);
  if (it == environment.end() || it->second.empty()) return std::nullopt;
  Result<SuccessRule> rule = DecodeSuccessRule(it->second);
  if (!rule.ok()) {
    return Verdict{false, HowItEnded(exit_code, term_signal) + "; " + rule.status().message()};
  }
  return JudgeRun(*rule, run_dir, exit_code, term_signal);
}

}  // namespace awshpc::verdict
