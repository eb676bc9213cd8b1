// File: services/json_call.hpp
// One json-1.1 call for the services that speak it (Logs, ECR): POST / with X-Amz-Target, then
// the response body parsed as JSON. Private to src/aws/services.
#pragma once

#include <fmt/format.h>

#include <string_view>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/protocols/json.hpp"

namespace awshpc::aws::services_internal {

// `service` names the service in parse errors ("logs CreateLogGroup: response is not JSON").
inline Result<protocols::Json> PostJson11(AwsClient& client, std::string_view service,
                                          std::string_view target_prefix,
                                          std::string_view operation, const protocols::Json& body) {
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client.Send(operation, [&]() -> Result<HttpRequest> {
                     return protocols::MakeJsonRequest(target_prefix, operation, body);
                   }));
  return protocols::ParseJsonBody(response.body, fmt::format("{} {}", service, operation));
}

}  // namespace awshpc::aws::services_internal
