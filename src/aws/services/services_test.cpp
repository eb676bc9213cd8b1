// File: services/services_test.cpp
// The service clients against a recording fake transport: exact request bodies, the DescribeJobs
// split, page loops, and real-format responses for states moto never produces (RUNNABLE,
// RUNNING with attempts, array children, EC2 pages with nextToken).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/protocols/json.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/aws/services/logs.hpp"
#include "awshpc/aws/services/pricing.hpp"
#include "awshpc/aws/services/request_log.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/aws/services/sts.hpp"
#include "awshpc/aws/sigv4.hpp"

namespace awshpc::aws {
namespace {

class FakeHttp final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    if (responses.empty()) return HttpResponse{500, {}, "no response queued"};
    HttpResponse response = responses.front();
    responses.pop_front();
    return response;
  }
  void Queue(int status, std::string body) { responses.push_back({status, {}, std::move(body)}); }

  std::vector<HttpRequest> requests;
  std::deque<HttpResponse> responses;
};

struct Fixture {
  FakeHttp http;
  StaticCredentialsProvider credentials{Credentials{"AKIDEXAMPLE", "secret", "", {}, "test"}};
  FakeClock clock{1'700'000'000'000};

  std::unique_ptr<AwsClient> Client(const ServiceInfo& service, Protocol protocol) {
    ServiceConfig config;
    config.service = std::string(service.endpoint_prefix);
    config.signing_name = std::string(service.signing_name);
    config.endpoint = {fmt::format("https://{}.us-east-1.amazonaws.com", service.endpoint_prefix),
                       "us-east-1", "test"};
    config.protocol = protocol;
    RetryConfig retry;
    retry.max_attempts = 1;
    return std::make_unique<AwsClient>(config, http, &credentials, clock, RetryStrategy(retry));
  }
};

nlohmann::json Body(const HttpRequest& request) { return nlohmann::json::parse(request.body); }

TEST(BatchClientTest, SubmitJobSendsEveryMember) {
  Fixture f;
  batch::BatchClient batch(f.Client(batch::kService, Protocol::kRestJson));
  f.http.Queue(200, R"({"jobArn":"arn:aws:batch:us-east-1:123456789012:job/8d0a","jobName":"sweep",
                        "jobId":"8d0a"})");
  batch::SubmitJobRequest request;
  request.job_name = "sweep";
  request.job_queue = "hpc";
  request.job_definition = "geos:3";
  request.share_identifier = "teamA";
  request.scheduling_priority_override = 50;
  request.array_size = 100;
  request.depends_on = {{"a-1", "N_TO_N"}, {"b-2", ""}};
  request.parameters = {{"res", "4x5"}};
  request.container_overrides =
      batch::ContainerOverrides{{"run.sh", "Ref::res"}, {{"OMP", "8"}}, {{"VCPU", "8"}}, ""};
  request.retry_strategy = batch::JobRetryStrategy{3, {{"Host EC2*", "", "", "RETRY"}}};
  request.propagate_tags = true;
  request.timeout_seconds = 7200;
  request.tags = {{"project", "geos"}};
  auto result = batch.SubmitJob(request);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->job_id, "8d0a");
  ASSERT_EQ(f.http.requests.size(), 1u);
  const HttpRequest& sent = f.http.requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://batch.us-east-1.amazonaws.com/v1/submitjob");
  EXPECT_TRUE(FindHeader(sent.headers, "Authorization")->starts_with("AWS4-HMAC-SHA256"));
  EXPECT_EQ(Body(sent), nlohmann::json::parse(R"({
    "jobName":"sweep","jobQueue":"hpc","jobDefinition":"geos:3","shareIdentifier":"teamA",
    "schedulingPriorityOverride":50,"arrayProperties":{"size":100},
    "dependsOn":[{"jobId":"a-1","type":"N_TO_N"},{"jobId":"b-2"}],
    "parameters":{"res":"4x5"},
    "containerOverrides":{"command":["run.sh","Ref::res"],
      "environment":[{"name":"OMP","value":"8"}],
      "resourceRequirements":[{"type":"VCPU","value":"8"}]},
    "retryStrategy":{"attempts":3,"evaluateOnExit":[{"onStatusReason":"Host EC2*",
      "action":"RETRY"}]},
    "propagateTags":true,"timeout":{"attemptDurationSeconds":7200},"tags":{"project":"geos"}})"));
}

