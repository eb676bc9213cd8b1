// File: staging_test.cpp
// Data staging against moto_server's S3: local inputs uploaded under the job's prefix, the real
// aws-hpc-stage binary run as a process with the environment the backend gives a job (in, then
// out), outputs listed and downloaded; paths that would leave the working directory refused.
#include "awshpc/batch/staging.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "../aws/services/services_test_env.hpp"
#include "awshpc/core/paths.hpp"
#include "exact_env_process.hpp"

namespace awshpc::batch {
namespace {

namespace t = aws::testing;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Read(const std::string& path) {
  auto text = ReadFileToString(path, 1 << 20);
  return text.ok() ? *text : "<missing " + path + ">";
}

// Runs build/bin/aws-hpc-stage with `env` (argv only, no shell); returns its exit status.
int RunStager(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {std::string(AWSHPC_BINARY_DIR) + "/bin/aws-hpc-stage"};
  argv.insert(argv.end(), args.begin(), args.end());
  return awshpc::testing::RunWithExactEnv(argv, env);
}

class StagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(moto_.ok()) << moto_.error();
    auto client = aws::s3::S3Client::Create(moto_.context());
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    s3_ = std::make_unique<aws::s3::S3Client>(std::move(*client));
    ASSERT_TRUE(s3_->CreateBucket({"platform", ""}).ok());
    ASSERT_TRUE(s3_->CreateBucket({"gcgrid", ""}).ok());
  }

  // The stager's environment: moto credentials and endpoint plus `extra`.
  std::map<std::string, std::string> StagerEnv(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env;
    for (const char* name :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL",
          "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"}) {
      if (auto value = moto_.env().Get(name)) env[name] = *value;
    }
    env.insert(extra.begin(), extra.end());
    return env;
  }

  t::MotoEnvironment moto_;
  t::TempDir dir_;
  std::unique_ptr<aws::s3::S3Client> s3_;
};

TEST(StagingPathsTest, RelativePathsMustStayInside) {
  EXPECT_TRUE(CheckRelativePath("in.lj", "x").ok());
  EXPECT_TRUE(CheckRelativePath("met/2019/07/a.nc", "x").ok());
  for (const char* bad : {"", "/etc/passwd", "../up", "a/../../b", "a//b", "./a", "a/./b"}) {
    EXPECT_EQ(CheckRelativePath(bad, "input").code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseS3Uri("s3://b/k/x.nc")->key, "k/x.nc");
  EXPECT_EQ(ParseS3Uri("s3://b")->bucket, "b");
  EXPECT_FALSE(ParseS3Uri("http://b/k").ok());
  EXPECT_FALSE(ParseS3Uri("s3:///k").ok());
  EXPECT_EQ(JobPrefix("j-4x7kq2mz"), "aws-hpc/jobs/j-4x7kq2mz/");
}

TEST_F(StagingTest, InputsUpThenIntoTheJobThenOutputsBack) {
  // A local file, a local directory and an S3 prefix (a miniature gcgrid).
  const std::string script = dir_.Write("in.lj", "units lj\nrun 100\n");
  ASSERT_TRUE(MakeDirs(dir_.path() + "/restart/sub").ok());
  dir_.Write("restart/sub/r.nc", "RESTART");
  for (const char* key : {"met/2019/07/a.nc", "met/2019/07/b.nc"}) {
    ASSERT_TRUE(s3_->PutObject({"gcgrid", key, "", std::string("data of ") + key, "", {}}).ok());
  }
  const std::vector<sched::InputFile> inputs = {
      {script, "in.lj"}, {dir_.path() + "/restart", "restart"}, {"s3://gcgrid/met/", "met"}};
  auto staged = UploadInputs(*s3_, "platform", "j-stage001", inputs);
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  ASSERT_EQ(staged->size(), 3u);
  EXPECT_EQ((*staged)[0].source, "s3://platform/aws-hpc/jobs/j-stage001/inputs/in.lj");
  EXPECT_EQ((*staged)[1].source, "s3://platform/aws-hpc/jobs/j-stage001/inputs/restart/");
  EXPECT_EQ((*staged)[2].source, "s3://gcgrid/met/");

  auto env = StagingEnvironment(*staged, {"log.lammps", "output", "never-made.txt"}, "platform",
                                "j-stage001");
  EXPECT_EQ(env[kOutputUriEnv], "s3://platform/aws-hpc/jobs/j-stage001/outputs/");

  // In the container: stage in, "run", stage out.
  const std::string work = dir_.path() + "/work";
  ASSERT_TRUE(MakeDirs(work).ok());
  ASSERT_EQ(RunStager({"in", work}, StagerEnv(env)), 0);
  EXPECT_EQ(Read(work + "/in.lj"), "units lj\nrun 100\n");
  EXPECT_EQ(Read(work + "/restart/sub/r.nc"), "RESTART");
  EXPECT_EQ(Read(work + "/met/2019/07/b.nc"), "data of met/2019/07/b.nc");
  dir_.Write("work/log.lammps", "Loop time of 1.5\n");
  ASSERT_TRUE(MakeDirs(work + "/output").ok());
  dir_.Write("work/output/a.txt", "A");
  dir_.Write("work/output/b.txt", "BB");
  ASSERT_EQ(RunStager({"out", work}, StagerEnv(env)), 0);  // a missing output is not an error

  auto listed = ListOutputs(*s3_, "platform", "j-stage001");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> keys;
  for (const auto& object : *listed) keys.push_back(object.key);
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("log.lammps", "output/a.txt", "output/b.txt"));

  auto downloaded = DownloadOutputs(*s3_, "platform", "j-stage001", dir_.path() + "/got");
  ASSERT_TRUE(downloaded.ok()) << downloaded.status().ToString();
  EXPECT_EQ(downloaded->files, 3);
  EXPECT_EQ(Read(dir_.path() + "/got/output/b.txt"), "BB");
}

TEST_F(StagingTest, RefusesWhatWouldEscapeOrCannotWork) {
  const std::string file = dir_.Write("x", "x");
  // A local input without a bucket: the message says how to get one.
  auto no_bucket = UploadInputs(*s3_, "", "j-1", {{file, "x"}});
  EXPECT_EQ(no_bucket.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_bucket.status().message(), HasSubstr("AWS_HPC_BUCKET"));
  EXPECT_EQ(UploadInputs(*s3_, "platform", "j-1", {{file, "../x"}}).status().code(),
            StatusCode::kInvalidArgument);
  // A hostile manifest handed to the stager: nothing written outside the working directory.
  const std::string work = dir_.path() + "/w";
  ASSERT_TRUE(MakeDirs(work).ok());
  EXPECT_EQ(
      RunStager(
          {"in", work},
          StagerEnv({{kInputsEnv, R"([{"source":"s3://platform/x","destination":"../escape"}])"}})),
      1);
  EXPECT_FALSE(fs::exists(dir_.path() + "/escape"));
  EXPECT_EQ(RunStager({"in", work}, StagerEnv({{kInputsEnv, "not json"}})), 1);
  EXPECT_EQ(RunStager({"sideways"}, StagerEnv({})), 2);
  // A key that does not map to a plain relative path ("p//x": an empty segment) is refused.
  ASSERT_TRUE(s3_->PutObject({"platform", "p//x", "", "odd", "", {}}).ok());
  EXPECT_EQ(
      RunStager({"in", work},
                StagerEnv({{kInputsEnv, R"([{"source":"s3://platform/p/","destination":"d"}])"}})),
      1);
}

}  // namespace
}  // namespace awshpc::batch
