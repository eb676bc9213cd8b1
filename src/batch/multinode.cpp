// File: multinode.cpp
#include "awshpc/batch/multinode.hpp"

#include <fmt/format.h>

#include "awshpc/spec/render.hpp"

namespace awshpc::batch {

namespace ab = aws::batch;

Status MakeMultiNode(ab::RegisterJobDefinitionRequest& request, int nodes) {
  if (nodes < 2) {
    return InvalidArgumentError(
        fmt::format("{}: a multi-node definition needs at least 2 nodes; got {}",
                    request.job_definition_name, nodes));
  }
  if (!request.container_properties) {
    return InvalidArgumentError(fmt::format(
        "{}: a multi-node definition needs the container to run", request.job_definition_name));
  }
  ab::NodeProperties properties;
  properties.num_nodes = nodes;
  properties.main_node = 0;
  properties.node_range_properties.push_back(
      {std::string(kAllNodes), std::move(request.container_properties)});
  request.container_properties.reset();
  request.node_properties = std::move(properties);
  request.type = "multinode";
  // Multi-node parallel jobs cannot run on Fargate.
  request.platform_capabilities = {"EC2"};
  return Status::Ok();
}

std::string DefinitionImage(const ab::RegisterJobDefinitionRequest& request) {
  if (request.container_properties) return request.container_properties->image;
  if (request.node_properties) {
    for (const ab::NodeRangeProperty& range : request.node_properties->node_range_properties) {
      if (range.container) return range.container->image;
    }
  }
  return "";
}

std::string NodePropertiesHashText(const ab::RegisterJobDefinitionRequest& request) {
  if (!request.node_properties) return "";
  const ab::NodeProperties& n = *request.node_properties;
  std::string text = fmt::format("nodes:{}:main:{};", n.num_nodes, n.main_node);
  for (const ab::NodeRangeProperty& range : n.node_range_properties) {
    text += fmt::format("range:{}:{};", range.target_nodes.size(), range.target_nodes);
    if (!range.container) continue;
    const ab::ContainerProperties& c = *range.container;
    // Length-prefixed, like the definition's other fields, so no two contents read alike.
    const auto field = [&text](std::string_view name, std::string_view value) {
      text += fmt::format("{}:{}:{};", name, value.size(), value);
    };
    field("image", c.image);
    for (const std::string& arg : c.command) field("arg", arg);
    field("jobRole", c.job_role_arn);
    field("executionRole", c.execution_role_arn);
    field("instanceType", c.instance_type);
    for (const ab::KeyValuePair& env : c.environment) field("env:" + env.name, env.value);
    for (const ab::ResourceRequirement& r : c.resource_requirements) {
      field("resource:" + r.type, r.value);
    }
  }
  return text;
}

Result<std::string> PurchaseForNodes(std::string_view purchase, int nodes) {
  if (nodes <= 1) return std::string(purchase);
  if (purchase == "spot") {
    return FailedPreconditionError(fmt::format(
        "--purchase spot: this job runs on {} nodes, and AWS Batch runs multi-node jobs on "
        "on-demand EC2 only; use --purchase ondemand (or auto)",
        nodes));
  }
  if (purchase == "auto" || purchase == "ondemand" || purchase == "on-demand") {
    return std::string("ondemand");
  }
  // Anything else: routing's own parser reports it.
  return std::string(purchase);
}

Status ShapeForNodes(ab::SubmitJobRequest& submit, const spec::AppSpec& app,
                     const spec::Variant& variant, int nodes) {
  const int deployed_nodes = spec::DefaultResources(app, variant).nodes;
  if (deployed_nodes <= 1) {
    if (nodes <= 1) return Status::Ok();
    return FailedPreconditionError(fmt::format(
        "--nodes {}: {} variant {} is deployed as a single-node job definition; give the variant "
        "`resources: {{nodes: ...}}` above 1 in {} and run `aws-hpc app deploy {}`",
        nodes, app.name, variant.name, app.file, app.name));
  }
  ab::NodeOverrides overrides;
  overrides.num_nodes = nodes;
  overrides.node_property_overrides.push_back(
      {std::string(kAllNodes), std::move(submit.container_overrides)});
  submit.container_overrides.reset();
  submit.node_overrides = std::move(overrides);
  return Status::Ok();
}

}  // namespace awshpc::batch
