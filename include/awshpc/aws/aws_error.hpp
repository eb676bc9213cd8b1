// File: aws_error.hpp
// An AWS error with everything a caller or an operator needs (service, operation, HTTP status,
// AWS error code, message, request id) and whether a retry may help; parsers for the error
// bodies of the JSON and XML protocols.
#pragma once

#include <string>
#include <string_view>

#include "awshpc/aws/http_client.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws {

struct AwsError {
  std::string service;    // "batch"
  std::string operation;  // "SubmitJob"
  int http_status = 0;    // 0: no HTTP response (connection error, timeout)
  std::string code;       // "TooManyRequestsException"; for transport errors the Status code name
  std::string message;
  std::string request_id;
  bool retryable = false;
  bool throttling = false;  // retryable because of throttling (longer backoff)
  bool timeout = false;     // a transport timeout (costs more retry quota)

  // A Status for callers: the code follows the kind of error (NotFound, PermissionDenied,
  // ResourceExhausted for throttling, Unavailable for 5xx, ...), the message holds all fields:
  // "batch SubmitJob: HTTP 429 TooManyRequestsException: Rate exceeded (request id r-1, retryable)"
  Status ToStatus() const;
};

// The throttling codes of the AWS SDK standard retry mode (Throttling, SlowDown, ...).
bool IsThrottlingCode(std::string_view code);
// Codes that mean "try again" without throttling (RequestTimeout, InternalError, ...).
bool IsTransientCode(std::string_view code);
// Sets retryable/throttling from http_status and code.
void ClassifyError(AwsError& error);

// An error for a request that got no HTTP response.
AwsError TransportError(std::string_view service, std::string_view operation, const Status& status);

// Errors of json-1.0/1.1 and rest-json services: "__type"/"code" in the body or the
// X-Amzn-ErrorType header ("prefix#Code:suffix" forms are reduced to "Code").
AwsError ParseJsonError(std::string_view service, std::string_view operation,
                        const HttpResponse& response);
// Errors of query, ec2 and rest-xml services: <ErrorResponse><Error>, <Response><Errors><Error>
// and S3's bare <Error>. An empty body (HEAD) gets a code from the HTTP status.
AwsError ParseXmlError(std::string_view service, std::string_view operation,
                       const HttpResponse& response);

}  // namespace awshpc::aws
