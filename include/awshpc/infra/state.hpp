// File: state.hpp
// The deploy state file beside the platform config (aws-hpc.yaml -> aws-hpc.state.json): each
// deployed stack's name, id, status and outputs, plus a summary the Batch backend reads (queues
// with their architecture family and purchase option, bucket, job role, log group). The format
// is documented in docs/deploy.md.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "awshpc/core/status.hpp"
#include "awshpc/infra/platform_config.hpp"
#include "awshpc/infra/stacks.hpp"

namespace awshpc::infra {

// "dir/aws-hpc.yaml" -> "dir/aws-hpc.state.json".
std::string StatePath(const std::string& config_path);

class PlatformState {
 public:
  // An empty state when the file does not exist; InvalidArgument when it is not valid JSON.
  static Result<PlatformState> Load(const std::string& path);
  // Writes atomically (temporary file + rename).
  Status Save() const;

  void RecordStack(const StackRef& stack, const std::string& stack_name,
                   const std::string& stack_id, const std::string& status,
                   const std::map<std::string, std::string>& outputs);
  void ForgetStack(const StackRef& stack);
  // The outputs of a recorded stack (empty when not deployed).
  std::map<std::string, std::string> Outputs(const StackRef& stack) const;
  // The registry prefix of the app's images, "<registry>/aws-hpc/<platform>": the deployed app
  // stack's repository URI without its last segment (the app), so that
  // "<prefix>/<app>:<version>-<variant>-<arch>" is what `app build --push ecr` pushed. "" when
  // the app stack is not recorded.
  std::string ImagePrefix(const std::string& app) const;
  // Rebuilds the summary (queues, bucket, ...) from the recorded outputs.
  void Summarise(const PlatformConfig& config);

  const nlohmann::ordered_json& json() const { return json_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  nlohmann::ordered_json json_ = nlohmann::ordered_json::object();
};

}  // namespace awshpc::infra
