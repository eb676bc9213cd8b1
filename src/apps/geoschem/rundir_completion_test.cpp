// File: rundir_completion_test.cpp
// Completing run directories from a miniature GEOS-Chem run/ tree (testdata/upstream-run, in
// upstream's formats): the files createRunDir.sh would write for fullchem 4x5 MERRA-2 Classic and
// GCHP C24, every RUNDIR variable filled, aws-hpc's own files kept, clear errors for a missing
// template or an undefined variable; settings-file parsing; `${VAR}` as envsubst does it.
#include "awshpc/apps/geoschem/rundir_completion.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "../../aws/test_util.hpp"
#include "awshpc/apps/geoschem/run_directory.hpp"
#include "awshpc/apps/text_template.hpp"
#include "awshpc/core/paths.hpp"
#include "test_support.hpp"

namespace awshpc::apps::geoschem {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
const std::string kUpstream = AWSHPC_SOURCE_DIR "/src/apps/geoschem/testdata/upstream-run";

std::string ReadCompleted(const std::string& path) {
  auto text = ReadFileToString(path, 1 << 20);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : std::string();
}

// Every regular file under `dir` (relative names), except aws-hpc's plan.
std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = fs::relative(entry.path(), dir).generic_string();
    if (!name.starts_with(".aws-hpc/")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class RunDirCompletionTest : public testing::GeosChemTest {
 protected:
  // app config's part, then the job-start part.
  Result<CompletionReport> ConfigAndComplete(const std::string& variant, testing::Params params,
                                             const std::string& dir) {
    ASSIGN_OR_RETURN(RunConfig run, Build(variant, std::move(params)));
    RETURN_IF_ERROR(WriteRunDirectory(run, runs_.catalog(), testing::kAppDir, dir, false).status());
    return CompleteRunDirectory(dir, kUpstream);
  }
  aws::testing::TempDir temp_;
};

TEST_F(RunDirCompletionTest, ClassicFullchem4x5Merra2HasEveryFileFilledIn) {
  const std::string dir = temp_.path() + "/classic";
  auto report = ConfigAndComplete("classic", {{"end", "2019-07-02"}}, dir);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_THAT(
      FilesIn(dir),
      ::testing::ElementsAre("HEMCO_Config.rc", "HEMCO_Config.rc.gmao_metfields", "HEMCO_Diagn.rc",
                             "HISTORY.rc", "geoschem_config.yml", "species_database.yml"));
  for (const std::string& name : FilesIn(dir)) {
    EXPECT_THAT(ReadCompleted(dir + "/" + name), Not(HasSubstr("${RUNDIR_"))) << name;
  }
  const std::string hemco = ReadCompleted(dir + "/HEMCO_Config.rc");
  // aws-hpc's settings and switches first, then upstream's sections once each.
  EXPECT_THAT(hemco, HasSubstr("written by aws-hpc app config"));
  EXPECT_THAT(hemco, HasSubstr("GCAPSCENARIO:                not_used"));
  const std::size_t switches_end = hemco.find("### END SECTION EXTENSION SWITCHES ###");
  const std::size_t base = hemco.find("### BEGIN SECTION BASE EMISSIONS");
  ASSERT_NE(switches_end, std::string::npos);
  ASSERT_NE(base, std::string::npos);
  EXPECT_LT(switches_end, base);
  EXPECT_EQ(hemco.find("### BEGIN SECTION SETTINGS"), hemco.rfind("### BEGIN SECTION SETTINGS"));
  EXPECT_THAT(hemco, HasSubstr("### BEGIN SECTION SCALE FACTORS"));
  EXPECT_THAT(hemco, HasSubstr("### BEGIN SECTION MASKS"));
  // Variables from createRunDir.sh's inline settings and from the settings files; HEMCO's own
  // $tokens untouched.
  EXPECT_THAT(hemco, HasSubstr(">>>include HEMCO_Config.rc.gmao_metfields"));
  EXPECT_THAT(hemco, HasSubstr("$ROOT/OFFLINE_LIGHTNING/v2020-03/MERRA2/$YYYY/FLASH_CTH_MERRA2"));
  EXPECT_THAT(hemco, HasSubstr("$ROOT/VOLCANO/v2024-04/$YYYY/$MM/so2_volcanic_emissions_Carns."
                               "$YYYY$MM$DD.rc"));
  EXPECT_THAT(hemco, HasSubstr("1000 OCEAN_MASK  $METDIR/$CNYR/01/$MET.$CNYR0101.CN.$RES.$NC"));
  const std::string met = ReadCompleted(dir + "/HEMCO_Config.rc.gmao_metfields");
  EXPECT_THAT(met, HasSubstr("METDIR:  ./ExtData/GEOS_4x5/MERRA2\n"));
  EXPECT_THAT(met, HasSubstr("RES:     4x5\n"));
  EXPECT_THAT(met, HasSubstr("CNYR:    2015\n"));
  EXPECT_THAT(met, HasSubstr("$METDIR/$YYYY/$MM/$MET.$YYYY$MM$DD.A1.$RES.$NC"));
  EXPECT_EQ(ReadCompleted(dir + "/species_database.yml"),
            ReadCompleted(kUpstream + "/shared/species_database.yml"));
  EXPECT_THAT(report->written, ::testing::Contains("HEMCO_Diagn.rc"));
}

TEST_F(RunDirCompletionTest, GchpC24HasExtDataCapAndGchpRc) {
  const std::string dir = temp_.path() + "/gchp";
  auto report = ConfigAndComplete(
      "gchp",
      {{"resolution", "C24"}, {"cores", "24"}, {"start", "2019-07-01"}, {"end", "2019-07-02"}},
      dir);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_THAT(
      FilesIn(dir),
      ::testing::ElementsAre("CAP.rc", "ExtData.rc", "GCHP.rc", "HEMCO_Config.rc", "HEMCO_Diagn.rc",
                             "HISTORY.rc", "cap_restart", "geoschem_config.yml", "input.nml",
                             "logging.yml", "setCommonRunSettings.sh", "species_database.yml"));
  for (const std::string& name : FilesIn(dir)) {
    EXPECT_THAT(ReadCompleted(dir + "/" + name), Not(HasSubstr("${RUNDIR_"))) << name;
  }
  // Upstream's GCHP.rc.template substitutes only the met settings; its grid and decomposition
  // lines are rewritten by upstream's setCommonRunSettings.sh, run with the run's settings.
  const std::string gchp_rc = ReadCompleted(dir + "/GCHP.rc");
  EXPECT_THAT(gchp_rc, HasSubstr("NX: 2\nNY: 12\n"));
  EXPECT_THAT(gchp_rc, HasSubstr("IMPORT_MASS_FLUX_FROM_EXTDATA: .false.\n"));
  EXPECT_THAT(gchp_rc, HasSubstr("GCHPchem_INTERNAL_CHECKPOINT_FILE:  gcchem_internal_checkpoint"));
  // CAP.rc: the run's length (cap_restart holds the start).
  const std::string cap = ReadCompleted(dir + "/CAP.rc");
  EXPECT_THAT(cap, HasSubstr("JOB_SGMT:     00000001 000000"));
  // The met settings file's multi-line value, read as bash would.
  EXPECT_THAT(ReadCompleted(dir + "/ExtData.rc"),
              HasSubstr("#  Name        | Units | Clim  | Method | Time Template        |"));
  EXPECT_THAT(ReadCompleted(dir + "/ExtData.rc"),
              HasSubstr("\n\n# --- Surface pressure, 3-hr instantaneous ---\nPS1 Pa  N Y 0"));
  // GCHP reads its met through ExtData.rc: no met-field include.
  const std::string hemco = ReadCompleted(dir + "/HEMCO_Config.rc");
  EXPECT_THAT(hemco, HasSubstr("### BEGIN SECTION BASE EMISSIONS"));
  EXPECT_THAT(hemco, Not(HasSubstr(">>>include")));
}

// Upstream's setCommonRunSettings.sh (the miniature's update code) run with aws-hpc's settings:
// GCHP.rc's decomposition and grid, CAP.rc's length and heartbeat follow the run, not the
// template's C24 NX 1 NY 6.
TEST_F(RunDirCompletionTest, GchpRunSettingsRewriteGchpRcAndCapRc) {
  const std::string dir = temp_.path() + "/c48";
  auto report = ConfigAndComplete(
      "gchp",
      {{"resolution", "C48"}, {"cores", "48"}, {"start", "2019-07-01"}, {"end", "2019-07-08"}},
      dir);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->written.back(), "setCommonRunSettings.sh");
  const std::string gchp_rc = ReadCompleted(dir + "/GCHP.rc");
  EXPECT_THAT(gchp_rc, HasSubstr("NX: 2\nNY: 24\n"));  // 2 x 4 ranks per face
  EXPECT_THAT(gchp_rc, HasSubstr("GCHP.GRIDNAME: PE48x288-CF\n"));
  EXPECT_THAT(gchp_rc, HasSubstr("GCHP.IM_WORLD: 48\nGCHP.IM: 48\nGCHP.JM: 288\n"));
  const std::string cap = ReadCompleted(dir + "/CAP.rc");
  EXPECT_THAT(cap, HasSubstr("JOB_SGMT:     00000007 000000\n"));
  EXPECT_THAT(cap, HasSubstr("BEG_DATE:     19600101 000000\n"));  // the start is cap_restart's
  EXPECT_EQ(ReadCompleted(dir + "/cap_restart"), "20190701 000000\n");
  // The script: upstream's settings, aws-hpc's after them, then upstream's code.
  const std::string script = ReadCompleted(dir + "/setCommonRunSettings.sh");
  const std::size_t upstream_nx = script.find("\nNX=\n");
  const std::size_t ours_nx = script.find("\nNX=2\nNY=24\n");
  const std::size_t checks = script.find(kRunSettingsCodeMarker);
  ASSERT_NE(upstream_nx, std::string::npos);
  ASSERT_NE(ours_nx, std::string::npos);
  ASSERT_NE(checks, std::string::npos);
  EXPECT_LT(upstream_nx, ours_nx);
  EXPECT_LT(ours_nx, checks);
  EXPECT_THAT(script, HasSubstr("TOTAL_CORES=48\nNUM_NODES=1\nNUM_CORES_PER_NODE=48\n"));
  EXPECT_TRUE(script.starts_with("#!/bin/bash\n"));
  EXPECT_FALSE(fs::exists(dir + "/tmp"));  // upstream's sed > tmp; mv tmp FILE

  // Run once: completing again keeps the script and does not run it.
  ASSERT_TRUE(
      WriteFileAtomically(dir + "/GCHP.rc", gchp_rc + "# edited after the first run\n").ok());
  auto again = CompleteRunDirectory(dir, kUpstream);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->written.empty());
  EXPECT_THAT(again->kept, ::testing::Contains("setCommonRunSettings.sh"));
  EXPECT_EQ(ReadCompleted(dir + "/setCommonRunSettings.sh"), script);

