// File: services/services_moto_test.cpp
// The service clients against moto_server on 127.0.0.1 (started here on a free port, stopped by
// PID): STS identity, Batch (compute environment, queue, job definition, jobs, tags, scheduling
// policies), EC2 catalogue and describes. Fake credentials; nothing leaves loopback.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>

#include <algorithm>
#include <memory>
#include <set>

#include "../test_util.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/body_streams.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/protocols/query.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/cloudformation.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/aws/services/ecr.hpp"
#include "awshpc/aws/services/logs.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/aws/services/sts.hpp"
#include "services_test_env.hpp"

namespace awshpc::aws {
namespace {

using testing::MotoEnvironment;

class ServicesMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { moto_ = std::make_unique<MotoEnvironment>(); }
  static void TearDownTestSuite() { moto_.reset(); }
  void SetUp() override { ASSERT_TRUE(moto_->ok()) << moto_->error(); }

  static std::unique_ptr<MotoEnvironment> moto_;
};
std::unique_ptr<MotoEnvironment> ServicesMotoTest::moto_;

TEST_F(ServicesMotoTest, StsIdentityAndLogsRoundTrip) {
  auto sts = sts::StsIdentityClient::Create(moto_->context());
  ASSERT_TRUE(sts.ok()) << sts.status().ToString();
  auto identity = sts->GetCallerIdentity();
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->account, "123456789012");
  EXPECT_TRUE(identity->arn.starts_with("arn:aws:")) << identity->arn;

  // CloudWatch Logs: a round trip through every operation of the client.
  auto client = logs::LogsClient::Create(moto_->context());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  logs::LogsClient& logs = *client;
  ASSERT_TRUE(logs.CreateLogGroup({"/aws/batch/job"}).ok());
  ASSERT_TRUE(logs.CreateLogStream({"/aws/batch/job", "geos/default/abc"}).ok());
  ASSERT_TRUE(logs.CreateLogStream({"/aws/batch/job", "geos/default/def"}).ok());
  const std::int64_t now = SystemClock::Instance().NowMillis();
  std::vector<logs::InputLogEvent> events;
  for (int i = 0; i < 30; ++i) {
    events.push_back({now + i, "step " + std::to_string(i) + (i % 10 == 0 ? " ERROR" : "")});
  }
  auto put = logs.PutLogEvents({"/aws/batch/job", "geos/default/abc", events, ""});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  ASSERT_TRUE(logs.PutLogEvents({"/aws/batch/job", "geos/default/def", {{now, "other"}}, ""}).ok());

