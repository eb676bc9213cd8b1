// File: services/sts.hpp
// STS GetCallerIdentity (query protocol): who the configured credentials belong to. The role
// operations the credential chain needs stay in sts_client.hpp.
#pragma once

#include <memory>
#include <string>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::sts {

inline constexpr ServiceInfo kService{"STS", "sts", "sts"};
inline constexpr std::string_view kApiVersion = "2011-06-15";

struct GetCallerIdentityRequest {};
struct GetCallerIdentityResult {
  std::string account;  // "123456789012"
  std::string arn;      // "arn:aws:iam::123456789012:user/alice"
  std::string user_id;
};

class StsIdentityClient {
 public:
  explicit StsIdentityClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  // A client for the context's region and STS endpoint.
  static Result<StsIdentityClient> Create(AwsContext& context);

  Result<GetCallerIdentityResult> GetCallerIdentity(const GetCallerIdentityRequest& request = {});

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::sts
