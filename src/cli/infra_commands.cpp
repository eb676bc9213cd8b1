// File: infra_commands.cpp
// `aws-hpc infra synth|deploy|diff|status|destroy`: CloudFormation for the platform described by
// aws-hpc.yaml (docs/deploy.md). Deploy results are saved in the state file beside the config
// (aws-hpc.state.json), which the Batch backend reads to find its queues.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/cloudformation.hpp"
#include "awshpc/core/clock.hpp"
#include "awshpc/infra/deployer.hpp"
#include "awshpc/infra/platform_config.hpp"
#include "awshpc/infra/stacks.hpp"
#include "awshpc/infra/state.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

using infra::PlatformConfig;
using infra::StackRef;
using Json = nlohmann::ordered_json;
namespace cloudformation = aws::cloudformation;

struct InfraOptions {
  std::string config = "aws-hpc.yaml";
  std::string stack = "all";
  std::string out_dir;
  std::string profile;
  int timeout_seconds = 3600;
  bool yes = false;
};

struct Loaded {
  PlatformConfig config;
  std::vector<StackRef> stacks;  // in deploy order
};

Result<Loaded> Load(const InfraOptions& options) {
  Loaded loaded;
  ASSIGN_OR_RETURN(loaded.config, infra::LoadPlatformConfig(options.config));
  if (options.stack == "all") {
    loaded.stacks = infra::AllStacks(loaded.config);
  } else {
    ASSIGN_OR_RETURN(StackRef stack, infra::ParseStackRef(options.stack));
    loaded.stacks.push_back(std::move(stack));
  }
  return loaded;
}

Result<Json> Synth(CliContext& cli, const PlatformConfig& config, const StackRef& stack) {
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
  switch (stack.kind) {
    case infra::StackKind::kCore:
      return infra::SynthCore(config);
    case infra::StackKind::kCompute:
      return infra::SynthCompute(config, *catalog);
    case infra::StackKind::kStorage:
      return infra::SynthStorage(config);
    case infra::StackKind::kApp: {
      auto app = cli.Catalog().Find(stack.app);
      if (!app.ok())
        return Status(app.status().code(),
                      fmt::format("app:{}: {}", stack.app, app.status().message()));
      ASSIGN_OR_RETURN(const infra::AppStackInput input,
                       infra::AppStackInputFor(config, **app, *catalog));
      return infra::SynthApp(config, input);
    }
  }
  return InternalError("unknown stack kind");
}

