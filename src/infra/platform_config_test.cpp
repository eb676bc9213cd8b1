// File: platform_config_test.cpp
// aws-hpc.yaml: the example loads with the expected values; bad input is reported with file,
// line, column and field path, every problem of a file at once.
#include <gtest/gtest.h>

#include "awshpc/infra/platform_config.hpp"

namespace awshpc::infra {
namespace {

TEST(PlatformConfigTest, ExampleLoads) {
  auto config = LoadPlatformConfig(std::string(AWSHPC_SOURCE_DIR) + "/examples/aws-hpc.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->name, "hpc");
  EXPECT_EQ(config->region, "us-east-1");
  EXPECT_EQ(config->tags.at("cost-center"), "4711");
  EXPECT_EQ(config->network.cidr, "10.20.0.0/16");
  ASSERT_EQ(config->compute.families.size(), 3u);
  EXPECT_EQ(config->compute.families[0].name, "x86_64-amd");
  EXPECT_EQ(config->compute.families[0].max_vcpus, 512);  // compute.max_vcpus
  EXPECT_EQ(config->compute.families[1].max_vcpus, 1024);
  EXPECT_EQ(config->compute.families[1].microarchitectures,
            (std::vector<std::string>{"graviton3", "graviton4"}));
  EXPECT_EQ(config->compute.families[2].instance_types, (std::vector<std::string>{"g5", "g6"}));
  EXPECT_TRUE(config->compute.spot);
  EXPECT_TRUE(config->compute.ondemand);
  EXPECT_TRUE(config->storage.fsx.enabled);
  EXPECT_TRUE(config->storage.efs);
  EXPECT_EQ(config->apps, std::vector<std::string>{"lammps"});
}

TEST(PlatformConfigTest, MinimalConfigGetsDefaults) {
  auto loaded =
      ParsePlatformConfig("region: eu-west-1\ncompute:\n  families: [x86_64-intel]\n", "p.yaml");
  ASSERT_TRUE(loaded.config) << loaded.DiagnosticsText();
  const PlatformConfig& c = *loaded.config;
  EXPECT_EQ(c.name, "aws-hpc");
  EXPECT_EQ(c.network.availability_zones, 2);
  EXPECT_EQ(c.compute.families[0].max_vcpus, 256);
  EXPECT_EQ(c.compute.families[0].microarchitectures,
            (std::vector<std::string>{"sapphirerapids", "icelake"}));
  EXPECT_FALSE(c.storage.fsx.enabled);
  EXPECT_EQ(c.log_retention_days, 30);
}

TEST(PlatformConfigTest, EveryProblemNamedWithLineColumnAndField) {
  const std::string text =
      "region: mars-1\n"                        // 1
      "name: Bad_Name\n"                        // 2
      "network:\n"                              // 3
      "  cidr: 10.0.0.0/8\n"                    // 4
      "  availability_zones: 9\n"               // 5
      "compute:\n"                              // 6
      "  purchase: [spot, reserved]\n"          // 7
      "  families:\n"                           // 8
      "    x86_64-amd: {max_vcpu: 4}\n"         // 9
      "    sparc: {}\n"                         // 10
      "logs: {retention_days: 10}\n"            // 11
      "storage: {fsx: {capacity_gib: 1300}}\n"  // 12
      "tags: {aws-hpc:x: y}\n";                 // 13
  ConfigLoadResult loaded = ParsePlatformConfig(text, "aws-hpc.yaml");
  ASSERT_FALSE(loaded.config);
  const std::string all = loaded.DiagnosticsText();
  for (const char* expected : {
           "aws-hpc.yaml:1:9: region: expected an AWS region such as us-east-1; got \"mars-1\"",
           "aws-hpc.yaml:2:7: name:",
           "aws-hpc.yaml:4:9: network.cidr: expected an IPv4 CIDR block from /16 to /22",
           "aws-hpc.yaml:5:23: network.availability_zones:",
           "aws-hpc.yaml:7:20: compute.purchase[1]: expected one of spot or ondemand",
           "aws-hpc.yaml:9:18: compute.families.x86_64-amd",
           "max_vcpu",
           "aws-hpc.yaml:10:5: compute.families.sparc: expected one of x86_64-amd",
           "aws-hpc.yaml:11:24: logs.retention_days: expected one of 1, 3",
           "aws-hpc.yaml:12:31: storage.fsx.capacity_gib: expected 1200, 2400 or a multiple",
           "aws-hpc.yaml:13:8: tags.aws-hpc:x: the aws-hpc: prefix is reserved",
       }) {
    EXPECT_NE(all.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << all;
  }
}

TEST(PlatformConfigTest, MissingRequiredAndBrokenYaml) {
  ConfigLoadResult loaded = ParsePlatformConfig("name: x\n", "c.yaml");
  ASSERT_FALSE(loaded.config);
  EXPECT_NE(loaded.DiagnosticsText().find("region"), std::string::npos) << loaded.DiagnosticsText();
  EXPECT_NE(loaded.DiagnosticsText().find("compute"), std::string::npos);

  loaded = ParsePlatformConfig("region: [us-east-1\n", "c.yaml");
  ASSERT_FALSE(loaded.config);
  EXPECT_TRUE(loaded.DiagnosticsText().starts_with("c.yaml:")) << loaded.DiagnosticsText();

  loaded = ParsePlatformConfig("", "c.yaml");
  EXPECT_NE(loaded.DiagnosticsText().find("file is empty"), std::string::npos);

  auto missing = LoadPlatformConfig("/nonexistent/aws-hpc.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("/nonexistent/aws-hpc.yaml: cannot read"),
            std::string::npos);
}

TEST(PlatformConfigTest, DuplicateFamilyAndEmptyPurchase) {
  ConfigLoadResult loaded = ParsePlatformConfig(
      "region: us-east-1\ncompute:\n  purchase: []\n  families: [gpu, gpu]\n", "d.yaml");
  ASSERT_FALSE(loaded.config);
  const std::string all = loaded.DiagnosticsText();
  EXPECT_NE(all.find("d.yaml:3:13: compute.purchase: expected at least one"), std::string::npos)
      << all;
  EXPECT_NE(all.find("d.yaml:4:19: compute.families[1]: family gpu is listed twice"),
            std::string::npos)
      << all;
}

// Neither NAT nor endpoints: instances could not join their compute environment.
TEST(PlatformConfigTest, PrivateSubnetsNeedNatOrEndpoints) {
  ConfigLoadResult loaded = ParsePlatformConfig(
      "region: us-east-1\nnetwork:\n  nat_gateway: false\n  interface_endpoints: false\n"
      "compute: {families: [gpu]}\n",
      "n.yaml");
  ASSERT_FALSE(loaded.config);
  EXPECT_NE(
      loaded.DiagnosticsText().find("n.yaml:4:24: network.interface_endpoints: expected true when "
                                    "network.nat_gateway is false"),
      std::string::npos)
      << loaded.DiagnosticsText();
  loaded = ParsePlatformConfig(
      "region: us-east-1\nnetwork: {nat_gateway: false}\ncompute: {families: [gpu]}\n", "n.yaml");
  EXPECT_TRUE(loaded.config) << loaded.DiagnosticsText();
}

}  // namespace
}  // namespace awshpc::infra