  auto page = logs.GetLogEvents({"/aws/batch/job", "geos/default/abc", {}, {}, "", 10, true});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->events.size(), 10u);
  EXPECT_EQ(page->events[0].message, "step 0 ERROR");
  EXPECT_FALSE(page->next_forward_token.empty());
  logs::GetLogEventsRequest all_request{"/aws/batch/job", "geos/default/abc", {}, {}, "", 10, {}};
  auto all = logs.GetAllLogEvents(all_request);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 30u);
  EXPECT_EQ(all->back().message, "step 29");

  auto filtered = logs.FilterLogEvents({"/aws/batch/job", {}, "geos/", {}, {}, "ERROR", "", {}});
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  EXPECT_EQ(filtered->events.size(), 3u);
  for (const auto& event : filtered->events) EXPECT_EQ(event.log_stream_name, "geos/default/abc");

  auto streams = logs.DescribeLogStreams({"/aws/batch/job", "geos/", "", {}, "", {}});
  ASSERT_TRUE(streams.ok()) << streams.status().ToString();
  ASSERT_EQ(streams->log_streams.size(), 2u);
  EXPECT_EQ(streams->log_streams[0].log_stream_name, "geos/default/abc");

  auto missing = logs.GetLogEvents({"/aws/batch/none", "x", {}, {}, "", {}, {}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
}

TEST_F(ServicesMotoTest, BatchEnvironmentQueueDefinitionJobsAndTags) {
  ASSERT_TRUE(moto_->DisableBatchDocker().ok());
  auto role = moto_->CreateRole("batch-service-role");
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  auto client = batch::BatchClient::Create(moto_->context());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  batch::BatchClient& batch = *client;

  batch::CreateComputeEnvironmentRequest ce;
  ce.compute_environment_name = "hpc-ce";
  ce.type = "UNMANAGED";
  ce.state = "ENABLED";
  ce.service_role = *role;
  ce.tags = {{"project", "geos"}};
  auto created_ce = batch.CreateComputeEnvironment(ce);
  ASSERT_TRUE(created_ce.ok()) << created_ce.status().ToString();
  EXPECT_EQ(created_ce->compute_environment_name, "hpc-ce");
  auto ces = batch.DescribeComputeEnvironments({{"hpc-ce"}, {}, ""});
  ASSERT_TRUE(ces.ok()) << ces.status().ToString();
  ASSERT_EQ(ces->compute_environments.size(), 1u);
  EXPECT_EQ(ces->compute_environments[0].compute_environment_arn,
            created_ce->compute_environment_arn);
  EXPECT_EQ(ces->compute_environments[0].type, "UNMANAGED");
  EXPECT_EQ(ces->compute_environments[0].state, "ENABLED");

  batch::CreateSchedulingPolicyRequest policy;
  policy.name = "fair";
  policy.fairshare_policy = batch::FairsharePolicy{3600, 10, {{"teamA", 1.0}, {"teamB", 0.5}}};
  auto created_policy = batch.CreateSchedulingPolicy(policy);
  ASSERT_TRUE(created_policy.ok()) << created_policy.status().ToString();
  auto policies = batch.DescribeSchedulingPolicies({{created_policy->arn}});
  ASSERT_TRUE(policies.ok()) << policies.status().ToString();
  ASSERT_EQ(policies->scheduling_policies.size(), 1u);
  ASSERT_TRUE(policies->scheduling_policies[0].fairshare_policy.has_value());
  EXPECT_EQ(policies->scheduling_policies[0].fairshare_policy->share_decay_seconds, 3600);
  EXPECT_EQ(policies->scheduling_policies[0].fairshare_policy->share_distribution.size(), 2u);

  batch::CreateJobQueueRequest queue;
  queue.job_queue_name = "hpc-queue";
  queue.state = "ENABLED";
  queue.priority = 10;
  queue.compute_environment_order = {{1, created_ce->compute_environment_arn}};
  auto created_queue = batch.CreateJobQueue(queue);
  ASSERT_TRUE(created_queue.ok()) << created_queue.status().ToString();
  auto updated_queue = batch.UpdateJobQueue({"hpc-queue", "", "", 20, {}});
  ASSERT_TRUE(updated_queue.ok()) << updated_queue.status().ToString();
  auto queues = batch.DescribeJobQueues({{"hpc-queue"}, {}, ""});
  ASSERT_TRUE(queues.ok()) << queues.status().ToString();
  ASSERT_EQ(queues->job_queues.size(), 1u);
  EXPECT_EQ(queues->job_queues[0].priority, 20);
  ASSERT_EQ(queues->job_queues[0].compute_environment_order.size(), 1u);

  batch::RegisterJobDefinitionRequest definition;
  definition.job_definition_name = "geos-chem";
  definition.container_properties =
      batch::ContainerProperties{"public.ecr.aws/amazonlinux/amazonlinux:2023",
                                 {"echo", "Ref::msg"},
                                 "",
                                 "",
                                 {{"OMP_NUM_THREADS", "4"}},
                                 {{"VCPU", "4"}, {"MEMORY", "8192"}},
                                 std::nullopt,
                                 "",
                                 ""};
  definition.parameters = {{"msg", "hello"}};
  definition.retry_strategy = batch::JobRetryStrategy{3, {{"Host EC2*", "", "", "RETRY"}}};
  definition.timeout_seconds = 3600;
  auto registered = batch.RegisterJobDefinition(definition);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  EXPECT_EQ(registered->revision, 1);
  auto definitions = batch.DescribeJobDefinitions({{}, "geos-chem", "ACTIVE", {}, ""});
  ASSERT_TRUE(definitions.ok()) << definitions.status().ToString();
  ASSERT_EQ(definitions->job_definitions.size(), 1u);
  const auto& described = definitions->job_definitions[0];
  ASSERT_TRUE(described.container_properties.has_value());
  EXPECT_EQ(described.container_properties->resource_requirements.size(), 2u);
  EXPECT_EQ(described.timeout_seconds, 3600);
  ASSERT_TRUE(described.retry_strategy.has_value());
  EXPECT_EQ(described.retry_strategy->attempts, 3);

  // An array job, then jobs that depend on it, with tags and the rest of SubmitJob's members.
  batch::SubmitJobRequest array;
  array.job_name = "sweep";
  array.job_queue = "hpc-queue";
  array.job_definition = registered->job_definition_arn;
  array.array_size = 4;
  array.tags = {{"project", "geos"}};
  array.propagate_tags = true;
  array.retry_strategy =
      batch::JobRetryStrategy{2, {{"", "", "137", "RETRY"}, {"*", "", "", "EXIT"}}};
  array.timeout_seconds = 600;
  array.container_overrides =
      batch::ContainerOverrides{{"echo", "over"}, {{"A", "1"}}, {{"VCPU", "2"}}, ""};
  auto submitted_array = batch.SubmitJob(array);
  ASSERT_TRUE(submitted_array.ok()) << submitted_array.status().ToString();

  std::vector<std::string> ids = {submitted_array->job_id};
  constexpr int kJobs = 120;
  for (int i = 0; i < kJobs; ++i) {
    batch::SubmitJobRequest job;
    job.job_name = "post-" + std::to_string(i);
    job.job_queue = "hpc-queue";
    job.job_definition = "geos-chem";
    if (i == 0) job.depends_on = {{submitted_array->job_id, "N_TO_N"}};
    job.parameters = {{"msg", "m" + std::to_string(i)}};
    auto submitted = batch.SubmitJob(job);
    ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
    ids.push_back(submitted->job_id);
  }

  // > 100 ids: the client splits the call (moto itself would take them all at once).
  auto described_jobs = batch.DescribeJobs({ids});
  ASSERT_TRUE(described_jobs.ok()) << described_jobs.status().ToString();
  ASSERT_EQ(described_jobs->jobs.size(), ids.size());
  std::set<std::string> seen;
  for (const auto& job : described_jobs->jobs) seen.insert(job.job_id);
  EXPECT_EQ(seen.size(), ids.size());
  const auto array_detail =
      std::find_if(described_jobs->jobs.begin(), described_jobs->jobs.end(),
                   [&](const batch::JobDetail& j) { return j.job_id == submitted_array->job_id; });
  ASSERT_NE(array_detail, described_jobs->jobs.end());
  ASSERT_TRUE(array_detail->array_properties.has_value());
  EXPECT_EQ(array_detail->array_properties->size, 4);
  EXPECT_EQ(array_detail->tags.at("project"), "geos");
  EXPECT_FALSE(array_detail->status.empty());

  // ListJobs across pages (moto ignores maxResults, so this is one page there; the page loop is
  // covered in services_test.cpp).
  batch::ListJobsRequest list;
  list.job_queue = "hpc-queue";
  list.filters = {{"JOB_NAME", {"post-*"}}};
  list.max_results = 50;
  auto listed = batch.ListAllJobs(list);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), static_cast<std::size_t>(kJobs));

  EXPECT_TRUE(batch.CancelJob({ids[1], "no longer needed"}).ok());
  EXPECT_TRUE(batch.TerminateJob({ids[2], "stop"}).ok());
  auto missing = batch.ListJobs({"no-such-queue", "", "", "", {}, {}, ""});
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("batch ListJobs: HTTP 400 ClientException"),
            std::string::npos)
      << missing.status().ToString();

  EXPECT_TRUE(batch.TagResource({created_queue->job_queue_arn, {{"owner", "hpc"}}}).ok());
  auto tags = batch.ListTagsForResource({created_queue->job_queue_arn});
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(tags->tags.at("owner"), "hpc");

  EXPECT_TRUE(batch.DeregisterJobDefinition({registered->job_definition_arn}).ok());
  EXPECT_TRUE(batch.UpdateJobQueue({"hpc-queue", "DISABLED", "", {}, {}}).ok());
  EXPECT_TRUE(batch.DeleteJobQueue({"hpc-queue"}).ok());
  EXPECT_TRUE(batch.UpdateComputeEnvironment({"hpc-ce", "DISABLED", {}, {}, {}, ""}).ok());
  EXPECT_TRUE(batch.DeleteComputeEnvironment({"hpc-ce"}).ok());
}

