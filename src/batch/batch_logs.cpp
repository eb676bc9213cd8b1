// File: batch_logs.cpp
#include "awshpc/batch/batch_logs.hpp"

namespace awshpc::batch {

Result<std::vector<AttemptLines>> ReadNewLogLines(aws::logs::LogsClient& logs,
                                                  const BatchJobLink& link, LogCursor& cursor) {
  std::vector<AttemptLines> out;
  int number = 0;
  for (const AttemptRecord& attempt : link.attempts) {
    ++number;
    if (attempt.log_stream.empty()) continue;
    AttemptLines lines;
    lines.attempt = number;
    lines.stream = attempt.log_stream;
    aws::logs::GetLogEventsRequest request;
    request.log_group_name = kBatchLogGroup;
    request.log_stream_name = attempt.log_stream;
    request.start_from_head = true;
    std::string& token = cursor.tokens[attempt.log_stream];
    // CloudWatch returns the same forward token again when there is nothing newer.
    for (int page = 0; page < 10'000; ++page) {
      request.next_token = token;
      ASSIGN_OR_RETURN(aws::logs::GetLogEventsResult events, logs.GetLogEvents(request));
      for (const aws::logs::OutputLogEvent& event : events.events) {
        lines.lines.push_back(event.message);
      }
      if (events.next_forward_token.empty() || events.next_forward_token == token) break;
      token = events.next_forward_token;
      if (events.events.empty()) break;
    }
    out.push_back(std::move(lines));
  }
  return out;
}

}  // namespace awshpc::batch
