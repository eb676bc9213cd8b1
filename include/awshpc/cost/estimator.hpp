// File: estimator.hpp
// Cost estimates before a job runs: a runtime model from performance records (past runs of the
// same app, variant and parameters) scaled by cores with a stated uncertainty, and the cost of
// compute (price x instances x hours x the share of an instance a packed job uses), storage
// (EBS, FSx for Lustre, S3; prorated), data transfer out, and for spot the expected cost of
// interruptions. docs/cost.md gives every formula and constant.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/money.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/cost/catalog.hpp"

namespace awshpc::cost {

// One measured run: `wall_seconds` on `vcpus` per node x `nodes`.
struct PerfRecord {
  int vcpus = 1;
  int nodes = 1;
  double wall_seconds = 0;
  std::string source;              // "j-4x7kq2mz", "Zhuang et al. 2019 (c5.4xlarge)"
  std::string instance_type = {};  // where a published run was measured; "" for local runs
};

struct RuntimeEstimate {
  double seconds = 0;  // central value
  double low = 0;      // range stated with the estimate
  double high = 0;
  std::string basis;  // "3 past runs", "--runtime", "walltime limit (upper bound)"
};

// Amdahl's law with an unknown serial fraction: each record is scaled from its total vCPUs to
// `vcpus x nodes` with serial fraction 5% (central), 0% and 20% (the range), and the range also
// spans the spread of the records plus 10% run-to-run variation. Records must not be empty.
RuntimeEstimate RuntimeFromRecords(const std::vector<PerfRecord>& records, int vcpus, int nodes);

// A runtime the user gave: no range.
RuntimeEstimate FixedRuntime(double seconds, std::string basis);

enum class StorageKind { kEbs, kFsxLustre, kS3 };
// "ebs", "fsx", "s3".
Result<StorageKind> ParseStorageKind(const std::string& text);
const char* StorageKindName(StorageKind kind);
// Published us-east-1 list prices per GiB-month (docs/cost.md): EBS gp3 $0.08, FSx for Lustre
// scratch $0.14, S3 Standard $0.023. Data transfer out to the internet: $0.09/GiB.
Money StoragePricePerGibMonth(StorageKind kind);
Money TransferOutPricePerGib();
// Hours in a billing month for prorating monthly prices (AWS uses 730).
inline constexpr double kHoursPerMonth = 730;

struct StorageUse {
  StorageKind kind = StorageKind::kEbs;
  double gib = 0;
};

// Spot: price and interruptions. The spot price is the catalog's (from DescribeSpotPriceHistory,
// `cost refresh --spot`) when it has one, else a stated fraction of on-demand.
struct SpotOptions {
  double price_fraction = 0.35;                // spot / on-demand, when no spot price is known
  std::optional<Money> price_per_hour;         // a known spot price overrides the fraction
  std::string price_source;                    // of price_per_hour: "ec2-spot-price-history (D)"
  double interruptions_per_instance_hour = 0;  // default from kDefaultSpotMonthlyInterruption
  std::optional<double> checkpoint_interval_seconds;  // none: an interruption reruns from start
};

// AWS Spot Instance Advisor's "frequency of interruption" band 5-10% (of instances interrupted
// in a month); the estimate uses 10%, i.e. -ln(0.9)/730 interruptions per instance-hour.
inline constexpr double kDefaultSpotMonthlyInterruption = 0.10;
double HourlyInterruptionRate(double monthly_fraction);

struct EstimateInput {
  PriceRow instance;
  int nodes = 1;
  int vcpus_per_node = 1;  // what the job uses on each instance
  double memory_gib_per_node = 1;
  int gpus_per_node = 0;
  bool whole_instances = false;  // charge whole instances even when the job uses a share
  RuntimeEstimate runtime;
  bool spot = false;
  SpotOptions spot_options;
  std::vector<StorageUse> storage;  // held for the expected run time
  double transfer_out_gib = 0;
};

struct Estimate {
  std::string instance_type;
  std::string region;
  std::string arch;
  int instances = 1;
  double share = 1;  // of each instance the job pays for (packing)
  Money per_hour;    // price per instance-hour used (spot price for spot)
  double runtime_seconds = 0;
  double runtime_low = 0;
  double runtime_high = 0;
  double expected_seconds = 0;  // with spot interruptions: expected time to finish
  Money compute;
  Money interruption;  // expected extra compute from spot interruptions
  Money storage;
  Money transfer;
  Money total;
  Money total_low;
  Money total_high;
  std::string runtime_basis;
  // Where the hourly price came from: "on-demand", "spot price from ec2-spot-price-history
  // (2026-11-29)" or "assumed spot price: 35% of on-demand".
  std::string price_basis;
  bool pareto = false;  // on the cost/time Pareto front of a comparison
};

// InvalidArgument when the job does not fit the instance (vCPUs, memory or GPUs per node).
Result<Estimate> EstimateCost(const EstimateInput& input);

// Marks the estimates on the Pareto front of (total, runtime): no other estimate is at least as
// cheap and as fast and better in one of them.
void MarkParetoFront(std::vector<Estimate>& estimates);

// "$1.07 on c5.4xlarge (us-east-1, on-demand): 1h34m16s (1h25m-1h44m) from 1 past run".
std::string EstimateLine(const Estimate& estimate, bool spot);
// The same with the purchase option spelled out ("spot", "on-demand, assumed for ...").
std::string EstimateLineAs(const Estimate& estimate, std::string_view purchase);

}  // namespace awshpc::cost
