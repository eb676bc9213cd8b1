// File: geoschem_cli_test.cpp
// GEOS-Chem end to end with the real aws-hpc binary: `app config` run directories (Classic,
// GCHP, presets, refused combinations), `app data --plan/--stage` against moto_server seeded with
// a miniature gcgrid layout, and `cost estimate` from the published benchmark records.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../../src/apps/geoschem/test_support.hpp"
#include "../../src/aws/services/services_test_env.hpp"
#include "../../src/aws/test_util.hpp"
#include "awshpc/apps/geoschem/data_manifest.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string ReadRunFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

json ParseJson(const CliResult& result) {
  json parsed = json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << result.out << result.err;
  return parsed;
}

TEST(GeosChemCliTest, HelpNamesTheOptions) {
  CliRunner cli;
  CliResult config = cli.Run({"app", "config", "--help"});
  EXPECT_EQ(config.exit_code, 0);
  EXPECT_THAT(config.out, HasSubstr("--out"));
  EXPECT_THAT(config.out, HasSubstr("--env"));
  // The run directory is finished in the container; how to finish it by hand.
  EXPECT_THAT(config.out, HasSubstr("completed in the container when the job starts"));
  EXPECT_THAT(config.out, HasSubstr("aws-hpc-stage complete"));
  CliResult data = cli.Run({"app", "data", "--help"});
  EXPECT_EQ(data.exit_code, 0);
  EXPECT_THAT(data.out, HasSubstr("--plan"));
  EXPECT_THAT(data.out, HasSubstr("--stage"));
}

