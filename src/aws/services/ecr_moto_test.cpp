// File: services/ecr_moto_test.cpp
// ECR's image deletion, lifecycle policies and scan-on-push against moto_server on 127.0.0.1
// (started here on a free port, stopped by PID). Fake credentials; nothing leaves loopback.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "awshpc/aws/services/ecr.hpp"
#include "services_test_env.hpp"

namespace awshpc::aws {
namespace {

using testing::MotoEnvironment;

class EcrMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { moto_ = std::make_unique<MotoEnvironment>(); }
  static void TearDownTestSuite() { moto_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(moto_->ok()) << moto_->error();
    auto client = ecr::EcrClient::Create(moto_->context());
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    ecr_ = std::make_unique<ecr::EcrClient>(std::move(*client));
  }

  // A distinct image manifest per `n` (its config digest differs), so each has its own digest.
  static std::string Manifest(int n) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
           R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,)"
           R"("digest":"sha256:)" +
           std::string(63, 'a') + std::to_string(n % 10) + R"("},"layers":[]})";
  }
  std::string Put(const std::string& repository, int n, const std::string& tag) {
    auto put = ecr_->PutImage({repository, Manifest(n), "", tag});
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put.ok() ? put->image_id.image_digest : "";
  }
  std::set<std::string> Tags(const std::string& repository) {
    std::set<std::string> tags;
    auto images = ecr_->DescribeImages({repository, {}, {}, ""});
    EXPECT_TRUE(images.ok()) << images.status().ToString();
    if (!images.ok()) return tags;
    for (const auto& image : images->image_details) {
      tags.insert(image.image_tags.begin(), image.image_tags.end());
    }
    return tags;
  }

  static std::unique_ptr<MotoEnvironment> moto_;
  std::unique_ptr<ecr::EcrClient> ecr_;
};
std::unique_ptr<MotoEnvironment> EcrMotoTest::moto_;

TEST_F(EcrMotoTest, BatchDeleteImageByTagAndByDigestReportsFailures) {
  ASSERT_TRUE(ecr_->CreateRepository({"lammps", "MUTABLE", {}, {}}).ok());
  Put("lammps", 1, "v1");
  const std::string digest2 = Put("lammps", 2, "v2");
  Put("lammps", 3, "v3");
  ASSERT_FALSE(digest2.empty());
  ASSERT_EQ(Tags("lammps"), (std::set<std::string>{"v1", "v2", "v3"}));

  auto deleted =
      ecr_->BatchDeleteImage({"lammps", {{"", "v1"}, {digest2, ""}, {"", "no-such-tag"}}, ""});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_EQ(deleted->image_ids.size(), 2u);
  EXPECT_EQ(deleted->image_ids[0].image_tag, "v1");
  EXPECT_TRUE(deleted->image_ids[0].image_digest.starts_with("sha256:"));
  EXPECT_EQ(deleted->image_ids[1].image_digest, digest2);
  ASSERT_EQ(deleted->failures.size(), 1u);
  EXPECT_EQ(deleted->failures[0].failure_code, "ImageNotFound");
  EXPECT_EQ(deleted->failures[0].image_id.image_tag, "no-such-tag");
  EXPECT_FALSE(deleted->failures[0].failure_reason.empty());
  EXPECT_EQ(Tags("lammps"), (std::set<std::string>{"v3"}));

  // A missing repository is the service's error, with its code.
  auto missing = ecr_->BatchDeleteImage({"no-such-repo", {{"", "v3"}}, ""});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("RepositoryNotFoundException"), std::string::npos)
      << missing.status().message();
  ASSERT_TRUE(ecr_->DeleteRepository({"lammps", true}).ok());
}

