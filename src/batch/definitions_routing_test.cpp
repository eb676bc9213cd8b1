// File: definitions_routing_test.cpp
// Job definitions built from app specs (names, retry rules, the content hash) and queue routing
// by family, purchase option and microarchitecture, without any server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "awshpc/batch/job_definitions.hpp"
#include "awshpc/batch/routing.hpp"
#include "awshpc/spec/loader.hpp"

namespace awshpc::batch {
namespace {

using ::testing::HasSubstr;

constexpr const char* kApp = R"(apiVersion: aws-hpc/v1
name: demo-app
version: "3"
parameters:
  steps: {type: int, default: 100}
resources: {vcpus: 4, memory: 8GiB, walltime: 30s}
architectures: [x86_64, zen4, graviton3]
containers:
  x86_64: example.com/demo:x86
command: [demo, "--steps", "{{ params.steps }}"]
environment:
  OMP_NUM_THREADS: "{{ resources.vcpus }}"
retries: {attempts: 3, onExitCodes: [75]}
)";

spec::AppSpec Load(const std::string& text = kApp) {
  spec::LoadResult loaded = spec::ParseAppSpec(text, "app.yaml");
  EXPECT_TRUE(loaded.ok()) << loaded.DiagnosticsText();
  return *loaded.spec;
}

TEST(JobDefinitionsTest, BuiltFromTheSpec) {
  const spec::AppSpec app = Load();
  const spec::Variant& variant = app.variants.front();
  auto request = BuildJobDefinition(app, variant, "x86_64", {});
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->job_definition_name, "aws-hpc-demo-app-default-x86_64");
  ASSERT_TRUE(request->container_properties.has_value());
  const auto& container = *request->container_properties;
  EXPECT_EQ(container.image, "example.com/demo:x86");
  EXPECT_EQ(container.command, (std::vector<std::string>{"demo", "--steps", "100"}));
  ASSERT_EQ(container.resource_requirements.size(), 2u);
  EXPECT_EQ(container.resource_requirements[0].value, "4");
  EXPECT_EQ(container.resource_requirements[1].value, "8192");
  EXPECT_EQ(request->timeout_seconds, 60);  // Batch's minimum, not the spec's 30 s
  ASSERT_TRUE(request->retry_strategy.has_value());
  EXPECT_EQ(request->retry_strategy->attempts, 3);
  ASSERT_EQ(request->retry_strategy->evaluate_on_exit.size(), 3u);
  EXPECT_EQ(request->retry_strategy->evaluate_on_exit[0].on_status_reason, "Host EC2*");
  EXPECT_EQ(request->retry_strategy->evaluate_on_exit[1].on_exit_code, "75");
  EXPECT_EQ(request->retry_strategy->evaluate_on_exit[2].action, "EXIT");
  EXPECT_EQ(request->tags.at("aws-hpc:spec-hash"), DefinitionHash(*request));
}

TEST(JobDefinitionsTest, ImagesFromOverridePrefixOrAClearError) {
  const spec::AppSpec app = Load();
  const spec::Variant& variant = app.variants.front();
  EXPECT_EQ(*ImageFor(app, variant, "zen4", {"override:1", "", "", ""}), "override:1");
  EXPECT_EQ(
      *ImageFor(app, variant, "zen4", {"", "123.dkr.ecr.us-east-1.amazonaws.com/aws-hpc", "", ""}),
      "123.dkr.ecr.us-east-1.amazonaws.com/aws-hpc/demo-app:3-default-zen4");
  auto missing = ImageFor(app, variant, "graviton3", {});
  EXPECT_THAT(missing.status().message(), HasSubstr("no container image for graviton3"));
  EXPECT_THAT(DeployArchitectures(app, variant, {"icelake"}).status().message(),
              HasSubstr("runs on x86_64, zen4 or graviton3"));
}

TEST(JobDefinitionsTest, TheHashFollowsContentOnly) {
  const spec::AppSpec app = Load();
  const spec::Variant& variant = app.variants.front();
  auto a = BuildJobDefinition(app, variant, "x86_64", {});
  auto b = BuildJobDefinition(app, variant, "x86_64", {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(DefinitionHash(*a), DefinitionHash(*b));
  auto other_image = BuildJobDefinition(app, variant, "x86_64", {"example.com/demo:2", "", "", ""});
  auto other_role = BuildJobDefinition(app, variant, "x86_64", {"", "", "arn:role", ""});
  EXPECT_NE(DefinitionHash(*a), DefinitionHash(*other_image));
  EXPECT_NE(DefinitionHash(*a), DefinitionHash(*other_role));
  std::string changed = kApp;
  changed.replace(changed.find("default: 100"), 12, "default: 200");
  const spec::AppSpec app2 = Load(changed);
  EXPECT_NE(DefinitionHash(*a),
            DefinitionHash(*BuildJobDefinition(app2, app2.variants.front(), "x86_64", {})));
}

TEST(JobDefinitionsTest, RetryRulesWithinBatchsLimits) {
  EXPECT_TRUE(RetryStrategyFor(1, {})->evaluate_on_exit.empty());
  // Any failure retried: a Spot rule and a catch-all RETRY.
  auto any = RetryStrategyFor(4, {});
  ASSERT_EQ(any->evaluate_on_exit.size(), 2u);
  EXPECT_EQ(any->evaluate_on_exit[1].action, "RETRY");
  EXPECT_TRUE(
      RetryStrategyFor(3, {}, /*retry_on_spot_interruption=*/false)->evaluate_on_exit.empty());
  EXPECT_EQ(RetryStrategyFor(3, {1, 2, 3})->evaluate_on_exit.size(), 5u);
  EXPECT_THAT(RetryStrategyFor(3, {1, 2, 3, 4}).status().message(), HasSubstr("at most 3"));
  EXPECT_FALSE(RetryStrategyFor(11, {}).ok());
  EXPECT_FALSE(RetryStrategyFor(0, {}).ok());
}

RoutedQueue Queue(std::string name, std::string family, std::string purchase,
                  std::vector<std::string> microarchs = {}, bool enabled = true, int ces = 1) {
  RoutedQueue queue;
  queue.name = std::move(name);
  queue.arch_family = std::move(family);
  queue.purchase = std::move(purchase);
  queue.microarchs = std::move(microarchs);
  queue.enabled = enabled;
  queue.compute_environments = ces;
  return queue;
}

class RoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = arch::Catalog::Builtin();
    ASSERT_TRUE(catalog.ok());
    catalog_ = *catalog;
  }
  const arch::Catalog* catalog_ = nullptr;
};

