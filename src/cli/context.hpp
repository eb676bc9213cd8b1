// File: context.hpp
// What every CLI command shares: the output format, the aws-hpc home, and lazily opened store,
// local backend and application catalog (a command opens only what it uses, which keeps
// `job status` fast).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/backend/local_backend.hpp"
#include "awshpc/spec/catalog.hpp"
#include "awshpc/store/job_store.hpp"
#include "output.hpp"

namespace awshpc::batch {
class BatchBackend;
}
namespace awshpc::aws {
class AwsContext;
namespace s3 {
class S3Client;
}
}  // namespace awshpc::aws

namespace awshpc::cli {

// AWS context, Batch client, records and backend, opened together on first use.
struct BatchSession;

// Documented in docs/cli.md; scripts rely on them.
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,         // an operation failed (I/O, store, unexpected)
  kExitUsage = 2,         // bad arguments or invalid input (app.yaml errors, bad --param)
  kExitNotFound = 3,      // no such job or application
  kExitJobFailed = 4,     // a waited-for job ended FAILED
  kExitJobCancelled = 5,  // a waited-for job ended CANCELLED
  kExitTimeout = 6,       // --timeout passed before the job ended
  kExitConflict = 7,  // the job is in a state that does not allow it (e.g. cancel a finished job)
};

int ExitCodeFor(const Status& status);

class CliContext {
 public:
  CliContext();
  ~CliContext();
  CliContext(const CliContext&) = delete;
  CliContext& operator=(const CliContext&) = delete;
  std::string output_flag = "table";  // bound to --output, already checked by the parser
  OutputFormat Format() const {
    return ParseOutputFormat(output_flag).value_or(OutputFormat::kTable);
  }

  Result<std::string> Home();
  Result<store::JobStore*> Store();
  Result<backend::LocalBackend*> Local();
  // The AWS Batch backend (batch_context.cpp); opens the AWS context on first use.
  Result<batch::BatchBackend*> Batch();
  Result<aws::AwsContext*> Aws();
  // A value `aws-hpc infra deploy` saved in the state file beside the platform config
  // ($AWS_HPC_CONFIG, else ./aws-hpc.yaml): "bucket", "job_role_arn", ...; "" when none.
  std::string PlatformSetting(const std::string& key);
  // The S3 client the Batch backend stages data with.
  Result<aws::s3::S3Client*> S3();
  // Apps from $AWS_HPC_APPS_PATH, $AWS_HPC_HOME/apps, the install's share/aws-hpc/apps and the
  // source tree's apps/, in that order (the first definition of a name wins).
  const spec::AppCatalog& Catalog();
  std::vector<std::string> AppSearchPath();

 private:
  std::optional<std::string> home_;
  std::unique_ptr<store::JobStore> store_;
  std::unique_ptr<backend::LocalBackend> local_;
  std::optional<spec::AppCatalog> catalog_;
  std::unique_ptr<BatchSession> batch_;
};

// The directory holding the running aws-hpc binary.
std::string ExecutableDir();

}  // namespace awshpc::cli