  // C180: upstream's resolution rule (300 s) for the heartbeat and geoschem_config.yml.
  const std::string c180 = temp_.path() + "/c180";
  ASSERT_TRUE(ConfigAndComplete("gchp", {{"resolution", "C180"}, {"cores", "96"}}, c180).ok());
  EXPECT_THAT(ReadCompleted(c180 + "/CAP.rc"), HasSubstr("HEARTBEAT_DT:  300\n"));
  EXPECT_THAT(ReadCompleted(c180 + "/GCHP.rc"), HasSubstr("NX: 4\nNY: 24\n"));
  EXPECT_THAT(ReadCompleted(c180 + "/geoschem_config.yml"),
              HasSubstr("transport_timestep_in_s: 300\n"));
}

// A setting upstream's checks refuse (here a hand edit) stops completion with the script's own
// message; aws-hpc's settings are put back, so a fixed file is merged and run next time.
TEST_F(RunDirCompletionTest, FailingRunSettingsScriptStopsWithItsMessage) {
  const std::string dir = temp_.path() + "/bad-cores";
  auto run = Build("gchp", {{"resolution", "C24"}, {"cores", "24"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_TRUE(WriteRunDirectory(*run, runs_.catalog(), testing::kAppDir, dir, false).ok());
  const std::string settings = ReadCompleted(dir + "/setCommonRunSettings.sh");
  std::string edited = settings;
  edited.replace(edited.find("TOTAL_CORES=24"), 14, "TOTAL_CORES=25");
  ASSERT_TRUE(WriteFileAtomically(dir + "/setCommonRunSettings.sh", edited).ok());
  auto report = CompleteRunDirectory(dir, kUpstream);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(),
              HasSubstr("GCHP's setCommonRunSettings.sh failed in " + dir +
                        " (exit code 1):\n"
                        "ERROR: TOTAL_CORES must be divisible by 6."));
  EXPECT_EQ(ReadCompleted(dir + "/setCommonRunSettings.sh"), edited);
  EXPECT_THAT(ReadCompleted(dir + "/GCHP.rc"), HasSubstr("NX: 1\nNY: 6\n"));  // not reached

  ASSERT_TRUE(WriteFileAtomically(dir + "/setCommonRunSettings.sh", settings).ok());
  auto fixed = CompleteRunDirectory(dir, kUpstream);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_THAT(ReadCompleted(dir + "/GCHP.rc"),
              HasSubstr("NX: 2\nNY: 12\n"));  // 2 x 2 ranks per face
}

TEST(MergeRunSettingsTest, PutsOursBeforeUpstreamsErrorChecksBanner) {
  const std::string upstream =
      "#!/bin/bash\nCS_RES=24\nNX=\n\n###############################\n####   ERROR CHECKS\n"
      "###############################\necho $NX\n";
  auto merged = MergeRunSettings(upstream, "#!/bin/bash\nNX=2\n", "t.template");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_TRUE(merged->starts_with("#!/bin/bash\nCS_RES=24\nNX=\n\n#---"));
  EXPECT_THAT(*merged, HasSubstr("\nNX=2\n\n###############################\n####   ERROR CHECKS"));
  EXPECT_EQ(merged->find("#!/bin/bash", 1), std::string::npos);  // one shebang
  auto wrong = MergeRunSettings("#!/bin/bash\necho hi\n", "NX=2\n", "t.template");
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.status().message(),
              HasSubstr("t.template: no \"####   ERROR CHECKS\" line: not GCHP's"));
}

TEST_F(RunDirCompletionTest, KeepsGeneratedFilesAndChangesNothingTheSecondTime) {
  const std::string dir = temp_.path() + "/again";
  auto run = Build("classic", {{"end", "2019-07-02"}});
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(WriteRunDirectory(*run, runs_.catalog(), testing::kAppDir, dir, false).ok());
  const std::string config_before = ReadCompleted(dir + "/geoschem_config.yml");
  const std::string hemco_before = ReadCompleted(dir + "/HEMCO_Config.rc");
  // A file the user put there first is not replaced either.
  ASSERT_TRUE(WriteFileAtomically(dir + "/HEMCO_Diagn.rc", "# mine\n").ok());
  auto first = CompleteRunDirectory(dir, kUpstream);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_THAT(first->kept, ::testing::ElementsAre("HEMCO_Diagn.rc"));
  EXPECT_EQ(ReadCompleted(dir + "/HEMCO_Diagn.rc"), "# mine\n");
  EXPECT_EQ(ReadCompleted(dir + "/geoschem_config.yml"), config_before);
  const std::string hemco = ReadCompleted(dir + "/HEMCO_Config.rc");
  EXPECT_EQ(hemco.substr(0, hemco_before.size()), hemco_before);
  auto second = CompleteRunDirectory(dir, kUpstream);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->written.empty());
  EXPECT_EQ(second->kept.size(), 4u);
  EXPECT_EQ(ReadCompleted(dir + "/HEMCO_Config.rc"), hemco);
}

