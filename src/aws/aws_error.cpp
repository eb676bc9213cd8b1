// File: aws_error.cpp
#include "awshpc/aws/aws_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace awshpc::aws {
namespace {

constexpr std::array<std::string_view, 17> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "ThrottlingError",
    "RateExceeded",
    "TooManyRequests"};

constexpr std::array<std::string_view, 8> kTransientCodes = {
    "RequestTimeout",      "RequestTimeoutException", "InternalError",
    "InternalFailure",     "ServiceUnavailable",      "IDPCommunicationError",
    "InternalServerError", "InternalServerException"};

bool Contains(auto& list, std::string_view code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

// "aws.protocoltests#FooError:http://..." -> "FooError"
std::string SanitizeCode(std::string_view code) {
  if (const auto colon = code.find(':'); colon != std::string_view::npos) {
    code = code.substr(0, colon);
  }
  if (const auto hash = code.rfind('#'); hash != std::string_view::npos) {
    code = code.substr(hash + 1);
  }
  return std::string(code);
}

std::string RequestIdFromHeaders(const HttpResponse& response) {
  for (const char* name : {"x-amzn-RequestId", "x-amz-request-id", "x-amz-id-2"}) {
    if (auto id = FindHeader(response.headers, name)) return *id;
  }
  return "";
}

std::string CodeFromStatus(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 429:
      return "TooManyRequests";
    default:
      return fmt::format("Http{}", status);
  }
}

StatusCode StatusCodeFor(const AwsError& error) {
  if (error.http_status == 0) {
    return error.timeout ? StatusCode::kDeadlineExceeded : StatusCode::kUnavailable;
  }
  if (error.throttling) return StatusCode::kResourceExhausted;
  const std::string_view code = error.code;
  if (code.find("NotFound") != std::string_view::npos || code.starts_with("NoSuch") ||
      error.http_status == 404) {
    return StatusCode::kNotFound;
  }
  if (code.find("AlreadyExists") != std::string_view::npos ||
      code.find("AlreadyOwned") != std::string_view::npos) {
    return StatusCode::kAlreadyExists;
  }
  if (error.http_status == 401 || error.http_status == 403 ||
      code.find("AccessDenied") != std::string_view::npos ||
      code.find("Unauthorized") != std::string_view::npos || code == "ExpiredToken" ||
      code == "InvalidClientTokenId") {
    return StatusCode::kPermissionDenied;
  }
  if (error.http_status >= 500) return StatusCode::kUnavailable;
  if (error.http_status == 409 || error.http_status == 412) return StatusCode::kFailedPrecondition;
  return StatusCode::kInvalidArgument;
}

}  // namespace

bool IsThrottlingCode(std::string_view code) { return Contains(kThrottlingCodes, code); }
bool IsTransientCode(std::string_view code) { return Contains(kTransientCodes, code); }

void ClassifyError(AwsError& error) {
  error.throttling = IsThrottlingCode(error.code) || error.http_status == 429;
  error.retryable = error.throttling || IsTransientCode(error.code) || error.http_status == 0 ||
                    error.http_status == 500 || error.http_status == 502 ||
                    error.http_status == 503 || error.http_status == 504;
}

Status AwsError::ToStatus() const {
  std::string text = fmt::format("{} {}: ", service, operation);
  if (http_status != 0) text += fmt::format("HTTP {} ", http_status);
  text += code;
  if (!message.empty()) text += ": " + message;
  std::string notes;
  if (!request_id.empty()) notes = "request id " + request_id;
  if (retryable) notes += notes.empty() ? "retryable" : ", retryable";
  if (!notes.empty()) text += " (" + notes + ")";
  return Status(StatusCodeFor(*this), std::move(text));
}

AwsError TransportError(std::string_view service, std::string_view operation,
                        const Status& status) {
  AwsError error;
  error.service = std::string(service);
  error.operation = std::string(operation);
  error.code = std::string(StatusCodeName(status.code()));
  error.message = status.message();
  error.timeout = status.code() == StatusCode::kDeadlineExceeded;
  // Connection failures and timeouts are transient; a bad certificate or URL is not.
  error.retryable =
      status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kDeadlineExceeded;
  return error;
}

AwsError ParseJsonError(std::string_view service, std::string_view operation,
                        const HttpResponse& response) {
  AwsError error;
  error.service = std::string(service);
  error.operation = std::string(operation);
  error.http_status = response.status;
  error.request_id = RequestIdFromHeaders(response);
  if (auto type = FindHeader(response.headers, "X-Amzn-ErrorType"))
    error.code = SanitizeCode(*type);
  const auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) {
    for (const char* key : {"__type", "code", "Code"}) {
      if (error.code.empty() && body.contains(key) && body[key].is_string()) {
        error.code = SanitizeCode(body[key].get<std::string>());
      }
    }
    for (const char* key : {"message", "Message", "errorMessage"}) {
      if (error.message.empty() && body.contains(key) && body[key].is_string()) {
        error.message = body[key].get<std::string>();
      }
    }
  }
  if (error.code.empty()) error.code = CodeFromStatus(response.status);
  ClassifyError(error);
  return error;
}

AwsError ParseXmlError(std::string_view service, std::string_view operation,
                       const HttpResponse& response) {
  AwsError error;
  error.service = std::string(service);
  error.operation = std::string(operation);
  error.http_status = response.status;
  error.request_id = RequestIdFromHeaders(response);
  pugi::xml_document doc;
  if (!response.body.empty() && doc.load_buffer(response.body.data(), response.body.size())) {
    pugi::xml_node root = doc.document_element();
    pugi::xml_node node = root;                                            // S3: <Error> at the top
    if (pugi::xml_node e = root.child("Error")) node = e;                  // query
    if (pugi::xml_node e = root.child("Errors").child("Error")) node = e;  // ec2
    error.code = node.child_value("Code");
    error.message = node.child_value("Message");
    for (pugi::xml_node where : {root, node}) {
      for (const char* name : {"RequestId", "RequestID"}) {
        if (error.request_id.empty() && where.child(name)) {
          error.request_id = where.child_value(name);
        }
      }
    }
  }
  if (error.code.empty()) error.code = CodeFromStatus(response.status);
  ClassifyError(error);
  return error;
}

}  // namespace awshpc::aws
