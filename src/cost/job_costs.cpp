// File: job_costs.cpp
#include "awshpc/cost/job_costs.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/batch/staging.hpp"
#include "awshpc/cost/arch_filter.hpp"

namespace awshpc::cost {

RecordedRun RecordedRunOf(const batch::BatchJobLink& link, const std::string& arch,
                          UnixMillis now) {
  RecordedRun run{"AWS Batch", link.queue, link.purchase, "", arch};
  const auto agreed = [&](auto field) {
    std::string value;
    for (const batch::AttemptRecord& attempt : link.attempts) {
      const std::string& mine = attempt.*field;
      if (mine.empty() || (!value.empty() && mine != value)) return std::string();
      value = mine;
    }
    return value;
  };
  if (const std::string purchase = agreed(&batch::AttemptRecord::purchase); !purchase.empty()) {
    run.purchase = purchase;
  }
  run.instance_type = agreed(&batch::AttemptRecord::instance_type);
  // Per attempt only when every attempt that ran says where: a partial record would price some
  // attempts on what ran them and the rest on a guess, which no basis could say plainly.
  std::vector<AttemptRun> attempts;
  for (const batch::AttemptRecord& attempt : link.attempts) {
    if (!attempt.started_at) continue;
    if (attempt.instance_type.empty() || attempt.instance_source.empty() ||
        attempt.purchase.empty()) {
      return run;
    }
    const UnixMillis end = attempt.stopped_at.value_or(std::max(now, *attempt.started_at));
    attempts.push_back(
        {attempt.instance_type, attempt.purchase,
         static_cast<double>(std::max<UnixMillis>(0, end - *attempt.started_at)) / 1000.0,
         attempt.instance_source});
  }
  run.attempts = std::move(attempts);
  return run;
}

// Listing the prefix, not a manifest the stager writes: the objects are what S3 bills, the
// stager in the container needs no change (and cannot reach the job store anyway), and jobs
// staged before storage was recorded are measured the same way.
Result<std::int64_t> BatchOutputBytes(aws::s3::S3Client& s3, std::string_view bucket,
                                      std::string_view job_id) {
  ASSIGN_OR_RETURN(std::vector<aws::s3::S3Object> objects, batch::ListOutputs(s3, bucket, job_id));
  std::int64_t total = 0;
  for (const aws::s3::S3Object& object : objects) total += static_cast<std::int64_t>(object.size);
  return total;
}

Result<std::unique_ptr<JobCosts>> JobCosts::Create(CostDb& db, const std::string& region,
                                                   bool what_if_spot) {
  std::unique_ptr<JobCosts> costs(new JobCosts(db, region));
  RETURN_IF_ERROR(costs->PricesIn(region).status());
  // Spot prices of every region: jobs recorded as spot (and --spot) look theirs up.
  costs->purchase_.spot = what_if_spot;
  costs->purchase_.local_arch = HostIsa();
  PriceFilter spot;
  spot.purchase = "spot";
  ASSIGN_OR_RETURN(costs->purchase_.spot_prices, db.Prices(spot));
  return costs;
}

Result<const std::vector<PriceRow>*> JobCosts::PricesIn(const std::string& region) {
  auto found = prices_by_region_.find(region);
  if (found == prices_by_region_.end()) {
    ASSIGN_OR_RETURN(std::vector<PriceRow> rows, db_.Prices(PriceFilter{{}, region, "", ""}));
    found = prices_by_region_.emplace(region, std::move(rows)).first;
  }
  return &found->second;
}

Result<std::optional<RecordedRun>> JobCosts::Recorded(const sched::Job& job, std::string* region,
                                                      UnixMillis now) {
  if (job.request.backend != batch::kBackendName) return std::optional<RecordedRun>();
  if (!batch_records_) {
    ASSIGN_OR_RETURN(batch_records_,
                     batch::BatchRecords::Open(db_.Path(), SystemClock::Instance()));
  }
  auto link = batch_records_->GetLink(job.id);
  if (!link.ok()) {
    if (link.status().code() == StatusCode::kNotFound) return std::optional<RecordedRun>();
    return link.status();
  }
  ASSIGN_OR_RETURN(std::optional<batch::Deployment> deployment,
                   batch_records_->DeploymentByArn(link->definition));
  if (region != nullptr) *region = link->region;
  return std::optional<RecordedRun>(
      RecordedRunOf(*link, deployment ? deployment->arch : std::string(), now));
}

Result<JobCost> JobCosts::Cost(const sched::Job& job, UnixMillis now) {
  std::string ran_in;
  ASSIGN_OR_RETURN(std::optional<RecordedRun> run, Recorded(job, &ran_in, now));
  const std::vector<PriceRow>* prices = &prices_by_region_.at(region_);
  // Priced where it ran when the catalog has that region, else in the report's.
  if (!ran_in.empty()) {
    ASSIGN_OR_RETURN(const std::vector<PriceRow>* there, PricesIn(ran_in));
    if (!there->empty()) prices = there;
  }
  if (!storage_records_) {
    ASSIGN_OR_RETURN(storage_records_, StorageRecords::Open(db_.Path()));
  }
  ASSIGN_OR_RETURN(std::vector<StoredData> stored, storage_records_->Get(job.id));
  const bool outputs_recorded =
      std::any_of(stored.begin(), stored.end(),
                  [](const StoredData& data) { return data.location == kStoredInS3Output; });
  if (run && measure_outputs_ && sched::IsTerminal(job.state) && !outputs_recorded) {
    auto bytes = measure_outputs_(job);
    if (bytes.ok() && bytes->has_value()) {
      const StoredData outputs{std::max(1, job.attempts), std::string(kStoredInS3Output), **bytes,
                               0};
      RETURN_IF_ERROR(storage_records_->Put(job.id, outputs));
      stored.push_back(outputs);
    }
  }
  return ActualCost(job, *prices, now, purchase_, run, stored);
}

}  // namespace awshpc::cost