TEST(BatchClientTest, DescribeJobsSplitsIntoHundredsAndParsesLiveStates) {
  Fixture f;
  batch::BatchClient batch(f.Client(batch::kService, Protocol::kRestJson));
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back("job-" + std::to_string(i));
  // A RUNNING job with a failed first attempt, a RUNNABLE array parent, a child of it.
  f.http.Queue(200, R"({"jobs":[{"jobArn":"arn:aws:batch:us-east-1:123456789012:job/job-0",
    "jobName":"geos","jobId":"job-0","jobQueue":"arn:aws:batch:us-east-1:123456789012:job-queue/hpc",
    "status":"RUNNING","attempts":[{"container":{"taskArn":"arn:t1","exitCode":137,
    "reason":"OutOfMemoryError: Container killed due to memory usage",
    "logStreamName":"geos/default/t1"},"startedAt":1700000001000,"stoppedAt":1700000002000,
    "statusReason":"Essential container in task exited"}],"createdAt":1700000000000,
    "startedAt":1700000003000,"dependsOn":[{"jobId":"job-9","type":"SEQUENTIAL"}],
    "jobDefinition":"arn:aws:batch:us-east-1:123456789012:job-definition/geos:3",
    "container":{"image":"geos:14","command":["run.sh"],"logStreamName":"geos/default/t2",
    "resourceRequirements":[{"value":"8","type":"VCPU"}]},"retryStrategy":{"attempts":3},
    "timeout":{"attemptDurationSeconds":7200},"tags":{"project":"geos"},"propagateTags":true,
    "platformCapabilities":["EC2"]}]})");
  f.http.Queue(200, R"({"jobs":[{"jobId":"job-100","jobName":"sweep","status":"RUNNABLE",
    "statusReason":"","createdAt":1700000000000,"jobQueue":"q","jobDefinition":"d",
    "arrayProperties":{"statusSummary":{"RUNNABLE":98,"RUNNING":2,"SUCCEEDED":0},"size":100}}]})");
  f.http.Queue(200, R"({"jobs":[{"jobId":"job-100:7","jobName":"sweep","status":"SUCCEEDED",
    "arrayProperties":{"index":7},"container":{"exitCode":0}}]})");
  auto result = batch.DescribeJobs({ids});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(f.http.requests.size(), 3u);
  EXPECT_EQ(Body(f.http.requests[0])["jobs"].size(), 100u);
  EXPECT_EQ(Body(f.http.requests[1])["jobs"][0], "job-100");
  EXPECT_EQ(Body(f.http.requests[2])["jobs"].size(), 50u);
  ASSERT_EQ(result->jobs.size(), 3u);
  const batch::JobDetail& running = result->jobs[0];
  EXPECT_EQ(running.status, "RUNNING");
  ASSERT_EQ(running.attempts.size(), 1u);
  EXPECT_EQ(running.attempts[0].exit_code, 137);
  EXPECT_EQ(running.attempts[0].log_stream_name, "geos/default/t1");
  EXPECT_EQ(running.attempts[0].stopped_at, 1700000002000);
  EXPECT_EQ(running.started_at, 1700000003000);
  EXPECT_EQ(running.depends_on[0].type, "SEQUENTIAL");
  ASSERT_TRUE(running.container.has_value());
  EXPECT_EQ(running.container->exit_code, std::nullopt);
  EXPECT_EQ(running.container->resource_requirements[0].value, "8");
  EXPECT_EQ(running.retry_strategy->attempts, 3);
  EXPECT_EQ(running.timeout_seconds, 7200);
  const batch::JobDetail& parent = result->jobs[1];
  EXPECT_EQ(parent.array_properties->status_summary.at("RUNNABLE"), 98);
  EXPECT_EQ(parent.array_properties->size, 100);
  EXPECT_EQ(result->jobs[2].array_properties->index, 7);
  EXPECT_EQ(result->jobs[2].container->exit_code, 0);

  // No ids: no call at all.
  EXPECT_TRUE(batch.DescribeJobs({}).ok());
  EXPECT_EQ(f.http.requests.size(), 3u);
}

