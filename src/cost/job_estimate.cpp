// File: job_estimate.cpp
#include "awshpc/cost/job_estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "awshpc/core/units.hpp"
#include "awshpc/cost/arch_filter.hpp"

namespace awshpc::cost {

std::string DefaultCostRegion() {
  const char* region = std::getenv("AWS_HPC_COST_REGION");
  return region != nullptr && *region != '\0' ? region : "us-east-1";
}

namespace {

// Records measured on `type` if any, else on its family, else all of them: published records
// name their instance, so --compare ranks types on measured numbers where there are some.
std::vector<PerfRecord> RecordsForInstance(const std::vector<PerfRecord>& records,
                                           const std::string& type) {
  const auto family = [](const std::string& t) { return t.substr(0, t.find('.')); };
  std::vector<PerfRecord> same_type;
  std::vector<PerfRecord> same_family;
  for (const PerfRecord& record : records) {
    if (record.instance_type == type) same_type.push_back(record);
    if (!record.instance_type.empty() && family(record.instance_type) == family(type)) {
      same_family.push_back(record);
    }
  }
  if (!same_type.empty()) return same_type;
  if (!same_family.empty()) return same_family;
  return records;
}

}  // namespace

Result<std::vector<PerfRecord>> RecordsFor(store::JobStore& store,
                                           const sched::JobRequest& request) {
  store::JobFilter filter;
  filter.states = {sched::JobState::kSucceeded};
  filter.app = request.app;
  filter.limit = 200;
  ASSIGN_OR_RETURN(std::vector<sched::Job> jobs, store.List(filter));
  std::vector<PerfRecord> records;
  for (const sched::Job& job : jobs) {
    if (job.request.variant != request.variant || job.request.parameters != request.parameters ||
        job.outcome.usage.wall_seconds <= 0) {
      continue;
    }
    records.push_back(PerfRecord{job.request.resources.vcpus, job.request.resources.nodes,
                                 job.outcome.usage.wall_seconds, job.id});
  }
  return records;
}

RuntimeEstimate ResolveRuntime(const std::vector<PerfRecord>& records,
                               const JobEstimateOptions& options, const sched::JobRequest& request,
                               int vcpus) {
  if (options.runtime_seconds) return FixedRuntime(*options.runtime_seconds, "--runtime");
  if (!records.empty()) {
    return RuntimeFromRecords(records, vcpus, std::max(1, request.resources.nodes));
  }
  RuntimeEstimate bound;
  bound.seconds = bound.high = static_cast<double>(request.resources.walltime_seconds);
  bound.low = 0;
  bound.basis = fmt::format("the walltime limit {} (no past runs: an upper bound)",
                            FormatDuration(request.resources.walltime_seconds));
  return bound;
}

Result<std::vector<Estimate>> EstimateJob(CostDb& db, const std::vector<PerfRecord>& records,
                                          const sched::JobRequest& request,
                                          const JobEstimateOptions& options) {
  PriceFilter filter;
  filter.region = options.region.empty() ? DefaultCostRegion() : options.region;
  filter.instance_type = options.instance_type;
  ASSIGN_OR_RETURN(std::vector<PriceRow> prices, db.Prices(filter));
  if (prices.empty() && !options.instance_type.empty()) {
    return db.Price(options.instance_type, filter.region).status();
  }
  if (!options.microarchitecture.empty()) {
    ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
    ASSIGN_OR_RETURN(
        prices, FilterByMicroarchitecture(*catalog, options.microarchitecture, std::move(prices)));
  }
  // Stored spot prices (cost refresh --spot) replace the assumed fraction, type by type.
  std::map<std::string, PriceRow> spot_prices;
  if (options.spot && !options.spot_options.price_per_hour) {
    PriceFilter spot = filter;
    spot.purchase = "spot";
    ASSIGN_OR_RETURN(std::vector<PriceRow> rows, db.Prices(spot));
    for (PriceRow& row : rows) spot_prices.emplace(row.instance.type, std::move(row));
  }
  const sched::Resources& resources = request.resources;
  std::vector<Estimate> estimates;
  std::string last_error;
  for (const PriceRow& row : prices) {
    if (!options.isas.empty() && std::find(options.isas.begin(), options.isas.end(),
                                           row.instance.arch) == options.isas.end()) {
      continue;
    }
    EstimateInput input;
    input.instance = row;
    input.nodes = std::max(1, resources.nodes);
    input.vcpus_per_node = resources.vcpus;
    if (options.use_whole_instance) {
      input.vcpus_per_node = row.instance.vcpus;
      if (options.max_vcpus > 0)
        input.vcpus_per_node = std::min(input.vcpus_per_node, options.max_vcpus);
      input.vcpus_per_node = std::max(input.vcpus_per_node, resources.vcpus);
    }
    input.memory_gib_per_node = static_cast<double>(resources.memory_mib) / 1024.0;
    input.gpus_per_node = resources.gpus;
    input.whole_instances = !options.packed;
    const std::vector<PerfRecord> chosen = RecordsForInstance(records, row.instance.type);
    input.runtime = ResolveRuntime(chosen, options, request, input.vcpus_per_node);
    if (!options.runtime_seconds && !chosen.empty() && !chosen.front().instance_type.empty()) {
      input.runtime.basis = chosen.size() == 1 ? fmt::format("{} on {}", chosen.front().source,
                                                             chosen.front().instance_type)
                                               : fmt::format("{} published runs", chosen.size());
    }
    input.spot = options.spot;
    input.spot_options = options.spot_options;
    if (auto spot = spot_prices.find(row.instance.type); spot != spot_prices.end()) {
      input.spot_options.price_per_hour = spot->second.per_hour;
      input.spot_options.price_source =
          fmt::format("{} ({})", spot->second.source, spot->second.as_of);
    }
    input.storage = options.storage;
    input.transfer_out_gib = options.transfer_out_gib;
    auto estimate = EstimateCost(input);
    if (!estimate.ok()) {
      last_error = estimate.status().message();
      continue;
    }
    estimates.push_back(std::move(*estimate));
  }
  if (estimates.empty()) {
    if (!options.instance_type.empty() && !last_error.empty())
      return InvalidArgumentError(last_error);
    return NotFoundError(
        fmt::format("no instance type in {} fits {} vCPUs and {} per node{}", filter.region,
                    resources.vcpus, FormatMemoryMiB(resources.memory_mib),
                    !options.microarchitecture.empty() ? " on " + options.microarchitecture
                    : options.isas.size() == 1         ? " on " + options.isas.front()
                                                       : std::string()));
  }
  std::stable_sort(estimates.begin(), estimates.end(), [](const Estimate& a, const Estimate& b) {
    if (a.total != b.total) return a.total < b.total;
    return a.expected_seconds < b.expected_seconds;
  });
  MarkParetoFront(estimates);
  return estimates;
}

}  // namespace awshpc::cost
