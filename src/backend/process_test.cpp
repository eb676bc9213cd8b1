#include "process.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "awshpc/core/paths.hpp"

namespace awshpc::backend::internal {
namespace {

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/awshpc-process-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  SpawnSpec Spec(std::vector<std::string> argv) {
    SpawnSpec spec;
    spec.argv = std::move(argv);
    spec.environment = {"PATH=/usr/bin:/bin", "GREETING=hello world"};
    spec.work_dir = dir_;
    spec.stdout_path = dir_ + "/out";
    spec.stderr_path = dir_ + "/err";
    return spec;
  }

  int Wait(pid_t pid) {
    int status = 0;
    EXPECT_EQ(::waitpid(pid, &status, 0), pid);
    return status;
  }

  std::string dir_;
};

TEST_F(ProcessTest, ArgumentsArriveByteForByteWithoutAShell) {
  const std::string hostile[] = {"; rm -rf ~", "$(id)", "`id`", "a\nb", "'\"", "*", "$GREETING"};
  std::vector<std::string> argv = {"printf", "[%s]"};
  std::string expected;
  for (const auto& value : hostile) {
    argv.push_back(value);
    expected += "[" + value + "]";
  }
  auto pid = SpawnInNewProcessGroup(Spec(argv));
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  EXPECT_EQ(Wait(*pid), 0);
  EXPECT_EQ(*ReadFileToString(dir_ + "/out", 1 << 20), expected);
}

TEST_F(ProcessTest, RunsInItsOwnProcessGroupAndDirectoryWithTheGivenEnvironment) {
  auto pid = SpawnInNewProcessGroup(
      Spec({"sh", "-c", "echo $$ $(ps -o pgid= -p $$ | tr -d ' ') \"$GREETING\"; pwd"}));
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  EXPECT_EQ(Wait(*pid), 0);
  const std::string out = *ReadFileToString(dir_ + "/out", 1 << 20);
  const std::string id = std::to_string(*pid);
  EXPECT_EQ(out, id + " " + id + " hello world\n" + dir_ + "\n");
}

TEST_F(ProcessTest, MissingProgramIsAnErrorNotAnExitCode) {
  auto pid = SpawnInNewProcessGroup(Spec({"no-such-program-xyz"}));
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.status().code(), StatusCode::kNotFound);
  EXPECT_NE(pid.status().message().find("no-such-program-xyz"), std::string::npos);

  SpawnSpec spec = Spec({"true"});
  spec.work_dir = dir_ + "/missing";
  auto in_missing_dir = SpawnInNewProcessGroup(spec);
  ASSERT_FALSE(in_missing_dir.ok());
  EXPECT_NE(in_missing_dir.status().message().find("entering"), std::string::npos);
}

TEST_F(ProcessTest, IdentityTellsAProcessFromARecycledPid) {
  auto self = ReadProcessIdentity(::getpid());
  ASSERT_TRUE(self.ok());
  EXPECT_TRUE(IsSameLiveProcess(::getpid(), self->start_ticks));
  EXPECT_FALSE(IsSameLiveProcess(::getpid(), self->start_ticks + 1));
  EXPECT_FALSE(IsSameLiveProcess(0, 0));
  auto pid = SpawnInNewProcessGroup(Spec({"true"}));
  ASSERT_TRUE(pid.ok());
  ::usleep(100'000);  // let it exit: a zombie is not alive
  auto zombie = ReadProcessIdentity(*pid);
  ASSERT_TRUE(zombie.ok());
  EXPECT_FALSE(IsSameLiveProcess(*pid, zombie->start_ticks));
  Wait(*pid);
}

TEST(SignalNameTest, Names) {
  EXPECT_EQ(SignalName(SIGTERM), "SIGTERM");
  EXPECT_EQ(SignalName(SIGKILL), "SIGKILL");
}

}  // namespace
}  // namespace awshpc::backend::internal
