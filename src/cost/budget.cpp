// File: budget.cpp
#include "awshpc/cost/budget.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "awshpc/core/paths.hpp"
#include "awshpc/cost/accounting.hpp"
#include "awshpc/cost/arch_filter.hpp"
#include "awshpc/cost/job_costs.hpp"
#include "awshpc/cost/job_estimate.hpp"

extern char** environ;

namespace awshpc::cost {
namespace {

bool IsLive(sched::JobState state) { return !sched::IsTerminal(state); }

std::string ParamsKey(const sched::JobRequest& request) {
  std::string key = request.app + "\n" + request.variant;
  for (const auto& [name, value] : request.parameters) key += "\n" + name + "=" + value;
  return key;
}

// The central estimate for a request on the cheapest type that fits (of the plan's architecture
// and purchase option); zero when none fits.
Result<Money> CentralEstimate(CostDb& db, store::JobStore& store, const sched::JobRequest& request,
                              const std::string& region, const SubmissionPlan& plan,
                              std::map<std::string, std::vector<PerfRecord>>& cache,
                              std::string* line) {
  auto cached = cache.find(ParamsKey(request));
  if (cached == cache.end()) {
    ASSIGN_OR_RETURN(std::vector<PerfRecord> records, RecordsFor(store, request));
    cached = cache.emplace(ParamsKey(request), std::move(records)).first;
  }
  JobEstimateOptions options;
  options.region = region;
  options.spot = plan.spot;
  // A local job runs code built for this host: estimated on its architecture, as accounted.
  const std::string arch = plan.arch.empty() && request.backend == "local" ? HostIsa() : plan.arch;
  if (IsIsaName(arch)) {
    options.isas = {arch};
  } else {
    options.microarchitecture = arch;
  }
  ASSIGN_OR_RETURN(std::vector<Estimate> estimates,
                   EstimateJob(db, cached->second, request, options));
  if (line != nullptr) {
    *line = EstimateLineAs(estimates.front(), !plan.purchase_label.empty() ? plan.purchase_label
                                              : plan.spot                  ? "spot"
                                                                           : "on-demand");
  }
  return estimates.front().total;
}

}  // namespace

Result<std::vector<int>> ParseAlertPercents(const std::string& text) {
  std::vector<int> percents;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    char* end = nullptr;
    const long value = std::strtol(part.c_str(), &end, 10);
    if (part.empty() || end == nullptr || *end != '\0' || value < 1 || value > 1000) {
      return InvalidArgumentError("--alert '" + text +
                                  "': expected percents such as 50,80,100 (1..1000)");
    }
    if (!percents.empty() && value <= percents.back()) {
      return InvalidArgumentError("--alert '" + text + "': percents must be ascending");
    }
    percents.push_back(static_cast<int>(value));
    start = comma + 1;
  }
  return percents;
}

Result<BudgetStatus> ComputeBudgetStatus(CostDb& db, store::JobStore& store, const Budget& budget,
                                         const std::string& region, UnixMillis now) {
  BudgetStatus status;
  status.budget = budget;
  status.month = MonthOf(now);
  // Spent is priced as `cost report` prices it (recorded purchase option, spot prices, region).
  ASSIGN_OR_RETURN(std::unique_ptr<JobCosts> costs, JobCosts::Create(db, region, false));
  ASSIGN_OR_RETURN(std::vector<sched::Job> jobs, store.List(store::JobFilter{}));
  std::map<std::string, std::vector<PerfRecord>> cache;
  for (sched::Job& job : jobs) {
    if (job.request.project != budget.project) continue;
    if (IsLive(job.state)) {
      // Committed as the job will be charged: spot if its backend recorded spot, on its image's
      // architecture.
      SubmissionPlan plan;
      ASSIGN_OR_RETURN(std::optional<RecordedRun> run, costs->Recorded(job));
      if (run) {
        plan.spot = run->purchase == "spot";
        plan.arch = run->arch;
      }
      auto estimate = CentralEstimate(db, store, job.request, region, plan, cache, nullptr);
      if (estimate.ok()) status.committed += *estimate;
      ++status.live_jobs;
      continue;
    }
    if (!job.ended_at || MonthOf(*job.ended_at) != status.month) continue;
    if (job.attempts > 1) {
      ASSIGN_OR_RETURN(job, store.Get(job.id));  // with history: every attempt counts
    }
    auto cost = costs->Cost(job, now);
    if (cost.ok()) status.spent += cost->total;
  }
  return status;
}

