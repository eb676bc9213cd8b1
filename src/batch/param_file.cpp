// File: param_file.cpp
#include "awshpc/batch/param_file.hpp"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "awshpc/batch/array.hpp"
#include "awshpc/core/paths.hpp"

namespace awshpc::batch {
namespace {

using Json = nlohmann::json;

// Tasks files are rendered argv lists: generous, but not unbounded.
constexpr std::size_t kMaxTasksFileBytes = std::size_t{1} << 30;

Result<std::int64_t> EnvInt(const aws::Environment& env, const char* name) {
  const std::optional<std::string> text = env.Get(name);
  if (!text || text->empty()) return NotFoundError(std::string(name) + " is not set");
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < 0) {
    return InvalidArgumentError(
        fmt::format("{}: expected a non-negative integer; got \"{}\"", name, *text));
  }
  return value;
}

}  // namespace

Result<TaskTable> ParseTaskCsv(std::string_view text, const std::string& file) {
  TaskTable table;
  std::vector<std::vector<std::string>> records;
  std::vector<int> starts;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  int line = 1;
  int record_line = 1;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    // A blank line is not a record.
    if (!(record.size() == 1 && record[0].empty())) {
      records.push_back(std::move(record));
      starts.push_back(record_line);
    }
    record.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      if (field_started) {
        return InvalidArgumentError(fmt::format(
            "{}:{}: a quote inside an unquoted field (quote the whole field)", file, line));
      }
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
      record_line = line;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) return InvalidArgumentError(fmt::format("{}:{}: unterminated quote", file, line));
  if (field_started || !record.empty()) end_record();
  if (records.empty()) return InvalidArgumentError(file + ": empty: expected a header row");
  table.columns = records.front();
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].empty()) {
      return InvalidArgumentError(fmt::format("{}:1: column {} has no name", file, c + 1));
    }
    for (std::size_t d = 0; d < c; ++d) {
      if (table.columns[d] == table.columns[c]) {
        return InvalidArgumentError(
            fmt::format("{}:1: column {} appears twice", file, table.columns[c]));
      }
    }
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.columns.size()) {
      return InvalidArgumentError(fmt::format("{}:{}: {} fields; the header has {}", file,
                                              starts[r], records[r].size(), table.columns.size()));
    }
    table.rows.push_back(std::move(records[r]));
    table.lines.push_back(starts[r]);
  }
  if (table.rows.empty()) return InvalidArgumentError(file + ": a header but no task rows");
  return table;
}

Result<std::vector<sched::JobRequest>> RenderTasks(const spec::AppSpec& app,
                                                   const spec::RenderRequest& base,
                                                   const TaskTable& table,
                                                   const std::string& file) {
  std::vector<sched::JobRequest> tasks;
  tasks.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    spec::RenderRequest request = base;
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      std::erase_if(request.params, [&](const auto& p) { return p.first == table.columns[c]; });
      request.params.emplace_back(table.columns[c], table.rows[r][c]);
    }
    ASSIGN_OR_RETURN_CTX(sched::JobRequest task, spec::Render(app, request),
                         fmt::format("{}:{}", file, table.lines[r]));
    tasks.push_back(std::move(task));
  }
  return tasks;
}

std::string TasksJson(const std::vector<sched::JobRequest>& tasks) {
  Json list = Json::array();
  for (const sched::JobRequest& task : tasks) {
    list.push_back({{"argv", task.argv}, {"environment", task.environment}});
  }
  return list.dump();
}

Result<TaskToRun> SelectTask(const aws::Environment& env, const std::string& work_dir) {
  const std::optional<std::string> name = env.Get(kTasksFileEnv);
  if (!name || name->empty())
    return InvalidArgumentError(std::string(kTasksFileEnv) + " is not set");
  TaskToRun task;
  if (auto single = EnvInt(env, kArrayIndexEnv); single.ok()) {
    task.index = *single;
  } else {
    ASSIGN_OR_RETURN(std::int64_t child, EnvInt(env, "AWS_BATCH_JOB_ARRAY_INDEX"));
    auto offset = EnvInt(env, kArrayOffsetEnv);
    task.index = child + (offset.ok() ? *offset : 0);
  }
  const std::string path = work_dir + "/" + *name;
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, kMaxTasksFileBytes));
  const Json tasks = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!tasks.is_array()) return InvalidArgumentError(path + ": expected a JSON array of tasks");
  if (task.index >= static_cast<std::int64_t>(tasks.size())) {
    return InvalidArgumentError(
        fmt::format("task {} of a {}-task array", task.index, tasks.size()));
  }
  const Json& chosen = tasks[static_cast<std::size_t>(task.index)];
  if (!chosen.contains("argv") || !chosen["argv"].is_array() || chosen["argv"].empty()) {
    return InvalidArgumentError(fmt::format("{}: task {} has no argv", path, task.index));
  }
  for (const Json& arg : chosen["argv"]) {
    if (!arg.is_string()) return InvalidArgumentError(path + ": argv elements must be strings");
    task.argv.push_back(arg.get<std::string>());
  }
  if (chosen.contains("environment") && chosen["environment"].is_object()) {
    for (const auto& [key, value] : chosen["environment"].items()) {
      if (value.is_string()) task.environment.emplace_back(key, value.get<std::string>());
    }
  }
  return task;
}

}  // namespace awshpc::batch