TEST_F(EcrMotoTest, BatchDeleteImageValidatesAndSplitsIntoHundreds) {
  ASSERT_TRUE(ecr_->CreateRepository({"wrf", "", {}, {}}).ok());
  // Bad input is refused before anything is sent.
  auto empty = ecr_->BatchDeleteImage({"wrf", {}, ""});
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "ecr BatchDeleteImage: imageIds is empty");
  auto blank = ecr_->BatchDeleteImage({"wrf", {{"", "t"}, {"", ""}}, ""});
  EXPECT_EQ(blank.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(blank.status().message(),
            "ecr BatchDeleteImage: imageIds[1] has neither a digest nor a tag");

  // 250 ids: three calls (counted by a limiter that only counts), every id answered.
  struct CountingLimiter final : RateLimiter {
    void Acquire() override { ++calls; }
    int calls = 0;
  };
  auto counter = std::make_shared<CountingLimiter>();
  ecr_->client().set_rate_limiter(counter);
  Put("wrf", 7, "keep");
  std::vector<ecr::ImageId> ids;
  for (int i = 0; i < 249; ++i) ids.push_back({"", "gone-" + std::to_string(i)});
  ids.push_back({"", "keep"});
  auto deleted = ecr_->BatchDeleteImage({"wrf", ids, ""});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(counter->calls, 1 + 3);  // PutImage, then 100 + 100 + 50
  EXPECT_EQ(deleted->failures.size(), 249u);
  ASSERT_EQ(deleted->image_ids.size(), 1u);
  EXPECT_EQ(deleted->image_ids[0].image_tag, "keep");
  EXPECT_TRUE(Tags("wrf").empty());
  ecr_->client().set_rate_limiter(nullptr);
  ASSERT_TRUE(ecr_->DeleteRepository({"wrf", true}).ok());
}

TEST_F(EcrMotoTest, LifecyclePolicyPutGetDelete) {
  ASSERT_TRUE(ecr_->CreateRepository({"geos", "", {}, {}}).ok());
  auto none = ecr_->GetLifecyclePolicy({"geos", ""});
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("LifecyclePolicyNotFoundException"), std::string::npos)
      << none.status().message();

  const std::string policy =
      R"({"rules":[{"rulePriority":1,"description":"keep the last 10 images",)"
      R"("selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},)"
      R"("action":{"type":"expire"}}]})";
  auto put = ecr_->PutLifecyclePolicy({"geos", policy, ""});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->repository_name, "geos");
  EXPECT_EQ(put->registry_id, "123456789012");
  EXPECT_EQ(put->lifecycle_policy_text, policy);

  auto got = ecr_->GetLifecyclePolicy({"geos", ""});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->lifecycle_policy_text, policy);
  ASSERT_TRUE(got->last_evaluated_at.has_value());
  EXPECT_GT(*got->last_evaluated_at, 1'700'000'000'000);  // a real time, in milliseconds

  auto deleted = ecr_->DeleteLifecyclePolicy({"geos", ""});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->lifecycle_policy_text, policy);
  EXPECT_EQ(ecr_->GetLifecyclePolicy({"geos", ""}).status().code(), StatusCode::kNotFound);

  // ECR validates the document: a rule without an action is refused with the service's code.
  auto invalid = ecr_->PutLifecyclePolicy(
      {"geos", R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any"}}]})", ""});
  EXPECT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("ecr PutLifecyclePolicy"), std::string::npos)
      << invalid.status().message();
  ASSERT_TRUE(ecr_->DeleteRepository({"geos", true}).ok());
}

TEST_F(EcrMotoTest, ScanOnPushCanBeTurnedOnAndOff) {
  auto created = ecr_->CreateRepository({"openfoam", "", {}, {}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->repository.scan_on_push, std::optional<bool>(false));

  auto on = ecr_->PutImageScanningConfiguration({"openfoam", true, ""});
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_TRUE(on->scan_on_push);
  EXPECT_EQ(on->repository_name, "openfoam");
  auto described = ecr_->DescribeRepositories({{"openfoam"}, "", {}, ""});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->repositories.size(), 1u);
  EXPECT_EQ(described->repositories[0].scan_on_push, std::optional<bool>(true));

  auto off = ecr_->PutImageScanningConfiguration({"openfoam", false, ""});
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->scan_on_push);
  described = ecr_->DescribeRepositories({{"openfoam"}, "", {}, ""});
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->repositories[0].scan_on_push, std::optional<bool>(false));

  EXPECT_EQ(ecr_->PutImageScanningConfiguration({"no-such-repo", true, ""}).status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(ecr_->DeleteRepository({"openfoam", true}).ok());
}

}  // namespace
}  // namespace awshpc::aws
