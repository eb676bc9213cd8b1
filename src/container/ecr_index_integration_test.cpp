// File: ecr_index_integration_test.cpp
// A multi-arch manifest list on ECR: two real FROM-scratch images (amd64, arm64; no RUN, so no
// emulator) built with buildah, pushed with PushToEcr (layers to Debian's docker-registry on
// 127.0.0.1, manifests registered with moto's ECR by PutImage), then the OCI image index of both
// registered with PushIndexToEcr and read back with DescribeImages and botocore's BatchGetImage.
// moto_server and the registry run on free loopback ports and are stopped by PID.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../aws/services/services_test_env.hpp"
#include "../aws/test_util.hpp"
#include "awshpc/aws/crypto.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/process.hpp"
#include "awshpc/container/build_driver.hpp"
#include "awshpc/container/registry.hpp"

namespace awshpc::container {
namespace {

namespace itest = awshpc::aws::testing;

TEST(EcrIndexIntegration, ManifestListOfTwoArchitecturesRegisteredAndReadBack) {
  for (const std::string& tool : {std::string("buildah"), std::string("docker-registry")}) {
    ASSERT_TRUE(itest::HaveProgram(tool)) << tool << " is missing: install the Debian package";
  }
  itest::MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  itest::TempDir dir;
  int port = 0;
  std::string error;
  const auto registry = itest::StartLoopbackRegistry(dir, port, error);
  ASSERT_TRUE(registry) << error;

  auto driver = BuildDriver::Detect("buildah");
  ASSERT_TRUE(driver.ok()) << driver.status().ToString();
  // Content no other test builds: with the layer cache, an identical FROM scratch + COPY would
  // be the cached layer of BuildDriverIntegration's image, which that test removes (rmi -f)
  // while this one may still be pushing it when ctest runs them side by side.
  const std::string prefix = "localhost/aws-hpc-test/ecr-index-" + std::to_string(getpid());
  dir.Write("ctx/index.txt", "ecr index test " + prefix + "\n");
  dir.Write("ctx/Dockerfile", "FROM scratch\nCOPY index.txt /index.txt\n");
  std::vector<std::string> built;
  // Removes the images, also when an assertion ends the test early.
  struct RemoveImages {
    const std::vector<std::string>* images;
    ~RemoveImages() {
      for (const auto& image : *images) {
        aws::RunProcess({"buildah", "rmi", "-f", image}).status().IgnoreError();
      }
    }
  } remove_images{&built};

  auto client = aws::ecr::EcrClient::Create(moto.context());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  aws::CurlHttpClient http;
  EcrPushOptions options;
  options.repository = "aws-hpc/multi";
  options.registry_override = "127.0.0.1:" + std::to_string(port);
  options.work_dir = dir.path();
  options.log_path = dir.path() + "/push.log";

  std::vector<IndexImage> images;
  std::map<std::string, std::string> digest_of;  // platform -> the per-arch manifest's digest
  for (const std::string& arch : {std::string("amd64"), std::string("arm64")}) {
    BuildRequest request;
    request.context_dir = dir.path() + "/ctx";
    request.tag = prefix + ":" + arch;
    built.push_back(request.tag);
    request.platform = "linux/" + arch;
    request.log_path = dir.path() + "/build.log";
    request.total_steps = 2;
    auto outcome = driver->Build(request, nullptr);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    options.tag = "1-" + arch;
    auto pushed = PushToEcr(*client, *driver, http, request.tag, options);
    ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
    EXPECT_TRUE(pushed->registered_with_put_image);
    digest_of[request.platform] = pushed->digest;
    images.push_back({request.tag, options.tag, request.platform});
  }
  ASSERT_NE(digest_of["linux/amd64"], digest_of["linux/arm64"]);

  options.tag = "1";
  auto index = PushIndexToEcr(*client, *driver, http, images, options);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_TRUE(index->registered_with_put_image);
  EXPECT_EQ(index->media_type, "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(index->manifests, 2u);
  EXPECT_NE(index->repository_uri.find("/aws-hpc/multi"), std::string::npos)
      << index->repository_uri;

  // DescribeImages lists the common tag beside the two per-arch tags.
  auto listed = client->DescribeImages({options.repository, {}, {}, ""});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::set<std::string> tags;
  for (const auto& detail : listed->image_details) {
    tags.insert(detail.image_tags.begin(), detail.image_tags.end());
  }
  EXPECT_EQ(tags, (std::set<std::string>{"1", "1-amd64", "1-arm64"}));

  // botocore's BatchGetImage: the index as registered, with its media type.
  const std::string check =
      "import boto3,sys,json\n"
      "c=boto3.client('ecr',region_name='us-east-1',endpoint_url=sys.argv[1])\n"
      "i=c.batch_get_image(repositoryName='aws-hpc/multi',imageIds=[{'imageTag':'1'}])"
      "['images'][0]\n"
      "print(json.dumps({'type':i.get('imageManifestMediaType',''),"
      "'manifest':i['imageManifest']}))\n";
  auto boto = aws::RunProcess({"env", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "python3",
                               "-c", check, moto.url()});
  ASSERT_TRUE(boto.ok()) << boto.status().ToString();
  ASSERT_EQ(boto->exit_code, 0) << boto->err;
  const auto got = nlohmann::json::parse(boto->out);
  EXPECT_EQ(got["type"], "application/vnd.oci.image.index.v1+json");
  const std::string body = got["manifest"].get<std::string>();
  EXPECT_EQ("sha256:" + aws::Sha256Hex(body), index->digest);
  const auto doc = nlohmann::json::parse(body);
  EXPECT_EQ(doc["schemaVersion"], 2);
  EXPECT_EQ(doc["mediaType"], "application/vnd.oci.image.index.v1+json");
  ASSERT_EQ(doc["manifests"].size(), 2u) << body;
  std::map<std::string, std::string> referenced;
  for (const auto& entry : doc["manifests"]) {
    referenced[entry["platform"]["os"].get<std::string>() + "/" +
               entry["platform"]["architecture"].get<std::string>()] =
        entry["digest"].get<std::string>();
    EXPECT_GT(entry["size"].get<int>(), 0);
  }
  EXPECT_EQ(referenced, digest_of);

  // One image is no manifest list: the error says so.
  auto lone = PushIndexToEcr(*client, *driver, http, {images.front()}, options);
  EXPECT_EQ(lone.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(lone.status().message().find("two images"), std::string::npos)
      << lone.status().ToString();
}

}  // namespace
}  // namespace awshpc::container