TEST(BatchClientTest, ListAllJobsFollowsNextTokenAndStopsAtThePageLimit) {
  Fixture f;
  batch::BatchClient batch(f.Client(batch::kService, Protocol::kRestJson));
  f.http.Queue(200, R"({"jobSummaryList":[{"jobId":"a","jobName":"a","status":"RUNNABLE",
    "createdAt":1},{"jobId":"b","status":"FAILED","container":{"exitCode":1}}],"nextToken":"t1"})");
  f.http.Queue(200, R"({"jobSummaryList":[{"jobId":"c","arrayProperties":{"size":5}}]})");
  batch::ListJobsRequest request;
  request.job_queue = "hpc";
  request.job_status = "RUNNABLE";
  request.max_results = 2;
  auto all = batch.ListAllJobs(request);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].exit_code, 1);
  EXPECT_EQ((*all)[2].array_size, 5);
  EXPECT_FALSE(Body(f.http.requests[0]).contains("nextToken"));
  EXPECT_EQ(Body(f.http.requests[1])["nextToken"], "t1");
  EXPECT_EQ(Body(f.http.requests[1])["jobStatus"], "RUNNABLE");
  EXPECT_EQ(Body(f.http.requests[1])["maxResults"], 2);

  f.http.Queue(200, R"({"jobSummaryList":[],"nextToken":"x1"})");
  f.http.Queue(200, R"({"jobSummaryList":[],"nextToken":"x2"})");
  EXPECT_EQ(batch.ListAllJobs(request, 2).status().code(), StatusCode::kResourceExhausted);
}

