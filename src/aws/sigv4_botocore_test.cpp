// File: sigv4_botocore_test.cpp
// Signs the same requests with our signer and with botocore (tests/tools/botocore_sign.py) and
// requires identical Authorization headers and presigned URLs.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "awshpc/aws/process.hpp"
#include "awshpc/aws/sigv4.hpp"
#include "test_util.hpp"

namespace awshpc::aws {
namespace {

struct Case {
  std::string service;
  bool s3 = false;
  bool unsigned_payload = false;
  int presign_expires = 0;
  std::string method;
  std::string url;
  HttpHeaders headers;
  std::string body;
};

std::vector<Case> Cases() {
  return {
      {"sts",
       false,
       false,
       0,
       "POST",
       "https://sts.us-east-1.amazonaws.com/",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
       "Action=GetCallerIdentity&Version=2011-06-15"},
      {"batch",
       false,
       false,
       0,
       "POST",
       "https://batch.eu-west-1.amazonaws.com/v1/submitjob",
       {{"Content-Type", "application/json"}, {"X-Custom", "  spaced   out  value "}},
       R"({"jobName":"lammps","jobQueue":"q"})"},
      {"ec2",
       false,
       false,
       0,
       "GET",
       "https://ec2.us-east-1.amazonaws.com/?Action=DescribeInstances&Filter.1.Name=tag%3AName"
       "&Filter.1.Value.1=a%20b&Version=2016-11-15",
       {},
       ""},
      {"logs",
       false,
       false,
       0,
       "POST",
       "https://logs.us-east-1.amazonaws.com/",
       {{"Content-Type", "application/x-amz-json-1.1"},
        {"X-Amz-Target", "Logs_20140328.GetLogEvents"}},
       R"({"logGroupName":"/aws/batch/job"})"},
      {"execute-api",
       false,
       false,
       0,
       "GET",
       "https://example.amazonaws.com/a%20b/%E1%88%B4/./c//d?z=1&a=%2F",
       {},
       ""},
      {"sts",
       false,
       false,
       0,
       "POST",
       "http://127.0.0.1:5000/",
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr"},
      {"s3",
       true,
       false,
       0,
       "PUT",
       "https://my-bucket.s3.us-west-2.amazonaws.com/dir/a%20b%2Bc.txt?partNumber=1&uploadId=x%2Fy",
       {{"Content-Type", "text/plain"}},
       "hello, world"},
      {"s3", true, false, 0, "GET", "https://s3.amazonaws.com/bucket/dir//../key%20name", {}, ""},
      {"s3", true, true, 0, "PUT", "https://bucket.s3.amazonaws.com/big.bin", {}, "payload"},
      {"s3",
       true,
       false,
       3600,
       "GET",
       "https://bucket.s3.eu-central-1.amazonaws.com/data/x%20y.nc",
       {},
       ""},
      {"s3",
       true,
       false,
       600,
       "GET",
       "https://bucket.s3.amazonaws.com/k?response-content-disposition=attachment",
       {},
       ""},
      {"sts",
       false,
       false,
       900,
       "GET",
       "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
       {},
       ""},
  };
}

TEST(SigV4BotocoreTest, SignaturesMatchBotocore) {
  ASSERT_TRUE(testing::HaveProgram("python3"))
      << "python3 is missing: install the Debian packages python3 and python3-botocore";
  const std::vector<Case> cases = Cases();
  const UnixMillis time = 1'796'056'065'000;  // 2026-11-30T16:27:45Z
  for (const bool with_token : {false, true}) {
    SCOPED_TRACE(with_token ? "with session token" : "long-term keys");
    Credentials credentials{"AKIDEXAMPLE",
                            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                            with_token ? "FwoGZXIvYXdzEP//////////token+/=" : "",
                            {},
                            "test"};
    nlohmann::json spec = {{"access_key", credentials.access_key_id},
                           {"secret_key", credentials.secret_access_key},
                           {"token", credentials.session_token},
                           {"time", "2026-11-30T16:27:45Z"},
                           {"requests", nlohmann::json::array()}};
    for (const auto& c : cases) {
      nlohmann::json headers = nlohmann::json::array();
      for (const auto& h : c.headers) headers.push_back({h.name, h.value});
      spec["requests"].push_back({{"service", c.service},
                                  {"region", "us-east-1"},
                                  {"method", c.method},
                                  {"url", c.url},
                                  {"headers", headers},
                                  {"body", c.body},
                                  {"s3", c.s3},
                                  {"unsigned_payload", c.unsigned_payload},
                                  {"presign_expires", c.presign_expires}});
    }
    testing::TempDir dir;
    const std::string input = dir.Write("in.json", spec.dump());
    const std::string output = dir.path() + "/out.json";
    auto run =
        RunProcess({"python3", testing::SourcePath("tests/tools/botocore_sign.py"), input, output});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ASSERT_EQ(run->exit_code, 0) << run->err;
    std::ifstream in(output);
    const nlohmann::json expected = nlohmann::json::parse(in);
    ASSERT_EQ(expected.size(), cases.size());

    FakeClock clock(time);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      SCOPED_TRACE(c.method + " " + c.url);
      SigV4Signer signer({c.service, "us-east-1", c.s3, c.unsigned_payload}, clock);
      HttpRequest request;
      request.method = c.method;
      request.url = c.url;
      request.headers = c.headers;
      request.body = c.body;
      if (c.presign_expires > 0) {
        auto parts = signer.Presign(request, credentials, std::chrono::seconds(c.presign_expires));
        ASSERT_TRUE(parts.ok()) << parts.status().ToString();
        EXPECT_EQ(parts->url, expected[i]["url"].get<std::string>());
      } else {
        auto parts = signer.Sign(request, credentials);
        ASSERT_TRUE(parts.ok()) << parts.status().ToString();
        EXPECT_EQ(parts->authorization, expected[i]["authorization"].get<std::string>())
            << parts->canonical_request;
        if (c.s3) {
          EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Content-SHA256"),
                    expected[i]["content_sha256"].get<std::string>());
        }
      }
    }
  }
}

}  // namespace
}  // namespace awshpc::aws
