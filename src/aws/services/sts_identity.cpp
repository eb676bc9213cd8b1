// File: services/sts_identity.cpp
#include <fmt/format.h>

#include "awshpc/aws/protocols/query.hpp"
#include "awshpc/aws/services/sts.hpp"

namespace awshpc::aws::sts {

using protocols::QueryFlavor;

Result<StsIdentityClient> StsIdentityClient::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   context.MakeClient(kService, Protocol::kQuery));
  return StsIdentityClient(std::move(client));
}

Result<GetCallerIdentityResult> StsIdentityClient::GetCallerIdentity(
    const GetCallerIdentityRequest&) {
  ASSIGN_OR_RETURN(const HttpResponse response,
                   client_->Send("GetCallerIdentity", []() -> Result<HttpRequest> {
                     return protocols::MakeQueryRequest("GetCallerIdentity", kApiVersion,
                                                        protocols::QueryParams());
                   }));
  ASSIGN_OR_RETURN(const protocols::XmlDocument doc,
                   protocols::XmlDocument::Parse(response.body, "sts GetCallerIdentity"));
  ASSIGN_OR_RETURN(const pugi::xml_node result,
                   protocols::QueryResultNode(doc, "GetCallerIdentity", QueryFlavor::kQuery));
  GetCallerIdentityResult identity;
  identity.account = protocols::XmlText(result, "Account");
  identity.arn = protocols::XmlText(result, "Arn");
  identity.user_id = protocols::XmlText(result, "UserId");
  if (identity.account.empty() || identity.arn.empty()) {
    return InternalError("sts GetCallerIdentity: the response has no Account or Arn");
  }
  return identity;
}

}  // namespace awshpc::aws::sts
