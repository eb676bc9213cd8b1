// File: services/batch_nodes_test.cpp
// Multi-node parallel jobs in the Batch client: nodeProperties and nodeOverrides encoded as the
// API reference shows them, DescribeJobDefinitions/DescribeJobs responses in the API reference's
// format decoded (main job, node jobs with nodeDetails and instanceType), and a round trip
// through moto_server (which records nodeProperties but drops nodeOverrides).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "services_test_env.hpp"

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
  void Queue(std::string body) { responses.push_back({200, {}, std::move(body)}); }

  std::vector<HttpRequest> requests;
  std::deque<HttpResponse> responses;
};

struct Fixture {
  FakeHttp http;
  StaticCredentialsProvider credentials{Credentials{"AKIDEXAMPLE", "secret", "", {}, "test"}};
  FakeClock clock{1'700'000'000'000};

  batch::BatchClient Client() {
    ServiceConfig config;
    config.service = "batch";
    config.signing_name = "batch";
    config.endpoint = {"https://batch.us-east-1.amazonaws.com", "us-east-1", "test"};
    config.protocol = Protocol::kRestJson;
    RetryConfig retry;
    retry.max_attempts = 1;
    return batch::BatchClient(
        std::make_unique<AwsClient>(config, http, &credentials, clock, RetryStrategy(retry)));
  }
};

batch::NodeProperties FourNodes() {
  batch::ContainerProperties container;
  container.image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/lammps:mpi";
  container.command = {"mpirun", "-np", "8", "lmp"};
  container.environment = {{"OMPI_MCA_btl", "^openib"}};
  container.resource_requirements = {{"VCPU", "2"}, {"MEMORY", "1024"}};
  container.instance_type = "c5.xlarge";
  return batch::NodeProperties{4, 0, {{"0:", container}}};
}

TEST(BatchNodesTest, RegisterSendsNodePropertiesInsteadOfAContainer) {
  Fixture f;
  batch::BatchClient client = f.Client();
  f.http.Queue(R"({"jobDefinitionArn":"arn:aws:batch:us-east-1:123456789012:job-definition/mpi:1",
                   "jobDefinitionName":"mpi","revision":1})");
  batch::RegisterJobDefinitionRequest request;
  request.job_definition_name = "mpi";
  request.type = "multinode";
  request.node_properties = FourNodes();
  request.platform_capabilities = {"EC2"};
  auto registered = client.RegisterJobDefinition(request);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  EXPECT_EQ(registered->revision, 1);
  const auto body = nlohmann::json::parse(f.http.requests.at(0).body);
  EXPECT_EQ(body["type"], "multinode");
  EXPECT_FALSE(body.contains("containerProperties"));
  const auto expected = nlohmann::json::parse(R"({
    "numNodes": 4, "mainNode": 0,
    "nodeRangeProperties": [{"targetNodes": "0:", "container": {
      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/lammps:mpi",
      "command": ["mpirun", "-np", "8", "lmp"],
      "environment": [{"name": "OMPI_MCA_btl", "value": "^openib"}],
      "resourceRequirements": [{"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "1024"}],
      "instanceType": "c5.xlarge"}}]})");
  EXPECT_EQ(body["nodeProperties"], expected);
}

