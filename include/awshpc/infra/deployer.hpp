// File: deployer.hpp
// Stack operations over CloudFormation change sets: deploy (create or update, following stack
// events as they come), diff (what a deploy would change), status and destroy.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/services/cloudformation.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::infra {

namespace cloudformation = aws::cloudformation;

struct DeployOptions {
  std::chrono::milliseconds poll_interval{5000};
  std::chrono::seconds timeout{3600};
  // Called for each new stack event, oldest first, while an operation runs.
  std::function<void(const cloudformation::StackEvent&)> on_event;
  // Called with the change set's changes before it is executed.
  std::function<void(const std::vector<cloudformation::ResourceChange>&)> on_changes;
};

struct DeployResult {
  std::string stack_name;
  std::string stack_id;
  std::string status;    // final stack status
  bool changed = false;  // false: the template and parameters changed nothing
  std::vector<cloudformation::ResourceChange> changes;
  std::map<std::string, std::string> outputs;
};

// Parameters of a template taken from `available` (e.g. the core stack's outputs) by name;
// FailedPrecondition naming the missing ones and `hint` ("deploy core first").
Result<std::vector<cloudformation::Parameter>> ResolveParameters(
    const std::string& template_body, const std::map<std::string, std::string>& available,
    const std::string& hint);

class Deployer {
 public:
  Deployer(cloudformation::CloudFormationClient& client, DeployOptions options)
      : client_(client), options_(std::move(options)) {}

  // The stack, or nullopt when it does not exist (or only a deleted one does).
  Result<std::optional<cloudformation::Stack>> Find(const std::string& stack_name);

  // Creates or updates through a change set and waits for the end. A failed stack is an error
  // whose message lists the failed resources and their reasons.
  Result<DeployResult> Deploy(const std::string& stack_name, const std::string& template_body,
                              const std::vector<cloudformation::Parameter>& parameters,
                              const std::map<std::string, std::string>& tags);

  // What Deploy would change, from a change set that is deleted afterwards. For a stack that
  // does not exist yet, every resource of the template is an Add (nothing is created).
  Result<std::vector<cloudformation::ResourceChange>> Diff(
      const std::string& stack_name, const std::string& template_body,
      const std::vector<cloudformation::Parameter>& parameters);

  // Deletes the stack and waits until it is gone. Returns false when there was no stack.
  Result<bool> Destroy(const std::string& stack_name);

 private:
  Result<std::string> CreateChangeSet(const std::string& stack_name, const std::string& type,
                                      const std::string& template_body,
                                      const std::vector<cloudformation::Parameter>& parameters,
                                      const std::map<std::string, std::string>& tags,
                                      cloudformation::DescribeChangeSetResult& described);
  Result<std::vector<std::string>> SeenEventIds(const std::string& stack_id);
  // Polls until the stack leaves *_IN_PROGRESS; reports new events. `gone_ok`: a stack that
  // disappears (delete) ends the wait.
  Result<cloudformation::Stack> Wait(const std::string& stack_id,
                                     std::vector<std::string> seen_events, bool deleting);
  Status FailureStatus(const std::string& stack_name, const cloudformation::Stack& stack,
                       const std::vector<cloudformation::StackEvent>& failures);

  cloudformation::CloudFormationClient& client_;
  DeployOptions options_;
};

// Terminal statuses that mean success: CREATE_COMPLETE, UPDATE_COMPLETE, IMPORT_COMPLETE.
bool IsSuccessStatus(std::string_view status);

}  // namespace awshpc::infra