Status RunSynth(CliContext& cli, const InfraOptions& options) {
  ASSIGN_OR_RETURN(const Loaded loaded, Load(options));
  if (options.out_dir.empty()) {
    if (loaded.stacks.size() != 1) {
      return InvalidArgumentError("--out DIR is needed to synthesise more than one stack");
    }
    ASSIGN_OR_RETURN(const Json t, Synth(cli, loaded.config, loaded.stacks[0]));
    std::cout << t.dump(2) << "\n";
    return Status::Ok();
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return InvalidArgumentError(fmt::format("--out {}: {}", options.out_dir, ec.message()));
  for (const StackRef& stack : loaded.stacks) {
    ASSIGN_OR_RETURN(const Json t, Synth(cli, loaded.config, stack));
    const std::string path =
        (std::filesystem::path(options.out_dir) /
         fmt::format("{}.template.json", infra::StackName(loaded.config, stack)))
            .string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << t.dump(2) << "\n";
    if (!out.flush()) return ErrnoError(fmt::format("writing {}", path), errno);
    std::cout << fmt::format("{:<10} {} ({} resources)\n", stack.Id(), path, t["Resources"].size());
  }
  return Status::Ok();
}

// The AWS side: a CloudFormation client in the config's region, and the deployer over it.
struct Session {
  std::unique_ptr<aws::AwsContext> context;
  std::unique_ptr<cloudformation::CloudFormationClient> client;
  std::unique_ptr<infra::Deployer> deployer;
};

std::string EventTime(const cloudformation::StackEvent& e) {
  const std::string iso = e.timestamp ? FormatIso8601(*e.timestamp) : "";
  // "2026-11-29T19:26:14.295Z" -> "19:26:14"
  return iso.size() >= 19 ? iso.substr(11, 8) : iso;
}

Result<Session> OpenSession(const PlatformConfig& config, const InfraOptions& options,
                            bool print_events) {
  Session session;
  aws::AwsContextOptions context_options;
  context_options.cli_profile = options.profile;
  context_options.cli_region = config.region;
  ASSIGN_OR_RETURN(session.context, aws::AwsContext::Create(context_options));
  ASSIGN_OR_RETURN(cloudformation::CloudFormationClient client,
                   cloudformation::CloudFormationClient::Create(*session.context));
  session.client = std::make_unique<cloudformation::CloudFormationClient>(std::move(client));
  infra::DeployOptions deploy;
  deploy.timeout = std::chrono::seconds(options.timeout_seconds);
  // Tests poll faster; real stacks take minutes, so 5 s is plenty.
  if (const char* poll = std::getenv("AWS_HPC_INFRA_POLL_MS"); poll != nullptr && *poll != '\0') {
    deploy.poll_interval = std::chrono::milliseconds(std::strtol(poll, nullptr, 10));
  }
  if (print_events) {
    deploy.on_event = [](const cloudformation::StackEvent& e) {
      std::cout << fmt::format("  {}  {:<32} {:<36} {}", EventTime(e), e.logical_resource_id,
                               e.resource_type, e.resource_status);
      if (!e.resource_status_reason.empty()) std::cout << "  " << e.resource_status_reason;
      std::cout << std::endl;  // flushed: progress shows as it comes
    };
    deploy.on_changes = [](const std::vector<cloudformation::ResourceChange>& changes) {
      std::cout << fmt::format("  change set: {} change(s)", changes.size()) << std::endl;
    };
  }
  session.deployer = std::make_unique<infra::Deployer>(*session.client, std::move(deploy));
  return session;
}

// Parameters of a non-core stack come from the deployed core stack's outputs.
Result<std::vector<cloudformation::Parameter>> Parameters(Session& session,
                                                          const PlatformConfig& config,
                                                          const StackRef& stack,
                                                          const std::string& body) {
  std::map<std::string, std::string> available;
  if (stack.kind != infra::StackKind::kCore) {
    const std::string core = infra::StackName(config, {infra::StackKind::kCore, ""});
    ASSIGN_OR_RETURN(const std::optional<cloudformation::Stack> found,
                     session.deployer->Find(core));
    if (found && infra::IsSuccessStatus(found->stack_status)) available = found->outputs;
  }
  return infra::ResolveParameters(
      body, available,
      fmt::format("the {} stack takes them from the core stack: deploy core first", stack.Id()));
}

Result<infra::PlatformState> OpenState(const InfraOptions& options) {
  return infra::PlatformState::Load(infra::StatePath(options.config));
}

Status RunDeploy(CliContext& cli, const InfraOptions& options) {
  ASSIGN_OR_RETURN(const Loaded loaded, Load(options));
  const PlatformConfig& config = loaded.config;
  ASSIGN_OR_RETURN(Session session, OpenSession(config, options, true));
  ASSIGN_OR_RETURN(infra::PlatformState state, OpenState(options));
  std::map<std::string, std::string> tags = config.tags;
  tags[std::string(infra::kTagPlatform)] = config.name;
  for (const StackRef& stack : loaded.stacks) {
    ASSIGN_OR_RETURN(const Json t, Synth(cli, config, stack));
    const std::string body = t.dump();
    const std::string name = infra::StackName(config, stack);
    std::cout << fmt::format("{}: deploying {}", stack.Id(), name) << std::endl;
    ASSIGN_OR_RETURN(const auto parameters, Parameters(session, config, stack, body));
    auto deployed = session.deployer->Deploy(name, body, parameters, tags);
    if (!deployed.ok()) {
      // Keep what is known (a failed stack's status) before reporting the failure.
      auto found = session.deployer->Find(name);
      if (found.ok() && *found) {
        state.RecordStack(stack, name, (*found)->stack_id, (*found)->stack_status,
                          (*found)->outputs);
        state.Summarise(config);
        state.Save().IgnoreError();
      }
      return deployed.status();
    }
    state.RecordStack(stack, name, deployed->stack_id, deployed->status, deployed->outputs);
    state.Summarise(config);
    RETURN_IF_ERROR(state.Save());
    std::cout << fmt::format("{}: {}{}", stack.Id(), deployed->status,
                             deployed->changed ? "" : " (no changes)")
              << std::endl;
  }
  std::cout << fmt::format("outputs saved in {}\n", state.path());
  return Status::Ok();
}

Status RunDiff(CliContext& cli, const InfraOptions& options) {
  ASSIGN_OR_RETURN(const Loaded loaded, Load(options));
  const PlatformConfig& config = loaded.config;
  ASSIGN_OR_RETURN(Session session, OpenSession(config, options, false));
  Json all = Json::object();
  for (const StackRef& stack : loaded.stacks) {
    ASSIGN_OR_RETURN(const Json t, Synth(cli, config, stack));
    const std::string body = t.dump();
    const std::string name = infra::StackName(config, stack);
    ASSIGN_OR_RETURN(const std::optional<cloudformation::Stack> existing,
                     session.deployer->Find(name));
    std::vector<cloudformation::Parameter> parameters;
    if (existing) {
      ASSIGN_OR_RETURN(parameters, Parameters(session, config, stack, body));
    }
    ASSIGN_OR_RETURN(const auto changes, session.deployer->Diff(name, body, parameters));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : changes) {
      list.push_back(Json{{"action", c.action},
                          {"logical_id", c.logical_resource_id},
                          {"type", c.resource_type},
                          {"replacement", c.replacement}});
      rows.push_back({c.action, c.logical_resource_id, c.resource_type, c.replacement});
    }
    all[stack.Id()] = Json{{"stack", name}, {"exists", existing.has_value()}, {"changes", list}};
    if (cli.Format() == OutputFormat::kTable) {
      std::cout << fmt::format(
          "{} ({}{}): {}\n", stack.Id(), name, existing ? "" : ", not deployed",
          changes.empty() ? "no changes" : fmt::format("{} change(s)", changes.size()));
      if (!rows.empty()) {
        std::cout << RenderTable({"ACTION", "RESOURCE", "TYPE", "REPLACEMENT"}, rows);
      }
    }
  }
  if (cli.Format() != OutputFormat::kTable) PrintStructured(all, cli.Format());
  return Status::Ok();
}

