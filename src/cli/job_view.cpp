// File: job_view.cpp
#include "job_view.hpp"

#include <fmt/format.h>

#include <cmath>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/units.hpp"
#include "output.hpp"

namespace awshpc::cli {
namespace {

using nlohmann::ordered_json;

ordered_json OptionalTime(const std::optional<UnixMillis>& time) {
  return time ? ordered_json(FormatIso8601(*time)) : ordered_json(nullptr);
}

// Local time is what people read; JSON keeps UTC.
std::string LocalTime(UnixMillis time) {
  const std::time_t seconds = static_cast<std::time_t>(time / 1000);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{}.{:03d}", buffer, static_cast<int>(time % 1000));
}

std::string Resources(const sched::Resources& r) {
  std::string text = fmt::format("{} vCPU, {} memory", r.vcpus, FormatMemoryMiB(r.memory_mib));
  if (r.gpus > 0) text += fmt::format(", {} GPU", r.gpus);
  if (r.nodes > 1) text += fmt::format(", {} nodes", r.nodes);
  return text + ", walltime " + FormatDuration(r.walltime_seconds);
}

std::string Number(double value) {
  if (value != 0 && (std::fabs(value) >= 1e6 || std::fabs(value) < 1e-3)) {
    return fmt::format("{:.4g}", value);
  }
  if (value == std::floor(value)) return fmt::format("{:.0f}", value);
  return fmt::format("{:.3f}", value);
}

std::string ShortCommand(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) {
    if (!text.empty()) text += ' ';
    const bool plain =
        !arg.empty() && arg.find_first_of(" \t\n'\"\\$`;&|<>*?()[]{}") == std::string::npos;
    if (plain) {
      text += arg;
    } else {
      // Shown shell-quoted so it can be read unambiguously; it was never run through a shell.
      text += "'";
      for (char c : arg) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
      text += "'";
    }
  }
  return text;
}

}  // namespace

ordered_json JobToJson(const sched::Job& job) {
  const sched::JobRequest& r = job.request;
  ordered_json out;
  out["id"] = job.id;
  out["name"] = r.name;
  out["app"] = r.app;
  out["app_version"] = r.app_version;
  out["variant"] = r.variant;
  out["backend"] = r.backend;
  out["state"] = sched::JobStateName(job.state);
  out["reason"] = job.reason;
  out["priority"] = r.priority;
  out["user"] = r.user;
  out["project"] = r.project;
  out["created_at"] = FormatIso8601(job.created_at);
  out["started_at"] = OptionalTime(job.started_at);
  out["ended_at"] = OptionalTime(job.ended_at);
  out["attempts"] = job.attempts;
  out["max_attempts"] = r.max_attempts;
  out["resources"] = {{"vcpus", r.resources.vcpus},
                      {"memory_mib", r.resources.memory_mib},
                      {"gpus", r.resources.gpus},
                      {"nodes", r.resources.nodes},
                      {"walltime_seconds", r.resources.walltime_seconds}};
  out["parameters"] = ordered_json::object();
  for (const auto& [key, value] : r.parameters) out["parameters"][key] = value;
  out["command"] = r.argv;
  out["exit_code"] = job.outcome.exit_code ? ordered_json(*job.outcome.exit_code) : nullptr;
  out["signal"] = job.outcome.term_signal ? ordered_json(*job.outcome.term_signal) : nullptr;
  const sched::Usage& u = job.outcome.usage;
  out["usage"] = {{"wall_seconds", u.wall_seconds},
                  {"cpu_user_seconds", u.cpu_user_seconds},
                  {"cpu_system_seconds", u.cpu_system_seconds},
                  {"max_rss_kib", u.max_rss_kib},
                  {"core_hours", sched::CoreHours(job)}};
  out["metrics"] = ordered_json::object();
  for (const auto& [key, value] : job.outcome.metrics) out["metrics"][key] = value;
  out["work_dir"] = job.runtime.work_dir;
  if (!job.history.empty()) {
    out["history"] = ordered_json::array();
    for (const auto& change : job.history) {
      out["history"].push_back({{"state", sched::JobStateName(change.state)},
                                {"time", FormatIso8601(change.time)},
                                {"reason", change.reason}});
    }
  }
  return out;
}

