// File: build_driver_integration_test.cpp
// The build driver and registry code against the real tools: two tiny FROM-scratch images (no
// RUN, so the arm64 one needs no emulator) built with buildah, pushed as a multi-arch manifest
// list to Debian's docker-registry on a free 127.0.0.1 port (stopped by PID), read back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <set>

#include "../aws/test_util.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/process.hpp"
#include "awshpc/container/build_driver.hpp"
#include "awshpc/container/registry.hpp"

namespace awshpc::container {
namespace {

namespace t = awshpc::aws::testing;

TEST(BuildDriverIntegration, MultiArchManifestListPushedAndReadBack) {
  for (const std::string& tool : std::vector<std::string>{"buildah", "docker-registry"}) {
    ASSERT_TRUE(t::HaveProgram(tool)) << tool << " is missing: install the Debian package " << tool;
  }
  t::TempDir dir;
  int port = 0;
  std::string error;
  const auto registry = t::StartLoopbackRegistry(dir, port, error);
  ASSERT_TRUE(registry) << error;

  auto driver = BuildDriver::Detect("buildah");
  ASSERT_TRUE(driver.ok()) << driver.status().ToString();
  dir.Write("ctx/hello.txt", "hello\n");
  dir.Write("ctx/Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\nLABEL a=b\n");
  const std::string prefix = "localhost/aws-hpc-test/multi-" + std::to_string(getpid());
  std::vector<std::string> images;
  // Removes what the test made, also when an assertion ends it early.
  struct Cleanup {
    std::string list;
    const std::vector<std::string>* images;
    ~Cleanup() {
      aws::RunProcess({"buildah", "manifest", "rm", list}).status().IgnoreError();
      for (const auto& image : *images) {
        aws::RunProcess({"buildah", "rmi", "-f", image}).status().IgnoreError();
      }
    }
  } cleanup{prefix + "-list", &images};
  std::vector<BuildProgress> seen;
  for (const std::string& platform : {std::string("linux/amd64"), std::string("linux/arm64")}) {
    BuildRequest request;
    request.context_dir = dir.path() + "/ctx";
    request.tag = prefix + ":" + platform.substr(6);
    images.push_back(request.tag);
    request.platform = platform;
    request.log_path = dir.path() + "/build.log";
    request.total_steps = 3;
    auto outcome = driver->Build(request, [&](const BuildProgress& p) { seen.push_back(p); });
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->steps_seen, 3);
    auto info = driver->Inspect(request.tag);
    ASSERT_TRUE(info.ok() && info->has_value()) << info.status().ToString();
    EXPECT_EQ((*info)->architecture, platform.substr(6));
    EXPECT_EQ((*info)->labels["a"], "b");
  }
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[2].step, 3);
  EXPECT_EQ(seen[2].total, 3);

  const std::string destination = "127.0.0.1:" + std::to_string(port) + "/aws-hpc/multi:1";
  auto digest = driver->PushManifestList(prefix + "-list", images, destination, false, "",
                                         dir.path() + "/push.log");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();

  aws::CurlHttpClient http;
  auto registry_ref = ParseRegistry("127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(registry_ref.ok());
  auto index = FetchManifest(http, *registry_ref, "aws-hpc/multi", "1");
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->digest, *digest);
  const auto doc = nlohmann::json::parse(index->body);
  ASSERT_EQ(doc["manifests"].size(), 2u) << index->body;
  std::set<std::string> archs;
  for (const auto& m : doc["manifests"])
    archs.insert(m["platform"]["architecture"].get<std::string>());
  EXPECT_EQ(archs, (std::set<std::string>{"amd64", "arm64"}));

  // A missing tag is NotFound.
  auto missing = FetchManifest(http, *registry_ref, "aws-hpc/multi", "2");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace awshpc::container