TEST(BatchClientTest, TagsUseTheArnInThePathAndErrorsKeepTheirCode) {
  Fixture f;
  batch::BatchClient batch(f.Client(batch::kService, Protocol::kRestJson));
  f.http.Queue(200, R"({"tags":{"a":"b"}})");
  auto tags = batch.ListTagsForResource({"arn:aws:batch:us-east-1:123456789012:job-queue/hpc"});
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(f.http.requests[0].method, "GET");
  EXPECT_EQ(f.http.requests[0].url,
            "https://batch.us-east-1.amazonaws.com/v1/tags/"
            "arn%3Aaws%3Abatch%3Aus-east-1%3A123456789012%3Ajob-queue%2Fhpc");
  EXPECT_EQ(tags->tags.at("a"), "b");
  EXPECT_FALSE(batch.TagResource({"", {{"a", "b"}}}).ok());  // no ARN: refused locally

  f.http.Queue(400, R"({"__type":"ClientException","message":"Job queue q does not exist"})");
  auto failed = batch.SubmitJob({"n", "q", "d", "", {}, {}, {}, {}, {}, {}, {}, {}, {}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(failed.status().message().find("batch SubmitJob: HTTP 400 ClientException"),
            std::string::npos)
      << failed.status().ToString();
}

TEST(Ec2ClientTest, DescribeAllInstanceTypesFollowsNextToken) {
  Fixture f;
  ec2::Ec2Client ec2(f.Client(ec2::kService, Protocol::kEc2));
  f.http.Queue(200,
               R"(<DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>r1</requestId><instanceTypeSet><item><instanceType>hpc7g.16xlarge</instanceType>
    <currentGeneration>true</currentGeneration><bareMetal>false</bareMetal>
    <hypervisor>nitro</hypervisor><supportedUsageClasses><item>on-demand</item>
    </supportedUsageClasses><vCpuInfo><defaultVCpus>64</defaultVCpus><defaultCores>64</defaultCores>
    <defaultThreadsPerCore>1</defaultThreadsPerCore></vCpuInfo>
    <memoryInfo><sizeInMiB>131072</sizeInMiB></memoryInfo>
    <processorInfo><supportedArchitectures><item>arm64</item></supportedArchitectures>
    </processorInfo><networkInfo><networkPerformance>200 Gigabit</networkPerformance>
    <efaSupported>true</efaSupported><efaInfo><maximumEfaInterfaces>1</maximumEfaInterfaces>
    </efaInfo></networkInfo></item></instanceTypeSet><nextToken>page2</nextToken>
    </DescribeInstanceTypesResponse>)");
  f.http.Queue(200, R"(<DescribeInstanceTypesResponse><instanceTypeSet><item>
    <instanceType>g5.xlarge</instanceType><vCpuInfo><defaultVCpus>4</defaultVCpus></vCpuInfo>
    <gpuInfo><gpus><item><name>A10G</name><manufacturer>NVIDIA</manufacturer><count>1</count>
    <memoryInfo><sizeInMiB>24576</sizeInMiB></memoryInfo></item></gpus>
    <totalGpuMemoryInMiB>24576</totalGpuMemoryInMiB></gpuInfo>
    <instanceStorageInfo><totalSizeInGB>250</totalSizeInGB></instanceStorageInfo>
    </item></instanceTypeSet></DescribeInstanceTypesResponse>)");
  ec2::DescribeInstanceTypesRequest request;
  request.filters = {{"current-generation", {"true"}}};
  request.max_results = 100;
  auto all = ec2.DescribeAllInstanceTypes(request);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(f.http.requests[0].body,
            "Action=DescribeInstanceTypes&Version=2016-11-15&Filter.1.Name=current-generation&"
            "Filter.1.Value.1=true&MaxResults=100");
  EXPECT_EQ(f.http.requests[1].body,
            "Action=DescribeInstanceTypes&Version=2016-11-15&Filter.1.Name=current-generation&"
            "Filter.1.Value.1=true&MaxResults=100&NextToken=page2");
  const ec2::InstanceTypeInfo& hpc = (*all)[0];
  EXPECT_EQ(hpc.vcpus, 64);
  EXPECT_EQ(hpc.default_threads_per_core, 1);
  EXPECT_EQ(hpc.memory_mib, 131072);
  EXPECT_EQ(hpc.architectures, std::vector<std::string>{"arm64"});
  EXPECT_TRUE(hpc.efa_supported);
  EXPECT_EQ(hpc.maximum_efa_interfaces, 1);
  EXPECT_TRUE(hpc.current_generation);
  EXPECT_EQ(hpc.network_performance, "200 Gigabit");
  const ec2::InstanceTypeInfo& gpu = (*all)[1];
  ASSERT_EQ(gpu.gpus.size(), 1u);
  EXPECT_EQ(gpu.gpus[0].name, "A10G");
  EXPECT_EQ(gpu.gpus[0].memory_mib, 24576);
  EXPECT_EQ(gpu.total_gpu_memory_mib, 24576);
  EXPECT_EQ(gpu.instance_storage_gb, 250);
}

TEST(Ec2ClientTest, RunInstancesTagsBothInstancesAndVolumes) {
  Fixture f;
  ec2::Ec2Client ec2(f.Client(ec2::kService, Protocol::kEc2));
  f.http.Queue(200, R"(<RunInstancesResponse><reservationId>r-1</reservationId>
    <ownerId>123456789012</ownerId><instancesSet><item><instanceId>i-1</instanceId>
    <instanceState><code>0</code><name>pending</name></instanceState>
    <instanceLifecycle>spot</instanceLifecycle><placement><availabilityZone>us-east-1a
    </availabilityZone></placement><launchTime>2026-11-29T10:00:00.000Z</launchTime>
    </item></instancesSet></RunInstancesResponse>)");
  ec2::RunInstancesRequest request;
  request.image_id = "ami-1";
  request.instance_type = "c7g.large";
  request.security_group_ids = {"sg-1", "sg-2"};
  request.spot = true;
  request.tags = {{"Name", "n"}};
  auto ran = ec2.RunInstances(request);
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(f.http.requests[0].body,
            "Action=RunInstances&Version=2016-11-15&ImageId=ami-1&InstanceType=c7g.large&"
            "MinCount=1&MaxCount=1&SecurityGroupId.1=sg-1&SecurityGroupId.2=sg-2&"
            "InstanceMarketOptions.MarketType=spot&TagSpecification.1.ResourceType=instance&"
            "TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=n&"
            "TagSpecification.2.ResourceType=volume&TagSpecification.2.Tag.1.Key=Name&"
            "TagSpecification.2.Tag.1.Value=n");
  ASSERT_EQ(ran->instances.size(), 1u);
  EXPECT_EQ(ran->instances[0].state, "pending");
  EXPECT_EQ(ran->instances[0].instance_lifecycle, "spot");
  EXPECT_EQ(ran->instances[0].launch_time, 1795946400000);

  f.http.Queue(400, R"(<Response><Errors><Error><Code>InvalidParameterValue</Code>
    <Message>bad</Message></Error></Errors><RequestID>req-9</RequestID></Response>)");
  auto failed = ec2.CreateTags({{"i-1"}, {{"a", "b"}}});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("InvalidParameterValue"), std::string::npos);
  EXPECT_EQ(f.http.requests[1].body,
            "Action=CreateTags&Version=2016-11-15&ResourceId.1=i-1&Tag.1.Key=a&Tag.1.Value=b");
}

TEST(StsIdentityTest, ParsesGetCallerIdentity) {
  Fixture f;
  sts::StsIdentityClient sts(f.Client(sts::kService, Protocol::kQuery));
  f.http.Queue(200, R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
    <GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/hpc/s</Arn>
    <UserId>AROA:s</UserId><Account>123456789012</Account></GetCallerIdentityResult>
    <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>)");
  auto identity = sts.GetCallerIdentity();
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->account, "123456789012");
  EXPECT_EQ(identity->user_id, "AROA:s");
  EXPECT_EQ(f.http.requests[0].body, "Action=GetCallerIdentity&Version=2011-06-15");
  f.http.Queue(200, "<GetCallerIdentityResponse/>");
  EXPECT_EQ(sts.GetCallerIdentity().status().code(), StatusCode::kInternal);
}

