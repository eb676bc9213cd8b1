// File: job_estimate.hpp
// Estimates for a rendered JobRequest: performance records from the job store (past SUCCEEDED
// runs of the same app, variant and parameter values), the runtime they imply, and the cost on
// one instance type or on every catalog type that fits (--compare).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "awshpc/core/status.hpp"
#include "awshpc/cost/cost_db.hpp"
#include "awshpc/cost/estimator.hpp"
#include "awshpc/sched/job.hpp"
#include "awshpc/store/job_store.hpp"

namespace awshpc::cost {

// The region estimates and local-job accounting use: $AWS_HPC_COST_REGION, else us-east-1.
std::string DefaultCostRegion();

struct JobEstimateOptions {
  std::string region;                     // empty: DefaultCostRegion()
  std::string instance_type;              // empty: every type that fits, cheapest first
  std::vector<std::string> isas;          // allowed "x86_64"/"arm64"; empty: both
  std::string microarchitecture;          // "zen4", "graviton3", "cuda": see arch_filter.hpp
  std::optional<double> runtime_seconds;  // given by the user; else records, else walltime
  // Run on all vCPUs of each candidate instance (capped at max_vcpus) instead of the request's.
  bool use_whole_instance = false;
  int max_vcpus = 0;  // 0: no cap
  // Charge only the job's share of each instance (as when AWS Batch packs several jobs onto one
  // instance); by default a job pays for whole instances, as local jobs are accounted.
  bool packed = false;
  bool spot = false;
  SpotOptions spot_options;
  std::vector<StorageUse> storage;
  double transfer_out_gib = 0;
};

// Past SUCCEEDED runs of the request's app with the same variant and parameter values, newest
// first (at most 200 are read).
Result<std::vector<PerfRecord>> RecordsFor(store::JobStore& store,
                                           const sched::JobRequest& request);

// The runtime for `vcpus` x `nodes`: from records, else options.runtime_seconds, else the
// request's walltime as an upper bound.
RuntimeEstimate ResolveRuntime(const std::vector<PerfRecord>& records,
                               const JobEstimateOptions& options, const sched::JobRequest& request,
                               int vcpus);

// Estimates on every candidate type (or the one named), sorted by total cost then time, with the
// Pareto front marked. NotFound if no catalog type fits.
Result<std::vector<Estimate>> EstimateJob(CostDb& db, const std::vector<PerfRecord>& records,
                                          const sched::JobRequest& request,
                                          const JobEstimateOptions& options);

}  // namespace awshpc::cost
