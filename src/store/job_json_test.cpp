// File: job_json_test.cpp
// The JSON form of a JobRequest must give back exactly what went in, whatever the strings hold.
#include "job_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace awshpc::store {
namespace {

using ::testing::HasSubstr;

sched::JobRequest HostileRequest() {
  sched::JobRequest r;
  r.name = "run \"quoted\" 'single' \\back\\slash";
  r.app = "lammps";
  r.app_version = "2Aug2023";
  r.variant = "opt\tfast";
  r.parameters = {{"steps", "1000"}, {"title", "line1\nline2\r\n"}, {"json", "{\"a\": [1, 2]}"}};
  r.argv = {"mpirun",
            "-np",
            "2",
            "lmp",
            "-var",
            "x",
            "'; DROP TABLE jobs; --",
            std::string("nul\0inside", 10),
            "",
            "\x01\x1f\x7f"};
  r.environment = {
      {"OMP_NUM_THREADS", "2"}, {"GREETING", "héllo wörld ✓ 日本語 🚀 مرحبا"}, {"EMPTY", ""}};
  r.inputs = {{"/data/in.lj", "in.lj"}, {"s3://bucket/key with spaces/ü.nc", "met/ü.nc"}};
  r.resources = {16, 65536, 2, 4, 86400};
  r.priority = -7;
  r.backend = "batch";
  r.performance_parser = "lammps";
  r.user = "ana";
  r.project = "chem \u2028 separator";
  r.max_attempts = 3;
  return r;
}

TEST(JobJsonTest, RoundTripsAFullRequestWithHostileStrings) {
  const sched::JobRequest request = HostileRequest();
  auto json = RequestToJson(request);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  auto back = RequestFromJson(*json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, request);
}

TEST(JobJsonTest, RoundTripsDefaults) {
  auto json = RequestToJson(sched::JobRequest{});
  ASSERT_TRUE(json.ok());
  auto back = RequestFromJson(*json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, sched::JobRequest{});
}

TEST(JobJsonTest, MissingFieldsTakeDefaultsAndUnknownFieldsAreIgnored) {
  auto back =
      RequestFromJson(R"({"name": "x", "future_field": {"a": 1}, "resources": {"vcpus": 4}})");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  sched::JobRequest expected;
  expected.name = "x";
  expected.resources.vcpus = 4;
  EXPECT_EQ(*back, expected);
}

TEST(JobJsonTest, RejectsWrongTypesNamingTheField) {
  auto bad = RequestFromJson(R"({"argv": "not an array"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("argv"));
  bad = RequestFromJson(R"({"resources": {"vcpus": "four"}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("vcpus"));
  bad = RequestFromJson(R"({"priority": 99999999999})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("priority"));
  EXPECT_FALSE(RequestFromJson("[1, 2]").ok());
  EXPECT_FALSE(RequestFromJson("{not json").ok());
}

TEST(JobJsonTest, RefusesInvalidUtf8NamingTheField) {
  sched::JobRequest request;
  request.argv = {"ok", "bad\xff"};
  auto json = RequestToJson(request);
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(json.status().message(), HasSubstr("argv[1]"));

  request.argv.clear();
  request.environment = {{"KEY", "\xc3"}};
  json = RequestToJson(request);
  ASSERT_FALSE(json.ok());
  EXPECT_THAT(json.status().message(), HasSubstr("environment[KEY]"));
}

TEST(JobJsonTest, MetricsRoundTripWithNonFiniteAsNaN) {
  const std::map<std::string, double> metrics = {{"timesteps_per_second", 123.456},
                                                 {"zero", 0},
                                                 {"tiny", 1e-300},
                                                 {"inf", std::numeric_limits<double>::infinity()}};
  auto back = MetricsFromJson(MetricsToJson(metrics));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 4u);
  EXPECT_EQ(back->at("timesteps_per_second"), 123.456);
  EXPECT_EQ(back->at("tiny"), 1e-300);
  EXPECT_TRUE(std::isnan(back->at("inf")));
  EXPECT_FALSE(MetricsFromJson(R"({"a": "x"})").ok());
  EXPECT_TRUE(MetricsFromJson("{}")->empty());
}

TEST(JobJsonTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("é✓🚀"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace
}  // namespace awshpc::store
