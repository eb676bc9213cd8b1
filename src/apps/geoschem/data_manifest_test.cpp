// File: data_manifest_test.cpp
// The input-data manifest of real runs, planned and staged against moto_server seeded with a
// miniature gcgrid layout (same keys, small bodies).
#include "awshpc/apps/geoschem/data_manifest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "../../aws/services/services_test_env.hpp"
#include "../../aws/test_util.hpp"
#include "awshpc/core/paths.hpp"
#include "test_support.hpp"

namespace awshpc::apps::geoschem {
namespace {

using ::testing::HasSubstr;

using DataManifestTest = testing::GeosChemTest;

std::vector<std::string> Keys(const Manifest& manifest) {
  std::vector<std::string> keys;
  for (const ManifestEntry& e : manifest.entries) keys.push_back(e.key);
  return keys;
}

TEST_F(DataManifestTest, ClassicMetKeysFollowGcgridLayout) {
  auto run = Build("classic", {{"start", "2019-07-31"}, {"end", "2019-08-02"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto manifest = BuildManifest(*run, "gcgrid");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  const std::vector<std::string> keys = Keys(*manifest);
  EXPECT_EQ(keys.front(), "GEOS_4x5/MERRA2/2015/01/MERRA2.20150101.CN.4x5.nc4");
  EXPECT_THAT(keys, ::testing::Contains("GEOS_4x5/MERRA2/2019/07/MERRA2.20190731.A1.4x5.nc4"));
  EXPECT_THAT(keys, ::testing::Contains("GEOS_4x5/MERRA2/2019/08/MERRA2.20190801.A3mstE.4x5.nc4"));
  EXPECT_THAT(keys, ::testing::Contains("GEOS_4x5/MERRA2/2019/08/MERRA2.20190802.I3.4x5.nc4"));
  EXPECT_THAT(keys, ::testing::Not(
                        ::testing::Contains("GEOS_4x5/MERRA2/2019/08/MERRA2.20190802.A1.4x5.nc4")));
  EXPECT_THAT(keys, ::testing::Contains("HEMCO/CEDS/v2024-06/2019/"));
  EXPECT_THAT(keys, ::testing::Contains("HEMCO/OFFLINE_LIGHTNING/v2020-03/MERRA2/2019/"));
  EXPECT_EQ(keys.back(),
            "GEOSCHEM_RESTARTS/GC_14.4.0/GEOSChem.Restart.fullchem.20190701_0000z.nc4");
  EXPECT_EQ(manifest->entries.back().destination, "Restarts/GEOSChem.Restart.20190731_0000z.nc4");
  // 1 CN + 2 days x 6 collections + the next day's I3.
  int met = 0;
  for (const auto& e : manifest->entries) met += e.kind == DataKind::kMet ? 1 : 0;
  EXPECT_EQ(met, 14);
}

TEST_F(DataManifestTest, GeosFpFineGridAndGchpNativeMet) {
  auto fp = Build(
      "classic",
      {{"met", "geosfp"}, {"resolution", "0.25x0.3125"}, {"domain", "AS"}, {"end", "2019-07-02"}});
  ASSERT_TRUE(fp.ok()) << fp.status().ToString();
  auto fp_manifest = BuildManifest(*fp, "gcgrid");
  ASSERT_TRUE(fp_manifest.ok());
  EXPECT_THAT(
      Keys(*fp_manifest),
      ::testing::Contains("GEOS_0.25x0.3125/GEOS_FP/2019/07/GEOSFP.20190701.A3cld.025x03125.nc"));
  auto gchp = Build("gchp", {{"resolution", "C90"},
                             {"cores", "96"},
                             {"end", "2019-07-02"},
                             {"restart", "s3://my-bucket/restarts/GEOSChem.Restart.c90.nc4"}});
  ASSERT_TRUE(gchp.ok()) << gchp.status().ToString();
  auto gchp_manifest = BuildManifest(*gchp, "gcgrid");
  ASSERT_TRUE(gchp_manifest.ok());
  EXPECT_THAT(Keys(*gchp_manifest),
              ::testing::Contains("GEOS_0.5x0.625/MERRA2/2019/07/MERRA2.20190701.A1.05x0625.nc4"));
  const ManifestEntry& restart = gchp_manifest->entries.back();
  EXPECT_EQ(restart.bucket, "my-bucket");
  EXPECT_EQ(restart.key, "restarts/GEOSChem.Restart.c90.nc4");
  EXPECT_EQ(restart.destination, "Restarts/GEOSChem.Restart.20190701_0000z.c90.nc4");
}

// GCAP 2.0 (HEMCO_Config.rc.gcap2_metfields): TOPO, five daily GISS files named by the run id,
// the next day's instantaneous files; a 40-level restart must be given.
TEST_F(DataManifestTest, Gcap2MetKeysAreNamedByGissRunId) {
  const testing::Params gcap2 = {{"met", "gcap2"},        {"levels", "40"},
                                 {"resolution", "2x2.5"}, {"scenario", "SSP2-4.5"},
                                 {"start", "2090-07-31"}, {"end", "2090-08-02"}};
  auto run = Build("classic", gcap2);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto no_restart = BuildManifest(*run, "gcgrid");
  ASSERT_FALSE(no_restart.ok());
  EXPECT_THAT(no_restart.status().message(), HasSubstr("met=gcap2 needs restart=s3://"));
  testing::Params with_restart = gcap2;
  with_restart.push_back({"restart", "s3://my-bucket/GEOSChem.Restart.40L.nc4"});
  run = Build("classic", with_restart);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto manifest = BuildManifest(*run, "gcgrid");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  const std::vector<std::string> keys = Keys(*manifest);
  const std::string dir = "GCAP2/40L/E213SSP245aF40oQ40/";
  EXPECT_EQ(keys.front(), dir + "TOPO");
  EXPECT_THAT(keys, ::testing::Contains(dir + "2090/07/20900731.aijh2E213SSP245aF40oQ40.nc4"));
  EXPECT_THAT(keys, ::testing::Contains(dir + "2090/08/20900801.aijleh6E213SSP245aF40oQ40.nc4"));
  EXPECT_THAT(keys, ::testing::Contains(dir + "2090/08/20900802.aijlh6iE213SSP245aF40oQ40.nc4"));
  EXPECT_THAT(keys, ::testing::Not(
                        ::testing::Contains(dir + "2090/08/20900802.aijh2E213SSP245aF40oQ40.nc4")));
  // No GMAO-named offline lightning for GCAP 2.0 (it is computed online).
  for (const std::string& key : keys) EXPECT_THAT(key, ::testing::Not(HasSubstr("$MET"))) << key;
  EXPECT_THAT(keys, ::testing::Not(::testing::Contains(HasSubstr("OFFLINE_LIGHTNING"))));
  // TOPO + 2 days x 5 collections + the next day's 2 instantaneous files.
  int met = 0;
  for (const auto& e : manifest->entries) met += e.kind == DataKind::kMet ? 1 : 0;
  EXPECT_EQ(met, 13);
  EXPECT_EQ(manifest->entries.back().bucket, "my-bucket");
}

TEST(TransferCostTest, FreeInRegionPricedElsewhere) {
  const std::uint64_t ten_gib = 10ull << 30;
  EXPECT_EQ(TransferCost(ten_gib, "us-east-1")->micros(), 0);
  EXPECT_EQ(TransferCost(ten_gib, "eu-west-1")->micros(), 200'000);  // $0.02/GiB
  EXPECT_EQ(TransferCost(ten_gib, "internet")->micros(), 900'000);   // $0.09/GiB
  EXPECT_EQ(TransferCost(ten_gib, "us-gov-west-1")->micros(), 200'000);
  EXPECT_FALSE(TransferCost(ten_gib, "mars").ok());
  EXPECT_FALSE(TransferCost(ten_gib, "not-a-region").ok());
}

TEST_F(DataManifestTest, PlansAndStagesAgainstMotoSeededWithMiniatureGcgrid) {
  aws::testing::MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  auto created = aws::s3::S3Client::Create(moto.context());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  aws::s3::S3Client& s3 = *created;
  ASSERT_TRUE(s3.CreateBucket({"gcgrid", ""}).ok());

  auto run = Build("classic", {{"simulation", "TransportTracers"}, {"end", "2019-07-03"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto manifest = BuildManifest(*run, "gcgrid");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  // Seed every exact key, two files under each data prefix, and unrelated neighbours the plan
  // must not pick up (another day, another grid).
  std::uint64_t expected_bytes = 0;
  int expected_objects = 0;
  const auto put = [&](const std::string& key, std::size_t size) {
    ASSERT_TRUE(s3.PutObject({"gcgrid", key, "", std::string(size, 'x'), "", {}}).ok()) << key;
  };
  std::size_t size = 100;
  for (const ManifestEntry& entry : manifest->entries) {
    size += 7;
    if (entry.is_prefix) {
      put(entry.key + "a.nc", size);
      put(entry.key + "sub/b.nc", size + 1);
      expected_bytes += 2 * size + 1;
      expected_objects += 2;
    } else {
      put(entry.key, size);
      expected_bytes += size;
      ++expected_objects;
    }
  }
  put("GEOS_4x5/MERRA2/2019/07/MERRA2.20190705.A1.4x5.nc4", 5000);
  put("GEOS_2x2.5/MERRA2/2019/07/MERRA2.20190701.A1.2x25.nc4", 5000);

  auto plan = PlanData(s3, *manifest);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_THAT(plan->missing, ::testing::IsEmpty());
  EXPECT_EQ(static_cast<int>(plan->objects.size()), expected_objects);
  EXPECT_EQ(plan->bytes, expected_bytes);
  // One listing per directory: 2015/01, 2019/07, 3 HEMCO prefixes, the restart folder.
  EXPECT_EQ(plan->list_calls, 6);

  aws::testing::TempDir dir;
  auto staged = StageData(s3, *plan, dir.path());
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  EXPECT_EQ(staged->downloaded, expected_objects);
  EXPECT_EQ(staged->bytes, expected_bytes);
  EXPECT_EQ(std::filesystem::file_size(dir.path() + "/ExtData/GEOS_4x5/MERRA2/2019/07/"
                                                    "MERRA2.20190702.I3.4x5.nc4"),
            plan->objects[12].size);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/ExtData/HEMCO/SF6/v2019-01/sub/b.nc"));
  EXPECT_TRUE(
      std::filesystem::exists(dir.path() + "/Restarts/GEOSChem.Restart.20190701_0000z.nc4"));
  auto again = StageData(s3, *plan, dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->downloaded, 0);
  EXPECT_EQ(again->skipped, expected_objects);

  // A gap in the bucket is reported by key and staging refuses to start.
  ASSERT_TRUE(
      s3.DeleteObject({"gcgrid", "GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A3dyn.4x5.nc4"}).ok());
  auto gap = PlanData(s3, *manifest);
  ASSERT_TRUE(gap.ok());
  EXPECT_THAT(
      gap->missing,
      ::testing::ElementsAre("s3://gcgrid/GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A3dyn.4x5.nc4"));
  auto refused = StageData(s3, *gap, dir.path());
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("1 inputs are missing"));
}

TEST_F(DataManifestTest, PlansGcap2AgainstMotoSeededWithMiniatureGcgrid) {
  aws::testing::MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  auto created = aws::s3::S3Client::Create(moto.context());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  aws::s3::S3Client& s3 = *created;
  ASSERT_TRUE(s3.CreateBucket({"gcgrid", ""}).ok());
  ASSERT_TRUE(s3.CreateBucket({"my-bucket", ""}).ok());
  auto run = Build("classic", {{"met", "gcap2"},
                               {"levels", "40"},
                               {"resolution", "4x5"},
                               {"simulation", "TransportTracers"},
                               {"start", "2005-07-01"},
                               {"end", "2005-07-02"},
                               {"restart", "s3://my-bucket/rst/GEOSChem.Restart.40L.nc4"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto manifest = BuildManifest(*run, "gcgrid");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  // The miniature GCAP2 layout: every exact key, one file under each prefix, and a neighbour
  // from another scenario's run that the plan must not pick up.
  std::uint64_t expected = 0;
  for (const ManifestEntry& entry : manifest->entries) {
    const std::string key = entry.is_prefix ? entry.key + "a.nc" : entry.key;
    ASSERT_TRUE(s3.PutObject({entry.bucket, key, "", std::string(64, 'g'), "", {}}).ok()) << key;
    expected += 64;
  }
  ASSERT_TRUE(s3.PutObject({"gcgrid",
                            "GCAP2/40L/E213SSP245aF40oQ40/2005/07/x.nc4",
                            "",
                            std::string(999, 'x'),
                            "",
                            {}})
                  .ok());
  auto plan = PlanData(s3, *manifest);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_THAT(plan->missing, ::testing::IsEmpty());
  EXPECT_EQ(plan->bytes, expected);
  EXPECT_EQ(plan->objects.size(), manifest->entries.size());
  aws::testing::TempDir dir;
  auto staged = StageData(s3, *plan, dir.path());
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/ExtData/GCAP2/40L/E213f10aF40oQ40/TOPO"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/ExtData/GCAP2/40L/E213f10aF40oQ40/2005/07/"
                                                   "20050701.aijlh6E213f10aF40oQ40.nc4"));
  EXPECT_TRUE(
      std::filesystem::exists(dir.path() + "/Restarts/GEOSChem.Restart.20050701_0000z.nc4"));
}

}  // namespace
}  // namespace awshpc::apps::geoschem
