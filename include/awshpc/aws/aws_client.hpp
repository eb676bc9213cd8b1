// File: aws_client.hpp
// The request loop every service client shares: resolve credentials, sign, send, turn error
// responses into AwsError by protocol, retry by the standard mode, correct clock skew. Service
// clients (Batch, S3, EC2, ...) only build requests and parse successful responses.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "awshpc/aws/adaptive_rate_limiter.hpp"
#include "awshpc/aws/aws_error.hpp"
#include "awshpc/aws/credentials.hpp"
#include "awshpc/aws/endpoints.hpp"
#include "awshpc/aws/http_client.hpp"
#include "awshpc/aws/rate_limiter.hpp"
#include "awshpc/aws/retry_strategy.hpp"
#include "awshpc/aws/sigv4.hpp"

namespace awshpc::aws {

// How a service encodes errors: query/ec2/rest-xml in XML, json/rest-json in JSON.
enum class Protocol { kQuery, kEc2, kRestXml, kJson, kRestJson };

struct ServiceConfig {
  std::string service;       // for messages and errors: "batch"
  std::string signing_name;  // SigV4 service name: "batch", "s3", "ecr"
  Endpoint endpoint;         // from ResolveEndpoint
  Protocol protocol = Protocol::kJson;
  bool s3 = false;                // S3 signing rules
  bool unsigned_payload = false;  // S3 over TLS: do not hash bodies
  // Acquired before every attempt, retries included; may be shared by many clients (the Batch
  // backend shares one per process). Null: no client-side limit.
  std::shared_ptr<RateLimiter> rate_limiter = nullptr;
};

struct CallOptions {
  bool anonymous = false;                    // send unsigned (STS AssumeRoleWithWebIdentity)
  const Credentials* credentials = nullptr;  // sign with these instead of the provider's
  // Attempts for this call, the first included; 0 = the retry strategy's. 1 means never resend:
  // for calls that are not idempotent (Batch SubmitJob), where a retry after a connection reset
  // could repeat an action the service already performed.
  int max_attempts = 0;
};

class AwsClient {
 public:
  // `http` and `credentials` must outlive the client. `credentials` may be null for clients that
  // only make anonymous calls. With the adaptive retry mode the client gets its own
  // AdaptiveRateLimiter (AwsContext shares one per service instead).
  AwsClient(ServiceConfig config, HttpClient& http, CredentialsProvider* credentials,
            const Clock& clock = SystemClock::Instance(), RetryStrategy retry = RetryStrategy());

  // Builds the request with `make_request` for each attempt (so streamed bodies start over),
  // prefixes its URL with the endpoint (`url` holds "/path?query"), signs it unless `anonymous`,
  // sends it and retries. Any 2xx response is returned; anything else becomes an error Status
  // carrying service, operation, HTTP status, AWS code, message and request id.
  Result<HttpResponse> Send(std::string_view operation,
                            const std::function<Result<HttpRequest>()>& make_request,
                            const CallOptions& options = {});

  // As Send, but a failure is the AwsError itself, for callers that branch on its code
  // (HeadObject's 404, Batch's ClientException, ...).
  AwsOutcome<HttpResponse> Call(std::string_view operation,
                                const std::function<Result<HttpRequest>()>& make_request,
                                const CallOptions& options = {});

  // Replaces the configured rate limiter (null: none). Set it before calls start.
  void set_rate_limiter(std::shared_ptr<RateLimiter> limiter) {
    config_.rate_limiter = std::move(limiter);
  }

  // The adaptive retry mode's limiter (null in the other modes); may be shared between clients
  // of one service. Set it before calls start.
  void set_adaptive_limiter(std::shared_ptr<AdaptiveRateLimiter> limiter) {
    adaptive_ = std::move(limiter);
  }
  AdaptiveRateLimiter* adaptive_limiter() const { return adaptive_.get(); }

  const ServiceConfig& config() const { return config_; }
  SigV4Signer& signer() { return signer_; }

 private:
  // One call across its attempts.
  struct Invocation {
    std::string_view operation;
    const std::function<Result<HttpRequest>()>& make_request;
    const CallOptions& options;
    std::string invocation_id;  // amz-sdk-invocation-id, the same on every attempt
    int max_attempts;
  };
  AwsOutcome<HttpResponse> SendAttempt(const Invocation& call, int attempt);
  AwsError ParseError(std::string_view operation, const HttpResponse& response) const;

  ServiceConfig config_;
  HttpClient& http_;
  CredentialsProvider* credentials_;
  SigV4Signer signer_;
  RetryStrategy retry_;
  std::shared_ptr<AdaptiveRateLimiter> adaptive_;
};

}  // namespace awshpc::aws
