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
  Money storage;
  Money total;
  std::string basis;  // "local: equivalent instance c6g.large"
};

// How a job's instances were bought. The job model does not record it yet (the Batch backend
// will), so callers say it: `cost report --spot` prices jobs as spot.
struct Purchase {
  bool spot = false;
  // Spot prices of the region (CostDb::Prices with purchase "spot"); a type without one is
  // priced at `spot_price_fraction` x on-demand, and the basis says so.
  std::vector<PriceRow> spot_prices;
  double spot_price_fraction = 0.35;
};

// The cost of one job: local jobs at the whole equivalent instance's on-demand price, one per
// node, for their running time (storage is zero for local jobs). A job no catalog type can hold
// costs zero with basis "unpriced: ..." rather than failing a whole report.
Result<JobCost> ActualCost(const sched::Job& job, const std::vector<PriceRow>& region_prices,
                           UnixMillis now, const Purchase& purchase = {});

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
  Money total;
};

// Rows sorted by key (months ascending; others by name); the empty key is shown as "(none)".
std::vector<ReportRow> GroupCosts(const std::vector<JobCost>& costs, GroupBy by);

// The report as CSV (header + rows), every text field escaped with CsvField.
std::string ReportCsv(const std::vector<ReportRow>& rows, GroupBy by);

}  // namespace awshpc::cost