std::string AlertEvent::ToJson() const {
  nlohmann::ordered_json event = {
      {"event", "aws-hpc.budget.alert"},
      {"time", FormatIso8601(time)},
      {"project", project},
      {"month", month},
      {"percent", percent},
      {"budget_usd", budget.ToDecimalString()},
      {"spent_usd", spent.ToDecimalString()},
      {"committed_usd", committed.ToDecimalString()},
      {"estimate_usd", estimate.ToDecimalString()},
      {"projected_usd", (spent + committed + estimate).ToDecimalString()},
      {"job_name", job_name},
      {"app", app},
      {"user", user},
  };
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AlertEvent::Message() const {
  return fmt::format(
      "budget alert: project {} reaches {}% of its {} monthly budget ({}): {} spent + {} "
      "committed + {} for this job = {}",
      project, percent, budget.ToString(), month, spent.ToString(), committed.ToString(),
      estimate.ToString(), (spent + committed + estimate).ToString());
}

Status RunHook(const std::vector<std::string>& argv, const std::string& input, int timeout_ms) {
  if (argv.empty()) return InvalidArgumentError("empty hook command");
  ASSIGN_OR_RETURN(std::string program, FindExecutable(argv.front()));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[0]);
  if (rc != 0) {
    ::close(pipe_fds[1]);
    return ErrnoError("starting hook " + program, rc);
  }
  // A hook that does not read its input must not block us: ignore EPIPE, stop at the first error.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  std::size_t written = 0;
  while (written < input.size()) {
    const ssize_t n = ::write(pipe_fds[1], input.data() + written, input.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(pipe_fds[1]);
  ::sigaction(SIGPIPE, &previous, nullptr);
  int wait_status = 0;
  for (int waited = 0;; waited += 10) {
    const pid_t done = ::waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return ErrnoError("waiting for hook " + program, errno);
    if (waited >= timeout_ms) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &wait_status, 0);
      return DeadlineExceededError(
          fmt::format("hook {} did not finish within {} ms and was killed", program, timeout_ms));
    }
    ::usleep(10'000);
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return Status::Ok();
  if (WIFSIGNALED(wait_status)) {
    return InternalError(
        fmt::format("hook {} killed by signal {}", program, WTERMSIG(wait_status)));
  }
  return InternalError(fmt::format("hook {} exited with {}", program, WEXITSTATUS(wait_status)));
}

Result<SubmissionCheck> CheckSubmission(const std::string& db_path, store::JobStore& store,
                                        const sched::JobRequest& request, bool over_budget,
                                        const Clock& clock, const SubmissionPlan& plan) {
  SubmissionCheck check;
  auto opened = CostDb::Open(db_path, clock);
  if (!opened.ok()) {
    check.estimate_line = "Estimate: unavailable (" + opened.status().message() + ")";
    return check;
  }
  CostDb& db = **opened;
  if (Status loaded = db.EnsureEmbeddedSnapshot(); !loaded.ok()) {
    check.estimate_line = "Estimate: unavailable (" + loaded.message() + ")";
    return check;
  }
  std::string region = DefaultCostRegion();
  if (!plan.region.empty()) {
    ASSIGN_OR_RETURN(std::vector<PriceRow> there, db.Prices(PriceFilter{{}, plan.region, "", ""}));
    if (!there.empty()) region = plan.region;
  }
  std::map<std::string, std::vector<PerfRecord>> cache;
  auto estimate = CentralEstimate(db, store, request, region, plan, cache, &check.estimate_line);
  if (!estimate.ok())
    check.estimate_line = "Estimate: unavailable (" + estimate.status().message() + ")";

  ASSIGN_OR_RETURN(std::optional<Budget> budget, db.FindBudget(request.project));
  if (!budget || request.project.empty()) return check;
  const UnixMillis now = clock.NowMillis();
  ASSIGN_OR_RETURN(BudgetStatus status, ComputeBudgetStatus(db, store, *budget, region, now));
  const Money job_estimate = estimate.ok() ? *estimate : Money();
  const Money left = status.Remaining();
  if (job_estimate > left && !over_budget) {
    return ResourceExhaustedError(fmt::format(
        "project {} is over budget for {}: this job is estimated at {}, but only {} is left of the "
        "{} monthly budget ({} spent, {} committed by {} queued or running jobs); submit with "
        "--over-budget to run it anyway, or raise the budget with `aws-hpc cost budget set`",
        budget->project, status.month, job_estimate.ToString(), left.ToString(),
        budget->monthly.ToString(), status.spent.ToString(), status.committed.ToString(),
        status.live_jobs));
  }
  const Money projected = status.spent + status.committed + job_estimate;
  for (int percent : budget->alert_percents) {
    const Money threshold = Money::FromMicros(budget->monthly.micros() * percent / 100);
    if (projected < threshold) continue;
    ASSIGN_OR_RETURN(bool first, db.RecordAlert(budget->project, status.month, percent));
    if (!first) continue;
    AlertEvent event{budget->project, status.month,     percent,      budget->monthly,
                     status.spent,    status.committed, job_estimate, request.name,
                     request.app,     request.user,     now};
    check.alert_lines.push_back(event.Message());
    const std::string json = event.ToJson();
    const std::string log_path = db_path.substr(0, db_path.rfind('/') + 1) + "cost-alerts.log";
    std::ofstream(log_path, std::ios::app) << json << "\n";
    if (!budget->hook_argv.empty()) {
      if (Status hook = RunHook(budget->hook_argv, json + "\n", 10'000); !hook.ok()) {
        check.alert_lines.push_back("budget alert hook failed: " + hook.message());
      }
    }
  }
  return check;
}

}  // namespace awshpc::cost