Status RunStatus(CliContext& cli, const InfraOptions& options) {
  ASSIGN_OR_RETURN(const Loaded loaded, Load(options));
  const PlatformConfig& config = loaded.config;
  ASSIGN_OR_RETURN(Session session, OpenSession(config, options, false));
  ASSIGN_OR_RETURN(infra::PlatformState state, OpenState(options));
  Json all = Json::array();
  std::vector<std::vector<std::string>> rows;
  for (const StackRef& stack : loaded.stacks) {
    const std::string name = infra::StackName(config, stack);
    ASSIGN_OR_RETURN(const std::optional<cloudformation::Stack> found,
                     session.deployer->Find(name));
    Json entry = Json{{"stack", stack.Id()}, {"name", name}};
    if (!found) {
      entry["status"] = "NOT_DEPLOYED";
      rows.push_back({stack.Id(), name, "NOT_DEPLOYED", "", ""});
      state.ForgetStack(stack);
    } else {
      // A stack in REVIEW_IN_PROGRESS (a change set created, never executed: an interrupted
      // first deploy) has no resources yet, and moto refuses DescribeStackResources on it.
      cloudformation::DescribeStackResourcesResult resources;
      if (found->stack_status != "REVIEW_IN_PROGRESS") {
        ASSIGN_OR_RETURN(resources, session.client->DescribeStackResources({found->stack_id}));
      }
      entry["status"] = found->stack_status;
      entry["reason"] = found->stack_status_reason;
      entry["resources"] = resources.stack_resources.size();
      entry["outputs"] = found->outputs;
      rows.push_back({stack.Id(), name, found->stack_status,
                      std::to_string(resources.stack_resources.size()),
                      std::to_string(found->outputs.size())});
      // Status doubles as a refresh of the state file (e.g. after a deploy elsewhere).
      state.RecordStack(stack, name, found->stack_id, found->stack_status, found->outputs);
    }
    all.push_back(std::move(entry));
  }
  state.Summarise(config);
  RETURN_IF_ERROR(state.Save());
  if (cli.Format() != OutputFormat::kTable) {
    PrintStructured(all, cli.Format());
  } else {
    std::cout << RenderTable({"STACK", "NAME", "STATUS", "RESOURCES", "OUTPUTS"}, rows);
  }
  return Status::Ok();
}