TEST(LogsClientTest, Json11CallsAndTheEndOfAStream) {
  Fixture f;
  logs::LogsClient logs(f.Client(logs::kService, Protocol::kJson));
  f.http.Queue(200, R"({"events":[{"timestamp":1,"message":"a","ingestionTime":2}],
    "nextForwardToken":"f/1","nextBackwardToken":"b/1"})");
  f.http.Queue(200, R"({"events":[],"nextForwardToken":"f/1","nextBackwardToken":"b/1"})");
  auto all = logs.GetAllLogEvents({"/aws/batch/job", "s", {}, {}, "", 100, {}});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  ASSERT_EQ(f.http.requests.size(), 2u);
  EXPECT_EQ(FindHeader(f.http.requests[0].headers, "X-Amz-Target").value_or(""),
            "Logs_20140328.GetLogEvents");
  EXPECT_EQ(Body(f.http.requests[0]),
            nlohmann::json::parse(R"({"logGroupName":"/aws/batch/job","logStreamName":"s",
              "limit":100,"startFromHead":true})"));
  EXPECT_EQ(Body(f.http.requests[1])["nextToken"], "f/1");
}

TEST(S3ClientTest, ListObjectsV2PagesAndPresignedUrls) {
  Fixture f;
  s3::S3Client s3(f.Client(s3::kService, Protocol::kRestXml), &f.credentials);
  f.http.Queue(200, R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>
<Prefix>runs/</Prefix><KeyCount>1</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>true</IsTruncated>
<Contents><Key>runs/a.nc</Key><LastModified>2026-11-29T10:00:00.000Z</LastModified>
<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>1048576</Size>
<StorageClass>STANDARD</StorageClass></Contents>
<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)");
  f.http.Queue(200, R"(<ListBucketResult><IsTruncated>false</IsTruncated><Contents>
<Key>runs/b c.nc</Key><Size>5</Size></Contents></ListBucketResult>)");
  auto all = s3.ListAllObjectsV2({"b", "runs/", "", 1, "", ""});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].etag, "\"9b2cf535f27731c974343645a3985328\"");
  EXPECT_EQ((*all)[0].size, 1048576u);
  EXPECT_EQ((*all)[0].last_modified, 1795946400000);
  EXPECT_EQ((*all)[1].key, "runs/b c.nc");
  EXPECT_EQ(f.http.requests[0].url,
            "https://s3.us-east-1.amazonaws.com/b?list-type=2&max-keys=1&prefix=runs%2F");
  EXPECT_EQ(f.http.requests[1].url,
            "https://s3.us-east-1.amazonaws.com/b?list-type=2&continuation-token="
            "1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&max-keys=1&prefix=runs%2F");

  auto url = s3.PresignGetObject({"b", "runs/b c.nc", std::chrono::seconds(600)});
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_TRUE(url->url.starts_with("https://s3.us-east-1.amazonaws.com/b/runs/b%20c.nc?"))
      << url->url;
  EXPECT_NE(url->url.find("X-Amz-Expires=600"), std::string::npos);
  EXPECT_FALSE(s3.GetObject({"b", "", "", ""}).ok());  // no key: refused locally
}

