// File: job_definitions.hpp
// AWS Batch job definitions made from an app spec: one per variant and architecture, with the
// image, resources, argv, environment, retry rules, timeout and tags the spec describes. A content
// hash in a tag makes deployment idempotent: an unchanged spec registers nothing, a changed one a
// new revision. See docs/batch.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "awshpc/aws/services/batch.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/spec/app_spec.hpp"

namespace awshpc::batch {

// Tags every platform resource carries (cost allocation, routing, lookups).
inline constexpr std::string_view kTagApp = "aws-hpc:app";
inline constexpr std::string_view kTagVariant = "aws-hpc:variant";
inline constexpr std::string_view kTagArch = "aws-hpc:arch";
inline constexpr std::string_view kTagSpecHash = "aws-hpc:spec-hash";
inline constexpr std::string_view kTagUser = "aws-hpc:user";
inline constexpr std::string_view kTagProject = "aws-hpc:project";

// "aws-hpc-lammps-mpi-graviton3": Batch names allow letters, digits, '-' and '_' (128 at most);
// anything else in the app or variant name becomes '-'.
std::string JobDefinitionName(std::string_view app, std::string_view variant,
                              std::string_view arch);

// Where a deployment gets what the spec does not say.
struct DefinitionOptions {
  std::string image;         // overrides the spec's container for every architecture
  std::string image_prefix;  // "<account>.dkr.ecr.<region>.amazonaws.com/aws-hpc": images not
                             // in the spec are "<prefix>/<app>:<version>-<variant>-<arch>"
  std::string job_role_arn;
  std::string execution_role_arn;
};

// The image for one architecture: the override, else the spec's container for it, else the
// platform's ECR naming. InvalidArgument naming the app when none applies.
Result<std::string> ImageFor(const spec::AppSpec& app, const spec::Variant& variant,
                             std::string_view arch, const DefinitionOptions& options);

// The architectures a variant runs on (the variant's list, else the app's), narrowed to `only`
// when given. InvalidArgument naming what is not supported, with the supported ones.
Result<std::vector<std::string>> DeployArchitectures(const spec::AppSpec& app,
                                                     const spec::Variant& variant,
                                                     const std::vector<std::string>& only);

// The RegisterJobDefinition request for a variant on an architecture, tags included (the spec
// hash tag last, computed over everything else). MPI variants with more than one node become
// multi-node definitions.
Result<aws::batch::RegisterJobDefinitionRequest> BuildJobDefinition(
    const spec::AppSpec& app, const spec::Variant& variant, std::string_view arch,
    const DefinitionOptions& options);

// The retry strategy for the spec's retries: `attempts` total, retried on the listed exit codes
// (any failure when none) and always on a lost Spot instance ("Host EC2*"). Batch allows five
// rules, so at most three exit codes: InvalidArgument beyond that.
Result<aws::batch::JobRetryStrategy> RetryStrategyFor(int attempts,
                                                      const std::vector<int>& on_exit_codes,
                                                      bool retry_on_spot_interruption = true);

// A stable hex digest of a request's content (its spec-hash tag excluded).
std::string DefinitionHash(const aws::batch::RegisterJobDefinitionRequest& request);

}  // namespace awshpc::batch
