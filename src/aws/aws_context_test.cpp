// File: aws_context_test.cpp
// The whole stack end to end against moto_server on 127.0.0.1: environment credentials,
// AWS_ENDPOINT_URL, signing, libcurl, XML parsing. Fake credentials; nothing leaves loopback.
#include "awshpc/aws/aws_context.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <pugixml.hpp>

#include "awshpc/aws/uri.hpp"
#include "test_util.hpp"

namespace awshpc::aws {
namespace {

const ServiceInfo kSts{"STS", "sts", "sts"};

class AwsContextTest : public ::testing::Test {
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

  static int port_;
  static std::unique_ptr<testing::ChildProcess> server_;
};

int AwsContextTest::port_ = 0;
std::unique_ptr<testing::ChildProcess> AwsContextTest::server_;

TEST_F(AwsContextTest, GetCallerIdentityThroughTheWholeStack) {
  testing::TempDir dir;
  MapEnvironment env({{"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
                      {"AWS_SECRET_ACCESS_KEY", "fake-secret"},
                      {"AWS_REGION", "eu-west-1"},
                      {"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(port_)},
                      {"AWS_CONFIG_FILE", dir.path() + "/config"},
                      {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/credentials"},
                      {"AWS_EC2_METADATA_DISABLED", "true"},
                      {"AWS_MAX_ATTEMPTS", "2"}});
  AwsContextOptions options;
  options.env = &env;
  auto context = AwsContext::Create(options);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  EXPECT_EQ((*context)->Region()->region, "eu-west-1");
  EXPECT_EQ((*context)->retry_config().max_attempts, 2);
  auto client = (*context)->MakeClient(kSts, Protocol::kQuery);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ((*client)->config().endpoint.source, "AWS_ENDPOINT_URL");
  auto response = (*client)->Send("GetCallerIdentity", []() -> Result<HttpRequest> {
    HttpRequest request;
    request.method = "POST";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = EncodeQuery({{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}});
    return request;
  });
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(response->body.c_str()));
  const std::string account =
      doc.document_element().child("GetCallerIdentityResult").child_value("Account");
  EXPECT_EQ(account.size(), 12u) << response->body;
}

// Needs no server: nothing here sends a request.
TEST(AwsContextConfigTest, MissingRegionFailsOnlyWhenAClientIsMade) {
  testing::TempDir dir;
  MapEnvironment env({{"AWS_CONFIG_FILE", dir.path() + "/config"},
                      {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/credentials"},
                      {"AWS_EC2_METADATA_DISABLED", "true"}});
  AwsContextOptions options;
  options.env = &env;
  auto context = AwsContext::Create(options);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  EXPECT_EQ((*context)->MakeClient(kSts, Protocol::kQuery).status().code(), StatusCode::kNotFound);
  // The platform's region beats the profile's (none here) but not the environment's.
  options.platform_region = "eu-central-1";
  context = AwsContext::Create(options);
  ASSERT_TRUE(context.ok());
  EXPECT_EQ((*context)->Region()->region, "eu-central-1");
  MapEnvironment with_region({{"AWS_CONFIG_FILE", dir.path() + "/config"},
                              {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/credentials"},
                              {"AWS_EC2_METADATA_DISABLED", "true"},
                              {"AWS_REGION", "us-west-2"}});
  options.env = &with_region;
  EXPECT_EQ((*AwsContext::Create(options))->Region()->region, "us-west-2");
  options.env = &env;
  options.platform_region.clear();
  options.cli_region = "ap-southeast-2";
  context = AwsContext::Create(options);
  auto client = (*context)->MakeClient(kSts, Protocol::kQuery);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->config().endpoint.url, "https://sts.ap-southeast-2.amazonaws.com");
  // Broken configuration is reported at once.
  const std::string broken = dir.Write("broken", "[profile\n");
  MapEnvironment bad({{"AWS_CONFIG_FILE", broken}, {"HOME", dir.path()}});
  options.env = &bad;
  EXPECT_EQ(AwsContext::Create(options).status().code(), StatusCode::kInvalidArgument);
}

// AWS_RETRY_MODE=adaptive gives every client a limiter, one per service shared by its clients;
// the standard mode gives none.
TEST(AwsContextConfigTest, AdaptiveModeSharesOneLimiterPerService) {
  testing::TempDir dir;
  MapEnvironment env({{"AWS_CONFIG_FILE", dir.path() + "/config"},
                      {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/credentials"},
                      {"AWS_EC2_METADATA_DISABLED", "true"},
                      {"AWS_REGION", "us-east-1"},
                      {"AWS_RETRY_MODE", "adaptive"}});
  AwsContextOptions options;
  options.env = &env;
  auto context = AwsContext::Create(options);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  auto first = (*context)->MakeClient(kSts, Protocol::kQuery);
  auto second = (*context)->MakeClient(kSts, Protocol::kQuery);
  auto other =
      (*context)->MakeClient(ServiceInfo{"CloudWatch Logs", "logs", "logs"}, Protocol::kJson);
  ASSERT_TRUE(first.ok() && second.ok() && other.ok());
  ASSERT_NE((*first)->adaptive_limiter(), nullptr);
  EXPECT_EQ((*first)->adaptive_limiter(), (*second)->adaptive_limiter());
  ASSERT_NE((*other)->adaptive_limiter(), nullptr);
  EXPECT_NE((*first)->adaptive_limiter(), (*other)->adaptive_limiter());

  MapEnvironment standard({{"AWS_CONFIG_FILE", dir.path() + "/config"},
                           {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/credentials"},
                           {"AWS_EC2_METADATA_DISABLED", "true"},
                           {"AWS_REGION", "us-east-1"}});
  options.env = &standard;
  context = AwsContext::Create(options);
  ASSERT_TRUE(context.ok());
  auto plain = (*context)->MakeClient(kSts, Protocol::kQuery);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)->adaptive_limiter(), nullptr);
}

}  // namespace
}  // namespace awshpc::aws
