// File: credentials/metadata_providers_test.cpp
// IMDSv2 and container credentials against tests/tools/metadata_server.py on 127.0.0.1.
#include "awshpc/aws/credentials/metadata_providers.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "../test_util.hpp"
#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/credentials/chain.hpp"
#include "awshpc/aws/curl_http_client.hpp"

namespace awshpc::aws {
namespace {

constexpr char kContainerToken[] = "container-secret-token";

class MetadataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(testing::HaveProgram("python3")) << "python3 is missing: install Debian python3";
    port_ = testing::FreeLoopbackPort();
    // Credentials live one hour, like real instance-profile credentials.
    server_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"python3", testing::SourcePath("tests/tools/metadata_server.py"),
                                 std::to_string(port_), kContainerToken, "3600"});
    ASSERT_TRUE(testing::WaitForPort(port_, 10'000)) << "metadata server did not start";
  }
  static void TearDownTestSuite() { server_.reset(); }

  static std::string Base() { return "http://127.0.0.1:" + std::to_string(port_); }
  static nlohmann::json Stats() {
    CurlHttpClient http;
    HttpRequest request;
    request.url = Base() + "/stats";
    return nlohmann::json::parse(http.Send(request)->body);
  }

  static int port_;
  static std::unique_ptr<testing::ChildProcess> server_;
};

int MetadataTest::port_ = 0;
std::unique_ptr<testing::ChildProcess> MetadataTest::server_;

TEST_F(MetadataTest, ImdsV2TokenRoleAndCredentials) {
  MapEnvironment env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", Base() + "/"}});
  Ec2MetadataClient imds(env);
  EXPECT_EQ(imds.endpoint(), Base());
  const int puts_before = Stats()["token_puts"];
  InstanceProfileCredentialsProvider provider(imds);
  auto credentials = provider.GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_TRUE(credentials->access_key_id.starts_with("IMDSKEY"));
  EXPECT_TRUE(credentials->session_token.starts_with("session-"));
  ASSERT_TRUE(credentials->expiration.has_value());
  EXPECT_EQ(*ImdsRegion(imds), "eu-west-3");
  EXPECT_TRUE(provider.GetCredentials().ok());
  EXPECT_EQ(Stats()["token_puts"], puts_before + 1);  // one token served all five GETs
  EXPECT_EQ(imds.Get("/latest/meta-data/nothing-here").status().code(), StatusCode::kNotFound);
}

TEST_F(MetadataTest, ImdsRenewsARejectedToken) {
  MapEnvironment env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", Base()}});
  Ec2MetadataClient imds(env);
  ASSERT_TRUE(ImdsRegion(imds).ok());
  CurlHttpClient http;
  HttpRequest rotate;
  rotate.method = "POST";
  rotate.url = Base() + "/rotate";
  ASSERT_TRUE(http.Send(rotate).ok());
  EXPECT_EQ(*ImdsRegion(imds), "eu-west-3");
}

TEST_F(MetadataTest, ImdsDisabledOrAbsentIsNotFound) {
  MapEnvironment disabled(
      {{"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", Base()}});
  Ec2MetadataClient off(disabled);
  EXPECT_EQ(ImdsRegion(off).status().code(), StatusCode::kNotFound);
  MapEnvironment nobody({{"AWS_EC2_METADATA_SERVICE_ENDPOINT",
                          "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort())}});
  Ec2MetadataClient absent(nobody);
  EXPECT_EQ(ImdsRegion(absent).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Ec2MetadataClient(MapEnvironment()).endpoint(), "http://169.254.169.254");
  MapEnvironment ipv6({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}});
  EXPECT_EQ(Ec2MetadataClient(ipv6).endpoint(), "http://[fd00:ec2::254]");
}

TEST_F(MetadataTest, CachedImdsCredentialsRefreshBeforeExpiry) {
  MapEnvironment env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", Base()}});
  Ec2MetadataClient imds(env);
  FakeClock clock(SystemClock::Instance().NowMillis());
  CachingCredentialsProvider cache(std::make_unique<InstanceProfileCredentialsProvider>(imds),
                                   clock);
  const int gets_before = Stats()["credential_gets"];
  const std::string first = cache.GetCredentials()->access_key_id;
  clock.Advance(std::chrono::minutes(30));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, first);
  EXPECT_EQ(Stats()["credential_gets"], gets_before + 1);
  clock.Advance(std::chrono::minutes(26));  // 4 minutes of validity left
  EXPECT_NE(cache.GetCredentials()->access_key_id, first);
  EXPECT_EQ(Stats()["credential_gets"], gets_before + 2);
}

TEST_F(MetadataTest, ContainerFullUriWithTokenFile) {
  testing::TempDir dir;
  const std::string token_file = dir.Write("token", std::string(kContainerToken) + "\n");
  MapEnvironment env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", Base() + "/container/creds"},
                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file},
                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-file-is-set"}});
  auto credentials = ContainerCredentialsProvider(env).GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_TRUE(credentials->access_key_id.starts_with("CONTAINERKEY"));
  EXPECT_TRUE(credentials->expiration.has_value());

  MapEnvironment wrong({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", Base() + "/container/creds"},
                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong"}});
  EXPECT_EQ(ContainerCredentialsProvider(wrong).GetCredentials().status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(MetadataTest, ContainerRelativeUriAndHostRestrictions) {
  MapEnvironment env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/container/creds"},
                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", kContainerToken}});
  auto credentials = ContainerCredentialsProvider(env, nullptr, Base()).GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  // Plain http to anything but loopback or the container agent is refused before connecting.
  MapEnvironment remote({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.1.2.3/creds"}});
  EXPECT_EQ(ContainerCredentialsProvider(remote).GetCredentials().status().code(),
            StatusCode::kInvalidArgument);
  MapEnvironment injected({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", Base() + "/container/creds"},
                           {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1"}});
  EXPECT_EQ(ContainerCredentialsProvider(injected).GetCredentials().status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ContainerCredentialsProvider(MapEnvironment()).GetCredentials().status().code(),
            StatusCode::kNotFound);
}

TEST_F(MetadataTest, DefaultChainFallsThroughToContainerThenImds) {
  SharedConfig config;
  FakeClock clock(SystemClock::Instance().NowMillis());
  DefaultChainOptions options;
  options.config = &config;
  options.clock = &clock;
  options.container_base = Base();
  MapEnvironment container({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/container/creds"},
                            {"AWS_CONTAINER_AUTHORIZATION_TOKEN", kContainerToken},
                            {"AWS_EC2_METADATA_SERVICE_ENDPOINT", Base()}});
  options.env = &container;
  auto credentials = MakeDefaultCredentialsChain(options)->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_TRUE(credentials->access_key_id.starts_with("CONTAINERKEY"));
  MapEnvironment imds_only({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", Base()}});
  options.env = &imds_only;
  credentials = MakeDefaultCredentialsChain(options)->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_TRUE(credentials->access_key_id.starts_with("IMDSKEY"));
}

}  // namespace
}  // namespace awshpc::aws