std::string JobDetailText(const sched::Job& job) {
  const sched::JobRequest& r = job.request;
  std::vector<std::vector<std::string>> rows;
  const auto row = [&](std::string key, std::string value) {
    rows.push_back({std::move(key), std::move(value)});
  };
  row("Job", job.id + (r.name.empty() ? "" : "  (" + r.name + ")"));
  if (!r.app.empty()) {
    row("Application", r.app + (r.app_version.empty() ? "" : " " + r.app_version) +
                           (r.variant.empty() ? "" : ", variant " + r.variant));
  }
  std::string state = StyledState(std::string(sched::JobStateName(job.state)));
  if (!job.reason.empty()) state += "  " + job.reason;
  row("State", state);
  row("Backend", r.backend + (r.priority != 0 ? fmt::format(", priority {}", r.priority) : ""));
  row("Resources", Resources(r.resources));
  if (!r.parameters.empty()) {
    std::string params;
    for (const auto& [key, value] : r.parameters) {
      params += (params.empty() ? "" : ", ") + key + "=" + value;
    }
    row("Parameters", params);
  }
  row("Command", ShortCommand(r.argv));
  if (job.attempts > 1 || r.max_attempts > 1) {
    row("Attempts", fmt::format("{} of at most {}", job.attempts, r.max_attempts));
  }
  if (!job.runtime.work_dir.empty()) row("Directory", job.runtime.work_dir);
  const sched::Usage& u = job.outcome.usage;
  if (job.ended_at) {
    row("Usage", fmt::format("{} wall, {} CPU (user {} + system {}), peak memory {}",
                             FormatSeconds(u.wall_seconds),
                             FormatSeconds(u.cpu_user_seconds + u.cpu_system_seconds),
                             FormatSeconds(u.cpu_user_seconds), FormatSeconds(u.cpu_system_seconds),
                             FormatMemoryMiB((u.max_rss_kib + 1023) / 1024)));
    row("Core-hours",
        fmt::format("{:.6f} ({} vCPU x {})", sched::CoreHours(job),
                    r.resources.vcpus * r.resources.nodes, FormatSeconds(u.wall_seconds)));
  }
  std::string text = RenderTable({"Field", "Value"}, rows);
  text = text.substr(text.find('\n') + 1);  // a detail view needs no header line
  if (!job.outcome.metrics.empty()) {
    text += "Performance\n";
    for (const auto& [key, value] : job.outcome.metrics) {
      text += fmt::format("  {:<24} {}\n", key, Number(value));
    }
  }
  if (!job.history.empty()) {
    text += "History\n";
    std::vector<std::vector<std::string>> history;
    UnixMillis previous = job.history.front().time;
    for (const auto& change : job.history) {
      history.push_back(
          {"  " + LocalTime(change.time),
           fmt::format("+{}", FormatSeconds(static_cast<double>(change.time - previous) / 1000.0)),
           StyledState(std::string(sched::JobStateName(change.state))), change.reason});
      previous = change.time;
    }
    std::string table = RenderTable({"", "", "", ""}, history);
    text += table.substr(table.find('\n') + 1);
  }
  return text;
}

std::string JobListTable(const std::vector<sched::Job>& jobs) {
  std::vector<std::vector<std::string>> rows;
  for (const sched::Job& job : jobs) {
    std::string elapsed = "-";
    if (job.started_at) {
      const UnixMillis end = job.ended_at ? *job.ended_at : SystemClock::Instance().NowMillis();
      elapsed = FormatSeconds(static_cast<double>(end - *job.started_at) / 1000.0);
    }
    std::string exit = job.outcome.exit_code     ? std::to_string(*job.outcome.exit_code)
                       : job.outcome.term_signal ? fmt::format("sig{}", *job.outcome.term_signal)
                                                 : "-";
    rows.push_back({job.id, job.request.name, job.request.app.empty() ? "-" : job.request.app,
                    StyledState(std::string(sched::JobStateName(job.state))),
                    std::to_string(job.request.resources.vcpus), elapsed, exit,
                    LocalTime(job.created_at)});
  }
  return RenderTable({"ID", "NAME", "APP", "STATE", "VCPUS", "ELAPSED", "EXIT", "SUBMITTED"}, rows);
}

}  // namespace awshpc::cli
