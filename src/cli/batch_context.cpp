// File: batch_context.cpp
// CliContext's AWS side: the AWS context and the Batch backend, opened only by commands that
// need them (a local `job status` never loads credentials or reads AWS config files).
#include <memory>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/batch/rate.hpp"
#include "context.hpp"

namespace awshpc::cli {

struct BatchSession {
  std::unique_ptr<aws::AwsContext> aws;
  std::unique_ptr<aws::batch::BatchClient> client;
  std::unique_ptr<batch::BatchRecords> records;
  std::unique_ptr<batch::BatchBackend> backend;
};

CliContext::CliContext() = default;
CliContext::~CliContext() = default;

Result<aws::AwsContext*> CliContext::Aws() {
  if (!batch_) batch_ = std::make_unique<BatchSession>();
  if (!batch_->aws) {
    ASSIGN_OR_RETURN(batch_->aws, aws::AwsContext::Create());
  }
  return batch_->aws.get();
}

Result<batch::BatchBackend*> CliContext::Batch() {
  ASSIGN_OR_RETURN(aws::AwsContext * aws, Aws());
  if (batch_->backend) return batch_->backend.get();
  ASSIGN_OR_RETURN(aws::RegionResolution region, aws->Region());
  // Every Batch call of this process goes through one limiter (AWS_HPC_BATCH_MAX_TPS, 40/s).
  ASSIGN_OR_RETURN(aws::batch::BatchClient client,
                   batch::MakeRateLimitedBatchClient(*aws, aws::Environment::System()));
  batch_->client = std::make_unique<aws::batch::BatchClient>(std::move(client));
  ASSIGN_OR_RETURN(store::JobStore * store, Store());
  ASSIGN_OR_RETURN(std::string home, Home());
  ASSIGN_OR_RETURN(batch_->records,
                   batch::BatchRecords::Open(home + "/jobs.db", SystemClock::Instance()));
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
  batch_->backend = std::make_unique<batch::BatchBackend>(*store, *batch_->records, *batch_->client,
                                                          *catalog, region.region);
  return batch_->backend.get();
}

}  // namespace awshpc::cli