TEST(GeosChemCliTest, ConfigWritesClassicRunDirectoryFromParamsAndPresets) {
  CliRunner cli;
  aws::testing::TempDir dir;
  const std::string july = dir.path() + "/fullchem-july";
  CliResult result =
      cli.Run({"app", "config", "geos-chem", "--param", "end=2019-08-01", "--out", july});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("GEOS-Chem Classic run directory (fullchem MERRA2 4x5 72"));
  const std::string config = ReadRunFile(july + "/geoschem_config.yml");
  EXPECT_THAT(config, HasSubstr("start_date: [20190701, 000000]"));
  EXPECT_THAT(config, HasSubstr("end_date: [20190801, 000000]"));
  EXPECT_THAT(config, HasSubstr("resolution: 4.0x5.0"));
  EXPECT_THAT(config, HasSubstr("transport_timestep_in_s: 600"));
  EXPECT_THAT(ReadRunFile(july + "/HEMCO_Config.rc"),
              HasSubstr("--> CEDSv2                 :       true"));
  EXPECT_TRUE(std::filesystem::is_directory(july + "/OutputDir"));
  // The same directory again is refused, then overwritten with --force.
  EXPECT_EQ(cli.Run({"app", "config", "geos-chem", "--out", july}).exit_code, 1);
  EXPECT_EQ(cli.Run({"app", "config", "geos-chem", "--out", july, "--force"}).exit_code, 0);

  // Presets are data (apps/geos-chem/envs); --param overrides them.
  const std::string bench = dir.path() + "/benchmark";
  result = cli.Run({"app", "config", "geos-chem", "--env", "benchmark", "--param", "end=2019-07-15",
                    "--out", bench, "-o", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json out = ParseJson(result);
  EXPECT_EQ(out["parameters"]["frequency"], "1mo");
  EXPECT_EQ(out["parameters"]["end"], "2019-07-15");
  EXPECT_THAT(ReadRunFile(bench + "/HISTORY.rc"),
              HasSubstr("SpeciesConc.frequency:      00000100 000000"));
  const std::string transport = dir.path() + "/transport";
  ASSERT_EQ(
      cli.Run({"app", "config", "geos-chem", "--env", "transport", "--out", transport}).exit_code,
      0);
  EXPECT_THAT(ReadRunFile(transport + "/HEMCO_Config.rc"), HasSubstr("100     GC_Rn-Pb-Be"));
  CliResult typo = cli.Run({"app", "config", "geos-chem", "--env", "benchmrk", "--out", bench});
  EXPECT_EQ(typo.exit_code, 3);
  EXPECT_THAT(typo.err, HasSubstr("did you mean benchmark?"));
}

TEST(GeosChemCliTest, GchpRunSettingsAndRefusedCombinations) {
  CliRunner cli;
  aws::testing::TempDir dir;
  const std::string gchp = dir.path() + "/gchp";
  CliResult result =
      cli.Run({"app", "config", "geos-chem", "--variant", "gchp", "-p", "resolution=C180", "-p",
               "cores=288", "-p", "nodes=8", "--out", gchp});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string settings = ReadRunFile(gchp + "/setCommonRunSettings.sh");
  EXPECT_THAT(settings, HasSubstr("TOTAL_CORES=288\nNUM_NODES=8\nNUM_CORES_PER_NODE=36\n"));
  EXPECT_THAT(settings, HasSubstr("CS_RES=180"));
  EXPECT_THAT(settings, HasSubstr("NX=6\nNY=48"));  // 6 x 8 ranks per face
  EXPECT_THAT(settings, HasSubstr("Run_Duration=\"00000007 000000\""));
  EXPECT_EQ(ReadRunFile(gchp + "/cap_restart"), "20190701 000000\n");
  // Success is judged by files: cap_restart at the end time and a checkpoint.
  const std::vector<std::string> verify = {
      "app", "verify",    "geos-chem", "--variant", "gchp",  "-p", "resolution=C180",
      "-p",  "cores=288", "-p",        "nodes=8",   "--dir", gchp};
  CliResult early = cli.Run(verify);
  EXPECT_EQ(early.exit_code, 7);
  EXPECT_THAT(early.err, HasSubstr("the run stopped early"));
  std::ofstream(gchp + "/cap_restart") << "20190708 000000\n";
  std::ofstream(gchp + "/gcchem_internal_checkpoint") << "CDF";
  CliResult done = cli.Run(verify);
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_THAT(done.out, HasSubstr("reached 20190708 and wrote its checkpoint"));

  struct Refused {
    std::vector<std::string> args;
    std::string reason;
  };
  for (const Refused& r : std::vector<Refused>{
           {{"-p", "resolution=0.25x0.3125"}, "needs met=geosfp"},
           {{"--variant", "gchp", "-p", "resolution=C90", "-p", "levels=47"},
            "GCHP needs levels=72"},
           {{"--variant", "gchp", "-p", "resolution=C90", "-p", "cores=100"}, "multiple of 6"},
           {{"-p", "start=2019-07-08", "-p", "end=2019-07-01"}, "must be after start"},
           {{"-p", "resolution=2x2.5", "-p", "domain=EU"}, "nested grid"},
           {{"-p", "simulation=fullchm"}, "did you mean fullchem"},
       }) {
    std::vector<std::string> args = {"app", "config", "geos-chem", "--out", dir.path() + "/x"};
    args.insert(args.end(), r.args.begin(), r.args.end());
    CliResult refused = cli.Run(args);
    EXPECT_EQ(refused.exit_code, 2) << r.reason << ": " << refused.err;
    EXPECT_THAT(refused.err, HasSubstr(r.reason));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/x"));
  CliResult other = cli.Run({"app", "config", "lammps", "--out", dir.path() + "/x"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_THAT(other.err, HasSubstr("no run-directory generator"));
}

TEST(GeosChemCliTest, DataPlanAndStageAgainstMotoGcgrid) {
  aws::testing::MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  auto created = aws::s3::S3Client::Create(moto.context());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  aws::s3::S3Client& s3 = *created;
  ASSERT_TRUE(s3.CreateBucket({"gcgrid", ""}).ok());

  // Seed exactly what a 2-day TransportTracers run reads, from the app's own manifest, 1 KiB each
  // (two files under each data prefix).
  apps::geoschem::testing::GeosChemRuns runs;
  ASSERT_NO_FATAL_FAILURE(runs.Load());
  auto run = runs.Build("", {{"simulation", "TransportTracers"}, {"end", "2019-07-03"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto manifest = apps::geoschem::BuildManifest(*run, "gcgrid");
  ASSERT_TRUE(manifest.ok());
  int objects = 0;
  for (const auto& entry : manifest->entries) {
    for (const std::string& key :
         entry.is_prefix ? std::vector<std::string>{entry.key + "a.nc", entry.key + "b.nc"}
                         : std::vector<std::string>{entry.key}) {
      ASSERT_TRUE(s3.PutObject({"gcgrid", key, "", std::string(1024, 'x'), "", {}}).ok());
      ++objects;
    }
  }

  CliRunner cli;
  const std::map<std::string, std::string> env = {
      {"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"}, {"AWS_SECRET_ACCESS_KEY", "fake"},
      {"AWS_ENDPOINT_URL", moto.url()},          {"AWS_EC2_METADATA_DISABLED", "true"},
      {"AWS_CONFIG_FILE", "/dev/null"},          {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}};
  const std::vector<std::string> base = {
      "app", "data", "geos-chem", "-p", "simulation=TransportTracers", "-p", "end=2019-07-03"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  CliResult plan = cli.Run(with({"--plan", "-o", "json"}), env);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  json out = ParseJson(plan);
  EXPECT_EQ(out["objects"], objects);
  EXPECT_EQ(out["bytes"], objects * 1024);
  EXPECT_EQ(out["by_kind"]["met"]["objects"], 14);  // CN + 2 days x 6 + next day's I3
  EXPECT_EQ(out["by_kind"]["restart"]["objects"], 1);
  EXPECT_EQ(out["transfer_usd"], "0.000000");  // in-region
  CliResult text = cli.Run(with({"--plan", "--to", "internet"}), env);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr(std::to_string(objects) + " objects, " +
                                  std::to_string(objects * 1024) + " bytes"));
  EXPECT_THAT(text.out, HasSubstr("transfer to internet: $0.0000"));

  aws::testing::TempDir rundir;
  CliResult stage = cli.Run(with({"--stage", rundir.path()}), env);
  ASSERT_EQ(stage.exit_code, 0) << stage.err;
  EXPECT_THAT(stage.out, HasSubstr("Staged " + std::to_string(objects) + " objects"));
  EXPECT_TRUE(std::filesystem::exists(
      rundir.path() + "/ExtData/GEOS_4x5/MERRA2/2019/07/MERRA2.20190702.A1.4x5.nc4"));
  EXPECT_TRUE(
      std::filesystem::exists(rundir.path() + "/Restarts/GEOSChem.Restart.20190701_0000z.nc4"));

  // A longer run needs days the bucket lacks: the plan names them and exits 3.
  CliResult gap = cli.Run({"app", "data", "geos-chem", "-p", "simulation=TransportTracers", "-p",
                           "end=2019-07-04", "--plan"},
                          env);
  EXPECT_EQ(gap.exit_code, 3);
  EXPECT_THAT(gap.out,
              HasSubstr("MISSING s3://gcgrid/GEOS_4x5/MERRA2/2019/07/MERRA2.20190703.A1.4x5.nc4"));
}

// GCAP 2.0 end to end: `app data --plan` of a 2-day SSP2-4.5 run against moto seeded with the
// miniature GCAP2 layout (TOPO and the GISS daily files named by run id), the 40-level restart
// from the user's bucket; without one, the reason.
TEST(GeosChemCliTest, Gcap2DataPlanAgainstMotoGcgrid) {
  aws::testing::MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  auto created = aws::s3::S3Client::Create(moto.context());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  aws::s3::S3Client& s3 = *created;
  ASSERT_TRUE(s3.CreateBucket({"gcgrid", ""}).ok());
  ASSERT_TRUE(s3.CreateBucket({"my-restarts", ""}).ok());
  const std::vector<std::pair<std::string, std::string>> params = {
      {"met", "gcap2"},
      {"levels", "40"},
      {"resolution", "2x2.5"},
      {"scenario", "SSP2-4.5"},
      {"start", "2090-07-01"},
      {"end", "2090-07-03"},
      {"simulation", "TransportTracers"},
      {"restart", "s3://my-restarts/gcap2/GEOSChem.Restart.40L.nc4"}};
  apps::geoschem::testing::GeosChemRuns runs;
  ASSERT_NO_FATAL_FAILURE(runs.Load());
  auto run = runs.Build("", params);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto manifest = apps::geoschem::BuildManifest(*run, "gcgrid");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  int objects = 0;
  for (const auto& entry : manifest->entries) {
    const std::string key = entry.is_prefix ? entry.key + "a.nc" : entry.key;
    ASSERT_TRUE(s3.PutObject({entry.bucket, key, "", std::string(512, 'g'), "", {}}).ok()) << key;
    ++objects;
  }
  CliRunner cli;
  const std::map<std::string, std::string> env = {
      {"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"}, {"AWS_SECRET_ACCESS_KEY", "fake"},
      {"AWS_ENDPOINT_URL", moto.url()},          {"AWS_EC2_METADATA_DISABLED", "true"},
      {"AWS_CONFIG_FILE", "/dev/null"},          {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}};
  std::vector<std::string> args = {"app", "data", "geos-chem", "--plan", "-o", "json"};
  for (const auto& [name, value] : params) args.insert(args.end(), {"-p", name + "=" + value});
  CliResult plan = cli.Run(args, env);
  ASSERT_EQ(plan.exit_code, 0) << plan.err << plan.out;
  json out = ParseJson(plan);
  EXPECT_EQ(out["objects"], objects);
  EXPECT_EQ(out["bytes"], objects * 512);
  EXPECT_EQ(out["by_kind"]["met"]["objects"], 13);  // TOPO + 2 days x 5 + next day's 2
  EXPECT_EQ(out["by_kind"]["restart"]["objects"], 1);
  CliResult listed = cli.Run({"app",
                              "data",
                              "geos-chem",
                              "--plan",
                              "--list",
                              "-p",
                              "met=gcap2",
                              "-p",
                              "levels=40",
                              "-p",
                              "resolution=2x2.5",
                              "-p",
                              "scenario=SSP2-4.5",
                              "-p",
                              "start=2090-07-01",
                              "-p",
                              "end=2090-07-03",
                              "-p",
                              "simulation=TransportTracers",
                              "-p",
                              "restart=s3://my-restarts/gcap2/GEOSChem.Restart.40L.nc4"},
                             env);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("GCAP2/40L/E213SSP245aF40oQ40/2090/07/"
                                    "20900702.aijlh6iE213SSP245aF40oQ40.nc4"));
  // Without a 40-level restart, the reason.
  CliResult refused = cli.Run({"app", "data", "geos-chem", "--plan", "-p", "met=gcap2", "-p",
                               "levels=40", "-p", "start=2005-07-01", "-p", "end=2005-07-02"},
                              env);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("met=gcap2 needs restart=s3://"));
}

TEST(GeosChemCliTest, GchpImagesForEveryArchitectureDryRun) {
  CliRunner cli;
  // Building for real needs the network (GEOS-Chem's git tags, ESMF's archive): the plan is what
  // runs here, one Dockerfile per base target with that target's catalog flags.
  CliResult dry = cli.Run({"app", "build", "geos-chem", "--variant", "gchp", "--all-arch",
                           "--dry-run", "--base-date", "20261129"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const std::vector<std::pair<std::string, std::string>> targets = {
      {"x86_64", "linux/amd64"},         {"zen2", "linux/amd64"},
      {"zen3", "linux/amd64"},           {"zen4", "linux/amd64"},
      {"cascadelake", "linux/amd64"},    {"icelake", "linux/amd64"},
      {"sapphirerapids", "linux/amd64"}, {"arm64", "linux/arm64"},
      {"graviton2", "linux/arm64"},      {"graviton3", "linux/arm64"},
      {"graviton4", "linux/arm64"}};
  for (const auto& [arch, platform] : targets) {
    EXPECT_THAT(dry.out,
                HasSubstr("== aws-hpc/geos-chem:14.4.3-gchp-" + arch + " (" + platform + ") =="));
    EXPECT_THAT(dry.out, HasSubstr("FROM hpc-base-" + arch + ":20261129-devel AS build"));
  }
  EXPECT_THAT(dry.out, HasSubstr("recipe: data/containers/apps/geos-chem.yaml"));
  EXPECT_THAT(dry.out,
              HasSubstr("\"-DCMAKE_Fortran_FLAGS=-march=armv9-a+i8mm+bf16 -mtune=cortex-a710\""));
  EXPECT_THAT(dry.out, HasSubstr("ESMF_F90COMPILEOPTS=\"-march=icelake-client"));
  std::size_t checks = 0;
  for (std::size_t at = 0;
       (at = dry.out.find("\"sha256sum\", \"--check\"", at)) != std::string::npos; ++at) {
    ++checks;
  }
  EXPECT_EQ(checks, targets.size());  // ESMF's archive is checked in every image
  EXPECT_EQ(dry.out.find("GCClassic"), std::string::npos);

  CliResult json_out = cli.Run({"app", "build", "geos-chem", "--arch", "graviton4", "--dry-run",
                                "--base-date", "20261129", "-o", "json"});
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  json plans = ParseJson(json_out);
  ASSERT_TRUE(plans.is_array() && plans.size() == 1u) << json_out.out;
  EXPECT_EQ(plans[0]["image"], "aws-hpc/geos-chem:14.4.3-classic-graviton4");
  EXPECT_THAT(plans[0]["dockerfile"].get<std::string>(),
              HasSubstr("https://github.com/geoschem/GCClassic.git"));
}

TEST(GeosChemCliTest, CostEstimateUsesPublishedBenchmarks) {
  CliRunner cli;
  // Zhuang et al. 2019: 7-day 4x5 fullchem, 5656 s on c5.4xlarge at $0.68/h = $1.07.
  CliResult one = cli.Run({"cost", "estimate", "geos-chem", "--instance", "c5.4xlarge"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("Estimate: $1.07 ("));
  EXPECT_THAT(one.out, HasSubstr("runtime 1h34m16s"));
  EXPECT_THAT(one.out, HasSubstr("from Zhuang et al. 2019 (BAMS) on c5.4xlarge"));

  CliResult compare =
      cli.Run({"cost", "estimate", "geos-chem", "--compare", "--top", "0", "-o", "json"});
  ASSERT_EQ(compare.exit_code, 0) << compare.err;
  json out = ParseJson(compare);
  std::map<std::string, double> seconds;
  for (const json& e : out["estimates"]) {
    seconds[e["instance_type"].get<std::string>()] = e["runtime_seconds"].get<double>();
  }
  EXPECT_DOUBLE_EQ(seconds.at("c5.4xlarge"), 5656);
  EXPECT_DOUBLE_EQ(seconds.at("c5.9xlarge"), 4030);

  // GCHP C90 TransportTracers (aws-gchp 2026): Graviton4 c8g.24xlarge is fastest per day.
  CliResult gchp = cli.Run({"cost", "estimate", "geos-chem", "--variant", "gchp", "-p",
                            "simulation=TransportTracers", "-p", "resolution=C90", "-p",
                            "end=2019-07-02", "--compare", "--top", "0", "-o", "json"});
  ASSERT_EQ(gchp.exit_code, 0) << gchp.err;
  json g = ParseJson(gchp);
  std::map<std::string, json> by_type;
  for (const json& e : g["estimates"]) by_type[e["instance_type"].get<std::string>()] = e;
  ASSERT_TRUE(by_type.count("c8g.24xlarge") && by_type.count("c7g.16xlarge") &&
              by_type.count("c7a.24xlarge"));
  EXPECT_NEAR(by_type["c7g.16xlarge"]["runtime_seconds"].get<double>(), 102.6, 0.01);
  EXPECT_LT(by_type["c8g.24xlarge"]["rank_by_time"].get<int>(),
            by_type["c7a.24xlarge"]["rank_by_time"].get<int>());
  EXPECT_LT(by_type["c7g.16xlarge"]["total_usd"].get<std::string>(),
            by_type["c7a.24xlarge"]["total_usd"].get<std::string>());
}

}  // namespace
}  // namespace awshpc::e2e
