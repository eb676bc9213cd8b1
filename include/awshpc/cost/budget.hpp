// File: budget.hpp
// Budgets that hold: what a project has spent this month, admission control for a new job
// (refused with the numbers unless overridden), alerts at thresholds (printed, logged, and sent
// as a JSON event on stdin to the budget's hook command, run by argv without a shell).
#pragma once

#include <string>
#include <vector>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/money.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/cost/cost_db.hpp"
#include "awshpc/sched/job.hpp"
#include "awshpc/store/job_store.hpp"

namespace awshpc::cost {

// Parses "50,80,100" (percents, 1..1000, strictly ascending).
Result<std::vector<int>> ParseAlertPercents(const std::string& text);

struct BudgetStatus {
  Budget budget;
  std::string month;  // "2026-11"
  Money spent;        // actual cost of the project's jobs that ran this month
  Money committed;    // estimates of its queued and running jobs
  int live_jobs = 0;
  Money Remaining() const { return budget.monthly - spent - committed; }
};

// Computes spent and committed for the budget's project in the month of `now` (prices of
// `region`).
Result<BudgetStatus> ComputeBudgetStatus(CostDb& db, store::JobStore& store, const Budget& budget,
                                         const std::string& region, UnixMillis now);

// One crossed threshold.
struct AlertEvent {
  std::string project;
  std::string month;
  int percent = 0;
  Money budget;
  Money spent;
  Money committed;
  Money estimate;  // of the job being submitted
  std::string job_name;
  std::string app;
  std::string user;
  UnixMillis time = 0;

  // {"event": "aws-hpc.budget.alert", "project": ..., "budget_usd": "500.000000", ...}
  std::string ToJson() const;
  // "budget alert: project climate reached 80% of its $500.00 monthly budget (2026-11): ..."
  std::string Message() const;
};

// Runs `argv` (PATH searched, no shell) with `input` on stdin and stdout/stderr sent to this
// process's stderr; waits up to `timeout_ms`, then kills it. Error if it cannot start, is killed,
// or exits non-zero.
Status RunHook(const std::vector<std::string>& argv, const std::string& input, int timeout_ms);

// What `job submit` prints and does about cost before submitting.
struct SubmissionCheck {
  std::string estimate_line;             // one line; hidden by --quiet
  std::vector<std::string> alert_lines;  // always printed
};

// What is known of how a submission will run before its backend routes it, so that its estimate
// prices that: spot or on-demand, on types that run its image's architecture.
struct SubmissionPlan {
  bool spot = false;
  // The purchase option as the estimate line names it ("spot", "on-demand, assumed for
  // --purchase auto ..."); empty: "spot" or "on-demand".
  std::string purchase_label;
  // "x86_64", "arm64" or an architecture catalog target; empty: every type.
  std::string arch;
  // Where it will run (a Batch job: the platform's region, resolved as the Batch commands resolve
  // it); empty: DefaultCostRegion(). A region without catalog prices also falls back to it.
  std::string region = {};
};

// Estimates the request (records from the store) as `plan` says, then, if its project has a budget,
// refuses it with ResourceExhausted naming the budget, spent, committed, left and the estimate when
// the estimate exceeds what is left (unless `over_budget`). Admitted submissions that cross alert
// thresholds fire each threshold once per month: the line is returned, appended as JSON to
// `<dir of db_path>/cost-alerts.log`, and sent to the budget's hook. Estimation problems never
// block a submission: the estimate line says why there is none.
Result<SubmissionCheck> CheckSubmission(const std::string& db_path, store::JobStore& store,
                                        const sched::JobRequest& request, bool over_budget,
                                        const Clock& clock = SystemClock::Instance(),
                                        const SubmissionPlan& plan = {});

}  // namespace awshpc::cost