Status RunDestroy(CliContext&, const InfraOptions& options) {
  if (!options.yes) {
    return InvalidArgumentError(
        "destroy deletes the stacks and everything in them: add --yes to confirm");
  }
  ASSIGN_OR_RETURN(const Loaded loaded, Load(options));
  const PlatformConfig& config = loaded.config;
  ASSIGN_OR_RETURN(Session session, OpenSession(config, options, true));
  ASSIGN_OR_RETURN(infra::PlatformState state, OpenState(options));
  // Dependents first, the deploy order reversed: apps, compute (it imports storage's exports),
  // storage, then core.
  for (auto it = loaded.stacks.rbegin(); it != loaded.stacks.rend(); ++it) {
    const std::string name = infra::StackName(config, *it);
    std::cout << fmt::format("{}: deleting {}", it->Id(), name) << std::endl;
    ASSIGN_OR_RETURN(const bool existed, session.deployer->Destroy(name));
    state.ForgetStack(*it);
    state.Summarise(config);
    RETURN_IF_ERROR(state.Save());
    std::cout << fmt::format("{}: {}", it->Id(), existed ? "DELETE_COMPLETE" : "not deployed")
              << std::endl;
  }
  return Status::Ok();
}

void AddCommon(CLI::App* command, InfraOptions& options, bool with_stack = true) {
  command->add_option("-c,--config", options.config, "Platform config (default aws-hpc.yaml)")
      ->envname("AWS_HPC_CONFIG");
  if (with_stack) {
    command->add_option("--stack", options.stack,
                        "core, compute, storage, app:NAME or all (default all)");
  }
}

void AddAws(CLI::App* command, InfraOptions& options) {
  command->add_option("--profile", options.profile, "Profile of ~/.aws/config to use");
  command
      ->add_option("--timeout", options.timeout_seconds,
                   "Seconds to wait for each stack (default 3600)")
      ->check(CLI::Range(1, 86'400));
}

}  // namespace

void RegisterInfraCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* group = root.add_subcommand(
      "infra", "Synthesise and deploy the platform's CloudFormation stacks (aws-hpc.yaml)");
  group->require_subcommand(1);
  group->footer(
      "Stacks: core (VPC, bucket, IAM, logs), compute (Batch environments and queues per\n"
      "architecture family), storage (FSx for Lustre, EFS), app:NAME (ECR repository and job\n"
      "definitions). Deploy saves outputs in the state file beside the config\n"
      "(aws-hpc.yaml -> aws-hpc.state.json). See docs/deploy.md.");
  auto options = std::make_shared<InfraOptions>();

  CLI::App* synth = group->add_subcommand("synth", "Write the CloudFormation templates");
  AddCommon(synth, *options);
  synth->add_option("--out", options->out_dir,
                    "Directory for <stack-name>.template.json files (default: print one stack)");
  synth->callback([&context, &result, options] { result.status = RunSynth(context, *options); });

  CLI::App* deploy = group->add_subcommand(
      "deploy", "Create or update stacks through change sets, following their events");
  AddCommon(deploy, *options);
  AddAws(deploy, *options);
  deploy->callback([&context, &result, options] { result.status = RunDeploy(context, *options); });

  CLI::App* diff = group->add_subcommand("diff", "Show what a deploy would change");
  AddCommon(diff, *options);
  AddAws(diff, *options);
  diff->callback([&context, &result, options] { result.status = RunDiff(context, *options); });

  CLI::App* status = group->add_subcommand(
      "status", "Show each stack's status, resources and outputs (and refresh the state file)");
  AddCommon(status, *options);
  AddAws(status, *options);
  status->callback([&context, &result, options] { result.status = RunStatus(context, *options); });

  CLI::App* destroy =
      group->add_subcommand("destroy", "Delete stacks, dependents first (needs --yes)");
  AddCommon(destroy, *options);
  AddAws(destroy, *options);
  destroy->add_flag("--yes", options->yes, "Confirm the deletion");
  destroy->callback(
      [&context, &result, options] { result.status = RunDestroy(context, *options); });
}

}  // namespace awshpc::cli