TEST_F(RoutingTest, FamiliesOfArchitectures) {
  EXPECT_EQ(*QueueFamiliesFor(*catalog_, "zen4"), (std::vector<std::string>{"x86_64-amd"}));
  EXPECT_EQ(*QueueFamiliesFor(*catalog_, "sapphirerapids"),
            (std::vector<std::string>{"x86_64-intel"}));
  EXPECT_EQ(*QueueFamiliesFor(*catalog_, "x86_64"),
            (std::vector<std::string>{"x86_64-amd", "x86_64-intel"}));
  EXPECT_EQ(*QueueFamiliesFor(*catalog_, "graviton3"),
            (std::vector<std::string>{"arm64-graviton"}));
  EXPECT_EQ(*QueueFamiliesFor(*catalog_, "cuda"), (std::vector<std::string>{"gpu"}));
  EXPECT_FALSE(QueueFamiliesFor(*catalog_, "pentium").ok());
}

TEST_F(RoutingTest, PurchaseOptionsAndFallback) {
  const std::vector<RoutedQueue> queues = {
      Queue("amd-spot", "x86_64-amd", "spot", {}, true, 2),  // falls back to on-demand
      Queue("amd-od", "x86_64-amd", "ondemand")};
  EXPECT_EQ(ChooseQueue(*catalog_, queues, "zen4", "spot")->name, "amd-spot");
  EXPECT_EQ(ChooseQueue(*catalog_, queues, "zen4", "ondemand")->name, "amd-od");
  EXPECT_EQ(ChooseQueue(*catalog_, queues, "zen4", "auto")->name, "amd-spot");
  // A spot queue without a fallback is not auto.
  const std::vector<RoutedQueue> strict = {Queue("amd-spot", "x86_64-amd", "spot")};
  EXPECT_EQ(ChooseQueue(*catalog_, strict, "zen4", "auto").status().code(), StatusCode::kNotFound);
  // A queue tagged auto wins over a falling-back spot queue.
  const std::vector<RoutedQueue> both = {Queue("fallback", "x86_64-amd", "spot", {}, true, 2),
                                         Queue("tagged", "x86_64-amd", "auto")};
  EXPECT_EQ(ChooseQueue(*catalog_, both, "zen4", "auto")->name, "tagged");
  EXPECT_EQ(*ParsePurchaseOption("on-demand"), "ondemand");
  EXPECT_THAT(ParsePurchaseOption("reserved").status().message(), HasSubstr("spot, ondemand"));
}

TEST_F(RoutingTest, MicroarchitecturesMustAllRunTheImage) {
  const std::vector<RoutedQueue> queues = {
      Queue("mixed", "x86_64-amd", "auto", {"zen3", "zen4"}),
      Queue("genoa", "x86_64-amd", "auto", {"zen4"}),
  };
  // zen4 code does not run on zen3: only the zen4-only queue.
  EXPECT_EQ(ChooseQueue(*catalog_, queues, "zen4", "auto")->name, "genoa");
  // zen3 code runs on zen3 and zen4: the first queue.
  EXPECT_EQ(ChooseQueue(*catalog_, queues, "zen3", "auto")->name, "mixed");
  // Generic x86-64 runs anywhere x86.
  EXPECT_EQ(ChooseQueue(*catalog_, queues, "x86_64", "auto")->name, "mixed");
}

TEST_F(RoutingTest, ClearErrorsWhenNothingFits) {
  const std::vector<RoutedQueue> queues = {Queue("arm", "arm64-graviton", "auto"),
                                           Queue("amd-off", "x86_64-amd", "auto", {}, false)};
  auto disabled = ChooseQueue(*catalog_, queues, "zen4", "auto");
  EXPECT_EQ(disabled.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(disabled.status().message(), HasSubstr("amd-off"));
  auto none = ChooseQueue(*catalog_, queues, "sapphirerapids", "auto");
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(none.status().message(), HasSubstr("queues present: arm (arm64-graviton auto)"));
  EXPECT_THAT(none.status().message(), HasSubstr("aws-hpc infra deploy"));
}

}  // namespace
}  // namespace awshpc::batch
