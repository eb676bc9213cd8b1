// File: apps_test.cpp
// Presets, published records and `${NAME}` templates, on the real apps/geos-chem data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "awshpc/apps/env_presets.hpp"
#include "awshpc/apps/perf_records.hpp"
#include "awshpc/apps/text_template.hpp"
#include "geoschem/test_support.hpp"

namespace awshpc::apps {
namespace {

using geoschem::testing::kAppDir;

TEST(TextTemplateTest, SubstitutesOncePerVariableAndNamesUndefinedOnes) {
  std::map<std::string, std::string, std::less<>> vars = {{"A", "${B}"}, {"B", "x"}};
  auto out = SubstituteVars("a=${A} $ROOT b=${B}\n", vars, "t.rc");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "a=${B} $ROOT b=x\n");  // single pass; HEMCO's $ROOT left alone
  auto bad = SubstituteVars("x\ny ${NOPE}\n", vars, "t.rc");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "t.rc:2: ${NOPE} is not defined");
  EXPECT_FALSE(SubstituteVars("${A", vars, "t.rc").ok());
}

TEST(EnvPresetTest, LoadsTheThreeGeosChemPresets) {
  EXPECT_THAT(ListEnvPresets(kAppDir),
              ::testing::ElementsAre("benchmark", "production", "transport"));
  auto benchmark = LoadEnvPreset(kAppDir, "benchmark");
  ASSERT_TRUE(benchmark.ok()) << benchmark.status().ToString();
  EXPECT_THAT(benchmark->params,
              ::testing::Contains(std::make_pair(std::string("end"), std::string("2019-08-01"))));
  auto transport = LoadEnvPreset(kAppDir, "transport");
  ASSERT_TRUE(transport.ok());
  EXPECT_EQ(transport->params.front(),
            std::make_pair(std::string("simulation"), std::string("TransportTracers")));
  auto missing = LoadEnvPreset(kAppDir, "benchmrk");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), ::testing::HasSubstr("did you mean benchmark?"));
}

TEST(EnvPresetTest, ParamsOverridePresetValuesOnce) {
  auto merged = MergeParams({{"a", "1"}, {"b", "2"}}, {{"b", "3"}, {"c", "4"}, {"b", "5"}});
  EXPECT_THAT(merged, ::testing::ElementsAre(std::make_pair(std::string("a"), std::string("1")),
                                             std::make_pair(std::string("b"), std::string("3")),
                                             std::make_pair(std::string("c"), std::string("4")),
                                             std::make_pair(std::string("b"), std::string("5"))));
}

TEST(PublishedRecordsTest, AllDesignFiguresLoadWithSources) {
  auto records = LoadPublishedRecords(kAppDir);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 12u);
  for (const PublishedRecord& record : *records) EXPECT_FALSE(record.source.empty());
}

TEST(PublishedRecordsTest, MatchesVariantAndParamsAndScalesByDays) {
  std::map<std::string, std::string> params = {{"simulation", "fullchem"},
                                               {"resolution", "4x5"},
                                               {"start", "2019-07-01"},
                                               {"end", "2019-07-08"}};
  auto week = PublishedRecordsFor(kAppDir, "classic", params);
  ASSERT_TRUE(week.ok());
  ASSERT_EQ(week->size(), 4u);
  EXPECT_EQ(week->front().instance_type, "c5.4xlarge");
  EXPECT_DOUBLE_EQ(week->front().wall_seconds, 5656);
  params["end"] = "2019-07-15";  // two weeks: twice the time
  auto fortnight = PublishedRecordsFor(kAppDir, "classic", params);
  ASSERT_TRUE(fortnight.ok());
  EXPECT_DOUBLE_EQ(fortnight->front().wall_seconds, 2 * 5656);
  EXPECT_TRUE(PublishedRecordsFor(kAppDir, "gchp", params)->empty());
  params["resolution"] = "2x2.5";
  EXPECT_TRUE(PublishedRecordsFor(kAppDir, "classic", params)->empty());
  EXPECT_TRUE(PublishedRecordsFor(AWSHPC_SOURCE_DIR "/apps/lammps", "mpi", params)->empty());
}

}  // namespace
}  // namespace awshpc::apps
