// Tests of `aws-hpc-stage verdict`: the judgement of a command's status, the real aws-hpc-stage
// binary, and the image's entrypoint (data/containers/entrypoint.sh under /bin/sh) running a
// stand-in for GCHP's mpirun, each as a real process.
#include "awshpc/batch/stage_verdict.hpp"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "../aws/test_util.hpp"
#include "awshpc/backend/verdict.hpp"
#include "awshpc/core/paths.hpp"
#include "exact_env_process.hpp"

namespace awshpc::batch {
namespace {

using ::testing::HasSubstr;

std::string GchpRuleText() {
  verdict::SuccessRule rule;
  rule.checks.push_back(
      {"cap_restart", {"cap_restart"}, "20190702 000000", "the run stopped early"});
  rule.checks.push_back({"checkpoint", {"gcchem_internal_checkpoint"}, std::nullopt, ""});
  rule.summary = "the run reached 20190702 and wrote its checkpoint";
  return verdict::EncodeSuccessRule(rule);
}

struct VerdictProcess {
  int exit_status = -1;
  std::string err;
};

// Runs `argv` with exactly `env` (no shell of ours), stderr captured; its exit status.
VerdictProcess RunVerdictProcess(const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env,
                                 const std::string& err_path) {
  VerdictProcess out;
  out.exit_status = awshpc::testing::RunWithExactEnv(args, env, "", err_path);
  auto text = ReadFileToString(err_path, 1 << 20);
  out.err = text.ok() ? *text : "";
  return out;
}

class StageVerdictTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& text, int mode = 0644) {
    ASSERT_TRUE(WriteFileAtomically(dir_.path() + "/" + name, text).ok());
    ASSERT_EQ(::chmod((dir_.path() + "/" + name).c_str(), static_cast<mode_t>(mode)), 0);
  }
  std::string Stager() const { return std::string(AWSHPC_BINARY_DIR) + "/bin/aws-hpc-stage"; }
  aws::testing::TempDir dir_;
};

TEST_F(StageVerdictTest, StatusStandsWithoutARuleAndMustBeANumber) {
  aws::MapEnvironment none;
  auto judged = JudgeCommand(none, dir_.path(), "134");
  ASSERT_TRUE(judged.ok());
  EXPECT_EQ(judged->exit_status, 134);
  EXPECT_TRUE(judged->message.empty());
  for (const char* bad : {"", "-1", "256", "0x1", "3; reboot"}) {
    EXPECT_THAT(JudgeCommand(none, dir_.path(), bad).status().message(),
                HasSubstr("expected the command's exit status, 0 to 255"))
        << bad;
  }
}

TEST_F(StageVerdictTest, FilesDecideTheContainersExitStatus) {
  aws::MapEnvironment env{{verdict::kSuccessRuleVariable, GchpRuleText()}};
  Write("cap_restart", "20190701 000000\n");
  auto judged = JudgeCommand(env, dir_.path(), "0");
  ASSERT_TRUE(judged.ok());
  EXPECT_EQ(judged->exit_status, 1);
  EXPECT_THAT(judged->message, HasSubstr("exit code 0, but the run failed its success check"));
  judged = JudgeCommand(env, dir_.path(), "137");
  EXPECT_EQ(judged->exit_status, 137);  // a failed run keeps its own status
  Write("cap_restart", "20190702 000000\n");
  Write("gcchem_internal_checkpoint", "CDF");
  judged = JudgeCommand(env, dir_.path(), "134");
  EXPECT_EQ(judged->exit_status, 0);
  EXPECT_THAT(judged->message, HasSubstr("exit code 134, but the run succeeded by its files"));
}

