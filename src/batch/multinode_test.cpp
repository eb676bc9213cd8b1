// File: multinode_test.cpp
// Multi-node (MPI) job definitions and submissions built from tests/e2e/apps/batch-mpi: the
// 4-node MPI variant becomes a `multinode` definition with one node range, its hash covers the
// node fields, submissions carry nodeOverrides, and Spot is refused.
#include "awshpc/batch/multinode.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "awshpc/batch/job_definitions.hpp"
#include "awshpc/spec/loader.hpp"

namespace awshpc::batch {
namespace {

namespace ab = aws::batch;

spec::AppSpec LoadBatchMpi() {
  spec::LoadResult loaded =
      spec::LoadAppSpecFile(std::string(AWSHPC_SOURCE_DIR) + "/tests/e2e/apps/batch-mpi/app.yaml");
  EXPECT_TRUE(loaded.ok()) << loaded.DiagnosticsText();
  return loaded.spec.value_or(spec::AppSpec{});
}

bool HasResource(const std::vector<ab::ResourceRequirement>& list, std::string_view type,
                 std::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const auto& r) { return r.type == type && r.value == value; });
}

TEST(MultiNodeTest, FourNodeMpiVariantBecomesAMultiNodeDefinition) {
  const spec::AppSpec app = LoadBatchMpi();
  const spec::Variant* mpi = app.FindVariant("mpi");
  ASSERT_NE(mpi, nullptr);
  auto request = BuildJobDefinition(app, *mpi, "x86_64", {});
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->job_definition_name, "aws-hpc-batch-mpi-mpi-x86_64");
  EXPECT_EQ(request->type, "multinode");
  EXPECT_EQ(request->platform_capabilities, std::vector<std::string>{"EC2"});
  EXPECT_FALSE(request->container_properties.has_value());
  ASSERT_TRUE(request->node_properties.has_value());
  EXPECT_EQ(request->node_properties->num_nodes, 4);
  EXPECT_EQ(request->node_properties->main_node, 0);
  ASSERT_EQ(request->node_properties->node_range_properties.size(), 1u);
  const ab::NodeRangeProperty& range = request->node_properties->node_range_properties[0];
  EXPECT_EQ(range.target_nodes, "0:");
  ASSERT_TRUE(range.container.has_value());
  EXPECT_EQ(range.container->image, "public.ecr.aws/docker/library/busybox:stable");
  // Resources are per node; the argv sees the total rank count (2 vCPUs x 4 nodes).
  EXPECT_TRUE(HasResource(range.container->resource_requirements, "VCPU", "2"));
  EXPECT_TRUE(HasResource(range.container->resource_requirements, "MEMORY", "1024"));
  EXPECT_EQ(range.container->command,
            (std::vector<std::string>{"echo", "ranks", "8", "steps", "10"}));
  const bool has_env =
      std::any_of(range.container->environment.begin(), range.container->environment.end(),
                  [](const auto& e) { return e.name == "OMPI_MCA_btl" && e.value == "^openib"; });
  EXPECT_TRUE(has_env);
  EXPECT_EQ(request->tags.at(std::string(kTagSpecHash)), DefinitionHash(*request));
  EXPECT_EQ(DefinitionImage(*request), "public.ecr.aws/docker/library/busybox:stable");
}

TEST(MultiNodeTest, SerialVariantStaysASingleContainer) {
  const spec::AppSpec app = LoadBatchMpi();
  auto request = BuildJobDefinition(app, *app.FindVariant("serial"), "x86_64", {});
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->type, "container");
  EXPECT_FALSE(request->node_properties.has_value());
  ASSERT_TRUE(request->container_properties.has_value());
  EXPECT_EQ(NodePropertiesHashText(*request), "");
}

TEST(MultiNodeTest, HashCoversNodeCountAndNodeContainer) {
  const spec::AppSpec app = LoadBatchMpi();
  auto request = BuildJobDefinition(app, *app.FindVariant("mpi"), "x86_64", {});
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  const std::string original = DefinitionHash(*request);
  ab::RegisterJobDefinitionRequest more = *request;
  more.node_properties->num_nodes = 8;
  EXPECT_NE(DefinitionHash(more), original);
  ab::RegisterJobDefinitionRequest image = *request;
  image.node_properties->node_range_properties[0].container->image = "busybox:latest";
  EXPECT_NE(DefinitionHash(image), original);
  ab::RegisterJobDefinitionRequest same = *request;
  EXPECT_EQ(DefinitionHash(same), original);
}

TEST(MultiNodeTest, MakeMultiNodeRefusesOneNodeAndNoContainer) {
  ab::RegisterJobDefinitionRequest request;
  request.job_definition_name = "x";
  EXPECT_EQ(MakeMultiNode(request, 4).code(), StatusCode::kInvalidArgument);
  request.container_properties = ab::ContainerProperties{};
  EXPECT_EQ(MakeMultiNode(request, 1).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(request.container_properties.has_value());
}

TEST(MultiNodeTest, PurchaseOptionForMultiNodeJobsIsOnDemand) {
  EXPECT_EQ(PurchaseForNodes("auto", 4).value(), "ondemand");
  EXPECT_EQ(PurchaseForNodes("ondemand", 4).value(), "ondemand");
  EXPECT_EQ(PurchaseForNodes("spot", 1).value(), "spot");
  EXPECT_EQ(PurchaseForNodes("auto", 1).value(), "auto");
  auto spot = PurchaseForNodes("spot", 4);
  ASSERT_FALSE(spot.ok());
  EXPECT_EQ(spot.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(spot.status().message().find("on-demand"), std::string::npos);
}

TEST(MultiNodeTest, SubmissionsOfTheMpiVariantCarryNodeOverrides) {
  const spec::AppSpec app = LoadBatchMpi();
  ab::SubmitJobRequest submit;
  submit.container_overrides = ab::ContainerOverrides{{"echo", "ranks", "12"}, {}, {}, ""};
  ASSERT_TRUE(ShapeForNodes(submit, app, *app.FindVariant("mpi"), 6).ok());
  EXPECT_FALSE(submit.container_overrides.has_value());
  ASSERT_TRUE(submit.node_overrides.has_value());
  EXPECT_EQ(submit.node_overrides->num_nodes, 6);
  ASSERT_EQ(submit.node_overrides->node_property_overrides.size(), 1u);
  EXPECT_EQ(submit.node_overrides->node_property_overrides[0].target_nodes, "0:");
  ASSERT_TRUE(submit.node_overrides->node_property_overrides[0].container_overrides.has_value());
  EXPECT_EQ(submit.node_overrides->node_property_overrides[0].container_overrides->command,
            (std::vector<std::string>{"echo", "ranks", "12"}));

  ab::SubmitJobRequest serial;
  serial.container_overrides = ab::ContainerOverrides{};
  ASSERT_TRUE(ShapeForNodes(serial, app, *app.FindVariant("serial"), 1).ok());
  EXPECT_TRUE(serial.container_overrides.has_value());
  EXPECT_FALSE(serial.node_overrides.has_value());
  const Status refused = ShapeForNodes(serial, app, *app.FindVariant("serial"), 2);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("resources"), std::string::npos);
}

}  // namespace
}  // namespace awshpc::batch
