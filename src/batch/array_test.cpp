// File: batch/array_test.cpp
// Splitting arrays into Batch-sized parts, the part requests, and Batch job names.
#include "awshpc/batch/array.hpp"

#include <gtest/gtest.h>

#include <string>

#include "awshpc/batch/submitter.hpp"

namespace awshpc::batch {
namespace {

std::string Env(const aws::batch::SubmitJobRequest& request, const std::string& name) {
  if (!request.container_overrides) return "<no overrides>";
  for (const auto& pair : request.container_overrides->environment) {
    if (pair.name == name) return pair.value;
  }
  return "<unset>";
}

TEST(SplitArrayTest, FullPartsThenTheRest) {
  auto parts = SplitArray(25'001);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].index, 0);
  EXPECT_EQ((*parts)[0].offset, 0);
  EXPECT_EQ((*parts)[0].size, 10'000);
  EXPECT_EQ((*parts)[1].offset, 10'000);
  EXPECT_EQ((*parts)[1].size, 10'000);
  EXPECT_EQ((*parts)[2].index, 2);
  EXPECT_EQ((*parts)[2].offset, 20'000);
  EXPECT_EQ((*parts)[2].size, 5'001);
}

TEST(SplitArrayTest, PartsCoverEveryIndexOnce) {
  for (const std::int64_t size : {1, 2, 9'999, 10'000, 10'001, 20'000, 100'000, 123'457}) {
    auto parts = SplitArray(size);
    ASSERT_TRUE(parts.ok()) << size;
    std::int64_t next = 0;
    for (const ArrayPart& part : *parts) {
      EXPECT_EQ(part.offset, next) << size;
      EXPECT_GE(part.size, 1) << size;
      EXPECT_LE(part.size, kMaxBatchArraySize) << size;
      next += part.size;
    }
    EXPECT_EQ(next, size);
    EXPECT_EQ(static_cast<std::int64_t>(parts->size()), (size + 9'999) / 10'000) << size;
  }
  auto hundred_thousand = SplitArray(100'000);
  ASSERT_TRUE(hundred_thousand.ok());
  EXPECT_EQ(hundred_thousand->size(), 10u);
}

TEST(SplitArrayTest, SmallerPartsAndBadInput) {
  auto parts = SplitArray(7, 3);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ(parts->back().size, 1);  // submitted as a plain job
  EXPECT_EQ(SplitArray(0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitArray(-5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitArray(10, 0).status().code(), StatusCode::kInvalidArgument);
  auto too_big = SplitArray(10, 10'001);
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_big.status().message().find("10001"), std::string::npos);
}

aws::batch::SubmitJobRequest Base() {
  aws::batch::SubmitJobRequest base;
  base.job_name = *BatchJobName("lammps", "j-4x7kq2mz");
  base.job_queue = "q";
  base.job_definition = "d:1";
  base.tags = {{kJobIdTag, "j-4x7kq2mz"}, {"project", "p"}};
  base.container_overrides = aws::batch::ContainerOverrides{};
  base.container_overrides->environment = {{"A", "1"}, {kArrayOffsetEnv, "999"}};
  return base;
}

TEST(PartRequestTest, ArrayPartHasSizeOffsetNameAndTag) {
  auto request = PartRequest(Base(), {2, 20'000, 5'001}, 25'001);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->job_name, "lammps-j-4x7kq2mz-p2");
  EXPECT_EQ(request->job_name, *BatchJobName("lammps", "j-4x7kq2mz", 2));
  EXPECT_EQ(request->array_size, 5'001);
  EXPECT_EQ(request->tags.at(kJobIdTag), "j-4x7kq2mz");
  EXPECT_EQ(request->tags.at(kArrayPartTag), "2");
  EXPECT_EQ(request->tags.at("project"), "p");
  EXPECT_EQ(Env(*request, kArrayOffsetEnv), "20000");  // replaces the base's value
  EXPECT_EQ(Env(*request, kArraySizeEnv), "25001");
  EXPECT_EQ(Env(*request, kArrayIndexEnv), "<unset>");
  EXPECT_EQ(Env(*request, "A"), "1");
  int offsets = 0;
  for (const auto& pair : request->container_overrides->environment) {
    offsets += pair.name == kArrayOffsetEnv ? 1 : 0;
  }
  EXPECT_EQ(offsets, 1);
}

TEST(PartRequestTest, PartOfOneTaskIsAPlainJob) {
  aws::batch::SubmitJobRequest base = Base();
  base.container_overrides.reset();
  auto request = PartRequest(base, {1, 10'000, 1}, 10'001);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_FALSE(request->array_size.has_value());
  EXPECT_EQ(Env(*request, kArrayOffsetEnv), "10000");
  EXPECT_EQ(Env(*request, kArrayIndexEnv), "10000");
}

TEST(PartRequestTest, RejectsPartsThatDoNotFit) {
  EXPECT_FALSE(PartRequest(Base(), {0, 0, 10'001}, 20'000).ok());
  EXPECT_FALSE(PartRequest(Base(), {1, 15, 10}, 20).ok());
  aws::batch::SubmitJobRequest long_name = Base();
  long_name.job_name = std::string(126, 'a');
  auto request = PartRequest(long_name, {0, 0, 2}, 2);
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.status().message().find("BatchJobName"), std::string::npos);
}

TEST(BatchJobNameTest, ValidNamesFromAnyAppName) {
  EXPECT_EQ(*BatchJobName("lammps", "j-4x7kq2mz"), "lammps-j-4x7kq2mz");
  EXPECT_EQ(*BatchJobName("lammps", "j-4x7kq2mz", 0), "lammps-j-4x7kq2mz-p0");
  EXPECT_EQ(*BatchJobName("geos.chem/v14", "j-1"), "geos-chem-v14-j-1");
  EXPECT_EQ(*BatchJobName("_-.app", "j-1"), "app-j-1");
  EXPECT_EQ(*BatchJobName("", "j-1"), "job-j-1");
  EXPECT_EQ(*BatchJobName("ü", "j-1"), "job-j-1");
  const std::string long_app(300, 'x');
  auto name = BatchJobName(long_app, "j-4x7kq2mz", 99'999);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->size(), kMaxBatchJobName);
  EXPECT_TRUE(IsValidBatchJobName(*name));
  EXPECT_TRUE(name->ends_with("-j-4x7kq2mz-p99999"));  // the id is never cut
  auto whole = BatchJobName(long_app, "j-4x7kq2mz");
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(IsValidBatchJobName(*whole + "-p99999"));
}

TEST(BatchJobNameTest, RejectsBadIdsAndParts) {
  EXPECT_EQ(BatchJobName("a", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BatchJobName("a", "j 1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BatchJobName("a", std::string(200, 'j')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BatchJobName("a", "j-1", -1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BatchJobName("a", "j-1", 100'000).status().code(), StatusCode::kInvalidArgument);
}

TEST(BatchJobNameTest, Validity) {
  EXPECT_TRUE(IsValidBatchJobName("a"));
  EXPECT_TRUE(IsValidBatchJobName("A_b-9"));
  EXPECT_TRUE(IsValidBatchJobName(std::string(128, 'a')));
  EXPECT_FALSE(IsValidBatchJobName(std::string(129, 'a')));
  EXPECT_FALSE(IsValidBatchJobName(""));
  EXPECT_FALSE(IsValidBatchJobName("-a"));
  EXPECT_FALSE(IsValidBatchJobName("_a"));
  EXPECT_FALSE(IsValidBatchJobName("a.b"));
  EXPECT_FALSE(IsValidBatchJobName("a b"));
}

}  // namespace
}  // namespace awshpc::batch
