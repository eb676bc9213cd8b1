// File: job_costs.hpp
// The one path from a stored job to its actual cost, shared by `cost report` and budgets' spent:
// the region's on-demand prices, stored spot prices, and what the job's backend recorded (AWS
// Batch: purchase option, instance type, region and image architecture of each job).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/services/s3.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/cost/accounting.hpp"
#include "awshpc/cost/cost_db.hpp"
#include "awshpc/cost/storage_records.hpp"
#include "awshpc/sched/job.hpp"

namespace awshpc::cost {

// What the Batch backend recorded about where a job ran: the attempts' purchase option when they
// all agree, else the queue's; the attempts' instance type when they all agree; `arch` is the
// architecture of the deployment that registered the job's definition ("" when not known).
// `attempts` is filled when every attempt that started has its instance type and purchase option
// recorded (Sync's AttemptInstances look-up); an attempt still running counts up to `now`.
RecordedRun RecordedRunOf(const batch::BatchJobLink& link, const std::string& arch,
                          UnixMillis now = 0);

// Bytes a Batch job's stager uploaded: the sizes of every object under its outputs prefix
// (s3://BUCKET/aws-hpc/jobs/<id>/outputs/, ListObjectsV2, every page).
Result<std::int64_t> BatchOutputBytes(aws::s3::S3Client& s3, std::string_view bucket,
                                      std::string_view job_id);

class JobCosts {
 public:
  // Reads prices from `db` (which must outlive this) and the Batch records from the same SQLite
  // file, opened at the first Batch job. Jobs are priced in `region` unless their backend
  // recorded another region the catalog has prices for. `what_if_spot`: `cost report --spot`.
  static Result<std::unique_ptr<JobCosts>> Create(CostDb& db, const std::string& region,
                                                  bool what_if_spot);

  // The job's actual cost (ActualCost with its recorded run and what its attempts stored). `job`
  // should carry its history when it had several attempts (JobStore::Get), so every attempt counts.
  Result<JobCost> Cost(const sched::Job& job, UnixMillis now);

  // Measures what a finished Batch job left in S3 (BatchOutputBytes); nullopt when it cannot be
  // measured now (no platform bucket, no AWS access).
  using OutputBytes = std::function<Result<std::optional<std::int64_t>>(const sched::Job&)>;
  // A finished Batch job without an "s3-output" record is measured once with `measure` when Cost
  // sees it, and recorded (as its last attempt's), so later reports and budgets price it from the
  // record. Without this, only what was recorded before is priced.
  void MeasureBatchOutputsWith(OutputBytes measure) { measure_outputs_ = std::move(measure); }

  // What the job's backend recorded about where it runs or ran (nullopt for local jobs and
  // jobs without a record); `region` (if given) is set to the recorded region.
  // Attempts still running count up to `now`.
  Result<std::optional<RecordedRun>> Recorded(const sched::Job& job, std::string* region = nullptr,
                                              UnixMillis now = 0);

  const std::vector<PriceRow>& RegionPrices() const { return prices_by_region_.at(region_); }

 private:
  JobCosts(CostDb& db, std::string region) : db_(db), region_(std::move(region)) {}
  Result<const std::vector<PriceRow>*> PricesIn(const std::string& region);

  CostDb& db_;
  std::string region_;
  Purchase purchase_;
  std::map<std::string, std::vector<PriceRow>> prices_by_region_;
  std::unique_ptr<batch::BatchRecords> batch_records_;
  std::unique_ptr<StorageRecords> storage_records_;
  OutputBytes measure_outputs_;
};

}  // namespace awshpc::cost
