// File: param_file.hpp
// `job submit --param-file tasks.csv`: an array job with one task per CSV row. The header names
// parameters; each row's values (over the --param ones) are validated and rendered at submission,
// so a bad row is refused with its file and line before anything runs. The rendered tasks travel
// with the job as aws-hpc-tasks.json, and each task runs its own row:
// `aws-hpc-stage exec` picks row AWS_HPC_ARRAY_OFFSET + AWS_BATCH_JOB_ARRAY_INDEX (or
// AWS_HPC_ARRAY_INDEX) and executes that argv, never through a shell.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "awshpc/aws/environment.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/sched/job.hpp"
#include "awshpc/spec/app_spec.hpp"
#include "awshpc/spec/render.hpp"

namespace awshpc::batch {

inline constexpr const char* kTasksFileEnv = "AWS_HPC_TASKS_FILE";
inline constexpr const char* kTasksFileName = "aws-hpc-tasks.json";

struct TaskTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  // the file line each row starts on
};

// RFC 4180 CSV: a header, then rows of the same width; quoted fields may hold commas, quotes
// ("") and newlines; CRLF or LF. Errors name `file` and the line.
Result<TaskTable> ParseTaskCsv(std::string_view text, const std::string& file);

// One rendered request per row: `base` with the row's values set (a row's column replaces the
// same --param). Errors name file:line and the column.
Result<std::vector<sched::JobRequest>> RenderTasks(const spec::AppSpec& app,
                                                   const spec::RenderRequest& base,
                                                   const TaskTable& table, const std::string& file);

// [{"argv": [...], "environment": {...}}, ...] in row order.
std::string TasksJson(const std::vector<sched::JobRequest>& tasks);

// Inside the container: the argv and environment of this task (see the top of this file).
struct TaskToRun {
  std::int64_t index = 0;
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> environment;
};
Result<TaskToRun> SelectTask(const aws::Environment& env, const std::string& work_dir);

}  // namespace awshpc::batch
