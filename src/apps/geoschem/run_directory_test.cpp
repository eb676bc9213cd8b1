// File: run_directory_test.cpp
// Golden run directories: each case renders apps/geos-chem's templates and compares every file
// with testdata/<case>/. AWSHPC_UPDATE_GOLDEN=1 rewrites them (then review the diff).
#include "awshpc/apps/geoschem/run_directory.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "awshpc/core/paths.hpp"
#include "test_support.hpp"

namespace awshpc::apps::geoschem {
namespace {

using testing::kAppDir;
const std::string kGolden = AWSHPC_SOURCE_DIR "/src/apps/geoschem/testdata/";

struct GoldenCase {
  std::string name;
  std::string variant;
  std::vector<std::pair<std::string, std::string>> params;
};

class RunDirectoryTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(RunDirectoryTest, MatchesGoldenFiles) {
  const GoldenCase& c = GetParam();
  testing::GeosChemRuns runs;
  ASSERT_NO_FATAL_FAILURE(runs.Load());
  auto run = runs.Build(c.variant, c.params);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto files = RenderRunDirectory(*run, runs.catalog(), kAppDir);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  const std::string dir = kGolden + c.name;
  const char* update = std::getenv("AWSHPC_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    ASSERT_TRUE(MakeDirs(dir).ok());
    for (const auto& [name, text] : *files) {
      ASSERT_TRUE(WriteFileAtomically(dir + "/" + name, text).ok());
    }
  }
  std::size_t golden_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++golden_files;
    EXPECT_TRUE(files->count(entry.path().filename().string())) << entry.path();
  }
  EXPECT_EQ(golden_files, files->size());
  for (const auto& [name, text] : *files) {
    auto golden = ReadFileToString(dir + "/" + name, 1 << 20);
    ASSERT_TRUE(golden.ok()) << golden.status().ToString();
    EXPECT_EQ(text, *golden) << c.name << "/" << name;
  }
}

INSTANTIATE_TEST_SUITE_P(GeosChem, RunDirectoryTest,
                         ::testing::Values(GoldenCase{"classic_fullchem_4x5_merra2", "classic", {}},
                                           GoldenCase{"classic_aerosol_025x03125_NA_geosfp",
                                                      "classic",
                                                      {{"simulation", "aerosol"},
                                                       {"met", "geosfp"},
                                                       {"resolution", "0.25x0.3125"},
                                                       {"domain", "NA"},
                                                       {"levels", "47"},
                                                       {"frequency", "3h"},
                                                       {"mode", "instantaneous"},
                                                       {"collections", "SpeciesConc,StateMet"}}},
                                           GoldenCase{"gchp_transport_c90_96cores",
                                                      "gchp",
                                                      {{"simulation", "TransportTracers"},
                                                       {"resolution", "C90"},
                                                       {"cores", "96"},
                                                       {"nodes", "2"},
                                                       {"start", "2019-07-01"},
                                                       {"end", "2019-08-01"},
                                                       {"frequency", "1mo"}}}),
                         [](const ::testing::TestParamInfo<GoldenCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(WriteRunDirectoryTest, WritesFilesAndRefusesToOverwrite) {
  testing::GeosChemRuns runs;
  ASSERT_NO_FATAL_FAILURE(runs.Load());
  auto run = runs.Build("", {});
  ASSERT_TRUE(run.ok());
  const SimCatalog& catalog = runs.catalog();
  const std::string dir = ::testing::TempDir() + "/geoschem_rundir_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  auto written = WriteRunDirectory(*run, catalog, kAppDir, dir, false);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  // The files, then the plan the images' stager completes the directory from.
  EXPECT_THAT(*written,
              ::testing::UnorderedElementsAre("geoschem_config.yml", "HISTORY.rc",
                                              "HEMCO_Config.rc", ".aws-hpc/rundir-vars.json"));
  EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/.aws-hpc/rundir-vars.json"));
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/OutputDir"));
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/Restarts"));
  auto again = WriteRunDirectory(*run, catalog, kAppDir, dir, false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(WriteRunDirectory(*run, catalog, kAppDir, dir, true).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace awshpc::apps::geoschem
