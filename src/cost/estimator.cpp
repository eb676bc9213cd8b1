// File: estimator.cpp
#include "awshpc/cost/estimator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "awshpc/core/units.hpp"

namespace awshpc::cost {
namespace {

// Amdahl: time on n cores relative to one core, with serial fraction f.
double AmdahlFactor(double serial_fraction, double cores) {
  return serial_fraction + (1 - serial_fraction) / cores;
}

double Scale(double seconds, double from_cores, double to_cores, double serial_fraction) {
  return seconds * AmdahlFactor(serial_fraction, to_cores) /
         AmdahlFactor(serial_fraction, from_cores);
}

Money Times(Money amount, double factor) {
  return Money::FromMicros(
      static_cast<std::int64_t>(std::llround(static_cast<double>(amount.micros()) * factor)));
}

// Expected time to finish `work` seconds of computation when interruptions arrive at `rate` per
// second and each one loses the work since the last checkpoint (or all of it without one):
// (T/tau)(e^(rate tau) - 1)/rate, which is (e^(rate T) - 1)/rate for tau = T.
double ExpectedSecondsWithInterruptions(double work, double rate, std::optional<double> interval) {
  if (rate <= 0 || work <= 0) return work;
  const double tau = interval && *interval > 0 ? std::min(*interval, work) : work;
  return (work / tau) * std::expm1(rate * tau) / rate;
}

std::string Short(double seconds) {
  return FormatDuration(static_cast<std::int64_t>(std::llround(std::max(seconds, 0.0))));
}

}  // namespace

RuntimeEstimate RuntimeFromRecords(const std::vector<PerfRecord>& records, int vcpus, int nodes) {
  const double target = std::max(1, vcpus) * std::max(1, nodes);
  double central_sum = 0;
  double low = 0;
  double high = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const PerfRecord& record = records[i];
    const double from = std::max(1, record.vcpus) * std::max(1, record.nodes);
    const double central = Scale(record.wall_seconds, from, target, 0.05);
    const double a = Scale(record.wall_seconds, from, target, 0.0);
    const double b = Scale(record.wall_seconds, from, target, 0.20);
    central_sum += central;
    const double record_low = std::min({central, a, b});
    const double record_high = std::max({central, a, b});
    low = i == 0 ? record_low : std::min(low, record_low);
    high = i == 0 ? record_high : std::max(high, record_high);
  }
  RuntimeEstimate estimate;
  estimate.seconds = records.empty() ? 0 : central_sum / static_cast<double>(records.size());
  estimate.low = low * 0.9;
  estimate.high = high * 1.1;
  estimate.basis = records.size() == 1 ? "1 past run" : fmt::format("{} past runs", records.size());
  return estimate;
}

RuntimeEstimate FixedRuntime(double seconds, std::string basis) {
  return RuntimeEstimate{seconds, seconds, seconds, std::move(basis)};
}

Result<StorageKind> ParseStorageKind(const std::string& text) {
  if (text == "ebs") return StorageKind::kEbs;
  if (text == "fsx") return StorageKind::kFsxLustre;
  if (text == "s3") return StorageKind::kS3;
  return InvalidArgumentError("storage '" + text + "' is not ebs, fsx or s3");
}

const char* StorageKindName(StorageKind kind) {
  switch (kind) {
    case StorageKind::kEbs:
      return "ebs";
    case StorageKind::kFsxLustre:
      return "fsx";
    case StorageKind::kS3:
      return "s3";
  }
  return "?";
}