TEST_F(StageVerdictTest, StagerBinaryExitsWithTheVerdict) {
  const std::map<std::string, std::string> env = {
      {std::string(verdict::kSuccessRuleVariable), GchpRuleText()}};
  const std::string err = dir_.path() + "/.err";
  Write("cap_restart", "20190701 000000\n");
  VerdictProcess failed = RunVerdictProcess({Stager(), "verdict", "0", dir_.path()}, env, err);
  EXPECT_EQ(failed.exit_status, 1);
  EXPECT_THAT(failed.err, HasSubstr("aws-hpc-stage: verdict: exit code 0, but the run failed its "
                                    "success check: cap_restart is \"20190701 000000\""));
  Write("cap_restart", "20190702 000000\n");
  Write("gcchem_internal_checkpoint", "CDF");
  VerdictProcess good = RunVerdictProcess({Stager(), "verdict", "134", dir_.path()}, env, err);
  EXPECT_EQ(good.exit_status, 0);
  EXPECT_THAT(good.err, HasSubstr("the run reached 20190702 and wrote its checkpoint"));
  VerdictProcess bad = RunVerdictProcess({Stager(), "verdict", "x", dir_.path()}, env, err);
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_THAT(bad.err, HasSubstr("STATUS \"x\""));
}

// The image's entrypoint on this machine: the job's command is a stand-in mpirun in a directory
// first on PATH; aws-hpc-stage comes from this build. No /opt/aws-hpc here, so only the
// command, the verdict and the exit status take part.
TEST_F(StageVerdictTest, EntrypointExitsWithTheVerdictOfTheRun) {
  std::filesystem::create_directories(dir_.path() + "/bin");
  std::filesystem::create_directories(dir_.path() + "/work");
  const std::string entrypoint = aws::testing::SourcePath("data/containers/entrypoint.sh");
  std::map<std::string, std::string> env = {
      {"PATH", dir_.path() + "/bin:" + AWSHPC_BINARY_DIR + "/bin:/usr/bin:/bin"},
      {"AWS_HPC_WORK_DIR", dir_.path() + "/work"},
      {std::string(verdict::kSuccessRuleVariable), GchpRuleText()}};
  const std::string err = dir_.path() + "/.err";
  // GCHP reaching its end, checkpointing, then aborting at shutdown.
  Write("bin/mpirun",
        "#!/bin/sh\n"
        "printf '20190702 000000\\n' > cap_restart\n"
        "printf CDF > gcchem_internal_checkpoint\n"
        "exit 134\n",
        0755);
  VerdictProcess good =
      RunVerdictProcess({"/bin/sh", entrypoint, "mpirun", "-np", "6", "gchp"}, env, err);
  EXPECT_EQ(good.exit_status, 0) << good.err;
  EXPECT_THAT(good.err, HasSubstr("exit code 134, but the run succeeded by its files"));

  // A run that stopped early but exited 0.
  std::filesystem::remove_all(dir_.path() + "/work");
  Write("bin/mpirun", "#!/bin/sh\nprintf '20190701 000000\\n' > cap_restart\nexit 0\n", 0755);
  VerdictProcess early =
      RunVerdictProcess({"/bin/sh", entrypoint, "mpirun", "-np", "6", "gchp"}, env, err);
  EXPECT_EQ(early.exit_status, 1);
  EXPECT_THAT(early.err, HasSubstr("the run stopped early"));

  // A child node of a multi-node job: the main node's verdict decides the job, not this one's.
  env["AWS_BATCH_JOB_NODE_INDEX"] = "1";
  env["AWS_BATCH_JOB_MAIN_NODE_INDEX"] = "0";
  VerdictProcess child =
      RunVerdictProcess({"/bin/sh", entrypoint, "mpirun", "-np", "6", "gchp"}, env, err);
  EXPECT_EQ(child.exit_status, 0);
  EXPECT_EQ(child.err.find("verdict"), std::string::npos) << child.err;
  env["AWS_BATCH_JOB_NODE_INDEX"] = "0";
  VerdictProcess main_node =
      RunVerdictProcess({"/bin/sh", entrypoint, "mpirun", "-np", "6", "gchp"}, env, err);
  EXPECT_EQ(main_node.exit_status, 1);

  // Without a rule the command's status stands, as before.
  env.erase(verdict::kSuccessRuleVariable);
  VerdictProcess plain =
      RunVerdictProcess({"/bin/sh", entrypoint, "mpirun", "-np", "6", "gchp"}, env, err);
  EXPECT_EQ(plain.exit_status, 0);
  EXPECT_EQ(plain.err.find("verdict"), std::string::npos) << plain.err;
}

}  // namespace
}  // namespace awshpc::batch
