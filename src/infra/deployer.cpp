// File: deployer.cpp
// Deploy = change set (CREATE or UPDATE) -> describe until ready -> execute -> poll the stack and
// its events until the stack leaves *_IN_PROGRESS. Events are reported oldest first, each once.
#include "awshpc/infra/deployer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "awshpc/core/clock.hpp"

namespace awshpc::infra {
namespace {

using cloudformation::ResourceChange;
using cloudformation::Stack;
using cloudformation::StackEvent;

bool IsMissingStack(const Status& status) {
  return status.message().find("does not exist") != std::string::npos;
}

bool InProgress(std::string_view status) {
  return status.ends_with("_IN_PROGRESS") || status.ends_with("_PENDING");
}

// CloudFormation refuses an empty change set with one of these reasons.
bool IsNoChanges(std::string_view reason) {
  return reason.find("didn't contain changes") != std::string_view::npos ||
         reason.find("No updates are to be performed") != std::string_view::npos;
}

const std::vector<std::string> kCapabilities = {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"};

}  // namespace

bool IsSuccessStatus(std::string_view status) {
  return status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE" || status == "IMPORT_COMPLETE";
}

Result<std::vector<cloudformation::Parameter>> ResolveParameters(
    const std::string& template_body, const std::map<std::string, std::string>& available,
    const std::string& hint) {
  const nlohmann::json doc = nlohmann::json::parse(template_body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return InternalError("template is not JSON");
  std::vector<cloudformation::Parameter> out;
  std::vector<std::string> missing;
  if (doc.contains("Parameters")) {
    for (const auto& [key, value] : doc["Parameters"].items()) {
      auto it = available.find(key);
      if (it != available.end()) {
        out.push_back({key, it->second});
      } else if (!value.contains("Default")) {
        missing.push_back(key);
      }
    }
  }
  if (!missing.empty()) {
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    return FailedPreconditionError(fmt::format("missing parameters {}: {}", names, hint));
  }
  return out;
}

Result<std::optional<Stack>> Deployer::Find(const std::string& stack_name) {
  auto described = client_.DescribeStacks({stack_name, ""});
  if (!described.ok()) {
    if (IsMissingStack(described.status())) return std::optional<Stack>();
    return described.status();
  }
  for (Stack& stack : described->stacks) {
    if (stack.stack_status != "DELETE_COMPLETE") return std::optional<Stack>(std::move(stack));
  }
  return std::optional<Stack>();
}

Result<std::string> Deployer::CreateChangeSet(
    const std::string& stack_name, const std::string& type, const std::string& template_body,
    const std::vector<cloudformation::Parameter>& parameters,
    const std::map<std::string, std::string>& tags,
    cloudformation::DescribeChangeSetResult& described) {
  cloudformation::CreateChangeSetRequest request;
  request.stack_name = stack_name;
  request.change_set_name = fmt::format("aws-hpc-{}", SystemClock::Instance().NowMillis());
  request.change_set_type = type;
  request.template_body = template_body;
  request.parameters = parameters;
  request.capabilities = kCapabilities;
  request.tags = tags;
  request.description = "aws-hpc infra";
  auto create = client_.CreateChangeSet(request);
  if (!create.ok() && IsNoChanges(create.status().message())) {
    // Some implementations refuse an empty update at once instead of failing the change set.
    described = {};
    described.status = "FAILED";
    described.status_reason = create.status().message();
    return std::string();
  }
  ASSIGN_OR_RETURN(const cloudformation::CreateChangeSetResult created, std::move(create));
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (true) {
    described = {};
    std::string token;
    do {  // changes come in pages
      ASSIGN_OR_RETURN(cloudformation::DescribeChangeSetResult page,
                       client_.DescribeChangeSet({created.id, stack_name, token}));
      std::vector<ResourceChange> changes = std::move(described.changes);
      changes.insert(changes.end(), page.changes.begin(), page.changes.end());
      described = std::move(page);
      described.changes = std::move(changes);
      token = described.next_token;
    } while (!token.empty());
    if (!InProgress(described.status)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return DeadlineExceededError(fmt::format("change set for {} still {} after {} s", stack_name,
                                               described.status, options_.timeout.count()));
    }
    std::this_thread::sleep_for(options_.poll_interval);
  }
  if (described.stack_id.empty()) described.stack_id = created.stack_id;
  return created.id;
}

Result<std::vector<std::string>> Deployer::SeenEventIds(const std::string& stack_id) {
  std::vector<std::string> ids;
  std::string token;
  for (int page = 0; page < 20; ++page) {
    ASSIGN_OR_RETURN(const cloudformation::DescribeStackEventsResult events,
                     client_.DescribeStackEvents({stack_id, token}));
    for (const StackEvent& e : events.stack_events) ids.push_back(e.event_id);
    token = events.next_token;
    if (token.empty()) break;
  }
  return ids;
}

Result<Stack> Deployer::Wait(const std::string& stack_id, std::vector<std::string> seen_events,
                             bool deleting) {
  std::set<std::string> seen(seen_events.begin(), seen_events.end());
  std::vector<StackEvent> failures;
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (true) {
    // New events: newest first in each page; stop paging at the first one already seen.
    std::vector<StackEvent> fresh;
    std::string token;
    bool reached_seen = false;
    for (int page = 0; page < 20 && !reached_seen; ++page) {
      auto events = client_.DescribeStackEvents({stack_id, token});
      if (!events.ok()) {
        if (deleting && IsMissingStack(events.status())) break;
        return events.status();
      }
      for (StackEvent& e : events->stack_events) {
        if (seen.contains(e.event_id)) {
          reached_seen = true;
          break;
        }
        fresh.push_back(std::move(e));
      }
      token = events->next_token;
      if (token.empty()) break;
    }
    std::reverse(fresh.begin(), fresh.end());
    for (const StackEvent& e : fresh) {
      seen.insert(e.event_id);
      if (e.resource_status.ends_with("_FAILED") && !e.resource_status_reason.empty()) {
        failures.push_back(e);
      }
      if (options_.on_event) options_.on_event(e);
    }

    auto described = client_.DescribeStacks({stack_id, ""});
    if (!described.ok()) {
      if (deleting && IsMissingStack(described.status())) {
        Stack gone;
        gone.stack_id = stack_id;
        gone.stack_status = "DELETE_COMPLETE";
        return gone;
      }
      return described.status();
    }
    if (described->stacks.empty()) return InternalError("DescribeStacks returned no stack");
    Stack stack = described->stacks.front();
    if (!InProgress(stack.stack_status)) {
      const bool ok =
          deleting ? stack.stack_status == "DELETE_COMPLETE" : IsSuccessStatus(stack.stack_status);
      if (!ok) return FailureStatus(stack.stack_name, stack, failures);
      return stack;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return DeadlineExceededError(fmt::format("stack {} still {} after {} s", stack.stack_name,
                                               stack.stack_status, options_.timeout.count()));
    }
    std::this_thread::sleep_for(options_.poll_interval);
  }
}

Status Deployer::FailureStatus(const std::string& stack_name, const Stack& stack,
                               const std::vector<StackEvent>& failures) {
  std::string message = fmt::format("stack {} ended {}", stack_name, stack.stack_status);
  if (!stack.stack_status_reason.empty()) message += ": " + stack.stack_status_reason;
  for (const StackEvent& e : failures) {
    message += fmt::format("\n  {} ({}) {}: {}", e.logical_resource_id, e.resource_type,
                           e.resource_status, e.resource_status_reason);
  }
  return FailedPreconditionError(message);
}

Result<DeployResult> Deployer::Deploy(const std::string& stack_name,
                                      const std::string& template_body,
                                      const std::vector<cloudformation::Parameter>& parameters,
                                      const std::map<std::string, std::string>& tags) {
  ASSIGN_OR_RETURN(const std::optional<Stack> existing, Find(stack_name));
  std::string type = "CREATE";
  if (existing) {
    const std::string& status = existing->stack_status;
    if (status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED") {
      return FailedPreconditionError(fmt::format(
          "stack {} is {} after a failed create and cannot be updated: destroy it, then deploy "
          "again",
          stack_name, status));
    }
    if (InProgress(status) && status != "REVIEW_IN_PROGRESS") {
      return FailedPreconditionError(
          fmt::format("stack {} is busy ({}); wait for it to finish", stack_name, status));
    }
    // A stack only ever reviewed (an earlier change set never executed) is still created.
    if (status != "REVIEW_IN_PROGRESS") type = "UPDATE";
  }
  DeployResult result;
  result.stack_name = stack_name;
  cloudformation::DescribeChangeSetResult change_set;
  ASSIGN_OR_RETURN(const std::string change_set_id,
                   CreateChangeSet(stack_name, type, template_body, parameters, tags, change_set));
  result.stack_id = change_set.stack_id;
  if (change_set.status == "FAILED") {
    if (!change_set_id.empty()) {
      client_.DeleteChangeSet({change_set_id, stack_name}).status().IgnoreError();
    }
    if (!IsNoChanges(change_set.status_reason) || !existing) {
      return FailedPreconditionError(
          fmt::format("change set for {} failed: {}", stack_name, change_set.status_reason));
    }
    result.status = existing->stack_status;
    result.outputs = existing->outputs;
    result.stack_id = existing->stack_id;
    return result;
  }
  result.changed = true;
  result.changes = change_set.changes;
  if (options_.on_changes) options_.on_changes(result.changes);
  ASSIGN_OR_RETURN(std::vector<std::string> seen, SeenEventIds(result.stack_id));
  RETURN_IF_ERROR(client_.ExecuteChangeSet({change_set_id, stack_name}).status());
  ASSIGN_OR_RETURN(const Stack done, Wait(result.stack_id, std::move(seen), false));
  result.status = done.stack_status;
  result.outputs = done.outputs;
  return result;
}

Result<std::vector<ResourceChange>> Deployer::Diff(
    const std::string& stack_name, const std::string& template_body,
    const std::vector<cloudformation::Parameter>& parameters) {
  ASSIGN_OR_RETURN(const std::optional<Stack> existing, Find(stack_name));
  if (!existing || existing->stack_status == "REVIEW_IN_PROGRESS") {
    // Nothing deployed: every resource would be added. No change set, so nothing is created.
    const nlohmann::json doc = nlohmann::json::parse(template_body, nullptr, false);
    std::vector<ResourceChange> changes;
    if (doc.is_object() && doc.contains("Resources")) {
      for (const auto& [logical, resource] : doc["Resources"].items()) {
        ResourceChange change;
        change.action = "Add";
        change.logical_resource_id = logical;
        change.resource_type = resource.value("Type", "");
        changes.push_back(std::move(change));
      }
    }
    return changes;
  }
  cloudformation::DescribeChangeSetResult change_set;
  ASSIGN_OR_RETURN(
      const std::string change_set_id,
      CreateChangeSet(stack_name, "UPDATE", template_body, parameters, {}, change_set));
  if (!change_set_id.empty()) {
    RETURN_IF_ERROR(client_.DeleteChangeSet({change_set_id, stack_name}).status());
  }
  if (change_set.status == "FAILED") {
    if (IsNoChanges(change_set.status_reason)) return std::vector<ResourceChange>();
    return FailedPreconditionError(
        fmt::format("change set for {} failed: {}", stack_name, change_set.status_reason));
  }
  return change_set.changes;
}

Result<bool> Deployer::Destroy(const std::string& stack_name) {
  ASSIGN_OR_RETURN(const std::optional<Stack> existing, Find(stack_name));
  if (!existing) return false;
  ASSIGN_OR_RETURN(std::vector<std::string> seen, SeenEventIds(existing->stack_id));
  RETURN_IF_ERROR(client_.DeleteStack({existing->stack_id}).status());
  RETURN_IF_ERROR(Wait(existing->stack_id, std::move(seen), true).status());
  return true;
}

}  // namespace awshpc::infra