Money StoragePricePerGibMonth(StorageKind kind) {
  switch (kind) {
    case StorageKind::kEbs:
      return Money::FromMicros(80'000);  // EBS gp3, us-east-1
    case StorageKind::kFsxLustre:
      return Money::FromMicros(140'000);  // FSx for Lustre scratch, us-east-1
    case StorageKind::kS3:
      return Money::FromMicros(23'000);  // S3 Standard, first 50 TB, us-east-1
  }
  return Money();
}

Money TransferOutPricePerGib() { return Money::FromMicros(90'000); }

double HourlyInterruptionRate(double monthly_fraction) {
  if (monthly_fraction <= 0) return 0;
  if (monthly_fraction >= 1) monthly_fraction = 0.999999;
  return -std::log1p(-monthly_fraction) / kHoursPerMonth;
}

Result<Estimate> EstimateCost(const EstimateInput& input) {
  const InstanceFacts& facts = input.instance.instance;
  if (input.vcpus_per_node > facts.vcpus) {
    return InvalidArgumentError(fmt::format("the job needs {} vCPUs per node; {} has {}",
                                            input.vcpus_per_node, facts.type, facts.vcpus));
  }
  if (input.memory_gib_per_node > facts.memory_gib + 1e-9) {
    return InvalidArgumentError(fmt::format("the job needs {:g} GiB per node; {} has {:g} GiB",
                                            input.memory_gib_per_node, facts.type,
                                            facts.memory_gib));
  }
  if (input.gpus_per_node > facts.gpus) {
    return InvalidArgumentError(fmt::format("the job needs {} GPUs per node; {} has {}",
                                            input.gpus_per_node, facts.type, facts.gpus));
  }
  Estimate out;
  out.instance_type = facts.type;
  out.region = input.instance.region;
  out.arch = facts.arch;
  out.instances = std::max(1, input.nodes);
  out.runtime_seconds = input.runtime.seconds;
  out.runtime_low = input.runtime.low;
  out.runtime_high = input.runtime.high;
  out.runtime_basis = input.runtime.basis;
  // A packed job pays for the larger of its vCPU, memory and GPU shares of the instance.
  double share = static_cast<double>(input.vcpus_per_node) / facts.vcpus;
  if (facts.memory_gib > 0) share = std::max(share, input.memory_gib_per_node / facts.memory_gib);
  if (facts.gpus > 0) {
    share = std::max(share, static_cast<double>(input.gpus_per_node) / facts.gpus);
  }
  out.share = input.whole_instances ? 1.0 : std::min(1.0, share);

  out.per_hour = input.instance.per_hour;
  out.price_basis = "on-demand";
  double rate_per_second = 0;
  if (input.spot) {
    const SpotOptions& spot = input.spot_options;
    out.per_hour = spot.price_per_hour ? *spot.price_per_hour
                                       : Times(input.instance.per_hour, spot.price_fraction);
    out.price_basis =
        spot.price_per_hour
            ? "spot price" + (spot.price_source.empty() ? "" : " from " + spot.price_source)
            : fmt::format("assumed spot price: {:g}% of on-demand", spot.price_fraction * 100);
    // Any interrupted instance stops a multi-node job.
    rate_per_second = input.spot_options.interruptions_per_instance_hour * out.instances / 3600.0;
  }
  const double charged_instances = out.instances * out.share;
  const auto compute_for = [&](double seconds) {
    return Money::PerHourTimesSeconds(Times(out.per_hour, charged_instances), seconds);
  };
  const auto expected = [&](double seconds) {
    return ExpectedSecondsWithInterruptions(seconds, rate_per_second,
                                            input.spot_options.checkpoint_interval_seconds);
  };
  out.expected_seconds = expected(out.runtime_seconds);
  out.compute = compute_for(out.runtime_seconds);
  out.interruption = compute_for(out.expected_seconds) - out.compute;

  const auto storage_for = [&](double seconds) {
    Money total;
    for (const StorageUse& use : input.storage) {
      total +=
          Times(StoragePricePerGibMonth(use.kind), use.gib * seconds / 3600.0 / kHoursPerMonth);
    }
    return total;
  };
  out.storage = storage_for(out.expected_seconds);
  out.transfer = Times(TransferOutPricePerGib(), input.transfer_out_gib);
  out.total = out.compute + out.interruption + out.storage + out.transfer;
  const auto total_for = [&](double seconds) {
    const double with_interruptions = expected(seconds);
    return compute_for(with_interruptions) + storage_for(with_interruptions) + out.transfer;
  };
  out.total_low = total_for(out.runtime_low);
  out.total_high = total_for(out.runtime_high);
  return out;
}

void MarkParetoFront(std::vector<Estimate>& estimates) {
  for (Estimate& candidate : estimates) {
    candidate.pareto = std::none_of(estimates.begin(), estimates.end(), [&](const Estimate& other) {
      const double other_time = other.expected_seconds;
      const double time = candidate.expected_seconds;
      return other.total <= candidate.total && other_time <= time &&
             (other.total < candidate.total || other_time < time);
    });
  }
}

std::string EstimateLine(const Estimate& estimate, bool spot) {
  return EstimateLineAs(estimate, spot ? "spot" : "on-demand");
}

std::string EstimateLineAs(const Estimate& estimate, std::string_view purchase) {
  std::string range;
  if (estimate.total_low != estimate.total_high) {
    range = fmt::format(" ({}-{})", estimate.total_low.ToString(), estimate.total_high.ToString());
  }
  std::string runtime = Short(estimate.runtime_seconds);
  if (estimate.runtime_low != estimate.runtime_high) {
    runtime += fmt::format(" ({}-{})", Short(estimate.runtime_low), Short(estimate.runtime_high));
  }
  std::string where = fmt::format("{} x {}", estimate.instances, estimate.instance_type);
  if (estimate.instances == 1) where = estimate.instance_type;
  if (estimate.share < 1) where += fmt::format(" ({:.0f}% share)", estimate.share * 100);
  return fmt::format("Estimate: {}{} on {} ({}, {}), runtime {} from {}", estimate.total.ToString(),
                     range, where, estimate.region, purchase, runtime, estimate.runtime_basis);
}

}  // namespace awshpc::cost