TEST_F(RunDirCompletionTest, MissingTemplateIsNamed) {
  // A copy of the tree without the met-field template.
  const std::string tree = temp_.path() + "/tree";
  fs::copy(kUpstream, tree, fs::copy_options::recursive);
  fs::remove(tree + "/GCClassic/HEMCO_Config.rc.templates/HEMCO_Config.rc.gmao_metfields");
  const std::string dir = temp_.path() + "/missing";
  auto run = Build("classic", {{"end", "2019-07-02"}});
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(WriteRunDirectory(*run, runs_.catalog(), testing::kAppDir, dir, false).ok());
  auto report = CompleteRunDirectory(dir, tree);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(report.status().message(),
              HasSubstr("GEOS-Chem template " + tree +
                        "/GCClassic/HEMCO_Config.rc.templates/HEMCO_Config.rc.gmao_metfields "
                        "is missing"));
  // Without a plan (a directory app config did not write) the error says so.
  auto no_plan = CompleteRunDirectory(temp_.path(), kUpstream);
  ASSERT_FALSE(no_plan.ok());
  EXPECT_THAT(no_plan.status().message(), HasSubstr(".aws-hpc/rundir-vars.json"));
}

TEST_F(RunDirCompletionTest, UndefinedRundirVariableNamesFileAndLine) {
  const std::string tree = temp_.path() + "/tree";
  fs::copy(kUpstream, tree, fs::copy_options::recursive);
  ASSERT_TRUE(
      WriteFileAtomically(tree + "/GCHP/CAP.rc.template", "ROOT_NAME: GCHP\nX: ${RUNDIR_NEW}\n")
          .ok());
  const std::string dir = temp_.path() + "/undefined";
  auto run = Build("gchp", {{"resolution", "C24"}, {"cores", "24"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_TRUE(WriteRunDirectory(*run, runs_.catalog(), testing::kAppDir, dir, false).ok());
  auto report = CompleteRunDirectory(dir, tree);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(),
              HasSubstr(tree + "/GCHP/CAP.rc.template:2: ${RUNDIR_NEW} is not defined"));
}

TEST_F(RunDirCompletionTest, PlanRoundTripsAndNamesGcap2Settings) {
  auto run = Build("classic", {{"met", "gcap2"},
                               {"levels", "40"},
                               {"resolution", "2x2.5"},
                               {"scenario", "SSP2-4.5"},
                               {"start", "2090-07-01"},
                               {"end", "2090-07-02"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto vars = RunDirVariables(*run, runs_.catalog());
  EXPECT_EQ(vars["RUNDIR_GCAP2_SCENARIO"], "SSP245");
  EXPECT_EQ(vars["RUNDIR_GCAP2_RUNID"], "E213SSP245aF40oQ40");
  EXPECT_EQ(vars["RUNDIR_GCAP2_VERTRES"], "40L");
  EXPECT_EQ(vars["RUNDIR_MET_FIELD_CONFIG"], "HEMCO_Config.rc.gcap2_metfields");
  EXPECT_EQ(vars["RUNDIR_MET_DIR"], "./ExtData/GCAP2/40L/E213SSP245aF40oQ40");
  EXPECT_EQ(vars["RUNDIR_CENTER_LON_180"], "false");
  EXPECT_EQ(vars["RUNDIR_DUSTDEAD_TF"], "0.01050036");
  EXPECT_EQ(vars["RUNDIR_MEGAN_EXT"], "on ");
  auto plan = PlanCompletion(*run, vars, testing::kAppDir, {"geoschem_config.yml"});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_THAT(
      plan->settings,
      ::testing::ElementsAre("shared/settings/2x25.txt", "shared/settings/global_grid.txt",
                             "shared/settings/modele2.1.txt", "shared/settings/gcap2_hemco.txt"));
  ASSERT_GE(plan->files.size(), 2u);
  EXPECT_EQ(plan->files[1].source,
            "GCClassic/HEMCO_Config.rc.templates/HEMCO_Config.rc.gcap2_metfields");
  EXPECT_EQ(plan->files[1].destination, "HEMCO_Config.rc.gcap2_metfields");
  auto back = CompletionPlanFromJson(CompletionPlanToJson(*plan), "plan.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->variables, plan->variables);
  EXPECT_EQ(back->settings, plan->settings);
  EXPECT_EQ(back->generated, plan->generated);
  ASSERT_EQ(back->files.size(), plan->files.size());
  EXPECT_EQ(back->files[0].mode, CompletionMode::kHemcoInventories);

  auto bad = CompletionPlanFromJson(
      R"({"template_root": "/x", "settings": [], "generated": [], "variables": {},
          "files": [{"template": "a", "to": "../escape", "mode": "copy"}]})",
      "plan.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("plan.json: files[0].to: \"../escape\" is not a path inside the run"));
  auto outside = CompletionPlanFromJson(
      R"({"template_root": "/x", "settings": [], "generated": [], "variables": {},
          "files": [{"template": "/etc/passwd", "to": "a", "mode": "copy"}]})",
      "plan.json");
  EXPECT_THAT(outside.status().message(), HasSubstr("files[0].template"));
  EXPECT_FALSE(CompletionPlanFromJson("[]", "plan.json").ok());
}

TEST(SettingsFileTest, ReadsSettingsLikeBashSource) {
  const RunDirVars known = {{"RUNDIR_DATA_ROOT", "/data"}, {"RUNDIR_GRID_DIR", "4x5"}};
  auto parsed = ParseSettingsFile(
      "# comment\n\nRUNDIR_A='$ROOT/x "
      "${Y}'\nRUNDIR_B=\"${RUNDIR_DATA_ROOT}/GEOS_$RUNDIR_GRID_DIR\"\n"
      "RUNDIR_C=2015\nRUNDIR_D=\"\"\"\nline one\n${RUNDIR_C}\n\"\"\"\nRUNDIR_E=\"a\nb\"\n",
      known, "s.txt");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)["RUNDIR_A"], "$ROOT/x ${Y}");
  EXPECT_EQ((*parsed)["RUNDIR_B"], "/data/GEOS_4x5");
  EXPECT_EQ((*parsed)["RUNDIR_C"], "2015");
  EXPECT_EQ((*parsed)["RUNDIR_D"], "\nline one\n2015\n");
  EXPECT_EQ((*parsed)["RUNDIR_E"], "a\nb");
  EXPECT_EQ(parsed->count("RUNDIR_DATA_ROOT"), 0u);

  auto bad = ParseSettingsFile("RUNDIR_A='x'\nsed_ie 's|a|b|' f\n", known, "s.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("s.txt:2: expected NAME=value"));
  auto open = ParseSettingsFile("RUNDIR_A='x\n", known, "s.txt");
  EXPECT_THAT(open.status().message(), HasSubstr("s.txt:1: RUNDIR_A: the quoted value is not"));
  auto undefined = ParseSettingsFile("\nRUNDIR_A=\"${RUNDIR_NOPE}\"\n", known, "s.txt");
  EXPECT_THAT(undefined.status().message(), HasSubstr("s.txt:2: ${RUNDIR_NOPE} is not defined"));
}

TEST(SubstituteKnownVarsTest, ReplacesListedNamesLikeEnvsubst) {
  const std::map<std::string, std::string, std::less<>> vars = {{"RUNDIR_A", "1"},
                                                                {"RUNDIR_B", "two"}};
  auto out =
      SubstituteKnownVars("${RUNDIR_A} $RUNDIR_B $ROOT ${OTHER} $ ${ $1 ${RUNDIR_A}x\n", vars, "f");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "1 two $ROOT ${OTHER} $ ${ $1 1x\n");
  // Values are not rescanned.
  EXPECT_EQ(*SubstituteKnownVars("${RUNDIR_C}", {{"RUNDIR_C", "${RUNDIR_A}"}}, "f"), "${RUNDIR_A}");
  auto missing = SubstituteKnownVars("a\nb $RUNDIR_MISSING\n", vars, "tmpl");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("tmpl:2: ${RUNDIR_MISSING} is not defined"));
}

}  // namespace
}  // namespace awshpc::apps::geoschem
