// Tests of success rules: the JSON round trip, refused rules, and verdicts on real files.
#include "awshpc/backend/verdict.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "awshpc/core/paths.hpp"

namespace awshpc::verdict {
namespace {

using ::testing::HasSubstr;

// GCHP's rule as the GEOS-Chem generator writes it for a run ending 2019-07-08 at C24.
SuccessRule GchpLikeRule() {
  SuccessRule rule;
  rule.checks.push_back(
      {"cap_restart", {"cap_restart"}, "20190708 000000", "the run stopped early"});
  rule.checks.push_back(
      {"checkpoint",
       {"gcchem_internal_checkpoint", "Restarts/GEOSChem.Restart.20190708_0000z.c24.nc4"},
       std::nullopt,
       ""});
  rule.summary = "the run reached 20190708 and wrote its checkpoint";
  return rule;
}

class VerdictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "verdict-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/Restarts");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomically(dir_ + "/" + name, text).ok());
  }
  std::string dir_;
};

TEST_F(VerdictTest, RuleSurvivesItsJsonForm) {
  const SuccessRule rule = GchpLikeRule();
  const std::string text = EncodeSuccessRule(rule);
  EXPECT_EQ(text.find('\n'), std::string::npos);  // one environment variable value
  auto decoded = DecodeSuccessRule(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, rule);
}

TEST_F(VerdictTest, RefusesRulesThatLeaveTheRunDirectoryOrAreMalformed) {
  EXPECT_THAT(DecodeSuccessRule("not json").status().message(), HasSubstr("not a JSON object"));
  EXPECT_THAT(DecodeSuccessRule(R"({"checks": []})").status().message(),
              HasSubstr("AWS_HPC_SUCCESS_RULE.checks: expected a non-empty array"));
  EXPECT_THAT(DecodeSuccessRule(R"({"checks": [{"paths": ["/etc/passwd"]}]})").status().message(),
              HasSubstr("AWS_HPC_SUCCESS_RULE.checks[0].paths: \"/etc/passwd\" is not a relative"));
  EXPECT_THAT(DecodeSuccessRule(R"({"checks": [{"paths": ["a/../../x"]}]})").status().message(),
              HasSubstr("leaves the run directory"));
  EXPECT_THAT(
      DecodeSuccessRule(R"({"checks": [{"paths": ["x"], "equals": 3}]})").status().message(),
      HasSubstr("checks[0].equals: expected a string"));
}

TEST_F(VerdictTest, EachMissingPieceIsNamed) {
  const SuccessRule rule = GchpLikeRule();
  EXPECT_THAT(CheckSuccessRule(rule, dir_).message(), HasSubstr("no cap_restart in " + dir_));
  Write("cap_restart", "20190703 000000\n");
  EXPECT_EQ(CheckSuccessRule(rule, dir_).message(),
            "cap_restart is \"20190703 000000\", not 20190708 000000: the run stopped early");
  Write("cap_restart", "20190708 000000\n");
  EXPECT_THAT(CheckSuccessRule(rule, dir_).message(),
              HasSubstr("no checkpoint in " + dir_ +
                        " (looked for gcchem_internal_checkpoint or Restarts/"));
  Write("gcchem_internal_checkpoint", "");  // empty: a run killed while writing it
  EXPECT_FALSE(CheckSuccessRule(rule, dir_).ok());
  Write("Restarts/GEOSChem.Restart.20190708_0000z.c24.nc4", "CDF");
  EXPECT_TRUE(CheckSuccessRule(rule, dir_).ok());
}

TEST_F(VerdictTest, FilesDecideOverTheExitCode) {
  const SuccessRule rule = GchpLikeRule();
  // Exit 0 but cap_restart never advanced: failed, with the reason.
  Write("cap_restart", "20190701 000000\n");
  Verdict verdict = JudgeRun(rule, dir_, 0, std::nullopt);
  EXPECT_FALSE(verdict.succeeded);
  EXPECT_THAT(verdict.reason,
              HasSubstr("exit code 0, but the run failed its success check: cap_restart is"));
  // GCHP aborting at shutdown after a good run (mpirun reports 134, SIGABRT): succeeded.
  Write("cap_restart", "20190708 000000");
  Write("gcchem_internal_checkpoint", "CDF");
  verdict = JudgeRun(rule, dir_, 134, std::nullopt);
  EXPECT_TRUE(verdict.succeeded);
  EXPECT_EQ(verdict.reason,
            "exit code 134, but the run succeeded by its files: the run reached 20190708 and "
            "wrote its checkpoint");
  verdict = JudgeRun(rule, dir_, std::nullopt, SIGABRT);
  EXPECT_TRUE(verdict.succeeded);
  EXPECT_THAT(verdict.reason, HasSubstr("killed by signal 6, but the run succeeded"));
  verdict = JudgeRun(rule, dir_, 0, std::nullopt);
  EXPECT_TRUE(verdict.succeeded);
  EXPECT_EQ(verdict.reason, "exit code 0; the run reached 20190708 and wrote its checkpoint");
}

TEST_F(VerdictTest, EnvironmentWithoutARuleLeavesTheExitCodeInCharge) {
  EXPECT_FALSE(JudgeByEnvironment({{"PATH", "/bin"}}, dir_, 1, std::nullopt).has_value());
  auto broken = JudgeByEnvironment({{kSuccessRuleVariable, "{"}}, dir_, 0, std::nullopt);
  ASSERT_TRUE(broken.has_value());
  EXPECT_FALSE(broken->succeeded);
  EXPECT_THAT(broken->reason, HasSubstr("exit code 0; AWS_HPC_SUCCESS_RULE: not a JSON object"));
  Write("cap_restart", "20190708 000000\n");
  Write("gcchem_internal_checkpoint", "CDF");
  auto judged = JudgeByEnvironment({{kSuccessRuleVariable, EncodeSuccessRule(GchpLikeRule())}},
                                   dir_, 134, std::nullopt);
  ASSERT_TRUE(judged.has_value());
  EXPECT_TRUE(judged->succeeded);
}

}  // namespace
}  // namespace awshpc::verdict
