// File: multinode.hpp
// Multi-node parallel (MPI) jobs on AWS Batch: an MPI variant with more than one node becomes a
// `multinode` job definition whose one node range "0:" holds the container on every node, and
// its submissions carry nodeOverrides instead of containerOverrides. Batch runs such jobs on EC2
// on-demand only (no Fargate, no Spot). See docs/batch.md, "Multi-node (MPI) jobs".
#pragma once

#include <string>
#include <string_view>

#include "awshpc/aws/services/batch.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::batch {

// The node range every node of a platform multi-node job belongs to (node 0 is the main node).
inline constexpr std::string_view kAllNodes = "0:";

// Turns a single-container definition into a multi-node one on `nodes` nodes: type multinode,
// the container (per-node resources) moved into node range "0:", main node 0, EC2 only.
// InvalidArgument when the request has no container or `nodes` < 2.
Status MakeMultiNode(aws::batch::RegisterJobDefinitionRequest& request, int nodes);

// The image a definition runs: its container's, or for a multi-node one its first node range's
// ("" when it has neither).
std::string DefinitionImage(const aws::batch::RegisterJobDefinitionRequest& request);

// The node fields of a definition as text for its content hash ("" for single-node ones, so
// their hashes do not change).
std::string NodePropertiesHashText(const aws::batch::RegisterJobDefinitionRequest& request);

// The purchase option routing uses for a job on `nodes` nodes: unchanged for one node; for more,
// "ondemand" when `purchase` is auto or ondemand, and FailedPrecondition for spot (Batch does not
// run multi-node jobs on Spot).
Result<std::string> PurchaseForNodes(std::string_view purchase, int nodes);

// Shapes a submission for the job definition deployed for `variant`: multi-node when the
// variant's default nodes exceed 1 (containerOverrides moved into nodeOverrides for "0:" with
// numNodes = `nodes`), single-node otherwise. FailedPrecondition when a single-node variant is
// asked for more nodes (its definition cannot run them: set `resources.nodes` and redeploy).
Status ShapeForNodes(aws::batch::SubmitJobRequest& submit, const spec::AppSpec& app,
                     const spec::Variant& variant, int nodes);

}  // namespace awshpc::batch
