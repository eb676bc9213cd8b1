// File: aws_cli_test.cpp
// `aws-hpc aws whoami|check` as a whole process against moto_server on 127.0.0.1 (started here
// on a free port, stopped by PID). Fake credentials; no secret may appear in any output.
#include <gtest/gtest.h>

#include <memory>

#include "../../src/aws/test_util.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

namespace t = awshpc::aws::testing;

constexpr const char* kSecret = "fake-secret-do-not-print";
constexpr const char* kToken = "fake-session-token-do-not-print";

class AwsCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(t::HaveProgram("moto_server"))
        << "moto_server is missing: install the Debian package python3-moto (or pip moto[server])";
    port_ = t::FreeLoopbackPort();
    server_ = std::make_unique<t::ChildProcess>(
        std::vector<std::string>{"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port_)});
    ASSERT_TRUE(t::WaitForPort(port_, 30'000)) << "moto_server did not start";
  }
  static void TearDownTestSuite() { server_.reset(); }

  std::map<std::string, std::string> Env() const {
    return {{"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
            {"AWS_SECRET_ACCESS_KEY", kSecret},
            {"AWS_SESSION_TOKEN", kToken},
            {"AWS_REGION", "eu-west-1"},
            {"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(port_)},
            {"AWS_CONFIG_FILE", dir_.path() + "/config"},
            {"AWS_SHARED_CREDENTIALS_FILE", dir_.path() + "/credentials"},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_PROFILE", ""}};
  }
  static void ExpectNoSecrets(const CliResult& result) {
    for (const std::string& text : {result.out, result.err}) {
      EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
      EXPECT_EQ(text.find(kToken), std::string::npos) << text;
    }
  }

  CliRunner cli_;
  t::TempDir dir_;
  static int port_;
  static std::unique_ptr<t::ChildProcess> server_;
};

int AwsCliTest::port_ = 0;
std::unique_ptr<t::ChildProcess> AwsCliTest::server_;

TEST_F(AwsCliTest, WhoamiTableJsonProfileAndDebug) {
  CliResult result = cli_.Run({"aws", "whoami"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Account      123456789012"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("eu-west-1 (AWS_REGION)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("(AWS_ENDPOINT_URL)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("environment (key AKID…FAKE, temporary)"), std::string::npos)
      << result.out;
  ExpectNoSecrets(result);

  result = cli_.Run({"aws", "whoami", "--region", "us-west-2", "--output", "json"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(JsonField(result.out, "account"), "123456789012");
  EXPECT_EQ(JsonField(result.out, "region"), "us-west-2");
  EXPECT_EQ(JsonField(result.out, "region_source"), "--region");
  EXPECT_EQ(JsonField(result.out, "credential_source"), "environment");
  ExpectNoSecrets(result);

  // A named profile from the shared files.
  dir_.Write("credentials",
             "[hpc]\naws_access_key_id = AKIDPROFILEKEY01\n"
             "aws_secret_access_key = " +
                 std::string(kSecret) + "\n");
  dir_.Write("config", "[profile hpc]\nregion = ap-southeast-2\n");
  result = cli_.Run({"aws", "whoami", "--profile", "hpc", "-o", "json"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(JsonField(result.out, "access_key_id"), "AKID…EY01");
  EXPECT_NE(JsonField(result.out, "credential_source").find("hpc"), std::string::npos)
      << result.out;
  ExpectNoSecrets(result);

  result = cli_.Run({"aws", "whoami", "--profile", "nope"}, Env());
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("nope"), std::string::npos) << result.err;

  // --debug: the canonical request and string to sign, without secrets.
  result = cli_.Run({"aws", "whoami", "--debug"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("canonical request:\nPOST\n/\n"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("x-amz-security-token:<redacted>"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("string to sign:\nAWS4-HMAC-SHA256\n"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("/eu-west-1/sts/aws4_request"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("< HTTP 200"), std::string::npos) << result.err;
  ExpectNoSecrets(result);
}

TEST_F(AwsCliTest, CheckReportsEveryService) {
  CliResult result = cli_.Run({"aws", "check", "-o", "json"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  for (const char* service : {"sts", "batch", "ec2", "logs", "s3"}) {
    EXPECT_NE(result.out.find(std::string("\"service\": \"") + service + "\""), std::string::npos)
        << result.out;
  }
  EXPECT_EQ(result.out.find("\"outcome\": \"denied\""), std::string::npos) << result.out;
  ExpectNoSecrets(result);

  auto env = Env();
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:" + std::to_string(t::FreeLoopbackPort());
  result = cli_.Run({"aws", "check"}, env);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("unreachable"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("5 of 5 services did not answer"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace awshpc::e2e
