// End-to-end tests of `aws-hpc arch`: the real binary, its embedded catalog, recorded
// /proc/cpuinfo files from src/arch/testdata and this machine's own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

using nlohmann::json;

const std::string kTestdata = AWSHPC_SOURCE_DIR "/src/arch/testdata/";

json ParseJson(const CliResult& result) {
  json parsed = json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << result.out << result.err;
  return parsed;
}

TEST(ArchCliTest, EveryCommandHasHelp) {
  CliRunner cli;
  for (std::vector<std::string> command :
       std::vector<std::vector<std::string>>{{"arch"},
                                             {"arch", "list"},
                                             {"arch", "info"},
                                             {"arch", "for-instance"},
                                             {"arch", "detect"}}) {
    command.push_back("--help");
    CliResult result = cli.Run(command);
    EXPECT_EQ(result.exit_code, 0) << command[1];
    EXPECT_NE(result.out.find("Usage:"), std::string::npos) << result.out;
  }
  EXPECT_NE(cli.Run({"arch", "detect", "--help"}).out.find("--cpuinfo"), std::string::npos);
  EXPECT_EQ(cli.Run({"arch"}).exit_code, 2);
  EXPECT_EQ(cli.Run({"arch", "info"}).exit_code, 2);
}

TEST(ArchCliTest, ListShowsEveryTargetWithItsFamilies) {
  CliRunner cli;
  CliResult table = cli.Run({"arch", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("NAME", 0), 0u) << table.out;
  for (const char* text : {"zen4", "hpc7a", "graviton3", "hpc7g", "sapphirerapids", "cuda",
                           "x86-64-v4", "armv8.2-a"}) {
    EXPECT_NE(table.out.find(text), std::string::npos) << text;
  }
  json list = ParseJson(cli.Run({"arch", "list", "--output", "json"}));
  ASSERT_TRUE(list.is_array());
  EXPECT_GE(list.size(), 16u);
  for (const json& target : list) {
    EXPECT_TRUE(target.contains("name"));
    EXPECT_FALSE(target["sources"].empty()) << target["name"];
  }
  CliResult yaml = cli.Run({"arch", "list", "-o", "yaml"});
  EXPECT_EQ(yaml.exit_code, 0);
  EXPECT_NE(yaml.out.find("- name: \"zen4\""), std::string::npos) << yaml.out.substr(0, 300);
}

TEST(ArchCliTest, InfoShowsFlagsPerCompilerVersionAndSources) {
  CliRunner cli;
  CliResult info = cli.Run({"arch", "info", "zen4"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  for (const char* text : {"-march=znver4", ">= 12.3", "znver4 is unknown before GCC 12.3", "hpc7a",
                           "Sources", "archspec"}) {
    EXPECT_NE(info.out.find(text), std::string::npos) << text << "\n" << info.out;
  }
  json doc = ParseJson(cli.Run({"arch", "info", "neoverse-v1", "--compiler", "gcc",
                                "--compiler-version", "10.2", "-o", "json"}));
  EXPECT_EQ(doc["name"], "graviton3");
  EXPECT_EQ(doc["flags_for"]["flags"], "-mcpu=zeus");
  EXPECT_EQ(doc["flags_for"]["fallback"], true);
  EXPECT_EQ(doc["compilers"]["gcc"][0]["flags"], "-mcpu=neoverse-v1");

  CliResult typo = cli.Run({"arch", "info", "gravitn3"});
  EXPECT_EQ(typo.exit_code, 3);
  EXPECT_NE(typo.err.find("did you mean graviton3?"), std::string::npos) << typo.err;
  CliResult compiler =
      cli.Run({"arch", "info", "zen4", "--compiler", "gcx", "--compiler-version", "12"});
  EXPECT_EQ(compiler.exit_code, 2);
  EXPECT_NE(compiler.err.find("did you mean gcc?"), std::string::npos) << compiler.err;
  EXPECT_EQ(cli.Run({"arch", "info", "zen4", "--compiler", "gcc"}).exit_code, 2);
}

TEST(ArchCliTest, ForInstanceNamesTheCpuAndItsFlags) {
  CliRunner cli;
  CliResult c7g = cli.Run({"arch", "for-instance", "c7g.16xlarge"});
  ASSERT_EQ(c7g.exit_code, 0) << c7g.err;
  EXPECT_EQ(c7g.out.rfind("c7g.16xlarge: graviton3", 0), 0u) << c7g.out;
  EXPECT_NE(c7g.out.find("-mcpu=neoverse-v1"), std::string::npos);

  json hpc7a = ParseJson(cli.Run({"arch", "for-instance", "hpc7a.96xlarge", "--compiler", "gcc",
                                  "--compiler-version", "12.2", "-o", "json"}));
  EXPECT_EQ(hpc7a["architecture"], "zen4");
  EXPECT_EQ(hpc7a["flags"]["gcc"]["flags"], "-march=znver4 -mtune=znver4");
  EXPECT_EQ(hpc7a["flags_for"]["fallback"], true);
  EXPECT_NE(hpc7a["flags_for"]["flags"].get<std::string>().find("-mavx512f"), std::string::npos);

  json c5 = ParseJson(cli.Run({"arch", "for-instance", "c5.large", "-o", "json"}));
  EXPECT_EQ(c5["architecture"], "skylake");
  EXPECT_EQ(c5["possible"], json::array({"cascadelake"}));
  json p5 = ParseJson(cli.Run({"arch", "for-instance", "p5.48xlarge", "-o", "json"}));
  EXPECT_EQ(p5["gpu"], "cuda");

  CliResult unknown = cli.Run({"arch", "for-instance", "c7gx.large"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_NE(unknown.err.find("did you mean"), std::string::npos) << unknown.err;
  EXPECT_EQ(cli.Run({"arch", "for-instance", "not a type"}).exit_code, 2);
}

TEST(ArchCliTest, DetectReadsRecordedFilesAndThisMachine) {
  CliRunner cli;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"graviton2-c6g.cpuinfo", "graviton2"}, {"graviton3-c7g.cpuinfo", "graviton3"},
      {"graviton4-c8g.cpuinfo", "graviton4"}, {"zen4-gvisor-vm.cpuinfo", "zen4"},
      {"icelake-c6i.cpuinfo", "icelake"},     {"sapphirerapids-c7i.cpuinfo", "sapphirerapids"}};
  for (const auto& [file, expected] : cases) {
    json doc = ParseJson(cli.Run({"arch", "detect", "--cpuinfo", kTestdata + file, "-o", "json"}));
    EXPECT_EQ(doc["architecture"], expected) << file;
    EXPECT_EQ(doc["method"], "cpuid") << file;
  }
  CliResult here = cli.Run({"arch", "detect"});
  ASSERT_EQ(here.exit_code, 0) << here.err;
  EXPECT_NE(here.out.find("Read from:   /proc/cpuinfo"), std::string::npos) << here.out;
  json doc = ParseJson(cli.Run({"arch", "detect", "-o", "json"}));
  EXPECT_FALSE(doc["architecture"].get<std::string>().empty());
#if defined(__x86_64__)
  EXPECT_EQ(doc["isa"], "x86_64");
#endif
  CliResult missing = cli.Run({"arch", "detect", "--cpuinfo", "/nonexistent/cpuinfo"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("/nonexistent/cpuinfo"), std::string::npos) << missing.err;
  CliResult empty = cli.Run({"arch", "detect", "--cpuinfo", "/dev/null"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("no processor information"), std::string::npos) << empty.err;
}

}  // namespace
}  // namespace awshpc::e2e