TEST_F(ServicesMotoTest, Ec2CatalogueAndDescribes) {
  auto client = ec2::Ec2Client::Create(moto_->context());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ec2::Ec2Client& ec2 = *client;

  auto types = ec2.DescribeAllInstanceTypes({});
  ASSERT_TRUE(types.ok()) << types.status().ToString();
  EXPECT_GT(types->size(), 1000u);
  std::map<std::string, ec2::InstanceTypeInfo> by_name;
  for (const auto& type : *types) by_name[type.instance_type] = type;
  ASSERT_TRUE(by_name.contains("c5n.18xlarge"));
  EXPECT_EQ(by_name["c5n.18xlarge"].vcpus, 72);
  EXPECT_EQ(by_name["c5n.18xlarge"].memory_mib, 196608);
  EXPECT_TRUE(by_name["c5n.18xlarge"].efa_supported);
  EXPECT_EQ(by_name["c5n.18xlarge"].architectures, std::vector<std::string>{"x86_64"});
  ASSERT_TRUE(by_name.contains("c7g.16xlarge"));
  EXPECT_EQ(by_name["c7g.16xlarge"].architectures, std::vector<std::string>{"arm64"});
  ASSERT_TRUE(by_name.contains("p4d.24xlarge"));
  ASSERT_EQ(by_name["p4d.24xlarge"].gpus.size(), 1u);
  EXPECT_EQ(by_name["p4d.24xlarge"].gpus[0].count, 8);
  EXPECT_EQ(by_name["p4d.24xlarge"].gpus[0].manufacturer, "NVIDIA");

  auto some = ec2.DescribeInstanceTypes({{"c5.large", "m5.xlarge"}, {}, {}, ""});
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  EXPECT_EQ(some->instance_types.size(), 2u);

  auto offerings = ec2.DescribeInstanceTypeOfferings(
      {"availability-zone", {{"instance-type", {"c5.large"}}}, {}, ""});
  ASSERT_TRUE(offerings.ok()) << offerings.status().ToString();
  EXPECT_FALSE(offerings->instance_type_offerings.empty());

  auto regions = ec2.DescribeRegions({});
  ASSERT_TRUE(regions.ok()) << regions.status().ToString();
  EXPECT_GT(regions->regions.size(), 10u);
  auto zones = ec2.DescribeAvailabilityZones({});
  ASSERT_TRUE(zones.ok()) << zones.status().ToString();
  ASSERT_FALSE(zones->availability_zones.empty());
  EXPECT_EQ(zones->availability_zones[0].region_name, "us-east-1");

  auto spot = ec2.DescribeSpotPriceHistory({{"c5.large"}, {"Linux/UNIX"}, "", {}, {}, {}, {}, ""});
  ASSERT_TRUE(spot.ok()) << spot.status().ToString();
  ASSERT_FALSE(spot->spot_price_history.empty());
  EXPECT_EQ(spot->spot_price_history[0].instance_type, "c5.large");
  EXPECT_FALSE(spot->spot_price_history[0].spot_price.empty());

  auto vpcs = ec2.DescribeVpcs({{}, {{"is-default", {"true"}}}, {}, ""});
  ASSERT_TRUE(vpcs.ok()) << vpcs.status().ToString();
  ASSERT_EQ(vpcs->vpcs.size(), 1u);
  EXPECT_TRUE(vpcs->vpcs[0].is_default);
  auto subnets = ec2.DescribeSubnets({{}, {{"vpc-id", {vpcs->vpcs[0].vpc_id}}}, {}, ""});
  ASSERT_TRUE(subnets.ok()) << subnets.status().ToString();
  ASSERT_FALSE(subnets->subnets.empty());
  auto groups = ec2.DescribeSecurityGroups({{}, {"default"}, {}, {}, ""});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_FALSE(groups->security_groups.empty());

  ec2::RunInstancesRequest run;
  run.image_id = "ami-12c6146b";
  run.instance_type = "c5.large";
  run.subnet_id = subnets->subnets[0].subnet_id;
  run.security_group_ids = {groups->security_groups[0].group_id};
  run.tags = {{"Name", "aws-hpc-test"}};
  auto ran = ec2.RunInstances(run);
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  ASSERT_EQ(ran->instances.size(), 1u);
  const std::string id = ran->instances[0].instance_id;
  EXPECT_TRUE(ec2.CreateTags({{id}, {{"Project", "geos"}}}).ok());
  auto described = ec2.DescribeInstances({{id}, {}, {}, ""});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->reservations.size(), 1u);
  const ec2::Instance& instance = described->reservations[0].instances.at(0);
  EXPECT_EQ(instance.instance_type, "c5.large");
  EXPECT_EQ(instance.tags.at("Name"), "aws-hpc-test");
  EXPECT_EQ(instance.tags.at("Project"), "geos");
  EXPECT_EQ(instance.state, "running");
  auto terminated = ec2.TerminateInstances({{id}});
  ASSERT_TRUE(terminated.ok()) << terminated.status().ToString();
  ASSERT_EQ(terminated->terminating_instances.size(), 1u);
  EXPECT_EQ(terminated->terminating_instances[0].previous_state, "running");

  auto bad = ec2.DescribeInstances({{"i-00000000000000000"}, {}, {}, ""});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("InvalidInstanceID"), std::string::npos)
      << bad.status().ToString();
}

long MaxRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST_F(ServicesMotoTest, S3RoundTripWithAStreamed64MiBObject) {
  auto client = s3::S3Client::Create(moto_->context());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  s3::S3Client& s3 = *client;
  ASSERT_TRUE(s3.CreateBucket({"hpc-results", ""}).ok());
  EXPECT_TRUE(s3.HeadBucket({"hpc-results"}).ok());
  auto buckets = s3.ListBuckets({100, ""});
  ASSERT_TRUE(buckets.ok()) << buckets.status().ToString();
  ASSERT_EQ(buckets->buckets.size(), 1u);
  EXPECT_EQ(buckets->buckets[0].name, "hpc-results");
  EXPECT_TRUE(buckets->buckets[0].creation_date.has_value());
  EXPECT_EQ(s3.HeadBucket({"no-such-bucket"}).status().code(), StatusCode::kNotFound);

  testing::TempDir dir;
  const std::string source = dir.path() + "/big.bin";
  {
    std::ofstream out(source, std::ios::binary);
    std::string block(1 << 20, '\0');
    for (int mib = 0; mib < 64; ++mib) {
      for (std::size_t i = 0; i < block.size(); ++i) {
        block[i] = static_cast<char>((i * 31 + static_cast<std::size_t>(mib) * 7) & 0xFF);
      }
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  const long rss_before = MaxRssKiB();
  auto put = s3.PutObject(
      {"hpc-results", "runs/2026 11/big.bin", source, "", "application/x-netcdf", {{"run", "r1"}}});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_FALSE(put->etag.empty());
  const std::string copy = dir.path() + "/copy.bin";
  auto got = s3.GetObject({"hpc-results", "runs/2026 11/big.bin", copy, ""});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->content_length, 64u << 20);
  EXPECT_EQ(got->metadata.at("run"), "r1");
  const long rss_growth_mib = (MaxRssKiB() - rss_before) / 1024;
  EXPECT_LT(rss_growth_mib, 32) << "a streamed 64 MiB object must not be held in memory";
  EXPECT_EQ(*Sha256HexOfFile(copy), *Sha256HexOfFile(source));

  // The same file as a multipart upload: 8 MiB parts on 4 threads.
  const long rss_before_multipart = MaxRssKiB();
  auto multipart = s3.UploadFile({"hpc-results", "runs/multi.bin", source, "", 8ull << 20, 4});
  ASSERT_TRUE(multipart.ok()) << multipart.status().ToString();
  EXPECT_EQ(multipart->parts, 8);
  EXPECT_NE(multipart->etag.find("-8"), std::string::npos) << multipart->etag;
  EXPECT_LT((MaxRssKiB() - rss_before_multipart) / 1024, 48);
  const std::string multi_copy = dir.path() + "/multi.bin";
  ASSERT_TRUE(s3.GetObject({"hpc-results", "runs/multi.bin", multi_copy, ""}).ok());
  EXPECT_EQ(*Sha256HexOfFile(multi_copy), *Sha256HexOfFile(source));
  EXPECT_FALSE(s3.UploadFile({"hpc-results", "x", source, "", 1 << 20, 2}).ok());

  auto head = s3.HeadObject({"hpc-results", "runs/2026 11/big.bin"});
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->content_length, 64u << 20);
  EXPECT_EQ(head->content_type, "application/x-netcdf");
  EXPECT_TRUE(head->last_modified.has_value());

  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(s3.PutObject({"hpc-results",
                              "logs/" + std::to_string(i) + ".txt",
                              "",
                              "line " + std::to_string(i),
                              "",
                              {}})
                    .ok());
  }
  auto listed = s3.ListAllObjectsV2({"hpc-results", "logs/", "", 3, "", ""});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 7u);
  EXPECT_EQ((*listed)[0].key, "logs/0.txt");
  auto page = s3.ListObjectsV2({"hpc-results", "logs/", "", 3, "", ""});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->contents.size(), 3u);
  auto prefixes = s3.ListObjectsV2({"hpc-results", "", "/", {}, "", ""});
  ASSERT_TRUE(prefixes.ok());
  EXPECT_EQ(prefixes->common_prefixes, (std::vector<std::string>{"logs/", "runs/"}));

  // A presigned URL works without any credentials on the request.
  auto presigned = s3.PresignGetObject({"hpc-results", "logs/3.txt", std::chrono::seconds(300)});
  ASSERT_TRUE(presigned.ok()) << presigned.status().ToString();
  EXPECT_NE(presigned->url.find("X-Amz-Signature="), std::string::npos);
  CurlHttpClient plain;
  HttpRequest get;
  get.url = presigned->url;
  auto fetched = plain.Send(get);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(fetched->status, 200) << fetched->body;
  EXPECT_EQ(fetched->body, "line 3");

  ASSERT_TRUE(s3.DeleteObject({"hpc-results", "logs/3.txt"}).ok());
  EXPECT_EQ(s3.HeadObject({"hpc-results", "logs/3.txt"}).status().code(), StatusCode::kNotFound);
}

