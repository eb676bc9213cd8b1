// File: services/services_test_env.cpp
#include "services_test_env.hpp"

#include "awshpc/aws/protocols/query.hpp"
#include "awshpc/aws/services/ec2.hpp"

namespace awshpc::aws::testing {

MotoEnvironment::MotoEnvironment() {
  if (!HaveProgram("moto_server")) {
    error_ =
        "moto_server is missing: install the Debian package python3-moto (or pip moto[server])";
    return;
  }
  port_ = FreeLoopbackPort();
  server_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port_)});
  if (!WaitForPort(port_, 30'000)) {
    error_ = "moto_server did not start";
    return;
  }
  env_ = MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
                         {"AWS_SECRET_ACCESS_KEY", "fake-secret"},
                         {"AWS_REGION", "us-east-1"},
                         {"AWS_ENDPOINT_URL", url()},
                         {"AWS_CONFIG_FILE", dir_.path() + "/config"},
                         {"AWS_SHARED_CREDENTIALS_FILE", dir_.path() + "/credentials"},
                         {"AWS_EC2_METADATA_DISABLED", "true"},
                         {"AWS_MAX_ATTEMPTS", "2"}});
  AwsContextOptions options;
  options.env = &env_;
  auto context = AwsContext::Create(options);
  if (!context.ok()) {
    error_ = context.status().ToString();
    return;
  }
  context_ = std::move(context).value();
}

Status MotoEnvironment::DisableBatchDocker() {
  HttpRequest request;
  request.method = "POST";
  request.url = url() + "/moto-api/config";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = R"({"batch":{"use_docker":false}})";
  ASSIGN_OR_RETURN(const HttpResponse response, context_->http().Send(request));
  if (response.status / 100 != 2)
    return InternalError("moto-api/config: HTTP " + std::to_string(response.status));
  return Status::Ok();
}

Result<std::string> MotoEnvironment::CreateRole(const std::string& name) {
  static constexpr ServiceInfo kIam{"IAM", "iam", "iam", true};
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> iam, context_->MakeClient(kIam, Protocol::kQuery));
  protocols::QueryParams params;
  params.Add("RoleName", name);
  params.Add("AssumeRolePolicyDocument",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
             R"("Principal":{"Service":"batch.amazonaws.com"},"Action":"sts:AssumeRole"}]})");
  ASSIGN_OR_RETURN(const HttpResponse response,
                   iam->Send("CreateRole", [&]() -> Result<HttpRequest> {
                     return protocols::MakeQueryRequest("CreateRole", "2010-05-08", params);
                   }));
  ASSIGN_OR_RETURN(const protocols::XmlDocument doc,
                   protocols::XmlDocument::Parse(response.body, "iam CreateRole"));
  ASSIGN_OR_RETURN(const pugi::xml_node result,
                   protocols::QueryResultNode(doc, "CreateRole", protocols::QueryFlavor::kQuery));
  return protocols::XmlText(result, "Role/Arn");
}

Result<std::string> MotoEnvironment::CreateInstanceProfile(const std::string& name) {
  static constexpr ServiceInfo kIam{"IAM", "iam", "iam", true};
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> iam, context_->MakeClient(kIam, Protocol::kQuery));
  protocols::QueryParams params;
  params.Add("InstanceProfileName", name);
  ASSIGN_OR_RETURN(
      const HttpResponse response, iam->Send("CreateInstanceProfile", [&]() -> Result<HttpRequest> {
        return protocols::MakeQueryRequest("CreateInstanceProfile", "2010-05-08", params);
      }));
  if (response.status != 200) return InternalError("CreateInstanceProfile: " + response.body);
  return name;
}

Result<MotoEnvironment::DefaultNetwork> MotoEnvironment::FindDefaultNetwork() {
  ASSIGN_OR_RETURN(ec2::Ec2Client ec2, ec2::Ec2Client::Create(*context_));
  ASSIGN_OR_RETURN(ec2::DescribeSubnetsResult subnets, ec2.DescribeSubnets({}));
  ASSIGN_OR_RETURN(ec2::DescribeSecurityGroupsResult groups, ec2.DescribeSecurityGroups({}));
  if (subnets.subnets.empty() || groups.security_groups.empty()) {
    return InternalError("moto has no default subnet or security group");
  }
  return DefaultNetwork{subnets.subnets.front().subnet_id, groups.security_groups.front().group_id};
}

}  // namespace awshpc::aws::testing