TEST(RequestLogTest, TraceMatchesTheSignerAndSecretsAreRedacted) {
  FakeClock clock(1'700'000'000'000);
  SigV4Signer signer({"batch", "us-east-1", false, false}, clock);
  const Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "SESSIONTOKEN123", {}, "t"};
  HttpRequest request =
      protocols::MakeRestJsonRequest("POST", "/v1/describejobs", nlohmann::json{{"jobs", {"a"}}});
  request.url = "https://batch.us-east-1.amazonaws.com" + request.url;
  auto parts = signer.Sign(request, credentials);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  auto trace = TraceSignedRequest(request, /*s3=*/false);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  EXPECT_EQ(trace->string_to_sign, parts->string_to_sign);
  std::string expected = parts->canonical_request;
  expected.replace(expected.find("SESSIONTOKEN123"), 15, "<redacted>");
  EXPECT_EQ(trace->canonical_request, expected);
  EXPECT_EQ(trace->canonical_request.find("SESSIONTOKEN123"), std::string::npos);

  std::vector<std::string> lines;
  FakeHttp inner;
  inner.Queue(200, "{}");
  LoggingHttpClient logging(inner, [&](std::string_view line) { lines.emplace_back(line); });
  ASSERT_TRUE(logging.Send(request).ok());
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  EXPECT_NE(all.find("canonical request:\nPOST\n/v1/describejobs\n"), std::string::npos) << all;
  EXPECT_NE(all.find("string to sign:\nAWS4-HMAC-SHA256\n20231114T221320Z\n"), std::string::npos)
      << all;
  EXPECT_EQ(all.find("SESSIONTOKEN123"), std::string::npos) << all;
  EXPECT_EQ(all.find("wJalrXUtnFEMI"), std::string::npos) << all;

  EXPECT_EQ(RedactSecrets(R"({"SecretAccessKey":"abc","nextToken":"keep"})"),
            R"({"SecretAccessKey":"<redacted>","nextToken":"keep"})");
  EXPECT_EQ(RedactSecrets("<SessionToken>tok</SessionToken>"),
            "<SessionToken><redacted></SessionToken>");
  EXPECT_EQ(RedactSecrets("https://h/k?X-Amz-Credential=AKID%2F2023&X-Amz-Security-Token=t1&a=b"),
            "https://h/k?X-Amz-Credential=<redacted>&X-Amz-Security-Token=<redacted>&a=b");
  EXPECT_EQ(RedactSecrets("WebIdentityToken=eyJ.x.y&RoleArn=r"),
            "WebIdentityToken=<redacted>&RoleArn=r");
}

TEST(PricingClientTest, GetProductsReadsPriceListDocumentsAcrossPages) {
  Fixture f;
  pricing::PricingClient pricing(f.Client(pricing::kService, Protocol::kJson));
  const nlohmann::json item = nlohmann::json::parse(R"({
    "product":{"productFamily":"Compute Instance","attributes":{"instanceType":"c7g.16xlarge",
      "regionCode":"us-east-1","vcpu":"64","memory":"128 GiB","operatingSystem":"Linux",
      "tenancy":"Shared","physicalProcessor":"AWS Graviton3 Processor"},"sku":"7GZ3QYHQFJTTEHMG"},
    "serviceCode":"AmazonEC2",
    "terms":{"OnDemand":{"7GZ3QYHQFJTTEHMG.JRTCKXETXF":{"priceDimensions":{
      "7GZ3QYHQFJTTEHMG.JRTCKXETXF.6YS6EN2CT7":{"unit":"Hrs","pricePerUnit":{"USD":"2.3123000000"},
      "description":"$2.3123 per On Demand Linux c7g.16xlarge Instance Hour"}},
      "sku":"7GZ3QYHQFJTTEHMG","effectiveDate":"2026-11-01T00:00:00Z"}}},
    "version":"20261101000000","publicationDate":"2026-11-01T00:00:00Z"})");
  f.http.Queue(200, nlohmann::json({{"FormatVersion", "aws_v1"},
                                    {"PriceList", {item.dump()}},
                                    {"NextToken", "next-page"}})
                        .dump());
  f.http.Queue(200, R"({"FormatVersion":"aws_v1","PriceList":[]})");
  pricing::GetProductsRequest request;
  request.filters = {{"instanceType", "c7g.16xlarge"}, {"regionCode", "us-east-1"}};
  request.max_results = 100;
  auto all = pricing.GetAllProducts(request);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].sku, "7GZ3QYHQFJTTEHMG");
  EXPECT_EQ((*all)[0].attributes.at("vcpu"), "64");
  EXPECT_EQ((*all)[0].on_demand_usd_per_hour, "2.3123000000");
  EXPECT_EQ(FindHeader(f.http.requests[0].headers, "X-Amz-Target").value_or(""),
            "AWSPriceListService.GetProducts");
  EXPECT_EQ(Body(f.http.requests[0]), nlohmann::json::parse(R"({"ServiceCode":"AmazonEC2",
    "FormatVersion":"aws_v1","MaxResults":100,"Filters":[
      {"Type":"TERM_MATCH","Field":"instanceType","Value":"c7g.16xlarge"},
      {"Type":"TERM_MATCH","Field":"regionCode","Value":"us-east-1"}]})"));
  EXPECT_EQ(Body(f.http.requests[1])["NextToken"], "next-page");
  EXPECT_FALSE(pricing::ParsePriceListItem("{not json").ok());
}

}  // namespace
}  // namespace awshpc::aws
