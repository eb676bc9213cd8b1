// File: endpoints_test.cpp
#include "awshpc/aws/endpoints.hpp"

#include <gtest/gtest.h>

#include "awshpc/aws/environment.hpp"

namespace awshpc::aws {
namespace {

const ServiceInfo kBatch{"Batch", "batch", "batch"};
const ServiceInfo kLogs{"CloudWatch Logs", "logs", "logs"};
const ServiceInfo kIam{"IAM", "iam", "iam", /*global=*/true};

TEST(EnvironmentTest, BooleanSettingsAreTrueInAnyCaseAndNothingElse) {
  EXPECT_TRUE(IsTrueSetting(std::string("true")));
  EXPECT_TRUE(IsTrueSetting(std::string("TRUE")));
  EXPECT_TRUE(IsTrueSetting(std::string("tRuE")));
  EXPECT_FALSE(IsTrueSetting(std::string("1")));
  EXPECT_FALSE(IsTrueSetting(std::string("yes")));
  EXPECT_FALSE(IsTrueSetting(std::string("true ")));
  EXPECT_FALSE(IsTrueSetting(std::nullopt));
}

TEST(RegionTest, Precedence) {
  Profile profile{"dev", {{"region", "eu-west-1"}}};
  auto imds = []() -> Result<std::string> { return std::string("ap-northeast-1"); };
  EXPECT_EQ(ResolveRegion(
                MapEnvironment({{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "us-east-2"}}),
                &profile, imds)
                ->region,
            "us-west-2");
  EXPECT_EQ(
      ResolveRegion(MapEnvironment({{"AWS_DEFAULT_REGION", "us-east-2"}}), &profile, imds)->source,
      "AWS_DEFAULT_REGION");
  auto from_profile = ResolveRegion(MapEnvironment(), &profile, imds);
  EXPECT_EQ(from_profile->region, "eu-west-1");
  EXPECT_EQ(from_profile->source, "profile dev");
  EXPECT_EQ(ResolveRegion(MapEnvironment(), nullptr, imds)->source, "IMDS");
  EXPECT_EQ(ResolveRegion(MapEnvironment(), nullptr).status().code(), StatusCode::kNotFound);
  auto no_imds = []() -> Result<std::string> { return UnavailableError("not on EC2"); };
  EXPECT_FALSE(ResolveRegion(MapEnvironment(), nullptr, no_imds).ok());
}

TEST(EndpointTest, PartitionDefaults) {
  const MapEnvironment env;
  EXPECT_EQ(ResolveEndpoint(kBatch, "us-east-1", env)->url,
            "https://batch.us-east-1.amazonaws.com");
  EXPECT_EQ(ResolveEndpoint(kBatch, "cn-northwest-1", env)->url,
            "https://batch.cn-northwest-1.amazonaws.com.cn");
  EXPECT_EQ(ResolveEndpoint(kBatch, "us-gov-west-1", env)->url,
            "https://batch.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(PartitionOf("us-gov-east-1").id, "aws-us-gov");
  EXPECT_EQ(PartitionOf("cn-north-1").id, "aws-cn");
  EXPECT_EQ(PartitionOf("eu-central-2").id, "aws");
  EXPECT_EQ(PartitionOf("us-iso-east-1").dns_suffix, "c2s.ic.gov");
  auto iam = ResolveEndpoint(kIam, "eu-west-1", env);
  EXPECT_EQ(iam->url, "https://iam.amazonaws.com");
  EXPECT_EQ(iam->signing_region, "us-east-1");
  EXPECT_EQ(ResolveEndpoint(kIam, "cn-north-1", env)->url,
            "https://iam.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(ResolveEndpoint(kIam, "us-gov-east-1", env)->url, "https://iam.us-gov.amazonaws.com");
  EXPECT_EQ(
      ResolveEndpoint(kBatch, "us-east-1", MapEnvironment({{"AWS_USE_FIPS_ENDPOINT", "true"}}))
          ->url,
      "https://batch-fips.us-east-1.amazonaws.com");
  MapEnvironment dual({{"AWS_USE_DUALSTACK_ENDPOINT", "true"}});
  EXPECT_EQ(ResolveEndpoint(kBatch, "eu-west-1", dual)->url, "https://batch.eu-west-1.api.aws");
  EXPECT_EQ(ResolveEndpoint(kBatch, "cn-north-1", dual)->url,
            "https://batch.cn-north-1.api.amazonwebservices.com.cn");
  EXPECT_FALSE(ResolveEndpoint(kBatch, "us-iso-east-1", dual).ok());
  Profile fips_profile{"f", {{"use_fips_endpoint", "true"}}};
  EXPECT_EQ(ResolveEndpoint(kBatch, "us-gov-west-1", env, nullptr, &fips_profile)->url,
            "https://batch-fips.us-gov-west-1.amazonaws.com");
  EXPECT_FALSE(ResolveEndpoint(kBatch, "evil.com/x", env).ok());
}

TEST(EndpointTest, ConfiguredEndpointsInSdkOrder) {
  auto shared = ParseSharedConfig(
      "[profile dev]\nendpoint_url = http://127.0.0.1:4000\nservices = local\n"
      "[services local]\ncloudwatch_logs =\n  endpoint_url = http://127.0.0.1:4001\n",
      "");
  ASSERT_TRUE(shared.ok());
  const Profile* dev = shared->FindProfile("dev");
  MapEnvironment env({{"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:5001/"},
                      {"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"}});
  auto endpoint = ResolveEndpoint(kLogs, "us-east-1", env, &*shared, dev);
  EXPECT_EQ(endpoint->url, "http://127.0.0.1:5001");
  EXPECT_EQ(endpoint->source, "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
  EXPECT_EQ(endpoint->signing_region, "us-east-1");
  EXPECT_EQ(ResolveEndpoint(kBatch, "us-east-1", env, &*shared, dev)->url, "http://127.0.0.1:5000");
  const MapEnvironment empty;
  EXPECT_EQ(ResolveEndpoint(kLogs, "us-east-1", empty, &*shared, dev)->url,
            "http://127.0.0.1:4001");
  EXPECT_EQ(ResolveEndpoint(kBatch, "us-east-1", empty, &*shared, dev)->url,
            "http://127.0.0.1:4000");
  MapEnvironment ignore({{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"},
                         {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}});
  EXPECT_EQ(ResolveEndpoint(kBatch, "us-east-1", ignore, &*shared, dev)->source, "default");
  EXPECT_FALSE(
      ResolveEndpoint(kBatch, "us-east-1", MapEnvironment({{"AWS_ENDPOINT_URL", "localhost:5000"}}))
          .ok());
  EXPECT_EQ(EndpointEnvironmentVariable("CloudWatch Logs"), "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
  EXPECT_EQ(EndpointEnvironmentVariable("STS"), "AWS_ENDPOINT_URL_STS");
}

}  // namespace
}  // namespace awshpc::aws
