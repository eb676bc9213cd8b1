// File: build_driver_test.cpp
// The build driver's argv, its progress parsing and the registry parser (no tools run here;
// container_build_test and the e2e test run them for real).
#include "awshpc/container/build_driver.hpp"

#include <gtest/gtest.h>

#include "awshpc/container/base_image.hpp"
#include "awshpc/container/registry.hpp"

namespace awshpc::container {
namespace {

TEST(BuildDriver, ArgvUsesSandboxSafeOptions) {
  BuildRequest request;
  request.context_dir = "/ctx";
  request.tag = "a/b:c";
  request.target = "devel";
  request.platform = HostPlatform();
  EXPECT_EQ(BuildDriver(BuildTool::kBuildah, "/usr/bin/buildah").BuildArgv(request),
            (std::vector<std::string>{"/usr/bin/buildah", "bud", "--isolation", "chroot",
                                      "--layers", "-f", "/ctx/Dockerfile", "-t", "a/b:c",
                                      "--target", "devel", "--platform", HostPlatform(), "/ctx"}));
  // Another platform: no layer cache (buildah would reuse the host platform's layers).
  request.platform = HostPlatform() == "linux/arm64" ? "linux/amd64" : "linux/arm64";
  EXPECT_EQ(BuildDriver(BuildTool::kBuildah, "buildah").BuildArgv(request)[4], "-f");
  EXPECT_EQ(BuildDriver(BuildTool::kPodman, "podman").BuildArgv(request)[4], "--layers=false");
  EXPECT_EQ(BuildDriver(BuildTool::kPodman, "podman").BuildArgv(request)[1], "build");
  EXPECT_EQ(BuildDriver(BuildTool::kDocker, "docker").BuildArgv(request)[2], "--progress=plain");
  RunRequest run;
  run.image = "img";
  run.command = {"lmp", "-in", "in.lj"};
  run.env = {{"A", "1"}};
  EXPECT_EQ(BuildDriver(BuildTool::kPodman, "podman").RunArgv(run),
            (std::vector<std::string>{"podman", "run", "--rm", "--runtime", "runc", "--ulimit",
                                      "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "-e",
                                      "A=1", "img", "lmp", "-in", "in.lj"}));
  EXPECT_FALSE(ParseBuildTool("kaniko").ok());
}

TEST(BuildDriver, RecognisesStepLinesOfEveryTool) {
  EXPECT_TRUE(StepLine("[1/2] STEP 3/4: RUN [\"make\"]"));
  EXPECT_TRUE(StepLine("STEP 1/5: FROM scratch"));
  EXPECT_TRUE(StepLine("Step 3/8 : RUN make"));
  EXPECT_TRUE(StepLine("#7 [build 2/3] RUN make"));
  EXPECT_FALSE(StepLine("#7 DONE 0.1s"));
  EXPECT_FALSE(StepLine("Copying blob sha256:abc"));
  EXPECT_FALSE(StepLine("echo STEP 3/4"));
}

TEST(Registry, ParsesHostsPrefixesAndLoopback) {
  auto local = ParseRegistry("127.0.0.1:5000");
  ASSERT_TRUE(local.ok());
  EXPECT_TRUE(local->loopback);
  EXPECT_EQ(local->Repository("aws-hpc/lammps"), "127.0.0.1:5000/aws-hpc/lammps");
  auto prefixed = ParseRegistry("https://registry.example.com/team/");
  ASSERT_TRUE(prefixed.ok());
  EXPECT_FALSE(prefixed->loopback);
  EXPECT_EQ(prefixed->Repository("x"), "registry.example.com/team/x");
  auto ecr = ParseRegistry("https://123456789012.dkr.ecr.us-east-1.amazonaws.com");
  ASSERT_TRUE(ecr.ok());
  EXPECT_EQ(ecr->host, "123456789012.dkr.ecr.us-east-1.amazonaws.com");
  auto bad = ParseRegistry("not a registry");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseRegistry("justaname").ok());
}

TEST(Platform, CrossBuildsNeedQemuOrSayWhatToInstall) {
  EXPECT_TRUE(CheckCanBuildPlatform(HostPlatform()).ok());
  const std::string other = HostPlatform() == "linux/amd64" ? "linux/arm64" : "linux/amd64";
  const Status status = CheckCanBuildPlatform(other);
  if (!status.ok()) {
    EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(status.message().find("qemu-user-static"), std::string::npos);
  }
}

}  // namespace
}  // namespace awshpc::container
