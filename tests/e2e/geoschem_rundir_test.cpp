// File: geoschem_rundir_test.cpp
// A GEOS-Chem run directory that can run, end to end with the real binaries: `aws-hpc app config`
// writes aws-hpc's files and the completion plan, then `aws-hpc-stage complete` (as the image's
// stager does at job start) renders the rest from a miniature upstream run/ tree
// (src/apps/geoschem/testdata/upstream-run): every file createRunDir.sh would write for fullchem
// 4x5 MERRA-2 Classic and for GCHP C24, no ${RUNDIR_ left; a missing template is named. For GCHP
// the completion runs upstream's setCommonRunSettings.sh (its update code with aws-hpc's
// settings) once, so GCHP.rc and CAP.rc follow the run; a failing script stops the job.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../../src/aws/test_util.hpp"
#include "cli_runner.hpp"
#include "exact_env_process.hpp"

namespace awshpc::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kUpstreamTree = AWSHPC_SOURCE_DIR "/src/apps/geoschem/testdata/upstream-run";

std::string ReadRunDirFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct StagerResult {
  int exit_code = -1;
  std::string err;
};

// `argv` with only `env` in its environment (as in the container), stderr captured.
StagerResult RunInContainerEnv(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env,
                               const std::string& scratch) {
  const std::string err_path = scratch + "/stager.err";
  const int exit_code = awshpc::testing::RunWithExactEnv(args, env, "", err_path);
  return {exit_code, ReadRunDirFile(err_path)};
}

StagerResult RunStager(std::vector<std::string> args, const std::map<std::string, std::string>& env,
                       const std::string& scratch) {
  args.insert(args.begin(), std::string(AWSHPC_BINARY_DIR) + "/bin/aws-hpc-stage");
  return RunInContainerEnv(args, env, scratch);
}

