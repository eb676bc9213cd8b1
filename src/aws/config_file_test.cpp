// File: config_file_test.cpp
#include "awshpc/aws/config_file.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace awshpc::aws {
namespace {

TEST(ParseIniTest, SectionsCommentsAndSubProperties) {
  auto ini = ParseIni(
      "# comment\n"
      "; another\n"
      "[default]\n"
      "region = eu-west-1   # inline comment\n"
      "Output=json\n"
      "secret = abc#def;ghi\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "  max_concurrent_requests = 20\n"
      "after = 1\n"
      "[  profile   dev  ]\n"
      "region=\n",
      "config");
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  const IniSection& section = ini->at("default");
  EXPECT_EQ(section.at("region"), "eu-west-1");
  EXPECT_EQ(section.at("output"), "json");
  EXPECT_EQ(section.at("secret"), "abc#def;ghi");
  EXPECT_EQ(section.at("s3.addressing_style"), "path");
  EXPECT_EQ(section.at("s3.max_concurrent_requests"), "20");
  EXPECT_EQ(section.at("after"), "1");
  EXPECT_EQ(ini->at("profile dev").at("region"), "");
}

TEST(ParseIniTest, ErrorsNameFileAndLine) {
  EXPECT_EQ(ParseIni("region = x\n", "/home/u/.aws/config").status().message(),
            "/home/u/.aws/config:1: property outside any [section]");
  EXPECT_EQ(ParseIni("[default\n", "c").status().message(), "c:1: section header without ']'");
  EXPECT_EQ(ParseIni("[default]\njunk\n", "c").status().message(), "c:2: expected 'key = value'");
}

TEST(SharedConfigTest, MergesFilesWithCredentialsWinning) {
  auto shared = ParseSharedConfig(
      "[default]\nregion = us-east-1\n"
      "[profile dev]\nregion = eu-west-1\naws_access_key_id = FROM_CONFIG\nservices = local\n"
      "[dev-not-a-profile]\nregion = nowhere\n"
      "[services local]\nbatch =\n  endpoint_url = http://127.0.0.1:5000\n",
      "[dev]\naws_access_key_id = FROM_CREDENTIALS\naws_secret_access_key = s\n"
      "[ci]\naws_access_key_id = CI\n");
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  const Profile* dev = shared->FindProfile("dev");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->Get("region"), "eu-west-1");
  EXPECT_EQ(dev->Get("aws_access_key_id"), "FROM_CREDENTIALS");
  EXPECT_NE(shared->FindProfile("ci"), nullptr);
  EXPECT_EQ(shared->FindProfile("dev-not-a-profile"), nullptr);
  EXPECT_EQ(shared->services.at("local").at("batch.endpoint_url"), "http://127.0.0.1:5000");
}

TEST(SharedConfigTest, ProfileDefaultBeatsBareDefault) {
  auto shared = ParseSharedConfig("[default]\nregion = a\n[profile default]\nregion = b\n", "");
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared->FindProfile("default")->Get("region"), "b");
}

TEST(SharedConfigTest, LoadsFilesNamedByTheEnvironment) {
  testing::TempDir dir;
  const std::string config = dir.Write("config", "[profile x]\nregion = ap-south-1\n");
  const std::string credentials = dir.Write("creds", "[x]\naws_access_key_id = AK\n");
  MapEnvironment env({{"AWS_CONFIG_FILE", config},
                      {"AWS_SHARED_CREDENTIALS_FILE", credentials},
                      {"HOME", "/nonexistent"}});
  auto shared = LoadSharedConfig(env);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  EXPECT_EQ(shared->FindProfile("x")->Get("region"), "ap-south-1");
  EXPECT_EQ(shared->FindProfile("x")->Get("aws_access_key_id"), "AK");

  MapEnvironment tilde({{"AWS_CONFIG_FILE", "~/config"}, {"HOME", dir.path()}});
  EXPECT_EQ(LoadSharedConfig(tilde)->FindProfile("x")->Get("region"), "ap-south-1");

  // Missing files are fine; a broken one is reported with its path.
  EXPECT_TRUE(LoadSharedConfig(MapEnvironment({{"HOME", dir.path() + "/nothing"}})).ok());
  const std::string broken = dir.Write("broken", "[oops\n");
  auto failed = LoadSharedConfig(MapEnvironment({{"AWS_CONFIG_FILE", broken}, {"HOME", "/x"}}));
  EXPECT_NE(failed.status().message().find(broken + ":1"), std::string::npos);
}

TEST(SharedConfigTest, ProfileSelection) {
  EXPECT_EQ(SelectedProfileName(MapEnvironment()), "default");
  EXPECT_EQ(SelectedProfileName(MapEnvironment({{"AWS_PROFILE", "dev"}})), "dev");
  EXPECT_EQ(SelectedProfileName(MapEnvironment({{"AWS_PROFILE", "dev"}}), "prod"), "prod");
}

}  // namespace
}  // namespace awshpc::aws
