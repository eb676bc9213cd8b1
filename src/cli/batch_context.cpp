// File: batch_context.cpp
// CliContext's AWS side: the AWS context and the Batch backend, opened only by commands that
// need them (a local `job status` never loads credentials or reads AWS config files).
#include <cstdlib>
#include <memory>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/aws/services/ecs.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/batch/attempt_instances.hpp"
#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/batch/rate.hpp"
#include "awshpc/infra/state.hpp"
#include "context.hpp"

namespace awshpc::cli {

struct BatchSession {
  std::unique_ptr<aws::AwsContext> aws;
  std::unique_ptr<aws::batch::BatchClient> client;
  std::unique_ptr<aws::s3::S3Client> s3;
  std::unique_ptr<batch::BatchRecords> records;
  // Which instance ran each attempt (Sync), for cost per attempt.
  std::unique_ptr<aws::ecs::EcsClient> ecs;
  std::unique_ptr<aws::ec2::Ec2Client> ec2;
  std::unique_ptr<batch::AttemptInstances> attempt_instances;
  std::unique_ptr<batch::BatchBackend> backend;
};

CliContext::CliContext() = default;
CliContext::~CliContext() = default;

std::string CliContext::PlatformSetting(const std::string& key) {
  const char* config = std::getenv("AWS_HPC_CONFIG");
  const std::string path = infra::StatePath(config != nullptr && *config ? config : "aws-hpc.yaml");
  auto state = infra::PlatformState::Load(path);
  if (!state.ok()) return "";
  const auto& json = state->json();
  const auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<aws::AwsContext*> CliContext::Aws() {
  if (!batch_) batch_ = std::make_unique<BatchSession>();
  if (!batch_->aws) {
    aws::AwsContextOptions options;
    options.platform_region = PlatformSetting("region");
    ASSIGN_OR_RETURN(batch_->aws, aws::AwsContext::Create(options));
  }
  return batch_->aws.get();
}

Result<aws::s3::S3Client*> CliContext::S3() {
  RETURN_IF_ERROR(Batch().status());
  return batch_->s3.get();
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
  ASSIGN_OR_RETURN(aws::s3::S3Client s3, aws::s3::S3Client::Create(*aws));
  batch_->s3 = std::make_unique<aws::s3::S3Client>(std::move(s3));
  // The platform bucket: staged inputs and job outputs live under aws-hpc/jobs/<id>/.
  const char* bucket = std::getenv("AWS_HPC_BUCKET");
  batch_->backend->SetStaging(batch_->s3.get(),
                              bucket != nullptr ? bucket : PlatformSetting("bucket"));
  ASSIGN_OR_RETURN(aws::ecs::EcsClient ecs, aws::ecs::EcsClient::Create(*aws));
  batch_->ecs = std::make_unique<aws::ecs::EcsClient>(std::move(ecs));
  ASSIGN_OR_RETURN(aws::ec2::Ec2Client ec2, aws::ec2::Ec2Client::Create(*aws));
  batch_->ec2 = std::make_unique<aws::ec2::Ec2Client>(std::move(ec2));
  batch_->attempt_instances =
      std::make_unique<batch::AttemptInstances>(*batch_->client, *batch_->ecs, *batch_->ec2);
  batch_->backend->SetAttemptInstances(batch_->attempt_instances.get());
  return batch_->backend.get();
}

}  // namespace awshpc::cli