std::vector<std::string> RunDirFiles(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) names.push_back(fs::relative(entry.path(), dir).generic_string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class GeosChemRunDirTest : public ::testing::Test {
 protected:
  // app config, then the stager's completion with the miniature tree.
  void ConfigAndComplete(const std::vector<std::string>& options, const std::string& dir) {
    std::vector<std::string> args = {"app", "config", "geos-chem", "--out", dir};
    args.insert(args.end(), options.begin(), options.end());
    CliResult config = cli_.Run(args);
    ASSERT_EQ(config.exit_code, 0) << config.err;
    StagerResult complete =
        RunStager({"complete", dir}, {{"AWS_HPC_RUNDIR_TEMPLATES", kUpstreamTree}}, temp_.path());
    ASSERT_EQ(complete.exit_code, 0) << complete.err;
    EXPECT_THAT(complete.err, HasSubstr("files written"));
    complete_err_ = complete.err;
  }
  std::string complete_err_;
  CliRunner cli_;
  aws::testing::TempDir temp_;
};

TEST_F(GeosChemRunDirTest, ClassicFullchem4x5Merra2RunDirectoryIsComplete) {
  const std::string dir = temp_.path() + "/classic";
  ASSERT_NO_FATAL_FAILURE(ConfigAndComplete({"--param", "end=2019-07-02"}, dir));
  EXPECT_THAT(RunDirFiles(dir),
              ::testing::ElementsAre(".aws-hpc/rundir-vars.json", "HEMCO_Config.rc",
                                     "HEMCO_Config.rc.gmao_metfields", "HEMCO_Diagn.rc",
                                     "HISTORY.rc", "geoschem_config.yml", "species_database.yml"));
  for (const std::string& name : RunDirFiles(dir)) {
    if (name.starts_with(".aws-hpc/")) continue;
    EXPECT_THAT(ReadRunDirFile(dir + "/" + name), Not(HasSubstr("${RUNDIR_"))) << name;
  }
  const std::string hemco = ReadRunDirFile(dir + "/HEMCO_Config.rc");
  EXPECT_THAT(hemco, HasSubstr("--> CEDSv2                 :       true"));
  EXPECT_THAT(hemco, HasSubstr("### BEGIN SECTION BASE EMISSIONS"));
  EXPECT_THAT(hemco, HasSubstr(">>>include HEMCO_Config.rc.gmao_metfields"));
  // Classic has no GCHP run settings: nothing of upstream's GCHP script is planned or run.
  EXPECT_THAT(ReadRunDirFile(dir + "/.aws-hpc/rundir-vars.json"),
              Not(HasSubstr("setCommonRunSettings")));
  EXPECT_THAT(ReadRunDirFile(dir + "/HEMCO_Config.rc.gmao_metfields"),
              HasSubstr("METDIR:  ./ExtData/GEOS_4x5/MERRA2\n"));
  // The plan is plain JSON naming what it will render.
  EXPECT_THAT(ReadRunDirFile(dir + "/.aws-hpc/rundir-vars.json"),
              HasSubstr("\"GCClassic/HEMCO_Config.rc.templates/HEMCO_Config.rc.fullchem\""));
  // Completing again changes nothing (the stager may run after every stage-in).
  const std::string before = hemco;
  StagerResult again =
      RunStager({"complete", dir}, {{"AWS_HPC_RUNDIR_TEMPLATES", kUpstreamTree}}, temp_.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("0 files written, 4 kept"));
  EXPECT_EQ(ReadRunDirFile(dir + "/HEMCO_Config.rc"), before);
}

TEST_F(GeosChemRunDirTest, GchpC24RunDirectoryIsComplete) {
  const std::string rundir = temp_.path() + "/gchp";
  ASSERT_NO_FATAL_FAILURE(ConfigAndComplete({"--variant", "gchp", "--param", "resolution=C24",
                                             "--param", "cores=24", "--param", "end=2019-07-02"},
                                            rundir));
  EXPECT_THAT(RunDirFiles(rundir),
              ::testing::ElementsAre(
                  ".aws-hpc/rundir-vars.json", "CAP.rc", "ExtData.rc", "GCHP.rc", "HEMCO_Config.rc",
                  "HEMCO_Diagn.rc", "HISTORY.rc", "cap_restart", "geoschem_config.yml", "input.nml",
                  "logging.yml", "setCommonRunSettings.sh", "species_database.yml"));
  for (const std::string& name : RunDirFiles(rundir)) {
    if (name.starts_with(".aws-hpc/")) continue;
    EXPECT_THAT(ReadRunDirFile(rundir + "/" + name), Not(HasSubstr("${RUNDIR_"))) << name;
  }
  EXPECT_THAT(ReadRunDirFile(rundir + "/GCHP.rc"),
              HasSubstr("IMPORT_MASS_FLUX_FROM_EXTDATA: .false.\n"));
  EXPECT_THAT(ReadRunDirFile(rundir + "/GCHP.rc"), HasSubstr("NX: 2\nNY: 12\n"));
  EXPECT_THAT(ReadRunDirFile(rundir + "/CAP.rc"), HasSubstr("JOB_SGMT:     00000001 000000"));
  EXPECT_THAT(ReadRunDirFile(rundir + "/ExtData.rc"),
              HasSubstr("PS1 Pa  N Y 0        none 0.01 PS ./MetDir/%y4/%m2/MERRA2."));
}

// The issue's example: C48 on 48 cores. Upstream's script (the miniature's code) rewrites
// GCHP.rc's decomposition and grid from aws-hpc's settings; CAP.rc has the run's length.
TEST_F(GeosChemRunDirTest, GchpC48On48CoresGetsItsDecompositionFromUpstreamsScript) {
  const std::string rundir = temp_.path() + "/c48";
  ASSERT_NO_FATAL_FAILURE(
      ConfigAndComplete({"--variant", "gchp", "--param", "resolution=C48", "--param", "cores=48",
                         "--param", "start=2019-07-01", "--param", "end=2019-07-11"},
                        rundir));
  // What app config showed is what the script was run with.
  const std::string script = ReadRunDirFile(rundir + "/setCommonRunSettings.sh");
  EXPECT_THAT(script, HasSubstr("TOTAL_CORES=48\nNUM_NODES=1\nNUM_CORES_PER_NODE=48\n"));
  EXPECT_THAT(script, HasSubstr("CS_RES=48\n"));
  EXPECT_THAT(script, HasSubstr("NX=2\nNY=24\n"));
  EXPECT_THAT(script, HasSubstr("####   ERROR CHECKS"));  // upstream's code follows
  const std::string gchp_rc = ReadRunDirFile(rundir + "/GCHP.rc");
  EXPECT_THAT(gchp_rc, HasSubstr("NX: 2\nNY: 24\n"));
  EXPECT_THAT(gchp_rc, HasSubstr("GCHP.GRIDNAME: PE48x288-CF\n"));
  EXPECT_THAT(gchp_rc, HasSubstr("GCHP.IM_WORLD: 48\nGCHP.IM: 48\nGCHP.JM: 288\n"));
  EXPECT_THAT(ReadRunDirFile(rundir + "/CAP.rc"), HasSubstr("JOB_SGMT:     00000010 000000\n"));
  EXPECT_EQ(ReadRunDirFile(rundir + "/cap_restart"), "20190701 000000\n");
  // The job log has what upstream's script updated (its --verbose lines).
  EXPECT_THAT(complete_err_, HasSubstr("setCommonRunSettings.sh --verbose:\n"));
  EXPECT_THAT(complete_err_, ::testing::ContainsRegex("GCHP.JM +: 288 +GCHP.rc"));
  // Run once: completing again keeps it.
  StagerResult again =
      RunStager({"complete", rundir}, {{"AWS_HPC_RUNDIR_TEMPLATES", kUpstreamTree}}, temp_.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("0 files written"));
  EXPECT_EQ(ReadRunDirFile(rundir + "/GCHP.rc"), gchp_rc);
}

// A setting upstream's checks refuse (a hand edit of the settings app config wrote) stops the
// job in the image's entrypoint before gchp: exit 71 with the script's message.
TEST_F(GeosChemRunDirTest, FailingRunSettingsScriptStopsTheJobWithItsMessage) {
  const std::string dir = temp_.path() + "/bad";
  ASSERT_EQ(cli_.Run({"app", "config", "geos-chem", "--variant", "gchp", "--param",
                      "resolution=C24", "--param", "cores=24", "--out", dir})
                .exit_code,
            0);
  const std::string settings_path = dir + "/setCommonRunSettings.sh";
  std::string settings = ReadRunDirFile(settings_path);
  const std::size_t at = settings.find("NUM_NODES=1\n");
  ASSERT_NE(at, std::string::npos);
  settings.replace(at, 12, "NUM_NODES=2\n");
  std::ofstream(settings_path, std::ios::trunc) << settings;
  const std::map<std::string, std::string> env = {
      {"PATH", std::string(AWSHPC_BINARY_DIR) + "/bin:/usr/bin:/bin"},
      {"AWS_HPC_WORK_DIR", dir},
      {"AWS_HPC_RUNDIR_TEMPLATES", kUpstreamTree}};
  const std::string entrypoint = AWSHPC_SOURCE_DIR "/data/containers/entrypoint.sh";
  StagerResult run = RunInContainerEnv({"/bin/sh", entrypoint, "touch", "ran"}, env, temp_.path());
  EXPECT_EQ(run.exit_code, 71);
  EXPECT_THAT(run.err, HasSubstr("GCHP's setCommonRunSettings.sh failed in " + dir +
                                 " (exit code 1):\nERROR: TOTAL_CORES must equal to NUM_NODES "
                                 "times NUM_CORES_PER_NODE."));
  EXPECT_FALSE(fs::exists(dir + "/ran"));
  EXPECT_EQ(ReadRunDirFile(settings_path), settings);  // aws-hpc's settings, as they were
  EXPECT_THAT(ReadRunDirFile(dir + "/GCHP.rc"), HasSubstr("NX: 1\nNY: 6\n"));
}

// A run directory that reaches the container without S3 staging (baked in, on /fsx): the image's
// entrypoint completes it before the command runs.
TEST_F(GeosChemRunDirTest, EntrypointCompletesARunDirectoryItFindsInPlace) {
  const std::string dir = temp_.path() + "/in-place";
  ASSERT_EQ(cli_.Run({"app", "config", "geos-chem", "--out", dir}).exit_code, 0);
  ASSERT_FALSE(fs::exists(dir + "/HEMCO_Diagn.rc"));
  const std::map<std::string, std::string> env = {
      {"PATH", std::string(AWSHPC_BINARY_DIR) + "/bin:/usr/bin:/bin"},
      {"AWS_HPC_WORK_DIR", dir},
      {"AWS_HPC_RUNDIR_TEMPLATES", kUpstreamTree}};
  const std::string entrypoint = AWSHPC_SOURCE_DIR "/data/containers/entrypoint.sh";
  // The command sees the completed directory.
  StagerResult run =
      RunInContainerEnv({"/bin/sh", entrypoint, "test", "-s", "HEMCO_Diagn.rc"}, env, temp_.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("aws-hpc-stage: complete: "));
  EXPECT_THAT(ReadRunDirFile(dir + "/HEMCO_Config.rc"),
              HasSubstr("### BEGIN SECTION BASE EMISSIONS"));

  // A template the image lacks stops the job before the command, with the file named.
  const std::string broken = temp_.path() + "/broken";
  ASSERT_EQ(cli_.Run({"app", "config", "geos-chem", "--out", broken}).exit_code, 0);
  std::map<std::string, std::string> empty_tree = env;
  empty_tree["AWS_HPC_WORK_DIR"] = broken;
  empty_tree["AWS_HPC_RUNDIR_TEMPLATES"] = temp_.path() + "/no-such-tree";
  StagerResult missing =
      RunInContainerEnv({"/bin/sh", entrypoint, "touch", "ran"}, empty_tree, temp_.path());
  EXPECT_EQ(missing.exit_code, 71);
  EXPECT_THAT(missing.err, HasSubstr("no-such-tree"));
  EXPECT_FALSE(fs::exists(broken + "/ran"));
}

TEST_F(GeosChemRunDirTest, MissingTemplateIsNamedAndNothingHalfDone) {
  const std::string tree = temp_.path() + "/tree";
  fs::copy(kUpstreamTree, tree, fs::copy_options::recursive);
  fs::remove(tree + "/GCClassic/HEMCO_Diagn.rc.templates/HEMCO_Diagn.rc.fullchem");
  const std::string dir = temp_.path() + "/missing";
  ASSERT_EQ(cli_.Run({"app", "config", "geos-chem", "--out", dir}).exit_code, 0);
  StagerResult complete =
      RunStager({"complete", dir}, {{"AWS_HPC_RUNDIR_TEMPLATES", tree}}, temp_.path());
  EXPECT_EQ(complete.exit_code, 71);
  EXPECT_THAT(complete.err,
              HasSubstr("GEOS-Chem template " + tree +
                        "/GCClassic/HEMCO_Diagn.rc.templates/HEMCO_Diagn.rc.fullchem is missing"));
  // A directory app config did not write has no plan: `complete` says so, `in` would skip it.
  StagerResult no_plan = RunStager({"complete", temp_.path()}, {}, temp_.path());
  EXPECT_EQ(no_plan.exit_code, 71);
  EXPECT_THAT(no_plan.err, HasSubstr("no completion plan"));
}

}  // namespace
}  // namespace awshpc::e2e
