// File: aws_client.cpp
#include "awshpc/aws/aws_client.hpp"

#include <fmt/format.h>

#include <random>

namespace awshpc::aws {
namespace {

// A local failure (bad request, no credentials): reported as is, never retried.
AwsError LocalError(const ServiceConfig& config, std::string_view operation, const Status& status) {
  AwsError error = TransportError(config.service, operation, status);
  error.retryable = false;
  return error;
}

// A random (version 4) UUID naming one call across its attempts, as the SDKs send it: AWS support
// can then tie retries together.
std::string NewInvocationId() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  const std::uint64_t high = (engine() & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
  const std::uint64_t low = (engine() & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFull);
}

}  // namespace

AwsClient::AwsClient(ServiceConfig config, HttpClient& http, CredentialsProvider* credentials,
                     const Clock& clock, RetryStrategy retry)
    : config_(std::move(config)),
      http_(http),
      credentials_(credentials),
      signer_({config_.signing_name, config_.endpoint.signing_region, config_.s3,
               config_.unsigned_payload},
              clock),
      retry_(std::move(retry)) {
  if (retry_.config().mode == RetryMode::kAdaptive) {
    adaptive_ = std::make_shared<AdaptiveRateLimiter>();
  }
}

AwsError AwsClient::ParseError(std::string_view operation, const HttpResponse& response) const {
  switch (config_.protocol) {
    case Protocol::kJson:
    case Protocol::kRestJson:
      return ParseJsonError(config_.service, operation, response);
    case Protocol::kQuery:
    case Protocol::kEc2:
    case Protocol::kRestXml:
      break;
  }
  return ParseXmlError(config_.service, operation, response);
}

Result<HttpResponse> AwsClient::Send(std::string_view operation,
                                     const std::function<Result<HttpRequest>()>& make_request,
                                     const CallOptions& options) {
  AwsOutcome<HttpResponse> outcome = Call(operation, make_request, options);
  if (outcome.index() == 1) return std::get<1>(outcome).ToStatus();
  return std::get<0>(std::move(outcome));
}

AwsOutcome<HttpResponse> AwsClient::Call(std::string_view operation,
                                         const std::function<Result<HttpRequest>()>& make_request,
                                         const CallOptions& options) {
  const Invocation invocation{
      operation, make_request, options, NewInvocationId(),
      options.max_attempts > 0 ? options.max_attempts : retry_.config().max_attempts};
  return retry_.RunOutcome<HttpResponse>(
      [&](int attempt) { return SendAttempt(invocation, attempt); }, invocation.max_attempts);
}

AwsOutcome<HttpResponse> AwsClient::SendAttempt(const Invocation& call, int attempt) {
  const std::string_view operation = call.operation;
  const bool anonymous = call.options.anonymous;
  Result<HttpRequest> built = call.make_request();
  if (!built.ok()) return LocalError(config_, operation, built.status());
  HttpRequest request = *std::move(built);
  request.url = config_.endpoint.url + (request.url.empty() ? "/" : request.url);
  if (!FindHeader(request.headers, "User-Agent")) {
    request.headers.push_back({"User-Agent", "aws-hpc/" AWSHPC_VERSION});
  }
  SetHeader(request.headers, "amz-sdk-invocation-id", call.invocation_id);
  SetHeader(request.headers, "amz-sdk-request",
            fmt::format("attempt={}; max={}", attempt, call.max_attempts));
  // Waiting for the limiter comes before signing, so a long wait cannot age the signature.
  // The configured limit first, then the adaptive mode's: a request waits for both.
  RateLimiter* limiter = config_.rate_limiter.get();
  if (limiter != nullptr) limiter->Acquire();
  if (adaptive_) adaptive_->Acquire();
  if (!anonymous) {
    Result<Credentials> credentials =
        call.options.credentials != nullptr ? Result<Credentials>(*call.options.credentials)
        : credentials_ != nullptr
            ? credentials_->GetCredentials()
            : Result<Credentials>(FailedPreconditionError("no credentials provider"));
    if (!credentials.ok()) return LocalError(config_, operation, credentials.status());
    Result<SignatureParts> signed_parts = signer_.Sign(request, *credentials);
    if (!signed_parts.ok()) return LocalError(config_, operation, signed_parts.status());
  }
  Result<HttpResponse> response = http_.Send(request);
  const auto report = [&](bool throttled) {
    if (limiter != nullptr) limiter->OnResponse(throttled);
    if (adaptive_) adaptive_->OnResponse(throttled);
  };
  if (!response.ok()) {
    report(false);  // a transport failure is not the service asking to slow down
    return TransportError(config_.service, operation, response.status());
  }
  if (response->status >= 200 && response->status < 300) {
    report(false);
    return *std::move(response);
  }
  AwsError error = ParseError(operation, *response);
  report(error.throttling);
  // A wrong local clock is fixed by learning the server's time; one more try is then worth it.
  if (!anonymous && signer_.AdjustClockSkew(error.code, *response)) error.retryable = true;
  return error;
}

}  // namespace awshpc::aws
