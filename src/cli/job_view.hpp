// File: job_view.hpp
// How a job is shown: the stable JSON document scripts rely on, and the human view.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "awshpc/sched/job.hpp"

namespace awshpc::cli {

// Stable JSON for one job (docs/cli.md lists the fields). History only when the job has it.
nlohmann::ordered_json JobToJson(const sched::Job& job);

// The detailed human view of `job status`.
std::string JobDetailText(const sched::Job& job);

// One row per job for `job list`.
std::string JobListTable(const std::vector<sched::Job>& jobs);

}  // namespace awshpc::cli
