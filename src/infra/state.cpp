// File: state.cpp
#include "awshpc/infra/state.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace awshpc::infra {

// Named apart from cfn::Json: the stack files share a unity translation unit with this one.
using StateJson = nlohmann::ordered_json;

std::string StatePath(const std::string& config_path) {
  std::filesystem::path path(config_path);
  path.replace_extension(".state.json");
  return path.string();
}

Result<PlatformState> PlatformState::Load(const std::string& path) {
  PlatformState state;
  state.path_ = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return state;  // nothing deployed yet
  std::stringstream text;
  text << in.rdbuf();
  StateJson parsed = StateJson::parse(text.str(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InvalidArgumentError(fmt::format("{}: not a valid state file (JSON object)", path));
  }
  state.json_ = std::move(parsed);
  return state;
}

Status PlatformState::Save() const {
  const std::string temporary = path_ + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return ErrnoError(fmt::format("writing {}", temporary), errno);
    out << json_.dump(2) << "\n";
    if (!out.flush()) return ErrnoError(fmt::format("writing {}", temporary), errno);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path_, ec);
  if (ec)
    return InternalError(fmt::format("renaming {} to {}: {}", temporary, path_, ec.message()));
  return Status::Ok();
}

void PlatformState::RecordStack(const StackRef& stack, const std::string& stack_name,
                                const std::string& stack_id, const std::string& status,
                                const std::map<std::string, std::string>& outputs) {
  StateJson entry = StateJson::object();
  entry["name"] = stack_name;
  entry["id"] = stack_id;
  entry["status"] = status;
  entry["outputs"] = outputs;
  json_["stacks"][stack.Id()] = std::move(entry);
}

void PlatformState::ForgetStack(const StackRef& stack) {
  if (json_.contains("stacks")) json_["stacks"].erase(stack.Id());
}

std::map<std::string, std::string> PlatformState::Outputs(const StackRef& stack) const {
  std::map<std::string, std::string> out;
  if (!json_.contains("stacks") || !json_["stacks"].contains(stack.Id())) return out;
  const StateJson& outputs = json_["stacks"][stack.Id()]["outputs"];
  if (!outputs.is_object()) return out;
  for (const auto& [key, value] : outputs.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

std::string PlatformState::ImagePrefix(const std::string& app) const {
  const auto outputs = Outputs({StackKind::kApp, app});
  const auto uri = outputs.find("RepositoryUri");
  const std::string suffix = "/" + app;
  if (uri == outputs.end() || !uri->second.ends_with(suffix)) return "";
  return uri->second.substr(0, uri->second.size() - suffix.size());
}

void PlatformState::Summarise(const PlatformConfig& config) {
  json_["platform"] = config.name;
  json_["region"] = config.region;
  const auto core = Outputs({StackKind::kCore, ""});
  const auto compute = Outputs({StackKind::kCompute, ""});
  const auto value = [](const std::map<std::string, std::string>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? StateJson(nullptr) : StateJson(it->second);
  };
  json_["bucket"] = value(core, "BucketName");
  json_["job_role_arn"] = value(core, "JobRoleArn");
  json_["log_group"] = value(core, "LogGroupName");
  json_["scheduling_policy_arn"] = value(compute, "SchedulingPolicyArn");
  StateJson queues = StateJson::array();
  for (const FamilyConfig& family : config.compute.families) {
    for (bool spot : {true, false}) {
      auto arn = compute.find(QueueOutputKey(family.name, spot, "Arn"));
      if (arn == compute.end()) continue;
      queues.push_back(StateJson{{"name", QueueName(config, family.name, spot)},
                                 {"arn", arn->second},
                                 {"arch_family", family.name},
                                 {"purchase", PurchaseName(spot)}});
    }
  }
  json_["queues"] = std::move(queues);
  StateJson job_definitions = StateJson::object();
  for (const std::string& app : config.apps) {
    const auto outputs = Outputs({StackKind::kApp, app});
    if (outputs.empty()) continue;
    StateJson per_family = StateJson::object();
    for (const FamilyConfig& family : config.compute.families) {
      auto arn = outputs.find("JobDefinition" + CamelCase(family.name) + "Arn");
      if (arn != outputs.end()) per_family[family.name] = arn->second;
    }
    job_definitions[app] = StateJson{{"repository_uri", value(outputs, "RepositoryUri")},
                                     {"job_definitions", per_family}};
  }
  json_["apps"] = std::move(job_definitions);
}

}  // namespace awshpc::infra
