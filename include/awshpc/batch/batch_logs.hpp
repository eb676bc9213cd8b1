// File: batch_logs.hpp
// A Batch job's output: CloudWatch Logs of each attempt (group /aws/batch/job, the stream each
// attempt reports). Batch merges stdout and stderr into one stream. Reads continue from a cursor,
// so `job logs -f` prints each line once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "awshpc/aws/services/logs.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::batch {

inline constexpr const char* kBatchLogGroup = "/aws/batch/job";

// Where each stream was read up to (CloudWatch's next forward token).
struct LogCursor {
  std::map<std::string, std::string> tokens;
};

struct AttemptLines {
  int attempt = 0;  // 1-based
  std::string stream;
  std::vector<std::string> lines;  // new since the cursor
};

// New lines of every attempt that has a log stream, in attempt order; advances `cursor`.
Result<std::vector<AttemptLines>> ReadNewLogLines(aws::logs::LogsClient& logs,
                                                  const BatchJobLink& link, LogCursor& cursor);

}  // namespace awshpc::batch
