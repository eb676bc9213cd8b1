// File: registry.hpp
// Pushing images: to any registry (host[:port][/prefix]) and to Amazon ECR (repository created
// with scan-on-push if missing, a lifecycle policy if it has none, login with
// GetAuthorizationToken, push, DescribeImages to check).
// Where the registry API is served elsewhere than ECR's own endpoint (moto_server has none),
// the layers go to that registry and the manifest is registered with ECR PutImage.
// Both x86_64 and arm64 built: a multi-arch manifest list (OCI image index) under a common tag.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awshpc/aws/http_client.hpp"
#include "awshpc/aws/services/ecr.hpp"
#include "awshpc/container/build_driver.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::container {

struct RegistryRef {
  std::string host;       // "127.0.0.1:5000", "123456789012.dkr.ecr.us-east-1.amazonaws.com"
  std::string prefix;     // "team/project" or ""
  bool loopback = false;  // plain HTTP is allowed for loopback registries only

  // host/prefix/repository
  std::string Repository(std::string_view repository) const;
};

// "127.0.0.1:5000", "localhost:5000/hpc", "registry.example.com/team"; InvalidArgument names
// the text.
Result<RegistryRef> ParseRegistry(std::string_view text);

struct Manifest {
  std::string body;  // byte for byte as served (its SHA-256 is the digest)
  std::string media_type;
  std::string digest;  // "sha256:..."
};

// GET /v2/<repository>/manifests/<reference> (OCI and Docker manifest and index types).
Result<Manifest> FetchManifest(aws::HttpClient& http, const RegistryRef& registry,
                               std::string_view repository, std::string_view reference);

struct PushResult {
  std::string destination;  // host/repo:tag
  std::string digest;
};

// Pushes `local_ref` as registry/<repository>:<tag> and checks the registry serves it.
Result<PushResult> PushToRegistry(const BuildDriver& driver, aws::HttpClient& http,
                                  const std::string& local_ref, const RegistryRef& registry,
                                  std::string_view repository, std::string_view tag,
                                  const std::string& log_path);

struct EcrPushOptions {
  std::string repository;  // "aws-hpc/lammps"
  std::string tag;
  // Where to push layers instead of the ECR endpoint (AWS_HPC_ECR_REGISTRY): the registry
  // standing in for ECR's registry API in tests against moto.
  std::string registry_override;
  std::string work_dir;  // for the 0600 auth file (removed afterwards)
  std::string log_path;
};

struct EcrPushResult {
  std::string repository_uri;
  bool repository_created = false;
  bool scan_on_push = false;
  bool lifecycle_policy_set = false;  // the repository had none; aws-hpc's was put
  std::string digest;
  std::string pushed_to;  // the registry the layers went to
  bool registered_with_put_image = false;
  std::int64_t size_bytes = 0;  // from DescribeImages
};

Result<EcrPushResult> PushToEcr(aws::ecr::EcrClient& ecr, const BuildDriver& driver,
                                aws::HttpClient& http, const std::string& local_ref,
                                const EcrPushOptions& options);

// Multi-arch on ECR: one image of the list, already pushed with PushToEcr under `tag`.
struct IndexImage {
  std::string local_ref;  // the local image (for the build tool's manifest list)
  std::string tag;        // its per-architecture tag in the repository
  std::string platform;   // "linux/amd64", "linux/arm64"
};

inline constexpr std::string_view kOciIndexMediaType = "application/vnd.oci.image.index.v1+json";

// An OCI image index naming each manifest with its platform ("os/arch[/variant]").
std::string OciImageIndex(const std::vector<std::pair<Manifest, std::string>>& manifests);

struct EcrIndexResult {
  std::string repository_uri;
  std::string digest;      // of the index bytes
  std::string media_type;  // the OCI index's when aws-hpc wrote it; empty when the tool pushed
  std::size_t manifests = 0;
  bool registered_with_put_image = false;
};

// Publishes a manifest list of `images` (each pushed before with PushToEcr) as
// options.repository:options.tag. Against ECR's registry endpoint the build tool pushes it
// (manifest create/add/push); with options.registry_override (moto, which has no registry
// API) the index is made from the per-architecture manifests that registry serves and
// registered with PutImage as an OCI image index. Checked with DescribeImages.
Result<EcrIndexResult> PushIndexToEcr(aws::ecr::EcrClient& ecr, const BuildDriver& driver,
                                      aws::HttpClient& http, const std::vector<IndexImage>& images,
                                      const EcrPushOptions& options);

}  // namespace awshpc::container