TEST_F(ServicesMotoTest, EcrRepositoriesAndCloudFormationStacks) {
  auto ecr_client = ecr::EcrClient::Create(moto_->context());
  ASSERT_TRUE(ecr_client.ok()) << ecr_client.status().ToString();
  ecr::EcrClient& ecr = *ecr_client;
  auto repository = ecr.CreateRepository({"geos-chem", "IMMUTABLE", true, {{"project", "geos"}}});
  ASSERT_TRUE(repository.ok()) << repository.status().ToString();
  EXPECT_NE(repository->repository.repository_uri.find("/geos-chem"), std::string::npos);
  EXPECT_TRUE(repository->repository.created_at.has_value());
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
      R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,)"
      R"("digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},)"
      R"("layers":[]})";
  auto put = ecr.PutImage({"geos-chem", manifest, "", "14.4.3-zen4"});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_TRUE(put->image_id.image_digest.starts_with("sha256:"));
  auto images = ecr.DescribeImages({"geos-chem", {}, {}, ""});
  ASSERT_TRUE(images.ok()) << images.status().ToString();
  ASSERT_EQ(images->image_details.size(), 1u);
  EXPECT_EQ(images->image_details[0].image_tags, std::vector<std::string>{"14.4.3-zen4"});
  auto repositories = ecr.DescribeRepositories({{"geos-chem"}, "", {}, ""});
  ASSERT_TRUE(repositories.ok()) << repositories.status().ToString();
  ASSERT_EQ(repositories->repositories.size(), 1u);
  EXPECT_EQ(repositories->repositories[0].image_tag_mutability, "IMMUTABLE");
  auto token = ecr.GetAuthorizationToken();
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  ASSERT_FALSE(token->authorization_data.empty());
  EXPECT_FALSE(token->authorization_data[0].authorization_token.empty());
  EXPECT_TRUE(ecr.DeleteRepository({"geos-chem", true}).ok());
  EXPECT_EQ(ecr.DescribeRepositories({{"geos-chem"}, "", {}, ""}).status().code(),
            StatusCode::kNotFound);

  auto cfn_client = cloudformation::CloudFormationClient::Create(moto_->context());
  ASSERT_TRUE(cfn_client.ok()) << cfn_client.status().ToString();
  cloudformation::CloudFormationClient& cfn = *cfn_client;
  const std::string template_body = R"({
    "Parameters": {"BucketName": {"Type": "String"}},
    "Resources": {"Results": {"Type": "AWS::S3::Bucket",
                              "Properties": {"BucketName": {"Ref": "BucketName"}}}},
    "Outputs": {"Bucket": {"Value": {"Ref": "Results"}}}})";
  auto created = cfn.CreateStack({"hpc-infra",
                                  template_body,
                                  {{"BucketName", "hpc-infra-results"}},
                                  {"CAPABILITY_IAM"},
                                  {{"project", "geos"}},
                                  ""});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->stack_id.starts_with("arn:aws:cloudformation:")) << created->stack_id;
  auto stacks = cfn.DescribeStacks({"hpc-infra", ""});
  ASSERT_TRUE(stacks.ok()) << stacks.status().ToString();
  ASSERT_EQ(stacks->stacks.size(), 1u);
  const cloudformation::Stack& stack = stacks->stacks[0];
  EXPECT_EQ(stack.stack_status, "CREATE_COMPLETE");
  EXPECT_EQ(stack.outputs.at("Bucket"), "hpc-infra-results");
  EXPECT_EQ(stack.tags.at("project"), "geos");
  ASSERT_EQ(stack.parameters.size(), 1u);
  EXPECT_EQ(stack.parameters[0].parameter_value, "hpc-infra-results");
  auto events = cfn.DescribeStackEvents({"hpc-infra", ""});
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_FALSE(events->stack_events.empty());
  EXPECT_TRUE(cfn.DeleteStack({"hpc-infra"}).ok());
  auto missing = cfn.DescribeStacks({"no-such-stack", ""});
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("ValidationError"), std::string::npos)
      << missing.status().ToString();
}

}  // namespace
}  // namespace awshpc::aws
