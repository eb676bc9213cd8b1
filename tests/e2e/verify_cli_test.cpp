// File: verify_cli_test.cpp
// GEOS-Chem jobs judged by their files end to end: the real aws-hpc binary submits geos-chem
// locally, the real supervisor runs the job and judges it with the generator's success rule.
// Only the application's executables (gcclassic, mpirun) are stand-in scripts, put first on the
// job's PATH: they write what GEOS-Chem writes at the end of a run and exit as told.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "../../src/aws/test_util.hpp"
#include "awshpc/core/paths.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A directory of stand-in programs; Env() puts it first on PATH.
class StandIns {
 public:
  void Add(const std::string& name, const std::string& script) {
    const std::string path = dir_.path() + "/" + name;
    ASSERT_TRUE(WriteFileAtomically(path, "#!/bin/sh\n" + script).ok());
    ASSERT_EQ(::chmod(path.c_str(), 0755), 0);
  }
  std::map<std::string, std::string> Env(int vcpus) const {
    const char* path = std::getenv("PATH");
    return {{"PATH", dir_.path() + ":" + (path ? path : "/usr/bin:/bin")},
            {"AWS_HPC_LOCAL_VCPUS", std::to_string(vcpus)},
            {"AWS_HPC_LOCAL_MEMORY", "4GiB"}};
  }

 private:
  aws::testing::TempDir dir_;
};

json RunToEnd(const CliRunner& cli, std::vector<std::string> submit,
              const std::map<std::string, std::string>& env) {
  submit.insert(submit.begin(), {"job", "submit"});
  submit.insert(submit.end(), {"--output", "json"});
  CliResult submitted = cli.Run(submit, env);
  EXPECT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string id = JsonField(submitted.out, "id");
  // Generous hang guard: the stand-ins end at once.
  cli.Run({"job", "wait", id, "--timeout", "120s"}, env);
  CliResult status = cli.Run({"job", "status", id, "--output", "json"}, env);
  json job = json::parse(status.out, nullptr, false);
  EXPECT_FALSE(job.is_discarded()) << status.out << status.err;
  return job;
}

const std::vector<std::string> kGchp = {
    "geos-chem", "--variant",      "gchp",    "-p", "resolution=C24", "-p",  "cores=6",
    "-p",        "end=2019-07-02", "--vcpus", "6",  "--memory",       "1GiB"};
const std::vector<std::string> kClassic = {"geos-chem", "-p",  "end=2019-07-02", "--vcpus", "1",
                                           "--memory",  "1GiB"};

TEST(VerifyCliTest, GchpAbortAtShutdownAfterAGoodRunSucceeds) {
  CliRunner cli;
  StandIns apps;
  // mpirun -np 6 gchp: the run reaches its end, checkpoints, then aborts at shutdown (134).
  apps.Add("mpirun",
           "[ \"$1 $2 $3\" = \"-np 6 gchp\" ] || exit 2\n"
           "printf '20190702 000000\\n' > cap_restart\n"
           "printf 'CDF' > gcchem_internal_checkpoint\n"
           "exit 134\n");
  json job = RunToEnd(cli, kGchp, apps.Env(6));
  EXPECT_EQ(job["state"], "SUCCEEDED") << job.dump();
  EXPECT_EQ(job["exit_code"], 134);
  EXPECT_EQ(job["reason"],
            "exit code 134, but the run succeeded by its files: the run reached 20190702 and "
            "wrote its checkpoint");
  // `app verify` on the job's directory says the same.
  const std::string dir = cli.home() + "/jobs/" + job["id"].get<std::string>();
  CliResult verify =
      cli.Run({"app", "verify", "geos-chem", "--variant", "gchp", "-p", "resolution=C24", "-p",
               "cores=6", "-p", "end=2019-07-02", "--dir", dir});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("the run reached 20190702 and wrote its checkpoint"));
}

TEST(VerifyCliTest, GchpExitZeroWithoutAdvancingFailsWithTheReason) {
  CliRunner cli;
  StandIns apps;
  apps.Add("mpirun",
           "printf '20190701 000000\\n' > cap_restart\n"
           "exit 0\n");
  json job = RunToEnd(cli, kGchp, apps.Env(6));
  EXPECT_EQ(job["state"], "FAILED") << job.dump();
  EXPECT_EQ(job["exit_code"], 0);
  EXPECT_EQ(job["reason"],
            "exit code 0, but the run failed its success check: cap_restart is \"20190701 "
            "000000\", not 20190702 000000: the run stopped early");
  // The reason is in the job's history too (what `job status` shows).
  bool in_history = false;
  for (const json& change : job["history"]) {
    in_history |= change["state"] == "FAILED" && change["reason"].get<std::string>().find(
                                                     "the run stopped early") != std::string::npos;
  }
  EXPECT_TRUE(in_history) << job.dump();
  CliResult table = cli.Run({"job", "status", job["id"].get<std::string>()});
  EXPECT_THAT(table.out, HasSubstr("the run stopped early"));
}

TEST(VerifyCliTest, ClassicIsJudgedByItsEndOfRunRestart) {
  CliRunner cli;
  StandIns good;
  good.Add("gcclassic",
           "mkdir -p Restarts && printf 'CDF' > Restarts/GEOSChem.Restart.20190702_0000z.nc4\n"
           "exit 134\n");
  json job = RunToEnd(cli, kClassic, good.Env(1));
  EXPECT_EQ(job["state"], "SUCCEEDED") << job.dump();
  EXPECT_THAT(job["reason"].get<std::string>(), HasSubstr("end-of-run restart"));

  StandIns early;
  early.Add("gcclassic", "exit 0\n");
  job = RunToEnd(cli, kClassic, early.Env(1));
  EXPECT_EQ(job["state"], "FAILED") << job.dump();
  EXPECT_THAT(job["reason"].get<std::string>(),
              HasSubstr("no end-of-run restart in " + cli.home() + "/jobs/"));
  EXPECT_THAT(job["reason"].get<std::string>(), HasSubstr("the run did not finish"));
}

TEST(VerifyCliTest, SubmitRefusesWhatTheGeneratorRefuses) {
  CliRunner cli;
  // cores=7 passes app.yaml's int check; the generator knows GCHP needs a multiple of 6.
  CliResult result = cli.Run(
      {"job", "submit", "geos-chem", "--variant", "gchp", "-p", "cores=7", "-p", "resolution=C24"});
  EXPECT_EQ(result.exit_code, 2);  // invalid argument
  EXPECT_THAT(result.err, HasSubstr("geos-chem (gchp)"));
  EXPECT_THAT(result.err, HasSubstr("multiple of 6"));
  CliResult help = cli.Run({"job", "submit", "--help"});
  EXPECT_THAT(help.out, HasSubstr("judged by the files its run leaves"));
}

}  // namespace
}  // namespace awshpc::e2e
