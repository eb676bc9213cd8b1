// File: accounting.cpp
#include "awshpc/cost/accounting.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>

#include "awshpc/cost/arch_filter.hpp"
#include "awshpc/cost/estimator.hpp"

namespace awshpc::cost {

double RunningSeconds(const sched::Job& job, UnixMillis now) {
  using sched::JobState;
  if (job.history.empty()) {
    if (!job.started_at) return 0;
    const UnixMillis end = job.ended_at.value_or(now);
    return std::max<double>(0, static_cast<double>(end - *job.started_at) / 1000.0);
  }
  double total = 0;
  bool running = false;
  UnixMillis since = 0;
  for (const sched::StateChange& change : job.history) {
    if (running && change.state != JobState::kRunning) {
      total += static_cast<double>(change.time - since) / 1000.0;
      running = false;
    }
    if (change.state == JobState::kRunning && !running) {
      running = true;
      since = change.time;
    }
  }
  if (running) total += static_cast<double>(std::max(now, since) - since) / 1000.0;
  return std::max(0.0, total);
}

Result<PriceRow> EquivalentInstance(const std::vector<PriceRow>& prices,
                                    const sched::Resources& resources) {
  const PriceRow* best = nullptr;
  const double memory_gib = static_cast<double>(resources.memory_mib) / 1024.0;
  for (const PriceRow& row : prices) {
    const InstanceFacts& facts = row.instance;
    if (facts.vcpus < resources.vcpus || facts.memory_gib + 1e-9 < memory_gib ||
        facts.gpus < resources.gpus) {
      continue;
    }
    if (best == nullptr || row.per_hour < best->per_hour ||
        (row.per_hour == best->per_hour &&
         (facts.vcpus < best->instance.vcpus ||
          (facts.vcpus == best->instance.vcpus && facts.type < best->instance.type)))) {
      best = &row;
    }
  }
  if (best == nullptr) {
    return NotFoundError(
        fmt::format("no instance in the price catalog has {} vCPUs, {:g} GiB and "
                    "{} GPUs",
                    resources.vcpus, memory_gib, resources.gpus));
  }
  return *best;
}

std::string MonthOf(UnixMillis time) {
  const std::time_t seconds = static_cast<std::time_t>(time / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04d}-{:02d}", tm.tm_year + 1900, tm.tm_mon + 1);
}

namespace {

// The instance a job is priced as, and how it was chosen.
struct PricedInstance {
  PriceRow row;
  std::string basis;
};

Result<PricedInstance> InstanceForCost(const sched::Job& job,
                                       const std::vector<PriceRow>& region_prices,
                                       const std::optional<RecordedRun>& run,
                                       const std::string& local_arch) {
  if (run && !run->instance_type.empty()) {
    const auto recorded =
        std::find_if(region_prices.begin(), region_prices.end(),
                     [&](const PriceRow& row) { return row.instance.type == run->instance_type; });
    if (recorded != region_prices.end()) {
      return PricedInstance{*recorded, recorded->instance.type + " (recorded)"};
    }
  }
  // The image's architecture narrows the candidates: an x86_64 image never ran on Graviton.
  std::string which = "the cheapest";
  std::vector<PriceRow> same_arch;
  const std::vector<PriceRow>* candidates = &region_prices;
  if (run && !run->arch.empty()) {
    auto filtered = FilterByArchitecture(run->arch, region_prices);
    if (filtered.ok()) {
      same_arch = std::move(*filtered);
      candidates = &same_arch;
      which = "the cheapest " + run->arch;
    } else {
      which = fmt::format("the cheapest (architecture {} unknown to the catalog)", run->arch);
    }
  }
  const bool local = job.request.backend == "local";
  if (local && !local_arch.empty()) {
    auto filtered = FilterByArchitecture(local_arch, region_prices);
    if (filtered.ok()) {
      same_arch = std::move(*filtered);
      candidates = &same_arch;
    }
  }
  ASSIGN_OR_RETURN(PriceRow equivalent, EquivalentInstance(*candidates, job.request.resources));
  std::string basis;
  if (local && !local_arch.empty()) {
    basis = fmt::format("local: equivalent {} instance {} (the host's architecture)", local_arch,
                        equivalent.instance.type);
  } else if (local) {
    basis = "local: equivalent instance " + equivalent.instance.type;
  } else if (run && !run->instance_type.empty()) {
    basis = fmt::format("{}: the recorded {} has no price in {}, {} that fits instead",
                        equivalent.instance.type, run->instance_type, equivalent.region, which);
  } else if (run) {
    basis = fmt::format("{}: instance type not recorded, {} that fits (as estimated)",
                        equivalent.instance.type, which);
  } else {
    basis = equivalent.instance.type;
  }
  return PricedInstance{std::move(equivalent), std::move(basis)};
}

// Why a Batch job is priced as it is ("" for local jobs).
std::string PurchaseBasis(const std::optional<RecordedRun>& run, bool what_if_spot) {
  if (!run) return "";
  const std::string where = fmt::format("{} queue {}", run->backend, run->queue);
  if (run->purchase == "spot") return fmt::format("spot, recorded ({})", where);
  if (what_if_spot) {
    return fmt::format("spot as asked (--spot), recorded {}",
                       run->purchase.empty() ? std::string("nothing") : run->purchase);
  }
  if (run->purchase == "on-demand") return fmt::format("on-demand, recorded ({})", where);
  if (run->purchase == "mixed") {
    return fmt::format(
        "on-demand, the upper bound: {} has spot and on-demand environments, which ran it is not "
        "recorded",
        where);
  }
  return fmt::format("on-demand: purchase option not recorded ({})", where);
}

}  // namespace

Money StorageCost(const std::vector<StoredData>& stored) {
  constexpr long double kBytesPerGib = 1024.0L * 1024.0L * 1024.0L;
  constexpr long double kSecondsPerMonth = kHoursPerMonth * 3600.0L;
  Money total;
  for (const StoredData& data : stored) {
    const bool s3 = data.location == kStoredInS3Output;
    const long double price =
        static_cast<long double>(
            StoragePricePerGibMonth(s3 ? StorageKind::kS3 : StorageKind::kEbs).micros()) *
        static_cast<long double>(data.bytes) / kBytesPerGib;
    // S3 keeps outputs after the job: one month of them. A work directory only while it ran.
    const long double months =
        s3 ? 1.0L : static_cast<long double>(std::max(0.0, data.held_seconds)) / kSecondsPerMonth;
    total += Money::FromMicros(static_cast<std::int64_t>(std::llround(price * months)));
  }
  return total;
}

namespace {

// Per location the largest attempt's bytes, summed: a retried job's work directory is one
// directory measured again, not new data.
std::int64_t StoredBytes(const std::vector<StoredData>& stored) {
  std::map<std::string, std::int64_t> largest;
  for (const StoredData& data : stored) {
    largest[data.location] = std::max(largest[data.location], data.bytes);
  }
  std::int64_t total = 0;
  for (const auto& [location, bytes] : largest) total += bytes;
  return total;
}

std::string StorageBasis(const std::vector<StoredData>& stored, Money cost) {
  std::int64_t work = 0;
  std::int64_t s3 = 0;
  double held = 0;
  bool has_work = false;
  bool has_s3 = false;
  for (const StoredData& data : stored) {
    if (data.location == kStoredInS3Output) {
      has_s3 = true;
      s3 = std::max(s3, data.bytes);
    } else {
      has_work = true;
      work = std::max(work, data.bytes);
      held += data.held_seconds;
    }
  }
  constexpr double kMib = 1024.0 * 1024.0;
  std::string text = fmt::format("; storage {}:", cost.ToString());
  if (has_work) {
    text += fmt::format(" work directory {:.1f} MiB on EBS gp3 for {:.1f} s",
                        static_cast<double>(work) / kMib, held);
  }
  if (has_s3) {
    text += fmt::format("{} outputs {:.1f} MiB in S3 for a month", has_work ? "," : "",
                        static_cast<double>(s3) / kMib);
  }
  return text;
}

// The spot price of `instance`'s type in its region: the stored one, else a fraction of
// on-demand; and the words saying which.
struct SpotRate {
  Money per_hour;
  std::string basis;
};

SpotRate SpotRateOf(const PriceRow& instance, const Purchase& purchase) {
  auto spot_price = std::find_if(
      purchase.spot_prices.begin(), purchase.spot_prices.end(), [&](const PriceRow& row) {
        return row.instance.type == instance.instance.type && row.region == instance.region;
      });
  if (spot_price != purchase.spot_prices.end()) {
    return {spot_price->per_hour,
            fmt::format("spot price from {} ({})", spot_price->source, spot_price->as_of)};
  }
  return {
      Money::FromMicros(std::llround(static_cast<double>(instance.per_hour.micros()) *
                                     purchase.spot_price_fraction)),
      fmt::format("assumed spot price: {:g}% of on-demand", purchase.spot_price_fraction * 100)};
}

// Prices each recorded attempt on its own instance type and purchase option. False (and `cost`
// untouched) when an attempt's type has no price in `region_prices`: the caller prices the job
// as a whole instead.
bool PriceAttempts(const RecordedRun& run, const std::vector<PriceRow>& region_prices,
                   const Purchase& purchase, JobCost& cost) {
  std::vector<const PriceRow*> rows;
  for (const AttemptRun& attempt : run.attempts) {
    const auto row =
        std::find_if(region_prices.begin(), region_prices.end(),
                     [&](const PriceRow& r) { return r.instance.type == attempt.instance_type; });
    if (row == region_prices.end()) return false;
    rows.push_back(&*row);
  }
  Money compute;
  std::string parts;
  bool any_spot = false;
  bool any_on_demand = false;
  for (std::size_t i = 0; i < run.attempts.size(); ++i) {
    const AttemptRun& attempt = run.attempts[i];
    const PriceRow& row = *rows[i];
    const bool spot = purchase.spot || attempt.purchase == "spot";
    Money per_hour = row.per_hour;
    std::string how = "on-demand";
    if (spot) {
      const SpotRate rate = SpotRateOf(row, purchase);
      per_hour = rate.per_hour;
      how = "spot, " + rate.basis;
    }
    (spot ? any_spot : any_on_demand) = true;
    compute += Money::PerHourTimesSeconds(Money::FromMicros(per_hour.micros() * cost.instances),
                                          attempt.seconds);
    const std::string source =
        attempt.source == "ecs-attribute"
            ? " (type from the ECS agent's attribute: the instance is gone; purchase from its "
              "compute environment)"
            : "";
    parts += fmt::format("{}{}: {}{} {} {:.1f} s at {}/h", i == 0 ? "" : "; ", i + 1,
                         row.instance.type, source, how, attempt.seconds, per_hour.ToString());
    cost.instance_type = row.instance.type;
    cost.region = row.region;
    cost.per_hour = per_hour;
  }
  cost.compute = compute;
  cost.purchase = any_spot && any_on_demand ? "mixed" : (any_spot ? "spot" : "on-demand");
  cost.basis = fmt::format("recorded per attempt ({} queue {}{}): {}", run.backend, run.queue,
                           purchase.spot ? ", spot as asked (--spot)" : "", parts);
  return true;
}

}  // namespace

Result<JobCost> ActualCost(const sched::Job& job, const std::vector<PriceRow>& region_prices,
                           UnixMillis now, const Purchase& purchase,
                           const std::optional<RecordedRun>& run,
                           const std::vector<StoredData>& stored) {
  JobCost cost;
  cost.job_id = job.id;
  cost.name = job.request.name;
  cost.user = job.request.user;
  cost.project = job.request.project;
  cost.app = job.request.app;
  cost.state = std::string(sched::JobStateName(job.state));
  cost.ended_at = job.ended_at.value_or(0);
  cost.month = MonthOf(job.ended_at.value_or(job.started_at.value_or(job.created_at)));
  cost.running_seconds = RunningSeconds(job, now);
  cost.instances = std::max(1, job.request.resources.nodes);
  cost.core_hours = cost.running_seconds / 3600.0 * job.request.resources.vcpus * cost.instances;
  if (!job.started_at) {
    cost.basis = "never ran";
    return cost;
  }
  cost.storage = StorageCost(stored);
  cost.stored_bytes = StoredBytes(stored);
  const std::string storage_basis = stored.empty() ? "" : StorageBasis(stored, cost.storage);
  if (run && !run->attempts.empty() && PriceAttempts(*run, region_prices, purchase, cost)) {
    cost.total = cost.compute + cost.storage;
    cost.basis += storage_basis;
    return cost;
  }
  auto found = InstanceForCost(job, region_prices, run, purchase.local_arch);
  if (!found.ok()) {
    cost.total = cost.storage;
    cost.basis = "unpriced: " + found.status().message() + storage_basis;
    return cost;
  }
  const PriceRow& instance = found->row;
  cost.instance_type = instance.instance.type;
  cost.region = instance.region;
  cost.per_hour = instance.per_hour;
  const bool spot = purchase.spot || (run && run->purchase == "spot");
  std::string price_basis;
  if (spot) {
    cost.purchase = "spot";
    const SpotRate rate = SpotRateOf(instance, purchase);
    cost.per_hour = rate.per_hour;
    price_basis = rate.basis;
  }
  cost.compute = Money::PerHourTimesSeconds(
      Money::FromMicros(cost.per_hour.micros() * cost.instances), cost.running_seconds);
  cost.total = cost.compute + cost.storage;
  const std::string how = PurchaseBasis(run, purchase.spot);
  if (job.request.backend == "local") {
    cost.basis = found->basis;
  } else if (how.empty()) {
    cost.basis = "on-demand " + found->basis;  // a cloud job without a backend record
  } else {
    cost.basis = how + "; " + found->basis;
  }
  if (spot) cost.basis += ", " + price_basis;
  cost.basis += storage_basis;
  return cost;
}

Result<GroupBy> ParseGroupBy(const std::string& text) {
  if (text == "user") return GroupBy::kUser;
  if (text == "project") return GroupBy::kProject;
  if (text == "app") return GroupBy::kApp;
  if (text == "month") return GroupBy::kMonth;
  if (text == "job") return GroupBy::kJob;
  return InvalidArgumentError("--by '" + text + "' is not user, project, app, month or job");
}

const char* GroupByName(GroupBy by) {
  switch (by) {
    case GroupBy::kUser:
      return "user";
    case GroupBy::kProject:
      return "project";
    case GroupBy::kApp:
      return "app";
    case GroupBy::kMonth:
      return "month";
    case GroupBy::kJob:
      return "job";
  }
  return "?";
}

std::vector<ReportRow> GroupCosts(const std::vector<JobCost>& costs, GroupBy by) {
  std::map<std::string, ReportRow> groups;
  for (const JobCost& cost : costs) {
    std::string key;
    switch (by) {
      case GroupBy::kUser:
        key = cost.user;
        break;
      case GroupBy::kProject:
        key = cost.project;
        break;
      case GroupBy::kApp:
        key = cost.app;
        break;
      case GroupBy::kMonth:
        key = cost.month;
        break;
      case GroupBy::kJob:
        key = cost.job_id;
        break;
    }
    if (key.empty()) key = "(none)";
    ReportRow& row = groups[key];
    row.key = key;
    row.jobs += 1;
    row.running_hours += cost.running_seconds / 3600.0;
    row.core_hours += cost.core_hours;
    row.storage += cost.storage;
    row.total += cost.total;
  }
  std::vector<ReportRow> rows;
  rows.reserve(groups.size());
  for (auto& [key, row] : groups) rows.push_back(std::move(row));
  return rows;
}

std::string ReportCsv(const std::vector<ReportRow>& rows, GroupBy by) {
  std::string out =
      fmt::format("{},jobs,running_hours,core_hours,storage_usd,cost_usd\n", GroupByName(by));
  for (const ReportRow& row : rows) {
    out +=
        fmt::format("{},{},{:.6f},{:.6f},{},{}\n", CsvField(row.key), row.jobs, row.running_hours,
                    row.core_hours, row.storage.ToDecimalString(), row.total.ToDecimalString());
  }
  return out;
}

}  // namespace awshpc::cost
