// File: stage_main.cpp
// aws-hpc-stage: runs inside a Batch job's container, before and after the command.
//   aws-hpc-stage in  [WORK_DIR]   download the job's inputs ($AWS_HPC_INPUTS) into WORK_DIR
//   aws-hpc-stage out [WORK_DIR]   upload its outputs ($AWS_HPC_OUTPUTS) to $AWS_HPC_OUTPUT_URI
//   aws-hpc-stage exec [WORK_DIR]  run this array task's row of $AWS_HPC_TASKS_FILE
//                                  (`job submit --param-file`): its argv, by execvp, no shell
//   aws-hpc-stage complete [WORK_DIR]  render the rest of the run directory from the image's
//                                  upstream templates (`app config`'s plan; `in` does it too)
//   aws-hpc-stage verdict STATUS [WORK_DIR]  judge the command's exit STATUS by the files the
//                                  run left ($AWS_HPC_SUCCESS_RULE) and exit with the verdict
// WORK_DIR defaults to the current directory. Credentials come from the standard chain, which in
// Batch is the job role through AWS_CONTAINER_CREDENTIALS_RELATIVE_URI. See docs/batch.md.
#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/batch/param_file.hpp"
#include "awshpc/batch/stage_complete.hpp"
#include "awshpc/batch/stage_verdict.hpp"
#include "awshpc/batch/staging.hpp"

namespace {

int Fail(const awshpc::Status& status) {
  std::fprintf(stderr, "aws-hpc-stage: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace awshpc;
  const std::string usage =
      "usage: aws-hpc-stage in|out|exec|complete [WORK_DIR]\n"
      "       aws-hpc-stage verdict STATUS [WORK_DIR]\n";
  if (argc >= 3 && std::strcmp(argv[1], "verdict") == 0) {
    // After the command, before the outputs go up (data/containers/entrypoint.sh).
    auto judged =
        batch::JudgeCommand(aws::Environment::System(), argc == 4 ? argv[3] : ".", argv[2]);
    if (!judged.ok()) {
      std::fprintf(stderr, "aws-hpc-stage: verdict: %s\n", judged.status().ToString().c_str());
      return 2;
    }
    if (!judged->message.empty()) {
      std::fprintf(stderr, "aws-hpc-stage: verdict: %s\n", judged->message.c_str());
    }
    return judged->exit_status;
  }
  if (argc < 2 || argc > 3) {
    std::fputs(usage.c_str(), stderr);
    return 2;
  }
  const std::string direction = argv[1];
  if (direction == "-h" || direction == "--help") {
    std::fputs(usage.c_str(), stdout);
    return 0;
  }
  if (direction == "complete")
    return batch::CompleteRunDirectoryStep(argc == 3 ? argv[2] : ".", true);
  if (direction != "in" && direction != "out" && direction != "exec") {
    std::fprintf(stderr, "aws-hpc-stage: %s: expected in, out, exec, complete or verdict\n%s",
                 direction.c_str(), usage.c_str());
    return 2;
  }
  const std::string work_dir = argc == 3 ? argv[2] : ".";
  if (direction == "exec") {
    auto task = batch::SelectTask(aws::Environment::System(), work_dir);
    if (!task.ok()) return Fail(task.status());
    for (const auto& [name, value] : task->environment) ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> args;
    for (std::string& arg : task->argv) args.push_back(arg.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "aws-hpc-stage: exec %s: %s\n", args[0], std::strerror(errno));
    return 127;
  }
  auto context = aws::AwsContext::Create();
  if (!context.ok()) return Fail(context.status());
  auto s3 = aws::s3::S3Client::Create(**context);
  if (!s3.ok()) return Fail(s3.status());
  auto report = direction == "in" ? batch::StageIn(*s3, aws::Environment::System(), work_dir)
                                  : batch::StageOut(*s3, aws::Environment::System(), work_dir);
  if (!report.ok()) return Fail(report.status());
  std::fprintf(stderr, "aws-hpc-stage: %s: %d files, %llu bytes\n", direction.c_str(),
               report->files, static_cast<unsigned long long>(report->bytes));
  for (const std::string& missing : report->missing) {
    std::fprintf(stderr, "aws-hpc-stage: output %s was not produced\n", missing.c_str());
  }
  if (direction == "in") return batch::CompleteRunDirectoryStep(work_dir, false);
  return 0;
}
