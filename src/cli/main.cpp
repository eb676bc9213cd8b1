// File: main.cpp
// The aws-hpc command line. Parses arguments, runs one command, and turns its Status into an
// exit code and a message on stderr: the one place where errors leave the library.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "awshpc/core/version.hpp"
#include "commands.hpp"
#include "context.hpp"

int main(int argc, char** argv) {
  using namespace awshpc::cli;
  CliContext context;
  CommandResult result;

  CLI::App root{
      "aws-hpc: run HPC applications on this machine and on AWS.\n"
      "Exit codes: 0 ok, 1 error, 2 bad arguments or input, 3 not found, 4 job failed,\n"
      "5 job cancelled, 6 timed out, 7 not allowed in the job's state.",
      "aws-hpc"};
  root.require_subcommand(1);
  // Subcommands inherit this, so global options like --output work after the command too.
  root.fallthrough();
  root.add_option("-o,--output", context.output_flag, "Output format: table, json or yaml")
      ->check(CLI::IsMember({"table", "json", "yaml"}))
      ->envname("AWS_HPC_OUTPUT");
  root.set_version_flag("--version", std::string(awshpc::kVersion));

  RegisterAppCommands(root, context, result);
  RegisterAppGeneratorCommands(root, context, result);
  RegisterJobCommands(root, context, result);
  RegisterBatchCommands(root, context, result);
  RegisterWhyCommand(root, context, result);
  RegisterArchCommands(root, context, result);
  RegisterCostCommands(root, context, result);
  RegisterAwsCommands(root, context, result);
  RegisterContainerCommands(root, context, result);
  RegisterInfraCommands(root, context, result);
  RegisterCompletionCommand(root, result);
  root.add_subcommand("version", "Print the aws-hpc version")->callback([&result] {
    std::cout << "aws-hpc " << awshpc::kVersion << "\n";
    result.status = awshpc::Status::Ok();
  });

  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return root.exit(e);
  } catch (const CLI::ParseError& e) {
    root.exit(e);
    return kExitUsage;
  }
  if (!result.status.ok()) {
    std::cerr << "aws-hpc: error: " << result.status.message() << "\n";
    return ExitCodeFor(result.status);
  }
  return result.exit_code >= 0 ? result.exit_code : kExitOk;
}
