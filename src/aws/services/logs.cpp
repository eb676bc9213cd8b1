// File: services/logs.cpp
// CloudWatch Logs over json-1.1: POST / with X-Amz-Target: Logs_20140328.<Operation>.
#include "awshpc/aws/services/logs.hpp"

#include <fmt/format.h>

#include "awshpc/aws/protocols/json.hpp"
#include "json_call.hpp"

namespace awshpc::aws::logs {
namespace {

using protocols::Json;
using protocols::JsonArray;
using protocols::JsonInt;
using protocols::JsonString;
using protocols::SetIfNotEmpty;
using protocols::SetIfPresent;

Result<Json> Post(AwsClient& client, std::string_view operation, const Json& body) {
  return services_internal::PostJson11(client, "logs", kTargetPrefix, operation, body);
}

}  // namespace

Result<LogsClient> LogsClient::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   context.MakeClient(kService, Protocol::kJson));
  return LogsClient(std::move(client));
}

Result<GetLogEventsResult> LogsClient::GetLogEvents(const GetLogEventsRequest& request) {
  Json body = {{"logGroupName", request.log_group_name},
               {"logStreamName", request.log_stream_name}};
  SetIfPresent(body, "startTime", request.start_time);
  SetIfPresent(body, "endTime", request.end_time);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  SetIfPresent(body, "limit", request.limit);
  SetIfPresent(body, "startFromHead", request.start_from_head);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "GetLogEvents", body));
  GetLogEventsResult result;
  for (const Json& e : JsonArray(out, "events")) {
    result.events.push_back({JsonInt(e, "timestamp").value_or(0), JsonString(e, "message"),
                             JsonInt(e, "ingestionTime").value_or(0)});
  }
  result.next_forward_token = JsonString(out, "nextForwardToken");
  result.next_backward_token = JsonString(out, "nextBackwardToken");
  return result;
}

Result<std::vector<OutputLogEvent>> LogsClient::GetAllLogEvents(GetLogEventsRequest request,
                                                                int max_pages) {
  // GetLogEvents never ends with an empty token: the end is the same forward token twice.
  request.start_from_head = true;
  std::vector<OutputLogEvent> all;
  for (int page = 0; page < max_pages; ++page) {
    ASSIGN_OR_RETURN(GetLogEventsResult result, GetLogEvents(request));
    std::move(result.events.begin(), result.events.end(), std::back_inserter(all));
    if (result.next_forward_token.empty() || result.next_forward_token == request.next_token) {
      return all;
    }
    request.next_token = std::move(result.next_forward_token);
  }
  return ResourceExhaustedError(fmt::format("logs GetLogEvents: more than {} pages in {}",
                                            max_pages, request.log_stream_name));
}

Result<FilterLogEventsResult> LogsClient::FilterLogEvents(const FilterLogEventsRequest& request) {
  Json body = {{"logGroupName", request.log_group_name}};
  SetIfNotEmpty(body, "logStreamNames", request.log_stream_names);
  SetIfNotEmpty(body, "logStreamNamePrefix", request.log_stream_name_prefix);
  SetIfPresent(body, "startTime", request.start_time);
  SetIfPresent(body, "endTime", request.end_time);
  SetIfNotEmpty(body, "filterPattern", request.filter_pattern);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  SetIfPresent(body, "limit", request.limit);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "FilterLogEvents", body));
  FilterLogEventsResult result;
  for (const Json& e : JsonArray(out, "events")) {
    result.events.push_back({JsonString(e, "logStreamName"), JsonInt(e, "timestamp").value_or(0),
                             JsonString(e, "message"), JsonInt(e, "ingestionTime").value_or(0),
                             JsonString(e, "eventId")});
  }
  result.next_token = JsonString(out, "nextToken");
  return result;
}

Result<DescribeLogStreamsResult> LogsClient::DescribeLogStreams(
    const DescribeLogStreamsRequest& request) {
  Json body = {{"logGroupName", request.log_group_name}};
  SetIfNotEmpty(body, "logStreamNamePrefix", request.log_stream_name_prefix);
  SetIfNotEmpty(body, "orderBy", request.order_by);
  SetIfPresent(body, "descending", request.descending);
  SetIfNotEmpty(body, "nextToken", request.next_token);
  SetIfPresent(body, "limit", request.limit);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeLogStreams", body));
  DescribeLogStreamsResult result;
  for (const Json& s : JsonArray(out, "logStreams")) {
    result.log_streams.push_back({JsonString(s, "logStreamName"), JsonString(s, "arn"),
                                  JsonInt(s, "creationTime"), JsonInt(s, "firstEventTimestamp"),
                                  JsonInt(s, "lastEventTimestamp"),
                                  JsonInt(s, "lastIngestionTime")});
  }
  result.next_token = JsonString(out, "nextToken");
  return result;
}

Result<CreateLogGroupResult> LogsClient::CreateLogGroup(const CreateLogGroupRequest& request) {
  RETURN_IF_ERROR(
      Post(*client_, "CreateLogGroup", {{"logGroupName", request.log_group_name}}).status());
  return CreateLogGroupResult{};
}

Result<CreateLogStreamResult> LogsClient::CreateLogStream(const CreateLogStreamRequest& request) {
  RETURN_IF_ERROR(
      Post(*client_, "CreateLogStream",
           {{"logGroupName", request.log_group_name}, {"logStreamName", request.log_stream_name}})
          .status());
  return CreateLogStreamResult{};
}

Result<PutLogEventsResult> LogsClient::PutLogEvents(const PutLogEventsRequest& request) {
  Json events = Json::array();
  for (const auto& e : request.log_events) {
    events.push_back({{"timestamp", e.timestamp}, {"message", e.message}});
  }
  Json body = {{"logGroupName", request.log_group_name},
               {"logStreamName", request.log_stream_name},
               {"logEvents", std::move(events)}};
  SetIfNotEmpty(body, "sequenceToken", request.sequence_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "PutLogEvents", body));
  return PutLogEventsResult{JsonString(out, "nextSequenceToken")};
}

}  // namespace awshpc::aws::logs
