// File: sts_client.hpp
// The two STS operations the credential chain needs (AssumeRole, AssumeRoleWithWebIdentity), over
// the query protocol with XML responses.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/credentials.hpp"
#include "awshpc/aws/endpoints.hpp"
#include "awshpc/aws/http_client.hpp"
#include "awshpc/aws/retry_strategy.hpp"
#include "awshpc/aws/sigv4.hpp"

namespace awshpc::aws {

struct AssumeRoleParams {
  std::string role_arn;
  std::string role_session_name;
  std::string external_id;         // AssumeRole only, optional
  int duration_seconds = 0;        // 0: the role's default
  std::string web_identity_token;  // AssumeRoleWithWebIdentity only
};

class StsClient {
 public:
  virtual ~StsClient() = default;
  virtual Result<Credentials> AssumeRole(const Credentials& source,
                                         const AssumeRoleParams& params) = 0;
  // Unsigned: the web identity token is the proof.
  virtual Result<Credentials> AssumeRoleWithWebIdentity(const AssumeRoleParams& params) = 0;
};

// Makes an STS client for a region (the profile chain needs one per region it meets).
using StsClientFactory = std::function<Result<std::unique_ptr<StsClient>>(std::string_view region)>;

class StsQueryClient final : public StsClient {
 public:
  StsQueryClient(HttpClient& http, Endpoint endpoint, const Clock& clock = SystemClock::Instance(),
                 RetryStrategy retry = RetryStrategy());
  Result<Credentials> AssumeRole(const Credentials& source,
                                 const AssumeRoleParams& params) override;
  Result<Credentials> AssumeRoleWithWebIdentity(const AssumeRoleParams& params) override;

 private:
  // One query-protocol call; returns the XML body of the successful response.
  Result<std::string> Call(const std::string& action,
                           const std::vector<std::pair<std::string, std::string>>& params,
                           const Credentials* credentials);

  AwsClient client_;
};

// A factory that resolves the STS endpoint for each region from `env`/`config` and sends through
// `http` (which must outlive the clients).
StsClientFactory MakeStsClientFactory(HttpClient& http, const Environment& env,
                                      const SharedConfig* config, const Profile* profile,
                                      const Clock& clock = SystemClock::Instance());

}  // namespace awshpc::aws
