// File: commands.hpp
// Registration of the CLI's command groups on the CLI11 app. Each command's callback stores its
// Status in `result`; main() turns it into an exit code in one place.
#pragma once

#include <CLI/CLI.hpp>

#include "awshpc/core/status.hpp"
#include "context.hpp"

namespace awshpc::cli {

struct CommandResult {
  Status status;
  int exit_code = -1;  // set by commands whose exit code is not the status's (job wait)
};

void RegisterAppCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterAppGeneratorCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterJobCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterArchCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterCompletionCommand(CLI::App& root, CommandResult& result);
void RegisterCostCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterAwsCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterContainerCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterInfraCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterBatchCommands(CLI::App& root, CliContext& context, CommandResult& result);
void RegisterWhyCommand(CLI::App& root, CliContext& context, CommandResult& result);

}  // namespace awshpc::cli
