// File: accounting.hpp
// What finished jobs cost: each attempt's RUNNING-to-next-state time at the price in force, and
// cost reports grouped by user, project, app, month or job.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/money.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/cost/catalog.hpp"
#include "awshpc/cost/storage_records.hpp"
#include "awshpc/sched/job.hpp"

namespace awshpc::cost {

// Seconds the job spent RUNNING over all its attempts, from its history (each RUNNING entry to
// the next state change). Without history (JobStore::List rows) a single attempt is
// started_at..ended_at. A job still RUNNING counts up to `now`.
double RunningSeconds(const sched::Job& job, UnixMillis now);

// The instance a local job is priced as: the cheapest type in `prices` (one region) with at least
// the job's vCPUs, memory and GPUs per node; ties go to fewer vCPUs, then the name. NotFound if
// none is big enough.
Result<PriceRow> EquivalentInstance(const std::vector<PriceRow>& prices,
                                    const sched::Resources& resources);

struct JobCost {
  std::string job_id;
  std::string name;
  std::string user;
  std::string project;
  std::string app;
  std::string state;
  std::string month;  // "2026-11" (UTC) of the end, or of the start for a live job
  UnixMillis ended_at = 0;
  double running_seconds = 0;
  double core_hours = 0;
  std::string instance_type;
  std::string region;
  int instances = 1;
  Money per_hour;
  Money compute;
  Money storage;                  // StorageCost of what the job's attempts stored
  std::int64_t stored_bytes = 0;  // per location the largest attempt's bytes, summed
  Money total;
  // "on-demand" or "spot": the price it was charged at; "mixed" when recorded attempts ran both
  // ways (per_hour and instance_type are then the last attempt's).
  std::string purchase = "on-demand";
  std::string basis;  // "local: equivalent instance c6g.large"
};

// How spot is priced, and the what-if override.
struct Purchase {
  // `cost report --spot`: price every job as spot, whatever was recorded (a what-if).
  bool spot = false;
  // Spot prices (CostDb::Prices with purchase "spot"; any regions): a type without one in the
  // job's region is priced at `spot_price_fraction` x on-demand, and the basis says so.
  std::vector<PriceRow> spot_prices;
  double spot_price_fraction = 0.35;
  // The ISA of the host local jobs ran on ("x86_64" or "arm64", HostIsa()): their equivalent
  // instance is one of it, as the code they ran was built for it. "" compares every type.
  std::string local_arch = {};
};

// One attempt of a cloud job as its backend recorded where it ran (AWS Batch: the attempt's ECS
// container instance -> EC2 instance, batch/attempt_instances.hpp).
struct AttemptRun {
  std::string instance_type;
  std::string purchase;  // "spot" or "on-demand"
  double seconds = 0;    // its RUNNING time (start to stop, or to now while it runs)
  std::string source;    // "ec2" or "ecs-attribute" (the instance was gone: type from ECS)
};

// Where a cloud job ran, as its backend recorded it (AWS Batch: the purchase option of the
// queue's compute environments, batch/purchase.hpp). The caller reads the backend's records.
struct RecordedRun {
  std::string backend;        // "AWS Batch", named in the basis
  std::string queue;          // named in the basis
  std::string purchase;       // "spot", "on-demand", "mixed" (either; not known which), or ""
  std::string instance_type;  // "" when the backend did not see it
  // The architecture of the job's image ("x86_64", "arm64" or an architecture catalog target such
  // as "graviton3"): without a recorded instance type, the equivalent instance is one of these.
  // "" when not known.
  std::string arch = {};
  // Every attempt that ran, when each one's instance type and purchase option were recorded;
  // empty otherwise (the job is then priced as a whole, as above). Attempts are then priced one
  // by one, each on its own type and purchase option.
  std::vector<AttemptRun> attempts = {};
};

// The storage part of a job's cost (docs/cost.md, "Storage"), at the estimator's
// StoragePricePerGibMonth: a work directory's bytes on EBS gp3 for the time the attempt held them
// (prorated over 730 h a month), outputs in S3 Standard for one month. Each record is rounded once
// to whole micro-dollars.
Money StorageCost(const std::vector<StoredData>& stored);

// The cost of one job for its running time, one instance per node, plus StorageCost(stored).
// With recorded attempts (RecordedRun::attempts, all priced in `region_prices`) the compute is
// the sum over attempts of each one's price (spot price for spot ones) x its seconds, each rounded
// once to micro-dollars, and the basis says "recorded per attempt". Otherwise, the whole job, one
// instance per node, plus StorageCost(stored). The
// instance is the recorded type when there is one, else the equivalent instance (the cheapest
// catalog type in `region_prices` with the job's vCPUs, memory and GPUs, as estimates choose it),
// whole. The price is spot when the run was recorded as spot or `purchase.spot` asks, else
// on-demand; the basis says which and why. A job no catalog type can hold costs zero with basis
// "unpriced: ..." rather than failing a whole report.
Result<JobCost> ActualCost(const sched::Job& job, const std::vector<PriceRow>& region_prices,
                           UnixMillis now, const Purchase& purchase = {},
                           const std::optional<RecordedRun>& run = std::nullopt,
                           const std::vector<StoredData>& stored = {});

// "2026-11" for a time.
std::string MonthOf(UnixMillis time);

enum class GroupBy { kUser, kProject, kApp, kMonth, kJob };
Result<GroupBy> ParseGroupBy(const std::string& text);
const char* GroupByName(GroupBy by);

struct ReportRow {
  std::string key;
  int jobs = 0;
  double running_hours = 0;
  double core_hours = 0;
  Money storage;  // part of total
  Money total;
};

// Rows sorted by key (months ascending; others by name); the empty key is shown as "(none)".
std::vector<ReportRow> GroupCosts(const std::vector<JobCost>& costs, GroupBy by);

// The report as CSV (header + rows), every text field escaped with CsvField.
std::string ReportCsv(const std::vector<ReportRow>& rows, GroupBy by);

}  // namespace awshpc::cost
