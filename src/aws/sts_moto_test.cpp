// File: sts_moto_test.cpp
// The STS client and role-assuming credential providers against moto_server on 127.0.0.1
// (started here on a free port, stopped by PID). Credentials are fake; nothing leaves loopback.
#include <gtest/gtest.h>

#include <memory>

#include "awshpc/aws/credentials/chain.hpp"
#include "awshpc/aws/credentials/profile_provider.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/sts_client.hpp"
#include "test_util.hpp"

namespace awshpc::aws {
namespace {

const Credentials kFake{"AKIDFAKEFAKEFAKE", "fake-secret", "", {}, "test"};

class StsMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(testing::HaveProgram("moto_server"))
        << "moto_server is missing: install the Debian package python3-moto (or pip moto[server])";
    port_ = testing::FreeLoopbackPort();
    server_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port_)});
    ASSERT_TRUE(testing::WaitForPort(port_, 30'000)) << "moto_server did not start";
  }
  static void TearDownTestSuite() { server_.reset(); }
  static std::string Url() { return "http://127.0.0.1:" + std::to_string(port_); }

  static int port_;
  static std::unique_ptr<testing::ChildProcess> server_;
};

int StsMotoTest::port_ = 0;
std::unique_ptr<testing::ChildProcess> StsMotoTest::server_;

TEST_F(StsMotoTest, AssumeRoleAndWebIdentity) {
  CurlHttpClient http;
  StsQueryClient sts(http, Endpoint{Url(), "us-east-1", "test"});
  AssumeRoleParams params;
  params.role_arn = "arn:aws:iam::123456789012:role/hpc-runner";
  params.role_session_name = "aws-hpc-test";
  params.duration_seconds = 900;
  auto assumed = sts.AssumeRole(kFake, params);
  ASSERT_TRUE(assumed.ok()) << assumed.status().ToString();
  EXPECT_FALSE(assumed->access_key_id.empty());
  EXPECT_FALSE(assumed->session_token.empty());
  ASSERT_TRUE(assumed->expiration.has_value());
  EXPECT_GT(*assumed->expiration, SystemClock::Instance().NowMillis());

  params.web_identity_token = "eyJ.fake.token";
  auto web = sts.AssumeRoleWithWebIdentity(params);
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  EXPECT_FALSE(web->access_key_id.empty());
}

TEST_F(StsMotoTest, ProfileRoleChainThroughTheDefaultChain) {
  testing::TempDir dir;
  const std::string token = dir.Write("token", "eyJ.fake.token\n");
  auto config = ParseSharedConfig(
      "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n"
      "[profile runner]\nrole_arn = arn:aws:iam::123456789012:role/runner\nsource_profile = base\n"
      "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\n"
      "source_profile = runner\nregion = eu-west-1\n",
      "");
  ASSERT_TRUE(config.ok());
  CurlHttpClient http;
  MapEnvironment env({{"AWS_ENDPOINT_URL_STS", Url()},
                      {"AWS_PROFILE", "admin"},
                      {"AWS_EC2_METADATA_DISABLED", "true"}});
  DefaultChainOptions options;
  options.env = &env;
  options.config = &*config;
  options.http = &http;
  auto credentials = MakeDefaultCredentialsChain(options)->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_NE(credentials->access_key_id, "AKIDBASE");
  EXPECT_FALSE(credentials->session_token.empty());
  EXPECT_NE(credentials->source.find("role/admin"), std::string::npos);

  MapEnvironment web_env({{"AWS_ENDPOINT_URL_STS", Url()},
                          {"AWS_WEB_IDENTITY_TOKEN_FILE", token},
                          {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"},
                          {"AWS_REGION", "us-west-2"},
                          {"AWS_EC2_METADATA_DISABLED", "true"}});
  // As in botocore, web identity from the environment comes before a profile's static keys.
  auto with_default = ParseSharedConfig(
      "[default]\naws_access_key_id = STATIC\n"
      "aws_secret_access_key = s\n",
      "");
  options.env = &web_env;
  options.config = &*with_default;
  credentials = MakeDefaultCredentialsChain(options)->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_NE(credentials->source.find("AssumeRoleWithWebIdentity"), std::string::npos);
}

TEST_F(StsMotoTest, ServiceErrorsCarryCodeAndRequestId) {
  CurlHttpClient http;
  StsQueryClient sts(http, Endpoint{Url(), "us-east-1", "test"});
  AssumeRoleParams params;
  params.role_arn = "arn:aws:iam::123456789012:role/r";
  params.role_session_name = std::string(65, 's');  // over the 64-character limit
  auto failed = sts.AssumeRole(kFake, params);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(failed.status().message().find("sts AssumeRole: HTTP 400 ValidationError"),
            std::string::npos)
      << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("request id "), std::string::npos)
      << failed.status().ToString();
}

}  // namespace
}  // namespace awshpc::aws
