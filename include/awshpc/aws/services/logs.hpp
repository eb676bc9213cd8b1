// File: services/logs.hpp
// CloudWatch Logs (json-1.1, target prefix Logs_20140328): reading job output (GetLogEvents,
// FilterLogEvents, DescribeLogStreams) and, for tests and the local backend's uploads, creating
// groups and streams and putting events.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::logs {

inline constexpr ServiceInfo kService{"CloudWatch Logs", "logs", "logs"};
inline constexpr std::string_view kTargetPrefix = "Logs_20140328";

struct OutputLogEvent {
  std::int64_t timestamp = 0;  // Unix milliseconds
  std::string message;
  std::int64_t ingestion_time = 0;
};

struct GetLogEventsRequest {
  std::string log_group_name;
  std::string log_stream_name;
  std::optional<std::int64_t> start_time;
  std::optional<std::int64_t> end_time;
  std::string next_token;
  std::optional<std::int64_t> limit;
  std::optional<bool> start_from_head;
};
struct GetLogEventsResult {
  std::vector<OutputLogEvent> events;
  std::string next_forward_token;  // the same token again means: no newer events yet
  std::string next_backward_token;
};

struct FilterLogEventsRequest {
  std::string log_group_name;
  std::vector<std::string> log_stream_names;
  std::string log_stream_name_prefix;
  std::optional<std::int64_t> start_time;
  std::optional<std::int64_t> end_time;
  std::string filter_pattern;
  std::string next_token;
  std::optional<std::int64_t> limit;
};
struct FilteredLogEvent {
  std::string log_stream_name;
  std::int64_t timestamp = 0;
  std::string message;
  std::int64_t ingestion_time = 0;
  std::string event_id;
};
struct FilterLogEventsResult {
  std::vector<FilteredLogEvent> events;
  std::string next_token;
};

struct DescribeLogStreamsRequest {
  std::string log_group_name;
  std::string log_stream_name_prefix;
  std::string order_by;  // LogStreamName | LastEventTime
  std::optional<bool> descending;
  std::string next_token;
  std::optional<std::int64_t> limit;
};
struct LogStream {
  std::string log_stream_name;
  std::string arn;
  std::optional<std::int64_t> creation_time;
  std::optional<std::int64_t> first_event_timestamp;
  std::optional<std::int64_t> last_event_timestamp;
  std::optional<std::int64_t> last_ingestion_time;
};
struct DescribeLogStreamsResult {
  std::vector<LogStream> log_streams;
  std::string next_token;
};

struct CreateLogGroupRequest {
  std::string log_group_name;
};
struct CreateLogGroupResult {};
struct CreateLogStreamRequest {
  std::string log_group_name;
  std::string log_stream_name;
};
struct CreateLogStreamResult {};

struct InputLogEvent {
  std::int64_t timestamp = 0;  // Unix milliseconds; events in chronological order
  std::string message;
};
struct PutLogEventsRequest {
  std::string log_group_name;
  std::string log_stream_name;
  std::vector<InputLogEvent> log_events;
  std::string sequence_token;  // ignored by the service since 2023; kept for older endpoints
};
struct PutLogEventsResult {
  std::string next_sequence_token;
};

class LogsClient {
 public:
  explicit LogsClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  static Result<LogsClient> Create(AwsContext& context);

  Result<GetLogEventsResult> GetLogEvents(const GetLogEventsRequest& request);
  // Every event of a stream from the start, following nextForwardToken until it repeats.
  Result<std::vector<OutputLogEvent>> GetAllLogEvents(GetLogEventsRequest request,
                                                      int max_pages = 100);
  Result<FilterLogEventsResult> FilterLogEvents(const FilterLogEventsRequest& request);
  Result<DescribeLogStreamsResult> DescribeLogStreams(const DescribeLogStreamsRequest& request);
  Result<CreateLogGroupResult> CreateLogGroup(const CreateLogGroupRequest& request);
  Result<CreateLogStreamResult> CreateLogStream(const CreateLogStreamRequest& request);
  Result<PutLogEventsResult> PutLogEvents(const PutLogEventsRequest& request);

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::logs
