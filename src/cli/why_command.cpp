// File: why_command.cpp
// `aws-hpc job why ID`: why a job does not run, in plain words (docs/batch.md, "Why is my job not
// running?"). Batch jobs: dependencies, queue and compute environment state, instance types
// that can hold the job, max vCPUs, Spot capacity. Local jobs: the strict-priority queue and the
// machine's capacity.
#include <fmt/format.h>

#include <iostream>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/batch/rate.hpp"
#include "awshpc/batch/why.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

namespace why = batch::why;

// The architecture a Batch job was deployed for, from the deployment records (for a job Batch
// has forgotten, whose tags can no longer be read).
std::string DeployedArch(CliContext& context, const batch::BatchJobLink& link) {
  auto home = context.Home();
  if (!home.ok()) return "";
  auto records = batch::BatchRecords::Open(*home + "/jobs.db", SystemClock::Instance());
  if (!records.ok()) return "";
  auto deployments = (*records)->Deployments("", link.region);
  if (!deployments.ok()) return "";
  for (const batch::Deployment& deployment : *deployments) {
    if (deployment.arn == link.definition) return deployment.arch;
  }
  return "";
}

Result<why::Diagnosis> DiagnoseBatchJob(CliContext& context, const sched::Job& job) {
  ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
  ASSIGN_OR_RETURN(batch::BatchJobLink link, backend->Link(job.id));
  ASSIGN_OR_RETURN(aws::AwsContext * aws, context.Aws());
  ASSIGN_OR_RETURN(aws::batch::BatchClient client,
                   batch::MakeRateLimitedBatchClient(*aws, aws::Environment::System()));
  ASSIGN_OR_RETURN(aws::ec2::Ec2Client ec2, aws::ec2::Ec2Client::Create(*aws));
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
  ASSIGN_OR_RETURN(why::BatchJobFacts facts,
                   why::GatherBatchFacts(client, ec2, *catalog, job, link,
                                         DeployedArch(context, link), SystemClock::Instance()));
  return why::DiagnoseBatch(facts);
}

Result<why::Diagnosis> DiagnoseLocalJob(CliContext& context, const std::string& id) {
  ASSIGN_OR_RETURN(backend::LocalBackend * local, context.Local());
  // As `job status`: a job whose supervisor vanished is seen as such first.
  RETURN_IF_ERROR(local->Reconcile());
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  ASSIGN_OR_RETURN(sched::Job job, store->Get(id));
  ASSIGN_OR_RETURN(why::LocalJobFacts facts,
                   why::GatherLocalFacts(*store, job, local->options().capacity));
  return why::DiagnoseLocal(facts);
}

void Print(const why::Diagnosis& diagnosis, OutputFormat format) {
  if (format != OutputFormat::kTable) {
    nlohmann::ordered_json out;
    out["job_id"] = diagnosis.job_id;
    out["backend"] = diagnosis.backend;
    out["state"] = diagnosis.state;
    out["explained"] = diagnosis.Explained();
    out["summary"] = diagnosis.Summary();
    out["findings"] = nlohmann::ordered_json::array();
    for (const why::Finding& f : diagnosis.findings) {
      out["findings"].push_back({{"severity", std::string(why::SeverityName(f.severity))},
                                 {"code", f.code},
                                 {"message", f.message},
                                 {"action", f.action}});
    }
    PrintStructured(out, format);
    return;
  }
  std::cout << fmt::format("{} ({} backend) is {}\n\n", diagnosis.job_id, diagnosis.backend,
                           StyledState(diagnosis.state));
  std::vector<std::vector<std::string>> rows;
  for (const why::Finding& f : diagnosis.findings) {
    rows.push_back({std::string(why::SeverityName(f.severity)), f.message});
    if (!f.action.empty()) rows.push_back({"", "-> " + f.action});
  }
  std::cout << RenderTable({"SEVERITY", "FINDING"}, rows);
}

Status Why(CliContext& context, const std::string& id_or_prefix) {
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  ASSIGN_OR_RETURN(std::string id, store->ResolveId(id_or_prefix));
  ASSIGN_OR_RETURN(sched::Job job, store->Get(id));
  why::Diagnosis diagnosis;
  if (job.request.backend == batch::kBackendName) {
    // Bring the store up to date first (it records when the job became RUNNABLE).
    ASSIGN_OR_RETURN(batch::BatchBackend * backend, context.Batch());
    if (!sched::IsTerminal(job.state)) RETURN_IF_ERROR(backend->Sync({job.id}));
    ASSIGN_OR_RETURN(job, store->Get(id));
    ASSIGN_OR_RETURN(diagnosis, DiagnoseBatchJob(context, job));
  } else if (job.request.backend == "local") {
    ASSIGN_OR_RETURN(diagnosis, DiagnoseLocalJob(context, id));
  } else {
    return FailedPreconditionError(
        fmt::format("job {} runs on backend {}, which `job why` does "
                    "not know",
                    id, job.request.backend));
  }
  Print(diagnosis, context.Format());
  return Status::Ok();
}

}  // namespace

void RegisterWhyCommand(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* job = root.get_subcommand("job");
  auto id = std::make_shared<std::string>();
  CLI::App* why_command = job->add_subcommand(
      "why",
      "Explain in plain words why a job does not run: parents not finished, queue or compute\n"
      "environment disabled or invalid, no allowed instance type can hold it, max vCPUs\n"
      "reached, no Spot capacity (AWS Batch); the queue ahead and the capacity held (local)");
  why_command->add_option("id", *id, "Job id or a unique prefix of one")->required();
  why_command->callback([&context, &result, id] { result.status = Why(context, *id); });
}

}  // namespace awshpc::cli
