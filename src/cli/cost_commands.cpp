// File: cost_commands.cpp
// `aws-hpc cost prices|estimate|report|budget`: the price catalog, estimates before a job,
// actual cost after, and monthly budgets (see docs/cost.md).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "awshpc/apps/perf_records.hpp"
#include "awshpc/arch/catalog.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/services/sts.hpp"
#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"
#include "awshpc/cost/accounting.hpp"
#include "awshpc/cost/arch_filter.hpp"
#include "awshpc/cost/budget.hpp"
#include "awshpc/cost/budget_mirror.hpp"
#include "awshpc/cost/cost_db.hpp"
#include "awshpc/cost/job_costs.hpp"
#include "awshpc/cost/job_estimate.hpp"
#include "awshpc/cost/offer_ingest.hpp"
#include "awshpc/cost/price_refresh.hpp"
#include "awshpc/spec/render.hpp"
#include "commands.hpp"

namespace awshpc::cli {
namespace {

using nlohmann::ordered_json;

// The job store is opened first: it owns the file and creates it.
Result<std::unique_ptr<cost::CostDb>> OpenCostDb(CliContext& context) {
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  (void)store;
  ASSIGN_OR_RETURN(std::string home, context.Home());
  ASSIGN_OR_RETURN(std::unique_ptr<cost::CostDb> db, cost::CostDb::Open(home + "/jobs.db"));
  RETURN_IF_ERROR(db->EnsureEmbeddedSnapshot());
  return db;
}

std::vector<std::string> SplitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      const std::size_t comma = std::min(value.find(',', start), value.size());
      if (comma > start) out.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

std::string Hours(double seconds) { return FormatDuration(std::llround(std::max(0.0, seconds))); }

// "$0.6800", "$0.07976": at least 4 decimals, and every non-zero one (prices are exact).
std::string PricePerHour(Money money) {
  std::string text = money.ToDecimalString();
  while (text.size() > text.find('.') + 5 && text.back() == '0') text.pop_back();
  return "$" + text;
}

// x86_64, arm64, auto, or a target of the architecture catalog (zen4, graviton3, cuda, ...).
Status CheckArch(const std::string& arch, bool allow_auto) {
  if (arch.empty() || cost::IsIsaName(arch) || (allow_auto && arch == "auto")) {
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
  if (auto found = catalog->Find(arch); !found.ok()) {
    return InvalidArgumentError("--arch: " + found.status().message() + "; expected x86_64, arm64" +
                                (allow_auto ? ", auto" : "") +
                                " or a target of `aws-hpc arch list`");
  }
  return Status::Ok();
}

// ---- cost prices ----

struct PricesOptions {
  std::vector<std::string> families;
  std::string region;
  std::string arch;
  std::string instance;
  bool spot = false;
};

Status Prices(CliContext& context, const PricesOptions& options) {
  RETURN_IF_ERROR(CheckArch(options.arch, false));
  ASSIGN_OR_RETURN(auto db, OpenCostDb(context));
  cost::PriceFilter filter;
  filter.families = SplitList(options.families);
  filter.region = options.region;
  if (cost::IsIsaName(options.arch)) filter.arch = options.arch;
  filter.instance_type = options.instance;
  if (options.spot) filter.purchase = "spot";
  ASSIGN_OR_RETURN(std::vector<cost::PriceRow> rows, db->Prices(filter));
  if (!options.arch.empty() && !cost::IsIsaName(options.arch)) {
    ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
    ASSIGN_OR_RETURN(rows,
                     cost::FilterByMicroarchitecture(*catalog, options.arch, std::move(rows)));
  }
  ASSIGN_OR_RETURN(auto snapshots, db->Snapshots());
  if (context.Format() != OutputFormat::kTable) {
    ordered_json out;
    out["prices"] = ordered_json::array();
    for (const cost::PriceRow& row : rows) {
      const cost::InstanceFacts& f = row.instance;
      out["prices"].push_back({{"instance_type", f.type},
                               {"family", f.family},
                               {"vcpus", f.vcpus},
                               {"cores", f.cores},
                               {"memory_gib", f.memory_gib},
                               {"arch", f.arch},
                               {"gpus", f.gpus},
                               {"gpu_model", f.gpu_model},
                               {"efa", f.efa},
                               {"region", row.region},
                               {"usd_per_hour", row.per_hour.ToDecimalString()},
                               {"source", row.source},
                               {"as_of", row.as_of}});
    }
    out["snapshots"] = ordered_json::array();
    for (const auto& [date, sources] : snapshots) {
      out["snapshots"].push_back(
          {{"date", date.substr(0, 10)}, {"id", date}, {"sources", sources}});
    }
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> table;
  for (const cost::PriceRow& row : rows) {
    const cost::InstanceFacts& f = row.instance;
    table.push_back({f.type, std::to_string(f.vcpus), fmt::format("{:g}GiB", f.memory_gib), f.arch,
                     f.gpus > 0 ? fmt::format("{} {}", f.gpus, f.gpu_model) : "-",
                     f.efa ? "yes" : "-", row.region, PricePerHour(row.per_hour), row.source});
  }
  std::cout << RenderTable(
      {"TYPE", "VCPUS", "MEMORY", "ARCH", "GPUS", "EFA", "REGION", "PER HOUR", "SOURCE"}, table);
  std::cout << fmt::format("\n{} prices. {}, Linux, USD.", rows.size(),
                           options.spot ? "Spot" : "On-demand");
  for (const auto& [date, sources] : snapshots) {
    std::cout << fmt::format(" Snapshot {}; sources:\n", date.substr(0, 10));
    std::size_t start = 0;
    while (start < sources.size()) {
      const std::size_t end = std::min(sources.find('\n', start), sources.size());
      std::cout << "  " << sources.substr(start, end - start) << "\n";
      start = end + 1;
    }
  }
  return Status::Ok();
}

// ---- cost estimate ----

struct EstimateOptions {
  std::string app;
  std::string variant;
  std::vector<std::string> params;
  std::optional<int> vcpus;
  std::string memory;
  std::optional<int> nodes;
  std::string walltime;
  std::string arch = "auto";
  std::string instance;
  std::string region;
  std::string runtime = "auto";
  bool spot = false;
  double spot_price_ratio = 0.35;
  double spot_interruption = cost::kDefaultSpotMonthlyInterruption;
  std::string checkpoint_interval;
  std::vector<std::string> storage;
  double transfer_out_gib = 0;
  bool compare = false;
  bool packed = false;
  std::size_t top = 20;
};

Result<sched::JobRequest> RenderFor(CliContext& context, const std::string& app_name,
                                    const std::string& variant,
                                    const std::vector<std::string>& params,
                                    std::optional<int> vcpus, const std::string& memory,
                                    std::optional<int> nodes, const std::string& walltime,
                                    const spec::AppSpec** app_out) {
  ASSIGN_OR_RETURN(const spec::AppSpec* app, context.Catalog().Find(app_name));
  *app_out = app;
  spec::RenderRequest render;
  render.variant = variant;
  for (const std::string& param : params) {
    const std::size_t eq = param.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("--param " + QuoteForMessage(param) + ": expected NAME=VALUE");
    }
    render.params.emplace_back(param.substr(0, eq), param.substr(eq + 1));
  }
  render.vcpus = vcpus;
  render.nodes = nodes;
  if (!memory.empty()) {
    ASSIGN_OR_RETURN_CTX(render.memory_mib, ParseMemoryMiB(memory), "--memory");
  }
  if (!walltime.empty()) {
    ASSIGN_OR_RETURN_CTX(render.walltime_seconds, ParseDurationSeconds(walltime), "--walltime");
  }
  return spec::Render(*app, render);
}

ordered_json EstimateToJson(const cost::Estimate& e, int rank_by_time) {
  return {{"instance_type", e.instance_type},
          {"region", e.region},
          {"arch", e.arch},
          {"instances", e.instances},
          {"share", e.share},
          {"usd_per_hour", e.per_hour.ToDecimalString()},
          {"runtime_seconds", e.runtime_seconds},
          {"runtime_low_seconds", e.runtime_low},
          {"runtime_high_seconds", e.runtime_high},
          {"expected_seconds", e.expected_seconds},
          {"runtime_basis", e.runtime_basis},
          {"price_basis", e.price_basis},
          {"compute_usd", e.compute.ToDecimalString()},
          {"interruption_usd", e.interruption.ToDecimalString()},
          {"storage_usd", e.storage.ToDecimalString()},
          {"transfer_usd", e.transfer.ToDecimalString()},
          {"total_usd", e.total.ToDecimalString()},
          {"total_low_usd", e.total_low.ToDecimalString()},
          {"total_high_usd", e.total_high.ToDecimalString()},
          {"rank_by_time", rank_by_time},
          {"pareto", e.pareto}};
}

Status EstimateCommand(CliContext& context, const EstimateOptions& options) {
  RETURN_IF_ERROR(CheckArch(options.arch, true));
  const spec::AppSpec* app = nullptr;
  ASSIGN_OR_RETURN_CTX(
      sched::JobRequest request,
      RenderFor(context, options.app, options.variant, options.params, options.vcpus,
                options.memory, options.nodes, options.walltime, &app),
      options.app);
  cost::JobEstimateOptions estimate;
  estimate.region = options.region.empty() ? cost::DefaultCostRegion() : options.region;
  estimate.instance_type = options.instance;
  if (!options.arch.empty() && options.arch != "auto" && !cost::IsIsaName(options.arch)) {
    estimate.microarchitecture = options.arch;
  } else if (options.arch == "auto") {
    std::set<std::string> isas;
    for (const std::string& arch : app->architectures) {
      if (std::string isa = cost::IsaOf(arch); !isa.empty()) isas.insert(isa);
    }
    estimate.isas.assign(isas.begin(), isas.end());
  } else {
    estimate.isas = {options.arch};
  }
  if (options.runtime != "auto") {
    ASSIGN_OR_RETURN_CTX(std::int64_t seconds, ParseDurationSeconds(options.runtime), "--runtime");
    estimate.runtime_seconds = static_cast<double>(seconds);
  }
  // Comparing instance types (or naming one) without --vcpus runs on each whole instance.
  estimate.use_whole_instance = !options.vcpus && (options.compare || !options.instance.empty());
  if (const spec::Variant* variant = app->FindVariant(request.variant)) {
    estimate.max_vcpus =
        variant->resources.vcpus.max.value_or(app->resources.vcpus.max.value_or(0));
  }
  estimate.packed = options.packed;
  estimate.spot = options.spot;
  if (options.spot_price_ratio <= 0 || options.spot_price_ratio > 1) {
    return InvalidArgumentError("--spot-price-ratio must be in (0, 1]");
  }
  estimate.spot_options.price_fraction = options.spot_price_ratio;
  estimate.spot_options.interruptions_per_instance_hour =
      cost::HourlyInterruptionRate(options.spot_interruption);
  if (!options.checkpoint_interval.empty()) {
    ASSIGN_OR_RETURN_CTX(std::int64_t seconds, ParseDurationSeconds(options.checkpoint_interval),
                         "--checkpoint-interval");
    estimate.spot_options.checkpoint_interval_seconds = static_cast<double>(seconds);
  }
  for (const std::string& item : options.storage) {
    const std::size_t colon = item.find(':');
    char* end = nullptr;
    const double gib =
        colon == std::string::npos ? -1 : std::strtod(item.c_str() + colon + 1, &end);
    if (colon == std::string::npos || end == nullptr || *end != '\0' || !(gib >= 0)) {
      return InvalidArgumentError("--storage " + QuoteForMessage(item) +
                                  ": expected KIND:GIB, e.g. fsx:1200 (ebs, fsx or s3)");
    }
    ASSIGN_OR_RETURN_CTX(cost::StorageKind kind, cost::ParseStorageKind(item.substr(0, colon)),
                         "--storage");
    estimate.storage.push_back({kind, gib});
  }
  if (options.transfer_out_gib < 0) return InvalidArgumentError("--transfer-out must be >= 0");
  estimate.transfer_out_gib = options.transfer_out_gib;

  ASSIGN_OR_RETURN(auto db, OpenCostDb(context));
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  ASSIGN_OR_RETURN(std::vector<cost::PerfRecord> records, cost::RecordsFor(*store, request));
  // No past runs of this configuration here: the app's published records, if it ships some.
  if (records.empty()) {
    ASSIGN_OR_RETURN(records,
                     apps::PublishedRecordsFor(app->dir, request.variant, request.parameters));
  }
  ASSIGN_OR_RETURN(std::vector<cost::Estimate> estimates,
                   cost::EstimateJob(*db, records, request, estimate));
  if (!options.compare) estimates.resize(1);

  // Rank by time as well as by cost.
  std::vector<std::size_t> by_time(estimates.size());
  for (std::size_t i = 0; i < by_time.size(); ++i) by_time[i] = i;
  std::stable_sort(by_time.begin(), by_time.end(), [&](std::size_t a, std::size_t b) {
    return estimates[a].expected_seconds < estimates[b].expected_seconds;
  });
  std::vector<int> time_rank(estimates.size());
  for (std::size_t i = 0; i < by_time.size(); ++i) time_rank[by_time[i]] = static_cast<int>(i) + 1;
  const std::size_t shown =
      options.top == 0 ? estimates.size() : std::min(options.top, estimates.size());

  if (context.Format() != OutputFormat::kTable) {
    ordered_json out;
    out["app"] = request.app;
    out["variant"] = request.variant;
    out["parameters"] = request.parameters;
    out["region"] = estimate.region;
    out["purchase"] = options.spot ? "spot" : "on-demand";
    out["candidates"] = estimates.size();
    out["estimates"] = ordered_json::array();
    for (std::size_t i = 0; i < shown; ++i) {
      out["estimates"].push_back(EstimateToJson(estimates[i], time_rank[i]));
    }
    PrintStructured(out, context.Format());
    return Status::Ok();
  }
  if (!options.compare) {
    const cost::Estimate& e = estimates.front();
    std::cout << cost::EstimateLine(e, options.spot) << "\n";
    std::cout << fmt::format(
        "  compute {}{}, storage {}, transfer out {}; {} x {} at {}/h{}\n", e.compute.ToString(),
        options.spot ? fmt::format(", expected interruptions {}", e.interruption.ToString()) : "",
        e.storage.ToString(), e.transfer.ToString(), e.instances, e.instance_type,
        PricePerHour(e.per_hour), options.spot ? " (" + e.price_basis + ")" : "");
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> table;
  for (std::size_t i = 0; i < shown; ++i) {
    const cost::Estimate& e = estimates[i];
    const std::string range =
        e.total_low == e.total_high
            ? ""
            : fmt::format("{}-{}", e.total_low.ToString(), e.total_high.ToString());
    table.push_back({std::to_string(i + 1), std::to_string(time_rank[i]), e.instance_type, e.arch,
                     std::to_string(e.instances), PricePerHour(e.per_hour),
                     Hours(e.expected_seconds), e.total.ToString(), range, e.pareto ? "*" : ""});
  }
  std::cout << RenderTable(
      {"COST#", "TIME#", "TYPE", "ARCH", "NODES", "PER HOUR", "RUNTIME", "COST", "RANGE", "PARETO"},
      table);
  std::string purchase = "on-demand";
  if (options.spot) {
    const auto priced = std::count_if(estimates.begin(), estimates.end(), [](const auto& e) {
      return e.price_basis.starts_with("spot price");
    });
    purchase = fmt::format("spot: {} of {} at stored spot prices, the others at {:g}% of on-demand",
                           priced, estimates.size(), options.spot_price_ratio * 100);
  }
  std::cout << fmt::format(
      "\n{} of {} instance types in {} ({}); runtime from {}. * = Pareto front (no type is both "
      "cheaper and faster).\n",
      shown, estimates.size(), estimate.region, purchase, estimates.front().runtime_basis);
  return Status::Ok();
}

// ---- cost report ----

struct ReportOptions {
  std::string by = "project";
  std::string since;
  std::string format;
  std::string region;
  bool spot = false;
};

Result<UnixMillis> ParseSince(const std::string& text) {
  std::string iso = text;
  if (text.size() == 7) iso += "-01";         // 2026-11
  if (iso.size() == 10) iso += "T00:00:00Z";  // 2026-11-01
  auto parsed = ParseIso8601(iso);
  if (!parsed.ok()) {
    return InvalidArgumentError("--since " + QuoteForMessage(text) +
                                ": expected a date such as 2026-11-01, 2026-11 or an ISO time");
  }
  return *parsed;
}

Status Report(CliContext& context, const ReportOptions& options) {
  ASSIGN_OR_RETURN(cost::GroupBy by, cost::ParseGroupBy(options.by));
  std::string format = options.format;
  if (format.empty()) format = context.output_flag == "table" ? "table" : context.output_flag;
  std::optional<UnixMillis> since;
  if (!options.since.empty()) {
    ASSIGN_OR_RETURN(since, ParseSince(options.since));
  }
  ASSIGN_OR_RETURN(auto db, OpenCostDb(context));
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  const std::string region = options.region.empty() ? cost::DefaultCostRegion() : options.region;
  ASSIGN_OR_RETURN(std::unique_ptr<cost::JobCosts> pricing,
                   cost::JobCosts::Create(*db, region, options.spot));
  if (pricing->RegionPrices().empty()) {
    return NotFoundError("no prices for region " + QuoteForMessage(region));
  }
  // Finished Batch jobs' outputs are measured in the platform bucket once, then recorded. The
  // AWS context opens at the first such job; without it (or a bucket) they stay unmeasured.
  bool s3_unavailable = false;
  pricing->MeasureBatchOutputsWith(
      [&context, &s3_unavailable](const sched::Job& job) -> Result<std::optional<std::int64_t>> {
        if (s3_unavailable) return std::optional<std::int64_t>();
        auto backend = context.Batch();
        auto s3 = backend.ok() ? context.S3() : Result<aws::s3::S3Client*>(backend.status());
        if (!s3.ok() || (*backend)->bucket().empty()) {
          s3_unavailable = true;
          return std::optional<std::int64_t>();
        }
        ASSIGN_OR_RETURN(std::int64_t bytes,
                         cost::BatchOutputBytes(**s3, (*backend)->bucket(), job.id));
        return std::optional<std::int64_t>(bytes);
      });
  ASSIGN_OR_RETURN(std::vector<sched::Job> jobs, store->List(store::JobFilter{}));
  const UnixMillis now = SystemClock::Instance().NowMillis();
  std::vector<cost::JobCost> costs;
  for (sched::Job& job : jobs) {
    if (!sched::IsTerminal(job.state) || !job.started_at) continue;
    if (since && job.ended_at.value_or(0) < *since) continue;
    if (job.attempts > 1) {
      ASSIGN_OR_RETURN(job, store->Get(job.id));
    }
    auto cost = pricing->Cost(job, now);
    if (!cost.ok()) return cost.status().WithContext("job " + job.id);
    costs.push_back(std::move(*cost));
  }
  std::vector<cost::ReportRow> rows = cost::GroupCosts(costs, by);
  Money total;
  for (const auto& row : rows) total += row.total;
  if (format == "csv") {
    std::cout << cost::ReportCsv(rows, by);
    return Status::Ok();
  }
  if (format == "json" || format == "yaml") {
    ordered_json out;
    out["by"] = cost::GroupByName(by);
    out["region"] = region;
    out["since"] = since ? ordered_json(FormatIso8601(*since)) : ordered_json(nullptr);
    out["rows"] = ordered_json::array();
    for (const auto& row : rows) {
      out["rows"].push_back({{"key", row.key},
                             {"jobs", row.jobs},
                             {"running_hours", row.running_hours},
                             {"core_hours", row.core_hours},
                             {"storage_usd", row.storage.ToDecimalString()},
                             {"cost_usd", row.total.ToDecimalString()}});
    }
    if (by == cost::GroupBy::kJob) {
      out["jobs"] = ordered_json::array();
      for (const auto& c : costs) {
        out["jobs"].push_back({{"id", c.job_id},
                               {"name", c.name},
                               {"user", c.user},
                               {"project", c.project},
                               {"app", c.app},
                               {"state", c.state},
                               {"month", c.month},
                               {"running_seconds", c.running_seconds},
                               {"instance_type", c.instance_type},
                               {"region", c.region},
                               {"purchase", c.purchase},
                               {"instances", c.instances},
                               {"usd_per_hour", c.per_hour.ToDecimalString()},
                               {"compute_usd", c.compute.ToDecimalString()},
                               {"stored_bytes", c.stored_bytes},
                               {"storage_usd", c.storage.ToDecimalString()},
                               {"cost_usd", c.total.ToDecimalString()},
                               {"basis", c.basis}});
      }
    }
    out["total_usd"] = total.ToDecimalString();
    PrintStructured(out, format == "json" ? OutputFormat::kJson : OutputFormat::kYaml);
    return Status::Ok();
  }
  if (format != "table") {
    return InvalidArgumentError("--format " + QuoteForMessage(format) +
                                ": expected table, csv or json");
  }
  std::vector<std::vector<std::string>> table;
  Money storage;
  for (const auto& row : rows) {
    table.push_back({row.key, std::to_string(row.jobs), fmt::format("{:.3f}", row.running_hours),
                     fmt::format("{:.3f}", row.core_hours), row.storage.ToString(),
                     row.total.ToString()});
    storage += row.storage;
  }
  table.push_back(
      {"TOTAL", std::to_string(costs.size()), "", "", storage.ToString(), total.ToString()});
  std::string upper = cost::GroupByName(by);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  std::cout << RenderTable({upper, "JOBS", "HOURS", "CORE-HOURS", "STORAGE", "COST"}, table);
  std::cout << fmt::format(
      "\nLocal jobs are priced as the cheapest {} instance of this host's architecture with their "
      "vCPUs and memory; AWS Batch jobs as their queue's compute environments buy (spot or "
      "on-demand, recorded at submission), or attempt by attempt on the instance recorded for each"
      "{}. Storage: a local job's work directory on EBS gp3 while it ran, a Batch job's outputs in "
      "S3 "
      "for a month. Per-job bases: --by job.\n",
      region,
      options.spot ? "; --spot: every job as spot (stored spot prices, else 35% of on-demand)"
                   : "");
  return Status::Ok();
}

// ---- cost budget ----

struct BudgetOptions {
  std::string project;
  std::string monthly;
  std::string alerts = "50,80,100";
  std::string hook;
  std::vector<std::string> hook_args;
  bool mirror_aws = false;
  std::vector<std::string> notify_emails;
  std::vector<std::string> notify_sns;
  std::string profile;
};

// AWS Budgets is global: any region signs for it, so none has to be configured.
Result<std::unique_ptr<aws::AwsContext>> BudgetsContext(const std::string& profile) {
  aws::AwsContextOptions options;
  options.cli_profile = profile;
  if (!aws::Environment::System().Get("AWS_REGION") &&
      !aws::Environment::System().Get("AWS_DEFAULT_REGION")) {
    options.cli_region = "us-east-1";
  }
  return aws::AwsContext::Create(options);
}

Result<std::string> AccountId(aws::AwsContext& context) {
  ASSIGN_OR_RETURN(auto sts, aws::sts::StsIdentityClient::Create(context));
  ASSIGN_OR_RETURN(auto identity, sts.GetCallerIdentity());
  return identity.account;
}

Status BudgetSet(CliContext& context, const BudgetOptions& options) {
  if (options.project.empty()) return InvalidArgumentError("--project is required");
  ASSIGN_OR_RETURN_CTX(Money monthly, Money::Parse(options.monthly), "--monthly");
  if (monthly.micros() <= 0) return InvalidArgumentError("--monthly must be more than $0");
  cost::Budget budget;
  budget.project = options.project;
  budget.monthly = monthly;
  ASSIGN_OR_RETURN(budget.alert_percents, cost::ParseAlertPercents(options.alerts));
  if (!options.hook.empty()) {
    budget.hook_argv.push_back(options.hook);
    budget.hook_argv.insert(budget.hook_argv.end(), options.hook_args.begin(),
                            options.hook_args.end());
  } else if (!options.hook_args.empty()) {
    return InvalidArgumentError("--hook-arg needs --hook");
  }
  ASSIGN_OR_RETURN(auto db, OpenCostDb(context));
  // A mirrored budget stays mirrored: setting it again updates the AWS budget too.
  ASSIGN_OR_RETURN(std::optional<cost::Budget> existing, db->FindBudget(budget.project));
  const bool notify_given = !options.notify_emails.empty() || !options.notify_sns.empty();
  if (notify_given && !options.mirror_aws && !(existing && !existing->aws_mirror.empty())) {
    return InvalidArgumentError("--notify-email and --notify-sns need --mirror-aws");
  }
  std::optional<cost::MirrorResult> mirrored;
  if (options.mirror_aws || (existing && !existing->aws_mirror.empty())) {
    cost::MirrorTarget target;
    if (existing && !existing->aws_mirror.empty()) {
      ASSIGN_OR_RETURN(target, cost::MirrorTarget::FromJson(existing->aws_mirror));
    }
    if (notify_given) {
      target.subscribers.clear();
      for (const auto& email : SplitList(options.notify_emails))
        target.subscribers.push_back({"EMAIL", email});
      for (const auto& arn : SplitList(options.notify_sns))
        target.subscribers.push_back({"SNS", arn});
    }
    if (target.subscribers.empty()) {
      return InvalidArgumentError(
          "--mirror-aws needs who the AWS budget notifies: --notify-email ADDRESS or "
          "--notify-sns TOPIC_ARN");
    }
    ASSIGN_OR_RETURN(auto aws_context, BudgetsContext(options.profile));
    if (target.account_id.empty()) {
      ASSIGN_OR_RETURN_CTX(target.account_id, AccountId(*aws_context), "sts GetCallerIdentity");
    }
    ASSIGN_OR_RETURN(auto client, aws::budgets::BudgetsClient::Create(*aws_context));
    ASSIGN_OR_RETURN_CTX(mirrored, cost::MirrorBudget(client, budget, target),
                         "mirroring into AWS Budgets (the budget was not changed)");
    budget.aws_mirror = target.ToJson();
  }
  RETURN_IF_ERROR(db->SetBudget(budget));
  if (context.Format() == OutputFormat::kTable) {
    std::string alerts;
    for (int p : budget.alert_percents) alerts += (alerts.empty() ? "" : ",") + std::to_string(p);
    std::cout << fmt::format(
        "Budget for project {}: {} a month, alerts at {}%{}\n", QuoteForMessage(budget.project),
        monthly.ToString(), alerts,
        budget.hook_argv.empty() ? "" : ", hook " + QuoteForMessage(budget.hook_argv.front()));
    if (mirrored) {
      std::cout << fmt::format("AWS Budgets: {} {}{}; notifications {} added, {} removed\n",
                               mirrored->budget_name, mirrored->created ? "created" : "exists",
                               mirrored->limit_updated ? ", limit updated" : "",
                               mirrored->notifications_added, mirrored->notifications_removed);
    }
  } else {
    ordered_json out = {{"project", budget.project},
                        {"monthly_usd", monthly.ToDecimalString()},
                        {"alert_percents", budget.alert_percents},
                        {"hook", budget.hook_argv}};
    if (mirrored) {
      out["aws_budget"] = {{"name", mirrored->budget_name},
                           {"created", mirrored->created},
                           {"limit_updated", mirrored->limit_updated},
                           {"notifications_added", mirrored->notifications_added},
                           {"notifications_removed", mirrored->notifications_removed}};
    }
    PrintStructured(out, context.Format());
  }
  return Status::Ok();
}

Status BudgetList(CliContext& context) {
  ASSIGN_OR_RETURN(auto db, OpenCostDb(context));
  ASSIGN_OR_RETURN(store::JobStore * store, context.Store());
  ASSIGN_OR_RETURN(std::vector<cost::Budget> budgets, db->Budgets());
  const UnixMillis now = SystemClock::Instance().NowMillis();
  ordered_json out = ordered_json::array();
  std::vector<std::vector<std::string>> table;
  for (const cost::Budget& budget : budgets) {
    ASSIGN_OR_RETURN(
        cost::BudgetStatus status,
        cost::ComputeBudgetStatus(*db, *store, budget, cost::DefaultCostRegion(), now));
    std::string alerts;
    for (int p : budget.alert_percents) alerts += (alerts.empty() ? "" : ",") + std::to_string(p);
    table.push_back({budget.project, status.month, budget.monthly.ToString(),
                     status.spent.ToString(), status.committed.ToString(),
                     status.Remaining().ToString(), alerts + "%",
                     budget.hook_argv.empty() ? "-" : budget.hook_argv.front(),
                     budget.aws_mirror.empty() ? "-" : cost::AwsBudgetName(budget.project)});
    out.push_back({{"project", budget.project},
                   {"month", status.month},
                   {"monthly_usd", budget.monthly.ToDecimalString()},
                   {"spent_usd", status.spent.ToDecimalString()},
                   {"committed_usd", status.committed.ToDecimalString()},
                   {"left_usd", status.Remaining().ToDecimalString()},
                   {"live_jobs", status.live_jobs},
                   {"alert_percents", budget.alert_percents},
                   {"hook", budget.hook_argv},
                   {"aws_budget", budget.aws_mirror.empty()
                                      ? ordered_json(nullptr)
                                      : ordered_json(cost::AwsBudgetName(budget.project))}});
  }
  if (context.Format() != OutputFormat::kTable) {
    PrintStructured(out, context.Format());
  } else if (table.empty()) {
    std::cout << "No budgets. Set one with `aws-hpc cost budget set --project P --monthly 500`.\n";
  } else {
    std::cout << RenderTable({"PROJECT", "MONTH", "BUDGET", "SPENT", "COMMITTED", "LEFT", "ALERTS",
                              "HOOK", "AWS BUDGET"},
                             table);
  }
  return Status::Ok();
}

Status BudgetDelete(CliContext& context, const std::string& project, const std::string& profile) {
  ASSIGN_OR_RETURN(auto db, OpenCostDb(context));
  ASSIGN_OR_RETURN(std::optional<cost::Budget> existing, db->FindBudget(project));
  if (existing && !existing->aws_mirror.empty()) {
    ASSIGN_OR_RETURN(cost::MirrorTarget target, cost::MirrorTarget::FromJson(existing->aws_mirror));
    ASSIGN_OR_RETURN(auto aws_context, BudgetsContext(profile));
    ASSIGN_OR_RETURN(auto client, aws::budgets::BudgetsClient::Create(*aws_context));
    ASSIGN_OR_RETURN_CTX(bool aws_deleted,
                         cost::DeleteMirroredBudget(client, target.account_id, project),
                         "deleting the AWS budget (the budget was not deleted)");
    if (context.Format() == OutputFormat::kTable) {
      std::cout << fmt::format("AWS Budgets: {} {}\n", cost::AwsBudgetName(project),
                               aws_deleted ? "deleted" : "was already gone");
    }
  }
  ASSIGN_OR_RETURN(bool deleted, db->DeleteBudget(project));
  if (!deleted) return NotFoundError("no budget for project " + QuoteForMessage(project));
  if (context.Format() == OutputFormat::kTable) {
    std::cout << "Deleted the budget of project " << QuoteForMessage(project) << "\n";
  } else {
    PrintStructured({{"project", project}, {"deleted", true}}, context.Format());
  }
  return Status::Ok();
}

// ---- cost refresh ----

struct RefreshOptions {
  std::vector<std::string> offer_files;
  std::string region_index;
  bool price_list = false;
  bool pricing_api = false;
  bool spot = false;
  std::vector<std::string> regions;
  std::vector<std::string> families;
  std::string price_list_url;
  std::string profile;
};

Status PrintLoaded(const std::string& what, const cost::Snapshot& snapshot, bool loaded,
                   const std::string& extra) {
  std::cout << fmt::format("{}: {} {} prices dated {}{}{}\n", what, snapshot.rows.size(),
                           snapshot.purchase, snapshot.date, extra,
                           loaded ? "" : "; already loaded");
  return Status::Ok();
}

Status Refresh(CliContext& context, const RefreshOptions& options) {
  const bool from_aws = options.price_list || options.pricing_api || options.spot;
  if (options.offer_files.empty() && options.region_index.empty() && !from_aws) {
    return InvalidArgumentError(
        "say what to refresh from: --price-list (download the Price List bulk offer files), "
        "--pricing-api (GetProducts), --spot (DescribeSpotPriceHistory), or --offer-file FILE");
  }
  if (!options.region_index.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFileToString(options.region_index, 16 << 20));
    ASSIGN_OR_RETURN_CTX(auto regions, cost::ParseRegionIndex(text), options.region_index);
    for (const auto& [region, url] : regions) {
      std::cout << region << "  " << cost::PriceListBaseUrl() << url << "\n";
    }
  }
  if (options.offer_files.empty() && !from_aws) return Status::Ok();
  ASSIGN_OR_RETURN(auto db, OpenCostDb(context));
  for (const std::string& file : options.offer_files) {
    cost::IngestStats stats;
    const double start = MonotonicSeconds();
    ASSIGN_OR_RETURN_CTX(cost::Snapshot snapshot, cost::IngestOfferFile(file, &stats), file);
    const double seconds = MonotonicSeconds() - start;
    ASSIGN_OR_RETURN(bool loaded, db->LoadSnapshot(snapshot));
    RETURN_IF_ERROR(
        PrintLoaded(file, snapshot, loaded,
                    fmt::format(" ({} of {} products on-demand Linux shared), {:.0f} MB in {:.2f}s",
                                stats.matching_products, stats.products,
                                static_cast<double>(stats.bytes) / 1e6, seconds)));
  }
  if (!from_aws) return Status::Ok();

  std::vector<std::string> regions = SplitList(options.regions);
  if (regions.empty()) regions.push_back(cost::DefaultCostRegion());
  const std::vector<std::string> families = SplitList(options.families);
  const UnixMillis now = SystemClock::Instance().NowMillis();
  const std::string today = cost::DateOf(now);
  ASSIGN_OR_RETURN(std::string home, context.Home());
  for (const std::string& region : regions) {
    aws::AwsContextOptions aws_options;
    aws_options.cli_profile = options.profile;
    aws_options.cli_region = region;
    ASSIGN_OR_RETURN(auto aws_context, aws::AwsContext::Create(aws_options));
    if (options.price_list) {
      const std::string base =
          options.price_list_url.empty() ? cost::PriceListBaseUrl() : options.price_list_url;
      ASSIGN_OR_RETURN(cost::OfferDownload download,
                       cost::DownloadRegionOffer(aws_context->http(), base, region, home));
      ASSIGN_OR_RETURN(bool loaded, db->LoadSnapshot(download.snapshot));
      RETURN_IF_ERROR(
          PrintLoaded(region + " Price List", download.snapshot, loaded,
                      fmt::format(" from {} ({:.0f} MB: download {:.2f}s, parse {:.2f}s)",
                                  download.url, static_cast<double>(download.stats.bytes) / 1e6,
                                  download.download_seconds, download.parse_seconds)));
    }
    if (options.pricing_api) {
      ASSIGN_OR_RETURN(auto pricing, aws::pricing::PricingClient::Create(*aws_context));
      ASSIGN_OR_RETURN_CTX(cost::Snapshot snapshot,
                           cost::FetchProducts(pricing, region, families, today),
                           "pricing GetProducts " + region);
      ASSIGN_OR_RETURN(bool loaded, db->LoadSnapshot(snapshot));
      RETURN_IF_ERROR(PrintLoaded(region + " GetProducts", snapshot, loaded, ""));
    }
    if (options.spot) {
      cost::PriceFilter filter;
      filter.region = region;
      filter.families = families;
      ASSIGN_OR_RETURN(std::vector<cost::PriceRow> known, db->Prices(filter));
      if (known.empty()) {
        return NotFoundError(fmt::format(
            "no on-demand prices for {} in the catalog to look spot prices up for; refresh them "
            "first (--price-list or --pricing-api)",
            region));
      }
      ASSIGN_OR_RETURN(auto ec2, aws::ec2::Ec2Client::Create(*aws_context));
      ASSIGN_OR_RETURN_CTX(cost::Snapshot snapshot,
                           cost::FetchSpotPrices(ec2, known, region, today, now),
                           "ec2 DescribeSpotPriceHistory " + region);
      ASSIGN_OR_RETURN(bool loaded, db->LoadSnapshot(snapshot));
      RETURN_IF_ERROR(PrintLoaded(region + " DescribeSpotPriceHistory", snapshot, loaded,
                                  fmt::format(" ({} of {} catalog types have a Linux spot price)",
                                              snapshot.rows.size(), known.size())));
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterCostCommands(CLI::App& root, CliContext& context, CommandResult& result) {
  CLI::App* cost = root.add_subcommand("cost", "Prices, estimates, actual cost and budgets");
  cost->require_subcommand(1);

  auto prices_options = std::make_shared<PricesOptions>();
  CLI::App* prices = cost->add_subcommand("prices", "On-demand Linux prices in the catalog");
  prices->add_option("--family", prices_options->families,
                     "Instance families, e.g. c7g or c7g,hpc7g; repeatable");
  prices->add_option("--region", prices_options->region, "Only this region, e.g. us-east-1");
  prices->add_option("--arch", prices_options->arch,
                     "Only x86_64 or arm64 instances, or those that run code built for a target "
                     "of the architecture catalog (zen4, graviton3, x86_64_v4, cuda; see "
                     "`aws-hpc arch list`)");
  prices->add_flag("--spot", prices_options->spot,
                   "Spot prices stored by `cost refresh --spot` instead of on-demand");
  prices->add_option("--instance", prices_options->instance, "Only this instance type");
  prices->callback(
      [&context, &result, prices_options] { result.status = Prices(context, *prices_options); });

  auto estimate_options = std::make_shared<EstimateOptions>();
  CLI::App* estimate = cost->add_subcommand(
      "estimate", "What a job of APP would cost (and take), before submitting it");
  estimate->add_option("app", estimate_options->app, "Application name")->required();
  estimate->add_option("--variant", estimate_options->variant, "Variant of the application");
  estimate->add_option("-p,--param", estimate_options->params,
                       "Parameter as NAME=VALUE; repeatable");
  estimate->add_option("--vcpus", estimate_options->vcpus,
                       "vCPUs per node (default: the app's; with --compare or --instance, the "
                       "whole instance)");
  estimate->add_option("--memory", estimate_options->memory, "Memory per node, e.g. 8GiB");
  estimate->add_option("--nodes", estimate_options->nodes, "Number of instances");
  estimate->add_option("--walltime", estimate_options->walltime,
                       "Time limit (the runtime bound "
                       "when nothing better is known)");
  estimate->add_option("--arch", estimate_options->arch,
                       "x86_64, arm64, auto (the app's architectures; default) or a target of "
                       "the architecture catalog (zen4, graviton3, cuda, ...)");
  estimate->add_option("--instance", estimate_options->instance,
                       "Price this instance type (default: the cheapest that fits)");
  estimate->add_option("--region", estimate_options->region,
                       "Region (default $AWS_HPC_COST_REGION or us-east-1)");
  estimate->add_option("--runtime", estimate_options->runtime,
                       "Runtime, e.g. 2h, or auto: from past runs of the same app and parameters "
                       "(default), else the walltime as an upper bound");
  estimate->add_flag("--spot", estimate_options->spot,
                     "Spot: the spot price plus the expected cost of interruptions");
  estimate->add_option("--spot-price-ratio", estimate_options->spot_price_ratio,
                       "Spot price as a fraction of on-demand, for types without a stored spot "
                       "price (`cost refresh --spot`; default 0.35)");
  estimate->add_option("--spot-interruption", estimate_options->spot_interruption,
                       "Fraction of spot instances interrupted per month (default 0.10, the "
                       "Spot Advisor's 5-10% band)");
  estimate->add_option("--checkpoint-interval", estimate_options->checkpoint_interval,
                       "With --spot: an interruption loses at most this much work (default: "
                       "the whole run is repeated)");
  estimate->add_option("--storage", estimate_options->storage,
                       "Storage held while the job runs, KIND:GIB with KIND ebs, fsx or s3; "
                       "repeatable");
  estimate->add_option("--transfer-out", estimate_options->transfer_out_gib,
                       "GiB of results transferred out to the internet");
  estimate->add_flag("--compare", estimate_options->compare,
                     "Rank every catalog instance type that fits by cost and by time, marking "
                     "the Pareto front");
  estimate->add_flag("--packed", estimate_options->packed,
                     "Charge only the job's share of each instance (vCPUs, memory or GPUs, "
                     "whichever is larger), as when jobs are packed onto shared instances");
  estimate->add_option("--top", estimate_options->top,
                       "With --compare: show N rows (0: all; "
                       "default 20)");
  estimate->callback([&context, &result, estimate_options] {
    result.status = EstimateCommand(context, *estimate_options);
  });

  auto report_options = std::make_shared<ReportOptions>();
  CLI::App* report = cost->add_subcommand(
      "report",
      "What finished jobs cost, grouped: compute (each attempt's running time) plus storage (a "
      "local job's work directory, a Batch job's outputs in S3, measured once)");
  report
      ->add_option("--by", report_options->by, "user, project, app, month or job (default project)")
      ->check(CLI::IsMember({"user", "project", "app", "month", "job"}));
  report->add_option("--since", report_options->since,
                     "Only jobs that ended at or after this date (2026-11-01, 2026-11, ISO time)");
  report->add_option("--format", report_options->format, "table, csv or json (default: --output)")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  report->add_option("--region", report_options->region,
                     "Price local jobs in this region (default $AWS_HPC_COST_REGION or us-east-1)");
  report->add_flag("--spot", report_options->spot,
                   "What if every job had run on spot (stored spot prices, else 35% of "
                   "on-demand); without it AWS Batch jobs are priced as their queue's compute "
                   "environments bought (recorded at submission; per attempt, the type and "
                   "option of the instance that ran it when Sync recorded them) and local jobs "
                   "on-demand on an instance of this host's architecture");
  report->callback(
      [&context, &result, report_options] { result.status = Report(context, *report_options); });

  auto refresh_options = std::make_shared<RefreshOptions>();
  CLI::App* refresh = cost->add_subcommand(
      "refresh",
      "Update the catalog from AWS: Price List bulk offer files (stream-parsed), Pricing "
      "GetProducts, spot prices");
  refresh->add_flag("--price-list", refresh_options->price_list,
                    "Download region_index.json and each region's EC2 offer file (hundreds of MB, "
                    "streamed to $AWS_HPC_HOME and parsed in chunks)");
  refresh->add_flag("--pricing-api", refresh_options->pricing_api,
                    "Ask the Pricing API (GetProducts) for the regions' Linux on-demand prices");
  refresh->add_flag("--spot", refresh_options->spot,
                    "Current spot prices from EC2 DescribeSpotPriceHistory for the catalog's "
                    "types (the highest availability zone's)");
  refresh->add_option("--region", refresh_options->regions,
                      "Regions to refresh, e.g. us-east-1,eu-west-1 (default "
                      "$AWS_HPC_COST_REGION or us-east-1); repeatable");
  refresh->add_option("--family", refresh_options->families,
                      "Only these families (--pricing-api, --spot); repeatable");
  refresh->add_option("--price-list-url", refresh_options->price_list_url,
                      "Base URL of the bulk files (default $AWS_HPC_PRICE_LIST_URL or "
                      "https://pricing.us-east-1.amazonaws.com)");
  refresh->add_option("--profile", refresh_options->profile, "Profile of ~/.aws/config to use");
  refresh->add_option("--offer-file", refresh_options->offer_files,
                      "A downloaded AmazonEC2 offer file (index.json); repeatable");
  refresh->add_option("--region-index", refresh_options->region_index,
                      "A downloaded region_index.json: print each region's offer file URL");
  refresh->callback(
      [&context, &result, refresh_options] { result.status = Refresh(context, *refresh_options); });

  CLI::App* budget = cost->add_subcommand("budget", "Monthly budgets per project");
  budget->require_subcommand(1);
  auto budget_options = std::make_shared<BudgetOptions>();
  CLI::App* set = budget->add_subcommand(
      "set", "Set a project's monthly budget; submissions over what is left are refused");
  set->add_option("--project", budget_options->project, "Project")->required();
  set->add_option("--monthly", budget_options->monthly, "USD per calendar month, e.g. 500")
      ->required();
  set->add_option("--alert", budget_options->alerts,
                  "Alert at these percents of the budget (default 50,80,100)");
  set->add_option("--hook", budget_options->hook,
                  "Program run for each alert with the event as JSON on stdin (no shell)");
  set->add_option("--hook-arg", budget_options->hook_args,
                  "An argument for the hook program; repeatable")
      ->allow_extra_args(false);
  set->add_flag("--mirror-aws", budget_options->mirror_aws,
                "Also create or update an AWS Budget (aws-hpc-PROJECT, filtered on the cost "
                "allocation tag aws-hpc:project) with a notification at each alert percent; kept "
                "in sync by later `budget set` and `budget delete`");
  set->add_option("--notify-email", budget_options->notify_emails,
                  "With --mirror-aws: email address the AWS Budget notifies; repeatable");
  set->add_option("--notify-sns", budget_options->notify_sns,
                  "With --mirror-aws: SNS topic ARN the AWS Budget notifies; repeatable");
  set->add_option("--profile", budget_options->profile,
                  "Profile of ~/.aws/config for --mirror-aws");
  set->callback(
      [&context, &result, budget_options] { result.status = BudgetSet(context, *budget_options); });
  CLI::App* list = budget->add_subcommand("list", "Budgets with this month's spending");
  list->callback([&context, &result] { result.status = BudgetList(context); });
  auto delete_project = std::make_shared<std::string>();
  auto delete_profile = std::make_shared<std::string>();
  CLI::App* remove = budget->add_subcommand(
      "delete", "Delete a project's budget (and its AWS Budgets mirror, if any)");
  remove->add_option("--project", *delete_project, "Project")->required();
  remove->add_option("--profile", *delete_profile,
                     "Profile of ~/.aws/config for deleting the AWS Budgets mirror");
  remove->callback([&context, &result, delete_project, delete_profile] {
    result.status = BudgetDelete(context, *delete_project, *delete_profile);
  });
}

}  // namespace awshpc::cli
