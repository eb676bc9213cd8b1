// File: run_config_test.cpp
// BuildRunConfig on parameters as the spec renders them: derived values and refused combinations.
#include "awshpc/apps/geoschem/run_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "awshpc/core/paths.hpp"
#include "test_support.hpp"

namespace awshpc::apps::geoschem {
namespace {

using ::testing::HasSubstr;

class RunConfigTest : public testing::GeosChemTest {
 protected:
  std::string Error(const std::string& variant,
                    std::vector<std::pair<std::string, std::string>> params) {
    auto run = Build(variant, std::move(params));
    return run.ok() ? "OK" : run.status().message();
  }
};

TEST_F(RunConfigTest, DefaultsAreAWeekOfFullchemAt4x5) {
  auto run = Build("classic", {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->simulation->name, "fullchem");
  EXPECT_EQ(run->grid_res_long, "4.0x5.0");
  EXPECT_EQ(run->transport_ts, 600);
  EXPECT_EQ(run->chemistry_ts, 1200);
  EXPECT_EQ(run->Days(), 7);
  EXPECT_EQ(run->start.Compact(), "20190701");
  EXPECT_THAT(run->collections, ::testing::ElementsAre("Restart", "SpeciesConc", "AerosolMass",
                                                       "Aerosols", "JValues", "StateMet"));
}

TEST_F(RunConfigTest, FineGridsUseShortTimestepsAndNestedDomains) {
  auto run = Build("classic", {{"resolution", "0.25x0.3125"}, {"met", "geosfp"}, {"domain", "NA"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->transport_ts, 300);
  EXPECT_EQ(run->chemistry_ts, 600);
  EXPECT_TRUE(run->nested);
  EXPECT_FALSE(run->half_polar);
  EXPECT_EQ(run->lon_range, "[-130.0,  -60.0]");
  auto custom = Build("classic", {{"resolution", "0.5x0.625"},
                                  {"domain", "custom"},
                                  {"lon_range", "-20,45.5"},
                                  {"lat_range", "30,72"}});
  ASSERT_TRUE(custom.ok()) << custom.status().ToString();
  EXPECT_EQ(custom->lon_range, "[-20, 45.5]");
  EXPECT_EQ(custom->lat_range, "[30, 72]");
}

TEST_F(RunConfigTest, RefusesImpossibleCombinationsWithTheReason) {
  EXPECT_THAT(Error("classic", {{"resolution", "0.25x0.3125"}}),
              HasSubstr("resolution=0.25x0.3125 needs met=geosfp"));
  EXPECT_THAT(Error("gchp", {{"resolution", "C90"}, {"levels", "47"}}),
              HasSubstr("GCHP needs levels=72; got levels=47"));
  EXPECT_THAT(Error("gchp", {{"resolution", "C90"}, {"cores", "100"}}), HasSubstr("multiple of 6"));
  EXPECT_THAT(Error("classic", {{"start", "2019-07-08"}, {"end", "2019-07-01"}}),
              HasSubstr("end=2019-07-01 must be after start=2019-07-08"));
  EXPECT_THAT(Error("classic", {{"start", "2019-07-01"}, {"end", "2019-07-01"}}),
              HasSubstr("must be after"));
  EXPECT_THAT(Error("classic", {{"resolution", "C90"}}), HasSubstr("cubed-sphere grid for GCHP"));
  EXPECT_THAT(Error("gchp", {{"resolution", "4x5"}}), HasSubstr("lat-lon grid"));
  EXPECT_THAT(Error("gchp", {{"resolution", "C48"}, {"simulation", "Hg"}}),
              HasSubstr("not offered by GCHP"));
  EXPECT_THAT(Error("classic", {{"domain", "EU"}}), HasSubstr("needs resolution 0.5x0.625"));
  EXPECT_THAT(Error("classic", {{"resolution", "0.5x0.625"}, {"domain", "custom"}}),
              HasSubstr("domain=custom needs lon_range"));
  EXPECT_THAT(Error("classic", {{"resolution", "0.5x0.625"},
                                {"domain", "custom"},
                                {"lon_range", "50,-20"},
                                {"lat_range", "0,10"}}),
              HasSubstr("MIN < MAX"));
  EXPECT_THAT(Error("classic", {{"met", "gcap2"}}), HasSubstr("40 levels"));
  // GCAP 2.0: the scenario's GISS run covers some years only; no cubed-sphere, no nesting.
  EXPECT_THAT(Error("classic", {{"met", "gcap2"}, {"levels", "40"}}),
              HasSubstr("met=gcap2 scenario=historical (GISS run E213f10aF40oQ40) has meteorology "
                        "for 1851-1860, 2001-2014 only; the run covers 2019 to 2019"));
  EXPECT_THAT(Error("classic", {{"met", "gcap2"},
                                {"levels", "40"},
                                {"scenario", "SSP5-8.5"},
                                {"start", "2049-12-31"},
                                {"end", "2050-01-02"}}),
              HasSubstr("2040-2049, 2090-2099 only; the run covers 2049 to 2050"));
  EXPECT_THAT(Error("classic", {{"met", "gcap2"},
                                {"levels", "40"},
                                {"resolution", "0.5x0.625"},
                                {"domain", "NA"},
                                {"start", "2005-07-01"},
                                {"end", "2005-07-02"}}),
              HasSubstr("nested grids are not offered for met=gcap2"));
  EXPECT_THAT(Error("gchp", {{"met", "gcap2"}, {"resolution", "C24"}, {"cores", "24"}}),
              HasSubstr("met=gcap2 is GEOS-Chem Classic only"));
  EXPECT_THAT(Error("gchp", {{"resolution", "C90"}, {"cores", "96"}, {"nodes", "5"}}),
              HasSubstr("cannot be divided evenly among nodes=5"));
  EXPECT_THAT(Error("gchp", {{"resolution", "C24"}, {"cores", "6000"}}), HasSubstr("too many"));
  EXPECT_THAT(Error("classic", {{"collections", "SpeciesConk"}}),
              HasSubstr("did you mean SpeciesConc?"));
  EXPECT_THAT(Error("classic", {{"frequency", "45d"}}), HasSubstr("at most 31d"));
}

TEST_F(RunConfigTest, Gcap2ScenarioNamesTheGissRun) {
  auto run = Build("classic", {{"met", "gcap2"},
                               {"levels", "40"},
                               {"resolution", "0.25x0.3125"},
                               {"scenario", "historical-nudged"},
                               {"start", "2014-12-01"},
                               {"end", "2015-01-01"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->gcap2.scenario, "HIST");
  EXPECT_EQ(run->gcap2.run_id, "E213f10aF40oQ40nudge");
  EXPECT_EQ(run->gcap2.vertres, "40L");
  EXPECT_EQ(Gcap2MetDir(*run), "GCAP2/40L/E213f10aF40oQ40nudge");
  EXPECT_FALSE(run->half_polar);  // regridded online from 2x2.5, no half-size polar boxes
}

TEST_F(RunConfigTest, GchpDecomposesCoresIntoSquareFaces) {
  auto run = Build("gchp", {{"resolution", "C90"}, {"cores", "96"}, {"nodes", "2"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->cs_res, 90);
  EXPECT_EQ(run->nx * run->ny, 96);
  EXPECT_EQ(run->ny % 6, 0);
  struct Case {
    int cores, nx, ny;
  };
  // Faces of NX x NY/6 ranks, as square as the core count allows.
  for (const Case& c : {Case{6, 1, 6}, Case{24, 2, 12}, Case{48, 2, 24}, Case{96, 4, 24},
                        Case{144, 4, 36}, Case{216, 6, 36}, Case{1152, 12, 96}}) {
    auto nxny = DomainDecomposition(c.cores);
    ASSERT_TRUE(nxny.ok());
    EXPECT_EQ(*nxny, std::make_pair(c.nx, c.ny)) << c.cores;
  }
  EXPECT_FALSE(DomainDecomposition(0).ok());
  EXPECT_FALSE(DomainDecomposition(50).ok());
}

TEST(HistoryFrequencyTest, WritesGeosChemYYYYMMDDhhmmss) {
  EXPECT_EQ(*HistoryFrequency("1d"), "00000001 000000");
  EXPECT_EQ(*HistoryFrequency("3h"), "00000000 030000");
  EXPECT_EQ(*HistoryFrequency("36h"), "00000001 120000");
  EXPECT_EQ(*HistoryFrequency("1mo"), "00000100 000000");
  EXPECT_EQ(*HistoryFrequency("14mo"), "00010200 000000");
  EXPECT_EQ(*HistoryFrequency("end"), "End");
  EXPECT_FALSE(HistoryFrequency("0d").ok());
  EXPECT_FALSE(HistoryFrequency("1w").ok());
}

TEST(DateTest, DaysRoundTripAcrossLeapYears) {
  for (long d = -800; d < 20000; d += 7) EXPECT_EQ(DaysFromCivil(CivilFromDays(d)), d);
  EXPECT_EQ(DaysFromCivil(Date{2020, 3, 1}) - DaysFromCivil(Date{2020, 2, 28}), 2);
}

}  // namespace
}  // namespace awshpc::apps::geoschem

namespace awshpc::apps::geoschem {
namespace {

TEST_F(RunConfigTest, GchpSuccessIsCapRestartAtTheEndAndACheckpoint) {
  auto run = Build("gchp", {{"resolution", "C48"}, {"cores", "12"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const std::string dir = ::testing::TempDir() + "/gchp_verify_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(MakeDirs(dir + "/Restarts").ok());
  EXPECT_THAT(VerifyGchpRun(*run, dir).message(), HasSubstr("no cap_restart"));
  ASSERT_TRUE(WriteFileAtomically(dir + "/cap_restart", "20190703 000000\n").ok());
  EXPECT_THAT(VerifyGchpRun(*run, dir).message(), HasSubstr("the run stopped early"));
  ASSERT_TRUE(WriteFileAtomically(dir + "/cap_restart", "20190708 000000\n").ok());
  EXPECT_THAT(VerifyGchpRun(*run, dir).message(), HasSubstr("no checkpoint"));
  ASSERT_TRUE(
      WriteFileAtomically(dir + "/Restarts/GEOSChem.Restart.20190708_0000z.c48.nc4", "CDF").ok());
  EXPECT_TRUE(VerifyGchpRun(*run, dir).ok());
  EXPECT_TRUE(VerifyRun(*run, dir).ok());
  auto classic = Build("classic", {});
  ASSERT_TRUE(classic.ok());
  EXPECT_THAT(VerifyRun(*classic, dir).message(), HasSubstr("did not finish"));
  ASSERT_TRUE(
      WriteFileAtomically(dir + "/Restarts/GEOSChem.Restart.20190708_0000z.nc4", "CDF").ok());
  EXPECT_TRUE(VerifyRun(*classic, dir).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace awshpc::apps::geoschem