TEST(BatchNodesTest, SubmitSendsNodeOverridesPerRange) {
  Fixture f;
  batch::BatchClient client = f.Client();
  f.http.Queue(R"({"jobArn":"arn:aws:batch:us-east-1:123456789012:job/a","jobName":"mpi",
                   "jobId":"876da822-4198-45f2-a252-6cea32512ea8"})");
  batch::SubmitJobRequest request;
  request.job_name = "mpi";
  request.job_queue = "q";
  request.job_definition = "mpi:1";
  batch::ContainerOverrides overrides;
  overrides.command = {"mpirun", "-np", "12"};
  overrides.environment = {{"AWS_HPC_JOB_ID", "j1"}};
  overrides.resource_requirements = {{"VCPU", "3"}};
  request.node_overrides = batch::NodeOverrides{6, {{"0:", overrides}}};
  auto submitted = client.SubmitJob(request);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  const auto body = nlohmann::json::parse(f.http.requests.at(0).body);
  EXPECT_FALSE(body.contains("containerOverrides"));
  const auto expected = nlohmann::json::parse(R"({"numNodes": 6, "nodePropertyOverrides": [
    {"targetNodes": "0:", "containerOverrides": {"command": ["mpirun", "-np", "12"],
      "environment": [{"name": "AWS_HPC_JOB_ID", "value": "j1"}],
      "resourceRequirements": [{"type": "VCPU", "value": "3"}]}}]})");
  EXPECT_EQ(body["nodeOverrides"], expected);
}

// Shapes from the AWS Batch API reference (DescribeJobDefinitions, DescribeJobs of a multi-node
// parallel job and of its node "#0").
TEST(BatchNodesTest, DescribeDecodesNodePropertiesAndNodeDetails) {
  Fixture f;
  batch::BatchClient client = f.Client();
  f.http.Queue(R"({"jobDefinitions":[{
    "jobDefinitionName":"mpi","jobDefinitionArn":"arn:aws:batch:us-east-1:123456789012:job-definition/mpi:2",
    "revision":2,"status":"ACTIVE","type":"multinode","platformCapabilities":["EC2"],
    "nodeProperties":{"numNodes":4,"mainNode":0,"nodeRangeProperties":[{"targetNodes":"0:",
      "container":{"image":"busybox","command":["echo"],"instanceType":"c5.xlarge",
      "resourceRequirements":[{"type":"VCPU","value":"2"},{"type":"MEMORY","value":"1024"}],
      "environment":[],"mountPoints":[],"ulimits":[],"volumes":[]}}]}}]})");
  auto definitions = client.DescribeJobDefinitions({});
  ASSERT_TRUE(definitions.ok()) << definitions.status().ToString();
  ASSERT_EQ(definitions->job_definitions.size(), 1u);
  const batch::JobDefinitionDetail& d = definitions->job_definitions[0];
  EXPECT_EQ(d.type, "multinode");
  EXPECT_FALSE(d.container_properties.has_value());
  ASSERT_TRUE(d.node_properties.has_value());
  EXPECT_EQ(d.node_properties->num_nodes, 4);
  ASSERT_EQ(d.node_properties->node_range_properties.size(), 1u);
  EXPECT_EQ(d.node_properties->node_range_properties[0].target_nodes, "0:");
  ASSERT_TRUE(d.node_properties->node_range_properties[0].container.has_value());
  EXPECT_EQ(d.node_properties->node_range_properties[0].container->instance_type, "c5.xlarge");
  EXPECT_EQ(d.node_properties->node_range_properties[0].container->resource_requirements.size(),
            2u);

  f.http.Queue(R"({"jobs":[
    {"jobArn":"arn:aws:batch:us-east-1:123456789012:job/876da822","jobName":"mpi",
     "jobId":"876da822","jobQueue":"arn:aws:batch:us-east-1:123456789012:job-queue/ondemand",
     "status":"RUNNING","createdAt":1700000000000,"jobDefinition":"arn:aws:batch:us-east-1:123456789012:job-definition/mpi:2",
     "dependsOn":[],"parameters":{},
     "nodeProperties":{"numNodes":4,"mainNode":0,"nodeRangeProperties":[{"targetNodes":"0:",
       "container":{"image":"busybox","command":["echo"],"resourceRequirements":[]}}]},
     "attempts":[]},
    {"jobArn":"arn:aws:batch:us-east-1:123456789012:job/876da822#0","jobName":"mpi",
     "jobId":"876da822#0","jobQueue":"arn:aws:batch:us-east-1:123456789012:job-queue/ondemand",
     "status":"RUNNING","createdAt":1700000000000,"startedAt":1700000060000,
     "jobDefinition":"arn:aws:batch:us-east-1:123456789012:job-definition/mpi:2",
     "nodeDetails":{"nodeIndex":0,"isMainNode":true},
     "container":{"image":"busybox","command":["echo"],"instanceType":"c5.xlarge",
       "logStreamName":"mpi/default/abc","resourceRequirements":[{"type":"VCPU","value":"2"}]},
     "attempts":[]}]})");
  auto jobs = client.DescribeJobs({{"876da822", "876da822#0"}});
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->jobs.size(), 2u);
  ASSERT_TRUE(jobs->jobs[0].node_properties.has_value());
  EXPECT_EQ(jobs->jobs[0].node_properties->num_nodes, 4);
  EXPECT_FALSE(jobs->jobs[0].node_details.has_value());
  const batch::JobDetail& node = jobs->jobs[1];
  ASSERT_TRUE(node.node_details.has_value());
  EXPECT_EQ(node.node_details->node_index, 0);
  EXPECT_EQ(node.node_details->is_main_node, true);
  ASSERT_TRUE(node.container.has_value());
  EXPECT_EQ(node.container->instance_type, "c5.xlarge");
  EXPECT_FALSE(node.node_properties.has_value());
}

