// File: process_test.cpp
#include "awshpc/aws/process.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace awshpc::aws {
namespace {

using Words = std::vector<std::string>;

TEST(SplitCommandLineTest, FollowsPosixShlexRules) {
  EXPECT_EQ(*SplitCommandLine("aws-vault export  --format=json dev"),
            (Words{"aws-vault", "export", "--format=json", "dev"}));
  EXPECT_EQ(*SplitCommandLine(R"(/opt/my tool/bin 'a b' "c \"d\" $HOME" e\ f)"),
            (Words{"/opt/my", "tool/bin", "a b", "c \"d\" $HOME", "e f"}));
  EXPECT_EQ(*SplitCommandLine(R"('it''s' "a\nb")"), (Words{"its", "a\\nb"}));
  EXPECT_EQ(*SplitCommandLine("x ''"), (Words{"x", ""}));
  EXPECT_FALSE(SplitCommandLine("  ").ok());
  EXPECT_FALSE(SplitCommandLine("echo 'open").ok());
}

TEST(SplitCommandLineTest, ShellSyntaxIsJustText) {
  // No shell runs: ';', '|', '$(...)' and '>' reach the program as plain arguments.
  EXPECT_EQ(*SplitCommandLine("echo a;rm -rf x|y $(id) >z"),
            (Words{"echo", "a;rm", "-rf", "x|y", "$(id)", ">z"}));
}

TEST(RunProcessTest, CapturesOutputAndExitCode) {
  auto result = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->out, "out\n");
  EXPECT_EQ(result->err, "err\n");
  EXPECT_EQ(result->exit_code, 3);
}

TEST(RunProcessTest, MissingProgramAndTimeout) {
  EXPECT_FALSE(RunProcess({"/nonexistent/awshpc-no-such-program"}).ok());
  auto slow = RunProcess({"sleep", "5"}, std::chrono::milliseconds(200));
  EXPECT_EQ(slow.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(RunProcessTest, RunsInTheGivenWorkingDirectory) {
  const std::filesystem::path before = std::filesystem::current_path();
  auto in_root = RunProcess({"pwd"}, std::chrono::seconds(60), 1 << 20, "/");
  ASSERT_TRUE(in_root.ok()) << in_root.status().ToString();
  EXPECT_EQ(in_root->out, "/\n");
  EXPECT_EQ(std::filesystem::current_path(), before);  // only the child moved
  EXPECT_FALSE(
      RunProcess({"pwd"}, std::chrono::seconds(60), 1 << 20, "/nonexistent/awshpc-no-such-dir")
          .ok());
}

}  // namespace
}  // namespace awshpc::aws