TEST(BatchNodesMotoTest, MultiNodeDefinitionAndJobRoundTrip) {
  testing::MotoEnvironment moto;
  ASSERT_TRUE(moto.DisableBatchDocker().ok());
  auto role = moto.CreateRole("batch-service-role");
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  auto created = batch::BatchClient::Create(moto.context());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  batch::BatchClient& client = *created;

  batch::CreateComputeEnvironmentRequest ce;
  ce.compute_environment_name = "mpi-ce";
  ce.type = "UNMANAGED";
  ce.state = "ENABLED";
  ce.service_role = *role;
  auto env = client.CreateComputeEnvironment(ce);
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  batch::CreateJobQueueRequest queue;
  queue.job_queue_name = "mpi-ondemand";
  queue.state = "ENABLED";
  queue.compute_environment_order = {{1, env->compute_environment_arn}};
  ASSERT_TRUE(client.CreateJobQueue(queue).ok());

  batch::RegisterJobDefinitionRequest definition;
  definition.job_definition_name = "mpi";
  definition.type = "multinode";
  definition.node_properties = FourNodes();
  definition.platform_capabilities = {"EC2"};
  auto registered = client.RegisterJobDefinition(definition);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  auto described =
      client.DescribeJobDefinitions({{registered->job_definition_arn}, "", "", {}, ""});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->job_definitions.size(), 1u);
  EXPECT_EQ(described->job_definitions[0].type, "multinode");

  batch::SubmitJobRequest submit;
  submit.job_name = "mpi-job";
  submit.job_queue = "mpi-ondemand";
  submit.job_definition = registered->job_definition_arn;
  batch::ContainerOverrides overrides;
  overrides.command = {"echo", "4"};
  submit.node_overrides = batch::NodeOverrides{4, {{"0:", overrides}}};
  auto job = client.SubmitJob(submit);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  auto jobs = client.DescribeJobs({{job->job_id}});
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->jobs.size(), 1u);
  ASSERT_TRUE(jobs->jobs[0].node_properties.has_value());
  EXPECT_EQ(jobs->jobs[0].node_properties->num_nodes, 4);
  EXPECT_EQ(jobs->jobs[0].node_properties->main_node, 0);
  ASSERT_EQ(jobs->jobs[0].node_properties->node_range_properties.size(), 1u);
  ASSERT_TRUE(jobs->jobs[0].node_properties->node_range_properties[0].container.has_value());
  EXPECT_EQ(jobs->jobs[0].node_properties->node_range_properties[0].container->image,
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/lammps:mpi");
}

}  // namespace
}  // namespace awshpc::aws
